// SPDX-License-Identifier: MPL-2.0
#include "command/command_registry.h"
#include "hook_test_util.h"

#include <atomic>
#include <thread>

namespace kahu::hooks::test {

namespace {

struct Outcome {
    std::atomic<int> runs{0};
    std::atomic<int> resumed{0};
    Continuation continuation() {
        return [this](bool resume) {
            ++runs;
            resumed += resume ? 1 : 0;
        };
    }
};

Verdict parkOne(HookSet& set, Packet4& query, Outcome& outcome) {
    Pkt4ReceiveArgs args{query};
    PacketContext packet;
    return set.run<HookPoint::Pkt4Receive>(args, &packet, outcome.continuation());
}

} // namespace

TEST_F(HooksTest, ParkedPacketResumesOnceFromAnotherThread) {
    auto set = loadHookSet({lib("park")}, LoadMode::Load, true);
    Packet4 query;
    Outcome outcome;
    EXPECT_EQ(parkOne(*set, query, outcome), Verdict::Park);
    EXPECT_EQ(set->parkedCount(), 1u);
    EXPECT_EQ(outcome.runs, 0);
    std::thread([&] { call(*set, "fx-park-resume"); }).join();
    EXPECT_EQ(outcome.runs, 1);
    EXPECT_EQ(outcome.resumed, 1);
    EXPECT_EQ(set->parkedCount(), 0u);
    call(*set, "fx-park-resume"); // nothing left: must not run it again
    EXPECT_EQ(outcome.runs, 1);
}

TEST_F(HooksTest, ParkedPacketDroppedByHookRunsContinuationWithFalse) {
    auto set = loadHookSet({lib("park")}, LoadMode::Load, true);
    Packet4 query;
    Outcome outcome;
    ASSERT_EQ(parkOne(*set, query, outcome), Verdict::Park);
    call(*set, "fx-park-drop");
    EXPECT_EQ(outcome.runs, 1);
    EXPECT_EQ(outcome.resumed, 0);
}

TEST_F(HooksTest, ParksAtLease4SelectAndLeases4Committed) {
    auto set = loadHookSet({lib("park")}, LoadMode::Load, true);
    Packet4 query, response;
    Subnet subnet;
    Lease4 lease;
    std::vector<Lease4> leases{lease}, none;
    Outcome outcome;
    Lease4SelectArgs select{query, subnet, false, lease};
    EXPECT_EQ(set->run<HookPoint::Lease4Select>(select, nullptr, outcome.continuation()),
              Verdict::Park);
    Leases4CommittedArgs committed{query, &response, leases, none};
    EXPECT_EQ(set->run<HookPoint::Leases4Committed>(committed, nullptr, outcome.continuation()),
              Verdict::Park);
    EXPECT_EQ(set->parkedCount(), 2u);
    call(*set, "fx-park-resume");
    EXPECT_EQ(outcome.resumed, 2);
}

TEST_F(HooksTest, ParkWhereNotAllowedCountsAsContinue) {
    auto set = loadHookSet({lib("park")}, LoadMode::Load, true);
    Packet4 query, response;
    Pkt4SendArgs args{query, response, nullptr};
    EXPECT_EQ(set->run<HookPoint::Pkt4Send>(args), Verdict::Continue);
}

TEST_F(HooksTest, PacketParkedByTwoLibrariesContinuesWhenBothResolve) {
    auto set = loadHookSet({lib("park", {{"suffix", "-a"}}), lib("park", {{"suffix", "-b"}})},
                           LoadMode::Load, true);
    Packet4 query;
    Outcome outcome;
    ASSERT_EQ(parkOne(*set, query, outcome), Verdict::Park);
    call(*set, "fx-park-resume-a");
    EXPECT_EQ(outcome.runs, 0);
    call(*set, "fx-park-resume-b");
    EXPECT_EQ(outcome.runs, 1);
    EXPECT_EQ(outcome.resumed, 1);
}

TEST_F(HooksTest, LaterDropAbandonsThePark) {
    auto set = loadHookSet({lib("park"), lib("drop")}, LoadMode::Load, true);
    Packet4 query;
    Outcome outcome;
    EXPECT_EQ(parkOne(*set, query, outcome), Verdict::Drop);
    EXPECT_EQ(set->parkedCount(), 0u);
    call(*set, "fx-park-resume");
    EXPECT_EQ(outcome.runs, 0); // the engine already dropped it: no continuation
}

TEST_F(HooksTest, ParkedPacketLimitDropsAndCounts) {
    std::atomic<int> drops{0};
    HookSetOptions options;
    options.parkedPacketLimit = 2;
    options.onParkLimitDrop = [&] { ++drops; };
    auto set = loadHookSet({lib("park")}, LoadMode::Load, true, options);
    Packet4 query;
    Outcome outcome;
    EXPECT_EQ(parkOne(*set, query, outcome), Verdict::Park);
    EXPECT_EQ(parkOne(*set, query, outcome), Verdict::Park);
    EXPECT_EQ(parkOne(*set, query, outcome), Verdict::Drop);
    EXPECT_EQ(drops, 1);
    EXPECT_EQ(set->parkedCount(), 2u);
    call(*set, "fx-park-resume");
    EXPECT_EQ(outcome.resumed, 2);
    EXPECT_EQ(parkOne(*set, query, outcome), Verdict::Park); // room again
}

TEST_F(HooksTest, ReloadWhileParkedDropsTheOldSetsPacketsAndServesWithTheNewOne) {
    auto& manager = HookManager::instance();
    auto first = loadHookSet({lib("park")}, LoadMode::Load, true);
    manager.activate(first);
    Packet4 query;
    Outcome before, after;
    ASSERT_EQ(parkOne(*manager.current(), query, before), Verdict::Park);
    ASSERT_EQ(parkOne(*manager.current(), query, before), Verdict::Park);

    auto second = loadHookSet({lib("park")}, LoadMode::Load, true); // staging: same commands
    manager.activate(second);
    EXPECT_EQ(before.runs, 2);
    EXPECT_EQ(before.resumed, 0); // unloading the old libraries dropped what they parked
    EXPECT_TRUE(first->unloaded());

    // A packet still holding the old set gets no callouts any more.
    EXPECT_EQ(parkOne(*first, query, before), Verdict::Continue);

    ASSERT_EQ(parkOne(*manager.current(), query, after), Verdict::Park);
    auto answer = CommandRegistry::instance().execute("fx-park-resume", nullptr);
    EXPECT_EQ(answer["arguments"]["resolved"], 1);
    EXPECT_EQ(after.resumed, 1);
}

TEST_F(HooksTest, LostParkHandleDropsThePacket) {
    auto set = loadHookSet({lib("park")}, LoadMode::Load, true);
    Packet4 query;
    Outcome outcome;
    ASSERT_EQ(parkOne(*set, query, outcome), Verdict::Park);
    set.reset(); // unload drops, and the handles die with the library's state
    EXPECT_EQ(outcome.runs, 1);
    EXPECT_EQ(outcome.resumed, 0);
    EXPECT_FALSE(isMapped("park"));
}

} // namespace kahu::hooks::test
