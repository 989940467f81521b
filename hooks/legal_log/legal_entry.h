// SPDX-License-Identifier: MPL-2.0
#pragma once

// The text of one forensic log entry, as Kea's libdhcp_legal_log.so words it (Kea 3.0): the
// lease lines of DHCPv4 exchanges and the "Administrator ..." lines of lease commands. Pure
// functions, so that each form is tested against Kea's expected text.

#include <cstdint>
#include <kahu/dhcp/packet4.h>
#include <kahu/eval/expression.h>
#include <kahu/lease/lease4.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kahu::legal_log {

/// What happened to a lease (Kea's Action): a renewal is an assignment.
enum class Action { Assign, Release };

/// Kea's duration text: "1 hrs 52 mins 15 secs", "2 days 0 hrs 0 mins 1 secs",
/// "infinite duration" for 0xffffffff.
std::string durationText(uint32_t seconds);

/// Kea's isPrintable: every byte 0x20..0x7e (an empty sequence counts as printable).
bool printable(std::span<const uint8_t> bytes) noexcept;

/// The custom formats (request-parser-format, response-parser-format); either may be absent.
struct CustomFormat {
    std::optional<eval::Expression> request;
    std::optional<eval::Expression> response;
    bool active() const noexcept { return request.has_value() || response.has_value(); }
};

/// The entry of one lease of an exchange: Kea's default line, or the custom formats evaluated
/// on the query and on the response (null for RELEASE and DECLINE) when any is configured. An
/// empty result means "nothing to log" (a custom format that yields nothing).
std::string lease4Entry(const Packet4& query, const Packet4* response, const Lease4& lease,
                        Action action, const CustomFormat& format);

/// The entry of a lease command that succeeded (lease4-add, lease4-update, lease4-del), or
/// nullopt for any other command. `now` (Unix seconds) turns an "expire" into a duration.
/// Throws kahu::Error when an argument Kea requires is missing (Kea logs
/// LEGAL_LOG_COMMAND_WRITE_ERROR then). `address` gets the lease's address when known.
std::optional<std::string> commandEntry(std::string_view name, const nlohmann::json& arguments,
                                        int64_t now, std::string& address);

/// Makes a text safe to write as one line: every control byte (0x00..0x1f, 0x7f) becomes
/// "\xNN", so nothing a client sends (a host name, an option a custom format prints) can end
/// the line or forge another one. Other bytes are kept.
std::string oneLine(std::string_view text);

} // namespace kahu::legal_log
