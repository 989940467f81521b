// SPDX-License-Identifier: MPL-2.0
#include "fake_peer.h"
#include "ha_commands.h"
#include "ha_test_util.h"

#include <gtest/gtest.h>
#include <kahu/command/handler.h>
#include <kahu/server_access.h>
#include <map>

using namespace kahu;
using namespace kahu::ha;
using namespace kahu::ha::test;
using nlohmann::json;

namespace {

class HaCommandsTest : public ::testing::Test {
protected:
    void make(const std::string& mode = "load-balancing", const std::string& self = "server1",
              std::function<void(json&)> tweak = {}) {
        auto rel = relationship(mode, self);
        if (tweak) {
            tweak(rel);
        }
        channel = std::make_shared<FakeChannel>();
        service = std::make_unique<HaService>(parseHaConfig(params(rel)), channel,
                                              std::make_unique<FakeLocalDhcp>(disabled), nullptr);
        sync = std::make_shared<FakeSync>();
        service->setLeaseSync(sync);
        commands = std::make_unique<HaCommands>(*service);
        handlers.clear();
        for (const auto& [name, m] : HaCommands::commands()) {
            handlers[name] = [this, m = m](const json& a) { return ((*commands).*m)(a); };
        }
    }
    /// The answer as the server gives it: runHandler turns a thrown CommandError into
    /// {"result": ..., "text": ...}, as the control channel does.
    json run(const std::string& name, const json& args) {
        return runHandler(handlers.at(name), args, name);
    }
    void SetUp() override { make(); }

    std::set<uint32_t> disabled;
    std::shared_ptr<FakeChannel> channel;
    std::shared_ptr<FakeSync> sync;
    std::unique_ptr<HaService> service;
    std::unique_ptr<HaCommands> commands;
    std::map<std::string, CommandHandler> handlers;
};

void expectAnswer(const json& a, int result, const std::string& text) {
    EXPECT_EQ(a.value("result", -1), result) << a.dump();
    EXPECT_EQ(a.value("text", std::string()), text) << a.dump();
}

} // namespace

TEST_F(HaCommandsTest, HeartbeatReportsStateScopesAndTime) {
    service->transition(HaState::LoadBalancing);
    json a = run("ha-heartbeat", nullptr);
    expectAnswer(a, 0, "HA peer status returned.");
    EXPECT_EQ(a["arguments"]["state"], "load-balancing");
    EXPECT_EQ(a["arguments"]["scopes"], json::array({"server1"}));
    EXPECT_EQ(a["arguments"]["unsent-update-count"], 0);
    EXPECT_TRUE(parseRfc1123(a["arguments"]["date-time"].get<std::string>()));
}

TEST_F(HaCommandsTest, ScopesArgumentsAndAnswers) {
    expectAnswer(run("ha-scopes", nullptr), 1, "arguments not found in the 'ha-scopes' command");
    expectAnswer(run("ha-scopes", json::object()), 1,
                 "'scopes' is mandatory for the 'ha-scopes' command");
    expectAnswer(run("ha-scopes", {{"scopes", "server1"}}), 1,
                 "'scopes' must be a list in the 'ha-scopes' command");
    expectAnswer(run("ha-scopes", {{"scopes", {1}}}), 1,
                 "scope name must be a string in the 'scopes' argument");
    expectAnswer(run("ha-scopes", {{"scopes", {"bogus"}}}), 1,
                 "invalid server name specified 'bogus' while enabling/disabling HA scopes");
    expectAnswer(run("ha-scopes", {{"scopes", {"server1", "server2"}}}), 0,
                 "New HA scopes configured.");
    EXPECT_EQ(service->filter().servedScopes(), (std::vector<std::string>{"server1", "server2"}));
    expectAnswer(run("ha-scopes", {{"scopes", json::array()}}), 0, "New HA scopes configured.");
    EXPECT_TRUE(service->filter().servedScopes().empty());
}

