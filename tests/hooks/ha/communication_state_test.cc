// SPDX-License-Identifier: MPL-2.0
#include "communication_state.h"
#include "ha_test_util.h"

#include <gtest/gtest.h>

using namespace kahu;
using namespace kahu::ha;
using namespace kahu::ha::test;
using namespace std::chrono;

namespace {

struct Clocks {
    steady_clock::time_point steady{seconds(1000)};
    system_clock::time_point wall = system_clock::from_time_t(1795000000);
    CommunicationState::SteadyNow steadyFn() {
        return [this] { return steady; };
    }
    CommunicationState::WallNow wallFn() {
        return [this] { return wall; };
    }
};

HaConfig cfg(const std::string& mode = "load-balancing", const std::string& self = "server1",
             int maxUnacked = 2) {
    auto rel = relationship(mode, self);
    rel["max-response-delay"] = 5000;
    rel["max-ack-delay"] = 3000;
    rel["max-unacked-clients"] = maxUnacked;
    rel["max-rejected-lease-updates"] = 2;
    return parseHaConfig(params(rel));
}

Packet4 query(uint8_t mac, uint16_t secs) {
    Packet4 p;
    p.setMessageType(MessageType::Discover);
    p.hlen = 6;
    p.chaddr = {0x02, 0, 0, 0, 0, mac};
    p.secs = secs;
    return p;
}

} // namespace

TEST(CommunicationState, InterruptedAfterMaxResponseDelayWithoutPoke) {
    Clocks c;
    HaConfig config = cfg();
    CommunicationState s(config, c.steadyFn(), c.wallFn());
    EXPECT_FALSE(s.isCommunicationInterrupted());
    c.steady += milliseconds(5000);
    EXPECT_FALSE(s.isCommunicationInterrupted());
    c.steady += milliseconds(1);
    EXPECT_TRUE(s.isCommunicationInterrupted());
    s.poke();
    EXPECT_FALSE(s.isCommunicationInterrupted());
    EXPECT_EQ(s.durationSinceLastPoke().count(), 0);
}

TEST(CommunicationState, SecsAreByteSwappedBackLikeKea) {
    EXPECT_EQ(CommunicationState::normalizedSecs(0x0500), 5);
    EXPECT_EQ(CommunicationState::normalizedSecs(0x0105), 0x0105);
    EXPECT_EQ(CommunicationState::normalizedSecs(255), 255);
    EXPECT_EQ(CommunicationState::normalizedSecs(0x0100), 1);
}

TEST(CommunicationState, UnackedClientsAndFailureDetection) {
    Clocks c;
    HaConfig config = cfg();
    CommunicationState s(config, c.steadyFn(), c.wallFn());
    s.analyzeMessage(query(1, 3)); // 3000 ms is not more than max-ack-delay
    EXPECT_EQ(s.unackedClients(), 0u);
    s.analyzeMessage(query(1, 4));      // now unacked
    s.analyzeMessage(query(1, 0));      // stays unacked
    s.analyzeMessage(query(2, 0x0a00)); // 10 s, swapped
    EXPECT_EQ(s.connectingClients(), 2u);
    EXPECT_EQ(s.unackedClients(), 2u);
    EXPECT_EQ(s.analyzedMessages(), 4u);
    EXPECT_FALSE(s.failureDetected()); // 2 is not more than 2
    s.analyzeMessage(query(3, 20));
    EXPECT_TRUE(s.failureDetected());
    s.poke();
    EXPECT_EQ(s.connectingClients(), 0u);
    EXPECT_EQ(s.analyzedMessages(), 0u);
    EXPECT_FALSE(s.failureDetected());
}

TEST(CommunicationState, ZeroMaxUnackedClientsMeansFailureAtOnce) {
    Clocks c;
    HaConfig config = cfg("load-balancing", "server1", 0);
    CommunicationState s(config, c.steadyFn(), c.wallFn());
    EXPECT_TRUE(s.failureDetected());
}

TEST(CommunicationState, ClientIdTellsClientsApart) {
    Clocks c;
    HaConfig config = cfg();
    CommunicationState s(config, c.steadyFn(), c.wallFn());
    Packet4 a = query(1, 10), b = query(1, 10);
    b.set(opt::kClientId, {1, 2, 3});
    s.analyzeMessage(a);
    s.analyzeMessage(b);
    EXPECT_EQ(s.unackedClients(), 2u);
}

TEST(CommunicationState, ShouldPartnerDown) {
    Clocks c;
    HaConfig lb = cfg();
    CommunicationState s(lb, c.steadyFn(), c.wallFn());
    EXPECT_FALSE(s.shouldPartnerDown(true));
    EXPECT_FALSE(s.shouldPartnerDown(false)); // not interrupted
    c.steady += seconds(6);
    EXPECT_TRUE(s.shouldPartnerDown(false)); // service disabled: at once
    EXPECT_FALSE(s.shouldPartnerDown(true)); // LB with service on: needs unacked clients
    for (uint8_t m = 1; m <= 3; ++m) {
        s.analyzeMessage(query(m, 10));
    }
    EXPECT_TRUE(s.shouldPartnerDown(true));

    HaConfig hsPrimary = cfg("hot-standby", "server1");
    CommunicationState p(hsPrimary, c.steadyFn(), c.wallFn());
    c.steady += seconds(6);
    EXPECT_TRUE(p.shouldPartnerDown(true)); // the hot-standby primary does not wait
    HaConfig hsStandby = cfg("hot-standby", "server2");
    CommunicationState st(hsStandby, c.steadyFn(), c.wallFn());
    c.steady += seconds(6);
    EXPECT_FALSE(st.shouldPartnerDown(true)); // the standby waits for unacked clients
}

