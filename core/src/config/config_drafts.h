// SPDX-License-Identifier: MPL-2.0
// What the area parsers fill in before inheritance is resolved, and the entry points of each
// area. Values that Kea inherits (global -> shared network -> subnet) stay optional until
// config_resolve.cc folds them into each kahu::Subnet.
#pragma once

#include "config/parse_context.h"

#include <iterator>
#include <kahu/config/server_config.h>
#include <optional>
#include <string>
#include <vector>

namespace kahu::config {

/// `own` plus the Kea keys that both the Dhcp4 map and the subnet / shared-network maps accept
/// and Kahu does not implement (lease caching, extended info, DHCPv4-over-DHCPv6): one list, so the
/// two levels refuse the same keys by name.
inline std::vector<std::string> withUnsupportedInheritableKeys(std::vector<std::string> own) {
    static const char* const kShared[] = {
        "ip-reservations-unique", "store-extended-info", "cache-threshold",
        "cache-max-age",          "4o6-interface",       "4o6-subnet",
    };
    own.insert(own.end(), std::begin(kShared), std::end(kShared));
    return own;
}

/// The ddns-* and hostname-char-* keys one level set (resolved into kahu::DdnsParams).
struct DdnsDraft {
    std::optional<bool> sendUpdates, overrideNoUpdate, overrideClientUpdate, updateOnRenew;
    std::optional<ReplaceClientName> replace;
    std::optional<std::string> prefix, suffix, charSet, charReplacement;
    /// From ddns-conflict-resolution-mode, else from ddns-use-conflict-resolution.
    std::optional<ConflictResolutionMode> mode;
    bool modeKeySeen = false;
    std::optional<uint32_t> ttl, ttlMin, ttlMax;
    std::optional<double> ttlPercent;
};

struct Inheritable {
    DdnsDraft ddns;
    std::optional<uint32_t> valid, minValid, maxValid, renew, rebind, offerLifetime;
    std::optional<bool> calculateTee, matchClientId, authoritative;
    std::optional<bool> resGlobal, resInSubnet, resOutOfPool;
    /// Which way this level set the three above: Kea 2.2 refuses reservation-mode next to
    /// reservations-* in one map, whatever order they come in.
    bool resModeSeen = false, resFlagsSeen = false;
    std::optional<double> t1, t2;
    std::optional<Ipv4Address> nextServer;
    std::optional<std::string> serverHostname, bootFileName, interface, clientClass;
    std::optional<AllocatorType> allocator;
    std::optional<std::vector<Ipv4Address>> relay;
};

struct SubnetDraft {
    Subnet subnet;
    Inheritable inh;
    bool hasId = false;
    std::string path;
};

struct NetworkDraft {
    SharedNetwork net;
    Inheritable inh;
    std::vector<SubnetDraft> subnets;
    std::string path;
};

struct GlobalDraft {
    ServerConfig& cfg;
    Inheritable inh;
    std::vector<SubnetDraft> subnets;
    std::vector<NetworkDraft> networks;
    nlohmann::json userContext; ///< Dhcp4's own (utilization-alerts)
    /// Kea 2.2's deprecated DDNS keys of dhcp-ddns, moved to the global level where it does
    /// not set them itself (DHCPSRV_CFGMGR_DDNS_PARAMETER_MOVED).
    DdnsDraft movedDdns;
};

// Map kinds (parse_*.cc). Each returns a static built from that area's handler table.
const MapInfo& rootInfo();
const MapInfo& globalInfo();
const MapInfo& subnetInfo();
const MapInfo& sharedNetworkInfo();
const MapInfo& poolInfo();
const MapInfo& reservationInfo();
const MapInfo& relayInfo();
const MapInfo& optionDataInfo();
const MapInfo& optionDefInfo();
const MapInfo& interfacesInfo();
const MapInfo& controlSocketInfo();
const MapInfo& hostsDatabaseInfo();
const MapInfo& leaseDatabaseInfo();
const MapInfo& expiredLeasesInfo();
const MapInfo& multiThreadingInfo();
const MapInfo& sanityChecksInfo();
const MapInfo& dhcpDdnsInfo();
const MapInfo& loggerInfo();
const MapInfo& loggerOutputInfo();
const MapInfo& hookLibraryInfo();
const MapInfo& haHintInfo();
const MapInfo& haPeerHintInfo();
const MapInfo& clientClassInfo();

/// Adds the handlers of the values every level (global, shared network, subnet) may set.
template <class T> void addInheritable(KeyTable<T>& table);
/// Adds relay, interface and client-class (shared network and subnet only).
template <class T> void addNetworkLevel(KeyTable<T>& table);

void parseOptionDefs(ParseContext& ctx, const Node& n);
OptionSet parseOptionData(ParseContext& ctx, const Node& n);
void parseSubnetList(ParseContext& ctx, const Node& n, std::vector<SubnetDraft>& out);
void parseSharedNetworks(ParseContext& ctx, const Node& n, std::vector<NetworkDraft>& out);
std::vector<Reservation> parseReservations(ParseContext& ctx, const Node& n);
/// One reservation map (exactly one identifier), without the list's duplicate checks.
Reservation parseReservation(ParseContext& ctx, const Node& n);
/// "client-classes": the definitions, tests parsed (parse_classes.cc).
std::vector<ClientClass> parseClientClasses(ParseContext& ctx, const Node& n);
/// A list of class names (require-client-classes), repeats dropped.
std::vector<std::string> parseClassList(ParseContext& ctx, const Node& n);
void parseGlobal(ParseContext& ctx, const Node& dhcp4, GlobalDraft& draft);

/// Applies the "utilization-alerts" entry of a user-context (at `path`) onto `t`; `notify`
/// is given at the global level only, where command and webhook may be set (parse_alerts.cc).
void applyUtilizationAlerts(ParseContext& ctx, const nlohmann::json& userContext,
                            const std::string& path, UtilizationThresholds& t,
                            UtilizationNotify* notify);

/// Applies one ddns-* or hostname-char-* key (its global name) at `n` onto `out`.
void parseDdnsKey(ParseContext& ctx, const Node& n, const std::string& key, DdnsDraft& out);
/// The ddns-* and hostname-char-* keys parseDdnsKey reads.
const std::vector<std::string>& ddnsKeyNames();

/// The DDNS values of a subnet: its own level's, else its shared network's, else the global
/// ones, else Kea's defaults; the sanitizer compiled (config_resolve.cc).
DdnsParams resolveDdns(const DdnsDraft& subnet, const DdnsDraft& network, const DdnsDraft& global);

/// Folds inheritance into the subnets, assigns missing ids and checks cross-element rules.
void resolveSubnets(ParseContext& ctx, GlobalDraft& draft);

} // namespace kahu::config
