// SPDX-License-Identifier: MPL-2.0
#include "lease/lease_index.h"

#include <algorithm>

namespace kahu {

namespace {

std::string bytesKey(const std::vector<uint8_t>& bytes) {
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

} // namespace

const Lease4* LeaseIndex::find(Ipv4Address address) const noexcept {
    auto it = leases_.find(address);
    return it == leases_.end() ? nullptr : &it->second;
}

void LeaseIndex::link(const Lease4& l) {
    uint32_t a = l.address.value();
    if (!l.hwAddr.empty()) {
        byHw_.emplace(bytesKey(l.hwAddr.bytes), a);
    }
    if (!l.clientId.empty()) {
        byClientId_.emplace(bytesKey(l.clientId), a);
    }
    if (!l.hostname.empty()) {
        byHostname_.emplace(l.hostname, a);
    }
    bySubnet_.emplace(l.subnetId, a);
    if (l.state == LeaseState::ExpiredReclaimed) {
        reclaimedByExpire_.emplace(l.expire(), a);
    } else if (l.validLifetime != Lease4::kInfinite) {
        activeByExpire_.emplace(l.expire(), a);
    }
}

void LeaseIndex::unlink(const Lease4& l) {
    uint32_t a = l.address.value();
    if (!l.hwAddr.empty()) {
        byHw_.erase({bytesKey(l.hwAddr.bytes), a});
    }
    if (!l.clientId.empty()) {
        byClientId_.erase({bytesKey(l.clientId), a});
    }
    if (!l.hostname.empty()) {
        byHostname_.erase({l.hostname, a});
    }
    bySubnet_.erase({l.subnetId, a});
    activeByExpire_.erase({l.expire(), a});
    reclaimedByExpire_.erase({l.expire(), a});
}

void LeaseIndex::assign(LeaseMap leases) {
    leases_ = std::move(leases);
    byHw_.clear();
    byClientId_.clear();
    byHostname_.clear();
    bySubnet_.clear();
    activeByExpire_.clear();
    reclaimedByExpire_.clear();
    for (const auto& [address, lease] : leases_) {
        link(lease);
    }
}

bool LeaseIndex::insert(const Lease4& lease) {
    auto [it, inserted] = leases_.try_emplace(lease.address, lease);
    if (inserted) {
        link(it->second);
    }
    return inserted;
}

bool LeaseIndex::replace(const Lease4& lease) {
    auto it = leases_.find(lease.address);
    if (it == leases_.end()) {
        return false;
    }
    unlink(it->second);
    it->second = lease;
    link(it->second);
    return true;
}

std::optional<Lease4> LeaseIndex::erase(Ipv4Address address) {
    auto it = leases_.find(address);
    if (it == leases_.end()) {
        return std::nullopt;
    }
    unlink(it->second);
    std::optional<Lease4> removed(std::move(it->second));
    leases_.erase(it);
    return removed;
}

std::vector<Lease4> LeaseIndex::collect(const MultiIndex& index, const std::string& key) const {
    std::vector<Lease4> out;
    for (auto it = index.lower_bound({key, 0}); it != index.end() && it->first == key; ++it) {
        out.push_back(leases_.at(Ipv4Address(it->second)));
    }
    return out;
}

std::vector<Lease4> LeaseIndex::byHwAddr(const HwAddr& hw) const {
    return collect(byHw_, bytesKey(hw.bytes));
}

std::vector<Lease4> LeaseIndex::byClientId(const ClientId& id) const {
    return collect(byClientId_, bytesKey(id));
}

std::vector<Lease4> LeaseIndex::byHostname(std::string_view hostname) const {
    return collect(byHostname_, std::string(hostname));
}

std::vector<Lease4> LeaseIndex::bySubnet(SubnetId id) const {
    std::vector<Lease4> out;
    for (auto it = bySubnet_.lower_bound({id, 0}); it != bySubnet_.end() && it->first == id; ++it) {
        out.push_back(leases_.at(Ipv4Address(it->second)));
    }
    return out;
}

std::vector<Ipv4Address> LeaseIndex::addressesOfSubnet(SubnetId id) const {
    std::vector<Ipv4Address> out;
    if (id == 0) {
        out.reserve(leases_.size());
        for (const auto& [address, lease] : leases_) {
            out.push_back(address);
        }
        return out;
    }
    for (auto it = bySubnet_.lower_bound({id, 0}); it != bySubnet_.end() && it->first == id; ++it) {
        out.push_back(Ipv4Address(it->second));
    }
    return out;
}

std::vector<Lease4> LeaseIndex::page(Ipv4Address after, size_t limit) const {
    std::vector<Lease4> out;
    for (auto it = leases_.upper_bound(after); it != leases_.end() && out.size() < limit; ++it) {
        out.push_back(it->second);
    }
    return out;
}

std::vector<Lease4> LeaseIndex::expired(int64_t now, size_t max) const {
    std::vector<Lease4> out;
    for (auto it = activeByExpire_.begin(); it != activeByExpire_.end() && it->first < now; ++it) {
        if (max != 0 && out.size() >= max) {
            break;
        }
        out.push_back(leases_.at(Ipv4Address(it->second)));
    }
    return out;
}

std::vector<Ipv4Address> LeaseIndex::reclaimedBefore(int64_t before) const {
    std::vector<Ipv4Address> out;
    for (auto it = reclaimedByExpire_.begin(); it != reclaimedByExpire_.end() && it->first < before;
         ++it) {
        out.push_back(Ipv4Address(it->second));
    }
    return out;
}

} // namespace kahu
