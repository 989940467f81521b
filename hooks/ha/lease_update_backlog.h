// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstddef>
#include <deque>
#include <kahu/lease/lease4.h>
#include <mutex>
#include <optional>

namespace kahu::ha {

/// The lease updates a load-balancing server keeps for its partner while in
/// communication-recovery (Kea ARM "Controlling Lease-Update Queue"), at most delayed-updates-limit
/// of them. One more than the limit sets the overflow flag: the backlog is then useless (the
/// partner must sync instead) and stays overflown until clear(). Thread-safe.
class LeaseUpdateBacklog {
public:
    enum class Op { Update, Delete };
    struct Entry {
        Op op;
        Lease4 lease;
    };

    explicit LeaseUpdateBacklog(size_t limit) : limit_(limit) {}

    /// Queues one update; false (and overflown from now on) when the limit is reached.
    bool push(Op op, const Lease4& lease);
    /// The oldest entry, or nullopt when empty.
    std::optional<Entry> pop();
    size_t size() const;
    bool overflown() const;
    /// Empties the queue and clears the overflow flag.
    void clear();
    size_t limit() const noexcept { return limit_; }

private:
    const size_t limit_;
    mutable std::mutex mutex_;
    std::deque<Entry> entries_;
    bool overflown_ = false;
};

} // namespace kahu::ha
