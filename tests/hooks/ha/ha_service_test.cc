// SPDX-License-Identifier: MPL-2.0
#include "fake_peer.h"
#include "ha_service.h"
#include "ha_test_util.h"

#include <gtest/gtest.h>
#include <kahu/server_access.h>

using namespace kahu;
using namespace kahu::ha;
using namespace kahu::ha::test;
using nlohmann::json;
using namespace std::chrono;

namespace {

class HaServiceTest : public ::testing::Test {
protected:
    void make(const std::string& mode = "load-balancing", const std::string& self = "server1",
              std::function<void(json&)> tweak = {}) {
        auto rel = relationship(mode, self);
        rel["heartbeat-delay"] = 0; // the test drives the heartbeats
        rel["max-response-delay"] = 1000;
        rel["max-unacked-clients"] = 0;
        if (tweak) {
            tweak(rel);
        }
        channel = std::make_shared<FakeChannel>();
        service.reset();
        auto fake = std::make_unique<FakeLocalDhcp>(disabled);
        local = fake.get();
        service = std::make_unique<HaService>(
            parseHaConfig(params(rel)), channel, std::move(fake), nullptr, [this] { return now; },
            CommunicationState::WallNow{});
        sync = std::make_shared<FakeSync>();
        service->setLeaseSync(sync);
        service->start();
    }
    void SetUp() override { make(); }

    steady_clock::time_point now{seconds(100)};
    std::set<uint32_t> disabled;
    std::shared_ptr<FakeChannel> channel;
    std::shared_ptr<FakeSync> sync;
    std::unique_ptr<HaService> service;
    FakeLocalDhcp* local = nullptr; ///< owned by service
};

Packet4 query(uint8_t mac) {
    Packet4 p;
    p.setMessageType(MessageType::Discover);
    p.hlen = 6;
    p.chaddr = {0x02, 0, 0, 0, 0, mac};
    p.secs = 30;
    return p;
}

} // namespace

TEST_F(HaServiceTest, StartsWaitingWithDhcpDisabled) {
    EXPECT_EQ(service->state(), HaState::Waiting);
    EXPECT_TRUE(disabled.count(ServerAccess::kOriginHaLocal));
    EXPECT_TRUE(service->filter().servedScopes().empty());
}

TEST_F(HaServiceTest, PairComesUpThroughSyncingAndReady) {
    channel->heartbeatState("waiting");
    service->heartbeatOnce(); // primary: waiting → syncing
    EXPECT_EQ(service->state(), HaState::Syncing);
    service->heartbeatOnce(); // sync runs and succeeds → ready
    EXPECT_EQ(sync->calls.size(), 1u);
    EXPECT_EQ(service->state(), HaState::Ready);
    channel->heartbeatState("ready");
    service->heartbeatOnce(); // primary with a ready partner → load-balancing
    EXPECT_EQ(service->state(), HaState::LoadBalancing);
    EXPECT_TRUE(disabled.empty());
    EXPECT_EQ(service->filter().servedScopes(), std::vector<std::string>{"server1"});
    EXPECT_EQ(service->communication().partnerState(), HaState::Ready);
}

TEST_F(HaServiceTest, FailedSyncStaysAndMarksThePartnerUnavailable) {
    channel->heartbeatState("waiting");
    service->heartbeatOnce();
    sync->error = "boom";
    service->heartbeatOnce();
    EXPECT_EQ(service->state(), HaState::Syncing);
    EXPECT_EQ(service->communication().partnerState(), HaState::Unavailable);
}

TEST_F(HaServiceTest, PartnerLostGoesCommunicationRecoveryThenPartnerDown) {
    service->transition(HaState::LoadBalancing);
    channel->down("ha-heartbeat");
    service->heartbeatOnce(); // not yet interrupted
    EXPECT_EQ(service->state(), HaState::CommunicationRecovery);
    now += seconds(2); // past max-response-delay; max-unacked-clients 0
    service->heartbeatOnce();
    EXPECT_EQ(service->state(), HaState::PartnerDown);
    EXPECT_EQ(service->filter().servedScopes(), (std::vector<std::string>{"server1", "server2"}));
    EXPECT_TRUE(disabled.empty());
}

