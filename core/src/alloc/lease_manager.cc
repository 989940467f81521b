// SPDX-License-Identifier: MPL-2.0
#include "alloc/lease_manager.h"

#include <kahu/log.h>
#include <kahu/stats.h>
#include <string>

namespace kahu {
namespace {

bool holdsAddress(const Lease4& l) {
    return l.state == LeaseState::Default || l.state == LeaseState::Declined;
}

std::string subnetStat(SubnetId id, const char* name) {
    return "subnet[" + std::to_string(id) + "]." + name;
}

std::string poolStat(SubnetId id, uint32_t poolId, const char* name) {
    return "subnet[" + std::to_string(id) + "].pool[" + std::to_string(poolId) + "]." + name;
}

} // namespace

LeaseManager::LeaseManager(std::shared_ptr<LeaseStore> store) : store_(std::move(store)) {}

const Pool* LeaseManager::poolOf(const Subnet& subnet, Ipv4Address a) noexcept {
    for (const auto& p : subnet.pools) {
        if (p.contains(a)) {
            return &p;
        }
    }
    return nullptr;
}

LeaseManager::SubnetState* LeaseManager::stateFor(SubnetId id) const {
    auto it = subnets_.find(id);
    return it == subnets_.end() ? nullptr : it->second.get();
}

void LeaseManager::applyLeaseChecks(const ServerConfig& config,
                                    const std::map<SubnetId, std::shared_ptr<SubnetState>>& fresh,
                                    const std::string& mode) {
    std::vector<Lease4> wrong;
    store_->forEach([&](const Lease4& l) {
        auto it = fresh.find(l.subnetId);
        if (holdsAddress(l) &&
            (it == fresh.end() || !it->second->subnet->prefix.contains(l.address))) {
            wrong.push_back(l);
        }
    });
    auto lg = log::get("kahu-dhcp4.dhcpsrv");
    for (const Lease4& l : wrong) {
        const Subnet* home = nullptr;
        for (const auto& s : config.subnets) {
            if (s.prefix.contains(l.address)) {
                home = &s;
                break;
            }
        }
        if (home != nullptr && mode != "del") {
            Lease4 fixed = l;
            fixed.subnetId = home->id;
            store_->update(fixed, l.expire());
            KAHU_INFO(lg, "DHCPSRV_LEASE_SANITY_FIXED",
                      "The lease {} with subnet-id {} failed subnet-id checks, but was corrected "
                      "to subnet-id {}.",
                      l.address.str(), l.subnetId, home->id);
        } else if (mode != "fix") {
            store_->remove(l);
            KAHU_INFO(
                lg, "DHCPSRV_LEASE_SANITY_FAIL_DISCARD",
                "The lease {} with subnet-id {} failed subnet-id checks ({}) and was dropped.",
                l.address.str(), l.subnetId,
                home ? "lease-checks is del" : "no configured subnet holds the address");
        }
    }
}

void LeaseManager::configure(std::shared_ptr<const ServerConfig> config) {
    std::map<SubnetId, std::shared_ptr<SubnetState>> fresh;
    auto& stats = Statistics::instance();
    UtilizationMonitor::Scopes scopes = monitor_->build(*config);
    for (const auto& subnet : config->subnets) {
        auto st = std::make_shared<SubnetState>();
        st->subnet = &subnet;
        st->poolScopes = scopes.pools[subnet.id];
        st->subnetScope = scopes.subnets[subnet.id];
        if (auto n = scopes.networkOf.find(subnet.id); n != scopes.networkOf.end()) {
            st->networkScope = n->second;
        }
        uint64_t total = 0;
        std::map<uint32_t, uint64_t> poolTotals;
        for (const auto& pool : subnet.pools) {
            st->pools.emplace_back(pool, subnet.allocator);
            total += pool.size();
            poolTotals[pool.poolId] += pool.size();
        }
        stats.set(subnetStat(subnet.id, "total-addresses"), static_cast<int64_t>(total));
        st->counters = {&stats.counter(subnetStat(subnet.id, "assigned-addresses")),
                        &stats.counter(subnetStat(subnet.id, "declined-addresses")),
                        &stats.counter(subnetStat(subnet.id, "cumulative-assigned-addresses"))};
        st->counters.assigned->set(0);
        st->counters.declined->set(0);
        for (const char* name : {"reclaimed-leases", "reclaimed-declined-addresses",
                                 "v4-reservation-conflicts", "v4-lease-reuses"}) {
            stats.counter(subnetStat(subnet.id, name)); // created with 0, kept across reloads
        }
        for (auto [pid, size] : poolTotals) {
            stats.set(poolStat(subnet.id, pid, "total-addresses"), static_cast<int64_t>(size));
            stats.set(poolStat(subnet.id, pid, "assigned-addresses"), 0);
            stats.set(poolStat(subnet.id, pid, "declined-addresses"), 0);
            for (const char* name : {"cumulative-assigned-addresses", "reclaimed-leases",
                                     "reclaimed-declined-addresses"}) {
                stats.counter(poolStat(subnet.id, pid, name));
            }
        }
        for (const auto& pool : subnet.pools) {
            st->poolCounters.push_back(
                {&stats.counter(poolStat(subnet.id, pool.poolId, "assigned-addresses")),
                 &stats.counter(poolStat(subnet.id, pool.poolId, "declined-addresses")),
                 &stats.counter(
                     poolStat(subnet.id, pool.poolId, "cumulative-assigned-addresses"))});
        }
        fresh.emplace(subnet.id, st);
    }
    // Count every lease once, before publishing, without locks or per-lease counter updates:
    // with a million leases this is most of the start-up time after loading the file.
    struct Counts {
        int64_t assigned = 0;
        int64_t declined = 0;
        std::vector<std::pair<int64_t, int64_t>> pools; // assigned, declined per pool index
    };
    std::map<SubnetId, Counts> counts;
    for (auto& [id, st] : fresh) {
        counts[id].pools.resize(st->pools.size());
    }
    // Kea's lease sanity checks (sanity-checks.lease-checks): a lease whose subnet id is not
    // configured or does not hold its address is kept with a warning (warn), moved to the
    // subnet that holds the address (fix; fix-del deletes it when there is none), or deleted
    // (del). Kea applies them when the memfile is loaded, which it does on every
    // (re)configuration; the changes are made before counting, outside the store's visit.
    if (const std::string& mode = config->leaseChecks;
        store_->type() == "memfile" && (mode == "fix" || mode == "fix-del" || mode == "del")) {
        applyLeaseChecks(*config, fresh, mode);
    }
    int64_t globalDeclined = 0;
    size_t inconsistent = 0;
    store_->forEach([&](const Lease4& l) {
        if (!holdsAddress(l)) {
            return;
        }
        bool declined = l.state == LeaseState::Declined;
        globalDeclined += declined;
        auto it = fresh.find(l.subnetId);
        if (it == fresh.end() || !it->second->subnet->prefix.contains(l.address)) {
            if (++inconsistent <= 10 && config->leaseChecks != "none") {
                KAHU_WARN(log::get("kahu-dhcp4.dhcpsrv"), "DHCPSRV_LEASE_SANITY_FAIL",
                          "The lease {} with subnet-id {} failed subnet-id checks (the subnet is "
                          "not configured or does not hold the address; the lease is kept).",
                          l.address.str(), l.subnetId);
            }
            return;
        }
        Counts& c = counts[l.subnetId];
        ++c.assigned;
        c.declined += declined;
        auto& pools = it->second->pools;
        for (size_t i = 0; i < pools.size(); ++i) {
            if (pools[i].contains(l.address)) {
                pools[i].markUsed(l.address);
                ++c.pools[i].first;
                c.pools[i].second += declined;
                break;
            }
        }
    });
    for (auto& [id, st] : fresh) {
        const Counts& c = counts[id];
        st->counters.assigned->set(c.assigned);
        st->counters.declined->set(c.declined);
        for (size_t i = 0; i < c.pools.size(); ++i) {
            st->poolCounters[i].assigned->add(c.pools[i].first);
            st->poolCounters[i].declined->add(c.pools[i].second);
            st->poolScopes[i]->used += c.pools[i].first;
            st->subnetScope->used += c.pools[i].first;
            if (st->networkScope) {
                st->networkScope->used += c.pools[i].first;
            }
        }
    }
    stats.set("declined-addresses", globalDeclined);
    if (inconsistent > 10 && config->leaseChecks != "none") {
        KAHU_WARN(log::get("kahu-dhcp4.dhcpsrv"), "DHCPSRV_LEASE_SANITY_FAIL",
                  "{} leases in all failed subnet-id checks", inconsistent);
    }
    const UtilizationNotify notify = config->utilizationNotify;
    {
        LockGuard lock(configMutex_);
        config_ = std::move(config);
        subnets_ = std::move(fresh);
    }
    monitor_->start(scopes, notify);
}

void LeaseManager::account(const Lease4& lease, int sign, bool watch) {
    if (!holdsAddress(lease)) {
        return;
    }
    static Counter& globalDeclined = Statistics::instance().counter("declined-addresses");
    bool declined = lease.state == LeaseState::Declined;
    if (declined) {
        globalDeclined.add(sign);
    }
    std::shared_ptr<SubnetState> st;
    {
        LockGuard lock(configMutex_);
        auto it = subnets_.find(lease.subnetId);
        if (it == subnets_.end()) {
            return; // a lease of a subnet no longer configured: kept, not counted
        }
        st = it->second;
    }
    st->counters.assigned->add(sign);
    if (declined) {
        st->counters.declined->add(sign);
    }
    size_t pool = st->pools.size();
    {
        std::lock_guard lock(st->mutex);
        for (size_t i = 0; i < st->pools.size(); ++i) {
            PoolAllocator& pa = st->pools[i];
            if (pa.contains(lease.address)) {
                st->poolCounters[i].assigned->add(sign);
                if (declined) {
                    st->poolCounters[i].declined->add(sign);
                }
                sign > 0 ? pa.markUsed(lease.address) : pa.markFree(lease.address);
                pool = i;
                break;
            }
        }
    }
    // Alerts see the change outside the lock: a crossing logs and may queue a notification.
    if (watch && pool < st->poolScopes.size()) {
        monitor_->change(*st->poolScopes[pool], sign);
        monitor_->change(*st->subnetScope, sign);
        if (st->networkScope) {
            monitor_->change(*st->networkScope, sign);
        }
    }
}

void LeaseManager::countAssignment(const Lease4& lease) {
    static Counter& global = Statistics::instance().counter("cumulative-assigned-addresses");
    global.add(1);
    std::shared_ptr<SubnetState> st;
    {
        LockGuard lock(configMutex_);
        auto it = subnets_.find(lease.subnetId);
        if (it == subnets_.end()) {
            return;
        }
        st = it->second;
    }
    st->counters.cumulative->add(1);
    for (size_t i = 0; i < st->pools.size(); ++i) {
        if (st->pools[i].contains(lease.address)) {
            st->poolCounters[i].cumulative->add(1);
            break;
        }
    }
}

bool LeaseManager::add(const Lease4& lease) {
    if (!store_->add(lease)) {
        return false;
    }
    account(lease, +1);
    return true;
}

bool LeaseManager::update(const Lease4& old, const Lease4& updated) {
    if (!store_->update(updated, old.expire())) {
        return false;
    }
    // A renewal (same address, subnet and holding state) is no change for the alerts: without
    // this a pool sitting at a threshold would flap on every renewal.
    const bool moved = old.address != updated.address || old.subnetId != updated.subnetId ||
                       holdsAddress(old) != holdsAddress(updated);
    account(old, -1, moved);
    account(updated, +1, moved);
    return true;
}

bool LeaseManager::remove(const Lease4& lease) {
    if (!store_->remove(lease)) {
        return false;
    }
    account(lease, -1);
    return true;
}

size_t LeaseManager::wipe(SubnetId id) {
    std::vector<Lease4> leases = id ? store_->getBySubnet(id) : store_->getAll();
    size_t removed = 0;
    for (const auto& l : leases) {
        auto lock = lockAddress(l.address);
        if (remove(l)) {
            ++removed;
        }
    }
    return removed;
}

std::shared_ptr<LeaseManager::SubnetState> LeaseManager::sharedState(SubnetId id) const {
    LockGuard lock(configMutex_);
    auto it = subnets_.find(id);
    return it == subnets_.end() ? nullptr : it->second;
}

std::optional<Ipv4Address>
LeaseManager::pickFree(const Subnet& subnet, const std::function<bool(const Pool&)>& poolAllowed,
                       const std::function<bool(Ipv4Address)>& accept, ShareSide side) {
    const PoolShare share = share_.load();
    const bool shared = share.parts > 1 && share.own < share.parts;
    if (side == ShareSide::Others && !shared) {
        return std::nullopt;
    }
    std::shared_ptr<SubnetState> st = sharedState(subnet.id);
    if (!st) {
        return std::nullopt;
    }
    // The parts of a pool this side covers: own + k for k in [kBegin, kEnd), modulo the part
    // count — the own part (k = 0), or the others starting after it.
    const uint32_t partCount = shared ? share.parts : 1;
    const uint32_t own = shared ? share.own : 0;
    const uint32_t kBegin = side == ShareSide::Own ? 0 : 1;
    const uint32_t kEnd = side == ShareSide::Own ? 1 : partCount;
    // The subnet's mutex guards only the bitmaps. accept() looks the candidate up in the store
    // (a database round trip for a blocking store) outside it, so that concurrent allocations
    // in one subnet do not queue behind each other's round trips; each pick moves the cursor
    // past its candidate, so they are handed different candidates.
    constexpr size_t kMaxTries = 64; // PoolAllocator::pick's default
    for (size_t i = 0; i < subnet.pools.size(); ++i) {
        if (!poolAllowed(subnet.pools[i])) {
            continue;
        }
        for (uint32_t k = kBegin; k < kEnd; ++k) {
            const uint32_t part = (own + k) % partCount;
            for (size_t tries = 0; tries < kMaxTries; ++tries) {
                std::optional<Ipv4Address> a;
                {
                    std::lock_guard lock(st->mutex);
                    if (i >= st->pools.size() || tries >= st->pools[i].freeCount()) {
                        break;
                    }
                    PoolAllocator& pa = st->pools[i];
                    a = pa.pick([](Ipv4Address) { return true; }, 1, pa.part(part, partCount));
                }
                if (!a) {
                    break;
                }
                if (accept(*a)) {
                    return a;
                }
            }
        }
    }
    return std::nullopt;
}

std::optional<Ipv4Address>
LeaseManager::pickExpired(const Subnet& subnet, const std::function<bool(const Pool&)>& poolAllowed,
                          const std::function<bool(Ipv4Address)>& accept, int64_t now,
                          ShareSide side) {
    const PoolShare share = share_.load();
    const bool shared = share.parts > 1 && share.own < share.parts;
    if (side == ShareSide::Others && !shared) {
        return std::nullopt;
    }
    std::shared_ptr<SubnetState> st = sharedState(subnet.id);
    if (!st) {
        return std::nullopt;
    }
    // Whether an address of pool i lies on the requested side of the share.
    auto onSide = [&](size_t i, Ipv4Address a) {
        if (!shared) {
            return true;
        }
        const PoolAllocator& pa = st->pools[i];
        const auto mine = pa.part(share.own, share.parts);
        const uint32_t offset = a.value() - subnet.pools[i].first.value();
        const bool inOwn = offset >= mine.begin && offset < mine.end;
        return side == ShareSide::Own ? inOwn : !inOwn;
    };
    for (const Lease4& l : store_->getExpired(now, kMaxExpiredCandidates)) {
        if (l.subnetId != subnet.id) {
            continue;
        }
        for (size_t i = 0; i < subnet.pools.size() && i < st->pools.size(); ++i) {
            if (!subnet.pools[i].contains(l.address)) {
                continue;
            }
            if (poolAllowed(subnet.pools[i]) && onSide(i, l.address) && accept(l.address)) {
                return l.address;
            }
            break;
        }
    }
    return std::nullopt;
}

} // namespace kahu
