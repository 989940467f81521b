// SPDX-License-Identifier: MPL-2.0
#include "alloc/lease_reclaimer.h"

#include <chrono>
#include <kahu/log.h>
#include <kahu/stats.h>
#include <string>

namespace kahu {

size_t LeaseReclaimer::reclaim(int64_t now, bool remove, bool all) {
    const auto& exp = config_.expiredLeases;
    size_t max = all ? 0 : exp.maxReclaimLeases;
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(exp.maxReclaimTime);
    bool timed = !all && exp.maxReclaimTime > 0;
    auto& stats = Statistics::instance();
    size_t done = 0;
    for (const Lease4& candidate : leases_.store().getExpired(now, max)) {
        if (timed && std::chrono::steady_clock::now() > deadline) {
            break;
        }
        auto lock = leases_.lockAddress(candidate.address);
        auto lease = leases_.get(candidate.address);
        if (!lease || !lease->expired(now) || lease->state == LeaseState::ExpiredReclaimed) {
            continue; // renewed or handled meanwhile
        }
        bool declined = lease->state == LeaseState::Declined;
        bool removeThis = remove;
        Lease4 current = *lease;
        if (hooks_.expire && !hooks_.expire(current, removeThis)) {
            continue; // Skip: a callout reclaimed the lease itself
        }
        if (declined) {
            // A declined address whose probation is over is deleted: it holds no client
            // identity any more. Unless lease4_recover skips it, which keeps it reclaimed.
            bool recovered = !hooks_.recover || hooks_.recover(current);
            removeThis = recovered;
            declined = recovered;
        }
        std::string prefix = "subnet[" + std::to_string(lease->subnetId) + "].";
        const Subnet* subnet = config_.subnetById(lease->subnetId);
        const Pool* pool = subnet ? LeaseManager::poolOf(*subnet, lease->address) : nullptr;
        std::string poolPrefix =
            pool ? prefix + "pool[" + std::to_string(pool->poolId) + "]." : std::string();
        bool ok;
        if (removeThis) {
            ok = leases_.remove(*lease);
        } else {
            Lease4 reclaimed = current;
            reclaimed.state = LeaseState::ExpiredReclaimed;
            reclaimed.hostname.clear();
            reclaimed.fqdnFwd = reclaimed.fqdnRev = false;
            ok = leases_.update(*lease, reclaimed);
        }
        if (!ok) {
            continue;
        }
        if (hooks_.removeNames) {
            hooks_.removeNames(current); // a no-op for a lease without a name
        }
        ++done;
        const char* name = declined ? "reclaimed-declined-addresses" : "reclaimed-leases";
        stats.add(name, 1);
        stats.add(prefix + name, 1);
        if (!poolPrefix.empty()) {
            stats.add(poolPrefix + name, 1);
        }
        if (declined) {
            // Kea counts a recovered declined address as reclaimed too.
            stats.add("reclaimed-leases", 1);
            stats.add(prefix + "reclaimed-leases", 1);
        }
    }
    if (done) {
        KAHU_DEBUG(log::get("kahu-dhcp4.alloc-engine"), 40,
                   "ALLOC_ENGINE_V4_LEASES_RECLAMATION_COMPLETE", "reclaimed {} leases", done);
    }
    return done;
}

size_t LeaseReclaimer::flush(int64_t now) {
    return leases_.store().flushReclaimed(now - config_.expiredLeases.holdReclaimedTime);
}

} // namespace kahu
