// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "lease/csv_lease_file.h"

#include <kahu/lease/lease4.h>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kahu {

/// The in-memory lease set with every lookup MemfileStore needs, each O(log n) or O(1) plus
/// the size of the answer. Not thread-safe: MemfileStore guards it.
class LeaseIndex {
public:
    const LeaseMap& all() const noexcept { return leases_; }
    size_t size() const noexcept { return leases_.size(); }
    const Lease4* find(Ipv4Address address) const noexcept;

    /// Replaces the whole content (start-up load).
    void assign(LeaseMap leases);
    /// False if the address is taken.
    bool insert(const Lease4& lease);
    /// False if the address is unknown.
    bool replace(const Lease4& lease);
    /// The removed lease, or std::nullopt if the address is unknown.
    std::optional<Lease4> erase(Ipv4Address address);

    std::vector<Lease4> byHwAddr(const HwAddr& hw) const;
    std::vector<Lease4> byClientId(const ClientId& id) const;
    std::vector<Lease4> byHostname(std::string_view hostname) const;
    std::vector<Lease4> bySubnet(SubnetId id) const;
    /// Addresses of the leases of a subnet (0 = all), ascending.
    std::vector<Ipv4Address> addressesOfSubnet(SubnetId id) const;
    std::vector<Lease4> page(Ipv4Address after, size_t limit) const;
    /// Not reclaimed, finite, expire < now; oldest first; max 0 = no limit.
    std::vector<Lease4> expired(int64_t now, size_t max) const;
    /// Reclaimed leases with expire < before.
    std::vector<Ipv4Address> reclaimedBefore(int64_t before) const;

private:
    using Key = std::pair<int64_t, uint32_t>;
    // (key, address) pairs: erasing one lease is O(log n) even when thousands share a key
    // (a common hostname), and a lookup comes out sorted by address.
    using MultiIndex = std::set<std::pair<std::string, uint32_t>>;

    void link(const Lease4& lease);
    void unlink(const Lease4& lease);
    std::vector<Lease4> collect(const MultiIndex& index, const std::string& key) const;

    LeaseMap leases_;
    MultiIndex byHw_;
    MultiIndex byClientId_;
    MultiIndex byHostname_;
    std::set<std::pair<SubnetId, uint32_t>> bySubnet_;
    std::set<Key> activeByExpire_;    // state != ExpiredReclaimed, finite lifetime
    std::set<Key> reclaimedByExpire_; // state == ExpiredReclaimed
};

} // namespace kahu
