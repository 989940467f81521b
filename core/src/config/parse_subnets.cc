// SPDX-License-Identifier: MPL-2.0
// subnet4, pools, relay and shared-networks, and the values those levels inherit.
#include "config/config_drafts.h"
#include "config/config_loader.h"
#include "ddns/ddns_names.h"

namespace kahu::config {

nlohmann::json reservationModeFlags(std::string_view mode) {
    using nlohmann::json;
    if (mode == "disabled") {
        return {{"reservations-global", false},
                {"reservations-in-subnet", false},
                {"reservations-out-of-pool", false}};
    }
    if (mode == "out-of-pool") {
        return {{"reservations-global", false},
                {"reservations-in-subnet", true},
                {"reservations-out-of-pool", true}};
    }
    if (mode == "global") {
        return {{"reservations-global", true}, {"reservations-in-subnet", false}};
    }
    if (mode == "all") {
        return {{"reservations-global", false},
                {"reservations-in-subnet", true},
                {"reservations-out-of-pool", false}};
    }
    return nullptr;
}

namespace {

void checkDomainName(ParseContext& c, const Node& n, const std::string& name) {
    if (!name.empty() && !ddns::labelCount(name)) {
        c.fail(n, "'" + name + "' is not a valid domain name (an empty or over-long label)");
    }
}

/// The ddns-* and hostname-char-* keys (Kea 2.6), at every level that inherits.
template <class T> void addDdnsKeys(KeyTable<T>& t) {
    auto flag = [](std::optional<bool> DdnsDraft::*field) {
        return [field](ParseContext& c, const Node& n, T& d) { d.inh.ddns.*field = getBool(c, n); };
    };
    auto u32 = [](std::optional<uint32_t> DdnsDraft::*field) {
        return [field](ParseContext& c, const Node& n, T& d) { d.inh.ddns.*field = getU32(c, n); };
    };
    t.push_back({"ddns-send-updates", flag(&DdnsDraft::sendUpdates)});
    t.push_back({"ddns-override-no-update", flag(&DdnsDraft::overrideNoUpdate)});
    t.push_back({"ddns-override-client-update", flag(&DdnsDraft::overrideClientUpdate)});
    t.push_back({"ddns-update-on-renew", flag(&DdnsDraft::updateOnRenew)});
    t.push_back(
        {"ddns-replace-client-name", [](ParseContext& c, const Node& n, T& d) {
             auto m = getEnum(c, n, {"never", "always", "when-present", "when-not-present"});
             d.inh.ddns.replace = m == "never"          ? ReplaceClientName::Never
                                  : m == "always"       ? ReplaceClientName::Always
                                  : m == "when-present" ? ReplaceClientName::WhenPresent
                                                        : ReplaceClientName::WhenNotPresent;
         }});
    t.push_back({"ddns-generated-prefix", [](ParseContext& c, const Node& n, T& d) {
                     auto v = getString(c, n, false);
                     checkDomainName(c, n, v);
                     d.inh.ddns.prefix = v;
                 }});
    t.push_back({"ddns-qualifying-suffix", [](ParseContext& c, const Node& n, T& d) {
                     auto v = getString(c, n);
                     checkDomainName(c, n, v);
                     d.inh.ddns.suffix = v;
                 }});
    t.push_back({"ddns-use-conflict-resolution", [](ParseContext& c, const Node& n, T& d) {
                     bool on = getBool(c, n);
                     if (!d.inh.ddns.modeKeySeen) { // the mode key says more
                         d.inh.ddns.mode = on ? ConflictResolutionMode::CheckWithDhcid
                                              : ConflictResolutionMode::NoCheckWithDhcid;
                     }
                 }});
    t.push_back({"ddns-conflict-resolution-mode", [](ParseContext& c, const Node& n, T& d) {
                     auto m = getEnum(c, n,
                                      {"check-with-dhcid", "no-check-with-dhcid",
                                       "check-exists-with-dhcid", "no-check-without-dhcid"});
                     d.inh.ddns.modeKeySeen = true;
                     d.inh.ddns.mode =
                         m == "check-with-dhcid"      ? ConflictResolutionMode::CheckWithDhcid
                         : m == "no-check-with-dhcid" ? ConflictResolutionMode::NoCheckWithDhcid
                         : m == "check-exists-with-dhcid"
                             ? ConflictResolutionMode::CheckExistsWithDhcid
                             : ConflictResolutionMode::NoCheckWithoutDhcid;
                 }});
    t.push_back({"ddns-ttl", u32(&DdnsDraft::ttl)});
    t.push_back({"ddns-ttl-min", u32(&DdnsDraft::ttlMin)});
    t.push_back({"ddns-ttl-max", u32(&DdnsDraft::ttlMax)});
    t.push_back({"ddns-ttl-percent", [](ParseContext& c, const Node& n, T& d) {
                     d.inh.ddns.ttlPercent = getDouble(c, n, 0.0, 1.0);
                 }});
    t.push_back({"hostname-char-set", [](ParseContext& c, const Node& n, T& d) {
                     auto v = getString(c, n);
                     try {
                         HostnameSanitizer check(v, "");
                     } catch (const std::regex_error& e) {
                         c.fail(n, "hostname-char-set '" + v +
                                       "' is not a valid regular expression: " + e.what());
                     }
                     d.inh.ddns.charSet = v;
                 }});
    t.push_back({"hostname-char-replacement", [](ParseContext& c, const Node& n, T& d) {
                     d.inh.ddns.charReplacement = getString(c, n);
                 }});
}

} // namespace

namespace {

struct OneDdnsKey {
    Inheritable inh;
};

const KeyTable<OneDdnsKey>& ddnsKeyTable() {
    static const KeyTable<OneDdnsKey> table = [] {
        KeyTable<OneDdnsKey> t;
        addDdnsKeys(t);
        return t;
    }();
    return table;
}

} // namespace

void parseDdnsKey(ParseContext& c, const Node& n, const std::string& key, DdnsDraft& out) {
    OneDdnsKey one;
    one.inh.ddns = out;
    for (const auto& h : ddnsKeyTable()) {
        if (h.key == key) {
            h.handle(c, n, one);
            out = one.inh.ddns;
            return;
        }
    }
}

const std::vector<std::string>& ddnsKeyNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& h : ddnsKeyTable()) {
            v.emplace_back(h.key);
        }
        return v;
    }();
    return names;
}

