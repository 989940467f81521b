// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "fs/file_descriptor.h"
#include "net/received_packet.h"

#include <kahu/dhcp/ipv4_address.h>
#include <kahu/dhcp/packet4.h>
#include <memory>
#include <span>
#include <string>

namespace kahu::net {

/// A UDP socket for `dhcp-socket-type: udp` (and the companion socket of a raw one).
///
/// Bound to bindAddr:port; with bindAddr 0.0.0.0 it also receives broadcasts. With a device
/// name it is tied to that interface (SO_BINDTODEVICE), so one socket per interface can share
/// the port. IP_PKTINFO tells each datagram's interface and destination address; replies leave
/// with an explicit source address and interface. receive() must be called from one thread at
/// a time (it owns the batch buffers); send() is safe from any thread.
class UdpSocket {
public:
    /// Throws kahu::Error naming the device and address when the socket cannot be opened.
    UdpSocket(const std::string& device, Ipv4Address bindAddr, uint16_t port);
    ~UdpSocket();
    UdpSocket(const UdpSocket&) = delete;
    UdpSocket& operator=(const UdpSocket&) = delete;

    int fd() const noexcept { return fd_.get(); }
    const std::string& device() const noexcept { return device_; }
    /// The port actually bound (useful with port 0 in tests).
    uint16_t port() const noexcept { return port_; }

    /// Reads up to batch.size() waiting datagrams (recvmmsg, non-blocking) into batch[0..n).
    /// Returns n; 0 when nothing is waiting or on error. Truncated datagrams are dropped.
    size_t receive(std::span<ReceivedPacket> batch) noexcept;

    /// Sends payload to dst:dstPort from src (0.0.0.0 = let the kernel choose) out of ifindex
    /// (0 = by routing). False when the kernel refuses.
    bool send(std::span<const uint8_t> payload, Ipv4Address dst, uint16_t dstPort, Ipv4Address src,
              int ifindex) noexcept;
    /// Sends a packed reply to reply.remoteAddr:remotePort from reply.localAddr (when it is a
    /// unicast address) out of reply.ifindex.
    bool send(const Packet4& reply, std::span<const uint8_t> wire) noexcept;

    /// Discards everything waiting (for the companion socket of a raw socket).
    void drain() noexcept;
    /// Makes the kernel discard every datagram for this socket (a BPF filter that accepts
    /// nothing), for a socket that only sends. Throws kahu::Error when the filter is refused.
    void ignoreIncoming();

private:
    struct Buffers;
    FileDescriptor fd_;
    std::string device_;
    uint16_t port_ = 0;
    std::unique_ptr<Buffers> buffers_;
};

} // namespace kahu::net
