// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <kahu/config/source_map.h>
#include <kahu/dhcp/hw_addr.h>
#include <kahu/dhcp/ipv4_address.h>
#include <kahu/dhcp/option_definition.h>
#include <kahu/eval/expression.h>
#include <kahu/lease/lease4.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kahu {

/// One configured option (option-data), already encoded to wire bytes.
struct OptionData {
    uint8_t code = 0;
    std::string name; ///< from the definition, "" for unnamed custom codes
    std::string space = "dhcp4";
    std::vector<uint8_t> data;
    bool alwaysSend = false;
    bool neverSend = false;
    bool csvFormat = true;
    std::string text; ///< the "data" string as written (config-get)
};
using OptionSet = std::vector<OptionData>;

/// How clients are matched to reservations (host-reservation-identifiers). The client-id one
/// is ClientIdentifier, so that it does not shadow the type kahu::ClientId.
enum class IdentifierType : uint8_t { HwAddress, Duid, CircuitId, ClientIdentifier, FlexId };

/// A host reservation (subnet-level or global).
struct Reservation {
    std::optional<HwAddr> hwAddress;
    std::optional<std::vector<uint8_t>> duid;
    std::optional<std::vector<uint8_t>> circuitId;
    std::optional<std::vector<uint8_t>> clientId;
    std::optional<std::vector<uint8_t>> flexId;
    std::optional<Ipv4Address> ipAddress;
    std::string hostname;
    OptionSet options;
    std::vector<std::string> clientClasses;
    std::optional<Ipv4Address> nextServer;
    std::optional<std::string> serverHostname;
    std::optional<std::string> bootFileName;
    nlohmann::json userContext;
};

/// An address range of a subnet ("pool": "a-b" or "prefix/len").
/// Pool-utilisation alert thresholds (Kahu's "utilization-alerts" in a user-context), in
/// percent of the addresses in the pools of the scope. Resolved per level: global defaults,
/// then the shared network's, the subnet's and the pool's own keys.
struct UtilizationThresholds {
    bool enabled = true;
    double warning = 80;   ///< "high" from this percentage up
    double critical = 95;  ///< "critical" from this percentage up
    double hysteresis = 5; ///< a level is left only this many points below its threshold
    bool operator==(const UtilizationThresholds&) const = default;
};

struct Pool {
    Ipv4Address first;
    Ipv4Address last;
    uint32_t poolId = 0;
    OptionSet options;
    std::string clientClass; ///< "" = any client
    /// require-client-classes (Kea 2.6's evaluate-additional-classes): classes evaluated
    /// after the address is chosen from this pool, after the network's and the subnet's.
    std::vector<std::string> requiredClasses;
    nlohmann::json userContext;
    UtilizationThresholds utilization; ///< resolved

    bool contains(Ipv4Address a) const noexcept { return first <= a && a <= last; }
    uint64_t size() const noexcept { return uint64_t(last.value()) - first.value() + 1; }
};

enum class AllocatorType : uint8_t { Iterative, Random, Flq };

/// ddns-replace-client-name: when the server puts a name of its own in place of the client's.
enum class ReplaceClientName : uint8_t { Never, Always, WhenPresent, WhenNotPresent };

/// How the DDNS daemon guards names against other clients (RFC 4703): Kea 2.6's
/// ddns-conflict-resolution-mode; Kea 2.2's ddns-use-conflict-resolution false is
/// NoCheckWithDhcid.
enum class ConflictResolutionMode : uint8_t {
    CheckWithDhcid,
    NoCheckWithDhcid,
    CheckExistsWithDhcid,
    NoCheckWithoutDhcid,
};

/// hostname-char-set with hostname-char-replacement, compiled (core/src/dhcp4/ddns_names.h).
class HostnameSanitizer;

