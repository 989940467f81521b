// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <array>
#include <cstdint>
#include <kahu/dhcp/ipv4_address.h>
#include <kahu/dhcp/packet4.h>
#include <linux/filter.h>
#include <span>
#include <vector>

namespace kahu::net {

// Ethernet + IPv4 (no options when we build) + UDP framing for AF_PACKET sockets.
inline constexpr size_t kEthernetHeaderSize = 14;
inline constexpr size_t kIpv4HeaderSize = 20;
inline constexpr size_t kUdpHeaderSize = 8;
inline constexpr size_t kFrameOverhead = kEthernetHeaderSize + kIpv4HeaderSize + kUdpHeaderSize;
inline constexpr std::array<uint8_t, 6> kBroadcastMac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/// Link, network and transport addresses of one UDP frame.
struct FrameAddressing {
    std::array<uint8_t, 6> srcMac{}, dstMac{};
    Ipv4Address srcIp, dstIp;
    uint16_t srcPort = 0, dstPort = 0;
};

/// Why parseUdpFrame() refused a frame.
enum class FrameError : uint8_t {
    Ok = 0,
    Truncated,      ///< shorter than the headers it announces
    NotIpv4,        ///< ethertype or IP version
    BadIpHeader,    ///< IHL < 5 or total length inconsistent
    BadIpChecksum,  ///< IPv4 header checksum wrong
    Fragment,       ///< MF set or non-zero fragment offset: DHCP never needs reassembly
    NotUdp,         ///< protocol is not 17
    BadUdpLength,   ///< UDP length < 8 or past the IP payload
    BadUdpChecksum, ///< non-zero UDP checksum that does not verify
};
const char* toString(FrameError) noexcept;

/// RFC 1071 ones'-complement sum folded to 16 bits and complemented, starting from `initial`
/// (a partial, unfolded sum, e.g. of the UDP pseudo-header).
uint16_t internetChecksum(const uint8_t* data, size_t size, uint32_t initial = 0) noexcept;

/// Writes an Ethernet/IPv4/UDP frame around payload into out (resized to fit), with correct
/// IPv4 header and UDP checksums. TTL 128 and no DF, as Kea sends.
void buildUdpFrame(const FrameAddressing& addr, std::span<const uint8_t> payload,
                   std::vector<uint8_t>& out);

/// Validates an Ethernet/IPv4/UDP frame and locates its payload (a view into frame).
/// verifyUdpChecksum = false when the kernel says the checksum is not filled in yet
/// (TP_STATUS_CSUMNOTREADY for locally generated or offloaded packets).
FrameError parseUdpFrame(std::span<const uint8_t> frame, bool verifyUdpChecksum,
                         FrameAddressing& addr, std::span<const uint8_t>& payload) noexcept;

/// Classic BPF accepting only unfragmented IPv4/UDP frames to destination `port`.
std::vector<sock_filter> dhcpServerFilter(uint16_t port);

/// The link-layer destination of a reply sent to IP destination dstIp, as Kea 2.2 chooses it:
/// reply.remoteMac, the MAC the query came from, whenever it is known (even for an IP
/// broadcast); else the client's chaddr for a unicast to its new address (yiaddr) without
/// ciaddr or relay; else ff:ff:ff:ff:ff:ff.
std::array<uint8_t, 6> replyDestinationMac(const Packet4& reply, Ipv4Address dstIp) noexcept;

} // namespace kahu::net