TEST(CommunicationState, ClockSkewWarnsAndTerminates) {
    Clocks c;
    HaConfig config = cfg();
    CommunicationState s(config, c.steadyFn(), c.wallFn());
    ASSERT_TRUE(s.setPartnerTime(formatRfc1123(c.wall + seconds(30))));
    EXPECT_EQ(s.clockSkew().count(), 30);
    EXPECT_FALSE(s.clockSkewShouldWarn());
    ASSERT_TRUE(s.setPartnerTime(formatRfc1123(c.wall - seconds(31))));
    EXPECT_EQ(s.clockSkew().count(), -31);
    EXPECT_TRUE(s.clockSkewShouldWarn());
    EXPECT_FALSE(s.clockSkewShouldWarn()); // at most once a minute
    c.steady += seconds(60);
    EXPECT_TRUE(s.clockSkewShouldWarn());
    EXPECT_FALSE(s.clockSkewShouldTerminate());
    ASSERT_TRUE(s.setPartnerTime(formatRfc1123(c.wall + seconds(61))));
    EXPECT_TRUE(s.clockSkewShouldTerminate());
    s.markPartnerUnavailable();
    EXPECT_EQ(s.clockSkew().count(), 0);
    EXPECT_FALSE(s.setPartnerTime("yesterday"));
}

TEST(CommunicationState, Rfc1123RoundTrip) {
    auto t = parseRfc1123("Mon, 23 Nov 2026 02:33:19 GMT");
    ASSERT_TRUE(t);
    EXPECT_EQ(formatRfc1123(*t), "Mon, 23 Nov 2026 02:33:19 GMT");
    EXPECT_FALSE(parseRfc1123("Mon, 23 Nov 2026 02:33:19 CET"));
    EXPECT_FALSE(parseRfc1123("Mon, 23 Foo 2026 02:33:19 GMT"));
}

TEST(CommunicationState, RejectedLeaseUpdates) {
    Clocks c;
    HaConfig config = cfg();
    CommunicationState s(config, c.steadyFn(), c.wallFn());
    s.reportRejectedLeaseUpdate("02:00:00:00:00:01", "", seconds(100));
    s.reportRejectedLeaseUpdate("02:00:00:00:00:01", "", seconds(100)); // same client
    EXPECT_EQ(s.rejectedLeaseUpdates(), 1u);
    EXPECT_FALSE(s.rejectedLeaseUpdatesShouldTerminate());
    s.reportRejectedLeaseUpdate("02:00:00:00:00:02", "01:02", seconds(10));
    EXPECT_TRUE(s.rejectedLeaseUpdatesShouldTerminate());
    c.steady += seconds(10); // the second one's lease expired
    EXPECT_EQ(s.rejectedLeaseUpdates(), 1u);
    EXPECT_TRUE(s.reportSuccessfulLeaseUpdate("02:00:00:00:00:01", ""));
    EXPECT_FALSE(s.reportSuccessfulLeaseUpdate("02:00:00:00:00:01", ""));
    EXPECT_EQ(s.rejectedLeaseUpdates(), 0u);
    s.reportRejectedLeaseUpdate("a", "", seconds(10));
    s.clearRejectedLeaseUpdates();
    EXPECT_EQ(s.rejectedLeaseUpdates(), 0u);
}

TEST(CommunicationState, PartnerStateScopesAndUnsentUpdates) {
    Clocks c;
    HaConfig config = cfg();
    CommunicationState s(config, c.steadyFn(), c.wallFn());
    EXPECT_FALSE(s.inTouch());
    EXPECT_EQ(s.partnerState(), HaState::Unavailable);
    s.setPartnerState(HaState::Ready);
    s.setPartnerScopes({"server2"});
    EXPECT_TRUE(s.inTouch());
    s.setPartnerUnsentUpdateCount(0);
    EXPECT_FALSE(s.hasPartnerNewUnsentUpdates());
    s.setPartnerUnsentUpdateCount(3);
    EXPECT_TRUE(s.hasPartnerNewUnsentUpdates());
    s.setPartnerUnsentUpdateCount(3);
    EXPECT_FALSE(s.hasPartnerNewUnsentUpdates());
    s.markPartnerUnavailable();
    EXPECT_TRUE(s.inTouch());
    EXPECT_EQ(s.partnerState(), HaState::Unavailable);
}

TEST(CommunicationState, StatusJsonHasKeasFields) {
    Clocks c;
    HaConfig config = cfg();
    CommunicationState s(config, c.steadyFn(), c.wallFn());
    s.setPartnerState(HaState::HotStandby);
    s.poke();
    c.steady += seconds(2);
    auto j = s.statusJson();
    EXPECT_EQ(j["age"], 2);
    EXPECT_EQ(j["analyzed-packets"], 0);
    EXPECT_EQ(j["communication-interrupted"], false);
    EXPECT_EQ(j["connecting-clients"], 0);
    EXPECT_EQ(j["in-touch"], true);
    EXPECT_EQ(j["last-scopes"], nlohmann::json::array());
    EXPECT_EQ(j["last-state"], "hot-standby");
    EXPECT_EQ(j["unacked-clients"], 0);
    EXPECT_EQ(j["unacked-clients-left"], 0);
    c.steady += seconds(10);
    s.analyzeMessage(query(1, 10));
    j = s.statusJson();
    EXPECT_EQ(j["communication-interrupted"], true);
    EXPECT_EQ(j["unacked-clients"], 1);
    EXPECT_EQ(j["unacked-clients-left"], 2); // max 2: two more, and one over the limit
}
