// SPDX-License-Identifier: MPL-2.0
// libFuzzer target: the whole packet path of a configured server. The input is a sequence of
// queries, each parsed (Packet4::parse, as the receiver does) and handed to
// Dhcp4Processor::process (classification, subnet selection, reservations, allocation, lease
// commit, reply options) against an in-memory memfile store, with the clock moving between
// queries so leases expire, get reclaimed and reused. Every reply is packed and parsed back.
//
// Input: up to 32 records of
//   byte 0      flags: bits 0-1 arrival (0 eth0, 1 eth1, 2 unicast to eth0's address, 3 an
//               unknown interface); bit 2 run lease reclamation after the query (bit 3: with
//               remove); bit 4 set option 50 to the last reply's yiaddr; bit 5 set ciaddr to
//               it; bit 6 add client class HA_server1 (as the HA hook does); bit 7 set option 54
//               to the last reply's server identifier.
//   byte 1      clock step: the clock advances step*step seconds before the query.
//   bytes 2-3   length of the packet (big endian), then the packet (a UDP payload).
// The last byte of the input also picks one of two configurations (bit 0).
//
// Invariants checked: a reply is a BOOTREPLY with the query's xid, htype, hlen, chaddr and
// giaddr, of the type the query calls for, with a server identifier, and survives pack/parse;
// an ACK to a REQUEST is backed by a live lease of that client in the store; the subnet and
// declined-address statistics equal what the store holds (checked every 8 queries, after a
// reclamation and at the end).
#include "alloc/lease_manager.h"
#include "alloc/lease_reclaimer.h"
#include "config/config_loader.h"
#include "dhcp4/dhcp4_processor.h"
#include "fuzz_common.h"
#include "lease/memfile_store.h"

#include <cstring>
#include <kahu/stats.h>
#include <map>
#include <memory>

