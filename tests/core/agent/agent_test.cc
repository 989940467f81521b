// SPDX-License-Identifier: MPL-2.0
#include "../control/transport_test_util.h"
#include "agent/agent_config.h"
#include "agent/command_forwarder.h"
#include "control/unix_listener.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <kahu/error.h>

namespace kahu {

TEST(AgentConfig, OasisAgentConfigParses) {
    const std::string file = KAHU_TEST_DATA_DIR "/oasis/kea-ctrl-agent-dhcp1.conf";
    ASSERT_TRUE(std::filesystem::exists(file)) << file;
    auto cfg = AgentConfig::fromFile(file);
    EXPECT_EQ(cfg.httpHost, "172.18.20.20");
    EXPECT_EQ(cfg.httpPort, 8000);
    EXPECT_EQ(cfg.sockets.at("dhcp4"), "/run/kea/kea4-ctrl-socket");
    EXPECT_EQ(cfg.loggers.size(), 1u);
}

TEST(AgentConfig, UnknownKeyNamesFileLineAndColumn) {
    try {
        AgentConfig::fromText("{\"Control-agent\": {\n  \"http-port\": 8000,\n  \"bogus\": 1 }}",
                              "ca.conf");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("ca.conf:3:"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("bogus"), std::string::npos) << e.what();
    }
}

class ForwarderTest : public ::testing::Test {
protected:
    test::SocketDir dir;
    std::shared_ptr<AgentConfig> cfg = std::make_shared<AgentConfig>();
    bool shutdownCalled = false;
    CommandForwarder fwd{cfg, [this] { shutdownCalled = true; }, std::chrono::seconds(2)};
};

TEST_F(ForwarderTest, ForwardsTheWholeCommandAndWrapsTheAnswerInAList) {
    cfg->sockets["dhcp4"] = dir.path + "/d4.sock";
    UnixListener server(cfg->sockets["dhcp4"], test::echoExecutor());
    server.start();
    auto out = fwd({{"command", "statistic-get"},
                    {"service", {"dhcp4"}},
                    {"remote-address", "10.0.0.1"},
                    {"arguments", {{"name", "x"}}}});
    ASSERT_TRUE(out.is_array());
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0]["arguments"]["service"], nlohmann::json({"dhcp4"}));
    EXPECT_EQ(out[0]["arguments"]["remote-address"], "10.0.0.1");
    EXPECT_EQ(out[0]["arguments"]["arguments"]["name"], "x");
}

TEST_F(ForwarderTest, UnconfiguredAndDeadServicesGetKeaTexts) {
    cfg->sockets["dhcp4"] = dir.path + "/missing.sock";
    auto out = fwd({{"command", "x"}, {"service", {"dhcp6", "dhcp4"}}});
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0]["text"], "forwarding socket is not configured for the server type dhcp6");
    EXPECT_EQ(out[1]["text"], "unable to forward command to the dhcp4 service: No such file or "
                              "directory. The server is likely to be offline");
}

TEST_F(ForwarderTest, CommandsWithoutServiceRunInTheAgent) {
    auto list = fwd({{"command", "list-commands"}});
    EXPECT_EQ(list[0]["result"], 0);
    EXPECT_NE(std::find(list[0]["arguments"].begin(), list[0]["arguments"].end(), "status-get"),
              list[0]["arguments"].end());
    auto unknown = fwd({{"command", "bogus"}, {"service", nlohmann::json::array()}});
    EXPECT_EQ(unknown[0]["result"], 2);
    EXPECT_EQ(unknown[0]["text"].get<std::string>().rfind("'bogus' command not supported. You did "
                                                          "not include \"service\"",
                                                          0),
              0u);
    auto bad = fwd({{"command", "x"}, {"foo", 1}});
    EXPECT_EQ(bad[0]["text"], "Error during command processing: Received command contains "
                              "unsupported parameter 'foo'");
    auto down = fwd({{"command", "shutdown"}});
    EXPECT_EQ(down[0]["text"], "Control Agent is shutting down");
    EXPECT_TRUE(shutdownCalled);
}

} // namespace kahu
