// SPDX-License-Identifier: MPL-2.0
#include "mysql_lease_store.h"

#include <cstdlib>
#include <kahu/log.h>
#include <kahu/server_access.h>
#include <mysqld_error.h>

namespace kahu::mysql {

namespace {

constexpr sql::RecoveryMessages kMessages{"MYSQL_LEASE_DB_LOST",
                                          "MYSQL_LEASE_DB_RECONNECT_DISABLED",
                                          "MYSQL_LEASE_DB_RECONNECT_ATTEMPT_FAILED",
                                          "MYSQL_LEASE_DB_RECOVERED",
                                          "MYSQL_LEASE_DB_RECONNECT_FAILED",
                                          "MYSQL_LEASE_DB_STARTUP_RETRY"};

} // namespace

MySqlLeaseStore::MySqlLeaseStore(MySqlParams params, std::shared_ptr<spdlog::logger> logger,
                                 bool mayWait, ServerAccess* server)
    : params_(std::move(params)), logger_(std::move(logger)),
      recovery_(params_.recovery(), params_.describe(), kMessages, logger_, server),
      pool_([this] { return connect(); }, recovery_) {
    std::unique_ptr<MySqlConnection> first;
    try {
        first = sql::DbRecovery::connectAtStart<MySqlConnection>(
            params_.recovery(), mayWait, kMessages, logger_,
            [this] { return std::make_unique<MySqlConnection>(params_); });
        version_ = first->schemaVersion();
    } catch (const DbError& e) {
        if (e.code() == ER_NO_SUCH_TABLE) {
            throw StoreError("database '" + params_.name +
                             "' has no lease schema (no schema_version table); create it with "
                             "'kahu-admin db-init mysql'");
        }
        throw StoreError(e.what()); // a core type: see sql::ConnectionPool::with
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
    pool_.put(std::move(first));
    KAHU_INFO(logger_, "MYSQL_LEASE_DB_OPENED", "{}: schema {}, on-fail {}", params_.describe(),
              version_.str(), toString(params_.onFail));
}

MySqlLeaseStore::~MySqlLeaseStore() {
    recovery_.stop(); // before the pool and the parameters the recovery thread uses go
}

std::string MySqlLeaseStore::description() const {
    return "MySQL backend " + version_.str() + " (" + params_.describe() + ")";
}

std::unique_ptr<MySqlConnection> MySqlLeaseStore::connect() const {
    auto c = std::make_unique<MySqlConnection>(params_);
    c->prepare(layout_);
    return c;
}

void MySqlLeaseStore::checkWritable() const {
    if (params_.readonly) {
        throw StoreError("the mysql lease-database is configured readonly");
    }
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
