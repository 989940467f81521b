// SPDX-License-Identifier: MPL-2.0
// Host reservations (subnet-level and global).
#include "config/config_drafts.h"

#include <unordered_map>
#include <unordered_set>

namespace kahu::config {

namespace {

// Identifiers are hex ("01:02:03") or, for circuit-id/client-id/flex-id, a quoted string
// ('abc') as Kea accepts.
std::vector<uint8_t> identifierBytes(ParseContext& c, const Node& n, bool allowQuoted) {
    auto text = getString(c, n, false);
    if (allowQuoted && text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
        return std::vector<uint8_t>(text.begin() + 1, text.end() - 1);
    }
    auto bytes = fromHexText(text);
    if (!bytes || bytes->empty()) {
        c.fail(n, "'" + text + "' is not a valid identifier (hex bytes expected)");
    }
    return *bytes;
}

const KeyTable<Reservation>& reservationKeys() {
    static const KeyTable<Reservation> t = {
        {"hw-address",
         [](auto& c, auto& n, auto& r) {
             auto b = identifierBytes(c, n, false);
             if (b.size() > 20) {
                 c.fail(n, "hardware address longer than 20 bytes");
             }
             r.hwAddress = HwAddr{1, std::move(b)};
         }},
        {"duid", [](auto& c, auto& n, auto& r) { r.duid = identifierBytes(c, n, false); }},
        {"circuit-id",
         [](auto& c, auto& n, auto& r) { r.circuitId = identifierBytes(c, n, true); }},
        {"client-id", [](auto& c, auto& n, auto& r) { r.clientId = identifierBytes(c, n, true); }},
        {"flex-id", [](auto& c, auto& n, auto& r) { r.flexId = identifierBytes(c, n, true); }},
        {"ip-address", [](auto& c, auto& n, auto& r) { r.ipAddress = getIpv4(c, n); }},
        {"hostname", [](auto& c, auto& n, auto& r) { r.hostname = getString(c, n); }},
        {"option-data", [](auto& c, auto& n, auto& r) { r.options = parseOptionData(c, n); },
         &optionDataInfo},
        {"client-classes",
         [](auto& c, auto& n, auto& r) {
             forEachElement(c, n, [&](const Node& e, size_t) {
                 r.clientClasses.push_back(getString(c, e, false));
             });
         }},
        {"next-server", [](auto& c, auto& n, auto& r) { r.nextServer = getIpv4(c, n); }},
        {"server-hostname", [](auto& c, auto& n, auto& r) { r.serverHostname = getString(c, n); }},
        {"boot-file-name", [](auto& c, auto& n, auto& r) { r.bootFileName = getString(c, n); }},
        {"user-context", [](auto&, auto& n, auto& r) { r.userContext = n.value; }},
    };
    return t;
}

std::string identityKey(const Reservation& r) {
    if (r.hwAddress) {
        return "hw-address " + r.hwAddress->str();
    }
    if (r.duid) {
        return "duid " + toColonHex(*r.duid);
    }
    if (r.circuitId) {
        return "circuit-id " + toColonHex(*r.circuitId);
    }
    if (r.clientId) {
        return "client-id " + toColonHex(*r.clientId);
    }
    return "flex-id " + toColonHex(*r.flexId);
}

} // namespace

const MapInfo& reservationInfo() {
    static const MapInfo i = makeMapInfo("reservations[]", reservationKeys(), {});
    return i;
}

Reservation parseReservation(ParseContext& ctx, const Node& n) {
    Reservation r;
    applyMap(ctx, n, reservationKeys(), reservationInfo(), r);
    int ids = 0;
    for (const char* k : {"hw-address", "duid", "circuit-id", "client-id", "flex-id"}) {
        ids += n.value.contains(k) ? 1 : 0;
    }
    if (ids != 1) {
        ctx.fail(n, "a reservation needs exactly one of hw-address, duid, circuit-id, "
                    "client-id, flex-id");
    }
    return r;
}

std::vector<Reservation> parseReservations(ParseContext& ctx, const Node& n) {
    // Hashed, so that a file with 100,000 reservations is read in linear time.
    std::vector<Reservation> out;
    std::unordered_set<std::string> identities;
    std::unordered_map<uint32_t, std::string> addresses; // address -> identity
    forEachElement(ctx, n, [&](const Node& e, size_t) {
        Reservation r = parseReservation(ctx, e);
        auto identity = identityKey(r);
        if (!identities.insert(identity).second) {
            ctx.fail(e, "duplicate reservation for " + identity);
        }
        if (r.ipAddress) {
            auto [it, added] = addresses.emplace(r.ipAddress->value(), identity);
            if (!added) {
                ctx.fail(e, "address " + r.ipAddress->str() + " is already reserved for " +
                                it->second);
            }
        }
        out.push_back(std::move(r));
    });
    return out;
}

} // namespace kahu::config
