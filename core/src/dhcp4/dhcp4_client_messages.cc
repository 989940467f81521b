// SPDX-License-Identifier: MPL-2.0
// RELEASE, DECLINE and INFORM: the messages that allocate nothing (Kea's processRelease,
// processDecline, processInform). The allocating path (DISCOVER, REQUEST) is in
// dhcp4_processor.cc.
#include "dhcp4/dhcp4_processor.h"
#include "dhcp4/packet_hooks.h"
#include "dhcp4/reply_options.h"
#include "log/kea_loggers.h"

#include <kahu/log.h>

namespace kahu {

namespace {

std::string hexOrNone(const uint8_t* data, size_t size) {
    return size ? toColonHex(data, size) : std::string("(none)");
}

} // namespace

void Dhcp4Processor::processRelease(Exchange& ex) {
    const ClientIdentity& c = ex.client;
    auto lock = leases_.lockAddress(ex.query.ciaddr);
    auto lease = leases_.get(ex.query.ciaddr);
    const Subnet* s = lease ? config_->subnetById(lease->subnetId) : nullptr;
    if (!lease) {
        KAHU_DEBUG(log::leases(), 50, "DHCP4_RELEASE_FAIL_NO_LEASE",
                   "{}: client is trying to release non-existing lease {}", ex.query.label(),
                   ex.query.ciaddr.str());
        return;
    }
    if (!lease->belongsTo(c.hw, s ? c.idFor(*s) : c.clientId)) {
        KAHU_DEBUG(log::leases(), 50, "DHCP4_RELEASE_FAIL_WRONG_CLIENT",
                   "{}: client is trying to release the lease {} which belongs to a different "
                   "client",
                   ex.query.label(), ex.query.ciaddr.str());
        return;
    }
    hooks::Lease4ReleaseArgs args{ex.query, *lease};
    if (PacketHooks::run<hooks::HookPoint::Lease4Release>(ex, args) != hooks::Verdict::Continue) {
        return;
    }
    if (leases_.remove(*lease)) {
        ex.deletedLeases.push_back(*lease);
        KAHU_INFO(log::leases(), "DHCP4_RELEASE", "{}: address {} was released properly.",
                  ex.query.label(), lease->address.str());
    }
}

void Dhcp4Processor::processDecline(Exchange& ex) {
    const ClientIdentity& c = ex.client;
    auto requested = ex.query.getAddress(opt::kRequestedAddress);
    const std::string label = ex.query.label();
    if (!requested) {
        // Kea throws an RFC violation here, which drops the packet with DHCP4_PACKET_DROP_0007.
        KAHU_DEBUG(log::badPackets(), 15, "DHCP4_PACKET_DROP_0007",
                   "{}: failed to process packet: Mandatory 'Requested IP address' option "
                   "missing in DHCPDECLINE sent from {}",
                   label, label);
        ex.markDrop("DHCP4_PACKET_DROP_0007");
        return;
    }
    auto lock = leases_.lockAddress(*requested);
    auto lease = leases_.get(*requested);
    if (!lease) {
        KAHU_WARN(log::dhcp4(), "DHCP4_DECLINE_LEASE_NOT_FOUND",
                  "Received DHCPDECLINE for addr {} from client {}, but no such lease found.",
                  requested->str(), label);
        ex.markDrop("DHCP4_DECLINE_LEASE_NOT_FOUND");
        return;
    }
    const Subnet* s = config_->subnetById(lease->subnetId);
    if (!lease->belongsTo(c.hw, s ? c.idFor(*s) : c.clientId)) {
        const Option* cid = ex.query.get(opt::kClientId);
        KAHU_WARN(log::dhcp4(), "DHCP4_DECLINE_LEASE_MISMATCH",
                  "Received DHCPDECLINE for addr {} from client {}, but the data doesn't match: "
                  "received hwaddr: {}, lease hwaddr: {}, received client-id: {}, lease "
                  "client-id: {}",
                  requested->str(), label, hexOrNone(c.hw.bytes.data(), c.hw.bytes.size()),
                  hexOrNone(lease->hwAddr.bytes.data(), lease->hwAddr.bytes.size()),
                  cid ? hexOrNone(cid->data.data(), cid->data.size()) : "(none)",
                  hexOrNone(lease->clientId.data(), lease->clientId.size()));
        ex.markDrop("DHCP4_DECLINE_LEASE_MISMATCH");
        return;
    }
    hooks::Lease4DeclineArgs args{ex.query, *lease};
    if (PacketHooks::run<hooks::HookPoint::Lease4Decline>(ex, args) != hooks::Verdict::Continue) {
        return;
    }
    Lease4 declined = *lease;
    declined.hwAddr = HwAddr{};
    declined.clientId.clear();
    declined.hostname.clear();
    declined.fqdnFwd = declined.fqdnRev = false;
    declined.state = LeaseState::Declined;
    declined.validLifetime = config_->declineProbationPeriod;
    declined.cltt = ex.now;
    if (leases_.update(*lease, declined)) {
        ex.leases.push_back(declined);
        KAHU_INFO(log::dhcp4(), "DHCP4_DECLINE_LEASE",
                  "Received DHCPDECLINE for addr {} from client {}. The lease will be "
                  "unavailable for {} seconds.",
                  declined.address.str(), label, declined.validLifetime);
    }
}

void Dhcp4Processor::processInform(Exchange& ex) {
    const Packet4& q = ex.query;
    if (q.ciaddr.isZero() && q.remoteAddr.isZero() && !q.isRelayed()) {
        KAHU_DEBUG(log::badPackets(), 50, "DHCP4_PACKET_DROP_0002",
                   "{}, from interface {}: no suitable subnet configured for a direct client",
                   q.label(), q.iface);
        ex.markDrop("DHCP4_PACKET_DROP_0002");
        return;
    }
    Packet4 r = makeReply(ex, MessageType::Ack);
    r.ciaddr = q.ciaddr;
    if (ex.subnet) {
        ex.reservation = reservationFor(*ex.subnet, ex);
        finishReply(ex, r, *ex.subnet, nullptr);
    } else {
        addConfiguredOptions(r, q, *config_, nullptr, nullptr, nullptr);
        setDestination(q, r);
    }
    // An INFORM answer goes to ciaddr when the client has one (Kea's Dhcpv4Srv::adjustRemoteAddr).
    if (!q.ciaddr.isZero()) {
        r.remoteAddr = q.ciaddr;
        r.remotePort = 68;
        if (q.isRelayed()) {
            r.giaddr = Ipv4Address();
            r.hops = 0;
            r.remove(opt::kRelayAgentInfo);
        }
    }
    ex.response = std::move(r);
}

} // namespace kahu
