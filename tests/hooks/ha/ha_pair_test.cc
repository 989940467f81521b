// SPDX-License-Identifier: MPL-2.0
// Two HA services talking to each other over real HTTP on loopback: each has the wire side's
// peer channel and a dedicated listener whose commands go to its own HaCommands.
#include "fake_peer.h"
#include "ha_commands.h"
#include "ha_test_util.h"
#include "http_listener.h"
#include "http_peer_channel.h"

#include <gtest/gtest.h>
#include <thread>

using namespace kahu;
using namespace kahu::ha;
using namespace kahu::ha::test;
using nlohmann::json;
using namespace std::chrono;

namespace {

struct Server {
    std::set<uint32_t> disabled;
    std::unique_ptr<HttpListener> listener;
    std::shared_ptr<HaService> service;
    std::unique_ptr<HaCommands> commands;

    Server() {
        HttpListener::Options o;
        o.host = "127.0.0.1";
        o.port = 0;
        listener = std::make_unique<HttpListener>(
            o, [this](const std::string& c, const json& a) { return execute(c, a); });
        listener->start();
    }
    ~Server() {
        listener->stop();
        if (service) {
            service->stop();
        }
    }
    json execute(const std::string& c, const json& a) {
        if (!commands) {
            return makeAnswer(CommandResult::Error, "not ready");
        }
        if (c == "ha-heartbeat") {
            return commands->heartbeat(a);
        }
        if (c == "ha-maintenance-notify") {
            return commands->maintenanceNotify(a);
        }
        if (c == "ha-reset") {
            return commands->reset(a);
        }
        if (c == "ha-sync-complete-notify") {
            return commands->syncCompleteNotify(a);
        }
        return makeAnswer(CommandResult::Unsupported, "'" + c + "' command not supported.");
    }
    void make(const std::string& self, uint16_t port1, uint16_t port2, int heartbeatDelay) {
        json rel = relationship("load-balancing", self);
        rel["peers"][0]["url"] = "http://127.0.0.1:" + std::to_string(port1) + "/";
        rel["peers"][1]["url"] = "http://127.0.0.1:" + std::to_string(port2) + "/";
        rel["sync-leases"] = false;
        rel["heartbeat-delay"] = heartbeatDelay;
        service = std::make_shared<HaService>(parseHaConfig(params(rel)),
                                              std::make_shared<HttpPeerChannel>(),
                                              std::make_unique<FakeLocalDhcp>(disabled), nullptr);
        commands = std::make_unique<HaCommands>(*service);
    }
};

class HaPair : public ::testing::Test {
protected:
    void make(int heartbeatDelay = 0) {
        a.make("server1", a.listener->port(), b.listener->port(), heartbeatDelay);
        b.make("server2", a.listener->port(), b.listener->port(), heartbeatDelay);
    }
    void bothHeartbeat() {
        a.service->heartbeatOnce();
        b.service->heartbeatOnce();
    }
    Server a, b;
};

} // namespace

TEST_F(HaPair, ReachesLoadBalancingAndSplitsTheScopes) {
    make();
    a.service->start();
    b.service->start();
    bothHeartbeat(); // A (primary, partner waiting) → ready; B sees A ready → ready
    EXPECT_EQ(a.service->state(), HaState::Ready);
    EXPECT_EQ(b.service->state(), HaState::Ready);
    bothHeartbeat(); // A (primary, partner ready) → LB; B sees LB → LB
    EXPECT_EQ(a.service->state(), HaState::LoadBalancing);
    EXPECT_EQ(b.service->state(), HaState::LoadBalancing);
    EXPECT_EQ(a.service->filter().servedScopes(), std::vector<std::string>{"server1"});
    EXPECT_EQ(b.service->filter().servedScopes(), std::vector<std::string>{"server2"});
    EXPECT_TRUE(a.disabled.empty());
    EXPECT_TRUE(b.disabled.empty());
    auto remote = b.service->statusJson()[0]["ha-servers"]["remote"];
    EXPECT_EQ(remote["last-state"], "load-balancing");
    EXPECT_EQ(remote["in-touch"], true);
    EXPECT_EQ(remote["last-scopes"], json::array({"server1"}));
}

TEST_F(HaPair, MaintenanceStartAndCancelMoveBothServers) {
    make();
    a.service->transition(HaState::LoadBalancing);
    b.service->transition(HaState::LoadBalancing);
    json r = a.commands->maintenanceStart(nullptr);
    EXPECT_EQ(r["result"], 0) << r.dump();
    EXPECT_EQ(a.service->state(), HaState::PartnerInMaintenance);
    EXPECT_EQ(b.service->state(), HaState::InMaintenance);
    EXPECT_EQ(a.service->filter().servedScopes(), (std::vector<std::string>{"server1", "server2"}));
    r = a.commands->maintenanceCancel(nullptr);
    EXPECT_EQ(r["result"], 0) << r.dump();
    EXPECT_EQ(a.service->state(), HaState::LoadBalancing);
    EXPECT_EQ(b.service->state(), HaState::LoadBalancing);
}

TEST_F(HaPair, LosingThePartnerLeadsToCommunicationRecovery) {
    make();
    a.service->transition(HaState::LoadBalancing);
    b.listener->stop();
    a.service->heartbeatOnce();
    EXPECT_EQ(a.service->communication().partnerState(), HaState::Unavailable);
    EXPECT_EQ(a.service->state(), HaState::CommunicationRecovery);
}

TEST_F(HaPair, HeartbeatThreadsBringThePairUpOnTheirOwn) {
    make(100);
    a.service->start();
    b.service->start();
    auto deadline = steady_clock::now() + seconds(10);
    while (steady_clock::now() < deadline && (a.service->state() != HaState::LoadBalancing ||
                                              b.service->state() != HaState::LoadBalancing)) {
        std::this_thread::sleep_for(milliseconds(20));
    }
    EXPECT_EQ(a.service->state(), HaState::LoadBalancing);
    EXPECT_EQ(b.service->state(), HaState::LoadBalancing);
}