template <class T> void addInheritable(KeyTable<T>& t) {
    auto u32 = [](std::optional<uint32_t> Inheritable::*field) {
        return [field](ParseContext& c, const Node& n, T& d) { d.inh.*field = getU32(c, n); };
    };
    auto flag = [](std::optional<bool> Inheritable::*field) {
        return [field](ParseContext& c, const Node& n, T& d) { d.inh.*field = getBool(c, n); };
    };
    auto text = [](std::optional<std::string> Inheritable::*field) {
        return [field](ParseContext& c, const Node& n, T& d) { d.inh.*field = getString(c, n); };
    };
    auto percent = [](std::optional<double> Inheritable::*field) {
        return [field](ParseContext& c, const Node& n, T& d) {
            d.inh.*field = getDouble(c, n, 0.0, 1.0);
        };
    };
    t.push_back({"valid-lifetime", u32(&Inheritable::valid)});
    t.push_back({"min-valid-lifetime", u32(&Inheritable::minValid)});
    t.push_back({"max-valid-lifetime", u32(&Inheritable::maxValid)});
    t.push_back({"renew-timer", u32(&Inheritable::renew)});
    t.push_back({"rebind-timer", u32(&Inheritable::rebind)});
    t.push_back({"offer-lifetime", u32(&Inheritable::offerLifetime)});
    t.push_back({"calculate-tee-times", flag(&Inheritable::calculateTee)});
    t.push_back({"t1-percent", percent(&Inheritable::t1)});
    t.push_back({"t2-percent", percent(&Inheritable::t2)});
    t.push_back({"match-client-id", flag(&Inheritable::matchClientId)});
    t.push_back({"authoritative", flag(&Inheritable::authoritative)});
    static const char* const kBothReservationKeys =
        "invalid use of both 'reservation-mode' and one of 'reservations-global', "
        "'reservations-in-subnet' or 'reservations-out-of-pool' parameters";
    auto reservationFlag = [](std::optional<bool> Inheritable::*field) {
        return [field](ParseContext& c, const Node& n, T& d) {
            if (d.inh.resModeSeen) {
                c.fail(n, kBothReservationKeys);
            }
            d.inh.resFlagsSeen = true;
            d.inh.*field = getBool(c, n);
        };
    };
    t.push_back({"reservations-global", reservationFlag(&Inheritable::resGlobal)});
    t.push_back({"reservations-in-subnet", reservationFlag(&Inheritable::resInSubnet)});
    t.push_back({"reservations-out-of-pool", reservationFlag(&Inheritable::resOutOfPool)});
    // Kea 2.2's deprecated form of the three flags; a flag the mode leaves out keeps
    // inheriting.
    t.push_back({"reservation-mode", [](ParseContext& c, const Node& n, T& d) {
                     if (d.inh.resFlagsSeen) {
                         c.fail(n, kBothReservationKeys);
                     }
                     auto mode = getEnum(c, n, {"disabled", "out-of-pool", "global", "all"});
                     d.inh.resModeSeen = true;
                     auto flags = reservationModeFlags(mode);
                     for (auto [key, field] :
                          {std::pair{"reservations-global", &Inheritable::resGlobal},
                           std::pair{"reservations-in-subnet", &Inheritable::resInSubnet},
                           std::pair{"reservations-out-of-pool", &Inheritable::resOutOfPool}}) {
                         if (flags.contains(key)) {
                             d.inh.*field = flags[key].template get<bool>();
                         }
                     }
                     c.warn(n, "'reservation-mode' is deprecated; \"" + mode + "\" is read as " +
                                   flags.dump());
                 }});
    t.push_back({"next-server",
                 [](ParseContext& c, const Node& n, T& d) { d.inh.nextServer = getIpv4(c, n); }});
    t.push_back({"server-hostname", text(&Inheritable::serverHostname)});
    t.push_back({"boot-file-name", text(&Inheritable::bootFileName)});
    addDdnsKeys(t);
    t.push_back({"allocator", [](ParseContext& c, const Node& n, T& d) {
                     auto a = getEnum(c, n, {"iterative", "random", "flq"});
                     d.inh.allocator = a == "iterative" ? AllocatorType::Iterative
                                       : a == "random"  ? AllocatorType::Random
                                                        : AllocatorType::Flq;
                 }});
}

