// SPDX-License-Identifier: MPL-2.0
#include "hooks/park.h"

#include "hooks/library_entry.h"

#include <kahu/hooks/callout_context.h>

namespace kahu::hooks {

void ParkHandle::resume() noexcept {
    if (ticket_) {
        ticket_->resolve(false);
    }
}

void ParkHandle::drop() noexcept {
    if (ticket_) {
        ticket_->resolve(true);
    }
}

bool ParkHandle::resolved() const noexcept {
    return !ticket_ || ticket_->resolved.load(std::memory_order_acquire);
}

ParkHandle CalloutContext::park() noexcept {
    if (park_ == nullptr) {
        return {};
    }
    // The context only hands out const access to its library; tracking the hold is the one
    // mutation, guarded by the entry's own mutex.
    return park_->take(const_cast<detail::LibraryEntry&>(library_));
}

namespace detail {

void ParkState::addHold() noexcept {
    std::lock_guard lock(mutex_);
    ++holds_;
}

void ParkState::release(bool drop) noexcept {
    std::function<void(bool)> run;
    bool resume = false;
    {
        std::lock_guard lock(mutex_);
        if (finished_) {
            return;
        }
        dropped_ = dropped_ || drop;
        if (--holds_ > 0) {
            return;
        }
        finished_ = true;
        if (!abandoned_) {
            run = std::move(continuation_);
            resume = !dropped_;
            counter_->release();
        }
    }
    // Outside the lock: the continuation may send, log, or even park again.
    if (run) {
        run(resume);
    }
}

void ParkState::arm(std::function<void(bool)> continuation) noexcept {
    {
        std::lock_guard lock(mutex_);
        continuation_ = std::move(continuation);
    }
    release(false);
}

void ParkState::abandon() noexcept {
    {
        std::lock_guard lock(mutex_);
        abandoned_ = true;
        continuation_ = nullptr;
        counter_->release();
    }
    release(false);
}

ParkHandle ParkSite::take(LibraryEntry& library) noexcept {
    try {
        if (!state) {
            if (!counter->reserve()) {
                refused = true;
                return {};
            }
            state = std::make_shared<ParkState>(counter);
        }
        state->addHold();
        auto ticket = std::make_shared<ParkTicket>(library.dl, state);
        library.track(ticket);
        return ParkHandle(std::move(ticket));
    } catch (...) {
        // Out of memory: behave as if the limit was reached (the packet is dropped).
        refused = true;
        return {};
    }
}

void LibraryEntry::track(const std::shared_ptr<ParkTicket>& ticket) {
    std::lock_guard lock(ticketsMutex_);
    if (tickets_.size() >= pruneAt_) {
        std::erase_if(tickets_, [](const auto& w) { return w.expired(); });
        pruneAt_ = std::max<std::size_t>(64, tickets_.size() * 2);
    }
    tickets_.push_back(ticket);
}

void LibraryEntry::dropParked() noexcept {
    std::vector<std::weak_ptr<ParkTicket>> tickets;
    {
        std::lock_guard lock(ticketsMutex_);
        tickets.swap(tickets_);
    }
    for (auto& weak : tickets) {
        if (auto ticket = weak.lock()) {
            ticket->resolve(true);
        }
    }
}

} // namespace detail
} // namespace kahu::hooks
