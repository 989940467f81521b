// SPDX-License-Identifier: MPL-2.0
// DHCPDISCOVER (Kea's Dhcpv4Srv::processDiscover): choose an address, run lease4_select (which
// may park), hold the address for offer-lifetime, answer with an OFFER.
#include "dhcp4/dhcp4_messages.h"
#include "dhcp4/packet_hooks.h"
#include "log/kea_loggers.h"

#include <kahu/log.h>
#include <kahu/stats.h>

namespace kahu {

namespace {

void finishDiscover(const MessageContext& m, const ExchangePtr& ex, const ExchangeDone& done) {
    const Subnet& s = *ex->subnet;
    if (s.offerLifetime > 0 && !ex->skipCommit) {
        // offer-lifetime (Kea 2.4+): the offered address is held with a short lease until the
        // client requests it, so concurrent DISCOVERs are not offered the same address.
        Lease4 held = ex->candidate;
        held.validLifetime = s.offerLifetime;
        auto lock = m.leases.lockAddress(held.address);
        auto old = m.leases.get(held.address);
        if (old && !(old->belongsTo(ex->client.hw, ex->client.idFor(s)) || old->expired(ex->now) ||
                     old->state == LeaseState::ExpiredReclaimed)) {
            ex->markDrop("ALLOC_ENGINE_V4_OFFER_ADDRESS_TAKEN");
            return done(ex);
        }
        if (!(old ? m.leases.update(*old, held) : m.leases.add(held))) {
            ex->markDrop("ALLOC_ENGINE_V4_OFFER_WRITE_FAILED");
            return done(ex);
        }
    }
    KAHU_INFO(log::leases(), "DHCP4_LEASE_ADVERT", "{}: lease {} will be advertised",
              ex->query.label(), ex->candidate.address.str());
    Packet4 r = m.replies.makeReply(*ex, MessageType::Offer);
    m.replies.finishReply(*ex, r, *ex->subnet, &ex->candidate);
    ex->response = std::move(r);
    done(ex);
}

} // namespace

void processDiscover(const MessageContext& m, const ExchangePtr& ex, const ExchangeDone& done) {
    const Subnet* subnet = ex->subnet;
    if (!subnet) {
        logNoSubnet(*ex);
        ex->markDrop("DHCP4_PACKET_NAK_0001");
        Statistics::instance().counter("pkt4-receive-drop").add(1);
        return done(ex);
    }
    auto network = m.selector.network(*subnet);
    ex->existing = m.addresses.findClientLease(network, ex->client);
    const Subnet* chosen = nullptr;
    auto address = m.addresses.chooseAddress(*ex, network,
                                             ex->query.getAddress(opt::kRequestedAddress), chosen);
    if (!address) {
        m.addresses.logAllocFail(*ex, *subnet);
        auto requested = ex->query.getAddress(opt::kRequestedAddress);
        KAHU_DEBUG(
            log::badPackets(), 50, "DHCP4_PACKET_NAK_0003",
            "{}: failed to advertise a lease, client sent ciaddr {}, requested-ip-address {}",
            ex->query.label(), ex->query.ciaddr.str(),
            requested ? requested->str() : "(no address)");
        ex->markDrop("ALLOC_ENGINE_V4_ALLOC_FAIL");
        return done(ex);
    }
    ex->subnet = chosen;
    // The reservation of the subnet the address came from supplies host name and options,
    // whether or not it reserves an address (Kea's current host).
    ex->reservation = m.addresses.reservationFor(*chosen, *ex);
    ex->candidate = makeLease(m.config, *chosen, *address, *ex);
    hooks::Lease4SelectArgs args{ex->query, *chosen, true, ex->candidate};
    auto finish = [&m, done](const ExchangePtr& x) { finishDiscover(m, x, done); };
    switch (PacketHooks::runOrPark<hooks::HookPoint::Lease4Select>(ex, args, finish,
                                                                   dropAndDecide(done))) {
    case HookStep::Parked:
    case HookStep::Dropped:
        return;
    case HookStep::Skip:
        ex->skipCommit = true;
        break;
    case HookStep::Continue:
        break;
    }
    finishDiscover(m, ex, done);
}

} // namespace kahu
