// SPDX-License-Identifier: MPL-2.0
#include "control/builtin_commands.h"
#include "fake_control_host.h"
#include "server/build_report.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <unistd.h>

namespace kahu {
namespace {

using nlohmann::json;

class ServerCommandsTest : public ::testing::Test {
protected:
    ServerCommandsTest() { registerBuiltinCommands(registry_, host_, state_); }

    json run(const std::string& name, const json& args = nullptr) {
        return registry_.execute(name, args);
    }

    CommandRegistry registry_;
    test::FakeControlHost host_;
    NetworkState state_;
};

TEST_F(ServerCommandsTest, ListCommandsIsSortedAndIncludesLaterCommands) {
    registry_.add("lease4-get", [](const json&) { return successAnswer(""); });
    auto answer = run("list-commands");
    ASSERT_EQ(answer["result"], 0);
    std::vector<std::string> names = answer["arguments"];
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    auto expected = builtinCommandNames();
    expected.push_back("lease4-get");
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(names, expected);
    EXPECT_FALSE(answer.contains("text"));
}

TEST_F(ServerCommandsTest, UnregisterRemovesEveryBuiltin) {
    unregisterBuiltinCommands(registry_);
    EXPECT_TRUE(registry_.names().empty());
}

TEST_F(ServerCommandsTest, VersionGetAndBuildReport) {
    EXPECT_EQ(run("version-get"), json({{"result", 0},
                                        {"text", versionText()},
                                        {"arguments", {{"extended", extendedVersionText()}}}}));
    EXPECT_EQ(run("build-report"), json({{"result", 0}, {"text", buildReportText()}}));
}

TEST_F(ServerCommandsTest, ServerTagGet) {
    EXPECT_EQ(run("server-tag-get"),
              json({{"result", 0}, {"arguments", {{"server-tag", "alpha"}}}}));
}

TEST_F(ServerCommandsTest, ConfigBackendPullSaysThereIsNone) {
    EXPECT_EQ(run("config-backend-pull"), json({{"result", 3}, {"text", "No config backend."}}));
}

TEST_F(ServerCommandsTest, DhcpDisableAndEnable) {
    EXPECT_EQ(run("dhcp-disable"), successAnswer("DHCPv4 service disabled"));
    EXPECT_FALSE(state_.isEnabled());
    EXPECT_EQ(run("dhcp-enable"), successAnswer("DHCP service successfully enabled"));
    EXPECT_TRUE(state_.isEnabled());
}

TEST_F(ServerCommandsTest, DhcpDisableWithMaxPeriodArmsTheTimer) {
    EXPECT_EQ(run("dhcp-disable", {{"max-period", 30}}),
              successAnswer("DHCPv4 service disabled for 30 seconds"));
    EXPECT_TRUE(state_.hasDelayedEnable(NetworkState::kUserCommand));
    state_.tick(NetworkState::Clock::now() + std::chrono::seconds(31));
    EXPECT_TRUE(state_.isEnabled());
}

TEST_F(ServerCommandsTest, DhcpDisableOrigins) {
    run("dhcp-disable", {{"origin", "ha-partner"}});
    EXPECT_EQ(state_.toJson()["disabled-by-remote-command"], json({2000}));
    run("dhcp-disable", {{"origin", 1001}});
    run("dhcp-disable", {{"origin-id", 2001}, {"origin", "user"}}); // origin-id wins
    auto j = state_.toJson();
    EXPECT_EQ(j["disabled-by-local-command"], json({1001}));
    EXPECT_EQ(j["disabled-by-remote-command"], json({2000, 2001}));
    EXPECT_FALSE(j["disabled-by-user"].get<bool>());
    run("dhcp-enable", {{"origin", "ha-partner"}});
    run("dhcp-enable", {{"origin", 1001}});
    EXPECT_FALSE(state_.isEnabled());
    run("dhcp-enable", {{"origin-id", 2001}});
    EXPECT_TRUE(state_.isEnabled());
}

TEST_F(ServerCommandsTest, DhcpDisableArgumentErrors) {
    EXPECT_EQ(run("dhcp-disable", json::array()),
              errorAnswer("arguments for the 'dhcp-disable' command must be a map"));
    EXPECT_EQ(run("dhcp-disable", {{"max-period", "x"}}),
              errorAnswer("'max-period' argument must be a number"));
    EXPECT_EQ(run("dhcp-disable", {{"max-period", 0}}),
              errorAnswer("'max-period' must be positive integer"));
    EXPECT_EQ(run("dhcp-disable", {{"origin", "foo"}}),
              errorAnswer("invalid value used for 'origin' parameter: foo"));
    EXPECT_EQ(run("dhcp-disable", {{"origin", ""}}),
              errorAnswer("invalid value used for 'origin' parameter: (empty string)"));
    EXPECT_EQ(run("dhcp-disable", {{"origin", true}}),
              errorAnswer("'origin' argument must be a string or a number"));
    EXPECT_EQ(run("dhcp-disable", {{"origin-id", "x"}}),
              errorAnswer("'origin-id' argument must be a number"));
    EXPECT_TRUE(state_.isEnabled()) << "a refused command changes nothing";
}

TEST_F(ServerCommandsTest, DhcpEnableArgumentErrors) {
    EXPECT_EQ(run("dhcp-enable", 5),
              errorAnswer("arguments for the 'dhcp-enable' command must be a map"));
    EXPECT_EQ(run("dhcp-enable", {{"origin", "bar"}}),
              errorAnswer("invalid value used for 'origin' parameter: bar"));
}

TEST_F(ServerCommandsTest, LeasesReclaim) {
    EXPECT_EQ(run("leases-reclaim", {{"remove", true}}),
              successAnswer("Reclamation of expired leases is complete."));
    EXPECT_EQ(host_.reclaimed_, true);
    EXPECT_EQ(run("leases-reclaim"), errorAnswer("Missing mandatory 'remove' parameter."));
    EXPECT_EQ(run("leases-reclaim", json::object()),
              errorAnswer("Missing mandatory 'remove' parameter."));
    EXPECT_EQ(run("leases-reclaim", {{"remove", 1}}),
              errorAnswer("'remove' parameter expected to be a boolean."));
    EXPECT_EQ(run("leases-reclaim", json::array())["result"], 1);
}

TEST_F(ServerCommandsTest, Shutdown) {
    EXPECT_EQ(run("shutdown", {{"exit-value", 3}}), successAnswer("Shutting down."));
    EXPECT_EQ(host_.exitValue_, 3);
    EXPECT_EQ(run("shutdown"), successAnswer("Shutting down."));
    EXPECT_EQ(host_.exitValue_, 0);
    host_.exitValue_.reset();
    EXPECT_EQ(run("shutdown", {{"exit-value", "x"}}),
              errorAnswer("parameter 'exit-value' is not an integer"));
    EXPECT_EQ(run("shutdown", json::array()), errorAnswer("Argument must be a map"));
    EXPECT_FALSE(host_.exitValue_.has_value());
}

TEST_F(ServerCommandsTest, StatusGetSingleThreaded) {
    auto answer = run("status-get");
    ASSERT_EQ(answer["result"], 0);
    const auto& a = answer["arguments"];
    EXPECT_EQ(a["pid"], getpid());
    EXPECT_EQ(a["uptime"], 42);
    EXPECT_EQ(a["reload"], 7);
    EXPECT_EQ(a["multi-threading-enabled"], false);
    EXPECT_FALSE(a.contains("thread-pool-size"));
    EXPECT_FALSE(a.contains("packet-queue-statistics"));
    EXPECT_EQ(a["sockets"], json({{"status", "ready"}}));
    EXPECT_EQ(a["dhcp-state"], state_.toJson());
}

TEST_F(ServerCommandsTest, StatusGetMultiThreaded) {
    json top = test::smallConfig();
    top["Dhcp4"]["multi-threading"] = {{"enable-multi-threading", true}, {"thread-pool-size", 4}};
    ASSERT_EQ(host_.applyJson(top, false), "");
    json answer = run("status-get");
    const auto& a = answer["arguments"];
    EXPECT_EQ(a["multi-threading-enabled"], true);
    EXPECT_EQ(a["thread-pool-size"], 4);
    EXPECT_EQ(a["packet-queue-size"], 64);
    EXPECT_EQ(a["packet-queue-statistics"], json({0.5, 0.25, 0.125}));
}

} // namespace
} // namespace kahu
