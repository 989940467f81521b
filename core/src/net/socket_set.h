// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "net/interface_info.h"
#include "net/raw_socket.h"
#include "net/received_packet.h"
#include "net/udp_socket.h"

#include <kahu/config/server_config.h>
#include <kahu/dhcp/packet4.h>
#include <memory>
#include <span>
#include <vector>

namespace kahu::net {

/// The DHCP sockets of a server, opened for an InterfacesConfig.
///
/// raw: per interface an AF_PACKET socket that carries DHCP, plus a UDP socket on the server
/// port that is only drained, so the kernel does not answer clients with ICMP port-unreachable.
/// udp: per interface a UDP socket (0.0.0.0:port tied to the device, or address:port for the
/// "name/address" form). "*" means every up, non-loopback interface with an IPv4 address.
/// The owner polls fds() (epoll) and calls receive(); any thread may call send().
class SocketSet {
public:
    SocketSet();
    ~SocketSet();
    SocketSet(const SocketSet&) = delete;
    SocketSet& operator=(const SocketSet&) = delete;

    /// Closes what is open and opens sockets for config on serverPort. Throws kahu::Error
    /// naming the interface when one is missing or cannot be opened (nothing stays open then).
    void open(const InterfacesConfig& config, uint16_t serverPort = 67);
    void close() noexcept;
    bool empty() const noexcept { return entries_.empty(); }

    /// Every descriptor to watch for reading (DHCP sockets and drained companions).
    std::vector<int> fds() const;
    /// Interfaces with open sockets, in opening order.
    std::vector<InterfaceInfo> interfaces() const;

    /// Reads what is waiting on fd into batch[0..n) and returns n (0 for a drained companion
    /// socket or an unknown fd). Non-blocking.
    size_t receive(int fd, std::span<ReceivedPacket> batch) noexcept;
    /// Reads what is waiting on every socket (non-blocking), filling batch[0..n).
    size_t receive(std::span<ReceivedPacket> batch) noexcept;
    /// Blocks up to timeoutMs (-1 = forever) until some socket is readable; false on timeout.
    /// For simple single-threaded loops and tests; the server uses its own epoll.
    bool wait(int timeoutMs) const noexcept;

    /// Sends a packed reply through the socket of reply.ifindex (or reply.iface when ifindex is
    /// 0). The source address is reply.localAddr when it is unicast, else the interface's
    /// configured or first address. With `outbound-interface: use-routing` (udp sockets), a
    /// reply with ifindex 0 leaves by the routing table instead, from the address the kernel
    /// chooses for that route. False if no socket matches or the kernel refuses.
    bool send(const Packet4& reply, std::span<const uint8_t> wire) noexcept;

private:
    struct Entry {
        InterfaceInfo info;
        Ipv4Address address; ///< configured "name/address", else the first address
        std::unique_ptr<RawSocket> raw;
        std::unique_ptr<UdpSocket> udp;
        bool drainOnly = false; ///< udp is the raw socket's companion
    };
    const Entry* find(const Packet4& reply) const noexcept;

    std::vector<Entry> entries_;
    /// use-routing: one socket on the server port tied to no interface (the per-interface ones
    /// are, and SO_BINDTODEVICE overrides the routing table). It only sends: it ignores
    /// everything it would receive, so the interface sockets keep their traffic.
    std::unique_ptr<UdpSocket> routed_;
};

} // namespace kahu::net
