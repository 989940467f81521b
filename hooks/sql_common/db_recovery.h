// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <kahu/error.h>
#include <kahu/mutex.h>
#include <kahu/server_access.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>
#include <string>
#include <thread>
#include <vector>

namespace kahu::sql {

/// What to do when the database connection is lost (Kea's "on-fail").
enum class OnFail {
    StopRetryExit,      ///< disable DHCP while reconnecting; exit when the tries run out
    ServeRetryExit,     ///< keep serving while reconnecting; exit when the tries run out
    ServeRetryContinue, ///< keep serving while reconnecting; keep running when they run out
};

const char* toString(OnFail f) noexcept;
/// "stop-retry-exit" etc.; anything else is StopRetryExit (the caller checked the value).
OnFail onFailFromString(const std::string& s) noexcept;

/// A database error; lost() when the connection is unusable and recovery must start.
class DbError : public StoreError {
public:
    DbError(const std::string& what, bool lost) : StoreError(what), lost_(lost) {}
    bool lost() const noexcept { return lost_; }

private:
    bool lost_;
};

/// Kea's recovery keys of a lease-database map.
struct RecoveryParams {
    uint32_t maxReconnectTries = 0; ///< 0 = no automatic recovery
    uint32_t reconnectWaitTime = 0; ///< milliseconds between tries
    OnFail onFail = OnFail::StopRetryExit;
    bool retryOnStartup = false;
};

/// The message IDs one store logs its recovery with (string literals, e.g. "MYSQL_LEASE_DB_LOST").
struct RecoveryMessages {
    const char* lost;
    const char* reconnectDisabled;
    const char* reconnectAttemptFailed;
    const char* recovered;
    const char* reconnectFailed;
    const char* startupRetry;
};

/// Kea's on-fail recovery for one database, shared by the SQL stores. When an operation finds
/// its connection gone the store calls lost(): per on-fail, DHCP service is disabled
/// (stop-retry-exit) while a background thread calls `reconnect` up to max-reconnect-tries
/// times, reconnect-wait-time ms apart; on success the service is enabled again, on failure
/// the server is asked to exit (the *-exit policies) or keeps serving (serve-retry-continue).
/// With max-reconnect-tries 0 the *-exit policies end the server at once.
class DbRecovery {
public:
    /// `describe`: the database for logs, without the password. `server`: null for a
    /// configuration check (nothing is disabled, nobody exits).
    DbRecovery(RecoveryParams params, std::string describe, RecoveryMessages ids,
               std::shared_ptr<spdlog::logger> logger, ServerAccess* server);
    ~DbRecovery();
    DbRecovery(const DbRecovery&) = delete;
    DbRecovery& operator=(const DbRecovery&) = delete;

    /// Starts recovery unless it is running. `reconnect` throws on failure; it is called on
    /// the recovery thread. `dropAll` runs first, on the caller's thread.
    void lost(const std::string& what, const std::function<void()>& dropAll,
              std::function<void()> reconnect) KAHU_EXCLUDES(mutex_);
    /// False from a loss until the connection is back.
    bool available() const noexcept { return !lost_.load(); }
    /// An operation succeeded on a connection it opened itself while no recovery runs (the
    /// tries ran out under serve-retry-continue, or max-reconnect-tries is 0): the database is
    /// back, so this ends the loss as a successful recovery would (logged with `recovered`).
    void operationSucceeded() KAHU_EXCLUDES(mutex_);
    /// Stops the recovery thread (also done by the destructor); call before what `reconnect`
    /// uses goes away.
    void stop() KAHU_EXCLUDES(mutex_);

    /// The first connection at start-up: with retry-on-startup and `mayWait` a failure that
    /// lost() the connection is tried again max-reconnect-tries times, reconnect-wait-time ms
    /// apart (logged with startupRetry); the last error propagates.
    template <class Conn, class Connect>
    static std::unique_ptr<Conn>
    connectAtStart(const RecoveryParams& p, bool mayWait, const RecoveryMessages& ids,
                   const std::shared_ptr<spdlog::logger>& logger, Connect&& connect) {
        for (uint32_t attempt = 1;; ++attempt) {
            try {
                return connect();
            } catch (const DbError& e) {
                if (!mayWait || !p.retryOnStartup || !e.lost() || attempt > p.maxReconnectTries) {
                    throw;
                }
                logger->warn("{} {}; retry-on-startup: try {} of {} in {} ms", ids.startupRetry,
                             e.what(), attempt, p.maxReconnectTries, p.reconnectWaitTime);
                std::this_thread::sleep_for(std::chrono::milliseconds(p.reconnectWaitTime));
            }
        }
    }

private:
    void run(const std::function<void()>& reconnect) KAHU_EXCLUDES(mutex_);

    const RecoveryParams params_;
    const std::string describe_;
    const RecoveryMessages ids_;
    std::shared_ptr<spdlog::logger> logger_;
    ServerAccess* server_;

