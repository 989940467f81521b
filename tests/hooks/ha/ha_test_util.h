// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_config.h"
#include "ha_config_parser.h"

#include <nlohmann/json.hpp>
#include <string>

namespace kahu::ha::test {

/// A valid two-peer relationship ("server1" primary, "server2" secondary or standby) plus a
/// backup "server3" when asked; `self` is this-server-name.
inline nlohmann::json relationship(const std::string& mode = "load-balancing",
                                   const std::string& self = "server1", bool backup = false) {
    nlohmann::json peers = nlohmann::json::array();
    peers.push_back({{"name", "server1"}, {"url", "http://192.0.2.1:8000/"}, {"role", "primary"}});
    if (mode != "passive-backup") {
        peers.push_back({{"name", "server2"},
                         {"url", "http://192.0.2.2:8000/"},
                         {"role", mode == "hot-standby" ? "standby" : "secondary"}});
    }
    if (backup || mode == "passive-backup") {
        peers.push_back(
            {{"name", "server3"}, {"url", "http://192.0.2.3:8000/"}, {"role", "backup"}});
    }
    return {{"this-server-name", self}, {"mode", mode}, {"peers", peers}};
}

inline nlohmann::json params(const nlohmann::json& rel) {
    return {{"high-availability", nlohmann::json::array({rel})}};
}

inline HaConfig config(const std::string& mode = "load-balancing",
                       const std::string& self = "server1", bool backup = false) {
    return parseHaConfig(params(relationship(mode, self, backup)));
}

} // namespace kahu::ha::test
