// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "dhcp4/exchange.h"
#include "dhcp4/subnet_selector.h"

#include <kahu/config/server_config.h>
#include <kahu/dhcp/packet4.h>
#include <string>
#include <vector>

namespace kahu {

/// Builds the protocol's replies: the header and options every reply carries, what a lease and
/// its subnet add, and where the reply goes. Holds references to its Dhcp4Processor's
/// configuration and interface list; safe for concurrent use.
class ReplyBuilder {
public:
    ReplyBuilder(const ServerConfig& config, const std::vector<InterfaceAddresses>& interfaces);

    /// The interface the query came in on (by index, else by name), or null.
    const InterfaceAddresses* interfaceOf(const Packet4& q) const noexcept;
    /// A reply of `type` to the exchange's query: the query's header fields, the server
    /// identifier, and option 61 (echo-client-id), 82 (relayed) and 118 echoed back.
    Packet4 makeReply(const Exchange& ex, MessageType type) const;
    /// Completes a reply in subnet `s`: with a lease, its address, mask, times and name
    /// (option 81 or 12); next-server, server host name and boot file (reservation first);
    /// the configured options; the destination.
    void finishReply(Exchange& ex, Packet4& reply, const Subnet& s, const Lease4* lease) const;
    /// Where the reply goes: the relay; else ciaddr, broadcast or yiaddr (RFC 2131 4.1).
    void setDestination(const Packet4& q, Packet4& reply) const;
    /// Answers with a DHCPNAK (the caller logs why, in Kea's words).
    void nak(Exchange& ex) const;
    /// A REQUEST that gets no lease: the alloc-engine message `allocId` with `why`,
    /// DHCP4_PACKET_NAK_0004 and a NAK.
    void nakNoLease(Exchange& ex, const char* allocId, const std::string& why) const;

private:
    Ipv4Address serverIdFor(const Packet4& q) const;

    const ServerConfig& config_;
    const std::vector<InterfaceAddresses>& interfaces_;
};

} // namespace kahu