/// The ddns-* and hostname-char-* values of a scope, resolved global -> shared network ->
/// subnet. Defaults are Kea's.
struct DdnsParams {
    bool sendUpdates = true; ///< ddns-send-updates (updates happen only with dhcp-ddns on too)
    bool overrideNoUpdate = false;
    bool overrideClientUpdate = false;
    ReplaceClientName replaceClientName = ReplaceClientName::Never;
    std::string generatedPrefix = "myhost";
    std::string qualifyingSuffix; ///< "" = names are not qualified
    bool updateOnRenew = false;
    ConflictResolutionMode conflictResolution = ConflictResolutionMode::CheckWithDhcid;
    /// The TTL of the DNS records: ttl if set, else ttlPercent (default one third) of the
    /// lease's lifetime, within [ttlMin (default 600), ttlMax].
    std::optional<uint32_t> ttl, ttlMin, ttlMax;
    std::optional<double> ttlPercent;
    std::string hostnameCharSet = "[^A-Za-z0-9.-]";
    std::string hostnameCharReplacement;
    std::shared_ptr<const HostnameSanitizer> sanitizer; ///< null when hostnameCharSet is ""
};

/// The ddns-* and hostname-char-* keys a client class sets (a Kahu extension: Kea reads them
/// at global, shared-network and subnet level). For a query in the class, each key set here
/// replaces the subnet's value; when several of the query's classes set one, the first in
/// evaluation order wins, as for valid-lifetime. ddns-conflict-resolution-mode is not among
/// them: a removal after expiry has no query to classify, so it must match the subnet's.
struct DdnsOverrides {
    std::optional<bool> sendUpdates, overrideNoUpdate, overrideClientUpdate, updateOnRenew;
    std::optional<ReplaceClientName> replaceClientName;
    std::optional<std::string> generatedPrefix, qualifyingSuffix;
    std::optional<uint32_t> ttl, ttlMin, ttlMax;
    std::optional<double> ttlPercent;
    /// hostname-char-set and -replacement go as a pair: set when the class sets either (the
    /// other one then comes from the global level), with the pair compiled (null for "").
    std::optional<std::string> hostnameCharSet, hostnameCharReplacement;
    std::shared_ptr<const HostnameSanitizer> sanitizer;
};

/// The "dhcp-ddns" map: where NameChangeRequests go (Kea's D2 client).
struct DhcpDdnsConfig {
    bool enableUpdates = false;
    std::string serverIp = "127.0.0.1";
    uint16_t serverPort = 53001;
    std::string senderIp = "0.0.0.0";
    uint16_t senderPort = 0;
    uint32_t maxQueueSize = 1024;
    std::string ncrProtocol = "UDP";
    std::string ncrFormat = "JSON";
    bool operator==(const DhcpDdnsConfig&) const = default;
};

/// Lifetime bounds (valid-lifetime with min-/max-valid-lifetime).
struct Lifetime {
    uint32_t value = 7200;
    uint32_t min = 7200;
    uint32_t max = 7200;
    uint32_t clamp(uint32_t v) const noexcept { return v < min ? min : (v > max ? max : v); }
};

/// A shared network: subnets that share one link, and the parameters they inherit.
struct SharedNetwork {
    std::string name;
    OptionSet options;
    std::vector<Ipv4Address> relayAddresses;
    std::string interface;
    std::vector<std::string> requiredClasses; ///< require-client-classes, see Pool
    nlohmann::json userContext;
    UtilizationThresholds utilization; ///< resolved
};

/// A subnet with every inheritable parameter already resolved (global -> shared network ->
/// subnet), so the packet path never walks the hierarchy. Options stay per level because
/// Kea's precedence is by level (reservation, pool, subnet, shared network, global).
struct Subnet {
    SubnetId id = 0;
    Ipv4Prefix prefix;
    std::vector<Pool> pools;
    OptionSet options;
    int sharedNetwork = -1; ///< index into ServerConfig::sharedNetworks, -1 = none
    std::vector<Ipv4Address> relayAddresses;
    std::string interface;
    std::vector<Reservation> reservations;
    std::string clientClass;                  ///< "" = any client
    std::vector<std::string> requiredClasses; ///< require-client-classes, see Pool

    Lifetime valid;
    std::optional<uint32_t> renewTimer;
    std::optional<uint32_t> rebindTimer;
    bool calculateTeeTimes = false;
    double t1Percent = 0.5;
    double t2Percent = 0.875;

    bool matchClientId = true;
    bool authoritative = false;
    Ipv4Address nextServer;
    std::string serverHostname;
    std::string bootFileName;
    bool reservationsGlobal = false;
    bool reservationsInSubnet = true;
    bool reservationsOutOfPool = false;
    AllocatorType allocator = AllocatorType::Iterative;
    uint32_t offerLifetime = 0;
    DdnsParams ddns;
    nlohmann::json userContext;
    UtilizationThresholds utilization; ///< resolved
};

