// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

namespace kahu {

/// Whether the DHCP service answers clients (Kea's NetworkState, dhcp-disable/dhcp-enable).
///
/// Several parties may disable the service independently, each under its own origin: the
/// operator (user command), HA relationships (local or on the partner's behalf) and lost
/// database connections. The service is enabled again only when every origin that disabled it
/// has enabled it, or its max-period ran out.
///
/// Threading: isEnabled() is one relaxed atomic load, for the packet path on any thread. The
/// other methods are control-plane and serialised by a mutex.
class NetworkState {
public:
    using Clock = std::chrono::steady_clock;

    /// Origin values as in Kea 2.6 (network_state.h): an HA relationship adds its 0-based
    /// index to kHaLocalCommand / kHaRemoteCommand.
    static constexpr uint32_t kUserCommand = 1;
    static constexpr uint32_t kHaLocalCommand = 1000;
    static constexpr uint32_t kHaRemoteCommand = 2000;
    static constexpr uint32_t kDbConnection = 3000;

    /// True when no origin keeps the service disabled.
    bool isEnabled() const noexcept { return enabled_.load(std::memory_order_relaxed); }

    /// Disables the service on behalf of `origin` (idempotent per origin).
    void disable(uint32_t origin);
    /// Withdraws `origin`'s disable and cancels its pending automatic enable.
    void enable(uint32_t origin);
    /// Arranges enable(origin) `seconds` after `now` (dhcp-disable max-period). A second call
    /// for the same origin replaces the first deadline, as Kea's single timer per origin does.
    void delayedEnable(uint32_t origin, uint32_t seconds, Clock::time_point now = Clock::now());
    /// Runs the automatic enables that are due. The server calls it about once per second.
    void tick(Clock::time_point now = Clock::now());
    /// True when an automatic enable is pending for the origin.
    bool hasDelayedEnable(uint32_t origin) const;

    /// Kea's resets after managers are recreated or HA restarts: drop every disable of that
    /// kind (user, HA local, HA remote, database connection).
    void resetForUser();
    void resetForLocalCommands();
    void resetForRemoteCommands();
    void resetForDbConnection();

    /// Kea 3.0's "dhcp-state" element of status-get:
    /// {"disabled-by-db-connection": [..], "disabled-by-local-command": [..],
    ///  "disabled-by-remote-command": [..], "disabled-by-user": b, "globally-disabled": b}.
    nlohmann::json toJson() const;

private:
    void update(); // mutex_ held

    mutable std::mutex mutex_;
    bool disabledByUser_ = false;
    std::set<uint32_t> disabledBy_; ///< every origin but the user's
    std::map<uint32_t, Clock::time_point> deadlines_;
    std::atomic<bool> enabled_{true};
};

} // namespace kahu
