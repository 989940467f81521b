// SPDX-License-Identifier: MPL-2.0
#include "log/pattern.h"

#include <chrono>
#include <cstdlib>
#include <optional>
#include <spdlog/pattern_formatter.h>
#include <unistd.h>

namespace kahu::log {

namespace {

// Custom spdlog flags: chars chosen so they never clash with what convertPattern emits.
constexpr char kLevelFlag = 'k';
constexpr char kMicrosFlag = 'q';
constexpr char kUptimeFlag = 'u';

void appendPadded(std::string_view text, const spdlog::details::padding_info& pad,
                  spdlog::memory_buf_t& dest) {
    using Side = spdlog::details::padding_info::pad_side;
    if (!pad.enabled() || text.size() >= pad.width_) {
        if (pad.enabled() && pad.truncate_ && text.size() > pad.width_) {
            text = text.substr(0, pad.width_);
        }
        dest.append(text.data(), text.data() + text.size());
        return;
    }
    const size_t fill = pad.width_ - text.size();
    const size_t before = pad.side_ == Side::left ? fill : pad.side_ == Side::center ? fill / 2 : 0;
    for (size_t i = 0; i < before; ++i) {
        dest.push_back(' ');
    }
    dest.append(text.data(), text.data() + text.size());
    for (size_t i = before; i < fill; ++i) {
        dest.push_back(' ');
    }
}

/// %p: Kea's severity names, not spdlog's ("warning", "critical").
class KeaLevelFlag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        appendPadded(keaLevelName(msg.level), padinfo_, dest);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<KeaLevelFlag>();
    }
};

/// %Q inside a date: milliseconds with the microseconds as a fraction ("123.456").
class MicrosFlag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        const auto us =
            std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch())
                .count() %
            1000000;
        char buf[16];
        const int n = std::snprintf(buf, sizeof buf, "%03d.%03d", static_cast<int>(us / 1000),
                                    static_cast<int>(us % 1000));
        appendPadded(std::string_view(buf, n), padinfo_, dest);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<MicrosFlag>();
    }
};

/// %r: milliseconds since the process started (log4cplus's "relative time").
class UptimeFlag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        static const auto start = std::chrono::system_clock::now();
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(msg.time - start).count();
        appendPadded(std::to_string(ms), padinfo_, dest);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<UptimeFlag>();
    }
};

void appendLiteral(std::string& out, std::string_view text) {
    for (char c : text) {
        if (c == '%') {
            out += "%%";
        } else {
            out += c;
        }
    }
}

std::string hostName() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) {
        return "";
    }
    return buf;
}

/// The inside of %d{...}/%D{...}: strftime items to spdlog flags.
void appendDate(std::string& out, std::string_view fmt) {
    for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != '%' || i + 1 == fmt.size()) {
            appendLiteral(out, fmt.substr(i, 1));
            continue;
        }
        const char c = fmt[++i];
        switch (c) {
        case 'Y':
        case 'm':
        case 'd':
        case 'H':
        case 'M':
        case 'S':
        case 'y':
        case 'b':
        case 'B':
        case 'a':
        case 'A':
        case 'p':
        case 'I':
        case 'c':
        case 'x':
        case 'X':
            out += '%';
            out += c;
            break;
        case 'q':
            out += "%e";
            break;
        case 'Q':
            out += '%';
            out += kMicrosFlag;
            break;
        case 'Z':
            out += "%z";
            break;
        case '%':
            out += "%%";
            break;
        default:
            // %j %U %w %W have no spdlog equivalent: leave them out rather than print junk.
            break;
        }
    }
}

/// Reads "{...}" at pos (if present), advancing pos past it.
std::optional<std::string_view> braced(std::string_view p, size_t& pos) {
    if (pos + 1 >= p.size() || p[pos + 1] != '{') {
        return std::nullopt;
    }
    const size_t close = p.find('}', pos + 2);
    if (close == std::string_view::npos) {
        return std::nullopt;
    }
    auto inner = p.substr(pos + 2, close - pos - 2);
    pos = close;
    return inner;
}

} // namespace

