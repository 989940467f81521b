// SPDX-License-Identifier: MPL-2.0
// PacketHooks::runOrPark, the one park helper of the packet path, against real fixture hook
// libraries (tests/hooks/fixtures): what each verdict does to the exchange, and that a parked
// exchange ends exactly once, on the thread that lets it go.
#include "dhcp4/packet_hooks.h"

#include <atomic>
#include <gtest/gtest.h>
#include <stdexcept>
#include <string>
#include <thread>

namespace kahu {
namespace {

/// What the continuations saw.
struct Outcome {
    std::atomic<int> resumed{0};
    std::atomic<int> dropped{0};
    std::string reason;
    std::thread::id thread;
};

class PacketHooksTest : public ::testing::Test {
protected:
    /// An exchange whose hook set holds the fixture library `name` (libfx_<name>.so).
    ExchangePtr exchangeWith(const std::string& name) {
        hooks::HookSetOptions options;
        options.hooksDir = KAHU_TEST_FIXTURES_DIR;
        set_ = hooks::loadHookSet({{"libfx_" + name + ".so", nullptr, "test.json:1:1"}},
                                  hooks::LoadMode::Load, true, options);
        auto ex = std::make_shared<Exchange>();
        ex->hooks = set_;
        ex->context = std::make_shared<hooks::PacketContext>();
        return ex;
    }

    /// Runs pkt4_receive on the exchange; resume throws when `throwing`.
    HookStep receive(const ExchangePtr& ex, Outcome& out, bool throwing = false) {
        hooks::Pkt4ReceiveArgs args{ex->query};
        auto resume = [&out, throwing](const ExchangePtr&) {
            out.thread = std::this_thread::get_id();
            if (throwing) {
                throw std::runtime_error("store unreachable");
            }
            ++out.resumed;
        };
        auto drop = [&out](const ExchangePtr&, const char* reason) {
            out.thread = std::this_thread::get_id();
            out.reason = reason;
            ++out.dropped;
        };
        return PacketHooks::runOrPark<hooks::HookPoint::Pkt4Receive>(ex, args, resume, drop);
    }

    void command(const std::string& name) { set_->commands().at(name)(nullptr); }

    void TearDown() override {
        if (set_) {
            set_->unload();
        }
    }

    std::shared_ptr<hooks::HookSet> set_;
};

TEST_F(PacketHooksTest, WithoutHookLibrariesTheExchangeGoesOnAndNothingRuns) {
    auto ex = std::make_shared<Exchange>();
    Outcome out;
    EXPECT_EQ(receive(ex, out), HookStep::Continue);
    EXPECT_EQ(out.resumed + out.dropped, 0);
    hooks::Pkt4SendArgs args{ex->query, ex->query, nullptr};
    EXPECT_EQ(PacketHooks::run<hooks::HookPoint::Pkt4Send>(*ex, args), hooks::Verdict::Continue);
}

TEST_F(PacketHooksTest, ContinueAndSkipLetTheCallerGoOnNow) {
    Outcome out;
    EXPECT_EQ(receive(exchangeWith("continue"), out), HookStep::Continue);
    EXPECT_EQ(receive(exchangeWith("skip"), out), HookStep::Skip);
    EXPECT_EQ(out.resumed + out.dropped, 0);
}

TEST_F(PacketHooksTest, DropVerdictRunsTheDropPathAtOnce) {
    Outcome out;
    EXPECT_EQ(receive(exchangeWith("drop"), out), HookStep::Dropped);
    EXPECT_EQ(out.dropped, 1);
    EXPECT_EQ(out.resumed, 0);
    EXPECT_EQ(out.reason, "DHCP4_HOOK_DROP");
}

TEST_F(PacketHooksTest, ParkedExchangeResumesOnceOnTheThreadThatLetsItGo) {
    auto ex = exchangeWith("park");
    Outcome out;
    ASSERT_EQ(receive(ex, out), HookStep::Parked);
    EXPECT_EQ(out.resumed + out.dropped, 0);
    std::thread::id resolver;
    std::thread([&] {
        resolver = std::this_thread::get_id();
        command("fx-park-resume");
    }).join();
    EXPECT_EQ(out.resumed, 1);
    EXPECT_EQ(out.dropped, 0);
    EXPECT_EQ(out.thread, resolver);
    command("fx-park-resume"); // nothing parked any more
    EXPECT_EQ(out.resumed, 1);
}

TEST_F(PacketHooksTest, ParkedExchangeDroppedByTheHookTakesTheDropPath) {
    auto ex = exchangeWith("park");
    Outcome out;
    ASSERT_EQ(receive(ex, out), HookStep::Parked);
    command("fx-park-drop");
    EXPECT_EQ(out.dropped, 1);
    EXPECT_EQ(out.resumed, 0);
    EXPECT_EQ(out.reason, "HOOKS_PARKED_PACKET_DROPPED");
}

TEST_F(PacketHooksTest, ExceptionOnResumeDropsTheExchangeInsteadOfLosingIt) {
    auto ex = exchangeWith("park");
    Outcome out;
    ASSERT_EQ(receive(ex, out, true), HookStep::Parked);
    command("fx-park-resume");
    EXPECT_EQ(out.dropped, 1);
    EXPECT_EQ(out.reason, "DHCP4_PACKET_PROCESS_EXCEPTION");
    EXPECT_EQ(set_->parkedCount(), 0u);
}

TEST_F(PacketHooksTest, ParkWhereTheHookPointCannotParkCountsAsContinue) {
    auto ex = exchangeWith("park");
    Packet4 response;
    hooks::Pkt4SendArgs args{ex->query, response, nullptr};
    EXPECT_EQ(PacketHooks::run<hooks::HookPoint::Pkt4Send>(*ex, args), hooks::Verdict::Continue);
}

} // namespace
} // namespace kahu
