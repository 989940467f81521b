// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/config/server_config.h>
#include <kahu/dhcp/packet4.h>
#include <string>
#include <vector>

namespace kahu {

/// The IPv4 addresses of one interface, as the subnet selector and the server-id logic need.
struct InterfaceAddresses {
    std::string name;
    int ifindex = 0;
    std::vector<Ipv4Prefix> addresses;
};

/// Picks the subnet for a query the way Kea does (Kea's CfgSubnets4::selectSubnet): RAI
/// link-selection, option 118, relay addresses, then giaddr / ciaddr / source / receiving
/// interface.
class SubnetSelector {
public:
    explicit SubnetSelector(const ServerConfig& config) : config_(config) {}

    /// classes: the query's client classes (for subnet client-class restrictions).
    const Subnet* select(const Packet4& query, const InterfaceAddresses* iface,
                         const std::vector<std::string>& classes) const noexcept;

    /// The subnets sharing a link with `subnet` (its shared network, itself first).
    std::vector<const Subnet*> network(const Subnet& subnet) const;

    static bool classAllowed(const std::string& required,
                             const std::vector<std::string>& classes) noexcept;

private:
    const Subnet* containing(Ipv4Address a, const std::vector<std::string>& classes) const noexcept;

    const ServerConfig& config_;
};

} // namespace kahu
