// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/config/server_config.h>
#include <string>
#include <string_view>
#include <vector>

namespace kahu::log {

/// Applies Kea's `loggers` section to every logger, existing and future. Each entry configures
/// the logger it names and its children that have no entry of their own ("kea-dhcp4" covers
/// "kahu-dhcp4.ha"); an entry without output-options writes where its parent writes.
/// Loggers no entry covers keep the defaults: stderr, INFO.
/// debugToConsole (`-d`): every logger at DEBUG, debuglevel 99, and stdout is added to the
/// outputs of each entry (and is the default output).
/// Safe while other threads log: each logger's sinks are swapped atomically.
/// Throws ConfigError (bad severity, debuglevel > 99, empty output, a file that cannot be
/// opened); then nothing has changed.
void configureLogging(const std::vector<LoggerConfig>& loggers, bool debugToConsole);

/// Back to the state before any configuration (stderr, INFO). For tests and shutdown.
void resetLogging();

/// Kea's logger names to ours: "kea-dhcp4" -> "kahu-dhcp4", "kea-dhcp4.ha-hooks" ->
/// "kahu-dhcp4.ha-hooks" (any "kea-" prefix becomes "kahu-"); a trailing ".*" is dropped.
std::string toKahuName(std::string_view name);

/// True when a logger's `output` names a file (not stdout, stderr, syslog[:name] or
/// journal[:name]). A file is confined to the log directories (kahu/paths.h); a bare name goes
/// into Kahu's.
bool isLogFile(std::string_view output);

/// Below this maxsize Kea does not rotate (ARM: "The smallest value that can be specified
/// without disabling rotation is 204800").
inline constexpr uint64_t kMinRotateSize = 204800;

} // namespace kahu::log
