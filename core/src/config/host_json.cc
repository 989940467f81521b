// SPDX-License-Identifier: MPL-2.0
// Reservations to and from the host commands' JSON (kahu/host/host_json.h).
#include "config/config_drafts.h"

#include <kahu/host/host_json.h>

namespace kahu {

namespace {

constexpr std::pair<IdentifierType, std::string_view> kNames[] = {
    {IdentifierType::HwAddress, "hw-address"}, {IdentifierType::Duid, "duid"},
    {IdentifierType::CircuitId, "circuit-id"}, {IdentifierType::ClientIdentifier, "client-id"},
    {IdentifierType::FlexId, "flex-id"},
};

std::string upperHex(const std::vector<uint8_t>& bytes) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (uint8_t b : bytes) {
        s += kHex[b >> 4];
        s += kHex[b & 0xf];
    }
    return s;
}

nlohmann::json optionToJson(const OptionData& o) {
    const bool formatted = o.csvFormat && !o.text.empty();
    nlohmann::json j = {
        {"always-send", o.alwaysSend}, {"code", o.code},
        {"csv-format", formatted},     {"data", formatted ? o.text : upperHex(o.data)},
        {"never-send", o.neverSend},   {"space", o.space}};
    if (!o.name.empty()) {
        j["name"] = o.name;
    }
    return j;
}

} // namespace

std::string_view identifierTypeName(IdentifierType type) noexcept {
    for (const auto& [t, name] : kNames) {
        if (t == type) {
            return name;
        }
    }
    return "hw-address";
}

std::optional<IdentifierType> identifierTypeFromName(std::string_view name) noexcept {
    for (const auto& [t, n] : kNames) {
        if (n == name) {
            return t;
        }
    }
    return std::nullopt;
}

std::optional<std::vector<uint8_t>> identifierFromText(std::string_view text, IdentifierType type) {
    const bool quotable = type == IdentifierType::CircuitId ||
                          type == IdentifierType::ClientIdentifier ||
                          type == IdentifierType::FlexId;
    if (quotable && text.size() >= 3 && text.front() == '\'' && text.back() == '\'') {
        return std::vector<uint8_t>(text.begin() + 1, text.end() - 1);
    }
    auto bytes = fromHexText(text);
    if (!bytes || bytes->empty()) {
        return std::nullopt;
    }
    return bytes;
}

std::string identifierToText(IdentifierType type, const std::vector<uint8_t>& bytes) {
    const bool colon = type == IdentifierType::HwAddress || type == IdentifierType::Duid;
    return colon ? toColonHex(bytes) : upperHex(bytes);
}

nlohmann::json reservationToJson(const Reservation& host) {
    nlohmann::json j = {
        {"boot-file-name", host.bootFileName.value_or("")},
        {"client-classes", host.clientClasses},
        {"hostname", host.hostname},
        {"next-server", host.nextServer ? host.nextServer->str() : "0.0.0.0"},
        {"option-data", nlohmann::json::array()},
        {"server-hostname", host.serverHostname.value_or("")},
    };
    for (const auto& o : host.options) {
        j["option-data"].push_back(optionToJson(o));
    }
    if (auto type = identifierTypeOf(host)) {
        j[std::string(identifierTypeName(*type))] =
            identifierToText(*type, *identifierOf(host, *type));
    }
    if (host.ipAddress && host.ipAddress->value() != 0) {
        j["ip-address"] = host.ipAddress->str();
    }
    if (!host.userContext.is_null()) {
        j["user-context"] = host.userContext;
    }
    return j;
}

Reservation reservationFromJson(const nlohmann::json& map, const ServerConfig& config) {
    config::ParseContext ctx;
    ctx.origin = "reservation";
    ctx.optionDefs = config.optionDefs
                         ? std::make_shared<OptionDefinitions>(*config.optionDefs)
                         : std::make_shared<OptionDefinitions>(OptionDefinitions::standard());
    try {
        return config::parseReservation(ctx, config::Node{map, "reservation"});
    } catch (const Error& e) {
        // "reservation:0:0: reservation.key: text": no file here, so no position.
        std::string text = e.what();
        if (text.rfind("reservation:0:0: ", 0) == 0) {
            text.erase(0, std::string_view("reservation:0:0: ").size());
        }
        throw Error(text);
    }
}

} // namespace kahu
