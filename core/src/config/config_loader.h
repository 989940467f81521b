// SPDX-License-Identifier: MPL-2.0
// Reading a Kea "Dhcp4" configuration into a kahu::ServerConfig.
#pragma once

#include <kahu/config/server_config.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kahu::config {

struct ConfigLoadResult {
    std::shared_ptr<ServerConfig> config;
    /// "<file>:<line>:<col>: <text>" for each thing accepted but worth telling (trailing
    /// commas, ignored renew-timer, ...). The caller logs them.
    std::vector<std::string> warnings;
};

/// Reads a whole config file; the top level must be {"Dhcp4": {...}}.
/// Throws kahu::ConfigError "<file>:<line>:<col>: <key path>: <text>" on the first problem.
ConfigLoadResult loadConfigFile(const std::string& path);

/// The same for text that did not come from a file (origin names it in messages).
ConfigLoadResult parseConfigText(std::string_view text, std::string_view origin);

/// From an already-parsed {"Dhcp4": {...}} (config-set, config-test). Elements have no
/// positions, so messages read "<origin>:0:0: <key path>: <text>".
ConfigLoadResult buildConfig(const nlohmann::json& top, std::string_view origin = "<wire>");

/// The reservations-* flags Kea 2.2's deprecated reservation-mode stands for, as Kea 2.2 maps
/// them, except that "disabled" turns reservations-out-of-pool off as well (Kea leaves it to
/// inherit, which changes nothing while reservations-in-subnet is off); "global" leaves it to
/// inherit. Null for an unknown mode. The parser applies the flags; config-get shows them
/// instead of the mode, as Kea does.
nlohmann::json reservationModeFlags(std::string_view mode);

} // namespace kahu::config
