// SPDX-License-Identifier: MPL-2.0
#include "hooks/hook_timers.h"

#include <algorithm>

namespace kahu::hooks {

void HookTimers::add(std::chrono::milliseconds interval, std::function<void()> fn,
                     std::shared_ptr<const void> keepMapped,
                     std::shared_ptr<spdlog::logger> logger) {
    LockGuard lock(mutex_);
    const auto every = std::max(interval, std::chrono::milliseconds(1));
    timers_.push_back({std::move(keepMapped), every, std::move(fn), std::move(logger),
                       std::chrono::steady_clock::now() + every});
    runLocked();
}

void HookTimers::post(std::function<void()> fn, std::shared_ptr<const void> keepMapped,
                      std::shared_ptr<spdlog::logger> logger) {
    LockGuard lock(mutex_);
    if (stopping_) {
        return;
    }
    timers_.push_back({std::move(keepMapped), std::chrono::milliseconds(0), std::move(fn),
                       std::move(logger), std::chrono::steady_clock::now(), true});
    runLocked();
}

void HookTimers::runLocked() {
    // The thread starts with the first work after start(): a set without timers has none.
    if (started_ && !stopping_ && !thread_.joinable() && !timers_.empty()) {
        thread_ = std::thread([this] { loop(); });
    }
    wake_.notify_all();
}

void HookTimers::start() {
    LockGuard lock(mutex_);
    if (started_ || stopping_) {
        return;
    }
    started_ = true;
    auto now = std::chrono::steady_clock::now();
    for (auto& t : timers_) {
        t.next = t.once ? now : now + t.interval;
    }
    runLocked();
}

void HookTimers::stop() noexcept {
    std::vector<Timer> gone;
    {
        LockGuard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
        thread_.join();
    } else if (thread_.joinable()) {
        thread_.detach(); // stop() from a timer callback: the loop exits on its own
    }
    LockGuard lock(mutex_);
    gone.swap(timers_);
}

std::size_t HookTimers::size() const {
    LockGuard lock(mutex_);
    return timers_.size();
}

void HookTimers::loop() {
    UniqueLock lock(mutex_);
    while (!stopping_) {
        if (timers_.empty()) {
            wake_.wait(lock.native(),
                       [this]() KAHU_REQUIRES(mutex_) { return stopping_ || !timers_.empty(); });
            continue;
        }
        auto due = std::min_element(timers_.begin(), timers_.end(),
                                    [](const Timer& a, const Timer& b) { return a.next < b.next; });
        const auto next = due->next;
        const size_t count = timers_.size();
        // Woken early by stop() or by new work (which may be due sooner): look again.
        if (wake_.wait_until(lock.native(), next, [this, count]() KAHU_REQUIRES(mutex_) {
                return stopping_ || timers_.size() != count;
            })) {
            continue;
        }
        if (std::chrono::steady_clock::now() < next) {
            continue;
        }
        auto fn = due->fn;
        auto logger = due->logger;
        std::shared_ptr<const void> keep = due->keepMapped;
        if (due->once) {
            timers_.erase(due);
        } else {
            due->next += due->interval;
        }
        lock.unlock();
        try {
            fn();
        } catch (const std::exception& e) {
            logger->error("HOOKS_TIMER_EXCEPTION a timer callback threw: {}", e.what());
        } catch (...) {
            logger->error("HOOKS_TIMER_EXCEPTION a timer callback threw a non-standard exception");
        }
        fn = nullptr; // the library's code and captures go before its mapping can
        keep.reset();
        lock.lock();
    }
}

} // namespace kahu::hooks
