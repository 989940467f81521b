// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/export.h>
#include <memory>
#include <spdlog/spdlog.h>
#include <string_view>

namespace kahu::log {

/// The process-wide logger of a component: "kahu-dhcp4" for the core, "kahu-dhcp4.<lib>" for a
/// hook library. Kea's names ("kea-dhcp4", "kea-dhcp4.ha-hooks") configure the same loggers.
/// Always returns a usable logger (created on first use, configured by the `loggers` section).
KAHU_API std::shared_ptr<spdlog::logger> get(std::string_view name);

/// Kea's debuglevel (0..99) of a logger whose severity is DEBUG; -1 when debug is off.
/// One relaxed atomic load, cheap enough for the packet path. The logger must come from get().
KAHU_API int debugLevel(const spdlog::logger& logger) noexcept;

} // namespace kahu::log

/// Log with a stable message ID: KAHU_INFO(lg, "DHCP4_STARTING", "version {}", v) prints
/// "DHCP4_STARTING version 0.1.0". The ID must be a string literal. The arguments are evaluated
/// only when the level is enabled, so building them may cost something.
#define KAHU_LOG_(lg, lvl, id, fmt, ...)                                                           \
    do {                                                                                           \
        if ((lg)->should_log(lvl)) {                                                               \
            (lg)->log(lvl, id " " fmt __VA_OPT__(, ) __VA_ARGS__);                                 \
        }                                                                                          \
    } while (0)
#define KAHU_ERROR(lg, id, fmt, ...) KAHU_LOG_(lg, spdlog::level::err, id, fmt, __VA_ARGS__)
#define KAHU_WARN(lg, id, fmt, ...) KAHU_LOG_(lg, spdlog::level::warn, id, fmt, __VA_ARGS__)
#define KAHU_INFO(lg, id, fmt, ...) KAHU_LOG_(lg, spdlog::level::info, id, fmt, __VA_ARGS__)
/// Debug with Kea's debug level: printed only when the logger's debuglevel >= dbg.
#define KAHU_DEBUG(lg, dbg, id, fmt, ...)                                                          \
    do {                                                                                           \
        if (::kahu::log::debugLevel(*(lg)) >= (dbg)) {                                             \
            KAHU_LOG_(lg, spdlog::level::debug, id, fmt, __VA_ARGS__);                             \
        }                                                                                          \
    } while (0)
