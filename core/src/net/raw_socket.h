// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "fs/file_descriptor.h"
#include "net/interface_info.h"
#include "net/received_packet.h"
#include "net/udp_frame.h"

#include <atomic>
#include <kahu/dhcp/packet4.h>
#include <memory>
#include <span>

namespace kahu::net {

/// An AF_PACKET socket on one interface for `dhcp-socket-type: raw`: it hears clients that have
/// no address yet (broadcasts, and unicasts to an address the kernel does not own) and answers
/// them at layer 2, to the MAC the reply needs (replyDestinationMac()).
///
/// A classic BPF filter passes only unfragmented IPv4/UDP frames to `port` (the server port),
/// so the kernel does the sorting. receive() must be called from one thread at a time; send()
/// is safe from any thread.
class RawSocket {
public:
    /// Throws kahu::Error naming the interface when the socket cannot be opened (needs
    /// CAP_NET_RAW). `port` is the UDP destination port to accept (67 for a server).
    RawSocket(const InterfaceInfo& iface, uint16_t port);
    ~RawSocket();
    RawSocket(const RawSocket&) = delete;
    RawSocket& operator=(const RawSocket&) = delete;

    int fd() const noexcept { return fd_.get(); }
    const InterfaceInfo& interface() const noexcept { return iface_; }

    /// Reads up to batch.size() frames (recvmmsg, non-blocking), validates their Ethernet/IPv4/
    /// UDP headers and fills batch[0..n) with payload and metadata. Invalid frames are counted
    /// in dropped() and skipped. Returns n.
    size_t receive(std::span<ReceivedPacket> batch) noexcept;

    /// Sends a packed reply to reply.remoteAddr:remotePort from reply.localPort, from
    /// reply.localAddr when unicast (else the interface's first address), at the MAC chosen by
    /// replyDestinationMac().
    bool send(const Packet4& reply, std::span<const uint8_t> wire) noexcept;
    /// Sends one frame with explicit addressing (srcMac 0 = the interface's MAC).
    bool sendFrame(FrameAddressing addr, std::span<const uint8_t> payload) noexcept;

    /// Frames that passed the BPF filter but failed validation.
    uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

private:
    struct Buffers;
    FileDescriptor fd_;
    InterfaceInfo iface_;
    uint16_t port_;
    std::unique_ptr<Buffers> buffers_;
    std::atomic<uint64_t> dropped_{0};
};

} // namespace kahu::net