TEST_F(HaServiceTest, UnackedClientsAreCountedOnlyWhileInterrupted) {
    make("load-balancing", "server1", [](json& r) { r["max-unacked-clients"] = 1; });
    service->transition(HaState::LoadBalancing);
    Packet4 theirs = query(0x11); // the secondary's scope
    EXPECT_FALSE(service->filterQuery(theirs).inScope);
    EXPECT_EQ(service->communication().analyzedMessages(), 0u);
    now += seconds(2);
    service->filterQuery(theirs);
    service->filterQuery(query(0x12));
    EXPECT_EQ(service->communication().unackedClients(), 2u);
    EXPECT_TRUE(service->filterQuery(query(0x10)).inScope);
    EXPECT_EQ(service->communication().analyzedMessages(), 2u);
    channel->down("ha-heartbeat");
    service->heartbeatOnce();
    EXPECT_EQ(service->state(), HaState::PartnerDown);
}

TEST_F(HaServiceTest, GarbageHeartbeatCountsAsFailure) {
    channel->answer("ha-heartbeat", {{"result", 0}, {"arguments", {{"state", "dancing"}}}});
    service->heartbeatOnce();
    EXPECT_EQ(service->communication().partnerState(), HaState::Unavailable);
    EXPECT_FALSE(service->communication().inTouch());
    channel->answer("ha-heartbeat", {{"result", 0}, {"arguments", {{"state", "ready"}}}});
    service->heartbeatOnce(); // no date-time
    EXPECT_FALSE(service->communication().inTouch());
}

TEST_F(HaServiceTest, ClockSkewTerminates) {
    service->transition(HaState::LoadBalancing);
    channel->answer("ha-heartbeat",
                    {{"result", 0},
                     {"arguments",
                      {{"state", "load-balancing"},
                       {"date-time", formatRfc1123(system_clock::now() + seconds(120))}}}});
    service->heartbeatOnce();
    EXPECT_EQ(service->state(), HaState::Terminated);
    EXPECT_EQ(service->filter().servedScopes(), std::vector<std::string>{"server1"});
    EXPECT_TRUE(disabled.empty());
}

TEST_F(HaServiceTest, RejectedLeaseUpdatesTerminate) {
    make("load-balancing", "server1", [](json& r) { r["max-rejected-lease-updates"] = 1; });
    service->transition(HaState::LoadBalancing);
    Lease4 l;
    l.address = *Ipv4Address::fromText("192.0.2.10");
    l.hwAddr = *HwAddr::fromText("02:00:00:00:00:01");
    l.validLifetime = 3600;
    service->leaseUpdateRejected(l, "lease4-update failed with result 4");
    channel->heartbeatState("load-balancing");
    service->heartbeatOnce();
    EXPECT_EQ(service->state(), HaState::Terminated);
}

TEST_F(HaServiceTest, BackupAndPassiveBackupSettleAtStart) {
    auto rel = relationship("load-balancing", "server3", true);
    auto ch = std::make_shared<FakeChannel>();
    std::set<uint32_t> off;
    HaService backup(parseHaConfig(params(rel)), ch, std::make_unique<FakeLocalDhcp>(off), nullptr);
    backup.start();
    EXPECT_EQ(backup.state(), HaState::Backup);
    EXPECT_TRUE(off.count(ServerAccess::kOriginHaLocal));
    make("passive-backup");
    EXPECT_EQ(service->state(), HaState::PassiveBackup);
    EXPECT_TRUE(disabled.empty());
    EXPECT_EQ(service->filter().servedScopes(), std::vector<std::string>{"server1"});
}

