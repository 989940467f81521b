// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <array>
#include <cstdint>
#include <kahu/dhcp/ipv4_address.h>
#include <optional>
#include <string>
#include <vector>

namespace kahu::net {

/// One network interface as the kernel reports it (getifaddrs), at the time of the call.
struct InterfaceInfo {
    std::string name;
    int ifindex = 0;
    std::array<uint8_t, 6> mac{};
    std::vector<Ipv4Prefix> addresses; ///< IPv4 addresses with their prefix length
    unsigned flags = 0;                ///< IFF_* flags

    bool isUp() const noexcept;
    bool isLoopback() const noexcept;
    /// The first IPv4 address, or 0.0.0.0 when the interface has none.
    Ipv4Address firstAddress() const noexcept {
        return addresses.empty() ? Ipv4Address() : addresses.front().address;
    }
};

/// Every interface of the calling thread's network namespace, ordered by ifindex.
/// Throws kahu::Error if the kernel cannot be asked.
std::vector<InterfaceInfo> listInterfaces();
/// One interface by name; std::nullopt if absent.
std::optional<InterfaceInfo> findInterface(const std::string& name);

} // namespace kahu::net
