// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <kahu/config/server_config.h>
#include <kahu/metrics.h>
#include <kahu/mutex.h>
#include <kahu/stats.h>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kahu {

/// How full a pool, subnet or shared network is, as alerts see it.
enum class UtilizationLevel : uint8_t { Normal = 0, High = 1, Critical = 2, Exhausted = 3 };

const char* toString(UtilizationLevel level) noexcept;

/// The level a scope moves to from `current` with `used` of `total` addresses: up as soon as a
/// threshold is reached (exhausted: every address used), down only once the percentage is
/// `hysteresis` points below the threshold of the level it leaves.
UtilizationLevel nextUtilizationLevel(UtilizationLevel current, int64_t used, uint64_t total,
                                      const UtilizationThresholds& t) noexcept;

/// One watched scope: a configured pool, a subnet (its pools together) or a shared network
/// (its subnets' pools together). `used` counts the leases inside the pools that hold their
/// address (default and declined), moved by LeaseManager on every write.
struct UtilizationScope {
    enum class Kind : uint8_t { Pool, Subnet, SharedNetwork };
    Kind kind = Kind::Pool;
    SubnetId subnetId = 0;
    std::string subnet;  ///< prefix text
    std::string pool;    ///< "first-last"
    std::string network; ///< shared network name
    uint64_t total = 0;
    UtilizationThresholds thresholds;
    Counter* levelStat = nullptr; ///< <scope>.utilization-alert-level
    std::atomic<int64_t> used{0};
    std::atomic<uint8_t> level{0};

    std::string key() const;      ///< identity across reloads
    std::string describe() const; ///< "pool 192.0.2.10-192.0.2.20 of subnet 1 (192.0.2.0/24)"
};

/// Evaluates the scopes on every change of their counts (never by scanning), logs each
/// crossing once with a message ID (DHCP4_POOL_UTILIZATION_HIGH / _CRITICAL / _NORMAL,
/// DHCP4_POOL_EXHAUSTED), keeps the level in the statistics and hands the alert to the
/// operator's command or webhook on a thread of its own, off the packet path.
class UtilizationMonitor {
public:
    UtilizationMonitor();
    ~UtilizationMonitor();
    UtilizationMonitor(const UtilizationMonitor&) = delete;
    UtilizationMonitor& operator=(const UtilizationMonitor&) = delete;

    /// Scopes for a configuration, their counts not set yet (see start()). Levels known from
    /// the previous configuration carry over, so a reload does not repeat an alert.
    struct Scopes {
        std::map<SubnetId, std::vector<std::shared_ptr<UtilizationScope>>> pools; ///< by index
        std::map<SubnetId, std::shared_ptr<UtilizationScope>> subnets;
        std::map<SubnetId, std::shared_ptr<UtilizationScope>> networkOf; ///< null: none
        std::vector<std::shared_ptr<UtilizationScope>> all;
    };
    Scopes build(const ServerConfig& config);
    /// Publishes the scopes (metrics, notifications) once their `used` counts are set, and
    /// evaluates each one (an alert for a pool already full at start-up is raised then).
    void start(const Scopes& scopes, const UtilizationNotify& notify);

    /// A change of `delta` leases in a scope (thread-safe, lock-free unless a level changes).
    void change(UtilizationScope& scope, int64_t delta);

    /// kahu_dhcp4_utilization_ratio and kahu_dhcp4_utilization_alert_level per scope,
    /// kahu_dhcp4_utilization_alerts_total.
    void collect(std::vector<metrics::Family>& out) const;

    /// Alerts handed to the command/webhook and not done yet (tests).
    size_t pendingNotifications() const;

private:
    void evaluate(UtilizationScope& scope, int64_t used);
    void raise(UtilizationScope& scope, UtilizationLevel from, UtilizationLevel to, int64_t used);
    void notifyLoop();
    void deliver(const nlohmann::json& alert, const UtilizationNotify& notify);

    mutable Mutex mutex_;
    std::map<std::string, uint8_t> lastLevels_ KAHU_GUARDED_BY(mutex_);
    std::vector<std::shared_ptr<UtilizationScope>> scopes_ KAHU_GUARDED_BY(mutex_);
    UtilizationNotify notify_ KAHU_GUARDED_BY(mutex_);
    std::deque<nlohmann::json> queue_ KAHU_GUARDED_BY(mutex_);
    bool stopping_ KAHU_GUARDED_BY(mutex_) = false;
    bool busy_ KAHU_GUARDED_BY(mutex_) = false;
    std::condition_variable cv_;
    std::thread thread_; ///< started with the first notification
    std::atomic<uint64_t> alerts_{0};
    static constexpr size_t kMaxQueued = 1024;
};

} // namespace kahu
