// SPDX-License-Identifier: MPL-2.0
#include "dhcp4/dhcp4_processor.h"

#include "dhcp4/reply_options.h"

#include <kahu/log.h>

#include <algorithm>
#include <cctype>

namespace kahu {

struct Dhcp4Processor::Client {
    HwAddr hw;
    ClientId clientId;  ///< option 61 as sent (empty if none)
    std::string hostname;  ///< option 12, sanitised and lower-cased

    const ClientId& idFor(const Subnet& s) const {
        static const ClientId kNone;
        return s.matchClientId ? clientId : kNone;
    }
};

namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto lg = log::get("kahu-dhcp4");
    return lg;
}

Counter& stat(const char* name) { return Statistics::instance().counter(name); }

// Kea's default hostname-char-set "[^A-Za-z0-9.-]" with an empty replacement.
std::string sanitizeHostname(const std::vector<uint8_t>& raw) {
    std::string out;
    for (uint8_t ch : raw) {
        if (std::isalnum(ch) || ch == '.' || ch == '-') {
            out += static_cast<char>(std::tolower(ch));
        }
    }
    while (!out.empty() && out.back() == '.') {
        out.pop_back();
    }
    return out;
}

} // namespace

Dhcp4Processor::Dhcp4Processor(std::shared_ptr<const ServerConfig> config, LeaseManager& leases,
                               std::vector<InterfaceAddresses> interfaces)
    : config_(std::move(config)), leases_(leases), interfaces_(std::move(interfaces)),
      hosts_(*config_), selector_(*config_) {
    auto collect = [this](const OptionSet& set) {
        for (const auto& o : set) {
            if (o.code == opt::kServerId && o.data.size() == 4) {
                configuredServerIds_.push_back(Ipv4Address::fromBytes(o.data.data()));
            }
        }
    };
    collect(config_->options);
    for (const auto& n : config_->sharedNetworks) {
        collect(n.options);
    }
    for (const auto& s : config_->subnets) {
        collect(s.options);
    }
}

const InterfaceAddresses* Dhcp4Processor::interfaceOf(const Packet4& q) const noexcept {
    for (const auto& i : interfaces_) {
        if ((q.ifindex && i.ifindex == q.ifindex) || (!q.iface.empty() && i.name == q.iface)) {
            return &i;
        }
    }
    return nullptr;
}

Exchange Dhcp4Processor::process(Packet4 query, int64_t now) noexcept {
    Exchange ex;
    ex.query = std::move(query);
    try {
        const Packet4& q = ex.query;
        auto type = q.messageType();
        switch (type.value_or(MessageType{0})) {
        case MessageType::Discover: stat("pkt4-discover-received").add(1); break;
        case MessageType::Request: stat("pkt4-request-received").add(1); break;
        case MessageType::Release: stat("pkt4-release-received").add(1); break;
        case MessageType::Decline: stat("pkt4-decline-received").add(1); break;
        case MessageType::Inform: stat("pkt4-inform-received").add(1); break;
        case MessageType::Offer: stat("pkt4-offer-received").add(1); break;
        case MessageType::Ack: stat("pkt4-ack-received").add(1); break;
        case MessageType::Nak: stat("pkt4-nak-received").add(1); break;
        default: stat("pkt4-unknown-received").add(1); break;
        }
        bool serverBound = type == MessageType::Discover || type == MessageType::Request ||
                           type == MessageType::Release || type == MessageType::Decline ||
                           type == MessageType::Inform;
        if (!serverBound || q.op != 1) {
            ex.drop = true;
            ex.dropReason = "DHCP4_PACKET_DROP_0006";
        } else if (!acceptServerId(q)) {
            ex.drop = true;
            ex.dropReason = "DHCP4_PACKET_DROP_0003";
        }
        if (ex.drop) {
            stat("pkt4-receive-drop").add(1);
            return ex;
        }
        ex.classes.push_back("ALL");
        if (const Option* vc = q.get(opt::kVendorClass)) {
            ex.classes.push_back("VENDOR_CLASS_" + std::string(vc->data.begin(), vc->data.end()));
        }
        Client c;
        c.hw = q.hwAddr();
        if (const Option* cid = q.get(opt::kClientId)) {
            c.clientId = cid->data;
        }
        if (const Option* hn = q.get(opt::kHostName)) {
            c.hostname = sanitizeHostname(hn->data);
        }
        switch (*type) {
        case MessageType::Discover: processDiscover(ex, c, now); break;
        case MessageType::Request: processRequest(ex, c, now); break;
        case MessageType::Release: processRelease(ex, c, now); break;
        case MessageType::Decline: processDecline(ex, c, now); break;
        default: processInform(ex, c); break;
        }
    } catch (const std::exception& e) {
        KAHU_ERROR(logger(), "DHCP4_PACKET_PROCESS_EXCEPTION", "{}: {}", ex.query.summary(),
                   e.what());
        ex.response.reset();
        ex.drop = true;
        ex.dropReason = "DHCP4_PACKET_PROCESS_EXCEPTION";
    }
    if (ex.drop) {
        ex.response.reset();
    }
    return ex;
}

