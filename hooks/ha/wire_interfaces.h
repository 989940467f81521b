// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_config.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <kahu/hooks/callout_context.h>
#include <kahu/hooks/hook_args.h>
#include <kahu/hooks/verdict.h>
#include <string>

// What the HA service needs from the wire side besides PeerChannel: the lease updater
// (lease_updater.{h,cc}) and the lease sync (lease_sync.{h,cc}). HaService programs against
// these two interfaces only; the wire side implements them (see docs/ha.md, "Code map").
namespace kahu::ha {

/// Sends the lease changes of committed exchanges to the peers (docs/ha-wire.md).
class LeaseUpdatesPort {
public:
    virtual ~LeaseUpdatesPort() = default;
    /// The leases4_committed callout body. `sendToPartner` says whether this exchange's
    /// updates go to the non-backup partner now (load-balancing, hot-standby,
    /// partner-in-maintenance), `queueForPartner` whether they are queued instead
    /// (communication-recovery); backups always get them. Returns Park after taking
    /// ctx.park() when it waits for answers, Continue when there is nothing to wait for.
    virtual hooks::Verdict leases4Committed(hooks::Leases4CommittedArgs& args,
                                            hooks::CalloutContext& ctx, bool sendToPartner,
                                            bool queueForPartner) = 0;
    /// unsent-update-count (heartbeat answers).
    virtual uint64_t unsentUpdateCount() const = 0;
    /// The communication-recovery backlog holds more than delayed-updates-limit entries.
    virtual bool backlogOverflowed() const = 0;
    /// Sends the backlog to the partner; `done(true)` when all of it was accepted.
    virtual void sendBacklog(std::function<void(bool ok)> done) = 0;
    virtual void clearBacklog() = 0;
};

/// The lease database synchronisation with the partner: dhcp-disable, lease4-get-page
/// paging with newer-cltt-wins, ha-sync-complete-notify (dhcp-enable for old partners).
class LeaseSyncPort {
public:
    virtual ~LeaseSyncPort() = default;
    /// Starts a sync from `partner`; `done` gets "" on success or the error text. dhcp-disable
    /// carries max-period = `maxPeriod`.
    virtual void synchronize(const PeerConfig& partner, std::chrono::seconds maxPeriod,
                             std::function<void(std::string error)> done) = 0;
};

/// What the wire side reports back to the service (HaService implements it).
class LeaseUpdateObserver {
public:
    virtual ~LeaseUpdateObserver() = default;
    /// A non-conflict failure talking to the partner: it becomes unavailable.
    virtual void partnerFailed() = 0;
    /// The partner answered result 4 (conflict) for this lease: it holds the address for
    /// another client. `answer` is the partner's text.
    virtual void leaseUpdateRejected(const Lease4& lease, const std::string& answer) = 0;
    virtual void leaseUpdateSucceeded(const std::string& hwAddr, const std::string& clientId) = 0;
};

} // namespace kahu::ha
