// SPDX-License-Identifier: MPL-2.0
#include "command/command_registry.h"

#include <kahu/error.h>

namespace kahu {

nlohmann::json makeAnswer(CommandResult result, std::string_view text, nlohmann::json arguments) {
    nlohmann::json answer = nlohmann::json::object();
    answer["result"] = static_cast<int>(result);
    if (!text.empty() || result != CommandResult::Success) {
        answer["text"] = std::string(text);
    }
    if (!arguments.is_null()) {
        answer["arguments"] = std::move(arguments);
    }
    return answer;
}

CommandRegistry::CommandRegistry() = default;
CommandRegistry::~CommandRegistry() = default;

CommandRegistry& CommandRegistry::instance() {
    static CommandRegistry registry;
    return registry;
}

void CommandRegistry::add(const std::string& name, CommandHandler handler) {
    if (name.empty() || !handler) {
        throw Error("a command needs a name and a handler");
    }
    std::lock_guard lock(mutex_);
    auto entry = Entry{nullptr, std::make_shared<const CommandHandler>(std::move(handler))};
    if (!commands_.emplace(name, std::move(entry)).second) {
        throw Error("command '" + name + "' is already registered");
    }
}

bool CommandRegistry::remove(const std::string& name) {
    std::lock_guard lock(mutex_);
    return commands_.erase(name) != 0;
}

bool CommandRegistry::has(const std::string& name) const {
    std::lock_guard lock(mutex_);
    return commands_.count(name) != 0;
}

std::vector<std::string> CommandRegistry::names() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    out.reserve(commands_.size());
    for (const auto& [name, entry] : commands_) {
        out.push_back(name);
    }
    return out;
}

nlohmann::json runHandler(const CommandHandler& handler, const nlohmann::json& arguments,
                          std::string_view name) noexcept {
    try {
        try {
            return handler(arguments);
        } catch (const CommandError& e) {
            return makeAnswer(e.result(), e.what());
        } catch (const std::exception& e) {
            return makeAnswer(CommandResult::Error, e.what());
        } catch (...) {
            return makeAnswer(CommandResult::Error,
                              "'" + std::string(name) + "' failed: unknown exception");
        }
    } catch (...) {
        return nlohmann::json{{"result", 1}, {"text", "out of memory"}};
    }
}

nlohmann::json CommandRegistry::execute(const std::string& name,
                                        const nlohmann::json& arguments) const noexcept {
    try {
        std::shared_ptr<const CommandHandler> handler;
        {
            std::lock_guard lock(mutex_);
            auto it = commands_.find(name);
            if (it != commands_.end()) {
                handler = it->second.handler;
            }
        }
        if (!handler) {
            return makeAnswer(CommandResult::Unsupported, "'" + name + "' command not supported.");
        }
        // The copied handler keeps a hook library mapped until the answer (or the exception
        // the library threw) is fully handled, even if a reload removes the command meanwhile.
        return runHandler(*handler, arguments, name);
    } catch (...) {
        return nlohmann::json{{"result", 1}, {"text", "out of memory"}};
    }
}

void CommandRegistry::replaceGroup(const void* oldOwner, const void* newOwner,
                                   const std::map<std::string, CommandHandler>& commands) {
    std::lock_guard lock(mutex_);
    for (const auto& [name, handler] : commands) {
        auto it = commands_.find(name);
        if (it != commands_.end() && it->second.owner != oldOwner) {
            throw HookError("command '" + name + "' is already registered" +
                            (it->second.owner == nullptr ? " by the server" : ""));
        }
    }
    for (auto it = commands_.begin(); it != commands_.end();) {
        it = (oldOwner != nullptr && it->second.owner == oldOwner) ? commands_.erase(it)
                                                                   : std::next(it);
    }
    for (const auto& [name, handler] : commands) {
        commands_[name] = Entry{newOwner, std::make_shared<const CommandHandler>(handler)};
    }
}

} // namespace kahu