bool Dhcp4Processor::acceptServerId(const Packet4& q) const {
    auto sid = q.getAddress(opt::kServerId);
    if (!sid) {
        return true;
    }
    if (auto override = q.relaySubOption(11);
        override && override->size() == 4 && Ipv4Address::fromBytes(override->data()) == *sid) {
        return true;
    }
    for (const auto& i : interfaces_) {
        for (const auto& p : i.addresses) {
            if (p.address == *sid) {
                return true;
            }
        }
    }
    return std::find(configuredServerIds_.begin(), configuredServerIds_.end(), *sid) !=
           configuredServerIds_.end();
}

const Reservation* Dhcp4Processor::reservationFor(const Subnet& s, const Packet4& q) const {
    if (hosts_.empty()) {
        return nullptr;
    }
    if (s.reservationsInSubnet) {
        if (const Reservation* r = hosts_.find(s.id, q)) {
            return r;
        }
    }
    if (s.reservationsGlobal) {
        return hosts_.find(0, q);
    }
    return nullptr;
}

std::optional<Lease4> Dhcp4Processor::findClientLease(const std::vector<const Subnet*>& network,
                                                      const Client& c) const {
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

bool Dhcp4Processor::addressFree(const Subnet& s, Ipv4Address a, const Client& c,
                                 int64_t now) const {
    const Pool* pool = LeaseManager::poolOf(s, a);
    if (!s.reservationsOutOfPool || !pool) {
        const Reservation* owner = hosts_.byAddress(s.id, a);
        if (!owner && s.reservationsGlobal) {
            owner = hosts_.byAddress(0, a);
        }
        if (owner) {
            // Reserved: free only for the client the reservation names.
            bool mine = (owner->hwAddress && owner->hwAddress->bytes == c.hw.bytes) ||
                        (owner->clientId && *owner->clientId == c.clientId);
            if (!mine) {
                return false;
            }
        }
    }
    auto lease = leases_.get(a);
    if (!lease) {
        return true;
    }
    return lease->belongsTo(c.hw, c.idFor(s)) || lease->expired(now) ||
           lease->state == LeaseState::ExpiredReclaimed;
}

std::optional<Ipv4Address> Dhcp4Processor::chooseAddress(
    Exchange& ex, const Client& c, const std::vector<const Subnet*>& network,
    const std::optional<Lease4>& existing, std::optional<Ipv4Address> requested, int64_t now,
    const Subnet*& chosen) {
    // 1. The client's reserved address.
    for (const Subnet* s : network) {
        const Reservation* r = reservationFor(*s, ex.query);
        if (r && r->ipAddress && s->prefix.contains(*r->ipAddress)) {
            if (addressFree(*s, *r->ipAddress, c, now)) {
                chosen = s;
                ex.reservation = r;
                return r->ipAddress;
            }
            Statistics::instance().add("v4-reservation-conflicts", 1);
        }
    }
    auto inPool = [&](Ipv4Address a) -> const Subnet* {
        for (const Subnet* s : network) {
            const Pool* p = LeaseManager::poolOf(*s, a);
            if (p && SubnetSelector::classAllowed(p->clientClass, ex.classes)) {
                return s;
            }
        }
        return nullptr;
    };
    // 2. The client's existing lease, 3. the address it asked for.
    for (auto candidate : {existing ? std::optional(existing->address) : std::nullopt, requested}) {
        if (!candidate) {
            continue;
        }
        if (const Subnet* s = inPool(*candidate); s && addressFree(*s, *candidate, c, now)) {
            chosen = s;
            return candidate;
        }
    }
    // 4. A free address from the pools.
    for (const Subnet* s : network) {
        auto a = leases_.pickFree(
            *s,
            [&](const Pool& p) { return SubnetSelector::classAllowed(p.clientClass, ex.classes); },
            [&](Ipv4Address a) { return addressFree(*s, a, c, now); });
        if (a) {
            chosen = s;
            return a;
        }
    }
    return std::nullopt;
}

Lease4 Dhcp4Processor::makeLease(const Subnet& s, Ipv4Address a, const Client& c,
                                 const Exchange& ex, int64_t now) const {
    Lease4 l;
    l.address = a;
    l.hwAddr = c.hw;
    l.clientId = c.clientId;
    l.subnetId = s.id;
    l.cltt = now;
    l.validLifetime = s.valid.value;
    if (auto requested = ex.query.get(opt::kLeaseTime); requested && requested->data.size() == 4) {
        l.validLifetime = s.valid.clamp(Ipv4Address::fromBytes(requested->data.data()).value());
    }
    l.hostname = ex.reservation && !ex.reservation->hostname.empty() ? ex.reservation->hostname
                                                                      : c.hostname;
    if (const Pool* p = LeaseManager::poolOf(s, a)) {
        l.poolId = p->poolId;
    }
    return l;
}

Packet4 Dhcp4Processor::makeReply(const Exchange& ex, MessageType type) const {
    const Packet4& q = ex.query;
    Packet4 r;
    r.op = 2;
    r.htype = q.htype;
    r.hlen = q.hlen;
    r.hops = q.hops;
    r.xid = q.xid;
    r.flags = q.flags;
    r.giaddr = q.giaddr;
    r.chaddr = q.chaddr;
    r.ifindex = q.ifindex;
    r.iface = q.iface;
    r.localAddr = q.localAddr;
    r.localPort = q.localPort;
    r.remoteMac = q.remoteMac;
    r.setMessageType(type);
    r.setAddress(opt::kServerId, serverIdFor(q));
    if (config_->echoClientId) {
        if (const Option* cid = q.get(opt::kClientId)) {
            r.set(opt::kClientId, cid->data);
        }
    }
    if (const Option* rai = q.get(opt::kRelayAgentInfo); rai && q.isRelayed()) {
        r.set(opt::kRelayAgentInfo, rai->data);
    }
    if (const Option* sel = q.get(opt::kSubnetSelection)) {
        r.set(opt::kSubnetSelection, sel->data);
    }
    return r;
}

Ipv4Address Dhcp4Processor::serverIdFor(const Packet4& q) const {
    if (!q.localAddr.isZero() && !q.localAddr.isBroadcast()) {
        return q.localAddr;
    }
    if (const InterfaceAddresses* i = interfaceOf(q); i && !i->addresses.empty()) {
        return i->addresses.front().address;
    }
    return Ipv4Address();
}

void Dhcp4Processor::setDestination(const Packet4& q, Packet4& r) const {
    auto type = r.messageType();
    if (q.isRelayed()) {
        r.remoteAddr = q.giaddr;
        r.remotePort = q.remotePort ? q.remotePort : 67;
        return;  // Kea leaves the broadcast flag as the client set it, NAK included
    }
    r.remotePort = q.remotePort ? q.remotePort : 68;
    if (!q.ciaddr.isZero() && type != MessageType::Nak) {
        r.remoteAddr = q.ciaddr;
    } else if (type == MessageType::Nak || q.broadcastFlag() ||
               config_->interfaces.socketType == SocketType::Udp || r.yiaddr.isZero()) {
        r.remoteAddr = Ipv4Address(0xffffffffu);
    } else {
        r.remoteAddr = r.yiaddr;  // unicast to the client's new address at its chaddr
    }
}

void Dhcp4Processor::finishReply(Exchange& ex, Packet4& r, const Subnet& s,
                                 const Lease4* lease) const {
    const Pool* pool = lease ? LeaseManager::poolOf(s, lease->address) : nullptr;
    if (lease) {
        r.yiaddr = lease->address;
        uint32_t mask = s.prefix.mask();
        r.set(opt::kSubnetMask, {uint8_t(mask >> 24), uint8_t(mask >> 16), uint8_t(mask >> 8),
                                 uint8_t(mask)});
        addLeaseTimes(r, s, lease->validLifetime);
        bool wantsName = ex.query.get(opt::kHostName) != nullptr;
        if (const Option* prl = ex.query.get(opt::kParamRequest)) {
            wantsName = wantsName || std::find(prl->data.begin(), prl->data.end(),
                                               opt::kHostName) != prl->data.end();
        }
        if (!lease->hostname.empty() && wantsName) {
            r.set(opt::kHostName, std::vector<uint8_t>(lease->hostname.begin(),
                                                      lease->hostname.end()));
        }
    }
    const Reservation* res = ex.reservation;
    r.siaddr = res && res->nextServer ? *res->nextServer : s.nextServer;
    const std::string& sname =
        res && res->serverHostname ? *res->serverHostname : s.serverHostname;
    const std::string& file = res && res->bootFileName ? *res->bootFileName : s.bootFileName;
    std::copy_n(sname.begin(), std::min(sname.size(), r.sname.size() - 1), r.sname.begin());
    std::copy_n(file.begin(), std::min(file.size(), r.file.size() - 1), r.file.begin());
    addConfiguredOptions(r, ex.query, *config_, &s, pool, res);
    setDestination(ex.query, r);
}

void Dhcp4Processor::nak(Exchange& ex, const char* reason) const {
    Packet4 r = makeReply(ex, MessageType::Nak);
    setDestination(ex.query, r);
    KAHU_DEBUG(logger(), 30, "DHCP4_PACKET_NAK", "{}: {}", ex.query.summary(), reason);
    ex.response = std::move(r);
}

void Dhcp4Processor::processDiscover(Exchange& ex, const Client& c, int64_t now) {
    const Subnet* subnet = selector_.select(ex.query, interfaceOf(ex.query), ex.classes);
    if (!subnet) {
        ex.drop = true;
        ex.dropReason = "DHCP4_SUBNET_SELECTION_FAILED";
        stat("pkt4-receive-drop").add(1);
        return;
    }
    auto network = selector_.network(*subnet);
    auto existing = findClientLease(network, c);
    const Subnet* chosen = nullptr;
    auto address =
        chooseAddress(ex, c, network, existing, ex.query.getAddress(opt::kRequestedAddress), now,
                      chosen);
    if (!address) {
        stat("v4-allocation-fail").add(1);
        Statistics::instance().add(
            "subnet[" + std::to_string(subnet->id) + "].v4-allocation-fail", 1);
        KAHU_WARN(logger(), "DHCP4_PACKET_NAK_0001", "{}: no address available in subnet {}",
                  ex.query.summary(), subnet->prefix.str());
        ex.drop = true;
        ex.dropReason = "ALLOC_ENGINE_V4_ALLOC_FAIL";
        return;
    }
    ex.subnet = chosen;
    Lease4 lease = makeLease(*chosen, *address, c, ex, now);
    Packet4 r = makeReply(ex, MessageType::Offer);
    finishReply(ex, r, *chosen, &lease);
    ex.response = std::move(r);
}

void Dhcp4Processor::processRequest(Exchange& ex, const Client& c, int64_t now) {
    const Packet4& q = ex.query;
    auto requested = q.getAddress(opt::kRequestedAddress);
    bool initReboot = requested && !q.getAddress(opt::kServerId);
    if (!requested && !q.ciaddr.isZero()) {
        requested = q.ciaddr;
    }
    if (!requested) {
        ex.drop = true;
        ex.dropReason = "DHCP4_PACKET_DROP_NO_ADDRESS";
        return;
    }
    const Subnet* subnet = selector_.select(q, interfaceOf(q), ex.classes);
    if (!subnet) {
        bool authoritative = !config_->subnets.empty() && config_->authoritative;
        if (!initReboot || authoritative) {
            return nak(ex, "no subnet for the client");
        }
        ex.drop = true;
        ex.dropReason = "DHCP4_SUBNET_SELECTION_FAILED";
        return;
    }
    auto network = selector_.network(*subnet);
    auto existing = findClientLease(network, c);
    const Subnet* target = nullptr;
    for (const Subnet* s : network) {
        if (s->prefix.contains(*requested)) {
            target = s;
            break;
        }
    }
    if (initReboot) {
        // Kea's order: a known client asking for another address is told no; an unknown
        // client is answered only by an authoritative server.
        if (existing && existing->address != *requested) {
            return nak(ex, "INIT-REBOOT address differs from the client's lease");
        }
        if (!existing) {
            if (subnet->authoritative) {
                return nak(ex, "INIT-REBOOT from an unknown client");
            }
            ex.drop = true;
            ex.dropReason = "DHCP4_UNKNOWN_CLIENT_INIT_REBOOT";
            return;
        }
    }
    if (!target) {
        return nak(ex, "requested address outside the client's network");
    }
    // The client's own reservation decides when it has a free reserved address.
    const Reservation* res = reservationFor(*target, q);
    if (res && res->ipAddress && *res->ipAddress != *requested &&
        addressFree(*target, *res->ipAddress, c, now)) {
        return nak(ex, "client has a different reserved address");
    }
    ex.reservation = res && res->ipAddress && *res->ipAddress == *requested ? res : nullptr;
    if (!ex.reservation) {
        const Pool* pool = LeaseManager::poolOf(*target, *requested);
        if (!pool || !SubnetSelector::classAllowed(pool->clientClass, ex.classes)) {
            return nak(ex, "requested address is not in a pool");
        }
    }
    if (!addressFree(*target, *requested, c, now)) {
        return nak(ex, "requested address is in use");
    }
    ex.reservation = res;
    Lease4 lease = makeLease(*target, *requested, c, ex, now);
    {
        auto lock = leases_.lockAddress(lease.address);
        auto old = leases_.get(lease.address);
        bool ok = old ? leases_.update(*old, lease) : leases_.add(lease);
        if (!ok) {
            return nak(ex, "lease store refused the lease");
        }
        bool newClient = !old || !old->belongsTo(c.hw, c.idFor(*target)) ||
                         old->state != LeaseState::Default;
        if (newClient) {
            stat("cumulative-assigned-addresses").add(1);
            Statistics::instance().add(
                "subnet[" + std::to_string(target->id) + "].cumulative-assigned-addresses", 1);
        }
    }
    if (existing && existing->address != lease.address) {
        auto lock = leases_.lockAddress(existing->address);
        if (leases_.remove(*existing)) {
            ex.deletedLeases.push_back(*existing);
        }
    }
    ex.subnet = target;
    ex.leases.push_back(lease);
    KAHU_INFO(logger(), "DHCP4_LEASE_ALLOC", "{}: lease {} has been allocated for {} seconds",
              q.summary(), lease.address.str(), lease.validLifetime);
    Packet4 r = makeReply(ex, MessageType::Ack);
    r.ciaddr = q.ciaddr;
    finishReply(ex, r, *target, &lease);
    ex.response = std::move(r);
}

void Dhcp4Processor::processRelease(Exchange& ex, const Client& c, int64_t now) {
    auto lease = leases_.get(ex.query.ciaddr);
    const Subnet* s = lease ? config_->subnetById(lease->subnetId) : nullptr;
    if (!lease || !lease->belongsTo(c.hw, s ? c.idFor(*s) : c.clientId)) {
        KAHU_DEBUG(logger(), 30, "DHCP4_RELEASE_FAIL_NO_LEASE", "{}: no lease of the client at {}",
                   ex.query.summary(), ex.query.ciaddr.str());
        return;
    }
    auto lock = leases_.lockAddress(lease->address);
    if (leases_.remove(*lease)) {
        ex.deletedLeases.push_back(*lease);
        KAHU_INFO(logger(), "DHCP4_RELEASE", "{}: address {} was released properly",
                  ex.query.summary(), lease->address.str());
    }
}

void Dhcp4Processor::processDecline(Exchange& ex, const Client& c, int64_t now) {
    auto requested = ex.query.getAddress(opt::kRequestedAddress);
    if (!requested) {
        ex.drop = true;
        ex.dropReason = "DHCP4_DECLINE_FAIL_NO_ADDRESS";
        return;
    }
    auto lock = leases_.lockAddress(*requested);
    auto lease = leases_.get(*requested);
    const Subnet* s = lease ? config_->subnetById(lease->subnetId) : nullptr;
    if (!lease || !s || !lease->belongsTo(c.hw, c.idFor(*s))) {
        ex.drop = true;
        ex.dropReason = "DHCP4_DECLINE_LEASE_MISMATCH";
        return;
    }
    Lease4 declined = *lease;
    declined.hwAddr = HwAddr{};
    declined.clientId.clear();
    declined.hostname.clear();
    declined.fqdnFwd = declined.fqdnRev = false;
    declined.state = LeaseState::Declined;
    declined.validLifetime = config_->declineProbationPeriod;
    declined.cltt = now;
    if (leases_.update(*lease, declined)) {
        ex.leases.push_back(declined);
        KAHU_INFO(logger(), "DHCP4_DECLINE_LEASE",
                  "{}: address {} was declined; it is held for {} seconds", ex.query.summary(),
                  declined.address.str(), declined.validLifetime);
    }
}

void Dhcp4Processor::processInform(Exchange& ex, const Client&) {
    const Packet4& q = ex.query;
    if (q.ciaddr.isZero() && q.remoteAddr.isZero()) {
        ex.drop = true;
        ex.dropReason = "DHCP4_PACKET_DROP_0005";
        return;
    }
    const Subnet* subnet = selector_.select(q, interfaceOf(q), ex.classes);
    Packet4 r = makeReply(ex, MessageType::Ack);
    r.ciaddr = q.ciaddr;
    if (subnet) {
        ex.subnet = subnet;
        ex.reservation = reservationFor(*subnet, q);
        finishReply(ex, r, *subnet, nullptr);
    } else {
        addConfiguredOptions(r, q, *config_, nullptr, nullptr, nullptr);
        setDestination(q, r);
    }
    // An INFORM answer goes to ciaddr when the client has one (reference §9.5).
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
