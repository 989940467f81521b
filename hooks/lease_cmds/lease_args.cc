// SPDX-License-Identifier: MPL-2.0
// Argument reading shared by every lease command. The texts are Kea's (lease_cmds.cc and
// SimpleParser), without the "(<wire>:line:col)" positions Kea appends: Kahu's control channel
// does not keep positions of command JSON.
#include "lease_args.h"

#include <arpa/inet.h>
#include <limits>

namespace kahu::lease_cmds {

void argError(const std::string& text) {
    throw CommandError(CommandResult::Error, text);
}

namespace {

const nlohmann::json& require(const nlohmann::json& scope, const std::string& name) {
    auto it = scope.find(name);
    if (it == scope.end()) {
        argError("missing parameter '" + name + "'");
    }
    return *it;
}

[[noreturn]] void badType(const std::string& name) {
    argError("invalid type specified for parameter '" + name + "'");
}

template <class T> T getIntType(const nlohmann::json& scope, const std::string& name) {
    int64_t v = getInteger(scope, name);
    if (v < int64_t(std::numeric_limits<T>::min()) || v > int64_t(std::numeric_limits<T>::max())) {
        argError("out of range value (" + std::to_string(v) + ") specified for parameter '" + name +
                 "'");
    }
    return static_cast<T>(v);
}

} // namespace

std::string getString(const nlohmann::json& scope, const std::string& name) {
    const auto& v = require(scope, name);
    if (!v.is_string()) {
        badType(name);
    }
    return v.get<std::string>();
}

int64_t getInteger(const nlohmann::json& scope, const std::string& name) {
    const auto& v = require(scope, name);
    if (v.is_number_unsigned()) {
        // Larger than any int64: Kea's JSON reader refuses it; name the parameter instead.
        if (v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
            argError("out of range value (" + v.dump() + ") specified for parameter '" + name +
                     "'");
        }
        return int64_t(v.get<uint64_t>());
    }
    if (!v.is_number_integer()) {
        badType(name);
    }
    return v.get<int64_t>();
}

uint32_t getUint32(const nlohmann::json& scope, const std::string& name) {
    return getIntType<uint32_t>(scope, name);
}

uint8_t getUint8(const nlohmann::json& scope, const std::string& name) {
    return getIntType<uint8_t>(scope, name);
}

bool getBoolean(const nlohmann::json& scope, const std::string& name) {
    const auto& v = require(scope, name);
    if (!v.is_boolean()) {
        badType(name);
    }
    return v.get<bool>();
}

AddressText classifyAddress(const std::string& text, Ipv4Address& out) {
    if (auto a = Ipv4Address::fromText(text)) {
        out = *a;
        return AddressText::Valid;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
        return AddressText::Ipv6;
    }
    return AddressText::Invalid;
}

std::vector<uint8_t> parseHex(const std::string& text, const std::string& name) {
    if (text.empty()) {
        return {};
    }
    auto bytes = fromHexText(text);
    if (!bytes) {
        argError("'" + text + "' is not a valid string of hexadecimal digits for parameter '" +
                 name + "'");
    }
    return *bytes;
}

HwAddr parseHwAddr(const std::string& text, const std::string& name) {
    HwAddr hw;
    hw.bytes = parseHex(text, name);
    if (hw.bytes.size() > 20) {
        argError("hardware address in parameter '" + name + "' is longer than 20 bytes");
    }
    return hw;
}

ClientId parseClientId(const std::string& text) {
    ClientId id = parseHex(text, "client-id");
    if (id.size() < 2) {
        argError("client-id is too short (" + std::to_string(id.size()) +
                 "), at least 2 is required");
    }
    if (id.size() > 255) {
        argError("client-id is too large (" + std::to_string(id.size()) +
                 "), at most 255 is required");
    }
    return id;
}

LeaseSelector parseSelector(const nlohmann::json& args, const char* verb) {
    if (!args.is_object()) {
        argError("Parameters missing or are not a map.");
    }
    LeaseSelector sel;
    if (auto it = args.find("update-ddns"); it != args.end()) {
        if (!it->is_boolean()) {
            argError("'update-ddns' is not a boolean");
        }
        sel.updateDdns = it->get<bool>();
    }
    if (auto it = args.find("type"); it != args.end()) {
        // Accepted for symmetry with lease6-*; a v4 lease has one type.
        static const char* kTypes[] = {"IA_NA", "0", "IA_TA", "1", "IA_PD", "2", "V4", "3"};
        bool known = false;
        if (it->is_string()) {
            for (const char* t : kTypes) {
                known = known || it->get<std::string>() == t;
            }
        }
        if (!known) {
            argError("Invalid lease type specified: " +
                     (it->is_string() ? it->get<std::string>() : it->dump()) +
                     ", only supported values are: IA_NA, IA_TA, IA_PD and V4");
        }
    }
    if (auto it = args.find("ip-address"); it != args.end()) {
        if (!it->is_string()) {
            argError("'ip-address' is not a string.");
        }
        const auto text = it->get<std::string>();
        switch (classifyAddress(text, sel.address)) {
        case AddressText::Valid:
            break;
        case AddressText::Ipv6:
            argError("Invalid IPv4 address specified: " + text);
        case AddressText::Invalid:
            argError("Failed to convert string to address '" + text + "': Invalid argument");
        }
        sel.kind = LeaseSelector::Kind::Address;
        return sel;
    }

    auto sid = args.find("subnet-id");
    if (sid == args.end()) {
        argError("Mandatory 'subnet-id' parameter missing.");
    }
    if (!sid->is_number_integer()) {
        argError("'subnet-id' parameter is not integer.");
    }
    sel.subnetId = static_cast<SubnetId>(sid->get<int64_t>());

    auto type = args.find("identifier-type");
    auto ident = args.find("identifier");
    if (type == args.end() || !type->is_string()) {
        argError("No 'ip-address' provided and 'identifier-type' is either missing or not a "
                 "string.");
    }
    if (ident == args.end() || !ident->is_string()) {
        argError("No 'ip-address' provided and 'identifier' is either missing or not a string.");
    }
    const auto t = type->get<std::string>();
    if (t == "hw-address") {
        sel.kind = LeaseSelector::Kind::HwAddress;
        sel.hwAddr = parseHwAddr(ident->get<std::string>(), "identifier");
    } else if (t == "client-id") {
        sel.kind = LeaseSelector::Kind::ClientId;
        sel.clientId = parseHex(ident->get<std::string>(), "identifier");
    } else if (t == "address") {
        // Kea accepts it and then looks up the unspecified address: nothing is found.
        sel.kind = LeaseSelector::Kind::Address;
        sel.address = Ipv4Address();
    } else if (t == "duid") {
        argError(std::string(verb) + " by duid is not allowed in v4.");
    } else {
        // Kea's text; client-id works although it is not listed.
        argError("Incorrect identifier type: " + t +
                 ", the only supported values are: address, hw-address, duid");
    }
    return sel;
}

} // namespace kahu::lease_cmds