/// One entry of "client-classes" (Kea's client class definition). A query belongs to a class
/// when its test matches (or a reservation, a hook or the server adds it); a member gets the
/// class's options and fixed fields. The order of ServerConfig::clientClasses is the order
/// the tests are evaluated in, and the order of precedence of their options.
struct ClientClass {
    std::string name;
    /// The test as written ("" = none: membership comes from a reservation, a hook or
    /// member() only) and the expression parsed from it (null when none).
    std::string test;
    std::shared_ptr<const eval::Expression> expression;
    /// template-test (Kea 2.6): the value of this string expression names a spawned class,
    /// SPAWN_<name>_<value>, which the query joins along with this one.
    std::string templateTest;
    std::shared_ptr<const eval::Expression> templateExpression;
    /// only-if-required (Kea 3.0: only-in-additional-list): evaluated only when a pool, subnet
    /// or shared network requires it, after the address is chosen.
    bool onlyIfRequired = false;
    /// The test names KNOWN or UNKNOWN, directly or through member() of a class that does: it
    /// is evaluated after the host reservation lookup, not on arrival.
    bool dependsOnKnown = false;
    OptionSet options;
    /// Option definitions of the class itself (option 43 and private options), layered over
    /// the global ones; null = the global ones.
    std::shared_ptr<const OptionDefinitions> optionDefs;
    std::optional<Ipv4Address> nextServer;
    std::optional<std::string> serverHostname;
    std::optional<std::string> bootFileName;
    std::optional<uint32_t> valid, minValid, maxValid;
    std::optional<DdnsOverrides> ddns; ///< none = the class sets no ddns-* key
    nlohmann::json userContext;
};

enum class SocketType : uint8_t { Raw, Udp };

struct InterfaceSpec {
    std::string name;                   ///< "*" = every interface with an IPv4 address
    std::optional<Ipv4Address> address; ///< "name/address" form
};

struct InterfacesConfig {
    std::vector<InterfaceSpec> interfaces;
    SocketType socketType = SocketType::Raw;
    bool outboundUseRouting = false; ///< outbound-interface: "use-routing"
    bool reDetect = true;
    bool serviceSocketsRequireAll = false;
    uint32_t serviceSocketsRetryWaitTime = 5000;
    uint32_t serviceSocketsMaxRetries = 0;
};

struct LeaseDatabaseConfig {
    std::string type = "memfile";
    std::string name; ///< memfile: the CSV path ("" = default location)
    bool persist = true;
    uint32_t lfcInterval = 3600;
    uint32_t maxRowErrors = 0;
    nlohmann::json raw; ///< the whole map, for stores registered by hooks
    std::shared_ptr<const SourceMap> source = nullptr; ///< where raw's keys were written
};

/// One "hosts-database" entry (or one of "hosts-databases"): reservations a hook library's
/// store keeps (kahu/host/host_store.h). The core reads only "type" and "readonly"; the store
/// checks the rest.
struct HostDatabaseConfig {
    std::string type;
    bool readOnly = false;
    nlohmann::json raw;                                ///< the whole map
    std::shared_ptr<const SourceMap> source = nullptr; ///< where raw's keys were written
    std::string path; ///< "Dhcp4.hosts-database" or "Dhcp4.hosts-databases[<i>]"
};

struct ExpiredLeasesProcessing {
    uint32_t reclaimTimerWaitTime = 10;
    uint32_t flushReclaimedTimerWaitTime = 25;
    uint32_t holdReclaimedTime = 3600;
    uint32_t maxReclaimLeases = 100;
    uint32_t maxReclaimTime = 250;
    uint32_t unwarnedReclaimCycles = 5;
};

struct MultiThreadingConfig {
    bool enabled = true;
    uint32_t threadPoolSize = 0; ///< 0 = number of cores
    uint32_t packetQueueSize = 64;
};

struct ControlSocketConfig {
    std::string type = "unix"; ///< unix | http | https
    std::string name;          ///< unix socket path
    std::string httpHost = "127.0.0.1";
    uint16_t httpPort = 8000;
    nlohmann::json raw; ///< the whole entry (auth, TLS) for the control channel
};

