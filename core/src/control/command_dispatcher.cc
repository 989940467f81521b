// SPDX-License-Identifier: MPL-2.0
#include "control/command_dispatcher.h"

#include "config/json_reader.h"
#include "hooks/hook_manager.h"

#include <exception>
#include <kahu/log.h>
#include <string>

namespace kahu {

namespace {

constexpr std::string_view kProcessingError = "Error during command processing: ";

// Kea 2.2's parseCommand (src/lib/cc/command_interpreter.cc): "" when the command is usable.
std::string checkCommand(const nlohmann::json& command) {
    if (command.is_null()) {
        return "No command specified";
    }
    if (!command.is_object()) {
        return "Invalid command Element specified, expected map";
    }
    if (!command.contains("command")) {
        return "Invalid answer specified, does not contain mandatory 'command'";
    }
    for (const auto& [key, value] : command.items()) {
        if (key != "command" && key != "arguments" && key != "service" && key != "remote-address") {
            return "Received command contains unsupported parameter '" + key + "'";
        }
    }
    if (!command["command"].is_string()) {
        return "'command' element in command message is not a string";
    }
    return "";
}

// Kea logs commands under kea-dhcp4.commands; Kea's logger name configures this one too.
const std::shared_ptr<spdlog::logger>& commandLogger() {
    static auto lg = log::get("kahu-dhcp4.commands");
    return lg;
}

void runHookManagerCallouts(hooks::CommandProcessedArgs& args) {
    auto set = hooks::HookManager::instance().current();
    set->run<hooks::HookPoint::CommandProcessed>(args);
}

} // namespace

CommandDispatcher::CommandDispatcher(CommandRegistry& registry, ProcessedHook processed)
    : registry_(registry),
      processed_(processed ? std::move(processed) : ProcessedHook(runHookManagerCallouts)) {}

nlohmann::json CommandDispatcher::dispatch(const nlohmann::json& command) const noexcept {
    try {
        if (std::string problem = checkCommand(command); !problem.empty()) {
            KAHU_WARN(commandLogger(), "COMMAND_PROCESS_ERROR2",
                      "Error during command "
                      "processing: {}",
                      problem);
            return errorAnswer(std::string(kProcessingError) + problem);
        }
        const std::string name = command["command"].get<std::string>();
        KAHU_INFO(commandLogger(), "COMMAND_RECEIVED", "Received command '{}'", name);
        static const nlohmann::json kNoArguments;
        auto it = command.find("arguments");
        const nlohmann::json& arguments = it != command.end() ? *it : kNoArguments;

        nlohmann::json response = registry_.execute(name, arguments);
        // The callouts may replace the answer (HA adds "high-availability" to status-get).
        hooks::CommandProcessedArgs args{name, arguments, response};
        processed_(args);
        return response;
    } catch (const std::exception& e) {
        return errorAnswer(std::string(kProcessingError) + e.what());
    } catch (...) {
        return nlohmann::json{{"result", 1}, {"text", "Error during command processing"}};
    }
}

nlohmann::json CommandDispatcher::dispatchText(std::string_view text) const noexcept {
    nlohmann::json command;
    try {
        command = config::readJsonStrict(text, "<wire>").value;
    } catch (const std::exception& e) {
        // Kea answers a request its JSON parser rejects with the parser's message, result 1.
        try {
            return errorAnswer(e.what());
        } catch (...) {
            return nlohmann::json{{"result", 1}, {"text", "invalid JSON"}};
        }
    }
    return dispatch(command);
}

CommandExecutor CommandDispatcher::executor() const {
    return [this](const nlohmann::json& command) { return dispatch(command); };
}

} // namespace kahu
