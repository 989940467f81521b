// SPDX-License-Identifier: MPL-2.0
// The DHCPv4 protocol's entry: accepting a query, reading the client, host4_identifier,
// subnet4_select, and the hand-over to the handler of its message type (dhcp4_messages.h).
#include "dhcp4/dhcp4_processor.h"

#include "dhcp4/classifier.h"
#include "dhcp4/client_identity.h"
#include "dhcp4/packet_hooks.h"
#include "log/kea_loggers.h"

#include <algorithm>
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

} // namespace

Dhcp4Processor::Dhcp4Processor(std::shared_ptr<const ServerConfig> config, LeaseManager& leases,
                               std::vector<InterfaceAddresses> interfaces, NameChangeQueue* ddns,
                               std::vector<std::shared_ptr<HostStore>> hostStores)
    : config_(std::move(config)), leases_(leases), interfaces_(std::move(interfaces)),
      hosts_(*config_, std::move(hostStores)), selector_(*config_),
      addresses_(*config_, leases_, hosts_, selector_),
      replies_(*config_, interfaces_), messages_{*config_,   leases_,  selector_,
                                                 addresses_, replies_, ddns} {
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

Exchange Dhcp4Processor::process(Packet4 query, int64_t now) {
    auto ex = std::make_shared<Exchange>();
    ex->query = std::move(query);
    ex->now = now;
    if (!admit(*ex)) {
        return std::move(*ex);
    }
    ExchangePtr result;
    process(ex, [&result](const ExchangePtr& done) { result = done; });
    return result ? std::move(*result) : Exchange{};
}

bool Dhcp4Processor::admit(Exchange& ex) noexcept {
    try {
        const Packet4& q = ex.query;
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
            ex.markDrop("DHCP4_PACKET_DROP_0009");
        } else if (cid && cid->data.size() < 2) {
            // Kea's client identifier needs 2 bytes; its constructor throws, which drops.
            KAHU_DEBUG(log::badPackets(), 40, "DHCP4_PACKET_DROP_0007",
                       "{}: failed to process packet: {}", q.label(),
                       cid->data.empty() ? "Empty DUIDs are not allowed"
                                         : "client-id is too short (1), at least 2 is required");
            ex.markDrop("DHCP4_PACKET_DROP_0007");
        } else if (const Option* fq = q.get(kClientFqdn);
                   fq &&
                   (!readFqdnOption(fq->data) || (fq->data[0] & (ddns::kFlagN | ddns::kFlagS)) ==
                                                     (ddns::kFlagN | ddns::kFlagS))) {
            // Kea's Option4ClientFqdn refuses to parse such an option (CVE-2019-6473), which
            // drops the whole packet.
            KAHU_DEBUG(log::badPackets(), 15, "DHCP4_PACKET_DROP_0001",
                       "{}: failed to parse packet: invalid Client FQDN option: {}", q.label(),
                       fq->data.size() < 3 ? "shorter than 3 octets"
                       : (fq->data[0] & ddns::kFlagN) && (fq->data[0] & ddns::kFlagS)
                           ? "both N and S flags are set"
                           : "malformed domain name");
            ex.markDrop("DHCP4_PACKET_DROP_0001");
        } else if (static_cast<int>(*type) > 18) { // past DHCPLEASEQUERYDONE
            KAHU_DEBUG(log::badPackets(), 50, "DHCP4_PACKET_DROP_0005",
                       "{}: unrecognized type {} in option 53", q.label(), static_cast<int>(*type));
            ex.markDrop("DHCP4_PACKET_DROP_0005");
        } else if (!serverBound || q.op != 1) {
            KAHU_DEBUG(log::badPackets(), 50, "DHCP4_PACKET_DROP_0006",
                       "{}: unsupported DHCPv4 message type {}", q.label(),
                       static_cast<int>(*type));
            ex.markDrop("DHCP4_PACKET_DROP_0006");
        } else if (!acceptServerId(q)) {
            KAHU_DEBUG(log::badPackets(), 50, "DHCP4_PACKET_DROP_0003",
                       "{}, from interface {}: it contains a foreign server identifier", q.label(),
                       q.iface);
            ex.markDrop("DHCP4_PACKET_DROP_0003");
        }
        if (ex.drop) {
            static Counter& receiveDrop = stat("pkt4-receive-drop");
            receiveDrop.add(1);
            return false;
        }
        // After the classes a buffer4_receive callout added, as in Kea.
        ex.query.addClass("ALL");
        if (const Option* vc = q.get(opt::kVendorClass)) {
            ex.query.addClass("VENDOR_CLASS_" + std::string(vc->data.begin(), vc->data.end()));
        }
        Classifier(*config_).onArrival(ex.query);
        if (Classifier::dropped(ex.query)) {
            dropAsClassDrop(ex);
            return false;
        }
        return true;
    } catch (const std::exception& e) {
        KAHU_ERROR(log::packets(), "DHCP4_PACKET_PROCESS_STD_EXCEPTION",
                   "exception occurred during packet processing: {}: {}", ex.query.label(),
                   e.what());
        ex.markDrop("DHCP4_PACKET_PROCESS_EXCEPTION");
        return false;
    }
}

