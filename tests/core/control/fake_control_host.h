// SPDX-License-Identifier: MPL-2.0
// A ControlHost that keeps a config in memory and records what the commands asked of it.
#pragma once

#include "config/config_loader.h"
#include "control/control_host.h"

#include <kahu/error.h>
#include <optional>
#include <string>

namespace kahu::test {

inline nlohmann::json smallConfig() {
    return nlohmann::json::parse(R"({"Dhcp4": {
        "server-tag": "alpha",
        "valid-lifetime": 4000,
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                     "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}],
        "lease-database": {"type": "memfile", "persist": false},
        "multi-threading": {"enable-multi-threading": false}
    }})");
}

class FakeControlHost : public ControlHost {
public:
    FakeControlHost() { config_ = config::buildConfig(smallConfig()).config; }

    std::shared_ptr<const ServerConfig> config() const override { return config_; }
    std::string reloadFromFile() override {
        try {
            config_ = config::loadConfigFile(configFile_).config;
            return "";
        } catch (const Error& e) {
            return e.what();
        }
    }
    std::string applyJson(const nlohmann::json& top, bool checkOnly) override {
        try {
            auto next = config::buildConfig(top).config;
            if (!checkOnly) {
                config_ = next;
            }
            return "";
        } catch (const Error& e) {
            return e.what();
        }
    }
    std::string configFile() const override { return configFile_; }
    void shutdown(int exitValue) override { exitValue_ = exitValue; }
    void reclaimNow(bool remove) override { reclaimed_ = remove; }
    int64_t uptimeSeconds() const override { return 42; }
    int64_t secondsSinceReload() const override { return 7; }
    nlohmann::json socketStatus() const override { return {{"status", "ready"}}; }
    nlohmann::json packetQueueStatistics() const override { return {0.5, 0.25, 0.125}; }

    std::shared_ptr<const ServerConfig> config_;
    std::string configFile_ = "/nonexistent/kahu-dhcp4.conf";
    std::optional<int> exitValue_;
    std::optional<bool> reclaimed_;
};

} // namespace kahu::test
