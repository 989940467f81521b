// SPDX-License-Identifier: MPL-2.0
#include "dhcp4/dhcp4_processor.h"

#include "dhcp4/packet_hooks.h"
#include "dhcp4/reply_options.h"
#include "log/kea_loggers.h"

#include <algorithm>
#include <cctype>
#include <kahu/log.h>
#include <kahu/stats.h>

namespace kahu {

namespace {

Counter& stat(const char* name) {
    return Statistics::instance().counter(name);
}

/// Received-packet counters by message type, resolved once.
Counter& receivedCounter(std::optional<MessageType> type) {
    static Counter* byType[] = {&stat("pkt4-unknown-received"), &stat("pkt4-discover-received"),
                                &stat("pkt4-offer-received"),   &stat("pkt4-request-received"),
                                &stat("pkt4-decline-received"), &stat("pkt4-ack-received"),
                                &stat("pkt4-nak-received"),     &stat("pkt4-release-received"),
                                &stat("pkt4-inform-received")};
    auto t = static_cast<size_t>(type.value_or(MessageType{0}));
    return *byType[t < std::size(byType) ? t : 0];
}

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

constexpr uint8_t kClientFqdn = 81;
constexpr uint8_t kFqdnS = 0x01, kFqdnO = 0x02, kFqdnE = 0x04, kFqdnN = 0x08;

/// The name in option 81 as "label.label." (fully qualified) or "label" (partial), or nothing
/// when the option is malformed. Wire format (E) or ASCII.
std::optional<std::string> fqdnName(const std::vector<uint8_t>& data) {
    if (data.size() < 3) {
        return std::nullopt;
    }
    if (!(data[0] & kFqdnE)) {
        return std::string(data.begin() + 3, data.end());
    }
    std::string name;
    size_t i = 3;
    while (i < data.size()) {
        const uint8_t len = data[i++];
        if (len == 0) {
            return name.empty() ? std::string(".") : name; // root label: fully qualified
        }
        if (len > 63 || i + len > data.size()) {
            return std::nullopt;
        }
        name.append(data.begin() + i, data.begin() + i + len);
        name += '.';
        i += len;
    }
    if (!name.empty()) {
        name.pop_back(); // no root label: a partial name
    }
    return name;
}

/// A name qualified as Kea qualifies it without a ddns-qualifying-suffix: a trailing dot.
std::string qualified(std::string name) {
    if (!name.empty() && name.back() != '.') {
        name += '.';
    }
    return name;
}

std::vector<uint8_t> fqdnAnswer(uint8_t clientFlags, const std::string& name) {
    uint8_t flags = kFqdnN | (clientFlags & kFqdnE) | ((clientFlags & kFqdnS) ? kFqdnO : 0);
    std::vector<uint8_t> out{flags, 0, 0};
    if (!(flags & kFqdnE)) {
        out.insert(out.end(), name.begin(), name.end());
        return out;
    }
    size_t start = 0;
    while (start < name.size()) {
        size_t dot = name.find('.', start);
        size_t end = dot == std::string::npos ? name.size() : dot;
        out.push_back(static_cast<uint8_t>(std::min<size_t>(end - start, 63)));
        out.insert(out.end(), name.begin() + start,
                   name.begin() + start + std::min<size_t>(end - start, 63));
        start = end + 1;
    }
    if (!name.empty() && name.back() == '.') {
        out.push_back(0);
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
    for (IdentifierType t : config_->hostReservationIdentifiers) {
        flexId_ = flexId_ || t == IdentifierType::FlexId;
    }
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

std::optional<Lease4> Dhcp4Processor::findClientLease(const std::vector<const Subnet*>& network,
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

bool Dhcp4Processor::reservedForAnother(const Subnet& s, Ipv4Address a,
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
        const Reservation* owner = hosts_.byAddress(s.id, a);
        if (owner && !HostIndex::names(*owner, c.hostIds)) {
            return true;
        }
    }
    if (s.reservationsGlobal) {
        const Reservation* owner = hosts_.byAddress(0, a);
        if (owner && !HostIndex::names(*owner, c.hostIds)) {
            return true;
        }
    }
    return false;
}

bool Dhcp4Processor::addressFree(const Subnet& s, Ipv4Address a, const ClientIdentity& c,
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
        if (config_->interfaces.outboundUseRouting &&
            config_->interfaces.socketType == SocketType::Udp) {
            // As Kea: no interface index and no source address, so the reply to the relay
            // follows the routing table (SocketSet::send). The interface name stays (Kea keeps
            // it too); raw sockets always answer where the query came in.
            r.ifindex = 0;
            r.localAddr = Ipv4Address();
        }
        return; // Kea leaves the broadcast flag as the client set it, NAK included
    }
    r.remotePort = q.remotePort ? q.remotePort : 68;
    if (!q.ciaddr.isZero() && type != MessageType::Nak) {
        r.remoteAddr = q.ciaddr;
    } else if (type == MessageType::Nak || q.broadcastFlag() ||
               config_->interfaces.socketType == SocketType::Udp || r.yiaddr.isZero()) {
        r.remoteAddr = Ipv4Address(0xffffffffu);
    } else {
        r.remoteAddr = r.yiaddr; // unicast to the client's new address at its chaddr
    }
}

void Dhcp4Processor::finishReply(Exchange& ex, Packet4& r, const Subnet& s,
                                 const Lease4* lease) const {
    const Pool* pool = lease ? LeaseManager::poolOf(s, lease->address) : nullptr;
    if (lease) {
        r.yiaddr = lease->address;
        uint32_t mask = s.prefix.mask();
        r.set(opt::kSubnetMask,
              {uint8_t(mask >> 24), uint8_t(mask >> 16), uint8_t(mask >> 8), uint8_t(mask)});
        addLeaseTimes(r, s, lease->validLifetime);
        if (ex.client.fqdn) {
            // Option 81 answers instead of option 12 (Kea processes one or the other).
            r.set(kClientFqdn, fqdnAnswer(ex.client.fqdnFlags, lease->hostname));
        }
        bool wantsName = !ex.client.fqdn && ex.query.get(opt::kHostName) != nullptr;
        if (const Option* prl = ex.query.get(opt::kParamRequest)) {
            wantsName = wantsName || std::find(prl->data.begin(), prl->data.end(),
                                               opt::kHostName) != prl->data.end();
        }
        if (!lease->hostname.empty() && wantsName && !ex.client.fqdn) {
            r.set(opt::kHostName,
                  std::vector<uint8_t>(lease->hostname.begin(), lease->hostname.end()));
        }
    }
    const Reservation* res = ex.reservation;
    r.siaddr = res && res->nextServer ? *res->nextServer : s.nextServer;
    const std::string& sname = res && res->serverHostname ? *res->serverHostname : s.serverHostname;
    const std::string& file = res && res->bootFileName ? *res->bootFileName : s.bootFileName;
    std::copy_n(sname.begin(), std::min(sname.size(), r.sname.size() - 1), r.sname.begin());
    std::copy_n(file.begin(), std::min(file.size(), r.file.size() - 1), r.file.begin());
    addConfiguredOptions(r, ex.query, *config_, &s, pool, res);
    setDestination(ex.query, r);
}

void Dhcp4Processor::nak(Exchange& ex) const {
    Packet4 r = makeReply(ex, MessageType::Nak);
    setDestination(ex.query, r);
    ex.response = std::move(r);
}

void Dhcp4Processor::nakNoLease(Exchange& ex, const char* allocId, const std::string& why) const {
    // Kea's DHCP4_PACKET_NAK_0004, after the alloc-engine message that says why.
    const Packet4& q = ex.query;
    auto requested = q.getAddress(opt::kRequestedAddress);
    if (const auto& lg = log::allocEngine(); log::debugLevel(*lg) >= 50) {
        lg->debug("{} {}", allocId, why);
    }
    KAHU_DEBUG(log::badPackets(), 50, "DHCP4_PACKET_NAK_0004",
               "{}: failed to grant a lease, client sent ciaddr {}, requested-ip-address {}",
               q.label(), q.ciaddr.str(), requested ? requested->str() : "(no address)");
    nak(ex);
}

// ---------------------------------------------------------------------------------------------
// Pipeline

Exchange Dhcp4Processor::process(Packet4 query, int64_t now) {
    auto ex = std::make_shared<Exchange>();
    ex->query = std::move(query);
    ex->now = now;
    ExchangePtr result;
    process(ex, [&result](const ExchangePtr& done) { result = done; });
    return result ? std::move(*result) : Exchange{};
}

namespace {

/// runOrPark's drop path for the protocol: the exchange is marked dropped and decided.
auto dropAndDecide(const Dhcp4Processor::Done& done) {
    return [done](const ExchangePtr& ex, const char* reason) {
        ex->markDrop(reason);
        done(ex);
    };
}

} // namespace

void Dhcp4Processor::process(ExchangePtr ex, Done done) noexcept {
    try {
        const Packet4& q = ex->query;
        auto type = q.messageType();
        receivedCounter(type).add(1);
        bool serverBound = type == MessageType::Discover || type == MessageType::Request ||
                           type == MessageType::Release || type == MessageType::Decline ||
                           type == MessageType::Inform;
        const Option* cid = q.get(opt::kClientId);
        if (!type) { // only when a buffer4_receive callout skipped the parse
            KAHU_DEBUG(log::badPackets(), 40, "DHCP4_PACKET_DROP_0009",
                       "{}: Option 53 missing (no DHCP message type), is this a BOOTP packet?",
                       q.label());
            ex->markDrop("DHCP4_PACKET_DROP_0009");
        } else if (cid && cid->data.size() < 2) {
            // Kea's client identifier needs 2 bytes; its constructor throws, which drops.
            KAHU_DEBUG(log::badPackets(), 40, "DHCP4_PACKET_DROP_0007",
                       "{}: failed to process packet: {}", q.label(),
                       cid->data.empty() ? "Empty DUIDs are not allowed"
                                         : "client-id is too short (1), at least 2 is required");
            ex->markDrop("DHCP4_PACKET_DROP_0007");
        } else if (static_cast<int>(*type) > 18) { // past DHCPLEASEQUERYDONE
            KAHU_DEBUG(log::badPackets(), 50, "DHCP4_PACKET_DROP_0005",
                       "{}: unrecognized type {} in option 53", q.label(), static_cast<int>(*type));
            ex->markDrop("DHCP4_PACKET_DROP_0005");
        } else if (!serverBound || q.op != 1) {
            KAHU_DEBUG(log::badPackets(), 50, "DHCP4_PACKET_DROP_0006",
                       "{}: unsupported DHCPv4 message type {}", q.label(),
                       static_cast<int>(*type));
            ex->markDrop("DHCP4_PACKET_DROP_0006");
        } else if (!acceptServerId(q)) {
            KAHU_DEBUG(log::badPackets(), 50, "DHCP4_PACKET_DROP_0003",
                       "{}, from interface {}: it contains a foreign server identifier", q.label(),
                       q.iface);
            ex->markDrop("DHCP4_PACKET_DROP_0003");
        }
        if (ex->drop) {
            static Counter& receiveDrop = stat("pkt4-receive-drop");
            receiveDrop.add(1);
            return done(ex);
        }
        // After the classes a buffer4_receive / pkt4_receive callout added, as in Kea.
        ex->query.addClass("ALL");
        if (const Option* vc = q.get(opt::kVendorClass)) {
            ex->query.addClass("VENDOR_CLASS_" + std::string(vc->data.begin(), vc->data.end()));
        }
        ex->client.hw = q.hwAddr();
        if (const Option* cid = q.get(opt::kClientId)) {
            ex->client.clientId = cid->data;
        }
        if (const Option* fq = q.get(kClientFqdn)) {
            if (auto name = fqdnName(fq->data)) {
                ex->client.fqdn = true;
                ex->client.fqdnFlags = fq->data[0];
                std::vector<uint8_t> raw(name->begin(), name->end());
                ex->client.hostname = qualified(sanitizeHostname(raw));
            }
        }
        if (const Option* hn = q.get(opt::kHostName); hn && !ex->client.fqdn) {
            ex->client.hostname = sanitizeHostname(hn->data);
        }
        if (flexId_ && PacketHooks::has(*ex, hooks::HookPoint::Host4Identifier)) {
            IdentifierType type = IdentifierType::FlexId;
            hooks::Host4IdentifierArgs args{ex->query, type, ex->flexId};
            if (PacketHooks::run<hooks::HookPoint::Host4Identifier>(*ex, args) !=
                hooks::Verdict::Continue) {
                ex->flexId.clear();
            }
        }
        if (!hosts_.empty()) {
            ex->client.hostIds = hosts_.identifiers(ex->query, ex->flexId);
        }
        dispatch(ex, done);
    } catch (const std::exception& e) {
        KAHU_ERROR(log::packets(), "DHCP4_PACKET_PROCESS_STD_EXCEPTION",
                   "exception occurred during packet processing: {}: {}", ex->query.label(),
                   e.what());
        ex->markDrop("DHCP4_PACKET_PROCESS_EXCEPTION");
        done(ex);
    }
}

void Dhcp4Processor::dispatch(const ExchangePtr& ex, const Done& done) {
    switch (*ex->query.messageType()) {
    case MessageType::Discover:
        return selectSubnet(ex, done, [this, ex, done] { processDiscover(ex, done); });
    case MessageType::Request:
        return selectSubnet(ex, done, [this, ex, done] { processRequest(ex, done); });
    case MessageType::Inform:
        return selectSubnet(ex, done, [this, ex, done] {
            processInform(*ex);
            done(ex);
        });
    case MessageType::Release:
        processRelease(*ex);
        return done(ex);
    default:
        processDecline(*ex);
        return done(ex);
    }
}

void Dhcp4Processor::selectSubnet(const ExchangePtr& ex, const Done& done,
                                  std::function<void()> next) {
    ex->subnet = selector_.select(ex->query, interfaceOf(ex->query), ex->query.classes());
    hooks::Subnet4SelectArgs args{ex->query, ex->subnet, config_->subnets};
    auto resume = [next = std::move(next)](const ExchangePtr&) { next(); };
    switch (PacketHooks::runOrPark<hooks::HookPoint::Subnet4Select>(ex, args, resume,
                                                                    dropAndDecide(done))) {
    case HookStep::Parked:
    case HookStep::Dropped:
        return;
    case HookStep::Skip:
        ex->subnet = nullptr;
        break;
    case HookStep::Continue:
        break;
    }
    resume(ex);
}

// ---------------------------------------------------------------------------------------------
// Decisions

const Reservation* Dhcp4Processor::reservationFor(const Subnet& s, const Exchange& ex) const {
    if (hosts_.empty()) {
        return nullptr;
    }
    if (s.reservationsInSubnet) {
        if (const Reservation* r = hosts_.find(s.id, ex.client.hostIds)) {
            return r;
        }
    }
    if (s.reservationsGlobal) {
        return hosts_.find(0, ex.client.hostIds);
    }
    return nullptr;
}

std::optional<Ipv4Address> Dhcp4Processor::reservedAddress(const Subnet& s,
                                                           const Exchange& ex) const {
    if (hosts_.empty()) {
        return std::nullopt;
    }
    if (s.reservationsGlobal) {
        const Reservation* g = hosts_.find(0, ex.client.hostIds);
        if (g && g->ipAddress && s.prefix.contains(*g->ipAddress)) {
            return g->ipAddress;
        }
    }
    if (s.reservationsInSubnet) {
        const Reservation* r = hosts_.find(s.id, ex.client.hostIds);
        if (r && r->ipAddress && s.prefix.contains(*r->ipAddress) &&
            (!s.reservationsOutOfPool || !LeaseManager::poolOf(s, *r->ipAddress))) {
            return r->ipAddress;
        }
    }
    return std::nullopt;
}

std::optional<Ipv4Address> Dhcp4Processor::chooseAddress(Exchange& ex,
                                                         const std::vector<const Subnet*>& network,
                                                         std::optional<Ipv4Address> requested,
                                                         const Subnet*& chosen) {
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
                [&](Ipv4Address a) { return addressFree(*s, a, c, ex.now); }, side);
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
                [&](Ipv4Address a) { return addressFree(*s, a, c, ex.now); }, ex.now, side);
            if (a) {
                chosen = s;
                return a;
            }
        }
    }
    return std::nullopt;
}

