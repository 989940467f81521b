// SPDX-License-Identifier: MPL-2.0
// The statistic-* commands (Kea's StatsMgr handlers, src/lib/stats/stats_mgr.cc).
#include "control/builtin_commands.h"
#include "stats/stat_texts.h"

#include <kahu/command/answer.h>
#include <kahu/stats.h>
#include <limits>
#include <variant>

namespace kahu::control {

namespace {

using nlohmann::json;
namespace text = stat_text;

// Kea calls intValue() on "duration" without a type check; its TypeError reaches the command
// manager's catch-all.
constexpr std::string_view kNotInteger =
    "Error during command processing: intValue() called on non-integer Element";

// A mandatory argument read as Kea's getStat* helpers do: the value, or the answer to send.
template <class T> using Arg = std::variant<T, json>;

Arg<std::string> statName(const json& args) {
    if (args.is_null()) {
        return errorAnswer(text::kMissingName);
    }
    if (!args.is_object()) {
        return nonMapArgumentsAnswer();
    }
    auto it = args.find("name");
    if (it == args.end()) {
        return errorAnswer(text::kMissingName);
    }
    if (!it->is_string()) {
        return errorAnswer(text::kNameNotString);
    }
    return it->get<std::string>();
}

uint32_t clampU32(int64_t v) {
    if (v < 0) {
        return 0;
    }
    return v > std::numeric_limits<uint32_t>::max() ? std::numeric_limits<uint32_t>::max()
                                                    : static_cast<uint32_t>(v);
}

Arg<uint32_t> duration(const json& args) {
    if (args.is_null()) {
        return errorAnswer(text::kMissingDuration);
    }
    if (!args.is_object()) {
        return nonMapArgumentsAnswer();
    }
    auto it = args.find("duration");
    if (it == args.end()) {
        return errorAnswer(text::kMissingDuration);
    }
    if (!it->is_number_integer()) {
        return errorAnswer(kNotInteger);
    }
    return clampU32(it->get<int64_t>());
}

Arg<uint32_t> maxSamples(const json& args) {
    if (args.is_null()) {
        return errorAnswer(text::kMissingMaxSamples);
    }
    if (!args.is_object()) {
        return nonMapArgumentsAnswer();
    }
    auto it = args.find("max-samples");
    if (it == args.end()) {
        return errorAnswer(text::kMissingMaxSamples);
    }
    if (!it->is_number_integer()) {
        return errorAnswer(text::kMaxSamplesNotInteger);
    }
    return clampU32(it->get<int64_t>());
}

template <class T> const json* failed(const Arg<T>& a) {
    return std::get_if<json>(&a);
}

// reset / remove of one statistic: "<done text>" or "No 'X' statistic found".
template <class Op, class Text> json byName(const json& args, Op op, Text doneText) {
    auto name = statName(args);
    if (auto* answer = failed(name)) {
        return *answer;
    }
    const auto& n = std::get<std::string>(name);
    if (!op(Statistics::instance(), n)) {
        return errorAnswer(text::notFound(n));
    }
    return successAnswer(doneText(n));
}

} // namespace

void registerStatCommands(CommandRegistry& registry) {
    registry.add("statistic-get", [](const json& args) {
        auto name = statName(args);
        if (auto* answer = failed(name)) {
            return *answer;
        }
        return successAnswer("", Statistics::instance().toJson(std::get<std::string>(name)));
    });
    registry.add("statistic-get-all",
                 [](const json&) { return successAnswer("", Statistics::instance().allToJson()); });
    registry.add("statistic-reset", [](const json& args) {
        return byName(
            args, [](Statistics& s, const std::string& n) { return s.reset(n); }, text::reset);
    });
    registry.add("statistic-remove", [](const json& args) {
        return byName(
            args, [](Statistics& s, const std::string& n) { return s.remove(n); }, text::removed);
    });
    registry.add("statistic-reset-all", [](const json&) {
        Statistics::instance().resetAll();
        return successAnswer(text::kAllReset);
    });
    registry.add("statistic-remove-all", [](const json&) {
        Statistics::instance().removeAll();
        return successAnswer(text::kAllRemoved);
    });
    registry.add("statistic-sample-age-set", [](const json& args) {
        auto name = statName(args);
        if (auto* answer = failed(name)) {
            return *answer;
        }
        auto seconds = duration(args);
        if (auto* answer = failed(seconds)) {
            return *answer;
        }
        const auto& n = std::get<std::string>(name);
        if (!Statistics::instance().setMaxSampleAge(n, std::get<uint32_t>(seconds))) {
            return errorAnswer(text::notFound(n));
        }
        return successAnswer(text::durationSet(n));
    });
    registry.add("statistic-sample-count-set", [](const json& args) {
        auto name = statName(args);
        if (auto* answer = failed(name)) {
            return *answer;
        }
        auto count = maxSamples(args);
        if (auto* answer = failed(count)) {
            return *answer;
        }
        const auto& n = std::get<std::string>(name);
        if (!Statistics::instance().setMaxSamples(n, std::get<uint32_t>(count))) {
            return errorAnswer(text::notFound(n));
        }
        return successAnswer(text::countSet(n));
    });
    registry.add("statistic-sample-age-set-all", [](const json& args) {
        auto seconds = duration(args);
        if (auto* answer = failed(seconds)) {
            return *answer;
        }
        Statistics::instance().setMaxSampleAgeAll(std::get<uint32_t>(seconds));
        return successAnswer(text::kAllDurationSet);
    });
    registry.add("statistic-sample-count-set-all", [](const json& args) {
        auto count = maxSamples(args);
        if (auto* answer = failed(count)) {
            return *answer;
        }
        if (std::get<uint32_t>(count) == 0) {
            return errorAnswer("'max-samples' parameter must not be zero");
        }
        Statistics::instance().setMaxSamplesAll(std::get<uint32_t>(count));
        return successAnswer(text::kAllCountSet);
    });
}

} // namespace kahu::control