TEST(HaPoolShare, LoadBalancingSplitsPoolsInHalvesExceptInPartnerDown) {
    using M = HaMode;
    using R = PeerRole;
    EXPECT_EQ(poolShare(M::LoadBalancing, R::Primary, HaState::LoadBalancing), (PoolShare{0, 2}));
    EXPECT_EQ(poolShare(M::LoadBalancing, R::Secondary, HaState::LoadBalancing), (PoolShare{1, 2}));
    // Waiting, syncing, terminated…: the share holds (terminated servers both allocate).
    EXPECT_EQ(poolShare(M::LoadBalancing, R::Secondary, HaState::Terminated), (PoolShare{1, 2}));
    EXPECT_EQ(poolShare(M::LoadBalancing, R::Primary, HaState::PartnerDown), (PoolShare{0, 1}));
    EXPECT_EQ(poolShare(M::LoadBalancing, R::Backup, HaState::Backup), (PoolShare{0, 1}));
    EXPECT_EQ(poolShare(M::HotStandby, R::Primary, HaState::HotStandby), (PoolShare{0, 1}));
    EXPECT_EQ(poolShare(M::HotStandby, R::Standby, HaState::PartnerDown), (PoolShare{0, 1}));
    // Beside a partner that does not split (Kea): the upper half, whatever the role.
    EXPECT_EQ(poolShare(M::LoadBalancing, R::Primary, HaState::LoadBalancing, false),
              (PoolShare{1, 2}));
    EXPECT_EQ(poolShare(M::LoadBalancing, R::Secondary, HaState::LoadBalancing, false),
              (PoolShare{1, 2}));
    EXPECT_EQ(poolShare(M::LoadBalancing, R::Primary, HaState::PartnerDown, false),
              (PoolShare{0, 1}));
}

TEST_F(HaServiceTest, PartnerHeartbeatTellsWhetherItSplitsThePools) {
    service->transition(HaState::LoadBalancing);
    EXPECT_EQ(local->shares.back(), (PoolShare{0, 2}));
    channel->heartbeatState("load-balancing"); // as Kea answers: no pool-share
    service->heartbeatOnce();
    EXPECT_EQ(local->shares.back(), (PoolShare{1, 2}));
    auto kahu = channel->answers["ha-heartbeat"];
    kahu["arguments"]["pool-share"] = {{"own", 1}, {"parts", 2}};
    channel->answer("ha-heartbeat", kahu);
    service->heartbeatOnce();
    EXPECT_EQ(local->shares.back(), (PoolShare{0, 2}));
    // This server tells its partner the same way.
    auto args = service->heartbeatArguments();
    EXPECT_EQ(args["pool-share"], (json{{"own", 0}, {"parts", 2}}));
}

TEST_F(HaServiceTest, PoolShareFollowsTheState) {
    ASSERT_FALSE(local->shares.empty());
    EXPECT_EQ(local->shares.back(), (PoolShare{0, 2}));
    service->transition(HaState::LoadBalancing);
    EXPECT_EQ(local->shares.back(), (PoolShare{0, 2}));
    service->transition(HaState::PartnerDown);
    EXPECT_EQ(local->shares.back(), (PoolShare{0, 1}));
    service->transition(HaState::LoadBalancing);
    EXPECT_EQ(local->shares.back(), (PoolShare{0, 2}));
    service->stop();
    EXPECT_EQ(local->shares.back(), (PoolShare{0, 1})); // whole pools without HA

    make("load-balancing", "server2");
    EXPECT_EQ(local->shares.back(), (PoolShare{1, 2}));
    make("hot-standby", "server1");
    EXPECT_EQ(local->shares.back(), (PoolShare{0, 1}));
}

TEST_F(HaServiceTest, RefusedLeaseUpdateIsRolledBack) {
    service->transition(HaState::LoadBalancing);
    Lease4 l;
    l.address = *Ipv4Address::fromText("192.0.2.11");
    l.hwAddr = *HwAddr::fromText("02:00:00:00:00:02");
    l.validLifetime = 3600;
    l.cltt = 1700000000;
    service->leaseUpdateRejected(l, "lease4-update failed with result 4: held");
    ASSERT_EQ(local->rolledBack.size(), 1u);
    EXPECT_EQ(local->rolledBack[0], l);
}
