// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/http/server.h>
#include <optional>
#include <spdlog/logger.h>
#include <string_view>

namespace kahu::http {

/// ASCII case-insensitive equality (header names, media types).
bool iequals(std::string_view a, std::string_view b) noexcept;
/// Without leading and trailing spaces and tabs (header values).
std::string_view trim(std::string_view s) noexcept;

/// A GET of this target (query string aside) is one of options.getPaths.
bool isGetPath(const ServerOptions& options, std::string_view target) noexcept;

/// What the server checks of a complete request before its handler sees it: Kea's rules for
/// JSON commands when options.jsonPostOnly (400; a GET of one of options.getPaths passes), then
/// basic authentication (401, with the realm in WWW-Authenticate; the refusal is logged to `log`
/// when given). Returns the refusal, or nullopt with req.user set to the user let in. No I/O: the
/// fuzzers call it directly.
std::optional<Response> admit(const ServerOptions& options, Request& req, spdlog::logger* log);

} // namespace kahu::http
