// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <kahu/config/server_config.h>
#include <kahu/export.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kahu {

/// The bytes of a reservation's identifier of one type, or null when it has none of that type.
inline const std::vector<uint8_t>* identifierOf(const Reservation& r,
                                                IdentifierType type) noexcept {
    switch (type) {
    case IdentifierType::HwAddress:
        return r.hwAddress ? &r.hwAddress->bytes : nullptr;
    case IdentifierType::Duid:
        return r.duid ? &*r.duid : nullptr;
    case IdentifierType::CircuitId:
        return r.circuitId ? &*r.circuitId : nullptr;
    case IdentifierType::ClientIdentifier:
        return r.clientId ? &*r.clientId : nullptr;
    case IdentifierType::FlexId:
        return r.flexId ? &*r.flexId : nullptr;
    }
    return nullptr;
}

/// The type of the identifier a reservation is keyed on (the first set, in the order of
/// IdentifierType; one from the configuration or a host store has exactly one), or none.
inline std::optional<IdentifierType> identifierTypeOf(const Reservation& r) noexcept {
    for (IdentifierType t :
         {IdentifierType::HwAddress, IdentifierType::Duid, IdentifierType::CircuitId,
          IdentifierType::ClientIdentifier, IdentifierType::FlexId}) {
        if (identifierOf(r, t)) {
            return t;
        }
    }
    return std::nullopt;
}

/// Kea's names of the identifier types: "hw-address", "duid", "circuit-id", "client-id",
/// "flex-id" (host-reservation-identifiers, reservations, the host commands' identifier-type).
KAHU_API std::string_view identifierTypeName(IdentifierType type) noexcept;
KAHU_API std::optional<IdentifierType> identifierTypeFromName(std::string_view name) noexcept;

/// An identifier as the configuration and the control API write it: hex bytes, with or
/// without separators ("01:02:03", "010203"), or for circuit-id, client-id and flex-id a
/// quoted string ("'abc'") taken byte for byte. None when it is neither, or empty.
KAHU_API std::optional<std::vector<uint8_t>> identifierFromText(std::string_view text,
                                                                IdentifierType type);

/// An identifier as Kea's host commands show it: hw-address and duid in lower colon hex
/// ("02:00:0a"), circuit-id, client-id and flex-id in upper hex without separators ("02000A").
KAHU_API std::string identifierToText(IdentifierType type, const std::vector<uint8_t>& bytes);

/// A reservation as Kea's host commands show it (Host::toElement4), keys in Kea's order:
/// boot-file-name, client-classes, hostname, next-server ("0.0.0.0" when unset) and
/// server-hostname always; option-data (always-send, code, csv-format, data, name when known,
/// never-send, space; data is the text as written for csv-format, else the payload in upper
/// hex); the identifier (hw-address and duid in lower colon hex, circuit-id, client-id and
/// flex-id in upper hex); ip-address when set; user-context when set. No subnet-id: the
/// caller adds the one it knows.
KAHU_API nlohmann::json reservationToJson(const Reservation& host);

/// Reads one reservation map as the configuration's "reservations" entries take it (exactly
/// one identifier; option-data with the definitions of `config`, option-def included). Throws
/// kahu::Error whose message names the key ("reservation.ip-address: ..."). The map must not
/// hold "subnet-id": the caller takes it out first.
KAHU_API Reservation reservationFromJson(const nlohmann::json& map, const ServerConfig& config);

} // namespace kahu
