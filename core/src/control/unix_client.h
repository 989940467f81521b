// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <chrono>
#include <string>

namespace kahu {

/// Sends one command text to a unix control socket (Kea's framing) and returns the answer
/// text, read until the server closes. Blocking; the timeout covers connect, send and
/// receive together. Throws kahu::Error whose what() is the bare reason ("No such file or
/// directory", "timed out") so callers can wrap it in Kea's texts.
std::string sendUnixCommand(const std::string& socketPath, const std::string& text,
                            std::chrono::milliseconds timeout);

} // namespace kahu
