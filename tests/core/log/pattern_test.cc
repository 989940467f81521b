// SPDX-License-Identifier: MPL-2.0
#include "log/pattern.h"

#include <gtest/gtest.h>
#include <regex>
#include <spdlog/details/log_msg.h>
#include <unistd.h>

namespace kahu::log {
namespace {

std::string render(std::string_view keaPattern, spdlog::level::level_enum level,
                   std::string_view text, std::string_view logger = "kahu-dhcp4") {
    auto formatter = makeFormatter(keaPattern);
    spdlog::details::log_msg msg(spdlog::string_view_t(logger.data(), logger.size()), level,
                                 spdlog::string_view_t(text.data(), text.size()));
    spdlog::memory_buf_t out;
    formatter->format(msg, out);
    return std::string(out.data(), out.size());
}

TEST(Pattern, ConvertsKeaDefaultConsolePattern) {
    const auto c = convertPattern(kDefaultConsolePattern);
    EXPECT_EQ(c.spdlog, "%Y-%m-%d %H:%M:%S.%e %-5k [%n/%P.%t] %v\n");
    EXPECT_FALSE(c.utc);
}

TEST(Pattern, ConvertsKeaDefaultSyslogPattern) {
    EXPECT_EQ(convertPattern(kDefaultSyslogPattern).spdlog, "%-5k [%n.%t] %v\n");
}

TEST(Pattern, UtcDateAndEscapes) {
    const auto c = convertPattern("%d{%H:%M} 100%% done%n");
    EXPECT_EQ(c.spdlog, "%H:%M 100%% done\n");
    EXPECT_TRUE(c.utc);
    // A literal backslash-n (config writers that keep the escape) is a newline too.
    EXPECT_EQ(convertPattern("%m\\n").spdlog, "%v\n");
    // Unknown conversions print as written rather than vanish.
    EXPECT_EQ(convertPattern("%z").spdlog, "%%z");
}

TEST(Pattern, PrintsKeaSeverityNamesPadded) {
    EXPECT_EQ(render("%-5p %m\n", spdlog::level::warn, "hello"), "WARN  hello\n");
    EXPECT_EQ(render("%-5p %m\n", spdlog::level::critical, "x"), "FATAL x\n");
    EXPECT_EQ(render("%-5p %m\n", spdlog::level::err, "x"), "ERROR x\n");
    EXPECT_EQ(render("%-5p %m\n", spdlog::level::info, "x"), "INFO  x\n");
    EXPECT_EQ(render("%-5p %m\n", spdlog::level::debug, "x"), "DEBUG x\n");
    EXPECT_EQ(render("[%6p]", spdlog::level::info, "x"), "[  INFO]");
    EXPECT_EQ(render("%p|%m", spdlog::level::warn, "x"), "WARN|x");
}

TEST(Pattern, DefaultPatternLooksLikeKeas) {
    const auto line = render("", spdlog::level::info, "DHCP4_STARTING x", "kahu-dhcp4.ha");
    const std::regex re(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO  \[kahu-dhcp4\.ha/)" +
                        std::to_string(::getpid()) + R"(\.\d+\] DHCP4_STARTING x\n)");
    EXPECT_TRUE(std::regex_match(line, re)) << line;
}

TEST(Pattern, MicrosecondsAndEnvironment) {
    ::setenv("KAHU_PATTERN_TEST", "v%1", 1);
    EXPECT_EQ(convertPattern("%E{KAHU_PATTERN_TEST}").spdlog, "v%%1");
    const auto line = render("%D{%S.%Q}", spdlog::level::info, "");
    EXPECT_TRUE(std::regex_match(line, std::regex(R"(\d\d\.\d{3}\.\d{3})"))) << line;
}

} // namespace
} // namespace kahu::log
