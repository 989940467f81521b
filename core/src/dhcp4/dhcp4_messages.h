// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "alloc/lease_manager.h"
#include "ddns/name_change_queue.h"
#include "dhcp4/address_chooser.h"
#include "dhcp4/exchange.h"
#include "dhcp4/reply_builder.h"
#include "dhcp4/subnet_selector.h"

#include <kahu/config/server_config.h>

// The protocol's handling of each message type once the subnet is selected, one file each
// (dhcp4_discover.cc, dhcp4_request.cc, dhcp4_release_decline.cc, dhcp4_inform.cc). The
// Dhcp4Processor accepts the query, reads the client, selects the subnet and dispatches here.
namespace kahu {

/// What the message handlers work with: parts of one configuration generation, owned by its
/// Dhcp4Processor, which outlives every exchange it started (parked ones included).
struct MessageContext {
    const ServerConfig& config;
    LeaseManager& leases;
    const SubnetSelector& selector;
    const AddressChooser& addresses;
    const ReplyBuilder& replies;
    NameChangeQueue* ddns; ///< where NameChangeRequests go; null = no DDNS (tests, tools)
};

/// Queues a NameChangeRequest for `lease` (Kea's queueNCR) with `params`, or the ddns-*
/// values of its subnet when null; nothing without DDNS.
void queueNameChange(const MessageContext& m, bool add, const Lease4& lease,
                     const DdnsParams* params = nullptr);

/// DISCOVER: an OFFER, or a drop. May park at lease4_select; `done` runs once, maybe later.
void processDiscover(const MessageContext& m, const ExchangePtr& ex, const ExchangeDone& done);
/// REQUEST: an ACK with the lease written, a NAK, or a drop. May park at lease4_select; `done`
/// runs once, maybe later.
void processRequest(const MessageContext& m, const ExchangePtr& ex, const ExchangeDone& done);
/// RELEASE: removes the client's lease (no answer).
void processRelease(const MessageContext& m, Exchange& ex);
/// DECLINE: holds the address for decline-probation-period (no answer).
void processDecline(const MessageContext& m, Exchange& ex);
/// INFORM: an ACK with the configured options.
void processInform(const MessageContext& m, Exchange& ex);

/// No subnet for the client: DHCP4_SUBNET_SELECTION_FAILED, DHCP4_PACKET_NAK_0001.
void logNoSubnet(const Exchange& ex);
/// The query joined the special class DROP: DHCP4_PACKET_DROP_0010, pkt4-receive-drop.
void dropAsClassDrop(Exchange& ex);

/// PacketHooks::runOrPark's drop path for the protocol: the exchange is marked dropped with
/// the reason and handed to `done`.
inline auto dropAndDecide(const ExchangeDone& done) {
    return [done](const ExchangePtr& ex, const char* reason) {
        ex->markDrop(reason);
        done(ex);
    };
}

} // namespace kahu
