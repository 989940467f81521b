// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <kahu/dhcp/hw_addr.h>
#include <kahu/dhcp/ipv4_address.h>
#include <nlohmann/json.hpp>
#include <string>

namespace kahu {

using SubnetId = uint32_t;

/// Lease states, with Kea's numeric values (lease file "state" column, lease JSON "state").
enum class LeaseState : uint32_t {
    Default = 0,          ///< assigned (or merely expired, not yet reclaimed)
    Declined = 1,         ///< declined, held for decline-probation-period
    ExpiredReclaimed = 2, ///< expired and reclaimed; kept for affinity until flushed
};

/// Kea's name of a state ("default", "declined", "expired-reclaimed"; "unknown (N)" else).
inline std::string leaseStateText(LeaseState state) {
    switch (state) {
    case LeaseState::Default:
        return "default";
    case LeaseState::Declined:
        return "declined";
    case LeaseState::ExpiredReclaimed:
        return "expired-reclaimed";
    }
    return "unknown (" + std::to_string(static_cast<uint32_t>(state)) + ")";
}

/// One IPv4 lease, with Kea's fields. A plain value type: copy freely.
struct Lease4 {
    static constexpr uint32_t kInfinite = 0xffffffffu;

    Ipv4Address address;
    HwAddr hwAddr;
    ClientId clientId;
    uint32_t validLifetime = 0;
    int64_t cltt = 0; ///< client last transmission time, Unix seconds
    SubnetId subnetId = 0;
    bool fqdnFwd = false;
    bool fqdnRev = false;
    std::string hostname;
    LeaseState state = LeaseState::Default;
    nlohmann::json userContext; ///< null when absent
    uint32_t poolId = 0;

    /// cltt + valid lifetime (what the lease file and the database store).
    int64_t expire() const noexcept { return cltt + static_cast<int64_t>(validLifetime); }
    bool expired(int64_t now) const noexcept {
        return validLifetime != kInfinite && expire() <= now;
    }
    /// Kea's belongsToClient: same client-id if both have one, else the same hardware address.
    bool belongsTo(const HwAddr& hw, const ClientId& cid) const noexcept {
        if (!clientId.empty() && !cid.empty()) {
            return clientId == cid;
        }
        return !hwAddr.bytes.empty() && hwAddr.bytes == hw.bytes;
    }
    /// Whether this lease keeps its address from `incoming`: it is assigned (state Default),
    /// not expired at `now`, and `incoming` is another client's. Two servers that would each
    /// keep their own lease here have handed one address to two clients: HA refuses such a
    /// partner update and reports such a lease met while synchronizing.
    bool conflictsWith(const Lease4& incoming, int64_t now) const noexcept {
        return state == LeaseState::Default && !expired(now) &&
               !incoming.belongsTo(hwAddr, clientId);
    }
    bool operator==(const Lease4&) const = default;
};

} // namespace kahu
