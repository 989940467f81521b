// SPDX-License-Identifier: MPL-2.0
#include "alloc/lease_manager.h"

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

void LeaseManager::configure(std::shared_ptr<const ServerConfig> config) {
    std::map<SubnetId, std::shared_ptr<SubnetState>> fresh;
    auto& stats = Statistics::instance();
    for (const auto& subnet : config->subnets) {
        auto st = std::make_shared<SubnetState>();
        uint64_t total = 0;
        for (const auto& pool : subnet.pools) {
            st->pools.emplace_back(pool, subnet.allocator);
            total += pool.size();
        }
        fresh.emplace(subnet.id, st);
        stats.set(subnetStat(subnet.id, "total-addresses"), static_cast<int64_t>(total));
        for (const char* name : {"assigned-addresses", "declined-addresses"}) {
            stats.set(subnetStat(subnet.id, name), 0);
        }
        for (const char* name : {"cumulative-assigned-addresses", "reclaimed-leases",
                                 "reclaimed-declined-addresses", "v4-reservation-conflicts",
                                 "v4-lease-reuses"}) {
            stats.counter(subnetStat(subnet.id, name));  // created with 0, kept across reloads
        }
        std::map<uint32_t, uint64_t> poolTotals;
        for (const auto& pool : subnet.pools) {
            poolTotals[pool.poolId] += pool.size();
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
    }
    stats.set("declined-addresses", 0);
    {
        std::lock_guard lock(configMutex_);
        config_ = std::move(config);
        subnets_ = std::move(fresh);
    }
    store_->forEach([this](const Lease4& l) { account(l, +1); });
}

void LeaseManager::account(const Lease4& lease, int sign) {
    if (!holdsAddress(lease)) {
        return;
    }
    std::shared_ptr<const ServerConfig> cfg;
    std::shared_ptr<SubnetState> st;
    {
        std::lock_guard lock(configMutex_);
        cfg = config_;
        auto it = subnets_.find(lease.subnetId);
        if (it != subnets_.end()) {
            st = it->second;
        }
    }
    auto& stats = Statistics::instance();
    bool declined = lease.state == LeaseState::Declined;
    if (declined) {
        stats.add("declined-addresses", sign);
    }
    const Subnet* subnet = cfg ? cfg->subnetById(lease.subnetId) : nullptr;
    if (!subnet) {
        return;  // a lease of a subnet no longer configured: kept, not counted
    }
    stats.add(subnetStat(subnet->id, "assigned-addresses"), sign);
    if (declined) {
        stats.add(subnetStat(subnet->id, "declined-addresses"), sign);
    }
    const Pool* pool = poolOf(*subnet, lease.address);
    if (!pool) {
        return;
    }
    stats.add(poolStat(subnet->id, pool->poolId, "assigned-addresses"), sign);
    if (declined) {
        stats.add(poolStat(subnet->id, pool->poolId, "declined-addresses"), sign);
    }
    if (st) {
        std::lock_guard lock(st->mutex);
        for (auto& pa : st->pools) {
            if (pa.contains(lease.address)) {
                sign > 0 ? pa.markUsed(lease.address) : pa.markFree(lease.address);
                break;
            }
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
    if (!store_->update(updated)) {
        return false;
    }
    account(old, -1);
    account(updated, +1);
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

std::optional<Ipv4Address> LeaseManager::pickFree(
    const Subnet& subnet, const std::function<bool(const Pool&)>& poolAllowed,
    const std::function<bool(Ipv4Address)>& accept) {
    std::shared_ptr<SubnetState> st;
    {
        std::lock_guard lock(configMutex_);
        auto it = subnets_.find(subnet.id);
        if (it == subnets_.end()) {
            return std::nullopt;
        }
        st = it->second;
    }
    std::lock_guard lock(st->mutex);
    for (size_t i = 0; i < st->pools.size() && i < subnet.pools.size(); ++i) {
        if (!poolAllowed(subnet.pools[i])) {
            continue;
        }
        if (auto a = st->pools[i].pick(accept)) {
            return a;
        }
    }
    return std::nullopt;
}

} // namespace kahu
