// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <kahu/mutex.h>
#include <memory>
#include <spdlog/logger.h>
#include <string>
#include <thread>
#include <vector>

namespace kahu::hooks {

/// The periodic timers hook libraries add with LoadContext::addTimer and the one-shot work
/// they hand to LoadContext::executor(), run by one thread per hook set (simple, and enough
/// for housekeeping: stats sampling, reports, work moved off the packet path).
class HookTimers {
public:
    HookTimers() = default;
    ~HookTimers() { stop(); }
    HookTimers(const HookTimers&) = delete;
    HookTimers& operator=(const HookTimers&) = delete;

    void add(std::chrono::milliseconds interval, std::function<void()> fn,
             std::shared_ptr<const void> keepMapped, std::shared_ptr<spdlog::logger> logger);
    /// Runs `fn` once, as soon as the thread is free (after start()). Dropped after stop().
    void post(std::function<void()> fn, std::shared_ptr<const void> keepMapped,
              std::shared_ptr<spdlog::logger> logger);
    void start();
    /// Stops and joins the thread, and forgets the timers (so their code can be unmapped).
    void stop() noexcept;
    std::size_t size() const;

private:
    struct Timer {
        std::shared_ptr<const void> keepMapped;
        std::chrono::milliseconds interval;
        std::function<void()> fn;
        std::shared_ptr<spdlog::logger> logger;
        std::chrono::steady_clock::time_point next;
        bool once = false;
    };
    void loop() KAHU_EXCLUDES(mutex_);
    void runLocked() KAHU_REQUIRES(mutex_);

    mutable Mutex mutex_;
    std::condition_variable wake_;
    std::vector<Timer> timers_ KAHU_GUARDED_BY(mutex_);
    /// Started under mutex_ by runLocked(), which does nothing once stopping_ is set; stop()
    /// joins it after setting stopping_, without the lock (the loop needs it to finish).
    std::thread thread_;
    bool started_ KAHU_GUARDED_BY(mutex_) = false;
    bool stopping_ KAHU_GUARDED_BY(mutex_) = false;
};

} // namespace kahu::hooks