namespace {

using namespace kahu;

// Several subnets, a shared network with a relay, pools restricted to client classes,
// reservations by hw-address, client-id, circuit-id and DUID (subnet and global), relay
// addresses, options of every level including vendor ones (43 with sub-options, 124, 125).
constexpr const char* kConfigA = R"({"Dhcp4": {
  "interfaces-config": {"interfaces": ["eth0", "eth1"], "dhcp-socket-type": "raw"},
  "lease-database": {"type": "memfile", "persist": false, "lfc-interval": 0},
  "multi-threading": {"enable-multi-threading": false},
  "expired-leases-processing": {"hold-reclaimed-time": 600, "max-reclaim-leases": 50,
                                "flush-reclaimed-timer-wait-time": 25},
  "valid-lifetime": 3600, "min-valid-lifetime": 600, "max-valid-lifetime": 7200,
  "renew-timer": 900, "rebind-timer": 1800,
  "decline-probation-period": 300,
  "host-reservation-identifiers": ["circuit-id", "hw-address", "duid", "client-id"],
  "reservations-global": true, "reservations-in-subnet": true,
  "option-def": [
    {"name": "acs-url", "code": 1, "space": "vendor-encapsulated-options-space", "type": "string"},
    {"name": "vlan", "code": 2, "space": "vendor-encapsulated-options-space", "type": "uint16"},
    {"name": "pair", "code": 224, "type": "record", "record-types": "uint8, ipv4-address"},
    {"name": "wpad", "code": 252, "type": "string"},
    {"name": "dls", "code": 3, "space": "vendor-339", "type": "string"}
  ],
  "option-data": [
    {"name": "domain-name", "data": "example.org"},
    {"name": "domain-name-servers", "data": "192.0.2.53, 192.0.2.54"},
    {"name": "domain-search", "data": "example.org, lab.example.org"},
    {"name": "vendor-encapsulated-options"},
    {"name": "acs-url", "space": "vendor-encapsulated-options-space", "data": "http://acs.example/"},
    {"name": "vlan", "space": "vendor-encapsulated-options-space", "data": "123"},
    {"name": "tftp-servers", "space": "vendor-4491", "data": "192.0.2.5, 192.0.2.6"},
    {"name": "tftp-servers", "space": "docsis3-v4", "data": "192.0.2.7"},
    {"name": "dls", "space": "vendor-339", "data": "sdlp://192.0.2.11:18443", "always-send": true},
    {"name": "vivco-suboptions", "data": "4491, 030a0b0c"},
    {"name": "pair", "data": "7, 10.1.2.3"},
    {"name": "wpad", "data": "http://wpad/", "always-send": true},
    {"code": 250, "csv-format": false, "data": "0A 0B"}
  ],
  "reservations": [
    {"hw-address": "aa:bb:cc:00:00:01", "ip-address": "192.0.2.60", "hostname": "global-hw"},
    {"client-id": "01:aa:bb:cc:00:00:02", "hostname": "global-cid",
     "client-classes": ["HA_server1"]}
  ],
  "shared-networks": [{
    "name": "campus",
    "relay": {"ip-addresses": ["10.9.0.1"]},
    "valid-lifetime": 1800,
    "option-data": [{"name": "domain-name", "data": "campus.example"}],
    "subnet4": [
      {"id": 20, "subnet": "10.20.0.0/24",
       "pools": [{"pool": "10.20.0.10 - 10.20.0.14", "pool-id": 3,
                  "client-class": "VENDOR_CLASS_docsis3.0",
                  "option-data": [{"name": "routers", "data": "10.20.0.1"}]},
                 {"pool": "10.20.0.100 - 10.20.0.103"}],
       "reservations": [{"circuit-id": "'port20'", "ip-address": "10.20.0.50",
                         "hostname": "port-twenty"}]},
      {"id": 21, "subnet": "10.21.0.0/24", "allocator": "iterative",
       "pools": [{"pool": "10.21.0.10 - 10.21.0.12", "client-class": "HA_server1"},
                 {"pool": "10.21.0.20 - 10.21.0.21"}]}
    ]
  }],
  "subnet4": [
    {"id": 10, "subnet": "192.0.2.0/24",
     "pools": [{"pool": "192.0.2.10 - 192.0.2.20"},
               {"pool": "192.0.2.100 - 192.0.2.103", "client-class": "VENDOR_CLASS_MSFT 5.0"}],
     "relay": {"ip-addresses": ["192.0.2.1"]},
     "option-data": [{"name": "routers", "data": "192.0.2.1"}],
     "next-server": "192.0.2.5", "boot-file-name": "pxelinux.0", "server-hostname": "boot",
     "reservations": [
       {"hw-address": "aa:bb:cc:dd:ee:01", "ip-address": "192.0.2.50", "hostname": "h1",
        "option-data": [{"name": "host-name", "data": "h1"},
                        {"name": "vendor-encapsulated-options", "csv-format": false,
                         "data": "0302aabb"},
                        {"name": "vivso-suboptions", "data": "4491"}],
        "next-server": "192.0.2.6", "boot-file-name": "h1.cfg"},
       {"circuit-id": "'port1'", "ip-address": "192.0.2.51"},
       {"client-id": "01:aa:bb:cc:dd:ee:02", "ip-address": "192.0.2.52", "hostname": "cid"},
       {"duid": "00:01:00:01:aa:bb:cc:dd", "ip-address": "192.0.2.53"},
       {"hw-address": "aa:bb:cc:dd:ee:03", "ip-address": "192.0.2.15", "hostname": "in-pool"}
     ]},
    {"id": 11, "subnet": "198.51.100.0/24", "interface": "eth1",
     "pools": [{"pool": "198.51.100.10 - 198.51.100.14"}],
     "authoritative": true, "match-client-id": false, "calculate-tee-times": true,
     "offer-lifetime": 60, "allocator": "flq", "reservations-out-of-pool": true,
     "reservations": [{"hw-address": "aa:bb:cc:dd:ee:11", "ip-address": "198.51.100.12"},
                      {"hw-address": "aa:bb:cc:dd:ee:12", "ip-address": "198.51.100.200"}]},
    {"id": 12, "subnet": "203.0.113.0/28", "client-class": "VENDOR_CLASS_PXEClient",
     "pools": [{"pool": "203.0.113.2 - 203.0.113.6"}],
     "relay": {"ip-addresses": ["10.99.0.1"]}}
  ]
}})";

