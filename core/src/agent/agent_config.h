// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "control/http_listener.h"

#include <cstdint>
#include <kahu/config/server_config.h>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kahu {

/// A Kea "Control-agent" configuration (Kea 2.2 grammar): where to listen, the unix socket of
/// each service, authentication, TLS and loggers.
struct AgentConfig {
    std::string httpHost = "127.0.0.1";
    uint16_t httpPort = 8000;
    std::map<std::string, std::string> sockets; ///< service ("dhcp4") -> unix socket path
    HttpListenerOptions http;
    std::vector<LoggerConfig> loggers;
    nlohmann::json raw; ///< the file's content with defaults, for config-get

    /// Reads and validates a file. Unknown or unsupported keys are errors naming
    /// file:line:col and the key path. Throws kahu::ConfigError.
    static AgentConfig fromFile(const std::string& path);
    static AgentConfig fromText(const std::string& text, const std::string& origin);
};

} // namespace kahu
