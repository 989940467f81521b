// SPDX-License-Identifier: MPL-2.0
#include "lease_update_backlog.h"

namespace kahu::ha {

bool LeaseUpdateBacklog::push(Op op, const Lease4& lease) {
    std::lock_guard g(mutex_);
    if (overflown_ || entries_.size() >= limit_) {
        overflown_ = true;
        return false;
    }
    entries_.push_back({op, lease});
    return true;
}

std::optional<LeaseUpdateBacklog::Entry> LeaseUpdateBacklog::pop() {
    std::lock_guard g(mutex_);
    if (entries_.empty()) {
        return std::nullopt;
    }
    Entry e = std::move(entries_.front());
    entries_.pop_front();
    return e;
}

size_t LeaseUpdateBacklog::size() const {
    std::lock_guard g(mutex_);
    return entries_.size();
}

bool LeaseUpdateBacklog::overflown() const {
    std::lock_guard g(mutex_);
    return overflown_;
}

void LeaseUpdateBacklog::clear() {
    std::lock_guard g(mutex_);
    entries_.clear();
    overflown_ = false;
}

} // namespace kahu::ha
