// SPDX-License-Identifier: MPL-2.0
// The Dhcp4 map itself, loggers and hooks-libraries, and the registry of all map kinds.
#include "config/config_drafts.h"
#include "config/parse_services.h"
#include "log/logging.h"

#include <algorithm>
#include <cctype>

namespace kahu::config {

namespace {

const KeyTable<LoggerOutput>& loggerOutputKeys() {
    static const KeyTable<LoggerOutput> t = {
        {"output", [](auto& c, auto& n, auto& o) { o.output = getString(c, n, false); }},
        {"pattern", [](auto& c, auto& n, auto& o) { o.pattern = getString(c, n); }},
        {"flush", [](auto& c, auto& n, auto& o) { o.flush = getBool(c, n); }},
        {"maxsize",
         [](auto& c, auto& n, auto& o) { o.maxsize = uint64_t(getInt(c, n, 0, INT64_MAX)); }},
        {"maxver", [](auto& c, auto& n, auto& o) { o.maxver = getU32(c, n); }},
    };
    return t;
}

void parseOutputs(ParseContext& c, const Node& n, LoggerConfig& l) {
    forEachElement(c, n, [&](const Node& e, size_t) {
        LoggerOutput o;
        applyMap(c, e, loggerOutputKeys(), loggerOutputInfo(), o);
        if (log::isLogFile(o.output)) {
            failOutsideDirectory(c, e.child("output"), PathKind::Log, o.output);
        }
        l.outputs.push_back(o);
    });
}

const KeyTable<LoggerConfig>& loggerKeys() {
    static const KeyTable<LoggerConfig> t = {
        {"name", [](auto& c, auto& n, auto& l) { l.name = getString(c, n, false); }},
        {"severity",
         [](auto& c, auto& n, auto& l) {
             auto s = getString(c, n);
             std::transform(s.begin(), s.end(), s.begin(), ::toupper);
             for (const char* ok : {"FATAL", "ERROR", "WARN", "INFO", "DEBUG", "NONE"}) {
                 if (s == ok) {
                     l.severity = s;
                     return;
                 }
             }
             c.fail(n, "unknown severity '" + getString(c, n) + "'");
         }},
        {"debuglevel", [](auto& c, auto& n, auto& l) { l.debuglevel = getU32(c, n, 0, 99); }},
        // Kea accepts both spellings.
        {"output-options", parseOutputs, &loggerOutputInfo},
        {"output_options", parseOutputs, &loggerOutputInfo},
    };
    return t;
}

const KeyTable<HookLibraryConfig>& hookKeys() {
    static const KeyTable<HookLibraryConfig> t = {
        {"library",
         [](auto& c, auto& n, auto& h) {
             auto s = getString(c, n);
             s.erase(std::remove(s.begin(), s.end(), '"'), s.end());
             s.erase(0, s.find_first_not_of(" \t"));
             s.erase(s.find_last_not_of(" \t") + 1);
             if (s.empty()) {
                 c.fail(n, "must not be empty");
             }
             h.library = s;
         }},
        // Free-form: each library checks its own parameters.
        {"parameters", [](auto&, auto& n, auto& h) { h.parameters = n.value; }},
    };
    return t;
}

// Kea keys of the Dhcp4 map that Kahu does not implement.
const std::vector<std::string> kUnsupportedGlobalKeys = withUnsupportedInheritableKeys(
    {"config-control", "dhcp-queue-control", "compatibility", "dhcp4o6-port",
     "early-global-reservations-lookup", "reservations-lookup-first", "stash-agent-options",
     "server-id", "host-reservation-identifiers-v6", "dhcp-ddns-port"});

IdentifierType identifierType(ParseContext& c, const Node& n) {
    auto s = getEnum(c, n, {"hw-address", "duid", "circuit-id", "client-id", "flex-id"});
    return s == "hw-address"   ? IdentifierType::HwAddress
           : s == "duid"       ? IdentifierType::Duid
           : s == "circuit-id" ? IdentifierType::CircuitId
           : s == "client-id"  ? IdentifierType::ClientIdentifier
                               : IdentifierType::FlexId;
}

const KeyTable<GlobalDraft>& globalKeys() {
    static const KeyTable<GlobalDraft> t = [] {
        using G = GlobalDraft;
        KeyTable<G> k = {
            // option-def first: option-data at every level needs it.
            {"option-def", [](auto& c, auto& n, G&) { parseOptionDefs(c, n); }, &optionDefInfo},
            {"option-data", [](auto& c, auto& n, G& g) { g.cfg.options = parseOptionData(c, n); },
             &optionDataInfo},
            // After option-def (a class's options and tests read the definitions), before
            // the subnets, whose client-class and require-client-classes name classes.
            {"client-classes",
             [](auto& c, auto& n, G& g) { g.cfg.clientClasses = parseClientClasses(c, n); },
             &clientClassInfo},
            {"interfaces-config", [](auto& c, auto& n, G& g) { parseInterfaces(c, n, g.cfg); },
             &interfacesInfo},
            {"control-socket",
             [](auto& c, auto& n, G& g) {
                 g.cfg.controlSockets.push_back(parseControlSocket(c, n));
             },
             &controlSocketInfo},
            {"control-sockets",
             [](auto& c, auto& n, G& g) {
                 forEachElement(c, n, [&](const Node& e, size_t) {
                     g.cfg.controlSockets.push_back(parseControlSocket(c, e));
                 });
             },
             &controlSocketInfo},
            {"lease-database", [](auto& c, auto& n, G& g) { parseLeaseDatabase(c, n, g.cfg); },
             &leaseDatabaseInfo},
            // Kea 2.2 takes either form; both at once would leave the order unclear.
            {"hosts-database",
             [](auto& c, auto& n, G& g) {
                 if (!g.cfg.hostsDatabases.empty()) {
                     c.fail(n, "use either hosts-database or hosts-databases, not both");
                 }
                 g.cfg.hostsDatabases.push_back(parseHostsDatabase(c, n));
             },
             &hostsDatabaseInfo},
            {"hosts-databases",
             [](auto& c, auto& n, G& g) {
                 if (!g.cfg.hostsDatabases.empty()) {
                     c.fail(n, "use either hosts-database or hosts-databases, not both");
                 }
                 forEachElement(c, n, [&](const Node& e, size_t) {
                     g.cfg.hostsDatabases.push_back(parseHostsDatabase(c, e));
                 });
             },
             &hostsDatabaseInfo},
            {"expired-leases-processing",
             [](auto& c, auto& n, G& g) { parseExpiredLeases(c, n, g.cfg); }, &expiredLeasesInfo},
            {"multi-threading", [](auto& c, auto& n, G& g) { parseMultiThreading(c, n, g.cfg); },
             &multiThreadingInfo},
            {"sanity-checks", [](auto& c, auto& n, G& g) { parseSanityChecks(c, n, g.cfg); },
             &sanityChecksInfo},
            {"dhcp-ddns", [](auto& c, auto& n, G& g) { parseDhcpDdns(c, n, g); }, &dhcpDdnsInfo},
            {"loggers", [](auto& c, auto& n, G& g) { parseLoggers(c, n, g.cfg); }, &loggerInfo},
            {"hooks-libraries", [](auto& c, auto& n, G& g) { parseHooksLibraries(c, n, g.cfg); },
             &hookLibraryInfo},
            {"subnet4", [](auto& c, auto& n, G& g) { parseSubnetList(c, n, g.subnets); },
             &subnetInfo},
            {"shared-networks",
             [](auto& c, auto& n, G& g) { parseSharedNetworks(c, n, g.networks); },
             &sharedNetworkInfo},
            {"reservations",
             [](auto& c, auto& n, G& g) { g.cfg.globalReservations = parseReservations(c, n); },
             &reservationInfo},
            {"host-reservation-identifiers",
             [](auto& c, auto& n, G& g) {
                 g.cfg.hostReservationIdentifiers.clear();
                 forEachElement(c, n, [&](const Node& e, size_t) {
                     g.cfg.hostReservationIdentifiers.push_back(identifierType(c, e));
                 });
             }},
            {"decline-probation-period",
             [](auto& c, auto& n, G& g) { g.cfg.declineProbationPeriod = getU32(c, n); }},
            {"echo-client-id", [](auto& c, auto& n, G& g) { g.cfg.echoClientId = getBool(c, n); }},
            {"parked-packet-limit",
             [](auto& c, auto& n, G& g) { g.cfg.parkedPacketLimit = getU32(c, n); }},
            {"server-tag", [](auto& c, auto& n, G& g) { g.cfg.serverTag = getString(c, n); }},
            {"statistic-default-sample-count",
             [](auto& c, auto& n, G& g) { g.cfg.statisticDefaultSampleCount = getU32(c, n); }},
            {"statistic-default-sample-age",
             [](auto& c, auto& n, G& g) { g.cfg.statisticDefaultSampleAge = getU32(c, n); }},
        };
        addInheritable(k);
        return k;
    }();
    return t;
}

struct NoTarget {};
KeyTable<NoTarget> namesOnly(std::initializer_list<const char*> keys) {
    KeyTable<NoTarget> t;
    for (const char* k : keys) {
        t.push_back({k, [](auto&, auto&, auto&) {}});
    }
    return t;
}

} // namespace

const MapInfo& loggerOutputInfo() {
    static const MapInfo i = makeMapInfo("loggers[].output-options[]", loggerOutputKeys(), {});
    return i;
}
const MapInfo& loggerInfo() {
    static const MapInfo i = makeMapInfo("loggers[]", loggerKeys(), {});
    return i;
}
const MapInfo& hookLibraryInfo() {
    static const MapInfo i = makeMapInfo("hooks-libraries[]", hookKeys(), {});
    return i;
}
const MapInfo& globalInfo() {
    static const MapInfo i = makeMapInfo("Dhcp4", globalKeys(), kUnsupportedGlobalKeys);
    return i;
}
const MapInfo& rootInfo() {
    static const MapInfo i = [] {
        MapInfo m = makeMapInfo("the top level", namesOnly({"Dhcp4"}), {});
        m.children.emplace_back("Dhcp4", &globalInfo);
        return m;
    }();
    return i;
}

// HA's keys are free-form to the config grammar (the hook checks them), but knowing them lets
// a misplaced HA key be reported with where it belongs.
const MapInfo& haHintInfo() {
    static const MapInfo i = makeMapInfo(
        "hooks-libraries[].parameters.high-availability[]",
        namesOnly({"this-server-name", "mode", "heartbeat-delay", "max-response-delay",
                   "max-ack-delay", "max-unacked-clients", "max-rejected-lease-updates",
                   "delayed-updates-limit", "send-lease-updates", "sync-leases", "sync-timeout",
                   "sync-page-limit", "wait-backup-ack", "require-client-certs",
                   "restrict-commands", "state-machine", "peers"}),
        {});
    return i;
}
const MapInfo& haPeerHintInfo() {
    static const MapInfo i =
        makeMapInfo("hooks-libraries[].parameters.high-availability[].peers[]",
                    namesOnly({"url", "role", "auto-failover", "basic-auth-user",
                               "basic-auth-password", "basic-auth-password-file"}),
                    {});
    return i;
}

const std::vector<const MapInfo*>& allMapInfos() {
    static const std::vector<const MapInfo*> all = {
        &rootInfo(),          &globalInfo(),         &subnetInfo(),        &sharedNetworkInfo(),
        &poolInfo(),          &reservationInfo(),    &relayInfo(),         &optionDataInfo(),
        &optionDefInfo(),     &interfacesInfo(),     &controlSocketInfo(), &leaseDatabaseInfo(),
        &expiredLeasesInfo(), &multiThreadingInfo(), &sanityChecksInfo(),  &dhcpDdnsInfo(),
        &loggerInfo(),        &loggerOutputInfo(),   &hookLibraryInfo(),   &haHintInfo(),
        &haPeerHintInfo(),    &clientClassInfo()};
    return all;
}

void parseLoggers(ParseContext& c, const Node& n, ServerConfig& cfg) {
    forEachElement(c, n, [&](const Node& e, size_t) {
        LoggerConfig l;
        applyMap(c, e, loggerKeys(), loggerInfo(), l);
        if (l.name.empty()) {
            c.fail(e, "missing 'name'");
        }
        if (e.value.contains("output-options") && e.value.contains("output_options")) {
            c.fail(e, "give output-options only once");
        }
        cfg.loggers.push_back(std::move(l));
    });
}

void parseHooksLibraries(ParseContext& c, const Node& n, ServerConfig& cfg) {
    forEachElement(c, n, [&](const Node& e, size_t) {
        HookLibraryConfig h;
        applyMap(c, e, hookKeys(), hookLibraryInfo(), h);
        if (h.library.empty()) {
            c.fail(e, "missing 'library'");
        }
        h.location = c.locate(e.path).str();
        h.source = c.sourceMap(e.path + ".parameters");
        cfg.hooksLibraries.push_back(std::move(h));
    });
}

void parseGlobal(ParseContext& ctx, const Node& dhcp4, GlobalDraft& draft) {
    applyMap(ctx, dhcp4, globalKeys(), globalInfo(), draft);
}

} // namespace kahu::config
