// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_config.h"

#include <nlohmann/json.hpp>
#include <string>

// Builds HaConfig from a library entry's "parameters" (Kea's ha/ha_config_parser.cc): Kea's keys,
// defaults, limits and role rules. Unknown keys are accepted, as Kea does.
namespace kahu::ha {

/// Parses parameters["high-availability"]. Throws kahu::HookError whose text names the key
/// path, e.g. "high-availability[0].peers[1].url: the host must be an IP address".
/// Exactly one relationship is accepted (Kea 2.2).
HaConfig parseHaConfig(const nlohmann::json& parameters);

/// Splits a peer URL into host, port and scheme. Throws std::invalid_argument with the reason.
struct ParsedUrl {
    bool https = false;
    std::string host; ///< the IP literal, without brackets for IPv6
    uint16_t port = 0;
    std::string path;
};
ParsedUrl parsePeerUrl(const std::string& url);

} // namespace kahu::ha
