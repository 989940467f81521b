// SPDX-License-Identifier: MPL-2.0
#include "control/command_call.h"

#include "config/json_reader.h"

#include <kahu/command/answer.h>

namespace kahu {

nlohmann::json callCommand(const CommandExecutor& executor, nlohmann::json command,
                           std::string_view remoteAddress) noexcept {
    try {
        if (!command.is_object()) {
            return errorAnswer("Error during command processing: Invalid command Element "
                               "specified, expected map");
        }
        if (!remoteAddress.empty()) {
            command["remote-address"] = std::string(remoteAddress);
        }
        return executor(command);
    } catch (const std::exception& e) {
        try {
            return errorAnswer(std::string("Error during command processing: ") + e.what());
        } catch (...) {
        }
    } catch (...) {
    }
    return nlohmann::json{{"result", 1}, {"text", "internal error"}};
}

nlohmann::json callCommandText(const CommandExecutor& executor, std::string_view text,
                               std::string_view remoteAddress) noexcept {
    nlohmann::json command;
    try {
        command = config::readJsonStrict(text, "<wire>").value;
    } catch (const std::exception& e) {
        try {
            return errorAnswer(e.what());
        } catch (...) {
            return nlohmann::json{{"result", 1}, {"text", "invalid JSON"}};
        }
    }
    return callCommand(executor, std::move(command), remoteAddress);
}

std::string answerText(const nlohmann::json& answer) {
    return answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace kahu
