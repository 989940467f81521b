// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <functional>
#include <kahu/command/answer.h>
#include <kahu/export.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kahu {

/// Handles one control command: gets the command's "arguments" (null when absent) and returns
/// a whole answer, built with makeAnswer(). A failure is thrown: kahu::CommandError(result, text)
/// gives the answer {"result": result, "text": text}; any other std::exception gives result 1
/// with what() as the text. Runs on the control channel's thread; must be thread-safe against
/// the packet path. A library registers its handlers with LoadContext::registerCommand.
using CommandHandler = std::function<nlohmann::json(const nlohmann::json& arguments)>;

/// Runs a handler as the control channel does, so a library's tests see the answers an
/// operator gets: a thrown CommandError becomes its result and text, any other exception
/// result 1 with its text. `name` is only for the text of an unknown exception. Never throws.
KAHU_API nlohmann::json runHandler(const CommandHandler& handler, const nlohmann::json& arguments,
                                   std::string_view name) noexcept;

/// Runs a command by name against the server's commands (the built-in ones and every active
/// library's), as the control channel would; never throws. LoadContext::commandRunner gives
/// one, for a library that accepts commands on a listener of its own (HA's dedicated listener).
using CommandRunner =
    std::function<nlohmann::json(const std::string& name, const nlohmann::json& arguments)>;

} // namespace kahu
