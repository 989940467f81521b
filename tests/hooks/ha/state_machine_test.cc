// SPDX-License-Identifier: MPL-2.0
#include "ha_test_util.h"
#include "state_machine.h"

#include <gtest/gtest.h>

using namespace kahu::ha;
using namespace kahu::ha::test;
using S = HaState;
using A = StateAction;

namespace {

struct Row {
    const char* mode;
    const char* self; // server1 primary, server2 secondary/standby, server3 backup
    S from;
    S partner;
    bool partnerDown; // shouldPartnerDown
    S to;
    A action = A::None;
};

StateInputs inputs(S partner, bool partnerDown = false) {
    StateInputs in;
    in.partner = partner;
    in.shouldPartnerDown = partnerDown;
    return in;
}

std::string name(S s) {
    return std::string(wireName(s));
}

void check(const std::vector<Row>& rows, bool syncLeases = true, bool delayed = true) {
    for (const auto& r : rows) {
        auto rel = relationship(r.mode, r.self, std::string(r.self) == "server3");
        rel["sync-leases"] = syncLeases;
        if (!delayed) {
            rel["delayed-updates-limit"] = 0;
        }
        StateMachine m(parseHaConfig(params(rel)));
        StateDecision d = m.decide(r.from, inputs(r.partner, r.partnerDown));
        EXPECT_EQ(name(d.next), name(r.to))
            << r.mode << " " << r.self << ": " << name(r.from) << " with partner "
            << name(r.partner) << (r.partnerDown ? " (should go partner-down)" : "");
        EXPECT_EQ(int(d.action), int(r.action)) << r.mode << " " << r.self << ": " << name(r.from)
                                                << " with partner " << name(r.partner);
    }
}

} // namespace

TEST(StateMachine, Waiting) {
    check({
        {"load-balancing", "server3", S::Waiting, S::Unavailable, false, S::Backup},
        {"passive-backup", "server1", S::Waiting, S::Unavailable, false, S::PassiveBackup},
        {"load-balancing", "server1", S::Waiting, S::LoadBalancing, false, S::Syncing},
        {"hot-standby", "server2", S::Waiting, S::HotStandby, false, S::Syncing},
        {"load-balancing", "server2", S::Waiting, S::CommunicationRecovery, false, S::Syncing},
        {"load-balancing", "server2", S::Waiting, S::PartnerDown, false, S::Syncing},
        {"load-balancing", "server2", S::Waiting, S::PartnerInMaintenance, false, S::Syncing},
        {"load-balancing", "server2", S::Waiting, S::InMaintenance, false, S::Syncing},
        {"load-balancing", "server2", S::Waiting, S::Ready, false, S::Syncing},
        {"load-balancing", "server1", S::Waiting, S::Waiting, false, S::Syncing},
        {"load-balancing", "server2", S::Waiting, S::Waiting, false, S::Waiting},
        {"hot-standby", "server2", S::Waiting, S::Waiting, false, S::Waiting},
        {"load-balancing", "server1", S::Waiting, S::Syncing, false, S::Waiting},
        {"load-balancing", "server1", S::Waiting, S::Terminated, false, S::Waiting},
        {"load-balancing", "server1", S::Waiting, S::Unavailable, true, S::PartnerDown},
        {"load-balancing", "server1", S::Waiting, S::Unavailable, false, S::Waiting},
    });
}

TEST(StateMachine, WaitingWithoutSyncLeasesGoesToReady) {
    check({{"load-balancing", "server1", S::Waiting, S::LoadBalancing, false, S::Ready},
           {"load-balancing", "server1", S::Waiting, S::Waiting, false, S::Ready}},
          false);
}

TEST(StateMachine, Syncing) {
    check({
        {"load-balancing", "server1", S::Syncing, S::Terminated, false, S::Terminated},
        {"load-balancing", "server1", S::Syncing, S::Unavailable, true, S::PartnerDown},
        {"load-balancing", "server1", S::Syncing, S::Unavailable, false, S::Syncing},
        {"load-balancing", "server1", S::Syncing, S::Waiting, false, S::Syncing, A::Synchronize},
        {"hot-standby", "server2", S::Syncing, S::HotStandby, false, S::Syncing, A::Synchronize},
    });
}

