// SPDX-License-Identifier: MPL-2.0
#include "alloc/utilization_monitor.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <kahu/http/client.h>
#include <kahu/kea_json.h>
#include <kahu/log.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace kahu {

namespace {

const std::shared_ptr<spdlog::logger>& logger() {
    static const auto lg = log::get("kahu-dhcp4.alloc-engine");
    return lg;
}

double percent(int64_t used, uint64_t total) {
    return total == 0 ? 0.0 : 100.0 * static_cast<double>(used) / static_cast<double>(total);
}

/// The level the thresholds give, each lowered by `slack` points (0: going up).
UtilizationLevel rawLevel(int64_t used, uint64_t total, const UtilizationThresholds& t,
                          double slack) {
    if (total > 0 && used >= static_cast<int64_t>(total) && slack == 0) {
        return UtilizationLevel::Exhausted;
    }
    double pct = percent(used, total);
    if (pct >= t.critical - slack) {
        return UtilizationLevel::Critical;
    }
    if (pct >= t.warning - slack) {
        return UtilizationLevel::High;
    }
    return UtilizationLevel::Normal;
}

} // namespace

const char* toString(UtilizationLevel level) noexcept {
    switch (level) {
    case UtilizationLevel::Normal:
        return "normal";
    case UtilizationLevel::High:
        return "high";
    case UtilizationLevel::Critical:
        return "critical";
    case UtilizationLevel::Exhausted:
        return "exhausted";
    }
    return "normal";
}

UtilizationLevel nextUtilizationLevel(UtilizationLevel current, int64_t used, uint64_t total,
                                      const UtilizationThresholds& t) noexcept {
    UtilizationLevel up = rawLevel(used, total, t, 0);
    if (up >= current) {
        return up;
    }
    // Lower: leave the current level only as far as the hysteresis allows.
    UtilizationLevel down = rawLevel(used, total, t, t.hysteresis);
    return std::min(current, std::max(up, down));
}

std::string UtilizationScope::key() const {
    switch (kind) {
    case Kind::Pool:
        return "pool:" + std::to_string(subnetId) + ":" + pool;
    case Kind::Subnet:
        return "subnet:" + std::to_string(subnetId);
    case Kind::SharedNetwork:
        return "network:" + network;
    }
    return {};
}

std::string UtilizationScope::describe() const {
    switch (kind) {
    case Kind::Pool:
        return "pool " + pool + " of subnet " + std::to_string(subnetId) + " (" + subnet + ")";
    case Kind::Subnet:
        return "subnet " + std::to_string(subnetId) + " (" + subnet + ")";
    case Kind::SharedNetwork:
        return "shared network '" + network + "'";
    }
    return {};
}

UtilizationMonitor::UtilizationMonitor() = default;

