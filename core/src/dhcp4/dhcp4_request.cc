// SPDX-License-Identifier: MPL-2.0
// DHCPREQUEST (Kea's Dhcpv4Srv::processRequest): the INIT-REBOOT, SELECTING and RENEWING rules
// for the requested address, lease4_renew or lease4_select (which may park), the lease write,
// and an ACK or a NAK.
#include "dhcp4/dhcp4_messages.h"
#include "dhcp4/packet_hooks.h"
#include "log/kea_loggers.h"

#include <algorithm>
#include <kahu/log.h>

namespace kahu {

namespace {

/// Kea's createNameChangeRequests for an ACK: the DNS records of the client's previous lease
/// (Kea's old_lease_) go and the new lease's come, unless the name and directions did not
/// change and ddns-update-on-renew is off. A lease that expired without being reclaimed is
/// reclaimed here: its records go, and it does not count as the previous lease.
void nameChangesForAck(const MessageContext& m, const Exchange& x,
                       const std::optional<Lease4>& atAddress) {
    if (!m.ddns || !m.ddns->enabled()) {
        return;
    }
    const Lease4& lease = x.candidate;
    std::optional<Lease4> previous;
    auto consider = [&](const Lease4& l) {
        if (l.state != LeaseState::Default) {
            return; // reclaimed or declined: its records went then
        }
        if (l.expired(x.now)) {
            queueNameChange(m, false, l);
        } else if (l.belongsTo(x.client.hw, x.client.idFor(*x.subnet))) {
            previous = l;
        }
    };
    if (x.existing && x.existing->address != lease.address) {
        consider(*x.existing);
    }
    if (atAddress) {
        consider(*atAddress);
    }
    if (!previous || x.ddnsParams().updateOnRenew || !ddns::identicalFqdn(lease, *previous)) {
        if (previous) {
            queueNameChange(m, false, *previous);
        }
        queueNameChange(m, true, lease, &x.ddnsParams());
    }
}

void commitRequest(const MessageContext& m, const ExchangePtr& ex, const ExchangeDone& done) {
    Exchange& x = *ex;
    const Lease4& lease = x.candidate;
    const Subnet& target = *x.subnet;
    std::optional<Lease4> atAddress; // what the store held at the address before
    if (!x.skipCommit) {
        auto lock = m.leases.lockAddress(lease.address);
        // A store that may block is a database shared with other servers: its add() refuses a
        // taken address and its update() a row whose expire changed since it was read (Kea's
        // optimistic check), so the row the address check read serves as well as a second
        // round trip. Memfile's update() does not check: it is read again under the lock.
        bool reuse = x.storedAt == lease.address && m.leases.store().mayBlock();
        auto old = reuse ? x.stored : m.leases.get(lease.address);
        atAddress = old;
        if (old && !(old->belongsTo(x.client.hw, x.client.idFor(target)) || old->expired(x.now) ||
                     old->state == LeaseState::ExpiredReclaimed)) {
            m.replies.nakNoLease(x, "ALLOC_ENGINE_V4_REQUEST_IN_USE",
                                 x.query.label() + ": requested address " + lease.address.str() +
                                     " is in use");
            return done(ex);
        }
        // Kea reuses a lease of infinite lifetime that nothing changes (its setLeaseReusable):
        // the client keeps it and the store is not written again.
        bool unchangedInfinite = false;
        if (old && old->validLifetime == Lease4::kInfinite && old->state == LeaseState::Default) {
            Lease4 same = lease;
            same.cltt = old->cltt;
            unchangedInfinite = same == *old;
        }
        bool ok = unchangedInfinite || (old ? m.leases.update(*old, lease) : m.leases.add(lease));
        if (!ok) {
            m.replies.nakNoLease(
                x, "ALLOC_ENGINE_V4_ALLOC_ERROR",
                x.query.label() + ": error during attempt to allocate an IPv4 address: the lease "
                                  "store refused the lease");
            return done(ex);
        }
        bool newClient = !old || !old->belongsTo(x.client.hw, x.client.idFor(target)) ||
                         old->state != LeaseState::Default;
        if (newClient) {
            m.leases.countAssignment(lease);
        }
    }
    if (x.existing && x.existing->address != lease.address) {
        auto lock = m.leases.lockAddress(x.existing->address);
        if (m.leases.remove(*x.existing)) {
            x.deletedLeases.push_back(*x.existing);
        }
    }
    x.leases.push_back(lease);
    nameChangesForAck(m, x, atAddress);
    KAHU_INFO(log::leases(), "DHCP4_LEASE_ALLOC", "{}: lease {} has been allocated for {} seconds",
              x.query.label(), lease.address.str(), lease.validLifetime);
    Packet4 r = m.replies.makeReply(x, MessageType::Ack);
    r.ciaddr = x.query.ciaddr;
    m.replies.finishReply(x, r, target, &lease);
    x.response = std::move(r);
    done(ex);
}

} // namespace

void processRequest(const MessageContext& m, const ExchangePtr& ex, const ExchangeDone& done) {
    Exchange& x = *ex;
    const Packet4& q = x.query;
    auto requested = q.getAddress(opt::kRequestedAddress);
    bool initReboot = requested && !q.getAddress(opt::kServerId);
    if (!requested && !q.ciaddr.isZero()) {
        requested = q.ciaddr;
    }
    const Subnet* subnet = x.subnet;
    if (!subnet) {
        logNoSubnet(x);
        if (!initReboot || m.config.authoritative) {
            m.replies.nak(x);
        } else {
            x.markDrop("DHCP4_PACKET_NAK_0001");
        }
        return done(ex);
    }
    auto network = m.selector.network(*subnet);
    x.existing = m.addresses.findClientLease(network, x.client);
    if (initReboot) {
        KAHU_DEBUG(log::leases(), 50, "DHCP4_INIT_REBOOT",
                   "{}: client is in INIT-REBOOT state and requests address {}", q.label(),
                   requested->str());
        // Kea's order: an unknown client is answered only by an authoritative server (with
        // a NAK); a known client asking for another address than its lease's is told no.
        if (!x.existing && !subnet->authoritative) {
            KAHU_DEBUG(log::badPackets(), 50, "DHCP4_NO_LEASE_INIT_REBOOT",
                       "{}: no lease for address {} requested by INIT-REBOOT client", q.label(),
                       requested->str());
            x.markDrop("DHCP4_NO_LEASE_INIT_REBOOT");
            return done(ex);
        }
        if (!x.existing || x.existing->address != *requested) {
            KAHU_DEBUG(log::badPackets(), 50, "DHCP4_PACKET_NAK_0002",
                       "{}: invalid address {} requested by INIT-REBOOT", q.label(),
                       requested->str());
            m.replies.nak(x);
            return done(ex);
        }
    }
    if (!requested) {
        // RFC 2131 wants option 50 or ciaddr in every REQUEST; Kea is liberal and so are we:
        // the client's reserved address, else its lease, else a new one, as for a DISCOVER.
        const Subnet* chosen = nullptr;
        requested = m.addresses.chooseAddress(x, network, std::nullopt, chosen);
        if (!requested) {
            m.addresses.logAllocFail(x, *subnet);
            m.replies.nakNoLease(
                x, "ALLOC_ENGINE_V4_REQUEST_PICK_ADDRESS",
                "client " + q.label() +
                    " hasn't specified an address - picking available address from the "
                    "pool: none left");
            return done(ex);
        }
    }
    const Subnet* target = nullptr;
    for (const Subnet* s : network) {
        if (s->prefix.contains(*requested)) {
            target = s;
            break;
        }
    }
    // Kea stays silent when the address is in no pool of the client's network: it is not
    // this server's to refuse (another server may hand it out).
    auto unknownAddress = [&] {
        KAHU_DEBUG(log::allocEngine(), 50, "ALLOC_ENGINE_V4_REQUEST_OUT_OF_POOL",
                   "client {}, which doesn't have a reservation, requested address {} out of "
                   "the dynamic pool",
                   q.label(), requested->str());
        KAHU_DEBUG(log::dhcp4(), 50, "DHCP4_UNKNOWN_ADDRESS_REQUESTED",
                   "{}: client requested an unknown address, client sent ciaddr {}, "
                   "requested-ip-address {}",
                   q.label(), q.ciaddr.str(),
                   q.getAddress(opt::kRequestedAddress)
                       ? q.getAddress(opt::kRequestedAddress)->str()
                       : std::string("(no address)"));
        x.markDrop("DHCP4_UNKNOWN_ADDRESS_REQUESTED");
        done(ex);
    };
    auto inSomePool = [&](Ipv4Address a) {
        return std::any_of(network.begin(), network.end(),
                           [&](const Subnet* s) { return LeaseManager::poolOf(*s, a) != nullptr; });
    };
    if (!target) {
        return unknownAddress();
    }
    // The client's own reservation decides when it has a free reserved address.
    const auto res = m.addresses.reservationFor(*target, x);
    auto reserved = m.addresses.reservedAddress(*target, x);
    bool reservedHere = reserved && *reserved == *requested;
    if (!reservedHere && m.addresses.reservedForAnother(*target, *requested, x.client)) {
        m.replies.nakNoLease(x, "ALLOC_ENGINE_V4_REQUEST_ADDRESS_RESERVED",
                             q.label() + ": requested address " + requested->str() +
                                 " is reserved");
        return done(ex);
    }
    if (reserved && *reserved != *requested &&
        m.addresses.addressFree(*target, *reserved, x.client, x.now)) {
        m.replies.nakNoLease(x, "ALLOC_ENGINE_V4_REQUEST_INVALID",
                             "client " + q.label() + " having a reservation for address " +
                                 reserved->str() + " is requesting invalid address " +
                                 requested->str());
        return done(ex);
    }
    if (!reservedHere) {
        const Pool* pool = LeaseManager::poolOf(*target, *requested);
        if (!pool && !inSomePool(*requested)) {
            return unknownAddress();
        }
        if (!pool || !SubnetSelector::classAllowed(pool->clientClass, x.query.classes())) {
            m.replies.nakNoLease(x, "ALLOC_ENGINE_V4_REQUEST_OUT_OF_POOL",
                                 "client " + q.label() +
                                     ", which doesn't have a reservation, requested "
                                     "address " +
                                     requested->str() +
                                     " out of the dynamic pool (a pool its classes may not use)");
            return done(ex);
        }
    }
    if (!m.addresses.addressFree(*target, *requested, x.client, x.now, &x.stored)) {
        m.replies.nakNoLease(x, "ALLOC_ENGINE_V4_REQUEST_IN_USE",
                             q.label() + ": requested address " + requested->str() + " is in use");
        return done(ex);
    }
    x.storedAt = *requested;
    x.reservation = res;
    x.subnet = target;
    x.candidate = makeLease(m.config, *target, *requested, x);
    bool renewal = x.existing && x.existing->address == *requested;
    if (renewal && PacketHooks::has(x, hooks::HookPoint::Lease4Renew)) {
        hooks::Lease4RenewArgs args{x.query, *target,
                                    target->matchClientId ? &x.client.clientId : nullptr,
                                    x.client.hw, x.candidate};
        auto v = PacketHooks::run<hooks::HookPoint::Lease4Renew>(x, args);
        if (v == hooks::Verdict::Drop) {
            x.markDrop("DHCP4_HOOK_LEASE4_RENEW_DROP");
            return done(ex);
        }
        if (v == hooks::Verdict::Skip) {
            x.candidate = *x.existing; // keep the old values
            x.skipCommit = true;
        }
    } else if (!renewal) {
        hooks::Lease4SelectArgs args{x.query, *target, false, x.candidate};
        auto commit = [&m, done](const ExchangePtr& e) { commitRequest(m, e, done); };
        switch (PacketHooks::runOrPark<hooks::HookPoint::Lease4Select>(ex, args, commit,
                                                                       dropAndDecide(done))) {
        case HookStep::Parked:
        case HookStep::Dropped:
            return;
        case HookStep::Skip:
            x.skipCommit = true;
            break;
        case HookStep::Continue:
            break;
        }
    }
    commitRequest(m, ex, done);
}

} // namespace kahu
