// SPDX-License-Identifier: MPL-2.0
// The definition registry and Kea's standard DHCPv4 table. Encoding lives in option_codec.cc.
#include "dhcp/option_wire.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <kahu/dhcp/option_definition.h>
#include <kahu/error.h>
#include <utility>

namespace kahu {

namespace {

struct TypeName {
    OptionDataType type;
    const char* name;
};

constexpr std::array<TypeName, 18> kTypeNames = {{
    {OptionDataType::Empty, "empty"},
    {OptionDataType::Binary, "binary"},
    {OptionDataType::Boolean, "boolean"},
    {OptionDataType::Int8, "int8"},
    {OptionDataType::Int16, "int16"},
    {OptionDataType::Int32, "int32"},
    {OptionDataType::Uint8, "uint8"},
    {OptionDataType::Uint16, "uint16"},
    {OptionDataType::Uint32, "uint32"},
    {OptionDataType::Ipv4Address, "ipv4-address"},
    {OptionDataType::Ipv6Address, "ipv6-address"},
    {OptionDataType::Ipv6Prefix, "ipv6-prefix"},
    {OptionDataType::Psid, "psid"},
    {OptionDataType::String, "string"},
    {OptionDataType::Tuple, "tuple"},
    {OptionDataType::Fqdn, "fqdn"},
    {OptionDataType::Record, "record"},
    {OptionDataType::InternalPrefixList, "internal"},
}};

using T = OptionDataType;

constexpr const char* kAgent = "dhcp-agent-options-space";

// Entries Kea 2.2's standard table does not have (it treats 43 as a last-resort definition
// and knows none of the others). Kea 2.2 lets a config define these codes itself, so an
// option-def for one of them replaces the built-in entry instead of being refused.
struct LaterKea {
    const char* space;
    uint8_t code;
};
constexpr std::array<LaterKea, 9> kLaterKeaDhcp4 = {{
    {"dhcp4", 43},
    {"dhcp4", 121},
    {"dhcp4", 151},
    {"dhcp4", 152},
    {"dhcp4", 153},
    {"dhcp4", 154},
    {"dhcp4", 155},
    {"dhcp4", 156},
    {"dhcp4", 157},
}};

bool isLaterKea(const OptionDefinition& d) {
    if (d.space == kAgent) {
        return true;
    }
    for (const auto& e : kLaterKeaDhcp4) {
        if (d.space == e.space && d.code == e.code) {
            return true;
        }
    }
    return false;
}

// True when `d` is the built-in definition itself (user definitions that collide with a
// built-in one are refused or replace it, so a match on all three keys is the built-in).
bool isBuiltIn(const OptionDefinition& d) {
    const auto* s = OptionDefinitions::standard().byCode(d.code, d.space);
    return s && s->name == d.name;
}

OptionDefinition def(const char* name, uint8_t code, T type, bool array = false,
                     std::vector<T> record = {}, const char* encapsulate = "",
                     const char* space = "dhcp4") {
    return OptionDefinition{name, code, space, type, array, std::move(record), encapsulate};
}

// Kea's STANDARD_V4_OPTION_DEFINITIONS (std_option_defs.h), entry for entry as compiled into
// Kea 2.2's libkea-dhcp++ (tests/core/dhcp/option_definition_test.cc pins all of them), plus
// what later Kea added (43 as a normal entry, 121 from 2.6, 151-157 and the RAI sub-options
// from 2.4), so option-data written for either version encodes identically.
std::vector<OptionDefinition> standardTable() {
    const auto ip = T::Ipv4Address;
    const auto ips = [](const char* n, uint8_t c) { return def(n, c, T::Ipv4Address, true); };
    return {
        def("subnet-mask", 1, ip),
        def("time-offset", 2, T::Int32),
        ips("routers", 3),
        ips("time-servers", 4),
        ips("name-servers", 5),
        ips("domain-name-servers", 6),
        ips("log-servers", 7),
        ips("cookie-servers", 8),
        ips("lpr-servers", 9),
        ips("impress-servers", 10),
        ips("resource-location-servers", 11),
        def("host-name", 12, T::String),
        def("boot-size", 13, T::Uint16),
        def("merit-dump", 14, T::String),
        def("domain-name", 15, T::String),
        def("swap-server", 16, ip),
        def("root-path", 17, T::String),
        def("extensions-path", 18, T::String),
        def("ip-forwarding", 19, T::Boolean),
        def("non-local-source-routing", 20, T::Boolean),
        ips("policy-filter", 21),
        def("max-dgram-reassembly", 22, T::Uint16),
        def("default-ip-ttl", 23, T::Uint8),
        def("path-mtu-aging-timeout", 24, T::Uint32),
        def("path-mtu-plateau-table", 25, T::Uint16, true),
        def("interface-mtu", 26, T::Uint16),
        def("all-subnets-local", 27, T::Boolean),
        def("broadcast-address", 28, ip),
        def("perform-mask-discovery", 29, T::Boolean),
        def("mask-supplier", 30, T::Boolean),
        def("router-discovery", 31, T::Boolean),
        def("router-solicitation-address", 32, ip),
        ips("static-routes", 33),
        def("trailer-encapsulation", 34, T::Boolean),
        def("arp-cache-timeout", 35, T::Uint32),
        def("ieee802-3-encapsulation", 36, T::Boolean),
        def("default-tcp-ttl", 37, T::Uint8),
        def("tcp-keepalive-interval", 38, T::Uint32),
        def("tcp-keepalive-garbage", 39, T::Boolean),
        def("nis-domain", 40, T::String),
        ips("nis-servers", 41),
        ips("ntp-servers", 42),
        def("vendor-encapsulated-options", 43, T::Empty, false, {},
            "vendor-encapsulated-options-space"),
        ips("netbios-name-servers", 44),
        ips("netbios-dd-server", 45),
        def("netbios-node-type", 46, T::Uint8),
        def("netbios-scope", 47, T::String),
        ips("font-servers", 48),
        ips("x-display-manager", 49),
        def("dhcp-requested-address", 50, ip),
        def("dhcp-lease-time", 51, T::Uint32),
        def("dhcp-option-overload", 52, T::Uint8),
        def("dhcp-message-type", 53, T::Uint8),
        def("dhcp-server-identifier", 54, ip),
        def("dhcp-parameter-request-list", 55, T::Uint8, true),
        def("dhcp-message", 56, T::String),
        def("dhcp-max-message-size", 57, T::Uint16),
        def("dhcp-renewal-time", 58, T::Uint32),
        def("dhcp-rebinding-time", 59, T::Uint32),
        def("vendor-class-identifier", 60, T::String),
        def("dhcp-client-identifier", 61, T::Binary),
        def("nwip-domain-name", 62, T::String),
        def("nwip-suboptions", 63, T::Binary),
        def("nisplus-domain-name", 64, T::String),
        ips("nisplus-servers", 65),
        def("tftp-server-name", 66, T::String),
        def("boot-file-name", 67, T::String),
        ips("mobile-ip-home-agent", 68),
        ips("smtp-server", 69),
        ips("pop-server", 70),
        ips("nntp-server", 71),
        ips("www-server", 72),
        ips("finger-server", 73),
        ips("irc-server", 74),
        ips("streettalk-server", 75),
        ips("streettalk-directory-assistance-server", 76),
        def("user-class", 77, T::Binary),
        def("slp-directory-agent", 78, T::Record, true, {T::Boolean, T::Ipv4Address}),
        def("slp-service-scope", 79, T::Record, false, {T::Boolean, T::String}),
        def("fqdn", 81, T::Record, false, {T::Uint8, T::Uint8, T::Uint8, T::Fqdn}),
        def("dhcp-agent-options", 82, T::Empty, false, {}, "dhcp-agent-options-space"),
        ips("nds-servers", 85),
        def("nds-tree-name", 86, T::String),
        def("nds-context", 87, T::String),
        def("bcms-controller-names", 88, T::Fqdn, true),
        ips("bcms-controller-address", 89),
        def("authenticate", 90, T::Binary),
        def("client-last-transaction-time", 91, T::Uint32),
        ips("associated-ip", 92),
        def("client-system", 93, T::Uint16, true),
        def("client-ndi", 94, T::Record, false, {T::Uint8, T::Uint8, T::Uint8}),
        def("uuid-guid", 97, T::Record, false, {T::Uint8, T::Binary}),
        def("uap-servers", 98, T::String),
        def("geoconf-civic", 99, T::Binary),
        def("pcode", 100, T::String),
        def("tcode", 101, T::String),
        def("v6-only-preferred", 108, T::Uint32),
        ips("netinfo-server-address", 112),
        def("netinfo-server-tag", 113, T::String),
        def("v4-captive-portal", 114, T::String),
        def("auto-config", 116, T::Uint8),
        def("name-service-search", 117, T::Uint16, true),
        def("subnet-selection", 118, ip),
        def("domain-search", 119, T::Fqdn, true),
        def("classless-static-route", 121, T::InternalPrefixList),
        def("vivco-suboptions", 124, T::Record, false, {T::Uint32, T::Binary}),
        def("vivso-suboptions", 125, T::Uint32),
        ips("pana-agent", 136),
        def("v4-lost", 137, T::Fqdn),
        ips("capwap-ac-v4", 138),
        def("sip-ua-cs-domains", 141, T::Fqdn, true),
        def("rdnss-selection", 146, T::Record, true,
            {T::Uint8, T::Ipv4Address, T::Ipv4Address, T::Fqdn}),
        def("status-code", 151, T::Record, false, {T::Uint8, T::String}),
        def("base-time", 152, T::Uint32),
        def("start-time-of-state", 153, T::Uint32),
        def("query-start-time", 154, T::Uint32),
        def("query-end-time", 155, T::Uint32),
        def("dhcp-state", 156, T::Uint8),
        def("data-source", 157, T::Uint8),
        def("v4-portparams", 159, T::Record, false, {T::Uint8, T::Psid}),
        def("option-6rd", 212, T::Record, true,
            {T::Uint8, T::Uint8, T::Ipv6Address, T::Ipv4Address}),
        def("v4-access-domain", 213, T::Fqdn),

        // Relay agent information sub-options (dhcp-agent-options-space): Kea 2.4+ defines
        // these; 2.2 has none, so configs written for 2.2 may define them (see kLaterKea).
        def("circuit-id", 1, T::Binary, false, {}, "", kAgent),
        def("remote-id", 2, T::Binary, false, {}, "", kAgent),
        def("docsis-device-class", 4, T::Uint32, false, {}, "", kAgent),
        def("link-selection", 5, ip, false, {}, "", kAgent),
        def("subscriber-id", 6, T::String, false, {}, "", kAgent),
        def("radius", 7, T::Binary, false, {}, "", kAgent),
        def("auth", 8, T::Binary, false, {}, "", kAgent),
        def("vendor-specific-info", 9, T::Binary, false, {}, "", kAgent),
        def("relay-flags", 10, T::Uint8, false, {}, "", kAgent),
        def("server-id-override", 11, ip, false, {}, "", kAgent),
        def("relay-id", 12, T::Binary, false, {}, "", kAgent),
        def("access-techno-type", 13, T::Uint16, false, {}, "", kAgent),
        def("access-network-name", 14, T::String, false, {}, "", kAgent),
        def("access-point-name", 15, T::String, false, {}, "", kAgent),
        def("access-point-bssid", 16, T::Binary, false, {}, "", kAgent),
        def("operator-id", 17, T::Uint32, false, {}, "", kAgent),
        def("operator-realm", 18, T::String, false, {}, "", kAgent),
        def("relay-port", 19, T::Uint16, false, {}, "", kAgent),
        def("virtual-subnet-select", 151, T::Binary, false, {}, "", kAgent),
        def("virtual-subnet-select-ctrl", 152, T::Empty, false, {}, "", kAgent),

        // DOCSIS3 (docsis3_option_defs.h): Kea knows them as the vendor options of
        // CableLabs (enterprise 4491, sent inside option 125) and under the space name
        // "docsis3-v4", which option-data may use but which Kea never sends.
        def("oro", 1, T::Uint8, true, {}, "", "vendor-4491"),
        def("tftp-servers", 2, ip, true, {}, "", "vendor-4491"),
        def("oro", 1, T::Uint8, true, {}, "", "docsis3-v4"),
        def("tftp-servers", 2, ip, true, {}, "", "docsis3-v4"),
    };
}

} // namespace

const char* toString(OptionDataType type) noexcept {
    for (const auto& t : kTypeNames) {
        if (t.type == type) {
            return t.name;
        }
    }
    return "unknown";
}

bool optionDataTypeFromText(std::string_view text, OptionDataType& out) noexcept {
    for (const auto& t : kTypeNames) {
        // "internal" is how Kea marks formats it handles by hand; an operator cannot use it.
        if (text == t.name && t.type != OptionDataType::InternalPrefixList) {
            out = t.type;
            return true;
        }
    }
    return false;
}

bool kea22KnowsDefinition(const OptionDefinition& d) noexcept {
    if (d.space == "dhcp4" && d.code == 43) {
        return true; // Kea 2.2's last-resort definition, the same as the built-in one
    }
    if (!isLaterKea(d)) {
        return true;
    }
    // A configuration's own definition for one of these codes is one Kea 2.2 has too.
    const auto* s = OptionDefinitions::standard().byCode(d.code, d.space);
    return !(s && s->name == d.name && s->type == d.type && s->array == d.array &&
             s->recordTypes == d.recordTypes && s->encapsulate == d.encapsulate);
}

const OptionDefinitions& OptionDefinitions::standard() {
    static const OptionDefinitions defs = [] {
        OptionDefinitions d;
        d.defs_ = standardTable();
        return d;
    }();
    return defs;
}

const OptionDefinition* OptionDefinitions::byName(std::string_view name,
                                                  std::string_view space) const noexcept {
    for (const auto& d : defs_) {
        if (d.name == name && d.space == space) {
            return &d;
        }
    }
    return nullptr;
}

const OptionDefinition* OptionDefinitions::byCode(uint8_t code,
                                                  std::string_view space) const noexcept {
    for (const auto& d : defs_) {
        if (d.code == code && d.space == space) {
            return &d;
        }
    }
    return nullptr;
}

void OptionDefinitions::add(OptionDefinition def) {
    // Kea refuses to redefine its standard dhcp4 options, by code first, then by name.
    for (auto it = defs_.begin(); it != defs_.end(); ++it) {
        if (it->space != def.space || (it->code != def.code && it->name != def.name) ||
            !isBuiltIn(*it)) {
            continue;
        }
        if (isLaterKea(*it)) {
            defs_.erase(it);
            break;
        }
        const std::string what = it->code == def.code ? std::to_string(def.code) : def.name;
        throw Error("unable to override definition of option '" + what +
                    "' in standard option space '" + def.space + "'");
    }
    if (byName(def.name, def.space)) {
        throw Error("option definition '" + def.name + "' already exists in space '" + def.space +
                    "'");
    }
    if (const auto* other = byCode(def.code, def.space)) {
        throw Error("option code " + std::to_string(def.code) + " in space '" + def.space +
                    "' is already defined as '" + other->name + "'");
    }
    // Kea's OptionDefinition::validate: letters, digits, '-' and '_', neither of the last two
    // first or last.
    const auto nameChar = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    };
    if (def.name.empty() || !std::all_of(def.name.begin(), def.name.end(), nameChar) ||
        def.name.front() == '-' || def.name.front() == '_' || def.name.back() == '-' ||
        def.name.back() == '_') {
        throw Error("invalid option name '" + def.name + "'");
    }
    // Kea's OptionDefinition::validate (arrays of records are fine: Kea's all-options.json).
    if (def.array && def.type == OptionDataType::String) {
        throw Error("array of strings is not a valid option definition.");
    }
    if (def.array && def.type == OptionDataType::Binary) {
        throw Error("array of binary values is not a valid option definition.");
    }
    if (def.array && def.type == OptionDataType::Empty) {
        throw Error("array of empty value is not a valid option definition.");
    }
    if (def.space == "dhcp4" && (def.code == 0 || def.code == 255)) {
        throw Error("option code " + std::to_string(def.code) +
                    " is reserved in space 'dhcp4' (PAD and END)");
    }
    if (def.type == OptionDataType::Record && def.recordTypes.empty()) {
        throw Error("option definition '" + def.name + "' of type record needs record-types");
    }
    defs_.push_back(std::move(def));
}

} // namespace kahu
