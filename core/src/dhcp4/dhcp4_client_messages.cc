// SPDX-License-Identifier: MPL-2.0
// RELEASE, DECLINE and INFORM: the messages that allocate nothing (Kea's processRelease,
// processDecline, processInform). The allocating path (DISCOVER, REQUEST) is in
// dhcp4_processor.cc.
#include "dhcp4/dhcp4_processor.h"
#include "dhcp4/reply_options.h"
#include "hooks/hook_set.h"

#include <kahu/log.h>

namespace kahu {

namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto lg = log::get("kahu-dhcp4");
    return lg;
}

} // namespace

void Dhcp4Processor::processRelease(Exchange& ex) {
    const ClientIdentity& c = ex.client;
    auto lock = leases_.lockAddress(ex.query.ciaddr);
    auto lease = leases_.get(ex.query.ciaddr);
    const Subnet* s = lease ? config_->subnetById(lease->subnetId) : nullptr;
    if (!lease || !lease->belongsTo(c.hw, s ? c.idFor(*s) : c.clientId)) {
        KAHU_DEBUG(logger(), 30, "DHCP4_RELEASE_FAIL_NO_LEASE", "{}: no lease of the client at {}",
                   ex.query.summary(), ex.query.ciaddr.str());
        return;
    }
    if (ex.hooks && ex.hooks->has(hooks::HookPoint::Lease4Release)) {
        hooks::Lease4ReleaseArgs args{ex.query, *lease};
        if (ex.hooks->run<hooks::HookPoint::Lease4Release>(args, ex.context.get()) !=
            hooks::Verdict::Continue) {
            return;
        }
    }
    if (leases_.remove(*lease)) {
        ex.deletedLeases.push_back(*lease);
        KAHU_INFO(logger(), "DHCP4_RELEASE", "{}: address {} was released properly",
                  ex.query.summary(), lease->address.str());
    }
}

void Dhcp4Processor::processDecline(Exchange& ex) {
    const ClientIdentity& c = ex.client;
    auto requested = ex.query.getAddress(opt::kRequestedAddress);
    if (!requested) {
        ex.markDrop("DHCP4_DECLINE_FAIL_NO_ADDRESS");
        return;
    }
    auto lock = leases_.lockAddress(*requested);
    auto lease = leases_.get(*requested);
    const Subnet* s = lease ? config_->subnetById(lease->subnetId) : nullptr;
    if (!lease || !s || !lease->belongsTo(c.hw, c.idFor(*s))) {
        ex.markDrop("DHCP4_DECLINE_LEASE_MISMATCH");
        return;
    }
    if (ex.hooks && ex.hooks->has(hooks::HookPoint::Lease4Decline)) {
        hooks::Lease4DeclineArgs args{ex.query, *lease};
        if (ex.hooks->run<hooks::HookPoint::Lease4Decline>(args, ex.context.get()) !=
            hooks::Verdict::Continue) {
            return;
        }
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
        KAHU_INFO(logger(), "DHCP4_DECLINE_LEASE",
                  "{}: address {} was declined; it is held for {} seconds", ex.query.summary(),
                  declined.address.str(), declined.validLifetime);
    }
}

void Dhcp4Processor::processInform(Exchange& ex) {
    const Packet4& q = ex.query;
    if (q.ciaddr.isZero() && q.remoteAddr.isZero()) {
        ex.markDrop("DHCP4_PACKET_DROP_0005");
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
