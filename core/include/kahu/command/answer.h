// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/export.h>
#include <nlohmann/json.hpp>
#include <string_view>

namespace kahu {

/// Kea's control-channel result codes (the "result" of an answer).
enum class CommandResult : int {
    Success = 0,     ///< done
    Error = 1,       ///< failed; "text" says why
    Unsupported = 2, ///< no such command ("'<name>' command not supported.")
    Empty = 3,       ///< done, nothing found
    Conflict = 4,    ///< the request conflicts with the current state (Kea 2.4+)
};

/// Builds an answer in Kea's shape: {"result": r, "text": text, "arguments": args}.
/// Like Kea, "text" is left out when it is empty and the result is Success, and "arguments"
/// is left out when null.
KAHU_API nlohmann::json makeAnswer(CommandResult result, std::string_view text,
                                   nlohmann::json arguments = nullptr);

/// makeAnswer(CommandResult::Success, text, arguments).
inline nlohmann::json successAnswer(std::string_view text, nlohmann::json arguments = nullptr) {
    return makeAnswer(CommandResult::Success, text, std::move(arguments));
}

/// makeAnswer(CommandResult::Error, text).
inline nlohmann::json errorAnswer(std::string_view text) {
    return makeAnswer(CommandResult::Error, text);
}

} // namespace kahu
