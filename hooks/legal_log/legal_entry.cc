// SPDX-License-Identifier: MPL-2.0
#include "legal_entry.h"

#include <kahu/error.h>
#include <kahu/kea_json.h>
#include <utility>

namespace kahu::legal_log {

namespace {

using nlohmann::json;

void appendId(std::string& out, std::span<const uint8_t> id) {
    out += toColonHex(id.data(), id.size());
    if (printable(id)) {
        out += " (";
        out.append(id.begin(), id.end());
        out += ')';
    }
}

/// Kea's getOptionalString: a string member, or nothing (absent or another type).
std::optional<std::string> optString(const json& args, const char* key) {
    if (!args.is_object()) {
        return std::nullopt;
    }
    auto it = args.find(key);
    if (it == args.end() || !it->is_string()) {
        return std::nullopt;
    }
    return it->get<std::string>();
}

std::optional<int64_t> optInt(const json& args, const char* key) {
    if (!args.is_object()) {
        return std::nullopt;
    }
    auto it = args.find(key);
    if (it == args.end() || !it->is_number_integer()) {
        return std::nullopt;
    }
    return it->get<int64_t>();
}

/// Kea's SimpleParser::getString: the member must be there and be a string.
std::string reqString(const json& args, const char* key) {
    auto v = optString(args, key);
    if (!v) {
        throw Error(std::string("missing or non-string parameter '") + key + "'");
    }
    return *v;
}

} // namespace

std::string durationText(uint32_t secs) {
    if (secs == 0xffffffffu) {
        return "infinite duration";
    }
    const uint32_t seconds = secs % 60;
    const uint32_t minutes = (secs / 60) % 60;
    const uint32_t hours = (secs / 3600) % 24;
    const uint32_t days = secs / 86400;
    std::string out;
    if (days != 0) {
        out += std::to_string(days) + " days ";
    }
    out += std::to_string(hours) + " hrs " + std::to_string(minutes) + " mins " +
           std::to_string(seconds) + " secs";
    return out;
}

bool printable(std::span<const uint8_t> bytes) noexcept {
    for (uint8_t b : bytes) {
        if (b < 0x20 || b > 0x7e) {
            return false;
        }
    }
    return true;
}

std::string lease4Entry(const Packet4& query, const Packet4* response, const Lease4& lease,
                        Action action, const CustomFormat& format) {
    if (format.active()) {
        std::string value;
        if (format.request) {
            value = format.request->evaluateString(query);
        }
        if (format.response && response != nullptr) {
            value += format.response->evaluateString(*response);
        }
        return value;
    }

    std::string out = "Address: " + lease.address.str() + " has been ";
    if (action == Action::Release) {
        out += "released from";
    } else {
        out += "assigned for " + durationText(lease.validLifetime) + " to";
    }
    out += " a device with hardware address: hwtype=" + std::to_string(lease.hwAddr.htype) + " " +
           lease.hwAddr.str();

    if (!lease.clientId.empty()) {
        out += ", client-id: ";
        appendId(out, lease.clientId);
    }

    if (!query.giaddr.isZero()) {
        out += " connected via relay at address: " + query.giaddr.str();
        std::string ids;
        // circuit-id (1), remote-id (2), subscriber-id (6), in Kea's order.
        static constexpr std::pair<uint8_t, const char*> kIds[] = {
            {1, "circuit-id: "}, {2, "remote-id: "}, {6, "subscriber-id: "}};
        for (const auto& [sub, label] : kIds) {
            auto id = query.relaySubOption(sub);
            if (!id || id->empty()) {
                continue;
            }
            if (!ids.empty()) {
                ids += " and ";
            }
            ids += label;
            appendId(ids, *id);
        }
        if (!ids.empty()) {
            out += ", identified by " + ids;
        }
    }

    if (!lease.userContext.is_null()) {
        out += ", context: " + keaText(lease.userContext);
    }
    return out;
}

std::optional<std::string> commandEntry(std::string_view name, const json& args, int64_t now,
                                        std::string& address) {
    const bool add = name == "lease4-add";
    const bool update = name == "lease4-update";
    const bool del = name == "lease4-del";
    if (!add && !update && !del) {
        return std::nullopt;
    }
    std::string out = optString(args, "origin") == "ha-partner" ? "HA partner" : "Administrator";
    if (del) {
        if (auto ip = optString(args, "ip-address")) {
            address = *ip;
            out += " deleted the lease for address: " + *ip;
        } else {
            out += " deleted a lease for a device identified by: " +
                   reqString(args, "identifier-type") + " of " + reqString(args, "identifier");
        }
        return out;
    }

    out += add ? " added a lease of address: " : " updated information on the lease of address: ";
    address = reqString(args, "ip-address");
    out += address + " to a device with hardware address: " + reqString(args, "hw-address");

    if (auto cid = optString(args, "client-id")) {
        out += ", client-id: " + *cid;
        // Kea prints a printable client identifier as text too (ClientId::fromText: at
        // least two bytes).
        if (auto bytes = fromHexText(*cid); bytes && bytes->size() >= 2 && printable(*bytes)) {
            out += " (" + std::string(bytes->begin(), bytes->end()) + ")";
        }
    }

    int64_t duration = 0;
    if (auto lft = optInt(args, "valid-lft")) {
        duration = *lft;
    } else if (auto expire = optInt(args, "expire")) {
        duration = *expire - now;
    }
    if (duration > 0) {
        out += " for " + durationText(static_cast<uint32_t>(duration));
    }

    // The comment goes into the user context, as Kea shows it.
    const json* ctx = nullptr;
    json merged;
    if (auto it = args.find("user-context"); it != args.end() && !it->is_null()) {
        ctx = &*it;
    }
    if (auto it = args.find("comment"); it != args.end() && !it->is_null()) {
        merged = ctx != nullptr && ctx->is_object() ? *ctx : json::object();
        merged["comment"] = *it;
        ctx = &merged;
    }
    if (ctx != nullptr) {
        out += ", context: " + keaText(*ctx);
    }
    return out;
}

std::string oneLine(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        } else {
            out += ch;
        }
    }
    return out;
}

} // namespace kahu::legal_log
