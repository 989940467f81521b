// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "command/command_registry.h"
#include "control/control_host.h"

#include <functional>
#include <kahu/hooks/hook_args.h>
#include <nlohmann/json.hpp>
#include <string_view>

namespace kahu {

/// The control channel's front door, shared by every transport: checks a command map the way
/// Kea's parseCommand does, runs it through the CommandRegistry (built-in and hook commands
/// alike), then lets the command_processed callouts see and rewrite the answer.
class CommandDispatcher {
public:
    /// Runs the command_processed callouts; the default runs those of
    /// hooks::HookManager::instance().current(). Tests pass their own.
    using ProcessedHook = std::function<void(hooks::CommandProcessedArgs&)>;

    explicit CommandDispatcher(CommandRegistry& registry = CommandRegistry::instance(),
                               ProcessedHook processed = {});

    /// One command map → Kea's answer map. Never throws. A command that is not a map, lacks a
    /// string "command" or carries a top-level key other than command / arguments / service /
    /// remote-address gets result 1 "Error during command processing: ..." (Kea 2.2's texts);
    /// an unknown name gets result 2 "'<name>' command not supported.".
    nlohmann::json dispatch(const nlohmann::json& command) const noexcept;

    /// The same for the text of one request as a transport received it: strict JSON (comments
    /// allowed, as Kea's JSONFeed does). Text that does not parse gets result 1 with the
    /// parser's message.
    nlohmann::json dispatchText(std::string_view text) const noexcept;

    /// dispatch() as the CommandExecutor the transports take. The dispatcher must outlive it.
    CommandExecutor executor() const;

private:
    CommandRegistry& registry_;
    ProcessedHook processed_;
};

} // namespace kahu
