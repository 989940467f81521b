// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <array>
#include <cstdint>
#include <kahu/dhcp/ipv4_address.h>
#include <kahu/dhcp/packet4.h>
#include <string>
#include <vector>

namespace kahu::net {

/// One datagram from a DHCP socket: the UDP payload and where it came from. Receivers fill a
/// caller-owned array of these, so the data buffers are reused from one batch to the next.
struct ReceivedPacket {
    std::vector<uint8_t> data; ///< UDP payload (the DHCP message)
    Ipv4Address src, dst;      ///< IP source; IP destination (may be 255.255.255.255)
    uint16_t srcPort = 0, dstPort = 0;
    int ifindex = 0;
    std::string iface;
    std::array<uint8_t, 6> srcMac{}; ///< link-layer source; zero from UDP sockets
    std::array<uint8_t, 6> dstMac{}; ///< link-layer destination; zero from UDP sockets

    /// Copies the transport metadata into a parsed query (remote = source, local = destination).
    void fillTransport(Packet4& p) const {
        p.remoteAddr = src;
        p.localAddr = dst;
        p.remotePort = srcPort;
        p.localPort = dstPort;
        p.ifindex = ifindex;
        p.iface = iface;
        p.remoteMac = srcMac;
        p.localMac = dstMac;
    }
};

} // namespace kahu::net