TEST(StateMachine, Ready) {
    check({
        {"load-balancing", "server2", S::Ready, S::LoadBalancing, false, S::LoadBalancing},
        {"hot-standby", "server2", S::Ready, S::HotStandby, false, S::HotStandby},
        {"load-balancing", "server2", S::Ready, S::CommunicationRecovery, false, S::LoadBalancing},
        {"load-balancing", "server2", S::Ready, S::InMaintenance, false, S::PartnerInMaintenance},
        {"load-balancing", "server2", S::Ready, S::PartnerInMaintenance, false, S::InMaintenance},
        {"load-balancing", "server1", S::Ready, S::Ready, false, S::LoadBalancing},
        {"hot-standby", "server1", S::Ready, S::Ready, false, S::HotStandby},
        {"load-balancing", "server2", S::Ready, S::Ready, false, S::Ready},
        {"load-balancing", "server2", S::Ready, S::Terminated, false, S::Terminated},
        {"load-balancing", "server2", S::Ready, S::Unavailable, true, S::PartnerDown},
        {"load-balancing", "server2", S::Ready, S::Unavailable, false, S::Ready},
        {"load-balancing", "server2", S::Ready, S::Syncing, false, S::Ready},
    });
}

TEST(StateMachine, NormalStates) {
    check({
        {"load-balancing", "server1", S::LoadBalancing, S::InMaintenance, false,
         S::PartnerInMaintenance},
        {"load-balancing", "server1", S::LoadBalancing, S::PartnerInMaintenance, false,
         S::InMaintenance},
        {"load-balancing", "server1", S::LoadBalancing, S::PartnerDown, false, S::Waiting},
        {"load-balancing", "server1", S::LoadBalancing, S::Terminated, false, S::Terminated},
        {"load-balancing", "server1", S::LoadBalancing, S::Unavailable, true, S::PartnerDown},
        {"load-balancing", "server1", S::LoadBalancing, S::Unavailable, false,
         S::CommunicationRecovery},
        {"load-balancing", "server1", S::LoadBalancing, S::LoadBalancing, false, S::LoadBalancing},
        {"hot-standby", "server2", S::HotStandby, S::InMaintenance, false, S::PartnerInMaintenance},
        {"hot-standby", "server2", S::HotStandby, S::PartnerInMaintenance, false, S::InMaintenance},
        {"hot-standby", "server2", S::HotStandby, S::PartnerDown, false, S::Waiting},
        {"hot-standby", "server2", S::HotStandby, S::Terminated, false, S::Terminated},
        {"hot-standby", "server2", S::HotStandby, S::Unavailable, true, S::PartnerDown},
        {"hot-standby", "server2", S::HotStandby, S::Unavailable, false, S::HotStandby},
    });
    // Without delayed updates load-balancing stays instead of communication-recovery.
    check(
        {{"load-balancing", "server1", S::LoadBalancing, S::Unavailable, false, S::LoadBalancing}},
        true, false);
}

TEST(StateMachine, CommunicationRecovery) {
    check({
        {"load-balancing", "server1", S::CommunicationRecovery, S::InMaintenance, false,
         S::PartnerInMaintenance},
        {"load-balancing", "server1", S::CommunicationRecovery, S::PartnerInMaintenance, false,
         S::InMaintenance},
        {"load-balancing", "server1", S::CommunicationRecovery, S::PartnerDown, false, S::Waiting},
        {"load-balancing", "server1", S::CommunicationRecovery, S::Terminated, false,
         S::Terminated},
        {"load-balancing", "server1", S::CommunicationRecovery, S::Unavailable, true,
         S::PartnerDown},
        {"load-balancing", "server1", S::CommunicationRecovery, S::Unavailable, false,
         S::CommunicationRecovery},
        {"load-balancing", "server1", S::CommunicationRecovery, S::Waiting, false,
         S::CommunicationRecovery},
        {"load-balancing", "server1", S::CommunicationRecovery, S::LoadBalancing, false,
         S::CommunicationRecovery, A::SendBacklog},
        {"load-balancing", "server1", S::CommunicationRecovery, S::CommunicationRecovery, false,
         S::CommunicationRecovery, A::SendBacklog},
    });
    StateMachine m(config());
    StateInputs in = inputs(S::Syncing);
    in.backlogOverflowed = true;
    EXPECT_EQ(m.decide(S::CommunicationRecovery, in).next, S::Waiting);
    in.partner = S::LoadBalancing;
    StateDecision d = m.decide(S::CommunicationRecovery, in);
    EXPECT_EQ(d.next, S::Waiting);
    EXPECT_EQ(d.action, A::ResetPartner);
}