namespace {

// relay: {"ip-addresses": [...]} or the legacy {"ip-address": "..."}.
struct RelayDraft {
    std::vector<Ipv4Address> addresses;
};

const KeyTable<RelayDraft>& relayKeys() {
    static const KeyTable<RelayDraft> t = {
        {"ip-addresses",
         [](auto& c, auto& n, auto& d) {
             forEachElement(c, n,
                            [&](const Node& e, size_t) { d.addresses.push_back(getIpv4(c, e)); });
         }},
        {"ip-address",
         [](auto& c, auto& n, auto& d) {
             if (n.value.is_string() && n.value.template get<std::string>() == "0.0.0.0") {
                 return; // Kea writes this placeholder for "no relay"
             }
             d.addresses.push_back(getIpv4(c, n));
         }},
    };
    return t;
}

} // namespace

template <class T> void addNetworkLevel(KeyTable<T>& t) {
    t.push_back({"relay",
                 [](ParseContext& c, const Node& n, T& d) {
                     RelayDraft r;
                     applyMap(c, n, relayKeys(), relayInfo(), r);
                     if (n.value.contains("ip-address") && n.value.contains("ip-addresses")) {
                         c.fail(n, "specify either ip-address or ip-addresses, not both");
                     }
                     d.inh.relay = r.addresses;
                 },
                 &relayInfo});
    t.push_back({"interface", [](ParseContext& c, const Node& n, T& d) {
                     d.inh.interface = getString(c, n, false);
                 }});
    t.push_back({"client-class", [](ParseContext& c, const Node& n, T& d) {
                     d.inh.clientClass = getString(c, n);
                 }});
}

