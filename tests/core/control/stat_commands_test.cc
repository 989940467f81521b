// SPDX-License-Identifier: MPL-2.0
#include "control/builtin_commands.h"
#include "fake_control_host.h"

#include <cstdio>
#include <cstdlib>
#include <gtest/gtest.h>
#include <kahu/stats.h>

namespace kahu {
namespace {

using nlohmann::json;

// The statistics are the process's; each test uses its own names.
class StatCommandsTest : public ::testing::Test {
protected:
    StatCommandsTest() { registerBuiltinCommands(registry_, host_, state_); }

    json run(const std::string& name, const json& args = nullptr) {
        return registry_.execute(name, args);
    }

    CommandRegistry registry_;
    test::FakeControlHost host_;
    NetworkState state_;
};

TEST_F(StatCommandsTest, GetReturnsSamplesNewestFirst) {
    Statistics::instance().set("ctl-test-get", 5);
    auto answer = run("statistic-get", {{"name", "ctl-test-get"}});
    ASSERT_EQ(answer["result"], 0);
    const auto& samples = answer["arguments"]["ctl-test-get"];
    ASSERT_TRUE(samples.is_array());
    EXPECT_EQ(samples[0][0], 5);
    EXPECT_TRUE(samples[0][1].is_string());
    EXPECT_FALSE(answer.contains("text"));
}

TEST_F(StatCommandsTest, GetOfUnknownNameIsAnEmptyMap) {
    EXPECT_EQ(run("statistic-get", {{"name", "ctl-test-none"}}),
              json({{"result", 0}, {"arguments", json::object()}}));
}

TEST_F(StatCommandsTest, NameArgumentErrors) {
    for (const char* cmd : {"statistic-get", "statistic-reset", "statistic-remove",
                            "statistic-sample-age-set", "statistic-sample-count-set"}) {
        EXPECT_EQ(run(cmd), errorAnswer("Missing mandatory 'name' parameter.")) << cmd;
        EXPECT_EQ(run(cmd, json::object()), errorAnswer("Missing mandatory 'name' parameter."));
        EXPECT_EQ(run(cmd, {{"name", 1}}),
                  errorAnswer("'name' parameter expected to be a string."));
        EXPECT_EQ(run(cmd, json::array())["result"], 1);
    }
}

TEST_F(StatCommandsTest, GetAllContainsEveryStatistic) {
    Statistics::instance().set("ctl-test-all", 1);
    auto answer = run("statistic-get-all");
    ASSERT_EQ(answer["result"], 0);
    EXPECT_TRUE(answer["arguments"].contains("ctl-test-all"));
}

TEST_F(StatCommandsTest, ResetAndRemove) {
    Statistics::instance().set("ctl-test-rr", 9);
    EXPECT_EQ(run("statistic-reset", {{"name", "ctl-test-rr"}}),
              successAnswer("Statistic 'ctl-test-rr' reset."));
    EXPECT_EQ(Statistics::instance().get("ctl-test-rr"), 0);
    EXPECT_EQ(run("statistic-remove", {{"name", "ctl-test-rr"}}),
              successAnswer("Statistic 'ctl-test-rr' removed."));
    EXPECT_FALSE(Statistics::instance().exists("ctl-test-rr"));
    EXPECT_EQ(run("statistic-reset", {{"name", "ctl-test-rr"}}),
              errorAnswer("No 'ctl-test-rr' statistic found"));
    EXPECT_EQ(run("statistic-remove", {{"name", "ctl-test-rr"}}),
              errorAnswer("No 'ctl-test-rr' statistic found"));
}

TEST_F(StatCommandsTest, SampleLimits) {
    Statistics::instance().set("ctl-test-lim", 1);
    EXPECT_EQ(run("statistic-sample-count-set", {{"name", "ctl-test-lim"}, {"max-samples", 3}}),
              successAnswer("Statistic 'ctl-test-lim' count limit is set."));
    EXPECT_EQ(run("statistic-sample-age-set", {{"name", "ctl-test-lim"}, {"duration", 60}}),
              successAnswer("Statistic 'ctl-test-lim' duration limit is set."));
    EXPECT_EQ(run("statistic-sample-count-set", {{"name", "ctl-test-x"}, {"max-samples", 3}}),
              errorAnswer("No 'ctl-test-x' statistic found"));
    EXPECT_EQ(run("statistic-sample-age-set", {{"name", "ctl-test-x"}, {"duration", 3}}),
              errorAnswer("No 'ctl-test-x' statistic found"));
    EXPECT_EQ(run("statistic-sample-count-set", {{"name", "ctl-test-lim"}}),
              errorAnswer("Missing mandatory 'max-samples' parameter."));
    EXPECT_EQ(run("statistic-sample-count-set", {{"name", "ctl-test-lim"}, {"max-samples", "3"}}),
              errorAnswer("'max-samples' parameter expected to be an integer."));
    EXPECT_EQ(run("statistic-sample-age-set", {{"name", "ctl-test-lim"}}),
              errorAnswer("Missing mandatory 'duration' parameter."));
    EXPECT_EQ(run("statistic-sample-age-set", {{"name", "ctl-test-lim"}, {"duration", "x"}}),
              errorAnswer("Error during command processing: intValue() called on non-integer "
                          "Element"));
}

// The -all commands change every statistic of the process: run them in a child process so the
// other tests in this binary keep theirs.
TEST_F(StatCommandsTest, AllForms) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            bool ok = true;
            auto check = [&ok](const json& got, const json& want) {
                if (got != want) {
                    fprintf(stderr, "got %s want %s\n", got.dump().c_str(), want.dump().c_str());
                    ok = false;
                }
            };
            check(run("statistic-sample-count-set-all", {{"max-samples", 5}}),
                  successAnswer("All statistics count limit are set."));
            check(run("statistic-sample-count-set-all", {{"max-samples", 0}}),
                  errorAnswer("'max-samples' parameter must not be zero"));
            check(run("statistic-sample-count-set-all"),
                  errorAnswer("Missing mandatory 'max-samples' parameter."));
            check(run("statistic-sample-age-set-all", {{"duration", 10}}),
                  successAnswer("All statistics duration limit are set."));
            check(run("statistic-sample-age-set-all"),
                  errorAnswer("Missing mandatory 'duration' parameter."));

            Statistics::instance().set("ctl-test-allr", 4);
            check(run("statistic-reset-all"),
                  successAnswer("All statistics reset to neutral values."));
            ok = ok && Statistics::instance().get("ctl-test-allr") == 0;
            check(run("statistic-remove-all"), successAnswer("All statistics removed."));
            ok = ok && !Statistics::instance().exists("ctl-test-allr");
            std::exit(ok ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "");
}

} // namespace
} // namespace kahu
