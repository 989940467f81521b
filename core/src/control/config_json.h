// SPDX-License-Identifier: MPL-2.0
// The configuration as config-get and config-write show it, and its hash.
#pragma once

#include <kahu/config/server_config.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kahu::control {

/// {"Dhcp4": {...}}: the map as parsed, plus Kea's global defaults (simple_parser4.cc
/// GLOBAL4_DEFAULTS in Kea's simple_parser4.cc) for the keys the file did not set and Kahu
/// supports, so the shape matches what Kea shows. The result is accepted by config-set unchanged.
nlohmann::json configToJson(const ServerConfig& config);

/// Upper-case hex SHA-256 of the bytes (Kea's encodeHex of cryptolink's digest).
std::string sha256Hex(std::string_view bytes);

/// The "hash" of config-get / config-hash-get / config-set: sha256Hex(keaText(top)), as Kea
/// hashes its Element::str() text.
std::string configHash(const nlohmann::json& top);

} // namespace kahu::control
