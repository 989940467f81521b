// SPDX-License-Identifier: MPL-2.0
#include "command/command_registry.h"
#include "hook_test_util.h"
#include "hooks/hook_manager.h"

#include <gmock/gmock.h>
#include <kahu/hooks/library.h>

namespace kahu::hooks::test {

using ::testing::HasSubstr;

TEST_F(HooksTest, ValidateOpensAndChecksWithoutRunningLoad) {
    auto set = loadHookSet({lib("continue", {{"tag", 1}})}, LoadMode::Validate, true);
    EXPECT_EQ(set->size(), 1u);
    EXPECT_TRUE(set->commands().empty()); // load() did not run
    EXPECT_FALSE(set->has(HookPoint::Pkt4Receive));
}

TEST_F(HooksTest, LoadPassesParametersAndRegistersCalloutsAndCommands) {
    auto set =
        loadHookSet({lib("continue", {{"tag", 3}, {"colour", "blue"}})}, LoadMode::Load, true);
    ASSERT_EQ(set->commands().count("fx-continue-info-3"), 1u);
    auto answer = call(*set, "fx-continue-info-3");
    EXPECT_EQ(answer["result"], 0);
    EXPECT_EQ(answer["arguments"]["parameters"]["colour"], "blue");
    EXPECT_EQ(answer["arguments"]["loads"], 1);
    EXPECT_TRUE(set->has(HookPoint::Pkt4Receive));
    EXPECT_EQ(set->library(0).name, "fx_continue");
}

TEST_F(HooksTest, CommandRunnerRunsWhatTheControlChannelRuns) {
    auto set = loadHookSet({lib("continue", {{"tag", 4}})}, LoadMode::Load, true);
    LoadContext ctx(*set, 0);
    CommandRunner run = ctx.commandRunner();
    // Not yet active: the library's command is not the server's yet.
    EXPECT_EQ(run("fx-continue-info-4", nullptr)["result"], 2);
    HookManager::instance().activate(set);
    auto answer = run("fx-continue-info-4", nullptr);
    EXPECT_EQ(answer["result"], 0) << answer.dump();
    EXPECT_EQ(answer["arguments"]["parameters"]["tag"], 4);
    CommandRegistry::instance().add("hooks-test-builtin", [](const nlohmann::json& a) {
        throw CommandError(CommandResult::Empty, "nothing for " + a.dump());
        return nlohmann::json{};
    });
    answer = run("hooks-test-builtin", {{"x", 1}});
    EXPECT_EQ(answer, (nlohmann::json{{"result", 3}, {"text", "nothing for {\"x\":1}"}}));
    CommandRegistry::instance().remove("hooks-test-builtin");
}

TEST_F(HooksTest, RefusesSharedObjectWithoutVersionSymbol) {
    EXPECT_THAT(loadError({lib("no_version")}, LoadMode::Validate),
                HasSubstr("is not a Kahu hook library (no kahu_hook_abi_version)"));
}

TEST_F(HooksTest, RefusesLibraryBuiltForAnotherAbiVersion) {
    EXPECT_THAT(
        loadError({lib("wrong_abi")}, LoadMode::Validate),
        HasSubstr("built for hook ABI version " + std::to_string(kahu::hooks::kAbiVersion + 1000)));
}

TEST_F(HooksTest, RefusesLibraryWithAnotherFingerprint) {
    auto error = loadError({lib("wrong_fingerprint")}, LoadMode::Validate);
    EXPECT_THAT(error, HasSubstr("built with 'gcc 4.8.5"));
    EXPECT_THAT(error, HasSubstr(coreFingerprint()));
}

TEST_F(HooksTest, RefusesLibraryBuiltAgainstOtherSdkHeaders) {
    // The core's fingerprint names the compiler by major version only and ends with the hash
    // of the SDK headers it was built with.
    const std::string core = coreFingerprint();
    EXPECT_THAT(core, ::testing::MatchesRegex("(gcc|clang) [0-9]+; .*; sdk [0-9a-f]{16}"));
    EXPECT_THAT(loadError({lib("stale_sdk")}, LoadMode::Validate),
                HasSubstr("sdk 0000000000000000"));
}

TEST_F(HooksTest, RefusesMissingFile) {
    EXPECT_THAT(loadError({lib("does_not_exist")}, LoadMode::Validate), HasSubstr("cannot open"));
}

TEST_F(HooksTest, ThrowingLoadFailsTheWholeSetAndUnloadsEarlierLibraries) {
    // Keep fx_continue mapped so its load/unload counters survive the failed set.
    auto keeper = loadHookSet({lib("continue")}, LoadMode::Load, false);
    auto error = loadError({lib("continue", {{"tag", 1}}), lib("load_throws")});
    EXPECT_THAT(error, HasSubstr("'libfx_load_throws.so' (test.json:1:1): load() failed: "
                                 "fixture load failure"));
    auto counts = call(*keeper, "fx-continue-info")["arguments"];
    EXPECT_EQ(counts["loads"], 2);
    EXPECT_EQ(counts["unloads"], 1); // the failed set's fx_continue was unloaded
    EXPECT_FALSE(CommandRegistry::instance().has("fx-throws"));
    EXPECT_FALSE(isMapped("load_throws"));
}

TEST_F(HooksTest, LoadReturningErrorFailsWithTheCode) {
    EXPECT_THAT(loadError({lib("load_error")}), HasSubstr("load() failed: returned 7"));
}

TEST_F(HooksTest, DuplicateCommandInOneSetFails) {
    EXPECT_THAT(loadError({lib("duplicate_command"), lib("duplicate_command")}),
                HasSubstr("command 'fx-dup' is already registered by hook library"));
}

TEST_F(HooksTest, CommandNamedLikeABuiltInFails) {
    CommandRegistry::instance().add("fx-dup", [](const nlohmann::json&) { return nullptr; });
    auto error = loadError({lib("duplicate_command")});
    CommandRegistry::instance().remove("fx-dup");
    EXPECT_THAT(error, HasSubstr("command 'fx-dup' is already registered by the server"));
}

TEST_F(HooksTest, LibraryWithoutMtDeclarationIsRefusedOnlyUnderMultiThreading) {
    EXPECT_THAT(loadError({lib("not_mt")}, LoadMode::Validate, true),
                HasSubstr("not compatible with multi-threading"));
    EXPECT_EQ(loadError({lib("not_mt")}, LoadMode::Load, false), "");
}

TEST_F(HooksTest, SameLibraryListedTwiceKeepsSeparateParameters) {
    auto set = loadHookSet({lib("continue", {{"tag", 1}}), lib("continue", {{"tag", 2}})},
                           LoadMode::Load, true);
    EXPECT_EQ(call(*set, "fx-continue-info-1")["arguments"]["parameters"]["tag"], 1);
    EXPECT_EQ(call(*set, "fx-continue-info-2")["arguments"]["parameters"]["tag"], 2);
    Packet4 query;
    Pkt4ReceiveArgs args{query};
    EXPECT_EQ(set->run<HookPoint::Pkt4Receive>(args), Verdict::Continue);
    EXPECT_EQ(query.secs, 12);
}

TEST_F(HooksTest, CalloutsRunInLibraryOrderAndSeeEarlierVerdicts) {
    auto set = loadHookSet({lib("continue", {{"tag", 1}}), lib("drop", {{"tag", 2}}),
                            lib("continue", {{"tag", 3}, {"observe", true}})},
                           LoadMode::Load, false);
    Packet4 query;
    Pkt4ReceiveArgs args{query};
    EXPECT_EQ(set->run<HookPoint::Pkt4Receive>(args), Verdict::Drop);
    EXPECT_EQ(query.secs, 123);
    EXPECT_EQ(query.hops, static_cast<uint8_t>(Verdict::Drop)); // the third saw the drop
}

TEST_F(HooksTest, SkipIsNotWeakenedByLaterContinue) {
    auto set = loadHookSet({lib("skip", {{"tag", 1}}), lib("continue", {{"tag", 2}})},
                           LoadMode::Load, false);
    Packet4 query;
    Pkt4ReceiveArgs args{query};
    EXPECT_EQ(set->run<HookPoint::Pkt4Receive>(args), Verdict::Skip);
}

TEST_F(HooksTest, ThrowingCalloutDropsAndLaterCalloutsStillRun) {
    auto set =
        loadHookSet({lib("throw_callout"), lib("continue", {{"tag", 4}})}, LoadMode::Load, false);
    Packet4 query;
    Pkt4ReceiveArgs args{query};
    EXPECT_EQ(set->run<HookPoint::Pkt4Receive>(args), Verdict::Drop);
    EXPECT_EQ(query.secs, 4);
}

TEST_F(HooksTest, EmptyHookPointReturnsContinueWithoutTouchingTheContinuation) {
    auto set = loadHookSet({lib("continue")}, LoadMode::Load, false);
    EXPECT_TRUE(set->has(HookPoint::Pkt4Receive));
    EXPECT_FALSE(set->has(HookPoint::Leases4Committed));
    Packet4 query;
    std::vector<Lease4> none;
    Leases4CommittedArgs args{query, nullptr, none, none};
    int called = 0;
    EXPECT_EQ(set->run<HookPoint::Leases4Committed>(args, nullptr, [&](bool) { ++called; }),
              Verdict::Continue);
    EXPECT_EQ(called, 0);
    auto empty = loadHookSet({}, LoadMode::Load, true);
    for (std::size_t i = 0; i < kHookPointCount; ++i) {
        EXPECT_FALSE(empty->has(static_cast<HookPoint>(i)));
    }
}

TEST_F(HooksTest, PacketContextCarriesValuesFromReceiveToSendPerPacket) {
    auto set = loadHookSet({lib("context")}, LoadMode::Load, true);
    Packet4 query, response;
    query.xid = 41;
    auto packet = std::make_shared<PacketContext>();
    Pkt4ReceiveArgs receive{query};
    set->run<HookPoint::Pkt4Receive>(receive, packet.get());
    Pkt4SendArgs send{query, response, nullptr};
    set->run<HookPoint::Pkt4Send>(send, packet.get());
    EXPECT_EQ(response.xid, 42u);

    PacketContext other; // another packet: nothing stored
    response.xid = 7;
    set->run<HookPoint::Pkt4Send>(send, &other);
    EXPECT_EQ(response.xid, 0u);
}

TEST_F(HooksTest, PacketContextKeepsItsLibraryMappedUntilCleared) {
    auto packet = std::make_shared<PacketContext>();
    {
        auto set = loadHookSet({lib("context")}, LoadMode::Load, true);
        Packet4 query;
        Pkt4ReceiveArgs receive{query};
        set->run<HookPoint::Pkt4Receive>(receive, packet.get());
    }
    EXPECT_TRUE(isMapped("context")); // the stored std::string's destructor is its code
    packet->clear();
    EXPECT_FALSE(isMapped("context"));
}

TEST_F(HooksTest, TimersRunOnlyOnceActivated) {
    auto set = loadHookSet({lib("timer")}, LoadMode::Load, true);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(call(*set, "fx-timer-ticks")["arguments"]["ticks"], 0);
    HookManager::instance().activate(set);
    for (int i = 0; i < 200 && call(*set, "fx-timer-ticks")["arguments"]["ticks"] < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_GE(call(*set, "fx-timer-ticks")["arguments"]["ticks"], 2);
}

} // namespace kahu::hooks::test