TEST(StateMachine, PartnerDown) {
    check({
        {"load-balancing", "server1", S::PartnerDown, S::CommunicationRecovery, false, S::Waiting},
        {"load-balancing", "server1", S::PartnerDown, S::PartnerDown, false, S::Waiting},
        {"load-balancing", "server1", S::PartnerDown, S::PartnerInMaintenance, false, S::Waiting},
        {"load-balancing", "server1", S::PartnerDown, S::Ready, false, S::LoadBalancing},
        {"hot-standby", "server1", S::PartnerDown, S::Ready, false, S::HotStandby},
        {"load-balancing", "server1", S::PartnerDown, S::Terminated, false, S::Terminated},
        {"load-balancing", "server1", S::PartnerDown, S::Unavailable, true, S::PartnerDown},
        {"load-balancing", "server1", S::PartnerDown, S::Waiting, false, S::PartnerDown},
        {"load-balancing", "server1", S::PartnerDown, S::Syncing, false, S::PartnerDown},
    });
    StateMachine m(config());
    StateInputs in = inputs(S::Ready);
    in.partnerHasUnsentUpdates = true;
    EXPECT_EQ(m.decide(S::PartnerDown, in).next, S::Waiting);
}

TEST(StateMachine, MaintenanceTerminatedAndBackupStay) {
    check({
        {"load-balancing", "server1", S::PartnerInMaintenance, S::Unavailable, false,
         S::PartnerDown},
        {"load-balancing", "server1", S::PartnerInMaintenance, S::InMaintenance, false,
         S::PartnerInMaintenance},
        {"load-balancing", "server1", S::InMaintenance, S::Unavailable, true, S::InMaintenance},
        {"load-balancing", "server1", S::InMaintenance, S::PartnerInMaintenance, false,
         S::InMaintenance},
        {"load-balancing", "server1", S::Terminated, S::LoadBalancing, false, S::Terminated},
        {"load-balancing", "server3", S::Backup, S::Unavailable, true, S::Backup},
        {"passive-backup", "server1", S::PassiveBackup, S::Unavailable, true, S::PassiveBackup},
    });
}

TEST(StateMachine, CommonGuards) {
    StateMachine m(config());
    for (S s : {S::Waiting, S::Syncing, S::Ready, S::LoadBalancing, S::CommunicationRecovery,
                S::PartnerDown, S::PartnerInMaintenance}) {
        StateInputs in = inputs(S::LoadBalancing);
        in.shouldTerminate = true;
        EXPECT_EQ(m.decide(s, in).next, S::Terminated) << name(s);
    }
    // A partner state of another mode sends the server back to waiting.
    StateMachine hs(config("hot-standby"));
    EXPECT_EQ(hs.decide(S::HotStandby, inputs(S::LoadBalancing)).next, S::Waiting);
    EXPECT_EQ(hs.decide(S::Ready, inputs(S::CommunicationRecovery)).next, S::Waiting);
    EXPECT_EQ(hs.decide(S::Waiting, inputs(S::LoadBalancing)).next, S::Waiting);
    EXPECT_EQ(m.decide(S::LoadBalancing, inputs(S::HotStandby)).next, S::Waiting);
    EXPECT_EQ(m.decide(S::PartnerDown, inputs(S::HotStandby)).next, S::Waiting);
}

