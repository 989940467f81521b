// SPDX-License-Identifier: MPL-2.0
#pragma once

// The texts Kea's statistic-* commands answer with (src/lib/stats/stats_mgr.cc), for the
// control channel. Result codes: statistic-get/-get-all always 0 (an unknown name gives
// arguments {}); reset/remove/sample-*-set of an unknown name give 1 with notFound().

#include <string>
#include <string_view>

namespace kahu::stat_text {

inline std::string quoted(std::string_view pre, std::string_view name, std::string_view post) {
    std::string s(pre);
    s += name;
    s += post;
    return s;
}

inline std::string notFound(std::string_view name) {
    return quoted("No '", name, "' statistic found");
}
inline std::string reset(std::string_view name) {
    return quoted("Statistic '", name, "' reset.");
}
inline std::string removed(std::string_view name) {
    return quoted("Statistic '", name, "' removed.");
}
inline std::string durationSet(std::string_view name) {
    return quoted("Statistic '", name, "' duration limit is set.");
}
inline std::string countSet(std::string_view name) {
    return quoted("Statistic '", name, "' count limit is set.");
}

inline constexpr std::string_view kAllReset = "All statistics reset to neutral values.";
inline constexpr std::string_view kAllRemoved = "All statistics removed.";
inline constexpr std::string_view kAllDurationSet = "All statistics duration limit are set.";
inline constexpr std::string_view kAllCountSet = "All statistics count limit are set.";

inline constexpr std::string_view kMissingName = "Missing mandatory 'name' parameter.";
inline constexpr std::string_view kNameNotString = "'name' parameter expected to be a string.";
inline constexpr std::string_view kMissingDuration = "Missing mandatory 'duration' parameter.";
inline constexpr std::string_view kMissingMaxSamples = "Missing mandatory 'max-samples' parameter.";
inline constexpr std::string_view kMaxSamplesNotInteger =
    "'max-samples' parameter expected to be an integer.";

} // namespace kahu::stat_text
