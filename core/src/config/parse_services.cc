// SPDX-License-Identifier: MPL-2.0
// The service-level maps of Dhcp4: interfaces-config, control-socket(s), lease-database,
// expired-leases-processing, multi-threading, sanity-checks, dhcp-ddns.
#include "config/parse_services.h"

#include "config/config_drafts.h"
#include "ddns/name_change_queue.h"

#include <arpa/inet.h>
#include <kahu/paths.h>

namespace kahu::config {

namespace {

const KeyTable<InterfacesConfig>& interfacesKeys() {
    static const KeyTable<InterfacesConfig> t = {
        {"interfaces",
         [](auto& c, auto& n, auto& d) {
             forEachElement(c, n, [&](const Node& e, size_t) {
                 auto text = getString(c, e, false);
                 InterfaceSpec spec;
                 size_t slash = text.find('/');
                 spec.name = text.substr(0, slash);
                 if (slash != std::string::npos) {
                     spec.address = Ipv4Address::fromText(text.substr(slash + 1));
                     if (!spec.address || spec.name.empty()) {
                         c.fail(e, "'" + text + "' is not 'name' or 'name/address'");
                     }
                 }
                 d.interfaces.push_back(spec);
             });
         }},
        {"dhcp-socket-type",
         [](auto& c, auto& n, auto& d) {
             d.socketType =
                 getEnum(c, n, {"raw", "udp"}) == "raw" ? SocketType::Raw : SocketType::Udp;
         }},
        {"outbound-interface",
         [](auto& c, auto& n, auto& d) {
             d.outboundUseRouting =
                 getEnum(c, n, {"same-as-inbound", "use-routing"}) == "use-routing";
         }},
        {"re-detect", [](auto& c, auto& n, auto& d) { d.reDetect = getBool(c, n); }},
        {"service-sockets-require-all",
         [](auto& c, auto& n, auto& d) { d.serviceSocketsRequireAll = getBool(c, n); }},
        {"service-sockets-retry-wait-time",
         [](auto& c, auto& n, auto& d) { d.serviceSocketsRetryWaitTime = getU32(c, n); }},
        {"service-sockets-max-retries",
         [](auto& c, auto& n, auto& d) { d.serviceSocketsMaxRetries = getU32(c, n); }},
    };
    return t;
}

const KeyTable<ControlSocketConfig>& controlSocketKeys() {
    static const KeyTable<ControlSocketConfig> t = {
        {"socket-type",
         [](auto& c, auto& n, auto& d) {
             d.type = getEnum(c, n, {"unix", "http", "https"});
         }},
        {"socket-name", [](auto& c, auto& n, auto& d) { d.name = getString(c, n, false); }},
        {"socket-address", [](auto& c, auto& n, auto& d) { d.httpHost = getString(c, n, false); }},
        {"socket-port",
         [](auto& c, auto& n, auto& d) { d.httpPort = uint16_t(getU32(c, n, 1, 65535)); }},
        {"trust-anchor", [](auto& c, auto& n, auto&) { getString(c, n); }},
        {"cert-file", [](auto& c, auto& n, auto&) { getString(c, n); }},
        {"key-file", [](auto& c, auto& n, auto&) { getString(c, n); }},
        {"cert-required", [](auto& c, auto& n, auto&) { getBool(c, n); }},
        {"authentication",
         [](auto& c, auto& n, auto&) {
             requireType(c, n, nlohmann::json::value_t::object, "a map");
         }},
        {"http-headers",
         [](auto& c, auto& n, auto&) {
             requireType(c, n, nlohmann::json::value_t::array, "a list");
         }},
        // Kahu's: GET /metrics on this HTTP socket, and whether it also takes commands.
        {"metrics", [](auto& c, auto& n, auto&) { getBool(c, n); }},
        {"commands", [](auto& c, auto& n, auto&) { getBool(c, n); }},
    };
    return t;
}

// Keys only database stores use (Kea accepts them in the grammar for any type; for memfile
// they would be silently meaningless, so they are refused there).
const std::vector<std::string> kDatabaseOnlyKeys = {"user",
                                                    "password",
                                                    "host",
                                                    "port",
                                                    "readonly",
                                                    "connect-timeout",
                                                    "max-reconnect-tries",
                                                    "reconnect-wait-time",
                                                    "on-fail",
                                                    "trust-anchor",
                                                    "cert-file",
                                                    "key-file",
                                                    "cipher-list",
                                                    "read-timeout",
                                                    "write-timeout",
                                                    "tcp-user-timeout",
                                                    "retry-on-startup"};

const KeyTable<LeaseDatabaseConfig>& leaseDatabaseKeys() {
    static const KeyTable<LeaseDatabaseConfig> t = [] {
        KeyTable<LeaseDatabaseConfig> k = {
            {"type",
             [](auto& c, auto& n, auto& d) {
                 d.type = getEnum(c, n, {"memfile", "mysql", "postgresql"});
             }},
            {"name", [](auto& c, auto& n, auto& d) { d.name = getString(c, n, false); }},
            {"persist", [](auto& c, auto& n, auto& d) { d.persist = getBool(c, n); }},
            {"lfc-interval", [](auto& c, auto& n, auto& d) { d.lfcInterval = getU32(c, n); }},
            {"max-row-errors", [](auto& c, auto& n, auto& d) { d.maxRowErrors = getU32(c, n); }},
            {"port", [](auto& c, auto& n, auto&) { getU32(c, n, 0, 65535); }},
            {"on-fail",
             [](auto& c, auto& n, auto&) {
                 getEnum(c, n, {"stop-retry-exit", "serve-retry-exit", "serve-retry-continue"});
             }},
            {"connect-timeout", [](auto& c, auto& n, auto&) { getU32(c, n, 1); }},
        };
        for (const auto& key : kDatabaseOnlyKeys) {
            bool typed = false;
            for (const auto& h : k) {
                typed = typed || h.key == key;
            }
            if (typed) {
                continue;
            }
            k.push_back({key, [](auto& c, auto& n, auto&) {
                             if (!n.value.is_primitive() || n.value.is_null()) {
                                 c.fail(n, "expected a string, number or boolean");
                             }
                         }});
        }
        return k;
    }();
    return t;
}

/// A hosts-database entry: Kea's database keys; the store that type names checks their
/// values again when it opens (kahu/host/host_store.h).
const KeyTable<HostDatabaseConfig>& hostsDatabaseKeys() {
    static const KeyTable<HostDatabaseConfig> t = [] {
        KeyTable<HostDatabaseConfig> k = {
            {"type",
             [](auto& c, auto& n, auto& d) {
                 d.type = getEnum(c, n, {"mysql", "postgresql"});
             }},
            {"name", [](auto& c, auto& n, auto&) { getString(c, n, false); }},
            {"readonly", [](auto& c, auto& n, auto& d) { d.readOnly = getBool(c, n); }},
            {"port", [](auto& c, auto& n, auto&) { getU32(c, n, 0, 65535); }},
            {"on-fail",
             [](auto& c, auto& n, auto&) {
                 getEnum(c, n, {"stop-retry-exit", "serve-retry-exit", "serve-retry-continue"});
             }},
            {"connect-timeout", [](auto& c, auto& n, auto&) { getU32(c, n, 1); }},
            // A Kahu key (the stores' digest of known hosts, docs/operator-guide.md); the store
            // reads it again.
            {"digest-refresh-time", [](auto& c, auto& n, auto&) { getU32(c, n, 0, 3600000); }},
        };
        for (const auto& key : kDatabaseOnlyKeys) {
            bool typed = false;
            for (const auto& h : k) {
                typed = typed || h.key == key;
            }
            if (!typed) {
                k.push_back({key, [](auto& c, auto& n, auto&) {
                                 if (!n.value.is_primitive() || n.value.is_null()) {
                                     c.fail(n, "expected a string, number or boolean");
                                 }
                             }});
            }
        }
        return k;
    }();
    return t;
}

const KeyTable<ExpiredLeasesProcessing>& expiredKeys() {
    using E = ExpiredLeasesProcessing;
    auto u32 = [](uint32_t E::*f, uint32_t max) {
        return [f, max](ParseContext& c, const Node& n, E& e) { e.*f = getU32(c, n, 0, max); };
    };
    static const KeyTable<E> t = {
        {"reclaim-timer-wait-time", u32(&E::reclaimTimerWaitTime, 65535)},
        {"flush-reclaimed-timer-wait-time", u32(&E::flushReclaimedTimerWaitTime, 65535)},
        {"hold-reclaimed-time", u32(&E::holdReclaimedTime, UINT32_MAX)},
        {"max-reclaim-leases", u32(&E::maxReclaimLeases, UINT32_MAX)},
        {"max-reclaim-time", u32(&E::maxReclaimTime, 10000)},
        {"unwarned-reclaim-cycles", u32(&E::unwarnedReclaimCycles, UINT32_MAX)},
    };
    return t;
}

const KeyTable<MultiThreadingConfig>& multiThreadingKeys() {
    static const KeyTable<MultiThreadingConfig> t = {
        {"enable-multi-threading", [](auto& c, auto& n, auto& d) { d.enabled = getBool(c, n); }},
        {"thread-pool-size",
         [](auto& c, auto& n, auto& d) { d.threadPoolSize = getU32(c, n, 0, 65535); }},
        {"packet-queue-size",
         [](auto& c, auto& n, auto& d) { d.packetQueueSize = getU32(c, n, 0, 65535); }},
    };
    return t;
}

const KeyTable<ServerConfig>& sanityKeys() {
    static const KeyTable<ServerConfig> t = {
        {"lease-checks", [](auto& c, auto& n, auto& d) {
             d.leaseChecks = getEnum(c, n, {"none", "warn", "fix", "fix-del", "del"});
         }}};
    return t;
}

// dhcp-ddns: where the server sends its NameChangeRequests (Kea's D2 client).
const KeyTable<GlobalDraft>& dhcpDdnsKeys() {
    auto port = [](ParseContext& c, const Node& n) {
        return static_cast<uint16_t>(getU32(c, n, 0, 65535));
    };
    auto ip = [](ParseContext& c, const Node& n) {
        auto v = getString(c, n, false);
        in6_addr buf{};
        if (::inet_pton(AF_INET, v.c_str(), &buf) != 1 &&
            ::inet_pton(AF_INET6, v.c_str(), &buf) != 1) {
            c.fail(n, "'" + v + "' is not an IP address");
        }
        return v;
    };
    // Kea 2.2 still takes these here and moves them to the global level.
    auto moved = [](const char* global) {
        return [global](ParseContext& c, const Node& n, GlobalDraft& g) {
            c.warn(n, std::string("DHCPSRV_CFGMGR_DDNS_PARAMETER_MOVED dhcp-ddns:") +
                          n.path.substr(n.path.rfind('.') + 1) +
                          " is deprecated, moving it to global:" + global);
            parseDdnsKey(c, n, global, g.movedDdns);
        };
    };
    static const KeyTable<GlobalDraft> t = {
        {"enable-updates",
         [](auto& c, auto& n, auto& g) { g.cfg.dhcpDdns.enableUpdates = getBool(c, n); }},
        {"server-ip", [ip](auto& c, auto& n, auto& g) { g.cfg.dhcpDdns.serverIp = ip(c, n); }},
        {"server-port",
         [port](auto& c, auto& n, auto& g) { g.cfg.dhcpDdns.serverPort = port(c, n); }},
        {"sender-ip", [ip](auto& c, auto& n, auto& g) { g.cfg.dhcpDdns.senderIp = ip(c, n); }},
        {"sender-port",
         [port](auto& c, auto& n, auto& g) { g.cfg.dhcpDdns.senderPort = port(c, n); }},
        {"max-queue-size",
         [](auto& c, auto& n, auto& g) { g.cfg.dhcpDdns.maxQueueSize = getU32(c, n, 1); }},
        {"ncr-protocol",
         [](auto& c, auto& n, auto& g) {
             auto v = getString(c, n);
             if (v == "TCP") {
                 c.fail(n, "NCR Protocol: TCP is not supported (Kea's D2 takes UDP only)");
             }
             g.cfg.dhcpDdns.ncrProtocol = getEnum(c, n, {"UDP"});
         }},
        {"ncr-format",
         [](auto& c, auto& n, auto& g) { g.cfg.dhcpDdns.ncrFormat = getEnum(c, n, {"JSON"}); }},
        {"override-no-update", moved("ddns-override-no-update")},
        {"override-client-update", moved("ddns-override-client-update")},
        {"replace-client-name", moved("ddns-replace-client-name")},
        {"generated-prefix", moved("ddns-generated-prefix")},
        {"qualifying-suffix", moved("ddns-qualifying-suffix")},
        {"hostname-char-set", moved("hostname-char-set")},
        {"hostname-char-replacement", moved("hostname-char-replacement")},
    };
    return t;
}

} // namespace

const MapInfo& interfacesInfo() {
    static const MapInfo i = makeMapInfo("interfaces-config", interfacesKeys(), {});
    return i;
}
const MapInfo& controlSocketInfo() {
    static const MapInfo i = makeMapInfo("control-socket", controlSocketKeys(), {});
    return i;
}
const MapInfo& leaseDatabaseInfo() {
    static const MapInfo i = makeMapInfo("lease-database", leaseDatabaseKeys(), {});
    return i;
}
const MapInfo& hostsDatabaseInfo() {
    static const MapInfo i = makeMapInfo("hosts-database", hostsDatabaseKeys(), {});
    return i;
}
const MapInfo& expiredLeasesInfo() {
    static const MapInfo i = makeMapInfo("expired-leases-processing", expiredKeys(), {});
    return i;
}
const MapInfo& multiThreadingInfo() {
    static const MapInfo i = makeMapInfo("multi-threading", multiThreadingKeys(), {});
    return i;
}
const MapInfo& sanityChecksInfo() {
    static const MapInfo i = makeMapInfo("sanity-checks", sanityKeys(), {"extended-info-checks"});
    return i;
}
const MapInfo& dhcpDdnsInfo() {
    static const MapInfo i = makeMapInfo("dhcp-ddns", dhcpDdnsKeys(), {});
    return i;
}

void parseInterfaces(ParseContext& c, const Node& n, ServerConfig& cfg) {
    applyMap(c, n, interfacesKeys(), interfacesInfo(), cfg.interfaces);
}

ControlSocketConfig parseControlSocket(ParseContext& c, const Node& n) {
    ControlSocketConfig s;
    applyMap(c, n, controlSocketKeys(), controlSocketInfo(), s);
    s.raw = n.value;
    if (!n.value.contains("socket-type")) {
        c.fail(n, "missing 'socket-type'");
    }
    if (s.type == "unix" && s.name.empty()) {
        c.fail(n, "a unix control socket needs 'socket-name'");
    }
    if (s.type == "unix") {
        failOutsideDirectory(c, n.child("socket-name"), PathKind::Socket, s.name);
    }
    return s;
}

void parseLeaseDatabase(ParseContext& c, const Node& n, ServerConfig& cfg) {
    auto& db = cfg.leaseDatabase;
    applyMap(c, n, leaseDatabaseKeys(), leaseDatabaseInfo(), db);
    db.raw = n.value;
    db.source = c.sourceMap(n.path);
    if (!n.value.contains("type")) {
        c.fail(n, "missing 'type'");
    }
    if (db.type == "memfile") {
        for (const auto& key : kDatabaseOnlyKeys) {
            if (n.value.contains(key)) {
                c.fail(n.child(key), "'" + key + "' is not used by a memfile lease-database");
            }
        }
        if (db.persist && !db.name.empty()) {
            failOutsideDirectory(c, n.child("name"), PathKind::Data, db.name);
        }
    } else if (db.name.empty()) {
        c.fail(n, "must specify a name for the database");
    }
}

HostDatabaseConfig parseHostsDatabase(ParseContext& c, const Node& n) {
    HostDatabaseConfig db;
    applyMap(c, n, hostsDatabaseKeys(), hostsDatabaseInfo(), db);
    db.raw = n.value;
    db.source = c.sourceMap(n.path);
    db.path = n.path;
    if (!n.value.contains("type")) {
        c.fail(n, "missing 'type'");
    }
    if (!n.value.contains("name")) {
        c.fail(n, "must specify a name for the database");
    }
    return db;
}

void parseExpiredLeases(ParseContext& c, const Node& n, ServerConfig& cfg) {
    applyMap(c, n, expiredKeys(), expiredLeasesInfo(), cfg.expiredLeases);
}
void parseMultiThreading(ParseContext& c, const Node& n, ServerConfig& cfg) {
    applyMap(c, n, multiThreadingKeys(), multiThreadingInfo(), cfg.multiThreading);
}
void parseSanityChecks(ParseContext& c, const Node& n, ServerConfig& cfg) {
    applyMap(c, n, sanityKeys(), sanityChecksInfo(), cfg);
}
void parseDhcpDdns(ParseContext& c, const Node& n, GlobalDraft& g) {
    applyMap(c, n, dhcpDdnsKeys(), dhcpDdnsInfo(), g);
    const auto& d = g.cfg.dhcpDdns;
    if (d.enableUpdates) {
        try {
            NameChangeQueue::validate(d);
        } catch (const std::invalid_argument& e) {
            c.fail(n, std::string("D2ClientConfig error: ") + e.what());
        }
    }
}

} // namespace kahu::config
