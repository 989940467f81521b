// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/config/server_config.h>
#include <kahu/dhcp/packet4.h>
#include <kahu/export.h>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace kahu {

/// Reservations indexed for the packet path: by (subnet, identifier type, identifier bytes)
/// and by (subnet, address). Subnet id 0 holds the global reservations. Built once per
/// configuration; read-only afterwards, so lookups need no lock.
class KAHU_API HostIndex {
public:
    explicit HostIndex(const ServerConfig& config);

    /// The client's reservation in a subnet (0 = global), trying the configured identifier
    /// types in order; the first match wins (Kea's rule). flexId is the host4_identifier
    /// result, empty when none.
    const Reservation* find(SubnetId subnet, const Packet4& query,
                            const std::vector<uint8_t>& flexId = {}) const;
    /// Who holds a reservation for this address in a subnet (0 = global), or null.
    const Reservation* byAddress(SubnetId subnet, Ipv4Address a) const;
    bool empty() const noexcept { return byId_.empty(); }

private:
    static std::string key(SubnetId subnet, IdentifierType t, const std::vector<uint8_t>& id);
    void add(SubnetId subnet, const Reservation& r);

    std::vector<IdentifierType> order_;
    std::unordered_map<std::string, const Reservation*> byId_;
    std::map<std::pair<SubnetId, uint32_t>, const Reservation*> byAddress_;
};

} // namespace kahu
