// SPDX-License-Identifier: MPL-2.0
#include "control/network_state.h"

#include <vector>

namespace kahu {

void NetworkState::disable(uint32_t origin) {
    std::lock_guard lock(mutex_);
    if (origin == kUserCommand) {
        disabledByUser_ = true;
    } else {
        disabledBy_.insert(origin);
    }
    update();
}

void NetworkState::enable(uint32_t origin) {
    std::lock_guard lock(mutex_);
    if (origin == kUserCommand) {
        disabledByUser_ = false;
    } else {
        disabledBy_.erase(origin);
    }
    deadlines_.erase(origin);
    update();
}

void NetworkState::delayedEnable(uint32_t origin, uint32_t seconds, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    deadlines_[origin] = now + std::chrono::seconds(seconds);
}

void NetworkState::tick(Clock::time_point now) {
    std::vector<uint32_t> due;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [origin, deadline] : deadlines_) {
            if (deadline <= now) {
                due.push_back(origin);
            }
        }
    }
    for (uint32_t origin : due) {
        enable(origin);
    }
}

bool NetworkState::hasDelayedEnable(uint32_t origin) const {
    std::lock_guard lock(mutex_);
    return deadlines_.count(origin) != 0;
}

void NetworkState::resetForUser() {
    std::lock_guard lock(mutex_);
    disabledByUser_ = false;
    deadlines_.erase(kUserCommand);
    update();
}

namespace {
template <class Set, class Map>
void eraseRange(Set& origins, Map& deadlines, uint32_t from, uint32_t to) {
    origins.erase(origins.lower_bound(from), origins.lower_bound(to));
    deadlines.erase(deadlines.lower_bound(from), deadlines.lower_bound(to));
}
} // namespace

void NetworkState::resetForLocalCommands() {
    std::lock_guard lock(mutex_);
    eraseRange(disabledBy_, deadlines_, kHaLocalCommand, kHaRemoteCommand);
    update();
}

void NetworkState::resetForRemoteCommands() {
    std::lock_guard lock(mutex_);
    eraseRange(disabledBy_, deadlines_, kHaRemoteCommand, kDbConnection);
    update();
}

void NetworkState::resetForDbConnection() {
    std::lock_guard lock(mutex_);
    eraseRange(disabledBy_, deadlines_, kDbConnection, UINT32_MAX);
    update();
}

void NetworkState::update() {
    enabled_.store(!disabledByUser_ && disabledBy_.empty(), std::memory_order_relaxed);
}

nlohmann::json NetworkState::toJson() const {
    std::lock_guard lock(mutex_);
    auto local = nlohmann::json::array();
    auto remote = nlohmann::json::array();
    auto db = nlohmann::json::array();
    for (uint32_t origin : disabledBy_) {
        if (origin >= kDbConnection) {
            db.push_back(origin);
        } else if (origin >= kHaRemoteCommand) {
            remote.push_back(origin);
        } else if (origin >= kHaLocalCommand) {
            local.push_back(origin);
        }
        // Other origins (2..999) count for globally-disabled but Kea lists them nowhere.
    }
    return nlohmann::json{{"disabled-by-db-connection", db},
                          {"disabled-by-local-command", local},
                          {"disabled-by-remote-command", remote},
                          {"disabled-by-user", disabledByUser_},
                          {"globally-disabled", disabledByUser_ || !disabledBy_.empty()}};
}

} // namespace kahu
