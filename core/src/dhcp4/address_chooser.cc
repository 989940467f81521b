// SPDX-License-Identifier: MPL-2.0
// Which address a client may have (Kea's allocation engine's choices for DISCOVER and
// REQUEST), and the lease it gets for it.
#include "dhcp4/address_chooser.h"

#include "dhcp4/client_identity.h"
#include "log/kea_loggers.h"

#include <algorithm>
#include <kahu/log.h>
#include <kahu/stats.h>

namespace kahu {

namespace {

Counter& stat(const char* name) {
    return Statistics::instance().counter(name);
}

} // namespace

AddressChooser::AddressChooser(const ServerConfig& config, LeaseManager& leases,
                               const HostIndex& hosts, const SubnetSelector& selector)
    : config_(config), leases_(leases), hosts_(hosts), selector_(selector) {}

std::optional<Lease4> AddressChooser::findClientLease(const std::vector<const Subnet*>& network,
                                                      const ClientIdentity& c) const {
    auto inNetwork = [&](const Lease4& l) -> const Subnet* {
        for (const Subnet* s : network) {
            if (s->id == l.subnetId) {
                return s;
            }
        }
        return nullptr;
    };
    if (!c.clientId.empty()) {
        for (const auto& l : leases_.store().getByClientId(c.clientId)) {
            const Subnet* s = inNetwork(l);
            if (s && s->matchClientId) {
                return l;
            }
        }
    }
    for (const auto& l : leases_.store().getByHwAddr(c.hw)) {
        const Subnet* s = inNetwork(l);
        if (s && l.belongsTo(c.hw, c.idFor(*s))) {
            return l;
        }
    }
    return std::nullopt;
}

bool AddressChooser::reservedForAnother(const Subnet& s, Ipv4Address a,
                                        const ClientIdentity& c) const {
    // A reserved address is free only for a client the reservation names, by any identifier
    // it carries (host-reservation-identifiers). A subnet reservation counts unless
    // reservations-out-of-pool says reservations lie outside the pools and `a` is in one (Kea
    // then does not look). A global reservation's address is kept from other clients as well,
    // which Kea does not do: its owner is offered it wherever it is (reservedAddress).
    if (hosts_.empty()) {
        return false;
    }
    if (s.reservationsInSubnet && (!s.reservationsOutOfPool || !LeaseManager::poolOf(s, a))) {
        const auto owner = hosts_.byAddress(s.id, a);
        if (owner && !HostIndex::names(*owner, c.hostIds)) {
            return true;
        }
    }
    if (s.reservationsGlobal) {
        const auto owner = hosts_.byAddress(0, a);
        if (owner && !HostIndex::names(*owner, c.hostIds)) {
            return true;
        }
    }
    return false;
}

bool AddressChooser::addressFree(const Subnet& s, Ipv4Address a, const ClientIdentity& c,
                                 int64_t now, std::optional<Lease4>* seen) const {
    if (reservedForAnother(s, a, c)) {
        return false;
    }
    auto lease = leases_.get(a);
    if (seen) {
        *seen = lease;
    }
    if (!lease) {
        return true;
    }
    return lease->belongsTo(c.hw, c.idFor(s)) || lease->expired(now) ||
           lease->state == LeaseState::ExpiredReclaimed;
}

HostIndex::ReservationPtr AddressChooser::reservationFor(const Subnet& s,
                                                         const Exchange& ex) const {
    if (hosts_.empty()) {
        return nullptr;
    }
    if (s.reservationsInSubnet) {
        if (auto r = hosts_.find(s.id, ex.client.hostIds)) {
            return r;
        }
    }
    if (s.reservationsGlobal) {
        return hosts_.find(0, ex.client.hostIds);
    }
    return nullptr;
}

std::optional<Ipv4Address> AddressChooser::reservedAddress(const Subnet& s,
                                                           const Exchange& ex) const {
    if (hosts_.empty()) {
        return std::nullopt;
    }
    if (s.reservationsGlobal) {
        const auto g = hosts_.find(0, ex.client.hostIds);
        if (g && g->ipAddress && s.prefix.contains(*g->ipAddress)) {
            return g->ipAddress;
        }
    }
    if (s.reservationsInSubnet) {
        const auto r = hosts_.find(s.id, ex.client.hostIds);
        if (r && r->ipAddress && s.prefix.contains(*r->ipAddress) &&
            (!s.reservationsOutOfPool || !LeaseManager::poolOf(s, *r->ipAddress))) {
            return r->ipAddress;
        }
    }
    return std::nullopt;
}

std::optional<Ipv4Address> AddressChooser::chooseAddress(Exchange& ex,
                                                         const std::vector<const Subnet*>& network,
                                                         std::optional<Ipv4Address> requested,
                                                         const Subnet*& chosen) const {
    const ClientIdentity& c = ex.client;
    // 1. The client's reserved address.
    for (const Subnet* s : network) {
        if (auto reserved = reservedAddress(*s, ex)) {
            if (addressFree(*s, *reserved, c, ex.now)) {
                chosen = s;
                return reserved;
            }
            stat("v4-reservation-conflicts").add(1);
        }
    }
    auto inPool = [&](Ipv4Address a) -> const Subnet* {
        for (const Subnet* s : network) {
            const Pool* p = LeaseManager::poolOf(*s, a);
            if (p && SubnetSelector::classAllowed(p->clientClass, ex.query.classes())) {
                return s;
            }
        }
        return nullptr;
    };
    // 2. The client's existing lease, 3. the address it asked for.
    auto existing = ex.existing ? std::optional(ex.existing->address) : std::nullopt;
    for (auto candidate : {existing, requested}) {
        if (!candidate) {
            continue;
        }
        if (const Subnet* s = inPool(*candidate); s && addressFree(*s, *candidate, c, ex.now)) {
            chosen = s;
            return candidate;
        }
    }
    // 4. A free address from the pools: this server's share of every pool of the network
    // first, the partner's share only when that is exhausted (HA load balancing; without a
    // share the first pass covers whole pools and the second finds nothing).
    for (auto side : {LeaseManager::ShareSide::Own, LeaseManager::ShareSide::Others}) {
        for (const Subnet* s : network) {
            auto a = leases_.pickFree(
                *s,
                [&](const Pool& p) {
                    return SubnetSelector::classAllowed(p.clientClass, ex.query.classes());
                },
                [&](Ipv4Address candidate) { return addressFree(*s, candidate, c, ex.now); }, side);
            if (a) {
                chosen = s;
                return a;
            }
        }
    }
    // 5. No free address left: as Kea, reuse a lease that has expired but is not reclaimed
    // yet, or a declined address whose probation period is over, on the spot.
    for (auto side : {LeaseManager::ShareSide::Own, LeaseManager::ShareSide::Others}) {
        for (const Subnet* s : network) {
            auto a = leases_.pickExpired(
                *s,
                [&](const Pool& p) {
                    return SubnetSelector::classAllowed(p.clientClass, ex.query.classes());
                },
                [&](Ipv4Address candidate) { return addressFree(*s, candidate, c, ex.now); },
                ex.now, side);
            if (a) {
                chosen = s;
                return a;
            }
        }
    }
    return std::nullopt;
}

void AddressChooser::logAllocFail(const Exchange& ex, const Subnet& subnet) const {
    const Packet4& q = ex.query;
    stat("v4-allocation-fail").add(1);
    Statistics::instance().add("subnet[" + std::to_string(subnet.id) + "].v4-allocation-fail", 1);
    uint64_t tried = 0;
    for (const Subnet* s : selector_.network(subnet)) {
        for (const Pool& p : s->pools) {
            tried += p.size();
        }
    }
    const std::string network = subnet.sharedNetwork >= 0
                                    ? config_.sharedNetworks[subnet.sharedNetwork].name
                                    : std::string("(none)");
    // Where the search stopped, as Kea counts it: no pools at all, else the subnet or the
    // shared network it walked.
    const char* context = tried == 0                  ? "v4-allocation-fail-no-pools"
                          : subnet.sharedNetwork >= 0 ? "v4-allocation-fail-shared-network"
                                                      : "v4-allocation-fail-subnet";
    stat(context).add(1);
    Statistics::instance().add("subnet[" + std::to_string(subnet.id) + "]." + context, 1);
    KAHU_WARN(log::allocEngine(), "ALLOC_ENGINE_V4_ALLOC_FAIL_SUBNET",
              "{}: failed to allocate an IPv4 lease in the subnet {}, subnet-id {}, shared "
              "network {}",
              q.label(), subnet.prefix.str(), subnet.id, network);
    KAHU_WARN(log::allocEngine(), "ALLOC_ENGINE_V4_ALLOC_FAIL",
              "{}: failed to allocate an IPv4 address after {} attempt(s)", q.label(), tried);
}

Lifetime validLifetimeFor(const ServerConfig& config, const Subnet& s, const Packet4& query) {
    if (query.inClass("BOOTP")) {
        // BOOTP has no lease time: its clients keep the address (Kea's alloc engine).
        return Lifetime{Lease4::kInfinite, Lease4::kInfinite, Lease4::kInfinite};
    }
    if (!config.clientClasses.empty()) {
        for (const auto& name : query.classes()) {
            const ClientClass* cls = config.clientClass(name);
            if (cls && cls->valid) {
                Lifetime l;
                l.value = *cls->valid;
                l.min = cls->minValid.value_or(l.value);
                l.max = cls->maxValid.value_or(l.value);
                return l;
            }
        }
    }
    return s.valid;
}

Lease4 makeLease(const ServerConfig& config, const Subnet& s, Ipv4Address a, Exchange& ex) {
    Lease4 l;
    l.address = a;
    l.hwAddr = ex.client.hw;
    if (s.matchClientId) { // Kea stores no client id when the subnet does not match on it
        l.clientId = ex.client.clientId;
    }
    l.subnetId = s.id;
    l.cltt = ex.now;
    const Lifetime valid = validLifetimeFor(config, s, ex.query);
    l.validLifetime = valid.value;
    if (auto requested = ex.query.get(opt::kLeaseTime); requested && requested->data.size() == 4) {
        l.validLifetime = valid.clamp(Ipv4Address::fromBytes(requested->data.data()).value());
    }
    if (ex.client.name.fqdn) {
        KAHU_DEBUG(log::ddns(), 50, "DHCP4_CLIENT_FQDN_PROCESS",
                   "{}: processing Client FQDN option", ex.query.label());
    } else {
        KAHU_DEBUG(log::ddns(), 50, "DHCP4_CLIENT_HOSTNAME_PROCESS",
                   "{}: processing client's Hostname option", ex.query.label());
    }
    const DdnsParams& names = ddns::paramsFor(config, s, ex.query.classes(), ex.ownDdns);
    ex.name = ddns::resolveClientName(ex.client.name, ex.reservation.get(), names,
                                      config.dhcpDdns.enableUpdates && names.sendUpdates, a);
    l.hostname = ex.name.hostname;
    // Kea 2.2's built-in class SKIP_DDNS: the client keeps its name, DNS is not updated.
    const bool skip = ex.query.inClass("SKIP_DDNS");
    l.fqdnFwd = ex.name.fwd && !skip;
    l.fqdnRev = ex.name.rev && !skip;
    if (const Pool* p = LeaseManager::poolOf(s, a)) {
        l.poolId = p->poolId;
    }
    return l;
}

} // namespace kahu
