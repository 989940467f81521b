// SPDX-License-Identifier: MPL-2.0
#include <condition_variable>
#include <gtest/gtest.h>
#include <kahu/mutex.h>
#include <thread>

namespace kahu {
namespace {

TEST(Mutex, LockGuardHoldsTheMutexForItsLifetime) {
    Mutex m;
    {
        LockGuard lock(m);
        EXPECT_FALSE(m.native().try_lock());
    }
    EXPECT_TRUE(m.try_lock());
    m.unlock();
}

TEST(Mutex, UniqueLockUnlocksAndLocksAgain) {
    Mutex m;
    UniqueLock lock(m);
    lock.unlock();
    EXPECT_TRUE(m.try_lock());
    m.unlock();
    lock.lock();
    EXPECT_FALSE(m.native().try_lock());
}

TEST(Mutex, ConditionVariableWaitsThroughNative) {
    Mutex m;
    std::condition_variable cv;
    bool ready = false;
    std::thread t([&] {
        LockGuard lock(m);
        ready = true;
        cv.notify_all();
    });
    {
        UniqueLock lock(m);
        cv.wait(lock.native(), [&] { return ready; });
        EXPECT_TRUE(ready);
    }
    t.join();
}

} // namespace
} // namespace kahu
