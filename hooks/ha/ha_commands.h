// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_service.h"

#include <kahu/hooks/load_context.h>
#include <nlohmann/json.hpp>

// The HA control commands (Kea ARM "Control Commands for High Availability") with Kea's arguments,
// result codes and texts, and the HA part of status-get. Each handler takes the command's
// "arguments" and returns the whole answer.
namespace kahu::ha {

/// Kea's CONTROL_RESULT_STATE: refused because of the server's state.
inline constexpr int kResultState = 1001;

class HaCommands {
public:
    explicit HaCommands(HaService& service) : service_(service) {}

    nlohmann::json heartbeat(const nlohmann::json& args);
    nlohmann::json sync(const nlohmann::json& args);
    nlohmann::json scopes(const nlohmann::json& args);
    nlohmann::json continueMachine(const nlohmann::json& args);
    nlohmann::json maintenanceStart(const nlohmann::json& args);
    nlohmann::json maintenanceNotify(const nlohmann::json& args);
    nlohmann::json maintenanceCancel(const nlohmann::json& args);
    nlohmann::json reset(const nlohmann::json& args);
    nlohmann::json syncCompleteNotify(const nlohmann::json& args);

    /// command_processed: adds "high-availability" to a successful status-get answer.
    void addToStatusGet(const std::string& name, nlohmann::json& response) const;

private:
    HaService& service_;
};

/// Registers every HA command, the handlers keeping `service` alive.
void registerHaCommands(hooks::LoadContext& ctx, const std::shared_ptr<HaService>& service);

} // namespace kahu::ha
