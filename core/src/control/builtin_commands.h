// SPDX-License-Identifier: MPL-2.0
// Kea's built-in kea-dhcp4 commands (ctrl_dhcp4_srv.cc, stats_mgr.cc), with Kea's argument
// checks, result codes and texts.
#pragma once

#include "command/command_registry.h"
#include "control/control_host.h"
#include "control/network_state.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kahu {

/// Adds every built-in command to `registry`. The handlers keep references to `host` and
/// `state`: both must outlive the registration (call unregisterBuiltinCommands first).
/// Throws kahu::Error if a name is already taken.
void registerBuiltinCommands(CommandRegistry& registry, ControlHost& host, NetworkState& state);

/// Removes what registerBuiltinCommands added.
void unregisterBuiltinCommands(CommandRegistry& registry);

/// The names registerBuiltinCommands adds, sorted.
std::vector<std::string> builtinCommandNames();

namespace control {

void registerConfigCommands(CommandRegistry& registry, ControlHost& host);
void registerServerCommands(CommandRegistry& registry, ControlHost& host, NetworkState& state);
void registerStatCommands(CommandRegistry& registry);

/// What Kea answers when a handler calls get() on arguments that are not a map: its TypeError
/// reaches the command manager's catch-all.
nlohmann::json nonMapArgumentsAnswer();

} // namespace control
} // namespace kahu