TEST(StateMachine, StepEntersStatesAndSyncCompletes) {
    StateMachine m(config());
    EXPECT_EQ(m.state(), S::Waiting);
    EXPECT_EQ(m.step(inputs(S::Waiting)).next, S::Syncing);
    EXPECT_EQ(m.state(), S::Syncing);
    EXPECT_EQ(m.step(inputs(S::Waiting)).action, A::Synchronize);
    m.syncFinished(false);
    EXPECT_EQ(m.state(), S::Syncing);
    m.syncFinished(true);
    EXPECT_EQ(m.state(), S::Ready);
    EXPECT_EQ(m.previous(), S::Syncing);
    m.step(inputs(S::Ready));
    EXPECT_EQ(m.state(), S::LoadBalancing);
}

TEST(StateMachine, BacklogOutcome) {
    StateMachine m(config());
    m.transition(S::CommunicationRecovery);
    EXPECT_EQ(m.backlogFinished(true).next, S::LoadBalancing);
    m.transition(S::CommunicationRecovery);
    StateDecision d = m.backlogFinished(false);
    EXPECT_EQ(d.next, S::Waiting);
    EXPECT_EQ(d.action, A::ResetPartner);
    EXPECT_EQ(m.state(), S::Waiting);
}

TEST(StateMachine, PauseAlwaysAndOnce) {
    auto rel = relationship();
    rel["state-machine"] = {
        {"states",
         {{{"state", "syncing"}, {"pause", "always"}}, {{"state", "ready"}, {"pause", "once"}}}}};
    StateMachine m(parseHaConfig(params(rel)));
    m.step(inputs(S::Waiting));
    EXPECT_EQ(m.state(), S::Syncing);
    EXPECT_TRUE(m.paused());
    EXPECT_EQ(m.step(inputs(S::Waiting)).action, A::None); // paused: nothing happens
    EXPECT_TRUE(m.resume());
    EXPECT_FALSE(m.resume());
    EXPECT_EQ(m.step(inputs(S::Waiting)).action, A::Synchronize);
    m.syncFinished(true);
    EXPECT_TRUE(m.paused()); // ready, once
    m.resume();
    m.reset();
    m.step(inputs(S::Waiting));
    EXPECT_TRUE(m.paused()); // syncing again: always
    m.resume();
    m.syncFinished(true);
    EXPECT_EQ(m.state(), S::Ready);
    EXPECT_FALSE(m.paused()); // ready was paused once already
}

TEST(StateMachine, PausedInWaitingFromTheStart) {
    auto rel = relationship();
    rel["state-machine"] = {{"states", {{{"state", "waiting"}, {"pause", "always"}}}}};
    StateMachine m(parseHaConfig(params(rel)));
    EXPECT_TRUE(m.paused());
    EXPECT_EQ(m.step(inputs(S::LoadBalancing)).next, S::Waiting);
    m.resume();
    EXPECT_EQ(m.step(inputs(S::LoadBalancing)).next, S::Syncing);
}

TEST(StateMachine, MaintenanceRemembersThePreviousState) {
    StateMachine m(config());
    m.transition(S::LoadBalancing);
    m.transition(S::InMaintenance);
    m.cancelMaintenance();
    EXPECT_EQ(m.state(), S::LoadBalancing);
    // The run right after a cancel does nothing, even with a reason to move.
    EXPECT_EQ(m.step(inputs(S::PartnerDown)).next, S::LoadBalancing);
    EXPECT_EQ(m.step(inputs(S::PartnerDown)).next, S::Waiting);
    m.transition(S::HotStandby);
    m.transition(S::PartnerInMaintenance);
    m.cancelMaintenance();
    EXPECT_EQ(m.state(), S::HotStandby);
}

TEST(StateMachine, ResetGoesToWaitingFromAnyState) {
    StateMachine m(config());
    EXPECT_FALSE(m.reset());
    for (S s : {S::Terminated, S::PartnerDown, S::InMaintenance, S::LoadBalancing}) {
        m.transition(s);
        EXPECT_TRUE(m.reset());
        EXPECT_EQ(m.state(), S::Waiting);
    }
}