Lease4 Dhcp4Processor::makeLease(const Subnet& s, Ipv4Address a, const Exchange& ex) const {
    Lease4 l;
    l.address = a;
    l.hwAddr = ex.client.hw;
    if (s.matchClientId) { // Kea stores no client id when the subnet does not match on it
        l.clientId = ex.client.clientId;
    }
    l.subnetId = s.id;
    l.cltt = ex.now;
    l.validLifetime = s.valid.value;
    if (auto requested = ex.query.get(opt::kLeaseTime); requested && requested->data.size() == 4) {
        l.validLifetime = s.valid.clamp(Ipv4Address::fromBytes(requested->data.data()).value());
    }
    l.hostname = ex.reservation && !ex.reservation->hostname.empty() ? ex.reservation->hostname
                                                                     : ex.client.hostname;
    if (ex.client.fqdn) {
        if (l.hostname.empty()) {
            // Kea's generated name: ddns-generated-prefix "myhost" and the address.
            std::string dashed = a.str();
            std::replace(dashed.begin(), dashed.end(), '.', '-');
            l.hostname = "myhost-" + dashed;
        }
        l.hostname = qualified(l.hostname);
    }
    if (const Pool* p = LeaseManager::poolOf(s, a)) {
        l.poolId = p->poolId;
    }
    return l;
}