/// One "output-options" entry of a logger.
struct LoggerOutput {
    std::string output = "stdout"; ///< stdout | stderr | syslog[:facility] | file path
    std::string pattern;           ///< Kea/log4cplus pattern; "" = default
    bool flush = true;
    uint64_t maxsize = 10240000;
    uint32_t maxver = 1;
};

struct LoggerConfig {
    std::string name;              ///< "kea-dhcp4", "kea-dhcp4.ha", "kahu-dhcp4.*"
    std::string severity = "INFO"; ///< FATAL ERROR WARN INFO DEBUG NONE
    uint32_t debuglevel = 0;       ///< 0..99
    std::vector<LoggerOutput> outputs;
};

struct HookLibraryConfig {
    std::string library;       ///< as written
    nlohmann::json parameters; ///< null when absent
    std::string location;      ///< "file:line:col" of the entry, for messages
    /// Where "parameters" and everything in it was written (null: built in code).
    std::shared_ptr<const SourceMap> source = nullptr;
};

/// The whole "Dhcp4" configuration, validated and immutable once built. Shared with
/// shared_ptr<const ServerConfig>; a reload builds a new one and swaps it in.
/// Where pool-utilisation alerts go besides the log, the statistics and the metrics (global
/// "utilization-alerts" keys "command" and "webhook"); both run off the packet path.
struct UtilizationNotify {
    std::string command; ///< run with the alert in KAHU_ALERT_* variables; "" = none
    std::string webhook; ///< http(s) URL that gets a JSON POST per alert; "" = none
    bool operator==(const UtilizationNotify&) const = default;
};

struct ServerConfig {
    InterfacesConfig interfaces;
    std::vector<ControlSocketConfig> controlSockets;
    LeaseDatabaseConfig leaseDatabase;
    /// hosts-database / hosts-databases, in order: asked after the configuration's own
    /// reservations, the first store that has one winning.
    std::vector<HostDatabaseConfig> hostsDatabases;
    ExpiredLeasesProcessing expiredLeases;
    MultiThreadingConfig multiThreading;

    std::vector<SharedNetwork> sharedNetworks;
    std::vector<Subnet> subnets; ///< config order (subnet selection order)
    std::vector<Reservation> globalReservations;
    std::vector<IdentifierType> hostReservationIdentifiers = {
        IdentifierType::HwAddress, IdentifierType::Duid, IdentifierType::CircuitId,
        IdentifierType::ClientIdentifier};

    OptionSet options;                                   ///< global option-data
    std::shared_ptr<const OptionDefinitions> optionDefs; ///< standard + option-def
    std::vector<ClientClass> clientClasses;              ///< client-classes, in order

    DhcpDdnsConfig dhcpDdns;
    DdnsParams ddns; ///< the global level's, for leases whose subnet is gone

    uint32_t declineProbationPeriod = 86400;
    bool echoClientId = true;
    /// Global values, for queries that match no subnet (e.g. INIT-REBOOT NAK rules); subnets
    /// carry their own resolved copies.
    bool authoritative = false;
    bool matchClientId = true;
    uint32_t parkedPacketLimit = 256;
    std::string serverTag;
    std::string leaseChecks = "warn";  ///< sanity-checks.lease-checks
    UtilizationThresholds utilization; ///< the global level's alert thresholds
    UtilizationNotify utilizationNotify;
    uint32_t statisticDefaultSampleCount = 20;
    uint32_t statisticDefaultSampleAge = 0;

    std::vector<LoggerConfig> loggers;
    std::vector<HookLibraryConfig> hooksLibraries;

    nlohmann::json json;    ///< the Dhcp4 map as parsed (comments stripped), for config-get
    std::string sourceFile; ///< the file it came from ("" for config-set)

    const Subnet* subnetById(SubnetId id) const noexcept {
        for (const auto& s : subnets) {
            if (s.id == id) {
                return &s;
            }
        }
        return nullptr;
    }
    const ClientClass* clientClass(std::string_view name) const noexcept {
        for (const auto& c : clientClasses) {
            if (c.name == name) {
                return &c;
            }
        }
        return nullptr;
    }
};

} // namespace kahu
