// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <kahu/hooks/park_handle.h>
#include <memory>
#include <mutex>

namespace kahu::hooks {
class HookSet;
}

namespace kahu::hooks::detail {

struct LibraryEntry;

/// Parked packets of one hook set, against the parked-packet-limit (0 = no limit).
struct ParkCounter {
    std::atomic<uint32_t> parked{0};
    uint32_t limit = 256;

    bool reserve() noexcept {
        if (parked.fetch_add(1, std::memory_order_acq_rel) >= limit && limit != 0) {
            parked.fetch_sub(1, std::memory_order_acq_rel);
            return false;
        }
        return true;
    }
    void release() noexcept { parked.fetch_sub(1, std::memory_order_acq_rel); }
};

/// One parked packet at one hook point: counts the holds (one per park() call plus one for the
/// framework while the callouts run) and runs the continuation when the last one goes.
class ParkState {
public:
    explicit ParkState(std::shared_ptr<ParkCounter> counter) : counter_(std::move(counter)) {}

    void addHold() noexcept;
    /// Releases one hold; the last release runs the continuation (resume unless anyone dropped).
    void release(bool drop) noexcept;
    /// The callouts are done and the packet is parked: installs the continuation and releases
    /// the framework's hold (which runs it right away if every hook already resolved).
    void arm(std::function<void(bool)> continuation) noexcept;
    /// The packet was not parked after all (a later callout dropped it): holds still out become
    /// no-ops and no continuation runs.
    void abandon() noexcept;

private:
    std::mutex mutex_;
    std::function<void(bool)> continuation_;
    int holds_ = 1;
    bool dropped_ = false;
    bool finished_ = false;
    bool abandoned_ = false;
    std::shared_ptr<ParkCounter> counter_;
};

/// A library's hold on a ParkState (what a ParkHandle shares).
struct ParkTicket {
    std::shared_ptr<const void> keepMapped;
    std::shared_ptr<ParkState> state;
    std::atomic<bool> resolved{false};

    ParkTicket(std::shared_ptr<const void> keep, std::shared_ptr<ParkState> s)
        : keepMapped(std::move(keep)), state(std::move(s)) {}
    ~ParkTicket() { resolve(true); }
    void resolve(bool drop) noexcept {
        if (!resolved.exchange(true, std::memory_order_acq_rel)) {
            state->release(drop);
        }
    }
};

/// The parking state of one HookSet::run() call, reachable from its CalloutContexts.
struct ParkSite {
    std::shared_ptr<ParkCounter> counter;
    std::shared_ptr<ParkState> state; ///< created by the first park()
    bool refused = false;             ///< a park() hit the limit

    ParkHandle take(LibraryEntry& library) noexcept;
};

} // namespace kahu::hooks::detail
