// SPDX-License-Identifier: MPL-2.0
#include "wire_adapters.h"

#include "lease_sync.h"

namespace kahu::ha {

namespace {

LeaseUpdater::Options updaterOptions(const HaConfig& config) {
    LeaseUpdater::Options o;
    o.waitBackupAck = config.waitBackupAck;
    return o;
}

std::string clientIdText(const Lease4& lease) {
    return toColonHex(lease.clientId);
}

} // namespace

UpdaterPort::UpdaterPort(const HaConfig& config, std::shared_ptr<PeerChannel> channel,
                         LeaseUpdateObserver& observer)
    : channel_(std::move(channel)), partner_(config.partner()),
      backlog_(config.delayedUpdatesLimit),
      updater_(*channel_, updaterOptions(config), [&observer](const PeerUpdateReport& r) {
          if (r.backup) {
              return; // only the non-backup partner's answers drive the state
          }
          if (r.failed) {
              observer.partnerFailed();
          }
          for (const auto& l : r.rejected) {
              observer.leaseUpdateRejected(l, r.error);
          }
          for (const auto& l : r.updated) {
              observer.leaseUpdateSucceeded(l.hwAddr.str(), clientIdText(l));
          }
      }) {
    const std::string& self = config.thisServerName;
    for (const auto& p : config.peers) {
        if (p.role == PeerRole::Backup && p.name != self) {
            backups_.push_back({p, true});
        }
    }
}

hooks::Verdict UpdaterPort::leases4Committed(hooks::Leases4CommittedArgs& args,
                                             hooks::CalloutContext& ctx, bool sendToPartner,
                                             bool queueForPartner) {
    const bool anything = !args.leases.empty() || !args.deletedLeases.empty();
    if (!anything) {
        return hooks::Verdict::Continue;
    }
    std::vector<UpdateTarget> targets;
    if (partner_ != nullptr) {
        if (sendToPartner) {
            targets.push_back({*partner_, false});
        } else if (queueForPartner) {
            LeaseUpdater::queue(backlog_, args.leases, args.deletedLeases);
        } else {
            updater_.noteUnsent();
        }
    }
    targets.insert(targets.end(), backups_.begin(), backups_.end());
    if (targets.empty()) {
        return hooks::Verdict::Continue;
    }
    if (!updater_.mustWait(targets, args.leases, args.deletedLeases)) {
        updater_.send(targets, args.leases, args.deletedLeases, LeaseUpdater::Resolve{});
        return hooks::Verdict::Continue;
    }
    hooks::ParkHandle park = ctx.park();
    if (!park) {
        return hooks::Verdict::Drop; // the parked-packet limit is reached
    }
    updater_.send(targets, args.leases, args.deletedLeases, std::move(park));
    return hooks::Verdict::Park;
}

void UpdaterPort::sendBacklog(std::function<void(bool ok)> done) {
    if (partner_ == nullptr) {
        done(true);
        return;
    }
    updater_.sendBacklog(backlog_, *partner_,
                         [done = std::move(done)](bool ok, const std::string&) { done(ok); });
}

SyncPort::SyncPort(const HaConfig& config, std::shared_ptr<PeerChannel> channel,
                   ServerAccess* server)
    : channel_(std::move(channel)), server_(server), pageLimit_(config.syncPageLimit),
      syncTimeout_(config.syncTimeout) {}

void SyncPort::synchronize(const PeerConfig& partner, std::chrono::seconds maxPeriod,
                           std::function<void(std::string error)> done) {
    LeaseSync::Options o;
    o.server = server_;
    o.pageLimit = pageLimit_;
    o.syncTimeout = syncTimeout_;
    o.maxPeriod = static_cast<uint32_t>(maxPeriod.count());
    auto channel = channel_; // keeps the channel alive while the sync runs
    auto sync = std::make_shared<LeaseSync>(
        *channel, partner, o, [channel, done = std::move(done)](bool ok, const std::string& error) {
            done(ok ? std::string() : (error.empty() ? "lease synchronization failed" : error));
        });
    sync->start();
}

} // namespace kahu::ha
