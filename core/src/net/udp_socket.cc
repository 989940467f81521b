// SPDX-License-Identifier: MPL-2.0
#include "net/udp_socket.h"

#include "net/receive_buffers.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <kahu/error.h>
#include <linux/filter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace kahu::net {

struct UdpSocket::Buffers : ReceiveBuffers<sockaddr_in, CMSG_SPACE(sizeof(in_pktinfo))> {};

namespace {

[[noreturn]] void fail(const std::string& device, Ipv4Address addr, uint16_t port,
                       const char* what) {
    throw Error("cannot open UDP socket on interface '" + (device.empty() ? "*" : device) +
                "' address " + addr.str() + " port " + std::to_string(port) + ": " + what + ": " +
                std::strerror(errno));
}

} // namespace

UdpSocket::UdpSocket(const std::string& device, Ipv4Address bindAddr, uint16_t port)
    : device_(device), buffers_(std::make_unique<Buffers>()) {
    fd_.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd_) {
        fail(device, bindAddr, port, "socket");
    }
    int on = 1;
    if (setsockopt(fd_.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        setsockopt(fd_.get(), SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0 ||
        setsockopt(fd_.get(), IPPROTO_IP, IP_PKTINFO, &on, sizeof on) != 0) {
        fail(device, bindAddr, port, "setsockopt");
    }
    // Room for a few milliseconds of a heavy burst: the server drains its sockets once per
    // tick when busy. Best effort: the kernel caps it at net.core.rmem_max.
    int rcvbuf = 4 << 20;
    setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (!device.empty() && setsockopt(fd_.get(), SOL_SOCKET, SO_BINDTODEVICE, device.c_str(),
                                      socklen_t(device.size() + 1)) != 0) {
        fail(device, bindAddr, port, "SO_BINDTODEVICE");
    }
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(bindAddr.value());
    if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        fail(device, bindAddr, port, "bind");
    }
    socklen_t len = sizeof sa;
    getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
}

UdpSocket::~UdpSocket() = default;

size_t UdpSocket::receive(std::span<ReceivedPacket> batch) noexcept {
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
        if (h.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
            continue;
        }
        ReceivedPacket& out = batch[n];
        out.data.assign(b.data[i].data(), b.data[i].data() + b.msgs[i].msg_len);
        out.src = Ipv4Address(ntohl(b.names[i].sin_addr.s_addr));
        out.srcPort = ntohs(b.names[i].sin_port);
        out.dstPort = port_;
        out.dst = Ipv4Address();
        out.ifindex = 0;
        out.srcMac = {};
        out.dstMac = {};
        for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                in_pktinfo info;
                std::memcpy(&info, CMSG_DATA(c), sizeof info);
                out.ifindex = info.ipi_ifindex;
                out.dst = Ipv4Address(ntohl(info.ipi_addr.s_addr));
            }
        }
        if (!device_.empty()) {
            out.iface = device_;
        } else {
            char name[IF_NAMESIZE] = {};
            out.iface = if_indextoname(unsigned(out.ifindex), name) ? name : "";
        }
        ++n;
    }
    return n;
}

bool UdpSocket::send(std::span<const uint8_t> payload, Ipv4Address dst, uint16_t dstPort,
                     Ipv4Address src, int ifindex) noexcept {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(dstPort);
    to.sin_addr.s_addr = htonl(dst.value());
    iovec iov{const_cast<uint8_t*>(payload.data()), payload.size()};
    alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(in_pktinfo))] = {};
    msghdr m{};
    m.msg_name = &to;
    m.msg_namelen = sizeof to;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    if (!src.isZero() || ifindex != 0) {
        m.msg_control = control;
        m.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo info{};
        info.ipi_ifindex = ifindex;
        info.ipi_spec_dst.s_addr = htonl(src.value());
        std::memcpy(CMSG_DATA(c), &info, sizeof info);
    }
    return ::sendmsg(fd_.get(), &m, MSG_DONTWAIT | MSG_NOSIGNAL) == ssize_t(payload.size());
}

bool UdpSocket::send(const Packet4& reply, std::span<const uint8_t> wire) noexcept {
    Ipv4Address src = reply.localAddr.isBroadcast() ? Ipv4Address() : reply.localAddr;
    return send(wire, reply.remoteAddr, reply.remotePort, src, reply.ifindex);
}

void UdpSocket::drain() noexcept {
    uint8_t sink[64];
    while (::recv(fd_.get(), sink, sizeof sink, MSG_DONTWAIT) >= 0) {
    }
}

void UdpSocket::ignoreIncoming() {
    sock_filter dropAll[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
    sock_fprog prog{1, dropAll};
    if (setsockopt(fd_.get(), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
        fail(device_, Ipv4Address(), port_, "SO_ATTACH_FILTER");
    }
    drain(); // what arrived between bind() and the filter
}

} // namespace kahu::net
