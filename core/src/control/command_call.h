// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "control/control_host.h"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kahu {

/// Parses one command text as the control channel does (comments allowed, otherwise strict
/// JSON) and runs it. Never throws: a parse error, a value that is not a map and an exception
/// from the executor all become a result-1 answer with Kea's texts.
/// remoteAddress, when not empty, is added as "remote-address" (what Kea's HTTP side does).
nlohmann::json callCommandText(const CommandExecutor& executor, std::string_view text,
                               std::string_view remoteAddress = {}) noexcept;

/// The same for a command already parsed.
nlohmann::json callCommand(const CommandExecutor& executor, nlohmann::json command,
                           std::string_view remoteAddress = {}) noexcept;

/// An answer as the transports send it: compact JSON, with invalid UTF-8 replaced (U+FFFD).
/// Strings may hold any bytes: the control channel's reader keeps what the client sent, error
/// texts quote it, and a lease's host name is whatever was stored.
std::string answerText(const nlohmann::json& answer);

} // namespace kahu
