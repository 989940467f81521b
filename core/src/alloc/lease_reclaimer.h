// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "alloc/lease_manager.h"

#include <functional>
#include <kahu/config/server_config.h>

namespace kahu {

/// Expired-lease processing (Kea ARM "Lease Reclamation"; alloc_engine.cc reclaimExpiredLeases4):
/// turns expired leases into expired-reclaimed ones (or deletes them when
/// flush-reclaimed-timer-wait-time is 0), recovers declined addresses whose probation is over, and
/// flushes reclaimed leases older than hold-reclaimed-time. The server calls reclaim() and flush()
/// from its timers and from the leases-reclaim command.
class LeaseReclaimer {
public:
    /// Hook seams, in Kea's order (alloc_engine.cc reclaimExpiredLease): `expire`
    /// (lease4_expire) runs for every lease being reclaimed, declined ones included, and may
    /// change the lease and `remove`; false (Skip) means a callout took care of the lease,
    /// which is then left alone. For a declined lease `recover` (lease4_recover) runs next;
    /// false (Skip) means the address is not recovered: as in Kea, the lease is then kept as
    /// expired-reclaimed (remove mode or not) instead of being deleted, and it does not count
    /// as a reclaimed declined address.
    struct Hooks {
        std::function<bool(Lease4& lease, bool& remove)> expire;
        std::function<bool(Lease4& lease)> recover;
        /// DDNS: the DNS records of a reclaimed lease go (Kea's queueNCR CHG_REMOVE).
        std::function<void(const Lease4& lease)> removeNames;
    };

    LeaseReclaimer(LeaseManager& leases, const ServerConfig& config, Hooks hooks = {})
        : leases_(leases), config_(config), hooks_(std::move(hooks)) {}

    /// One reclamation cycle: at most max-reclaim-leases leases and about max-reclaim-time ms
    /// (0 = unlimited for both; `all` ignores the limits). `remove` deletes instead of keeping
    /// the lease as expired-reclaimed. Returns the number of leases reclaimed.
    size_t reclaim(int64_t now, bool remove, bool all = false);
    /// Deletes expired-reclaimed leases held longer than hold-reclaimed-time.
    size_t flush(int64_t now);

private:
    LeaseManager& leases_;
    const ServerConfig& config_;
    Hooks hooks_;
};

} // namespace kahu