void Dhcp4Processor::process(const ExchangePtr& ex, const Done& done) noexcept {
    try {
        const Packet4& q = ex->query;
        readClientIdentity(q, ex->client);
        if (flexId_ && PacketHooks::has(*ex, hooks::HookPoint::Host4Identifier)) {
            IdentifierType idType = IdentifierType::FlexId;
            hooks::Host4IdentifierArgs args{ex->query, idType, ex->flexId};
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
        return selectSubnet(ex, done, [this, ex, done] {
            if (classifyKnown(*ex)) {
                processDiscover(messages_, ex, done);
            } else {
                done(ex);
            }
        });
    case MessageType::Request:
        return selectSubnet(ex, done, [this, ex, done] {
            if (classifyKnown(*ex)) {
                processRequest(messages_, ex, done);
            } else {
                done(ex);
            }
        });
    case MessageType::Inform:
        return selectSubnet(ex, done, [this, ex, done] {
            if (classifyKnown(*ex)) {
                processInform(messages_, *ex);
            }
            done(ex);
        });
    case MessageType::Release:
        processRelease(messages_, *ex);
        return done(ex);
    default:
        processDecline(messages_, *ex);
        return done(ex);
    }
}

void Dhcp4Processor::selectSubnet(const ExchangePtr& ex, const Done& done,
                                  std::function<void()> next) {
    ex->subnet = selector_.select(ex->query, replies_.interfaceOf(ex->query), ex->query.classes());
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

bool Dhcp4Processor::classifyKnown(Exchange& ex) const {
    // Kea's steps 8 to 10: KNOWN or UNKNOWN from the reservation in the selected subnet, then
    // the classes that depend on them, then DROP once more.
    const auto r = ex.subnet ? addresses_.reservationFor(*ex.subnet, ex) : nullptr;
    Classifier(*config_).afterHostLookup(ex.query, r.get());
    if (Classifier::dropped(ex.query)) {
        dropAsClassDrop(ex);
        return false;
    }
    return true;
}

void dropAsClassDrop(Exchange& ex) {
    KAHU_DEBUG(log::badPackets(), 15, "DHCP4_PACKET_DROP_0010",
               "dropped as member of the special class 'DROP': {}", ex.query.summary());
    ex.markDrop("DHCP4_PACKET_DROP_0010");
    static Counter& receiveDrop = stat("pkt4-receive-drop");
    receiveDrop.add(1);
}

void logNoSubnet(const Exchange& ex) {
    const Packet4& q = ex.query;
    KAHU_DEBUG(log::badPackets(), 15, "DHCP4_SUBNET_SELECTION_FAILED",
               "{}: failed to select subnet for the client", q.label());
    KAHU_ERROR(log::badPackets(), "DHCP4_PACKET_NAK_0001",
               "{}: failed to select a subnet for incoming packet, src {}, type {}", q.label(),
               q.remoteAddr.str(), toString(*q.messageType()));
}

} // namespace kahu