TEST_F(HaCommandsTest, SyncArgumentsAndOutcome) {
    expectAnswer(run("ha-sync", nullptr), 1, "arguments not found in the 'ha-sync' command");
    expectAnswer(run("ha-sync", json::object()), 1,
                 "'server-name' is mandatory for the 'ha-sync' command");
    expectAnswer(run("ha-sync", {{"server-name", 2}}), 1,
                 "'server-name' must be a string in the 'ha-sync' command");
    expectAnswer(run("ha-sync", {{"server-name", "server2"}, {"max-period", 0}}), 1,
                 "'max-period' must be a positive integer in the 'ha-sync' command");
    expectAnswer(run("ha-sync", {{"server-name", "server1"}}), 1,
                 "'server1' points to local server but should point to a partner");
    expectAnswer(run("ha-sync", {{"server-name", "nobody"}}), 1,
                 "server name 'nobody' does not match any of the configured peers");
    expectAnswer(run("ha-sync", {{"server-name", "server2"}, {"max-period", 30}}), 0,
                 "Lease database synchronization complete.");
    ASSERT_EQ(sync->calls.size(), 1u);
    EXPECT_EQ(sync->calls[0].first, "server2");
    EXPECT_EQ(sync->calls[0].second.count(), 30);
    sync->error = "partner said no";
    expectAnswer(run("ha-sync", {{"server-name", "server2"}}), 1, "partner said no");
    EXPECT_EQ(sync->calls[1].second.count(), 60); // sync-timeout / 1000
}

TEST_F(HaCommandsTest, ContinueResumesAPausedMachine) {
    make("load-balancing", "server1", [](json& r) {
        r["state-machine"] = {{"states", {{{"state", "waiting"}, {"pause", "always"}}}}};
    });
    expectAnswer(run("ha-continue", nullptr), 0, "HA state machine continues.");
    expectAnswer(run("ha-continue", nullptr), 0, "HA state machine is not paused.");
}

TEST_F(HaCommandsTest, ResetGoesToWaiting) {
    expectAnswer(run("ha-reset", nullptr), 0, "HA state machine already in WAITING state.");
    service->transition(HaState::PartnerDown);
    expectAnswer(run("ha-reset", nullptr), 0, "HA state machine reset.");
    EXPECT_EQ(service->state(), HaState::Waiting);
}

TEST_F(HaCommandsTest, MaintenanceNotify) {
    expectAnswer(run("ha-maintenance-notify", nullptr), 1,
                 "arguments not found in the 'ha-maintenance-notify' command");
    expectAnswer(run("ha-maintenance-notify", json::object()), 1,
                 "'cancel' is mandatory for the 'ha-maintenance-notify' command");
    expectAnswer(run("ha-maintenance-notify", {{"cancel", "no"}}), 1,
                 "'cancel' must be a boolean in the 'ha-maintenance-notify' command");
    expectAnswer(run("ha-maintenance-notify", {{"cancel", true}}), 1,
                 "Unable to cancel the maintenance for the server not in the in-maintenance "
                 "state.");
    service->transition(HaState::LoadBalancing);
    expectAnswer(run("ha-maintenance-notify", {{"cancel", false}}), 0,
                 "Server is in-maintenance state.");
    EXPECT_EQ(service->state(), HaState::InMaintenance);
    EXPECT_TRUE(disabled.count(ServerAccess::kOriginHaLocal)); // safe to shut down
    expectAnswer(run("ha-maintenance-notify", {{"cancel", true}}), 0,
                 "Server maintenance canceled.");
    EXPECT_EQ(service->state(), HaState::LoadBalancing);
    EXPECT_TRUE(disabled.empty());
    for (HaState s : {HaState::Terminated, HaState::PartnerInMaintenance}) {
        service->transition(s);
        json a = run("ha-maintenance-notify", {{"cancel", false}});
        EXPECT_EQ(a["result"], static_cast<int>(kResultState));
        EXPECT_EQ(a["text"], "Unable to transition the server from the " +
                                 std::string(wireName(s)) + " to in-maintenance state.");
        EXPECT_EQ(service->state(), s);
    }
}

TEST_F(HaCommandsTest, MaintenanceStartWithAnAnsweringPartner) {
    service->transition(HaState::LoadBalancing);
    channel->answer("ha-maintenance-notify",
                    {{"result", 0}, {"text", "Server is in-maintenance state."}});
    expectAnswer(run("ha-maintenance-start", nullptr), 0,
                 "Server is now in the partner-in-maintenance state and its partner is "
                 "in-maintenance state. The partner can be now safely shut down.");
    EXPECT_EQ(service->state(), HaState::PartnerInMaintenance);
    EXPECT_EQ(channel->sent.back().arguments, json({{"cancel", false}}));
    EXPECT_EQ(service->filter().servedScopes(), (std::vector<std::string>{"server1", "server2"}));
    expectAnswer(run("ha-maintenance-start", nullptr), 1,
                 "Unable to transition the server from the partner-in-maintenance to "
                 "partner-in-maintenance state.");
    expectAnswer(run("ha-maintenance-cancel", nullptr), 0,
                 "Server maintenance successfully canceled.");
    EXPECT_EQ(channel->sent.back().arguments, json({{"cancel", true}}));
    EXPECT_EQ(service->state(), HaState::LoadBalancing);
}

