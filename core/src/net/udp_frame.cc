// SPDX-License-Identifier: MPL-2.0
#include "net/udp_frame.h"

#include <cstring>

namespace kahu::net {

namespace {

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kTtl = 128;

uint16_t get16(const uint8_t* p) noexcept {
    return uint16_t(p[0] << 8 | p[1]);
}
void put16(uint8_t* p, uint16_t v) noexcept {
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}

uint32_t sum16(const uint8_t* data, size_t size, uint32_t sum) noexcept {
    size_t i = 0;
    for (; i + 1 < size; i += 2) {
        sum += uint32_t(data[i] << 8 | data[i + 1]);
    }
    if (i < size) {
        sum += uint32_t(data[i] << 8);
    }
    return sum;
}

uint32_t pseudoHeaderSum(Ipv4Address src, Ipv4Address dst, size_t udpLength) noexcept {
    uint32_t s = (src.value() >> 16) + (src.value() & 0xffff);
    s += (dst.value() >> 16) + (dst.value() & 0xffff);
    return s + kProtoUdp + uint32_t(udpLength);
}

} // namespace

const char* toString(FrameError e) noexcept {
    switch (e) {
    case FrameError::Ok:
        return "ok";
    case FrameError::Truncated:
        return "truncated frame";
    case FrameError::NotIpv4:
        return "not IPv4";
    case FrameError::BadIpHeader:
        return "bad IPv4 header";
    case FrameError::BadIpChecksum:
        return "bad IPv4 header checksum";
    case FrameError::Fragment:
        return "IPv4 fragment";
    case FrameError::NotUdp:
        return "not UDP";
    case FrameError::BadUdpLength:
        return "bad UDP length";
    case FrameError::BadUdpChecksum:
        return "bad UDP checksum";
    }
    return "unknown frame error";
}

uint16_t internetChecksum(const uint8_t* data, size_t size, uint32_t initial) noexcept {
    uint64_t sum = sum16(data, size, 0) + uint64_t(initial);
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return uint16_t(~sum);
}

void buildUdpFrame(const FrameAddressing& a, std::span<const uint8_t> payload,
                   std::vector<uint8_t>& out) {
    const size_t udpLength = kUdpHeaderSize + payload.size();
    out.resize(kFrameOverhead + payload.size());
    uint8_t* eth = out.data();
    std::memcpy(eth, a.dstMac.data(), 6);
    std::memcpy(eth + 6, a.srcMac.data(), 6);
    put16(eth + 12, kEtherTypeIpv4);

    uint8_t* ip = eth + kEthernetHeaderSize;
    ip[0] = 0x45;
    ip[1] = 0; // TOS
    put16(ip + 2, uint16_t(kIpv4HeaderSize + udpLength));
    put16(ip + 4, 0); // id: never fragmented
    put16(ip + 6, 0); // flags / fragment offset
    ip[8] = kTtl;
    ip[9] = kProtoUdp;
    put16(ip + 10, 0);
    a.srcIp.toBytes(ip + 12);
    a.dstIp.toBytes(ip + 16);
    put16(ip + 10, internetChecksum(ip, kIpv4HeaderSize));

    uint8_t* udp = ip + kIpv4HeaderSize;
    put16(udp, a.srcPort);
    put16(udp + 2, a.dstPort);
    put16(udp + 4, uint16_t(udpLength));
    put16(udp + 6, 0);
    if (!payload.empty()) {
        std::memcpy(udp + kUdpHeaderSize, payload.data(), payload.size());
    }
    uint16_t c = internetChecksum(udp, udpLength, pseudoHeaderSum(a.srcIp, a.dstIp, udpLength));
    put16(udp + 6, c == 0 ? 0xffff : c); // 0 means "no checksum" in UDP
}

FrameError parseUdpFrame(std::span<const uint8_t> frame, bool verifyUdpChecksum, FrameAddressing& a,
                         std::span<const uint8_t>& payload) noexcept {
    if (frame.size() < kFrameOverhead) {
        return FrameError::Truncated;
    }
    const uint8_t* eth = frame.data();
    if (get16(eth + 12) != kEtherTypeIpv4) {
        return FrameError::NotIpv4;
    }
    const uint8_t* ip = eth + kEthernetHeaderSize;
    const size_t ipAvailable = frame.size() - kEthernetHeaderSize;
    if ((ip[0] >> 4) != 4) {
        return FrameError::NotIpv4;
    }
    const size_t ihl = size_t(ip[0] & 0x0f) * 4;
    const size_t total = get16(ip + 2);
    // Frames may carry Ethernet padding after the IP datagram; never the other way round.
    if (ihl < kIpv4HeaderSize || total < ihl || total > ipAvailable) {
        return FrameError::BadIpHeader;
    }
    if (internetChecksum(ip, ihl) != 0) {
        return FrameError::BadIpChecksum;
    }
    if ((get16(ip + 6) & 0x3fff) != 0) {
        return FrameError::Fragment;
    }
    if (ip[9] != kProtoUdp) {
        return FrameError::NotUdp;
    }
    if (total - ihl < kUdpHeaderSize) {
        return FrameError::Truncated;
    }
    const uint8_t* udp = ip + ihl;
    const size_t udpLength = get16(udp + 4);
    if (udpLength < kUdpHeaderSize || udpLength > total - ihl) {
        return FrameError::BadUdpLength;
    }
    std::memcpy(a.dstMac.data(), eth, 6);
    std::memcpy(a.srcMac.data(), eth + 6, 6);
    a.srcIp = Ipv4Address::fromBytes(ip + 12);
    a.dstIp = Ipv4Address::fromBytes(ip + 16);
    a.srcPort = get16(udp);
    a.dstPort = get16(udp + 2);
    if (verifyUdpChecksum && get16(udp + 6) != 0 &&
        internetChecksum(udp, udpLength, pseudoHeaderSum(a.srcIp, a.dstIp, udpLength)) != 0) {
        return FrameError::BadUdpChecksum;
    }
    payload = std::span<const uint8_t>(udp + kUdpHeaderSize, udpLength - kUdpHeaderSize);
    return FrameError::Ok;
}

std::vector<sock_filter> dhcpServerFilter(uint16_t port) {
    // Jump offsets count from the next instruction; index 10 is "drop", 9 is "accept".
    return {
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),               // ethertype
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, 8),    // IPv4?
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),               // IP protocol
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kProtoUdp, 0, 6), // UDP?
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20),               // flags + fragment offset
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, 4, 0),   // any fragment: drop
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),              // X = IP header length
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16),               // UDP destination port
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),      // ours?
        BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),               // accept whole frame
        BPF_STMT(BPF_RET | BPF_K, 0),                         // drop
    };
}

std::array<uint8_t, 6> replyDestinationMac(const Packet4& reply, Ipv4Address dstIp) noexcept {
    // Kea answers at layer 2 to the MAC the query came from, whatever the IP destination
    // (a broadcast-flag reply and a NAK to 255.255.255.255 included), as tests/diff shows.
    if (reply.remoteMac != std::array<uint8_t, 6>{}) {
        return reply.remoteMac;
    }
    if (!dstIp.isBroadcast() && dstIp == reply.yiaddr && reply.giaddr.isZero() &&
        reply.ciaddr.isZero() && reply.hlen == 6) {
        std::array<uint8_t, 6> mac;
        std::memcpy(mac.data(), reply.chaddr.data(), 6);
        return mac;
    }
    return kBroadcastMac;
}

} // namespace kahu::net
