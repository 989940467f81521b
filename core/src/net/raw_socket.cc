// SPDX-License-Identifier: MPL-2.0
#include "net/raw_socket.h"

#include "net/receive_buffers.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <kahu/error.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

namespace kahu::net {

struct RawSocket::Buffers : ReceiveBuffers<sockaddr_ll, CMSG_SPACE(sizeof(tpacket_auxdata))> {};

namespace {

[[noreturn]] void fail(const InterfaceInfo& iface, const char* what) {
    throw Error("cannot open raw socket on interface '" + iface.name + "': " + what + ": " +
                std::strerror(errno));
}

} // namespace

RawSocket::RawSocket(const InterfaceInfo& iface, uint16_t port)
    : iface_(iface), port_(port), buffers_(std::make_unique<Buffers>()) {
    // Protocol 0 receives nothing until bind(), so no unfiltered frame slips in before the
    // filter is attached.
    fd_.reset(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd_) {
        fail(iface, "socket");
    }
    auto filter = dhcpServerFilter(port);
    sock_fprog prog{static_cast<unsigned short>(filter.size()), filter.data()};
    int rcvbuf = 4 << 20; // see UdpSocket: drained once per tick when busy
    setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (setsockopt(fd_.get(), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
        fail(iface, "SO_ATTACH_FILTER");
    }
    int on = 1;
    if (setsockopt(fd_.get(), SOL_PACKET, PACKET_AUXDATA, &on, sizeof on) != 0) {
        fail(iface, "PACKET_AUXDATA");
    }
    sockaddr_ll sa{};
    sa.sll_family = AF_PACKET;
    sa.sll_protocol = htons(ETH_P_IP);
    sa.sll_ifindex = iface.ifindex;
    if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        fail(iface, "bind");
    }
}

RawSocket::~RawSocket() = default;

size_t RawSocket::receive(std::span<ReceivedPacket> batch) noexcept {
    Buffers& b = *buffers_;
    const size_t want = std::min(batch.size(), Buffers::kSlots);
    if (want == 0) {
        return 0;
    }
    b.prepare(want);
    int got = recvmmsg(fd_.get(), b.msgs.data(), unsigned(want), MSG_DONTWAIT, nullptr);
    if (got <= 0) {
        return 0;
    }
    size_t n = 0;
    for (int i = 0; i < got; ++i) {
        msghdr& h = b.msgs[i].msg_hdr;
        const sockaddr_ll& from = b.names[i];
        if (from.sll_pkttype == PACKET_OUTGOING) {
            continue; // our own transmissions, looped back to taps
        }
        bool verifyChecksum = true;
        bool tagged = false;
        for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
            if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
                tpacket_auxdata aux;
                std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
                // Checksum offload: the sum is not filled in yet, nothing to verify.
                verifyChecksum = !(aux.tp_status & TP_STATUS_CSUMNOTREADY);
                // The kernel stripped a VLAN tag: the frame belongs to a VLAN interface.
                tagged = (aux.tp_status & TP_STATUS_VLAN_VALID) && aux.tp_vlan_tci != 0;
            }
        }
        FrameAddressing addr;
        std::span<const uint8_t> payload;
        if (tagged || (h.msg_flags & MSG_TRUNC) ||
            parseUdpFrame(std::span<const uint8_t>(b.data[i].data(), b.msgs[i].msg_len),
                          verifyChecksum, addr, payload) != FrameError::Ok ||
            addr.dstPort != port_) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        ReceivedPacket& out = batch[n++];
        out.data.assign(payload.begin(), payload.end());
        out.src = addr.srcIp;
        out.dst = addr.dstIp;
        out.srcPort = addr.srcPort;
        out.dstPort = addr.dstPort;
        out.ifindex = iface_.ifindex;
        out.iface = iface_.name;
        out.srcMac = addr.srcMac;
        out.dstMac = addr.dstMac;
    }
    return n;
}

bool RawSocket::sendFrame(FrameAddressing addr, std::span<const uint8_t> payload) noexcept {
    if (addr.srcMac == std::array<uint8_t, 6>{}) {
        addr.srcMac = iface_.mac;
    }
    // One frame buffer per sending thread: no allocation after the first reply.
    thread_local std::vector<uint8_t> frame;
    try {
        buildUdpFrame(addr, payload, frame);
    } catch (...) {
        return false; // out of memory
    }
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_IP);
    to.sll_ifindex = iface_.ifindex;
    to.sll_halen = 6;
    std::memcpy(to.sll_addr, addr.dstMac.data(), 6);
    return ::sendto(fd_.get(), frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                    reinterpret_cast<sockaddr*>(&to), sizeof to) == ssize_t(frame.size());
}

bool RawSocket::send(const Packet4& reply, std::span<const uint8_t> wire) noexcept {
    FrameAddressing addr;
    addr.srcMac = iface_.mac;
    addr.dstIp = reply.remoteAddr;
    addr.dstMac = replyDestinationMac(reply, reply.remoteAddr);
    addr.srcIp = (reply.localAddr.isZero() || reply.localAddr.isBroadcast()) ? iface_.firstAddress()
                                                                             : reply.localAddr;
    addr.srcPort = reply.localPort;
    addr.dstPort = reply.remotePort;
    return sendFrame(addr, wire);
}

} // namespace kahu::net
