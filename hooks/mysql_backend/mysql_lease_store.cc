// SPDX-License-Identifier: MPL-2.0
#include "mysql_lease_store.h"

#include <cstdlib>
#include <kahu/log.h>
#include <kahu/server_access.h>
#include <mysqld_error.h>

namespace kahu::mysql {

MySqlLeaseStore::MySqlLeaseStore(MySqlParams params, std::shared_ptr<spdlog::logger> logger,
                                 bool mayWait, ServerAccess* server)
    : params_(std::move(params)), logger_(std::move(logger)), server_(server) {
    std::unique_ptr<MySqlConnection> first;
    try {
        for (uint32_t attempt = 1;; ++attempt) {
            try {
                first = std::make_unique<MySqlConnection>(params_);
                break;
            } catch (const DbError& e) {
                if (!mayWait || !params_.retryOnStartup || !e.lost() ||
                    attempt > params_.maxReconnectTries) {
                    throw;
                }
                KAHU_WARN(logger_, "MYSQL_LEASE_DB_STARTUP_RETRY",
                          "{}; retry-on-startup: try {} of {} in {} ms", e.what(), attempt,
                          params_.maxReconnectTries, params_.reconnectWaitTime);
                std::this_thread::sleep_for(std::chrono::milliseconds(params_.reconnectWaitTime));
            }
        }
        version_ = first->schemaVersion();
    } catch (const DbError& e) {
        if (e.code() == ER_NO_SUCH_TABLE) {
            throw StoreError("database '" + params_.name +
                             "' has no lease schema (no schema_version table); create it with "
                             "'kahu-admin db-init mysql'");
        }
        throw StoreError(e.what()); // a core type: see withConnection
    }
    auto layout = layoutFor(version_);
    if (!layout) {
        throw StoreError("MySQL schema version mismatch: found version " + version_.str() +
                         ", supported versions: " + supportedVersions() +
                         " (kahu-admin db-upgrade mysql brings 14.0 to " + kCurrentSchema.str() +
                         ")");
    }
    layout_ = *layout;
    try {
        first->prepare(layout_);
    } catch (const DbError& e) {
        throw StoreError(e.what());
    }
    idle_.push_back(std::move(first));
    KAHU_INFO(logger_, "MYSQL_LEASE_DB_OPENED", "{}: schema {}, on-fail {}", params_.describe(),
              version_.str(), toString(params_.onFail));
}

MySqlLeaseStore::~MySqlLeaseStore() {
    {
        LockGuard lock(recoveryMutex_);
        stopping_ = true;
    }
    recoveryCv_.notify_all();
    if (recoveryThread_.joinable()) {
        recoveryThread_.join();
    }
}

std::string MySqlLeaseStore::description() const {
    return "MySQL backend " + version_.str() + " (" + params_.describe() + ")";
}

std::unique_ptr<MySqlConnection> MySqlLeaseStore::connect() const {
    auto c = std::make_unique<MySqlConnection>(params_);
    c->prepare(layout_);
    return c;
}

template <class F> auto MySqlLeaseStore::withConnection(F&& f) const {
    std::unique_ptr<MySqlConnection> c;
    {
        LockGuard lock(poolMutex_);
        if (!idle_.empty()) {
            c = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    auto giveBack = [&] {
        LockGuard lock(poolMutex_);
        idle_.push_back(std::move(c));
    };
    try {
        if (!c) {
            c = connect();
        }
        auto result = f(*c);
        giveBack();
        return result;
    } catch (const DbError& e) {
        if (e.lost()) {
            c.reset();
            connectionLost(e);
        } else if (c) {
            giveBack();
        }
        // Only core exception types leave the library: their code stays mapped whatever
        // happens to this library before the exception is caught.
        throw StoreError(e.what());
    } catch (...) {
        if (c) {
            giveBack(); // not the connection's fault (e.g. an expire past 2038)
        }
        throw;
    }
}

void MySqlLeaseStore::checkWritable() const {
    if (params_.readonly) {
        throw StoreError("the mysql lease-database is configured readonly");
    }
}

void MySqlLeaseStore::connectionLost(const DbError& e) const {
    UniqueLock lock(recoveryMutex_);
    if (recovering_ || stopping_) {
        return;
    }
    if (recoveryThread_.joinable()) {
        recoveryThread_.join(); // the previous recovery has finished (recovering_ is false)
    }
    {
        LockGuard pool(poolMutex_);
        idle_.clear(); // they talked to the same server: treat them as gone too
    }
    KAHU_ERROR(logger_, "MYSQL_LEASE_DB_LOST", "lost the connection to {}: {}", params_.describe(),
               e.what());
    ServerAccess* server = server_;
    bool exits = params_.onFail != OnFail::ServeRetryContinue;
    if (params_.maxReconnectTries == 0) {
        KAHU_ERROR(logger_, "MYSQL_LEASE_DB_RECONNECT_DISABLED",
                   "max-reconnect-tries is 0: no recovery (on-fail {})", toString(params_.onFail));
        lost_.store(true);
        if (exits && server) {
            server->disableService(ServerAccess::kOriginDb);
            server->requestShutdown(EXIT_FAILURE);
        }
        return;
    }
    if (params_.onFail == OnFail::StopRetryExit && server) {
        server->disableService(ServerAccess::kOriginDb);
    }
    recovering_ = true;
    lost_.store(true);
    recoveryThread_ = std::thread([this] { recover(); });
}

void MySqlLeaseStore::recover() const {
    ServerAccess* server = server_;
    for (uint32_t attempt = 1; attempt <= params_.maxReconnectTries; ++attempt) {
        {
            UniqueLock lock(recoveryMutex_);
            recoveryCv_.wait_for(lock.native(),
                                 std::chrono::milliseconds(params_.reconnectWaitTime),
                                 [this]() KAHU_REQUIRES(recoveryMutex_) { return stopping_; });
            if (stopping_) {
                recovering_ = false;
                return;
            }
        }
        try {
            auto c = connect();
            {
                LockGuard pool(poolMutex_);
                idle_.push_back(std::move(c));
            }
            KAHU_INFO(logger_, "MYSQL_LEASE_DB_RECOVERED", "reconnected to {} after {} tries",
                      params_.describe(), attempt);
            if (params_.onFail == OnFail::StopRetryExit && server) {
                server->enableService(ServerAccess::kOriginDb);
            }
            lost_.store(false);
            LockGuard lock(recoveryMutex_);
            recovering_ = false;
            return;
        } catch (const std::exception& e) {
            KAHU_WARN(logger_, "MYSQL_LEASE_DB_RECONNECT_ATTEMPT_FAILED", "try {} of {}: {}",
                      attempt, params_.maxReconnectTries, e.what());
        }
    }
    KAHU_ERROR(logger_, "MYSQL_LEASE_DB_RECONNECT_FAILED",
               "could not reconnect to {} after {} tries (on-fail {})", params_.describe(),
               params_.maxReconnectTries, toString(params_.onFail));
    if (server) {
        if (params_.onFail == OnFail::ServeRetryContinue) {
            server->enableService(ServerAccess::kOriginDb);
        } else {
            server->requestShutdown(EXIT_FAILURE);
        }
    }
    LockGuard lock(recoveryMutex_);
    recovering_ = false;
}

bool MySqlLeaseStore::add(const Lease4& lease) {
    checkWritable();
    return withConnection([&](MySqlConnection& c) {
        Binds b;
        c.bindLease(b, lease);
        try {
            return c.execute(Stmt::Insert, b) == 1;
        } catch (const DbError& e) {
            if (e.code() == ER_DUP_ENTRY) {
                return false; // the address is taken
            }
            throw;
        }
    });
}

namespace {

// The caller's expected expire is cltt + valid lifetime; for an infinite lease the row holds cltt
// (dbExpire). No finite lease can be stored past kMaxDbTime, so a larger value is an infinite one.
int64_t storedExpireInDb(int64_t storedExpire) noexcept {
    return storedExpire > kMaxDbTime ? storedExpire - int64_t(Lease4::kInfinite) : storedExpire;
}

} // namespace

bool MySqlLeaseStore::update(const Lease4& lease, int64_t storedExpire) {
    checkWritable();
    return withConnection([&](MySqlConnection& c) {
        Binds b;
        c.bindLease(b, lease);
        b.u32(lease.address.value()).time(storedExpireInDb(storedExpire));
        return c.execute(Stmt::Update, b) == 1;
    });
}

bool MySqlLeaseStore::remove(const Lease4& lease) {
    checkWritable();
    return withConnection([&](MySqlConnection& c) {
        Binds b;
        b.u32(lease.address.value()).time(dbExpire(lease.cltt, lease.validLifetime));
        return c.execute(Stmt::Delete, b) == 1;
    });
}

std::optional<Lease4> MySqlLeaseStore::get(Ipv4Address address) const {
    auto rows = withConnection([&](MySqlConnection& c) {
        Binds b;
        b.u32(address.value());
        return c.query(Stmt::Get, b);
    });
    return rows.empty() ? std::nullopt : std::optional<Lease4>(std::move(rows.front()));
}

std::vector<Lease4> MySqlLeaseStore::getByHwAddr(const HwAddr& hw) const {
    return withConnection([&](MySqlConnection& c) {
        Binds b;
        b.bytes(hw.bytes.data(), hw.bytes.size(), false);
        return c.query(Stmt::GetByHwAddr, b);
    });
}

std::vector<Lease4> MySqlLeaseStore::getByClientId(const ClientId& id) const {
    return withConnection([&](MySqlConnection& c) {
        Binds b;
        b.bytes(id.data(), id.size(), false);
        return c.query(Stmt::GetByClientId, b);
    });
}

std::vector<Lease4> MySqlLeaseStore::getByHostname(std::string_view hostname) const {
    return withConnection([&](MySqlConnection& c) {
        Binds b;
        b.text(std::string(hostname));
        return c.query(Stmt::GetByHostname, b);
    });
}

std::vector<Lease4> MySqlLeaseStore::getBySubnet(SubnetId id) const {
    return withConnection([&](MySqlConnection& c) {
        Binds b;
        b.u32(id);
        return c.query(Stmt::GetBySubnet, b);
    });
}

std::vector<Lease4> MySqlLeaseStore::getAll() const {
    std::vector<Lease4> all;
    forEach([&](const Lease4& l) { all.push_back(l); });
    return all;
}

std::vector<Lease4> MySqlLeaseStore::getPage(Ipv4Address after, size_t limit) const {
    return withConnection([&](MySqlConnection& c) {
        Binds b;
        b.u32(after.value()).u32(uint32_t(std::min<size_t>(limit, 0xffffffffu)));
        return c.query(Stmt::GetPage, b);
    });
}

std::vector<Lease4> MySqlLeaseStore::getExpired(int64_t now, size_t max) const {
    return withConnection([&](MySqlConnection& c) {
        Binds b;
        b.u32(uint32_t(LeaseState::ExpiredReclaimed))
            .time(now)
            .u32(max == 0 ? 0xffffffffu : uint32_t(std::min<size_t>(max, 0xffffffffu)));
        return c.query(Stmt::GetExpired, b);
    });
}

size_t MySqlLeaseStore::flushReclaimed(int64_t before) {
    checkWritable();
    return withConnection([&](MySqlConnection& c) {
        Binds b;
        b.u32(uint32_t(LeaseState::ExpiredReclaimed)).time(before);
        return size_t(c.execute(Stmt::FlushReclaimed, b));
    });
}

size_t MySqlLeaseStore::wipe(SubnetId id) {
    checkWritable();
    return withConnection([&](MySqlConnection& c) {
        Binds b;
        if (id == 0) {
            return size_t(c.execute(Stmt::WipeAll, b));
        }
        b.u32(id);
        return size_t(c.execute(Stmt::WipeSubnet, b));
    });
}

void MySqlLeaseStore::forEach(const std::function<void(const Lease4&)>& visit) const {
    constexpr size_t kPage = 1000;
    Ipv4Address after(0);
    for (;;) {
        // Address 0.0.0.0 is never a lease, so "address > 0" on the first page misses nothing.
        auto page = getPage(after, kPage);
        for (const auto& l : page) {
            visit(l);
        }
        if (page.size() < kPage) {
            return;
        }
        after = page.back().address;
    }
}

size_t MySqlLeaseStore::size() const {
    return withConnection([](MySqlConnection& c) { return size_t(c.count()); });
}

} // namespace kahu::mysql