void Dhcp4Processor::logNoSubnet(const Exchange& ex) const {
    const Packet4& q = ex.query;
    KAHU_DEBUG(log::badPackets(), 15, "DHCP4_SUBNET_SELECTION_FAILED",
               "{}: failed to select subnet for the client", q.label());
    KAHU_ERROR(log::badPackets(), "DHCP4_PACKET_NAK_0001",
               "{}: failed to select a subnet for incoming packet, src {}, type {}", q.label(),
               q.remoteAddr.str(), toString(*q.messageType()));
}

void Dhcp4Processor::logAllocFail(const Exchange& ex, const Subnet& subnet) const {
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
                                    ? config_->sharedNetworks[subnet.sharedNetwork].name
                                    : std::string("(none)");
    KAHU_WARN(log::allocEngine(), "ALLOC_ENGINE_V4_ALLOC_FAIL_SUBNET",
              "{}: failed to allocate an IPv4 lease in the subnet {}, subnet-id {}, shared "
              "network {}",
              q.label(), subnet.prefix.str(), subnet.id, network);
    KAHU_WARN(log::allocEngine(), "ALLOC_ENGINE_V4_ALLOC_FAIL",
              "{}: failed to allocate an IPv4 address after {} attempt(s)", q.label(), tried);
}

void Dhcp4Processor::processDiscover(const ExchangePtr& ex, const Done& done) {
    const Subnet* subnet = ex->subnet;
    if (!subnet) {
        logNoSubnet(*ex);
        ex->markDrop("DHCP4_PACKET_NAK_0001");
        stat("pkt4-receive-drop").add(1);
        return done(ex);
    }
    auto network = selector_.network(*subnet);
    ex->existing = findClientLease(network, ex->client);
    const Subnet* chosen = nullptr;
    auto address =
        chooseAddress(*ex, network, ex->query.getAddress(opt::kRequestedAddress), chosen);
    if (!address) {
        logAllocFail(*ex, *subnet);
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
    ex->reservation = reservationFor(*chosen, *ex);
    ex->candidate = makeLease(*chosen, *address, *ex);
    hooks::Lease4SelectArgs args{ex->query, *chosen, true, ex->candidate};
    auto finish = [this, done](const ExchangePtr& x) { finishDiscover(x, done); };
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
    finishDiscover(ex, done);
}

void Dhcp4Processor::finishDiscover(const ExchangePtr& ex, const Done& done) {
    const Subnet& s = *ex->subnet;
    if (s.offerLifetime > 0 && !ex->skipCommit) {
        // offer-lifetime (Kea 2.4+): the offered address is held with a short lease until the
        // client requests it, so concurrent DISCOVERs are not offered the same address.
        Lease4 held = ex->candidate;
        held.validLifetime = s.offerLifetime;
        auto lock = leases_.lockAddress(held.address);
        auto old = leases_.get(held.address);
        if (old && !(old->belongsTo(ex->client.hw, ex->client.idFor(s)) || old->expired(ex->now) ||
                     old->state == LeaseState::ExpiredReclaimed)) {
            ex->markDrop("ALLOC_ENGINE_V4_OFFER_ADDRESS_TAKEN");
            return done(ex);
        }
        if (!(old ? leases_.update(*old, held) : leases_.add(held))) {
            ex->markDrop("ALLOC_ENGINE_V4_OFFER_WRITE_FAILED");
            return done(ex);
        }
    }
    KAHU_INFO(log::leases(), "DHCP4_LEASE_ADVERT", "{}: lease {} will be advertised",
              ex->query.label(), ex->candidate.address.str());
    Packet4 r = makeReply(*ex, MessageType::Offer);
    finishReply(*ex, r, *ex->subnet, &ex->candidate);
    ex->response = std::move(r);
    done(ex);
}

void Dhcp4Processor::processRequest(const ExchangePtr& ex, const Done& done) {
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
        if (!initReboot || config_->authoritative) {
            nak(x);
        } else {
            x.markDrop("DHCP4_PACKET_NAK_0001");
        }
        return done(ex);
    }
    auto network = selector_.network(*subnet);
    x.existing = findClientLease(network, x.client);
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
            nak(x);
            return done(ex);
        }
    }
    if (!requested) {
        // RFC 2131 wants option 50 or ciaddr in every REQUEST; Kea is liberal and so are we:
        // the client's reserved address, else its lease, else a new one, as for a DISCOVER.
        const Subnet* chosen = nullptr;
        requested = chooseAddress(x, network, std::nullopt, chosen);
        if (!requested) {
            logAllocFail(x, *subnet);
            nakNoLease(x, "ALLOC_ENGINE_V4_REQUEST_PICK_ADDRESS",
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
    const Reservation* res = reservationFor(*target, x);
    auto reserved = reservedAddress(*target, x);
    bool reservedHere = reserved && *reserved == *requested;
    if (!reservedHere && reservedForAnother(*target, *requested, x.client)) {
        nakNoLease(x, "ALLOC_ENGINE_V4_REQUEST_ADDRESS_RESERVED",
                   q.label() + ": requested address " + requested->str() + " is reserved");
        return done(ex);
    }
    if (reserved && *reserved != *requested && addressFree(*target, *reserved, x.client, x.now)) {
        nakNoLease(x, "ALLOC_ENGINE_V4_REQUEST_INVALID",
                   "client " + q.label() + " having a reservation for address " + reserved->str() +
                       " is requesting invalid address " + requested->str());
        return done(ex);
    }
    if (!reservedHere) {
        const Pool* pool = LeaseManager::poolOf(*target, *requested);
        if (!pool && !inSomePool(*requested)) {
            return unknownAddress();
        }
        if (!pool || !SubnetSelector::classAllowed(pool->clientClass, x.query.classes())) {
            nakNoLease(x, "ALLOC_ENGINE_V4_REQUEST_OUT_OF_POOL",
                       "client " + q.label() +
                           ", which doesn't have a reservation, requested "
                           "address " +
                           requested->str() +
                           " out of the dynamic pool (a pool its classes may not use)");
            return done(ex);
        }
    }
    if (!addressFree(*target, *requested, x.client, x.now, &x.stored)) {
        nakNoLease(x, "ALLOC_ENGINE_V4_REQUEST_IN_USE",
                   q.label() + ": requested address " + requested->str() + " is in use");
        return done(ex);
    }
    x.storedAt = *requested;
    x.reservation = res;
    x.subnet = target;
    x.candidate = makeLease(*target, *requested, x);
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
        auto commit = [this, done](const ExchangePtr& e) { commitRequest(e, done); };
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
    commitRequest(ex, done);
}

void Dhcp4Processor::commitRequest(const ExchangePtr& ex, const Done& done) {
    Exchange& x = *ex;
    const Lease4& lease = x.candidate;
    const Subnet& target = *x.subnet;
    if (!x.skipCommit) {
        auto lock = leases_.lockAddress(lease.address);
        // A store that may block is a database shared with other servers: its add() refuses a
        // taken address and its update() a row whose expire changed since it was read (Kea's
        // optimistic check), so the row the address check read serves as well as a second
        // round trip. Memfile's update() does not check: it is read again under the lock.
        bool reuse = x.storedAt == lease.address && leases_.store().mayBlock();
        auto old = reuse ? x.stored : leases_.get(lease.address);
        if (old && !(old->belongsTo(x.client.hw, x.client.idFor(target)) || old->expired(x.now) ||
                     old->state == LeaseState::ExpiredReclaimed)) {
            nakNoLease(x, "ALLOC_ENGINE_V4_REQUEST_IN_USE",
                       x.query.label() + ": requested address " + lease.address.str() +
                           " is in use");
            return done(ex);
        }
        bool ok = old ? leases_.update(*old, lease) : leases_.add(lease);
        if (!ok) {
            nakNoLease(x, "ALLOC_ENGINE_V4_ALLOC_ERROR",
                       x.query.label() +
                           ": error during attempt to allocate an IPv4 address: the lease "
                           "store refused the lease");
            return done(ex);
        }
        bool newClient = !old || !old->belongsTo(x.client.hw, x.client.idFor(target)) ||
                         old->state != LeaseState::Default;
        if (newClient) {
            leases_.countAssignment(lease);
        }
    }
    if (x.existing && x.existing->address != lease.address) {
        auto lock = leases_.lockAddress(x.existing->address);
        if (leases_.remove(*x.existing)) {
            x.deletedLeases.push_back(*x.existing);
        }
    }
    x.leases.push_back(lease);
    KAHU_INFO(log::leases(), "DHCP4_LEASE_ALLOC", "{}: lease {} has been allocated for {} seconds",
              x.query.label(), lease.address.str(), lease.validLifetime);
    Packet4 r = makeReply(x, MessageType::Ack);
    r.ciaddr = x.query.ciaddr;
    finishReply(x, r, target, &lease);
    x.response = std::move(r);
    done(ex);
}

} // namespace kahu