UtilizationMonitor::~UtilizationMonitor() {
    {
        LockGuard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

UtilizationMonitor::Scopes UtilizationMonitor::build(const ServerConfig& config) {
    Scopes s;
    auto& stats = Statistics::instance();
    std::map<int, std::shared_ptr<UtilizationScope>> networks;
    for (size_t i = 0; i < config.sharedNetworks.size(); ++i) {
        auto n = std::make_shared<UtilizationScope>();
        n->kind = UtilizationScope::Kind::SharedNetwork;
        n->network = config.sharedNetworks[i].name;
        n->thresholds = config.sharedNetworks[i].utilization;
        n->levelStat = &stats.counter("shared-network[" + n->network + "].utilization-alert-level");
        networks[static_cast<int>(i)] = n;
        s.all.push_back(n);
    }
    for (const auto& subnet : config.subnets) {
        auto sc = std::make_shared<UtilizationScope>();
        sc->kind = UtilizationScope::Kind::Subnet;
        sc->subnetId = subnet.id;
        sc->subnet = subnet.prefix.str();
        sc->thresholds = subnet.utilization;
        sc->levelStat =
            &stats.counter("subnet[" + std::to_string(subnet.id) + "].utilization-alert-level");
        auto& pools = s.pools[subnet.id];
        for (const auto& pool : subnet.pools) {
            auto p = std::make_shared<UtilizationScope>();
            p->kind = UtilizationScope::Kind::Pool;
            p->subnetId = subnet.id;
            p->subnet = sc->subnet;
            p->pool = pool.first.str() + "-" + pool.last.str();
            p->total = pool.size();
            p->thresholds = pool.utilization;
            p->levelStat =
                &stats.counter("subnet[" + std::to_string(subnet.id) + "].pool[" +
                               std::to_string(pool.poolId) + "].utilization-alert-level");
            sc->total += p->total;
            pools.push_back(p);
            s.all.push_back(p);
        }
        s.subnets[subnet.id] = sc;
        s.all.push_back(sc);
        auto n = networks.find(subnet.sharedNetwork);
        if (n != networks.end()) {
            n->second->total += sc->total;
            s.networkOf[subnet.id] = n->second;
        }
    }
    return s;
}

void UtilizationMonitor::start(const Scopes& scopes, const UtilizationNotify& notify) {
    {
        LockGuard lock(mutex_);
        for (auto& sc : scopes.all) {
            auto it = lastLevels_.find(sc->key());
            sc->level = it == lastLevels_.end() ? 0 : it->second;
            if (sc->levelStat) {
                sc->levelStat->set(sc->level.load());
            }
        }
        scopes_ = scopes.all;
        notify_ = notify;
    }
    for (auto& sc : scopes.all) {
        if (!sc->thresholds.enabled) {
            sc->level = 0;
            sc->levelStat->set(0);
            continue;
        }
        evaluate(*sc, sc->used.load());
    }
}

void UtilizationMonitor::change(UtilizationScope& scope, int64_t delta) {
    int64_t used = scope.used.fetch_add(delta, std::memory_order_relaxed) + delta;
    if (scope.thresholds.enabled && scope.total > 0) {
        evaluate(scope, used);
    }
}

void UtilizationMonitor::evaluate(UtilizationScope& scope, int64_t used) {
    uint8_t cur = scope.level.load(std::memory_order_relaxed);
    for (;;) {
        auto next = static_cast<uint8_t>(nextUtilizationLevel(static_cast<UtilizationLevel>(cur),
                                                              used, scope.total, scope.thresholds));
        if (next == cur) {
            return;
        }
        if (scope.level.compare_exchange_weak(cur, next, std::memory_order_acq_rel)) {
            raise(scope, static_cast<UtilizationLevel>(cur), static_cast<UtilizationLevel>(next),
                  used);
            return;
        }
        used = scope.used.load(std::memory_order_relaxed);
    }
}

void UtilizationMonitor::raise(UtilizationScope& scope, UtilizationLevel from, UtilizationLevel to,
                               int64_t used) {
    alerts_.fetch_add(1, std::memory_order_relaxed);
    if (scope.levelStat) {
        scope.levelStat->set(static_cast<int64_t>(to));
    }
    const double pct = percent(used, scope.total);
    const std::string what = scope.describe();
    switch (to) {
    case UtilizationLevel::Exhausted:
        KAHU_ERROR(logger(), "DHCP4_POOL_EXHAUSTED",
                   "{}: all {} addresses are used; new clients get no address from it", what,
                   scope.total);
        break;
    case UtilizationLevel::Critical:
        KAHU_ERROR(logger(), "DHCP4_POOL_UTILIZATION_CRITICAL",
                   "{}: {} of {} addresses used ({:.1f} %), at or above the critical threshold "
                   "{} % (was {})",
                   what, used, scope.total, pct, scope.thresholds.critical, toString(from));
        break;
    case UtilizationLevel::High:
        KAHU_WARN(logger(), "DHCP4_POOL_UTILIZATION_HIGH",
                  "{}: {} of {} addresses used ({:.1f} %), at or above the warning threshold "
                  "{} % (was {})",
                  what, used, scope.total, pct, scope.thresholds.warning, toString(from));
        break;
    case UtilizationLevel::Normal:
        KAHU_INFO(logger(), "DHCP4_POOL_UTILIZATION_NORMAL",
                  "{}: back to normal, {} of {} addresses used ({:.1f} %; was {})", what, used,
                  scope.total, pct, toString(from));
        break;
    }
    nlohmann::json alert = {
        {"level", toString(to)},
        {"previous-level", toString(from)},
        {"scope", scope.kind == UtilizationScope::Kind::Pool     ? "pool"
                  : scope.kind == UtilizationScope::Kind::Subnet ? "subnet"
                                                                 : "shared-network"},
        {"description", what},
        {"used", used},
        {"total", scope.total},
        {"percent", static_cast<double>(std::lround(pct * 10)) / 10},
        {"time", static_cast<int64_t>(std::time(nullptr))},
    };
    if (scope.kind != UtilizationScope::Kind::SharedNetwork) {
        alert["subnet-id"] = scope.subnetId;
        alert["subnet"] = scope.subnet;
    }
    if (scope.kind == UtilizationScope::Kind::Pool) {
        alert["pool"] = scope.pool;
    }
    if (scope.kind == UtilizationScope::Kind::SharedNetwork) {
        alert["shared-network"] = scope.network;
    }
    LockGuard lock(mutex_);
    lastLevels_[scope.key()] = static_cast<uint8_t>(to);
    if (notify_.command.empty() && notify_.webhook.empty()) {
        return;
    }
    if (queue_.size() >= kMaxQueued) {
        KAHU_WARN(logger(), "DHCP4_POOL_ALERT_QUEUE_FULL",
                  "{} alerts wait for the command/webhook already; this one ({} {}) is only "
                  "logged",
                  queue_.size(), what, toString(to));
        return;
    }
    queue_.push_back(std::move(alert));
    if (!thread_.joinable()) {
        thread_ = std::thread([this] { notifyLoop(); });
    }
    cv_.notify_one();
}

size_t UtilizationMonitor::pendingNotifications() const {
    LockGuard lock(mutex_);
    return queue_.size() + (busy_ ? 1 : 0);
}

void UtilizationMonitor::notifyLoop() {
    UniqueLock lock(mutex_);
    for (;;) {
        cv_.wait(lock.native(),
                 [this]() KAHU_REQUIRES(mutex_) { return stopping_ || !queue_.empty(); });
        if (stopping_) {
            return;
        }
        nlohmann::json alert = std::move(queue_.front());
        queue_.pop_front();
        UtilizationNotify notify = notify_;
        busy_ = true;
        lock.unlock();
        deliver(alert, notify);
        lock.lock();
        busy_ = false;
    }
}

void UtilizationMonitor::deliver(const nlohmann::json& alert, const UtilizationNotify& notify) {
    const std::string what = alert.value("description", "");
    if (!notify.command.empty()) {
        // No shell: the command gets the alert in its environment only, so no field can
        // become part of a command line.
        std::vector<std::string> env;
        auto var = [&](const char* name, const nlohmann::json& v) {
            env.push_back(std::string(name) + "=" +
                          (v.is_string() ? v.get<std::string>() : v.dump()));
        };
        var("KAHU_ALERT_LEVEL", alert["level"]);
        var("KAHU_ALERT_PREVIOUS_LEVEL", alert["previous-level"]);
        var("KAHU_ALERT_SCOPE", alert["scope"]);
        var("KAHU_ALERT_DESCRIPTION", alert["description"]);
        var("KAHU_ALERT_USED", alert["used"]);
        var("KAHU_ALERT_TOTAL", alert["total"]);
        var("KAHU_ALERT_PERCENT", alert["percent"]);
        var("KAHU_ALERT_TIME", alert["time"]);
        var("KAHU_ALERT_SUBNET_ID", alert.value("subnet-id", nlohmann::json("")));
        var("KAHU_ALERT_SUBNET", alert.value("subnet", nlohmann::json("")));
        var("KAHU_ALERT_POOL", alert.value("pool", nlohmann::json("")));
        var("KAHU_ALERT_SHARED_NETWORK", alert.value("shared-network", nlohmann::json("")));
        var("KAHU_ALERT_JSON", alert.dump());
        env.emplace_back("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
        std::vector<char*> envp;
        envp.reserve(env.size() + 1);
        for (auto& e : env) {
            envp.push_back(e.data());
        }
        envp.push_back(nullptr);
        std::string arg0 = notify.command;
        char* argv[] = {arg0.data(), nullptr};
        pid_t pid = 0;
        int rc = ::posix_spawn(&pid, notify.command.c_str(), nullptr, nullptr, argv, envp.data());
        if (rc != 0) {
            KAHU_ERROR(logger(), "DHCP4_POOL_ALERT_COMMAND_FAILED",
                       "the alert command {} for {} could not start: {}", notify.command, what,
                       std::strerror(rc));
        } else {
            // Wait up to 30 s: a hung command must not hold every later alert.
            int status = 0;
            pid_t done = 0;
            for (int i = 0; i < 300 && (done = ::waitpid(pid, &status, WNOHANG)) == 0; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            if (done == 0) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &status, 0);
                KAHU_ERROR(logger(), "DHCP4_POOL_ALERT_COMMAND_FAILED",
                           "the alert command {} for {} ran over 30 s and was killed",
                           notify.command, what);
            } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                KAHU_WARN(logger(), "DHCP4_POOL_ALERT_COMMAND_FAILED",
                          "the alert command {} for {} exited with status {}", notify.command, what,
                          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
            }
        }
    }
    if (!notify.webhook.empty()) {
        http::ClientRequest req;
        try {
            const http::Url url = http::parseUrl(notify.webhook, true);
            req.path = url.path;
            req.body = alert.dump();
            req.timeout = std::chrono::seconds(10);
            http::ClientResponse res = http::request(url.target, req);
            if (!res.ok() || res.status < 200 || res.status > 299) {
                KAHU_WARN(logger(), "DHCP4_POOL_ALERT_WEBHOOK_FAILED",
                          "the alert webhook {} for {} failed: {}", notify.webhook, what,
                          res.ok() ? "HTTP status " + std::to_string(res.status) : res.error);
            }
        } catch (const std::exception& e) {
            KAHU_WARN(logger(), "DHCP4_POOL_ALERT_WEBHOOK_FAILED",
                      "the alert webhook {} for {} failed: {}", notify.webhook, what, e.what());
        }
    }
}

void UtilizationMonitor::collect(std::vector<metrics::Family>& out) const {
    metrics::Family ratio{"kahu_dhcp4_utilization_ratio",
                          "Share of the addresses in the pools of a scope that are leased",
                          metrics::Type::Gauge,
                          {}};
    metrics::Family level{"kahu_dhcp4_utilization_alert_level",
                          "Alert level of a scope: 0 normal, 1 high, 2 critical, 3 exhausted",
                          metrics::Type::Gauge,
                          {}};
    {
        LockGuard lock(mutex_);
        for (const auto& sc : scopes_) {
            std::vector<metrics::Label> labels;
            switch (sc->kind) {
            case UtilizationScope::Kind::Pool:
                labels = {{"scope", "pool"},
                          {"subnet_id", std::to_string(sc->subnetId)},
                          {"subnet", sc->subnet},
                          {"pool", sc->pool}};
                break;
            case UtilizationScope::Kind::Subnet:
                labels = {{"scope", "subnet"},
                          {"subnet_id", std::to_string(sc->subnetId)},
                          {"subnet", sc->subnet},
                          {"pool", ""}};
                break;
            case UtilizationScope::Kind::SharedNetwork:
                labels = {{"scope", "shared-network"}, {"shared_network", sc->network}};
                break;
            }
            if (sc->total > 0) {
                ratio.add(static_cast<double>(sc->used.load()) / static_cast<double>(sc->total),
                          labels);
            }
            level.add(sc->level.load(), std::move(labels));
        }
    }
    out.push_back(std::move(ratio));
    out.push_back(std::move(level));
    out.push_back(metrics::Family{
        "kahu_dhcp4_utilization_alerts_total",
        "Alert level changes since the start",
        metrics::Type::Counter,
        {}}.add(static_cast<double>(alerts_.load())));
}

} // namespace kahu
