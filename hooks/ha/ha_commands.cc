// SPDX-License-Identifier: MPL-2.0
#include "ha_commands.h"

#include <kahu/command/answer.h>

namespace kahu::ha {

using nlohmann::json;

namespace {

json stateError(const std::string& text) {
    return makeAnswer(static_cast<CommandResult>(kResultState), text);
}

std::string transitionRefused(HaState from, HaState to) {
    // Lower-case wire names, as Kea 2.2 answers [live].
    return "Unable to transition the server from the " + std::string(wireName(from)) + " to " +
           std::string(wireName(to)) + " state.";
}

} // namespace

json HaCommands::heartbeat(const json&) {
    return successAnswer("HA peer status returned.", service_.heartbeatArguments());
}

json HaCommands::sync(const json& args) {
    if (!args.is_object()) {
        return errorAnswer("arguments not found in the 'ha-sync' command");
    }
    if (!args.contains("server-name")) {
        return errorAnswer("'server-name' is mandatory for the 'ha-sync' command");
    }
    if (!args["server-name"].is_string()) {
        return errorAnswer("'server-name' must be a string in the 'ha-sync' command");
    }
    std::chrono::seconds maxPeriod = std::max<std::chrono::seconds>(
        std::chrono::duration_cast<std::chrono::seconds>(service_.config().syncTimeout),
        std::chrono::seconds(1));
    if (args.contains("max-period")) {
        const json& mp = args["max-period"];
        if (!mp.is_number_integer() || mp.get<int64_t>() <= 0 ||
            mp.get<int64_t>() > std::numeric_limits<uint32_t>::max()) {
            return errorAnswer("'max-period' must be a positive integer in the 'ha-sync' "
                               "command");
        }
        maxPeriod = std::chrono::seconds(mp.get<int64_t>());
    }
    const std::string name = args["server-name"].get<std::string>();
    const PeerConfig* peer = service_.config().peer(name);
    if (peer == nullptr) {
        return errorAnswer("server name '" + name +
                           "' does not match any of the configured "
                           "peers");
    }
    if (name == service_.config().thisServerName) {
        return errorAnswer("'" + name + "' points to local server but should point to a partner");
    }
    std::string error = service_.syncWith(*peer, maxPeriod);
    if (!error.empty()) {
        return errorAnswer(error);
    }
    return successAnswer("Lease database synchronization complete.");
}

json HaCommands::scopes(const json& args) {
    if (!args.is_object()) {
        return errorAnswer("arguments not found in the 'ha-scopes' command");
    }
    if (!args.contains("scopes")) {
        return errorAnswer("'scopes' is mandatory for the 'ha-scopes' command");
    }
    if (!args["scopes"].is_array()) {
        return errorAnswer("'scopes' must be a list in the 'ha-scopes' command");
    }
    std::vector<std::string> list;
    for (const auto& s : args["scopes"]) {
        if (!s.is_string()) {
            return errorAnswer("scope name must be a string in the 'scopes' argument");
        }
        list.push_back(s.get<std::string>());
    }
    try {
        service_.filter().serveScopes(list);
    } catch (const std::exception& e) {
        return errorAnswer(e.what());
    }
    return successAnswer("New HA scopes configured.");
}

json HaCommands::continueMachine(const json&) {
    if (service_.resume()) {
        return successAnswer("HA state machine continues.");
    }
    return successAnswer("HA state machine is not paused.");
}

json HaCommands::maintenanceStart(const json&) {
    const HaState s = service_.state();
    if (s == HaState::Backup || s == HaState::InMaintenance || s == HaState::PartnerInMaintenance ||
        s == HaState::Terminated || service_.partner() == nullptr) {
        return errorAnswer(transitionRefused(s, HaState::PartnerInMaintenance));
    }
    PeerAnswer a = service_.sendToPartner("ha-maintenance-notify", {{"cancel", false}});
    if (!a.ok() || a.result() == 1) {
        service_.communication().markPartnerUnavailable();
        service_.transition(HaState::PartnerDown);
        return successAnswer("Server is now in the partner-down state as its partner appears "
                             "to be offline for maintenance.");
    }
    if (a.result() != 0) {
        return errorAnswer("Unable to transition to the partner-in-maintenance state. The "
                           "partner server responded with the following message to the "
                           "ha-maintenance-notify command: " +
                           a.answer.value("text", std::string()) + ".");
    }
    service_.transition(HaState::PartnerInMaintenance);
    return successAnswer("Server is now in the partner-in-maintenance state and its partner "
                         "is in-maintenance state. The partner can be now safely shut down.");
}

json HaCommands::maintenanceNotify(const json& args) {
    if (!args.is_object()) {
        return errorAnswer("arguments not found in the 'ha-maintenance-notify' command");
    }
    if (!args.contains("cancel")) {
        return errorAnswer("'cancel' is mandatory for the 'ha-maintenance-notify' command");
    }
    if (!args["cancel"].is_boolean()) {
        return errorAnswer("'cancel' must be a boolean in the 'ha-maintenance-notify' command");
    }
    const HaState s = service_.state();
    if (args["cancel"].get<bool>()) {
        if (s != HaState::InMaintenance) {
            return errorAnswer("Unable to cancel the maintenance for the server not in the "
                               "in-maintenance state.");
        }
        service_.cancelMaintenance();
        return successAnswer("Server maintenance canceled.");
    }
    if (s == HaState::Backup || s == HaState::PartnerInMaintenance || s == HaState::Terminated) {
        return stateError(transitionRefused(s, HaState::InMaintenance));
    }
    if (s != HaState::InMaintenance) {
        service_.transition(HaState::InMaintenance);
    }
    return successAnswer("Server is in-maintenance state.");
}

json HaCommands::maintenanceCancel(const json&) {
    if (service_.state() != HaState::PartnerInMaintenance) {
        return errorAnswer("Unable to cancel maintenance request because the server is not in "
                           "the partner-in-maintenance state.");
    }
    PeerAnswer a = service_.sendToPartner("ha-maintenance-notify", {{"cancel", true}});
    if (!a.ok() || a.result() != 0) {
        std::string why = a.ok() ? a.answer.value("text", std::string()) : a.transportError;
        return errorAnswer("Unable to cancel maintenance. The partner server responded with "
                           "the following message to the ha-maintenance-notify command: " +
                           why + ".");
    }
    service_.cancelMaintenance();
    return successAnswer("Server maintenance successfully canceled.");
}

json HaCommands::reset(const json&) {
    if (service_.reset()) {
        return successAnswer("HA state machine reset.");
    }
    return successAnswer("HA state machine already in WAITING state.");
}

json HaCommands::syncCompleteNotify(const json&) {
    service_.syncCompleteNotified();
    return successAnswer("Server successfully notified about the synchronization completion.");
}

void HaCommands::addToStatusGet(const std::string& name, json& response) const {
    if (name != "status-get" || !response.is_object() || response.value("result", 1) != 0) {
        return;
    }
    json& args = response["arguments"];
    if (!args.is_object()) {
        return;
    }
    args["high-availability"] = service_.statusJson();
}

void registerHaCommands(hooks::LoadContext& ctx, const std::shared_ptr<HaService>& service) {
    auto commands = std::make_shared<HaCommands>(*service);
    using Method = json (HaCommands::*)(const json&);
    auto reg = [&](const char* name, Method m) {
        ctx.registerCommand(
            name, [service, commands, m](const json& args) { return ((*commands).*m)(args); });
    };
    reg("ha-heartbeat", &HaCommands::heartbeat);
    reg("ha-sync", &HaCommands::sync);
    reg("ha-scopes", &HaCommands::scopes);
    reg("ha-continue", &HaCommands::continueMachine);
    reg("ha-maintenance-notify", &HaCommands::maintenanceNotify);
    reg("ha-maintenance-start", &HaCommands::maintenanceStart);
    reg("ha-maintenance-cancel", &HaCommands::maintenanceCancel);
    reg("ha-reset", &HaCommands::reset);
    reg("ha-sync-complete-notify", &HaCommands::syncCompleteNotify);
}

} // namespace kahu::ha