// The same network seen differently: udp sockets routed replies, an authoritative server that
// does not echo client-ids or match them, global reservations only, other identifiers first.
constexpr const char* kConfigB = R"({"Dhcp4": {
  "interfaces-config": {"interfaces": ["eth0", "eth1"], "dhcp-socket-type": "udp",
                        "outbound-interface": "use-routing"},
  "lease-database": {"type": "memfile", "persist": false, "lfc-interval": 0},
  "multi-threading": {"enable-multi-threading": false},
  "expired-leases-processing": {"hold-reclaimed-time": 0, "flush-reclaimed-timer-wait-time": 0},
  "valid-lifetime": 600, "authoritative": true, "echo-client-id": false,
  "match-client-id": false, "decline-probation-period": 60,
  "host-reservation-identifiers": ["client-id", "hw-address", "circuit-id"],
  "reservation-mode": "global",
  "option-data": [{"name": "domain-name-servers", "data": "192.0.2.53"},
                  {"name": "vivso-suboptions", "data": "4491"},
                  {"name": "tftp-servers", "space": "vendor-4491", "data": "192.0.2.5"}],
  "reservations": [
    {"hw-address": "aa:bb:cc:dd:ee:01", "ip-address": "192.0.2.11", "hostname": "g1"},
    {"client-id": "01:aa:bb:cc:dd:ee:02", "ip-address": "198.51.100.30"},
    {"circuit-id": "'port1'", "ip-address": "192.0.2.12"}
  ],
  "shared-networks": [{
    "name": "lan", "interface": "eth0",
    "subnet4": [
      {"id": 10, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.13"}],
       "relay": {"ip-addresses": ["192.0.2.1"]}},
      {"id": 13, "subnet": "192.0.3.0/24", "pools": [{"pool": "192.0.3.10 - 192.0.3.11"}]}
    ]
  }],
  "subnet4": [
    {"id": 11, "subnet": "198.51.100.0/24", "interface": "eth1",
     "pools": [{"pool": "198.51.100.10 - 198.51.100.12",
                "client-class": "VENDOR_CLASS_docsis3.0"},
               {"pool": "198.51.100.20 - 198.51.100.21"}],
     "renew-timer": 100, "rebind-timer": 200}
  ]
}})";

Ipv4Address ip(const char* t) {
    return *Ipv4Address::fromText(t);
}

const std::vector<InterfaceAddresses>& interfaces() {
    static const std::vector<InterfaceAddresses> v = {
        {"eth0", 2, {{ip("192.0.2.254"), 24}}},
        {"eth1", 3, {{ip("198.51.100.254"), 24}}},
    };
    return v;
}

std::shared_ptr<const ServerConfig> loadConfig(const char* text, const char* name) {
    try {
        return config::parseConfigText(text, name).config;
    } catch (const std::exception& e) {
        fuzz::fail("the fuzzer's configuration does not load", e.what());
    }
}

/// Statistics must describe the store (LeaseManager's promise).
void checkStatistics(const ServerConfig& config, LeaseStore& store) {
    std::map<SubnetId, int64_t> assigned, declined;
    int64_t declinedTotal = 0;
    store.forEach([&](const Lease4& l) {
        if (l.state == LeaseState::ExpiredReclaimed) {
            return;
        }
        ++assigned[l.subnetId];
        if (l.state == LeaseState::Declined) {
            ++declined[l.subnetId];
            ++declinedTotal;
        }
    });
    auto& stats = Statistics::instance();
    for (const auto& s : config.subnets) {
        const std::string p = "subnet[" + std::to_string(s.id) + "].";
        FUZZ_CHECK(stats.get(p + "assigned-addresses") == assigned[s.id],
                   "assigned-addresses differs from the store",
                   p + " stat " + std::to_string(stats.get(p + "assigned-addresses")) + " store " +
                       std::to_string(assigned[s.id]));
        FUZZ_CHECK(stats.get(p + "declined-addresses") == declined[s.id],
                   "declined-addresses differs from the store", p);
    }
    FUZZ_CHECK(stats.get("declined-addresses") == declinedTotal,
               "global declined-addresses differs from the store");
}