TEST_F(HaCommandsTest, MaintenanceStartWithAnOfflinePartnerGoesPartnerDown) {
    service->transition(HaState::LoadBalancing);
    expectAnswer(run("ha-maintenance-start", nullptr), 0,
                 "Server is now in the partner-down state as its partner appears to be offline "
                 "for maintenance.");
    EXPECT_EQ(service->state(), HaState::PartnerDown);
}

TEST_F(HaCommandsTest, MaintenanceStartRefusedByPartner) {
    service->transition(HaState::LoadBalancing);
    channel->answer("ha-maintenance-notify", {{"result", 1001}, {"text", "no way"}});
    json a = run("ha-maintenance-start", nullptr);
    EXPECT_EQ(a["result"], 1);
    EXPECT_NE(a["text"].get<std::string>().find("no way"), std::string::npos);
    EXPECT_EQ(service->state(), HaState::LoadBalancing);
}

TEST_F(HaCommandsTest, MaintenanceCancelOnlyInPartnerInMaintenance) {
    expectAnswer(run("ha-maintenance-cancel", nullptr), 1,
                 "Unable to cancel maintenance request because the server is not in the "
                 "partner-in-maintenance state.");
}

TEST_F(HaCommandsTest, SyncCompleteNotifyEnablesThePartnersOrigin) {
    disabled.insert(ServerAccess::kOriginHaRemote); // the partner's dhcp-disable
    service->transition(HaState::LoadBalancing);
    expectAnswer(run("ha-sync-complete-notify", nullptr), 0,
                 "Server successfully notified about the synchronization completion.");
    EXPECT_FALSE(disabled.count(ServerAccess::kOriginHaRemote));
    // In partner-down (2.2) only when leaving it.
    service->transition(HaState::PartnerDown);
    disabled.insert(ServerAccess::kOriginHaRemote);
    run("ha-sync-complete-notify", nullptr);
    EXPECT_TRUE(disabled.count(ServerAccess::kOriginHaRemote));
    service->transition(HaState::LoadBalancing);
    EXPECT_FALSE(disabled.count(ServerAccess::kOriginHaRemote));
}

TEST_F(HaCommandsTest, StatusGetGetsTheHaPart) {
    service->transition(HaState::LoadBalancing);
    json response = {{"result", 0}, {"arguments", {{"pid", 1}}}};
    commands->addToStatusGet("status-get", response);
    json ha = response["arguments"]["high-availability"];
    ASSERT_TRUE(ha.is_array());
    EXPECT_EQ(ha[0]["ha-mode"], "load-balancing");
    EXPECT_EQ(ha[0]["ha-servers"]["local"],
              json({{"role", "primary"}, {"scopes", {"server1"}}, {"state", "load-balancing"}}));
    json remote = ha[0]["ha-servers"]["remote"];
    EXPECT_EQ(remote["role"], "secondary");
    EXPECT_EQ(remote["last-state"], "unavailable");
    for (const char* k :
         {"age", "analyzed-packets", "communication-interrupted", "connecting-clients", "in-touch",
          "last-scopes", "unacked-clients", "unacked-clients-left"}) {
        EXPECT_TRUE(remote.contains(k)) << k;
    }
    json other = {{"result", 0}, {"arguments", {{"pid", 1}}}};
    commands->addToStatusGet("version-get", other);
    EXPECT_FALSE(other["arguments"].contains("high-availability"));
}

TEST_F(HaCommandsTest, StatusGetHasNoRemoteInPassiveBackup) {
    make("passive-backup");
    json response = {{"result", 0}, {"arguments", json::object()}};
    commands->addToStatusGet("status-get", response);
    EXPECT_FALSE(response["arguments"]["high-availability"][0]["ha-servers"].contains("remote"));
}