std::string_view keaLevelName(spdlog::level::level_enum level) noexcept {
    switch (level) {
    case spdlog::level::critical:
        return "FATAL";
    case spdlog::level::err:
        return "ERROR";
    case spdlog::level::warn:
        return "WARN";
    case spdlog::level::info:
        return "INFO";
    default:
        return "DEBUG";
    }
}

ConvertedPattern convertPattern(std::string_view p) {
    ConvertedPattern result;
    std::string& out = result.spdlog;
    bool sawDate = false;
    for (size_t i = 0; i < p.size(); ++i) {
        const char ch = p[i];
        if (ch == '\\' && i + 1 < p.size() && p[i + 1] == 'n') {
            out += '\n'; // "\n" kept as two characters by an escaping config writer
            ++i;
            continue;
        }
        if (ch != '%') {
            appendLiteral(out, std::string_view(&p[i], 1));
            continue;
        }
        // Format modifiers: '-' (left-justify), a minimum width, ".N" (truncation: ignored).
        std::string pad;
        size_t j = i + 1;
        if (j < p.size() && p[j] == '-') {
            pad += '-';
            ++j;
        }
        while (j < p.size() && p[j] >= '0' && p[j] <= '9') {
            pad += p[j++];
        }
        if (j < p.size() && p[j] == '.') {
            ++j;
            while (j < p.size() && p[j] >= '0' && p[j] <= '9') {
                ++j;
            }
        }
        if (pad == "-") {
            pad.clear();
        }
        if (j >= p.size()) {
            out += "%%";
            break;
        }
        i = j;
        const auto flag = [&](char f) {
            out += '%';
            out += pad;
            out += f;
        };
        switch (p[i]) {
        case 'p':
            flag(kLevelFlag);
            break;
        case 'm':
            flag('v');
            break;
        case 'n':
            out += '\n';
            break;
        case 'c':
            flag('n');
            break;
        case 'i':
            flag('P');
            break;
        case 't':
        case 'T':
            flag('t');
            break;
        case 'r':
            flag(kUptimeFlag);
            break;
        case 'd':
        case 'D': {
            const bool utc = p[i] == 'd';
            if (!sawDate) {
                result.utc = utc;
                sawDate = true;
            }
            const auto inner = braced(p, i);
            appendDate(out, inner ? *inner : std::string_view("%Y-%m-%d %H:%M:%S,%q"));
            break;
        }
        case 'h':
        case 'H':
            appendLiteral(out, hostName());
            break;
        case 'E': {
            const auto var = braced(p, i);
            const char* value = var ? std::getenv(std::string(*var).c_str()) : nullptr;
            appendLiteral(out, value ? value : "");
            break;
        }
        case 'F':
        case 'b':
            flag('s');
            break;
        case 'L':
            flag('#');
            break;
        case 'l':
            out += "%s:%#";
            break;
        case 'M':
            flag('!');
            break;
        case '%':
            out += "%%";
            break;
        case 'x':
        case 'X':
            braced(p, i); // NDC/MDC: Kahu has none
            break;
        default:
            out += "%%";
            out += pad;
            appendLiteral(out, p.substr(i, 1));
            break;
        }
    }
    return result;
}

std::unique_ptr<spdlog::formatter> makeFormatter(std::string_view keaPattern) {
    const auto converted = convertPattern(keaPattern.empty() ? kDefaultConsolePattern : keaPattern);
    auto formatter = std::make_unique<spdlog::pattern_formatter>(
        converted.utc ? spdlog::pattern_time_type::utc : spdlog::pattern_time_type::local, "");
    formatter->add_flag<KeaLevelFlag>(kLevelFlag);
    formatter->add_flag<MicrosFlag>(kMicrosFlag);
    formatter->add_flag<UptimeFlag>(kUptimeFlag);
    formatter->set_pattern(converted.spdlog);
    return formatter;
}

} // namespace kahu::log
