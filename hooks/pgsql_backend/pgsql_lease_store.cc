// SPDX-License-Identifier: MPL-2.0
#include "pgsql_lease_store.h"

#include <cstdlib>
#include <kahu/log.h>
#include <kahu/server_access.h>

namespace kahu::pgsql {

namespace {

constexpr sql::RecoveryMessages kMessages{"PGSQL_LEASE_DB_LOST",
                                          "PGSQL_LEASE_DB_RECONNECT_DISABLED",
                                          "PGSQL_LEASE_DB_RECONNECT_ATTEMPT_FAILED",
                                          "PGSQL_LEASE_DB_RECOVERED",
                                          "PGSQL_LEASE_DB_RECONNECT_FAILED",
                                          "PGSQL_LEASE_DB_STARTUP_RETRY"};

} // namespace

PgSqlLeaseStore::PgSqlLeaseStore(PgSqlParams params, std::shared_ptr<spdlog::logger> logger,
                                 bool mayWait, ServerAccess* server)
    : params_(std::move(params)), logger_(std::move(logger)),
      recovery_(params_.recovery(), params_.describe(), kMessages, logger_, server),
      pool_([this] { return connect(); }, recovery_,
            [server] { return sql::keaConnectionLimit(server); }) {
    std::unique_ptr<PgSqlConnection> first;
    try {
        first = sql::DbRecovery::connectAtStart<PgSqlConnection>(
            params_.recovery(), mayWait, kMessages, logger_,
            [this] { return std::make_unique<PgSqlConnection>(params_); });
        version_ = first->schemaVersion();
    } catch (const DbError& e) {
        if (e.sqlstate() == kUndefinedTable) {
            throw StoreError("database '" + params_.name +
                             "' has no lease schema (no schema_version table); create it with "
                             "'kahu-admin db-init pgsql'");
        }
        throw StoreError(e.what()); // a core type: see sql::ConnectionPool::with
    }
    if (!supported(version_)) {
        throw StoreError("PostgreSQL schema version mismatch: found version " + version_.str() +
                         ", supported version: " + kCurrentSchema.str() +
                         " (the schema of Kea 2.2 and kahu-admin db-init pgsql)");
    }
    try {
        first->prepare();
    } catch (const DbError& e) {
        throw StoreError(e.what());
    }
    pool_.put(std::move(first));
    KAHU_INFO(logger_, "PGSQL_LEASE_DB_OPENED", "{}: schema {}, on-fail {}", params_.describe(),
              version_.str(), toString(params_.onFail));
}

PgSqlLeaseStore::~PgSqlLeaseStore() {
    recovery_.stop(); // before the pool and the parameters the recovery thread uses go
}

std::string PgSqlLeaseStore::description() const {
    return "PostgreSQL backend " + version_.str() + " (" + params_.describe() + ")";
}

std::unique_ptr<PgSqlConnection> PgSqlLeaseStore::connect() const {
    auto c = std::make_unique<PgSqlConnection>(params_);
    c->prepare();
    return c;
}

void PgSqlLeaseStore::checkWritable() const {
    if (params_.readonly) {
        throw StoreError("the postgresql lease-database is configured readonly");
    }
}

bool PgSqlLeaseStore::add(const Lease4& lease) {
    checkWritable();
    return withConnection([&](PgSqlConnection& c) {
        Params p;
        PgSqlConnection::bindLease(p, lease);
        try {
            return c.execute(Stmt::Insert, p) == 1;
        } catch (const DbError& e) {
            if (e.sqlstate() == kUniqueViolation && (e.table().empty() || e.table() == "lease4")) {
                return false; // the address is taken
            }
            throw;
        }
    });
}

bool PgSqlLeaseStore::update(const Lease4& lease, int64_t storedExpire) {
    checkWritable();
    return withConnection([&](PgSqlConnection& c) {
        Params p;
        PgSqlConnection::bindLease(p, lease);
        p.i64(lease.address.value()).time(storedExpireInDb(storedExpire));
        return c.execute(Stmt::Update, p) == 1;
    });
}

bool PgSqlLeaseStore::remove(const Lease4& lease) {
    checkWritable();
    return withConnection([&](PgSqlConnection& c) {
        Params p;
        p.i64(lease.address.value()).time(dbExpire(lease.cltt, lease.validLifetime));
        return c.execute(Stmt::Delete, p) == 1;
    });
}

std::optional<Lease4> PgSqlLeaseStore::get(Ipv4Address address) const {
    auto rows = withConnection([&](PgSqlConnection& c) {
        Params p;
        p.i64(address.value());
        return c.query(Stmt::Get, p);
    });
    return rows.empty() ? std::nullopt : std::optional<Lease4>(std::move(rows.front()));
}

std::vector<Lease4> PgSqlLeaseStore::getByHwAddr(const HwAddr& hw) const {
    return withConnection([&](PgSqlConnection& c) {
        Params p;
        p.bytes(hw.bytes.data(), hw.bytes.size());
        return c.query(Stmt::GetByHwAddr, p);
    });
}

std::vector<Lease4> PgSqlLeaseStore::getByClientId(const ClientId& id) const {
    return withConnection([&](PgSqlConnection& c) {
        Params p;
        p.bytes(id.data(), id.size());
        return c.query(Stmt::GetByClientId, p);
    });
}

std::vector<Lease4> PgSqlLeaseStore::getByHostname(std::string_view hostname) const {
    return withConnection([&](PgSqlConnection& c) {
        Params p;
        p.text(std::string(hostname));
        return c.query(Stmt::GetByHostname, p);
    });
}

std::vector<Lease4> PgSqlLeaseStore::getBySubnet(SubnetId id) const {
    return withConnection([&](PgSqlConnection& c) {
        Params p;
        p.u32(id);
        return c.query(Stmt::GetBySubnet, p);
    });
}

std::vector<Lease4> PgSqlLeaseStore::getAll() const {
    std::vector<Lease4> all;
    forEach([&](const Lease4& l) { all.push_back(l); });
    return all;
}

std::vector<Lease4> PgSqlLeaseStore::getPage(Ipv4Address after, size_t limit) const {
    return withConnection([&](PgSqlConnection& c) {
        Params p;
        p.i64(after.value()).i64(int64_t(std::min<size_t>(limit, 0x7fffffffffffffffu)));
        return c.query(Stmt::GetPage, p);
    });
}

std::vector<Lease4> PgSqlLeaseStore::getExpired(int64_t now, size_t max) const {
    return withConnection([&](PgSqlConnection& c) {
        Params p;
        p.u32(uint32_t(LeaseState::ExpiredReclaimed))
            .time(now)
            .i64(max == 0 ? 0x7fffffffffffffff
                          : int64_t(std::min<size_t>(max, 0x7fffffffffffffffu)));
        return c.query(Stmt::GetExpired, p);
    });
}

size_t PgSqlLeaseStore::flushReclaimed(int64_t before) {
    checkWritable();
    return withConnection([&](PgSqlConnection& c) {
        Params p;
        p.u32(uint32_t(LeaseState::ExpiredReclaimed)).time(before);
        return size_t(c.execute(Stmt::FlushReclaimed, p));
    });
}

size_t PgSqlLeaseStore::wipe(SubnetId id) {
    checkWritable();
    return withConnection([&](PgSqlConnection& c) {
        Params p;
        if (id == 0) {
            return size_t(c.execute(Stmt::WipeAll, p));
        }
        p.u32(id);
        return size_t(c.execute(Stmt::WipeSubnet, p));
    });
}

void PgSqlLeaseStore::forEach(const std::function<void(const Lease4&)>& visit) const {
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

size_t PgSqlLeaseStore::size() const {
    return withConnection([](PgSqlConnection& c) { return size_t(c.count()); });
}

} // namespace kahu::pgsql
