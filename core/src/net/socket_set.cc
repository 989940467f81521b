// SPDX-License-Identifier: MPL-2.0
#include "net/socket_set.h"

#include <algorithm>
#include <kahu/error.h>
#include <poll.h>

namespace kahu::net {

SocketSet::SocketSet() = default;
SocketSet::~SocketSet() = default;

void SocketSet::open(const InterfacesConfig& config, uint16_t serverPort) {
    close();
    const auto all = listInterfaces();
    struct Wanted {
        InterfaceInfo info;
        std::optional<Ipv4Address> address;
    };
    std::vector<Wanted> wanted;
    auto add = [&](const InterfaceInfo& info, std::optional<Ipv4Address> address) {
        auto same = [&](const Wanted& w) {
            return w.info.name == info.name && w.address == address;
        };
        if (std::none_of(wanted.begin(), wanted.end(), same)) {
            wanted.push_back({info, address});
        }
    };
    for (const InterfaceSpec& spec : config.interfaces) {
        if (spec.name == "*") {
            for (const auto& info : all) {
                if (info.isUp() && !info.isLoopback() && !info.addresses.empty()) {
                    add(info, std::nullopt);
                }
            }
            continue;
        }
        auto it = std::find_if(all.begin(), all.end(),
                               [&](const InterfaceInfo& i) { return i.name == spec.name; });
        if (it == all.end()) {
            throw Error("interface '" + spec.name + "' does not exist");
        }
        if (spec.address) {
            bool owned =
                std::any_of(it->addresses.begin(), it->addresses.end(),
                            [&](const Ipv4Prefix& p) { return p.address == *spec.address; });
            if (!owned) {
                throw Error("interface '" + spec.name + "' has no address " + spec.address->str());
            }
        }
        add(*it, spec.address);
    }

    std::vector<Entry> opened;
    for (const Wanted& w : wanted) {
        Entry e;
        e.info = w.info;
        e.address = w.address.value_or(w.info.firstAddress());
        if (config.socketType == SocketType::Raw) {
            e.raw = std::make_unique<RawSocket>(w.info, serverPort);
            e.udp = std::make_unique<UdpSocket>(w.info.name, Ipv4Address(), serverPort);
            e.drainOnly = true;
        } else {
            e.udp = std::make_unique<UdpSocket>(w.info.name, w.address.value_or(Ipv4Address()),
                                                serverPort);
        }
        opened.push_back(std::move(e));
    }
    std::unique_ptr<UdpSocket> routed;
    if (config.outboundUseRouting && config.socketType == SocketType::Udp && !opened.empty()) {
        routed = std::make_unique<UdpSocket>("", Ipv4Address(), serverPort);
        routed->ignoreIncoming();
    }
    entries_ = std::move(opened);
    routed_ = std::move(routed);
}

void SocketSet::close() noexcept {
    routed_.reset();
    entries_.clear();
}

std::vector<int> SocketSet::fds() const {
    std::vector<int> out;
    for (const Entry& e : entries_) {
        if (e.raw) {
            out.push_back(e.raw->fd());
        }
        if (e.udp) {
            out.push_back(e.udp->fd());
        }
    }
    return out;
}

std::vector<InterfaceInfo> SocketSet::interfaces() const {
    std::vector<InterfaceInfo> out;
    for (const Entry& e : entries_) {
        out.push_back(e.info);
    }
    return out;
}

size_t SocketSet::receive(int fd, std::span<ReceivedPacket> batch) noexcept {
    for (Entry& e : entries_) {
        if (e.raw && e.raw->fd() == fd) {
            return e.raw->receive(batch);
        }
        if (e.udp && e.udp->fd() == fd) {
            if (e.drainOnly) {
                e.udp->drain();
                return 0;
            }
            return e.udp->receive(batch);
        }
    }
    return 0;
}

size_t SocketSet::receive(std::span<ReceivedPacket> batch) noexcept {
    size_t n = 0;
    for (Entry& e : entries_) {
        if (e.raw && n < batch.size()) {
            n += e.raw->receive(batch.subspan(n));
        }
        if (e.udp) {
            if (e.drainOnly) {
                e.udp->drain();
            } else if (n < batch.size()) {
                n += e.udp->receive(batch.subspan(n));
            }
        }
    }
    return n;
}

bool SocketSet::wait(int timeoutMs) const noexcept {
    pollfd pfds[64];
    nfds_t count = 0;
    for (const Entry& e : entries_) {
        for (int fd : {e.raw ? e.raw->fd() : -1, e.udp ? e.udp->fd() : -1}) {
            if (fd >= 0 && count < 64) {
                pfds[count++] = pollfd{fd, POLLIN, 0};
            }
        }
    }
    return ::poll(pfds, count, timeoutMs) > 0;
}

const SocketSet::Entry* SocketSet::find(const Packet4& reply) const noexcept {
    for (const Entry& e : entries_) {
        if (reply.ifindex != 0 ? e.info.ifindex == reply.ifindex : e.info.name == reply.iface) {
            return &e;
        }
    }
    return nullptr;
}

bool SocketSet::send(const Packet4& reply, std::span<const uint8_t> wire) noexcept {
    const Entry* e = find(reply);
    if (!e) {
        return false;
    }
    if (e->raw) {
        if (reply.localAddr.isZero() || reply.localAddr.isBroadcast()) {
            // Answer from the configured address rather than whatever comes first.
            FrameAddressing addr;
            addr.srcMac = e->info.mac;
            addr.dstIp = reply.remoteAddr;
            addr.dstMac = replyDestinationMac(reply, reply.remoteAddr);
            addr.srcIp = e->address;
            addr.srcPort = reply.localPort;
            addr.dstPort = reply.remotePort;
            return e->raw->sendFrame(addr, wire);
        }
        return e->raw->send(reply, wire);
    }
    if (routed_ && reply.ifindex == 0) {
        // The kernel chooses interface and source address (the outgoing interface's), as for
        // Kea's routed replies; the server identifier inside still names the receiving one.
        return routed_->send(wire, reply.remoteAddr, reply.remotePort, Ipv4Address(), 0);
    }
    Ipv4Address src =
        (reply.localAddr.isZero() || reply.localAddr.isBroadcast()) ? e->address : reply.localAddr;
    return e->udp->send(wire, reply.remoteAddr, reply.remotePort, src, e->info.ifindex);
}

} // namespace kahu::net
