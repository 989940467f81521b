// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_config.h"
#include "lease_update_backlog.h"
#include "lease_updater.h"
#include "peer_channel.h"
#include "wire_interfaces.h"

#include <kahu/server_access.h>
#include <memory>

// The wire side's concrete classes (LeaseUpdater, LeaseUpdateBacklog, LeaseSync) behind the
// ports HaService programs against (wire_interfaces.h).
namespace kahu::ha {

/// Lease updates of committed exchanges: picks the targets (the partner when the service
/// says so, backups always), parks the query when an answer is awaited, queues for the
/// partner in communication-recovery, counts what the partner did not get, and reports the
/// partner's answers to the observer (failures, conflicts, successes).
class UpdaterPort final : public LeaseUpdatesPort {
public:
    UpdaterPort(const HaConfig& config, std::shared_ptr<PeerChannel> channel,
                LeaseUpdateObserver& observer);

    hooks::Verdict leases4Committed(hooks::Leases4CommittedArgs& args, hooks::CalloutContext& ctx,
                                    bool sendToPartner, bool queueForPartner) override;
    uint64_t unsentUpdateCount() const override { return updater_.unsentUpdateCount(); }
    bool backlogOverflowed() const override { return backlog_.overflown(); }
    void sendBacklog(std::function<void(bool ok)> done) override;
    void clearBacklog() override { backlog_.clear(); }

private:
    std::shared_ptr<PeerChannel> channel_; // declared before updater_, which refers to it
    const PeerConfig* partner_;
    std::vector<UpdateTarget> backups_;
    LeaseUpdateBacklog backlog_;
    LeaseUpdater updater_;
};

/// The lease sync: one LeaseSync run per call.
class SyncPort final : public LeaseSyncPort {
public:
    /// `server`: where synchronised leases go (LoadContext::server()).
    SyncPort(const HaConfig& config, std::shared_ptr<PeerChannel> channel, ServerAccess* server);
    void synchronize(const PeerConfig& partner, std::chrono::seconds maxPeriod,
                     std::function<void(std::string error)> done) override;

private:
    std::shared_ptr<PeerChannel> channel_;
    ServerAccess* server_;
    uint32_t pageLimit_;
    std::chrono::milliseconds syncTimeout_;
};

} // namespace kahu::ha
