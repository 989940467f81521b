// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_config.h"

#include <kahu/hooks/param_reader.h>
#include <nlohmann/json.hpp>
#include <string>

// Builds HaConfig from a library entry's "parameters" (Kea's ha/ha_config_parser.cc): Kea's keys,
// defaults, limits and role rules. Every key Kea 2.2 knows is read; any other is refused (Kea
// ignores them silently), like a misplaced key anywhere else in the configuration.
namespace kahu::ha {

/// Parses parameters["high-availability"] and refuses unknown keys (ParamReader::finish).
/// Throws kahu::ConfigError in the core parser's form, e.g.
/// "kahu.conf:52:17: Dhcp4.hooks-libraries[1].parameters.high-availability[0].peers[1].url:
/// invalid URL 'http://kea.example/': the host must be an IP address".
/// Exactly one relationship is accepted (Kea 2.2).
HaConfig parseHaConfig(hooks::ParamReader& parameters);
/// The same for parameters without positions (tests): messages start with
/// "parameters.high-availability[0]...".
HaConfig parseHaConfig(const nlohmann::json& parameters);

} // namespace kahu::ha