template void addInheritable(KeyTable<GlobalDraft>&);

namespace {

std::optional<Pool> parsePoolRange(const std::string& text) {
    Pool p;
    size_t dash = text.find('-');
    auto trim = [](std::string s) {
        s.erase(0, s.find_first_not_of(" \t"));
        s.erase(s.find_last_not_of(" \t") + 1);
        return s;
    };
    if (dash != std::string::npos) {
        auto a = Ipv4Address::fromText(trim(text.substr(0, dash)));
        auto b = Ipv4Address::fromText(trim(text.substr(dash + 1)));
        if (!a || !b || *b < *a) {
            return std::nullopt;
        }
        p.first = *a;
        p.last = *b;
        return p;
    }
    size_t slash = text.find('/');
    if (slash == std::string::npos) {
        return std::nullopt;
    }
    auto a = Ipv4Address::fromText(trim(text.substr(0, slash)));
    std::string len = trim(text.substr(slash + 1));
    if (!a || len.empty() || len.size() > 2 || len.find_first_not_of("0123456789") != len.npos ||
        std::stoi(len) > 32) {
        return std::nullopt;
    }
    Ipv4Prefix prefix{*a, uint8_t(std::stoi(len))};
    p.first = prefix.first();
    p.last = prefix.last();
    return p;
}

const KeyTable<Pool>& poolKeys() {
    static const KeyTable<Pool> t = {
        {"pool",
         [](auto& c, auto& n, auto& p) {
             auto text = getString(c, n);
             auto range = parsePoolRange(text);
             if (!range) {
                 c.fail(n, "invalid pool '" + text + "' (expected 'first-last' or 'prefix/len')");
             }
             p.first = range->first;
             p.last = range->last;
         }},
        {"pool-id", [](auto& c, auto& n, auto& p) { p.poolId = getU32(c, n); }},
        {"option-data", [](auto& c, auto& n, auto& p) { p.options = parseOptionData(c, n); },
         &optionDataInfo},
        {"client-class", [](auto& c, auto& n, auto& p) { p.clientClass = getString(c, n); }},
        {"require-client-classes",
         [](auto& c, auto& n, auto& p) { p.requiredClasses = parseClassList(c, n); }},
        {"evaluate-additional-classes",
         [](auto& c, auto& n, auto& p) { p.requiredClasses = parseClassList(c, n); }},
        {"user-context", [](auto&, auto& n, auto& p) { p.userContext = n.value; }},
    };
    return t;
}

const KeyTable<SubnetDraft>& subnetKeys() {
    static const KeyTable<SubnetDraft> t = [] {
        KeyTable<SubnetDraft> k = {
            {"id",
             [](auto& c, auto& n, auto& d) {
                 // 0 is "no id" in Kea 2.2: one is assigned, as for a subnet without "id".
                 d.subnet.id = getU32(c, n, 0, UINT32_MAX - 1);
                 d.hasId = d.subnet.id != 0;
             }},
            {"subnet",
             [](auto& c, auto& n, auto& d) {
                 auto text = getString(c, n);
                 size_t slash = text.find('/');
                 auto a = Ipv4Address::fromText(text.substr(0, slash));
                 std::string len = slash == text.npos ? "" : text.substr(slash + 1);
                 if (!a || len.empty() || len.size() > 2 ||
                     len.find_first_not_of("0123456789") != len.npos || std::stoi(len) > 32) {
                     c.fail(n, "invalid subnet '" + text + "' (expected 'address/len')");
                 }
                 d.subnet.prefix = Ipv4Prefix{*a, uint8_t(std::stoi(len))};
             }},
            {"pools",
             [](auto& c, auto& n, auto& d) {
                 forEachElement(c, n, [&](const Node& e, size_t) {
                     Pool p;
                     applyMap(c, e, poolKeys(), poolInfo(), p);
                     if (!e.value.contains("pool")) {
                         c.fail(e, "missing 'pool'");
                     }
                     d.subnet.pools.push_back(std::move(p));
                 });
             },
             &poolInfo},
            {"option-data",
             [](auto& c, auto& n, auto& d) { d.subnet.options = parseOptionData(c, n); },
             &optionDataInfo},
            {"reservations",
             [](auto& c, auto& n, auto& d) { d.subnet.reservations = parseReservations(c, n); },
             &reservationInfo},
            {"require-client-classes",
             [](auto& c, auto& n, auto& d) { d.subnet.requiredClasses = parseClassList(c, n); }},
            {"evaluate-additional-classes",
             [](auto& c, auto& n, auto& d) { d.subnet.requiredClasses = parseClassList(c, n); }},
            {"user-context", [](auto&, auto& n, auto& d) { d.subnet.userContext = n.value; }},
        };
        addInheritable(k);
        addNetworkLevel(k);
        return k;
    }();
    return t;
}

const KeyTable<NetworkDraft>& sharedNetworkKeys() {
    static const KeyTable<NetworkDraft> t = [] {
        KeyTable<NetworkDraft> k = {
            {"name", [](auto& c, auto& n, auto& d) { d.net.name = getString(c, n, false); }},
            {"option-data",
             [](auto& c, auto& n, auto& d) { d.net.options = parseOptionData(c, n); },
             &optionDataInfo},
            {"subnet4", [](auto& c, auto& n, auto& d) { parseSubnetList(c, n, d.subnets); },
             &subnetInfo},
            {"require-client-classes",
             [](auto& c, auto& n, auto& d) { d.net.requiredClasses = parseClassList(c, n); }},
            {"evaluate-additional-classes",
             [](auto& c, auto& n, auto& d) { d.net.requiredClasses = parseClassList(c, n); }},
            {"user-context", [](auto&, auto& n, auto& d) { d.net.userContext = n.value; }},
        };
        addInheritable(k);
        addNetworkLevel(k);
        return k;
    }();
    return t;
}

// Kea keys of these levels that Kahu does not implement: refused, never ignored.
// ("client-classes" is Kea 3.0's list form of client-class at these levels.)
const std::vector<std::string> kUnsupportedNetworkKeys =
    withUnsupportedInheritableKeys({"4o6-interface-id", "client-classes"});

} // namespace

