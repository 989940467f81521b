// SPDX-License-Identifier: MPL-2.0
#include "ha_commands.h"

#include <kahu/command/answer.h>
#include <kahu/error.h>

namespace kahu::ha {

using nlohmann::json;

namespace {

std::string transitionRefused(HaState from, HaState to) {
    // Lower-case wire names, as Kea 2.2 answers [live].
    return "Unable to transition the server from the " + std::string(wireName(from)) + " to " +
           std::string(wireName(to)) + " state.";
}

} // namespace

std::vector<std::pair<std::string, HaCommands::Handler>> HaCommands::commands() {
    return {
        {"ha-heartbeat", &HaCommands::heartbeat},
        {"ha-sync", &HaCommands::sync},
        {"ha-scopes", &HaCommands::scopes},
        {"ha-continue", &HaCommands::continueMachine},
        {"ha-maintenance-notify", &HaCommands::maintenanceNotify},
        {"ha-maintenance-start", &HaCommands::maintenanceStart},
        {"ha-maintenance-cancel", &HaCommands::maintenanceCancel},
        {"ha-reset", &HaCommands::reset},
        {"ha-sync-complete-notify", &HaCommands::syncCompleteNotify},
    };
}

json HaCommands::heartbeat(const json&) {
    return successAnswer("HA peer status returned.", service_.heartbeatArguments());
}

json HaCommands::sync(const json& args) {
    if (!args.is_object()) {
        throw CommandError("arguments not found in the 'ha-sync' command");
    }
    if (!args.contains("server-name")) {
        throw CommandError("'server-name' is mandatory for the 'ha-sync' command");
    }
    if (!args["server-name"].is_string()) {
        throw CommandError("'server-name' must be a string in the 'ha-sync' command");
    }
    std::chrono::seconds maxPeriod = std::max<std::chrono::seconds>(
        std::chrono::duration_cast<std::chrono::seconds>(service_.config().syncTimeout),
        std::chrono::seconds(1));
    if (args.contains("max-period")) {
        const json& mp = args["max-period"];
        if (!mp.is_number_integer() || mp.get<int64_t>() <= 0 ||
            mp.get<int64_t>() > std::numeric_limits<uint32_t>::max()) {
            throw CommandError("'max-period' must be a positive integer in the 'ha-sync' "
                               "command");
        }
        maxPeriod = std::chrono::seconds(mp.get<int64_t>());
    }
    const std::string name = args["server-name"].get<std::string>();
    const PeerConfig* peer = service_.config().peer(name);
    if (peer == nullptr) {
        throw CommandError("server name '" + name +
                           "' does not match any of the configured "
                           "peers");
    }
    if (name == service_.config().thisServerName) {
        throw CommandError("'" + name + "' points to local server but should point to a partner");
    }
    std::string error = service_.syncWith(*peer, maxPeriod);
    if (!error.empty()) {
        throw CommandError(error);
    }
    return successAnswer("Lease database synchronization complete.");
}

json HaCommands::scopes(const json& args) {
    if (!args.is_object()) {
        throw CommandError("arguments not found in the 'ha-scopes' command");
    }
    if (!args.contains("scopes")) {
        throw CommandError("'scopes' is mandatory for the 'ha-scopes' command");
    }
    if (!args["scopes"].is_array()) {
        throw CommandError("'scopes' must be a list in the 'ha-scopes' command");
    }
    std::vector<std::string> list;
    for (const auto& s : args["scopes"]) {
        if (!s.is_string()) {
            throw CommandError("scope name must be a string in the 'scopes' argument");
        }
        list.push_back(s.get<std::string>());
    }
    service_.filter().serveScopes(list); // CommandError for a scope that is not a peer's
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
        throw CommandError(transitionRefused(s, HaState::PartnerInMaintenance));
    }
    PeerAnswer a = service_.sendToPartner("ha-maintenance-notify", {{"cancel", false}});
    if (!a.ok() || a.result() == 1) {
        service_.communication().markPartnerUnavailable();
        service_.transition(HaState::PartnerDown);
        return successAnswer("Server is now in the partner-down state as its partner appears "
                             "to be offline for maintenance.");
    }
    if (a.result() != 0) {
        throw CommandError("Unable to transition to the partner-in-maintenance state. The "
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
        throw CommandError("arguments not found in the 'ha-maintenance-notify' command");
    }
    if (!args.contains("cancel")) {
        throw CommandError("'cancel' is mandatory for the 'ha-maintenance-notify' command");
    }
    if (!args["cancel"].is_boolean()) {
        throw CommandError("'cancel' must be a boolean in the 'ha-maintenance-notify' command");
    }
    const HaState s = service_.state();
    if (args["cancel"].get<bool>()) {
        if (s != HaState::InMaintenance) {
            throw CommandError("Unable to cancel the maintenance for the server not in the "
                               "in-maintenance state.");
        }
        service_.cancelMaintenance();
        return successAnswer("Server maintenance canceled.");
    }
    if (s == HaState::Backup || s == HaState::PartnerInMaintenance || s == HaState::Terminated) {
        throw CommandError(kResultState, transitionRefused(s, HaState::InMaintenance));
    }
    if (s != HaState::InMaintenance) {
        service_.transition(HaState::InMaintenance);
    }
    return successAnswer("Server is in-maintenance state.");
}

json HaCommands::maintenanceCancel(const json&) {
    if (service_.state() != HaState::PartnerInMaintenance) {
        throw CommandError("Unable to cancel maintenance request because the server is not in "
                           "the partner-in-maintenance state.");
    }
    PeerAnswer a = service_.sendToPartner("ha-maintenance-notify", {{"cancel", true}});
    if (!a.ok() || a.result() != 0) {
        std::string why = a.ok() ? a.answer.value("text", std::string()) : a.transportError;
        throw CommandError("Unable to cancel maintenance. The partner server responded with "
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
    for (const auto& [name, m] : HaCommands::commands()) {
        ctx.registerCommand(
            name, [service, commands, m = m](const json& args) { return ((*commands).*m)(args); });
    }
}

} // namespace kahu::ha
