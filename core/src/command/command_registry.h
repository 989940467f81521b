// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/command/handler.h>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kahu {

/// Command name → handler. Built-in commands register at start-up with add(); hook libraries
/// register theirs through LoadContext::registerCommand, and the hook framework publishes them
/// here when their hook set becomes active (replaceGroup). Names are unique across both:
/// a duplicate is an error, never a silent overwrite.
class CommandRegistry {
public:
    /// The process's registry (what the control channel executes against).
    static CommandRegistry& instance();

    /// Adds a built-in command; throws kahu::Error if the name is taken.
    void add(const std::string& name, CommandHandler handler);
    /// Removes a command (built-in or hook); false when absent.
    bool remove(const std::string& name);
    bool has(const std::string& name) const;
    /// Every registered name, sorted (list-commands).
    std::vector<std::string> names() const;

    /// Runs a command. Unknown → result 2 "'<name>' command not supported."; a handler throwing
    /// CommandError → its result and text; any other exception → result 1 with its text.
    /// Never throws.
    nlohmann::json execute(const std::string& name, const nlohmann::json& arguments) const noexcept;

    /// Atomically replaces the commands owned by `oldOwner` with `commands` owned by
    /// `newOwner` (hook-set reload). Throws kahu::HookError, changing nothing, if a new name is
    /// taken by an entry not owned by `oldOwner`. Owners are opaque tokens (nullptr = built-in).
    void replaceGroup(const void* oldOwner, const void* newOwner,
                      const std::map<std::string, CommandHandler>& commands);

    CommandRegistry();
    ~CommandRegistry();

private:
    struct Entry {
        const void* owner;
        std::shared_ptr<const CommandHandler> handler;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Entry> commands_;
};

} // namespace kahu