void checkReply(const Exchange& ex, const LeaseManager& leases, int64_t now) {
    const Packet4& q = ex.query;
    const Packet4& r = *ex.response;
    FUZZ_CHECK(r.op == 2, "reply is not a BOOTREPLY");
    FUZZ_CHECK(r.xid == q.xid, "reply xid differs from the query's");
    FUZZ_CHECK(r.htype == q.htype && r.hlen == q.hlen, "reply htype/hlen differ");
    FUZZ_CHECK(r.chaddr == q.chaddr, "reply chaddr differs from the query's");
    // giaddr is copied, except for an INFORM with ciaddr, answered to the client directly
    // (Kea's adjustRemoteAddr).
    const bool directInform = *q.messageType() == MessageType::Inform && !q.ciaddr.isZero();
    FUZZ_CHECK(r.giaddr == q.giaddr || (directInform && r.giaddr.isZero()),
               "reply giaddr differs from the query's");
    auto rt = r.messageType();
    auto qt = *q.messageType();
    FUZZ_CHECK(rt.has_value(), "reply without a message type");
    switch (qt) {
    case MessageType::Discover:
        FUZZ_CHECK(*rt == MessageType::Offer, "DISCOVER not answered by an OFFER");
        break;
    case MessageType::Request:
        FUZZ_CHECK(*rt == MessageType::Ack || *rt == MessageType::Nak,
                   "REQUEST not answered by ACK or NAK");
        break;
    case MessageType::Inform:
        FUZZ_CHECK(*rt == MessageType::Ack, "INFORM not answered by an ACK");
        break;
    default:
        fuzz::fail("a reply to a DECLINE or RELEASE");
    }
    auto sid = r.getAddress(opt::kServerId);
    FUZZ_CHECK(sid.has_value(), "reply without a server identifier");
    if (*rt == MessageType::Offer || (*rt == MessageType::Ack && qt == MessageType::Request)) {
        FUZZ_CHECK(!r.yiaddr.isZero(), "OFFER/ACK without yiaddr");
        FUZZ_CHECK(ex.subnet != nullptr && ex.subnet->prefix.contains(r.yiaddr),
                   "yiaddr outside the exchange's subnet", r.yiaddr.str());
        auto lt = r.get(opt::kLeaseTime);
        FUZZ_CHECK(lt && lt->data.size() == 4, "OFFER/ACK without a lease time");
    }
    if (*rt == MessageType::Ack && qt == MessageType::Request) {
        auto lease = leases.get(r.yiaddr);
        FUZZ_CHECK(lease.has_value(), "ACK without a lease in the store", r.yiaddr.str());
        FUZZ_CHECK(lease->state == LeaseState::Default && !lease->expired(now),
                   "ACK for a lease that is not live", r.yiaddr.str());
        FUZZ_CHECK(lease->belongsTo(ex.client.hw, ex.client.idFor(*ex.subnet)),
                   "ACK for another client's lease", r.yiaddr.str());
        uint32_t lt = Ipv4Address::fromBytes(r.get(opt::kLeaseTime)->data.data()).value();
        FUZZ_CHECK(lt == lease->validLifetime, "ACK lease time differs from the stored lease");
    }
    // What the sender does: pack, and what it sends must read back.
    std::vector<uint8_t> wire;
    r.pack(wire);
    Packet4 back;
    FUZZ_CHECK(back.parse(wire) == ParseError::Ok, "the reply does not parse back");
    FUZZ_CHECK(back.xid == r.xid && back.yiaddr == r.yiaddr && back.messageType() == rt,
               "the reply reads back differently");
}