    std::atomic<bool> lost_{false};
    Mutex mutex_;
    std::condition_variable cv_;
    bool recovering_ KAHU_GUARDED_BY(mutex_) = false;
    bool stopping_ KAHU_GUARDED_BY(mutex_) = false;
    std::thread thread_ KAHU_GUARDED_BY(mutex_);
};

/// A hosts-database map (`map`, at `path`) that sets Kea's outage keys (on-fail,
/// max-reconnect-tries, reconnect-wait-time, retry-on-startup): the host stores check them but
/// have no on-fail recovery (a lookup that finds the database gone drops the query, the next
/// reconnects), so this logs, as warning `id`, which keys are not applied. Nothing when none is
/// set.
void warnHostRecoveryKeys(const nlohmann::json& map, const std::string& path,
                          const std::shared_ptr<spdlog::logger>& logger, const char* id);

/// The concurrency Kea's database backends have by construction, one connection per DHCP
/// thread: the active configuration's thread-pool-size (0 = one per core), 1 with
/// multi-threading off. 0 (no limit) before a configuration is active (start-up reads) and
/// without a server (configuration checks).
unsigned keaConnectionLimit(const ServerAccess* server);

/// Connections to one database, borrowed one per operation (each worker gets its own
/// connection and prepared statements), with DbRecovery behind them (the lease stores) or
/// without (the host stores: a lost connection is dropped with the idle ones, and the next
/// operation opens a new one).
///
/// A pool may be given a limit: at most limit() connections are borrowed at once, and an
/// operation beyond it waits for one to come back (0 = no limit). The limit is asked on every
/// borrow, so it may follow the active configuration.
template <class Conn> class ConnectionPool {
public:
    using Connect = std::function<std::unique_ptr<Conn>()>;
    using Limit = std::function<unsigned()>;

    ConnectionPool(Connect connect, DbRecovery& recovery, Limit limit = {})
        : connect_(std::move(connect)), recovery_(&recovery), limit_(std::move(limit)) {}
    explicit ConnectionPool(Connect connect) : connect_(std::move(connect)) {}

    void put(std::unique_ptr<Conn> c) const KAHU_EXCLUDES(mutex_) {
        LockGuard lock(mutex_);
        idle_.push_back(std::move(c));
    }

    /// Runs f(connection) on a borrowed connection (a new one when none is idle). A DbError
    /// that lost the connection drops it, starts recovery and propagates as kahu::StoreError
    /// (a core type: its code stays mapped whatever happens to the store library before the
    /// exception is caught); other DbErrors as StoreError too, the connection going back.
    template <class F> auto with(F&& f) const KAHU_EXCLUDES(mutex_) {
        const unsigned limit = limit_ ? limit_() : 0; // asked outside the lock: it may take others
        // However the operation ends, its place is given back, with the connection unless the
        // connection was lost.
        struct Borrow {
            const ConnectionPool& pool;
            std::unique_ptr<Conn> conn;
            ~Borrow() {
                {
                    LockGuard lock(pool.mutex_);
                    if (conn) {
                        pool.idle_.push_back(std::move(conn));
                    }
                    --pool.borrowed_;
                }
                pool.free_.notify_one();
            }
        };
        std::unique_ptr<Conn> idle;
        {
            UniqueLock lock(mutex_);
            free_.wait(lock.native(),
                       [&]() KAHU_REQUIRES(mutex_) { return limit == 0 || borrowed_ < limit; });
            ++borrowed_;
            if (!idle_.empty()) {
                idle = std::move(idle_.back());
                idle_.pop_back();
            }
        }
        Borrow borrow{*this, std::move(idle)};
        // An exception other than a DbError is not the connection's fault (e.g. an expire past
        // 2038): the connection goes back.
        try {
            if (!borrow.conn) {
                borrow.conn = connect_();
            }
            auto result = f(*borrow.conn);
            if (recovery_ && !recovery_->available()) {
                recovery_->operationSucceeded();
            }
            return result;
        } catch (const DbError& e) {
            if (e.lost()) {
                borrow.conn.reset();
                auto dropIdle = [this] {
                    LockGuard lock(mutex_);
                    idle_.clear(); // they talked to the same server: treat them as gone too
                };
                if (recovery_) {
                    recovery_->lost(e.what(), dropIdle, [this] { put(connect_()); });
                } else {
                    dropIdle();
                }
            }
            throw StoreError(e.what());
        }
    }

    /// Connections borrowed right now (for tests and diagnostics).
    unsigned borrowed() const KAHU_EXCLUDES(mutex_) {
        LockGuard lock(mutex_);
        return borrowed_;
    }

private:
    Connect connect_;
    DbRecovery* recovery_ = nullptr; ///< null: no recovery (see the class comment)
    Limit limit_;
    mutable Mutex mutex_;
    mutable std::condition_variable free_;
    mutable std::vector<std::unique_ptr<Conn>> idle_ KAHU_GUARDED_BY(mutex_);
    mutable unsigned borrowed_ KAHU_GUARDED_BY(mutex_) = 0;
};

} // namespace kahu::sql
