// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "agent/agent_config.h"

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

namespace kahu {

/// The control agent's command executor: a command with "service": [...] goes, whole (with
/// the "remote-address" the HTTP side added), to each service's unix socket; one without
/// runs here (list-commands, status-get, version-get, build-report, config-get, config-test,
/// config-reload, shutdown).
/// Always answers with a list, one entry per service, with Kea's CA texts.
class CommandForwarder {
public:
    CommandForwarder(std::shared_ptr<const AgentConfig> config, std::function<void()> onShutdown,
                     std::chrono::milliseconds forwardTimeout = std::chrono::seconds(60));

    nlohmann::json operator()(const nlohmann::json& command) const;

    void setConfig(std::shared_ptr<const AgentConfig> config);

    /// What the agent's GET /metrics answers: the dhcp4 server's metrics (its metrics-get,
    /// through its unix socket) and kahu_ctrl_agent_service_up{service} for each configured
    /// service (0 when it does not answer).
    std::string metricsText() const;
    /// config-reload: re-reads the agent's file and applies it; returns "" or the error. Unset
    /// means the command is not offered.
    void setReloadHandler(std::function<std::string()> reload) { reload_ = std::move(reload); }

private:
    nlohmann::json local(const std::string& name, const nlohmann::json& args) const;
    nlohmann::json forward(const std::string& service, const nlohmann::json& command) const;

    std::shared_ptr<const AgentConfig> config_;
    std::function<void()> onShutdown_;
    std::function<std::string()> reload_;
    std::chrono::milliseconds timeout_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

} // namespace kahu