struct Env {
    std::shared_ptr<const ServerConfig> a, b;
};

const Env& env() {
    static const Env e = [] {
        fuzz::quietLogging();
        fuzz::oneSampleStatistics();
        registerMemfileStore();
        return Env{loadConfig(kConfigA, "fuzz-a.json"), loadConfig(kConfigB, "fuzz-b.json")};
    }();
    return e;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    env();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const Env& e = env();
    auto config = (size > 0 && (data[size - 1] & 1)) ? e.b : e.a;

    MemfileConfig mc;
    mc.persist = false;
    mc.lfcInterval = 0;
    auto store = std::make_shared<MemfileStore>(mc);
    LeaseManager leases(store);
    leases.configure(config);
    Dhcp4Processor proc(config, leases, interfaces());
    LeaseReclaimer reclaimer(leases, *config);

    // KAHU_FUZZ_TRACE=1: each query and its outcome on stderr (to read a reproducer).
    static const bool trace = std::getenv("KAHU_FUZZ_TRACE") != nullptr;
    int64_t now = 1700000000;
    std::optional<Ipv4Address> lastYiaddr, lastServerId;
    size_t pos = 0;
    int packets = 0;
    while (pos + 4 <= size && packets < 32) {
        const uint8_t flags = data[pos];
        const uint8_t step = data[pos + 1];
        const size_t len =
            std::min<size_t>((size_t(data[pos + 2]) << 8) | data[pos + 3], size - pos - 4);
        std::span<const uint8_t> payload(data + pos + 4, len);
        pos += 4 + len;
        ++packets;
        now += int64_t(step) * step;

        Packet4 q;
        if (q.parse(payload) != ParseError::Ok) {
            continue; // the receiver counts and drops it
        }
        switch (flags & 3) {
        case 0:
        case 1: {
            const auto& i = interfaces()[flags & 1];
            q.iface = i.name;
            q.ifindex = i.ifindex;
            q.remoteAddr = q.giaddr;
            q.remotePort = q.giaddr.isZero() ? 68 : 67;
            q.localAddr = q.giaddr.isZero() ? ip("255.255.255.255") : i.addresses[0].address;
            break;
        }
        case 2:
            q.iface = "eth0";
            q.ifindex = 2;
            q.remoteAddr = q.ciaddr.isZero() ? q.giaddr : q.ciaddr;
            q.localAddr = interfaces()[0].addresses[0].address;
            break;
        default:
            q.iface = "eth9";
            q.ifindex = 9;
            q.remoteAddr = q.giaddr;
            q.localAddr = ip("255.255.255.255");
            break;
        }
        if ((flags & 0x10) && lastYiaddr) {
            q.setAddress(opt::kRequestedAddress, *lastYiaddr);
        }
        if ((flags & 0x20) && lastYiaddr) {
            q.ciaddr = *lastYiaddr;
        }
        if (flags & 0x40) {
            q.addClass("HA_server1");
        }
        if ((flags & 0x80) && lastServerId) {
            q.setAddress(opt::kServerId, *lastServerId);
        }

        Exchange ex = proc.process(q, now);
        if (trace) {
            std::fprintf(stderr, "t=%lld %s -> %s\n", static_cast<long long>(now - 1700000000),
                         q.summary().c_str(),
                         ex.response ? ex.response->summary().c_str()
                                     : (ex.dropReason ? ex.dropReason : "no answer"));
        }
        if (ex.response) {
            checkReply(ex, leases, now);
            if (!ex.response->yiaddr.isZero()) {
                lastYiaddr = ex.response->yiaddr;
            }
            lastServerId = ex.response->getAddress(opt::kServerId);
            (void)ex.response->summary();
            (void)ex.response->label();
        }
        if (flags & 4) {
            reclaimer.reclaim(now, (flags & 8) != 0);
            reclaimer.flush(now);
        }
        if (packets % 8 == 0 || (flags & 4)) {
            checkStatistics(*config, *store); // every few queries, and after reclamation
        }
    }
    checkStatistics(*config, *store);
    return 0;
}
