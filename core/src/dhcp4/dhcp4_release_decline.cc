// SPDX-License-Identifier: MPL-2.0
// DHCPRELEASE and DHCPDECLINE (Kea's processRelease, processDecline): the client gives its
// address back, or reports it in use by someone else; lease4_release / lease4_decline may veto.
#include "dhcp4/dhcp4_messages.h"
#include "dhcp4/packet_hooks.h"
#include "log/kea_loggers.h"

#include <kahu/log.h>

namespace kahu {

namespace {

std::string hexOrNone(const uint8_t* data, size_t size) {
    return size ? toColonHex(data, size) : std::string("(none)");
}

} // namespace

void queueNameChange(const MessageContext& m, bool add, const Lease4& lease,
                     const DdnsParams* params) {
    if (!m.ddns || !m.ddns->enabled()) {
        return;
    }
    if (params) {
        m.ddns->queue(add, lease, *params);
    } else {
        m.ddns->queue(add, lease, m.config);
    }
}

void processRelease(const MessageContext& m, Exchange& ex) {
    const ClientIdentity& c = ex.client;
    auto lock = m.leases.lockAddress(ex.query.ciaddr);
    auto lease = m.leases.get(ex.query.ciaddr);
    const Subnet* s = lease ? m.config.subnetById(lease->subnetId) : nullptr;
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
    if (m.leases.remove(*lease)) {
        ex.deletedLeases.push_back(*lease);
        queueNameChange(m, false, *lease);
        KAHU_INFO(log::leases(), "DHCP4_RELEASE", "{}: address {} was released properly.",
                  ex.query.label(), lease->address.str());
    }
}

void processDecline(const MessageContext& m, Exchange& ex) {
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
    auto lock = m.leases.lockAddress(*requested);
    auto lease = m.leases.get(*requested);
    if (!lease) {
        KAHU_WARN(log::dhcp4(), "DHCP4_DECLINE_LEASE_NOT_FOUND",
                  "Received DHCPDECLINE for addr {} from client {}, but no such lease found.",
                  requested->str(), label);
        ex.markDrop("DHCP4_DECLINE_LEASE_NOT_FOUND");
        return;
    }
    const Subnet* s = m.config.subnetById(lease->subnetId);
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
    declined.validLifetime = m.config.declineProbationPeriod;
    declined.cltt = ex.now;
    if (m.leases.update(*lease, declined)) {
        ex.leases.push_back(declined);
        queueNameChange(m, false, *lease); // the records of the name it had
        KAHU_INFO(log::dhcp4(), "DHCP4_DECLINE_LEASE",
                  "Received DHCPDECLINE for addr {} from client {}. The lease will be "
                  "unavailable for {} seconds.",
                  declined.address.str(), label, declined.validLifetime);
    }
}

} // namespace kahu
