// SPDX-License-Identifier: MPL-2.0
#include "hooks/hook_timers.h"

#include <algorithm>

namespace kahu::hooks {

void HookTimers::add(std::chrono::milliseconds interval, std::function<void()> fn,
                     std::shared_ptr<const void> keepMapped,
                     std::shared_ptr<spdlog::logger> logger) {
    std::lock_guard lock(mutex_);
    timers_.push_back({std::move(keepMapped),
                       std::max(interval, std::chrono::milliseconds(1)),
                       std::move(fn),
                       std::move(logger),
                       {}});
}

void HookTimers::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable() || timers_.empty() || stopping_) {
        return;
    }
    auto now = std::chrono::steady_clock::now();
    for (auto& t : timers_) {
        t.next = now + t.interval;
    }
    thread_ = std::thread([this] { loop(); });
}

void HookTimers::stop() noexcept {
    std::vector<Timer> gone;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
        thread_.join();
    } else if (thread_.joinable()) {
        thread_.detach(); // stop() from a timer callback: the loop exits on its own
    }
    std::lock_guard lock(mutex_);
    gone.swap(timers_);
}

std::size_t HookTimers::size() const {
    std::lock_guard lock(mutex_);
    return timers_.size();
}

void HookTimers::loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        auto due = std::min_element(timers_.begin(), timers_.end(),
                                    [](const Timer& a, const Timer& b) { return a.next < b.next; });
        if (wake_.wait_until(lock, due->next, [this] { return stopping_; })) {
            break;
        }
        if (std::chrono::steady_clock::now() < due->next) {
            continue;
        }
        due->next += due->interval;
        auto fn = due->fn;
        auto logger = due->logger;
        lock.unlock();
        try {
            fn();
        } catch (const std::exception& e) {
            logger->error("HOOKS_TIMER_EXCEPTION a timer callback threw: {}", e.what());
        } catch (...) {
            logger->error("HOOKS_TIMER_EXCEPTION a timer callback threw a non-standard exception");
        }
        lock.lock();
    }
}

} // namespace kahu::hooks
