// SPDX-License-Identifier: MPL-2.0
// The hook set's timer thread: periodic timers (LoadContext::addTimer) and one-shot work
// (LoadContext::executor()).
#include "hooks/hook_timers.h"

#include <atomic>
#include <future>
#include <gtest/gtest.h>
#include <kahu/log.h>

namespace kahu::hooks {

namespace {
std::shared_ptr<spdlog::logger> testLogger() {
    return log::get("kahu-dhcp4.timers-test");
}
} // namespace

TEST(HookTimers, PostedWorkWaitsForStartThenRunsOnce) {
    HookTimers timers;
    std::atomic<int> runs{0};
    std::promise<std::thread::id> ranOn;
    timers.post(
        [&] {
            ranOn.set_value(std::this_thread::get_id());
            ++runs;
        },
        nullptr, testLogger());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(runs.load(), 0); // not before activation
    timers.start();
    auto f = ranOn.get_future();
    ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_NE(f.get(), std::this_thread::get_id());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(runs.load(), 1);
    EXPECT_EQ(timers.size(), 0u);
}

TEST(HookTimers, WorkPostedWhileRunningInterruptsALongWait) {
    HookTimers timers;
    std::atomic<int> ticks{0};
    timers.add(
        std::chrono::hours(1), [&] { ++ticks; }, nullptr, testLogger());
    timers.start();
    std::promise<void> done;
    timers.post([&] { done.set_value(); }, nullptr, testLogger());
    EXPECT_EQ(done.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_EQ(ticks.load(), 0);
    timers.stop();
    // After stop, work is dropped (its library may be gone).
    bool ran = false;
    timers.post([&] { ran = true; }, nullptr, testLogger());
    EXPECT_FALSE(ran);
    EXPECT_EQ(timers.size(), 0u);
}

TEST(HookTimers, PeriodicTimersRepeatAndExceptionsAreContained) {
    HookTimers timers;
    std::atomic<int> ticks{0};
    timers.add(
        std::chrono::milliseconds(10),
        [&] {
            ++ticks;
            throw std::runtime_error("tick");
        },
        nullptr, testLogger());
    timers.start();
    for (int i = 0; i < 200 && ticks.load() < 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    timers.stop();
    EXPECT_GE(ticks.load(), 3);
}

} // namespace kahu::hooks
