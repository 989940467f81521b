// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <memory>
#include <spdlog/formatter.h>
#include <string>
#include <string_view>

namespace kahu::log {

/// Kea's default layouts (ARM "Logging Message Format").
inline constexpr std::string_view kDefaultConsolePattern =
    "%D{%Y-%m-%d %H:%M:%S.%q} %-5p [%c/%i.%t] %m\n";
inline constexpr std::string_view kDefaultSyslogPattern = "%-5p [%c.%t] %m\n";

/// journald stamps every record with the time, host, pid and unit itself (and JournalSink sends
/// the thread as TID), so the journal outputs leave the timestamp out rather than show it twice.
/// Native protocol (JournalSink): MESSAGE has no trailing newline.
inline constexpr std::string_view kDefaultJournalPattern = "%-5p [%c] %m";
/// stdout/stderr connected to the journal: Kea's console layout without the date.
inline constexpr std::string_view kDefaultJournalConsolePattern = "%-5p [%c/%i.%t] %m\n";

/// Kea's severity name of an spdlog level: FATAL ERROR WARN INFO DEBUG (trace is DEBUG).
std::string_view keaLevelName(spdlog::level::level_enum level) noexcept;

struct ConvertedPattern {
    std::string spdlog; ///< uses Kahu's custom flags, so give it to makeFormatter()
    bool utc = false;   ///< the pattern's date came from %d{} (UTC) rather than %D{} (local)
};

/// Converts a log4cplus PatternLayout (what Kea's "pattern" holds) to an spdlog pattern.
/// Supported: %p (Kea level names FATAL ERROR WARN INFO DEBUG), %m, %n, a literal "\n",
/// %c (logger name), %i (pid), %t/%T (thread), %d{..}/%D{..} (UTC/local; inside: strftime
/// items spdlog knows plus %q milliseconds and %Q "ms.µs"), %r (ms since start), %h/%H
/// (hostname), %E{VAR}, %F/%b/%L/%l/%M (source location, empty in practice), %%, and
/// padding "%-5p"/"%20p". Truncation ("%.30m") is ignored; unknown items print literally.
ConvertedPattern convertPattern(std::string_view keaPattern);

/// A formatter for a Kea pattern ("" = kDefaultConsolePattern). It never appends a newline
/// of its own: as in Kea, the pattern says where lines end.
std::unique_ptr<spdlog::formatter> makeFormatter(std::string_view keaPattern);

} // namespace kahu::log
