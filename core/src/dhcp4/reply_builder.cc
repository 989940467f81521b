// SPDX-License-Identifier: MPL-2.0
// The replies of the protocol (Kea's Dhcpv4Srv: initResponse, appendBasicOptions,
// adjustIfaceData, adjustRemoteAddr): shared by every message type.
#include "dhcp4/reply_builder.h"

#include "alloc/lease_manager.h"
#include "dhcp4/classifier.h"
#include "dhcp4/client_identity.h"
#include "dhcp4/reply_options.h"
#include "log/kea_loggers.h"

#include <algorithm>
#include <kahu/log.h>

namespace kahu {

ReplyBuilder::ReplyBuilder(const ServerConfig& config,
                           const std::vector<InterfaceAddresses>& interfaces)
    : config_(config), interfaces_(interfaces) {}

const InterfaceAddresses* ReplyBuilder::interfaceOf(const Packet4& q) const noexcept {
    for (const auto& i : interfaces_) {
        if ((q.ifindex && i.ifindex == q.ifindex) || (!q.iface.empty() && i.name == q.iface)) {
            return &i;
        }
    }
    return nullptr;
}

Packet4 ReplyBuilder::makeReply(const Exchange& ex, MessageType type) const {
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
    if (config_.echoClientId) {
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

Ipv4Address ReplyBuilder::serverIdFor(const Packet4& q) const {
    if (!q.localAddr.isZero() && !q.localAddr.isBroadcast()) {
        return q.localAddr;
    }
    if (const InterfaceAddresses* i = interfaceOf(q); i && !i->addresses.empty()) {
        return i->addresses.front().address;
    }
    return Ipv4Address();
}

void ReplyBuilder::setDestination(const Packet4& q, Packet4& r) const {
    auto type = r.messageType();
    if (q.isRelayed()) {
        r.remoteAddr = q.giaddr;
        r.remotePort = q.remotePort ? q.remotePort : 67;
        if (config_.interfaces.outboundUseRouting &&
            config_.interfaces.socketType == SocketType::Udp) {
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
               config_.interfaces.socketType == SocketType::Udp || r.yiaddr.isZero()) {
        r.remoteAddr = Ipv4Address(0xffffffffu);
    } else {
        r.remoteAddr = r.yiaddr; // unicast to the client's new address at its chaddr
    }
}

void ReplyBuilder::finishReply(Exchange& ex, Packet4& r, const Subnet& s,
                               const Lease4* lease) const {
    const Pool* pool = lease ? LeaseManager::poolOf(s, lease->address) : nullptr;
    if (lease) {
        r.yiaddr = lease->address;
        uint32_t mask = s.prefix.mask();
        r.set(opt::kSubnetMask,
              {uint8_t(mask >> 24), uint8_t(mask >> 16), uint8_t(mask >> 8), uint8_t(mask)});
        addLeaseTimes(r, s, lease->validLifetime);
        if (ex.name.fqdnFlags) {
            // Option 81 answers instead of option 12 (Kea processes one or the other).
            r.set(kClientFqdn, fqdnAnswer(*ex.name.fqdnFlags, lease->hostname));
        }
        // Option 12 when the client sent one, a reservation names it or the server replaces
        // names (ddns-replace-client-name); also when asked for in the PRL.
        bool wantsName = !ex.client.name.fqdn && ex.name.sendHostname;
        if (const Option* prl = ex.query.get(opt::kParamRequest); prl && !ex.client.name.fqdn) {
            wantsName = wantsName || std::find(prl->data.begin(), prl->data.end(),
                                               opt::kHostName) != prl->data.end();
        }
        if (!lease->hostname.empty() && wantsName) {
            r.set(opt::kHostName,
                  std::vector<uint8_t>(lease->hostname.begin(), lease->hostname.end()));
        }
    }
    // Kea's step 12: the classes the shared network, subnet and pool require, before the
    // options are chosen.
    const Classifier classifier(config_);
    classifier.required(ex.query, s, pool);
    const auto classes = classifier.definitionsOf(ex.query);
    // Fixed fields: the reservation's, else the first of the query's classes that sets one,
    // else the subnet's (Kea's setFixedFields).
    const Reservation* res = ex.reservation.get();
    r.siaddr = s.nextServer;
    const std::string* sname = &s.serverHostname;
    const std::string* file = &s.bootFileName;
    bool classSiaddr = false, classSname = false, classFile = false;
    for (const ClientClass* cls : classes) {
        if (cls->nextServer && !cls->nextServer->isZero() && !classSiaddr) {
            r.siaddr = *cls->nextServer;
            classSiaddr = true;
        }
        if (cls->serverHostname && !cls->serverHostname->empty() && !classSname) {
            sname = &*cls->serverHostname;
            classSname = true;
        }
        if (cls->bootFileName && !cls->bootFileName->empty() && !classFile) {
            file = &*cls->bootFileName;
            classFile = true;
        }
    }
    if (res && res->nextServer) {
        r.siaddr = *res->nextServer;
    }
    if (res && res->serverHostname) {
        sname = &*res->serverHostname;
    }
    if (res && res->bootFileName) {
        file = &*res->bootFileName;
    }
    std::copy_n(sname->begin(), std::min(sname->size(), r.sname.size() - 1), r.sname.begin());
    std::copy_n(file->begin(), std::min(file->size(), r.file.size() - 1), r.file.begin());
    addConfiguredOptions(r, ex.query, config_, &s, pool, res, classes);
    setDestination(ex.query, r);
}

void ReplyBuilder::nak(Exchange& ex) const {
    Packet4 r = makeReply(ex, MessageType::Nak);
    setDestination(ex.query, r);
    ex.response = std::move(r);
}

void ReplyBuilder::nakNoLease(Exchange& ex, const char* allocId, const std::string& why) const {
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

} // namespace kahu
