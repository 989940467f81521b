// SPDX-License-Identifier: MPL-2.0
// Helpers shared by the libFuzzer targets (docs/testing.md, "Fuzzing").
#pragma once

#include "control/command_call.h"
#include "log/logging.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <kahu/log.h>
#include <kahu/stats.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/null_sink.h>
#include <string>
#include <string_view>
#include <vector>

namespace kahu::fuzz {

/// A failed invariant: prints what and aborts, which libFuzzer reports as a crash with the
/// input saved. Used instead of assert() so that it holds in every build type.
[[noreturn]] inline void fail(const char* what, const std::string& detail = {}) {
    std::fprintf(stderr, "FUZZ INVARIANT FAILED: %s%s%s\n", what, detail.empty() ? "" : ": ",
                 detail.c_str());
    std::abort();
}

/// FUZZ_CHECK(condition, what[, detail]): the detail is only built when the check fails.
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ::kahu::fuzz::fail(__VA_ARGS__);                                                       \
        }                                                                                          \
    } while (0)

/// JSON as text for messages (never throws, whatever the strings hold).
inline std::string text(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// Every Kahu logger at DEBUG with debuglevel 99, so that the arguments of every log statement
/// are evaluated and formatted (a throwing or crashing argument is a bug too), into a null
/// sink. KAHU_FUZZ_LOG=1 keeps them on stderr instead (to follow a reproducer).
inline void quietLogging(const std::vector<std::string>& extraLoggers = {}) {
    LoggerConfig lc;
    lc.name = "kahu-dhcp4";
    lc.severity = "DEBUG";
    lc.debuglevel = 99;
    LoggerOutput out;
    out.output = "stderr";
    lc.outputs.push_back(out);
    log::configureLogging({lc}, false);
    if (std::getenv("KAHU_FUZZ_LOG") != nullptr) {
        return;
    }
    // Kahu's logger names (core/src/log/kea_loggers.h and the hooks'); one missing here only
    // makes its messages show on stderr.
    std::vector<std::string> names = {"kahu-dhcp4",
                                      "kahu-dhcp4.dhcp4",
                                      "kahu-dhcp4.packets",
                                      "kahu-dhcp4.bad-packets",
                                      "kahu-dhcp4.leases",
                                      "kahu-dhcp4.alloc-engine",
                                      "kahu-dhcp4.dhcpsrv",
                                      "kahu-dhcp4.options",
                                      "kahu-dhcp4.hosts",
                                      "kahu-dhcp4.commands",
                                      "kahu-dhcp4.hooks",
                                      "kahu-dhcp4.ha-hooks",
                                      "kahu-dhcp4.lease-cmds-hooks"};
    names.insert(names.end(), extraLoggers.begin(), extraLoggers.end());
    auto null = std::make_shared<spdlog::sinks::null_sink_mt>();
    for (const auto& n : names) {
        auto lg = log::get(n);
        lg->sinks().assign(1, null);
    }
}

/// Statistics keep one sample each (Kea's statistic-default-sample-count 1): the history of
/// the process-wide statistics would otherwise grow and shrink across inputs, which libFuzzer
/// takes for a possible leak and answers with a full LeakSanitizer scan, slowing it down many
/// times. Called at start-up, and by a target whose input may change the limits, after each
/// input.
inline void oneSampleStatistics() {
    Statistics::instance().applySampleDefaults(1, 0);
}

/// What the control transports do with an answer (kahu::answerText, as unix_listener.cc and
/// http_listener.cc send it): it must not throw, whatever the strings hold.
inline std::string serialise(const nlohmann::json& answer, const char* where) {
    try {
        return answerText(answer);
    } catch (const std::exception& e) {
        fail(where, std::string("the answer does not serialise: ") + e.what());
    }
}

/// Splits data at every occurrence of sep (the fuzzers' multi-record inputs).
inline std::vector<std::string_view> split(std::string_view data, std::string_view sep) {
    std::vector<std::string_view> out;
    for (;;) {
        size_t at = data.find(sep);
        if (at == std::string_view::npos) {
            out.push_back(data);
            return out;
        }
        out.push_back(data.substr(0, at));
        data.remove_prefix(at + sep.size());
    }
}

/// The record separator of the text-based targets: a line holding only "%%".
inline constexpr std::string_view kRecordSeparator = "\n%%\n";

} // namespace kahu::fuzz
