// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_service.h"

#include <kahu/command/answer.h>
#include <kahu/hooks/load_context.h>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

// The HA control commands (Kea ARM "Control Commands for High Availability") with Kea's arguments,
// result codes and texts, and the HA part of status-get. Each handler takes the command's
// "arguments" and returns the whole answer, or throws CommandError(result, text) for an error
// answer (the command registry turns it into {"result": result, "text": text}).
namespace kahu::ha {

/// Kea's HA_CONTROL_RESULT_MAINTENANCE_NOT_ALLOWED: refused because of the server's state.
inline constexpr CommandResult kResultState = static_cast<CommandResult>(1001);

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

    /// Every command with its handler, for registration.
    using Handler = nlohmann::json (HaCommands::*)(const nlohmann::json&);
    static std::vector<std::pair<std::string, Handler>> commands();

    /// command_processed: adds "high-availability" to a successful status-get answer.
    void addToStatusGet(const std::string& name, nlohmann::json& response) const;

private:
    HaService& service_;
};

/// Registers every HA command, the handlers keeping `service` alive.
void registerHaCommands(hooks::LoadContext& ctx, const std::shared_ptr<HaService>& service);

} // namespace kahu::ha
