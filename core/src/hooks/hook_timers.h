// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <spdlog/logger.h>
#include <string>
#include <thread>
#include <vector>

namespace kahu::hooks {

/// The periodic timers hook libraries add with LoadContext::addTimer, run by one thread per
/// hook set (simple, and enough for housekeeping: HA heartbeats, stats sampling).
class HookTimers {
public:
    HookTimers() = default;
    ~HookTimers() { stop(); }
    HookTimers(const HookTimers&) = delete;
    HookTimers& operator=(const HookTimers&) = delete;

    void add(std::chrono::milliseconds interval, std::function<void()> fn,
             std::shared_ptr<const void> keepMapped, std::shared_ptr<spdlog::logger> logger);
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
    };
    void loop();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Timer> timers_;
    std::thread thread_;
    bool stopping_ = false;
};

} // namespace kahu::hooks