const MapInfo& relayInfo() {
    static const MapInfo i = makeMapInfo("relay", relayKeys(), {});
    return i;
}
const MapInfo& poolInfo() {
    static const MapInfo i = makeMapInfo("pools[]", poolKeys(), {"client-classes"});
    return i;
}
const MapInfo& subnetInfo() {
    static const MapInfo i = makeMapInfo("subnet4[]", subnetKeys(), kUnsupportedNetworkKeys);
    return i;
}
const MapInfo& sharedNetworkInfo() {
    static const MapInfo i =
        makeMapInfo("shared-networks[]", sharedNetworkKeys(), kUnsupportedNetworkKeys);
    return i;
}

void parseSubnetList(ParseContext& ctx, const Node& n, std::vector<SubnetDraft>& out) {
    forEachElement(ctx, n, [&](const Node& e, size_t) {
        SubnetDraft d;
        d.path = e.path;
        applyMap(ctx, e, subnetKeys(), subnetInfo(), d);
        if (!e.value.contains("subnet")) {
            ctx.fail(e, "missing 'subnet'");
        }
        out.push_back(std::move(d));
    });
}

void parseSharedNetworks(ParseContext& ctx, const Node& n, std::vector<NetworkDraft>& out) {
    forEachElement(ctx, n, [&](const Node& e, size_t) {
        NetworkDraft d;
        d.path = e.path;
        applyMap(ctx, e, sharedNetworkKeys(), sharedNetworkInfo(), d);
        if (!e.value.contains("name")) {
            ctx.fail(e, "missing 'name'");
        }
        for (const auto& other : out) {
            if (other.net.name == d.net.name) {
                ctx.fail(e, "duplicate shared network name '" + d.net.name + "'");
            }
        }
        out.push_back(std::move(d));
    });
}

} // namespace kahu::config
