// SPDX-License-Identifier: MPL-2.0
#include "db_recovery.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <kahu/config/server_config.h>

namespace kahu::sql {

const char* toString(OnFail f) noexcept {
    switch (f) {
    case OnFail::StopRetryExit:
        return "stop-retry-exit";
    case OnFail::ServeRetryExit:
        return "serve-retry-exit";
    case OnFail::ServeRetryContinue:
        return "serve-retry-continue";
    }
    return "?";
}

OnFail onFailFromString(const std::string& s) noexcept {
    return s == "serve-retry-exit"       ? OnFail::ServeRetryExit
           : s == "serve-retry-continue" ? OnFail::ServeRetryContinue
                                         : OnFail::StopRetryExit;
}

DbRecovery::DbRecovery(RecoveryParams params, std::string describe, RecoveryMessages ids,
                       std::shared_ptr<spdlog::logger> logger, ServerAccess* server)
    : params_(params), describe_(std::move(describe)), ids_(ids), logger_(std::move(logger)),
      server_(server) {}

DbRecovery::~DbRecovery() {
    stop();
}

void DbRecovery::stop() {
    std::thread t;
    {
        LockGuard lock(mutex_);
        stopping_ = true;
        t = std::move(thread_);
    }
    cv_.notify_all();
    if (t.joinable()) {
        t.join();
    }
}

void DbRecovery::lost(const std::string& what, const std::function<void()>& dropAll,
                      std::function<void()> reconnect) {
    UniqueLock lock(mutex_);
    if (recovering_ || stopping_) {
        return;
    }
    if (thread_.joinable()) {
        thread_.join(); // the previous recovery has finished (recovering_ is false)
    }
    dropAll();
    logger_->error("{} lost the connection to {}: {}", ids_.lost, describe_, what);
    const bool exits = params_.onFail != OnFail::ServeRetryContinue;
    if (params_.maxReconnectTries == 0) {
        logger_->error("{} max-reconnect-tries is 0: no recovery (on-fail {})",
                       ids_.reconnectDisabled, toString(params_.onFail));
        lost_.store(true);
        if (exits && server_) {
            server_->disableService(ServerAccess::kOriginDb);
            server_->requestShutdown(EXIT_FAILURE);
        }
        return;
    }
    if (params_.onFail == OnFail::StopRetryExit && server_) {
        server_->disableService(ServerAccess::kOriginDb);
    }
    recovering_ = true;
    lost_.store(true);
    thread_ = std::thread([this, reconnect = std::move(reconnect)] { run(reconnect); });
}

void DbRecovery::operationSucceeded() {
    LockGuard lock(mutex_);
    if (recovering_ || !lost_.load()) {
        return; // the recovery thread reports its own success
    }
    lost_.store(false);
    logger_->info("{} reconnected to {} (an operation opened a connection)", ids_.recovered,
                  describe_);
}

void DbRecovery::run(const std::function<void()>& reconnect) {
    for (uint32_t attempt = 1; attempt <= params_.maxReconnectTries; ++attempt) {
        {
            UniqueLock lock(mutex_);
            cv_.wait_for(lock.native(), std::chrono::milliseconds(params_.reconnectWaitTime),
                         [this]() KAHU_REQUIRES(mutex_) { return stopping_; });
            if (stopping_) {
                recovering_ = false;
                return;
            }
        }
        try {
            reconnect();
            logger_->info("{} reconnected to {} after {} tries", ids_.recovered, describe_,
                          attempt);
            if (params_.onFail == OnFail::StopRetryExit && server_) {
                server_->enableService(ServerAccess::kOriginDb);
            }
            lost_.store(false);
            LockGuard lock(mutex_);
            recovering_ = false;
            return;
        } catch (const std::exception& e) {
            logger_->warn("{} try {} of {}: {}", ids_.reconnectAttemptFailed, attempt,
                          params_.maxReconnectTries, e.what());
        }
    }
    {
        // Before the verdict: from here on an operation that gets through ends the loss.
        LockGuard lock(mutex_);
        recovering_ = false;
    }
    logger_->error("{} could not reconnect to {} after {} tries (on-fail {})", ids_.reconnectFailed,
                   describe_, params_.maxReconnectTries, toString(params_.onFail));
    if (server_) {
        if (params_.onFail == OnFail::ServeRetryContinue) {
            server_->enableService(ServerAccess::kOriginDb);
        } else {
            server_->requestShutdown(EXIT_FAILURE);
        }
    }
}

unsigned keaConnectionLimit(const ServerAccess* server) {
    auto config = server ? server->config() : nullptr;
    if (!config) {
        return 0;
    }
    const auto& mt = config->multiThreading;
    if (!mt.enabled) {
        return 1;
    }
    unsigned threads = mt.threadPoolSize ? mt.threadPoolSize : std::thread::hardware_concurrency();
    return std::max(threads, 1U);
}

void warnHostRecoveryKeys(const nlohmann::json& map, const std::string& path,
                          const std::shared_ptr<spdlog::logger>& logger, const char* id) {
    std::string keys;
    for (const char* key :
         {"on-fail", "max-reconnect-tries", "reconnect-wait-time", "retry-on-startup"}) {
        if (map.is_object() && map.contains(key)) {
            keys += (keys.empty() ? "" : ", ") + std::string(key);
        }
    }
    if (!keys.empty()) {
        logger->warn("{} {}: {} not applied to a hosts database: a lookup that finds the "
                     "database gone drops the query and the next lookup reconnects",
                     id, path, keys);
    }
}

} // namespace kahu::sql
