// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "db_recovery.h"
#include "pgsql_connection.h"
#include "pgsql_params.h"

#include <kahu/lease/lease_store.h>
#include <kahu/server_access.h>
#include <memory>
#include <spdlog/logger.h>
#include <vector>

namespace kahu::pgsql {

/// The lease store over PostgreSQL with Kea's lease4 schema 13.0, as Kea 2.2's kea-admin and
/// kahu-admin make it.
///
/// Threading: connections live in a sql::ConnectionPool; each operation borrows one for its
/// duration, so concurrent workers each have their own connection and prepared statements.
///
/// Outages: an operation that finds the connection gone throws kahu::StoreError and starts
/// Kea's on-fail recovery once (sql::DbRecovery, PGSQL_LEASE_DB_* messages).
class PgSqlLeaseStore : public LeaseStore {
public:
    /// Connects, checks the schema version, prepares the statements. Throws kahu::Error.
    /// With retry-on-startup and `mayWait`, an unreachable server is tried again
    /// max-reconnect-tries times, reconnect-wait-time ms apart, before giving up (the start-up
    /// waits for the database; a configuration check passes false and fails at once).
    /// `server` (LoadContext::server(); null for a check) is told when the database is lost
    /// and does not come back: its service is disabled, or it is asked to exit.
    PgSqlLeaseStore(PgSqlParams params, std::shared_ptr<spdlog::logger> logger,
                    bool mayWait = false, ServerAccess* server = nullptr);
    ~PgSqlLeaseStore() override;

    std::string type() const override { return "postgresql"; }
    std::string description() const override;

    bool add(const Lease4& lease) override;
    bool update(const Lease4& lease, int64_t storedExpire) override;
    bool remove(const Lease4& lease) override;

    std::optional<Lease4> get(Ipv4Address address) const override;
    std::vector<Lease4> getByHwAddr(const HwAddr& hw) const override;
    std::vector<Lease4> getByClientId(const ClientId& id) const override;
    std::vector<Lease4> getByHostname(std::string_view hostname) const override;
    std::vector<Lease4> getBySubnet(SubnetId id) const override;
    std::vector<Lease4> getAll() const override;
    std::vector<Lease4> getPage(Ipv4Address after, size_t limit) const override;
    std::vector<Lease4> getExpired(int64_t now, size_t max) const override;
    size_t flushReclaimed(int64_t before) override;
    size_t wipe(SubnetId id) override;
    /// Pages through the table (no connection is held while the visitor runs).
    void forEach(const std::function<void(const Lease4&)>& visit) const override;
    size_t size() const override;
    bool mayBlock() const noexcept override { return true; }
    bool available() const noexcept override { return recovery_.available(); }

    SchemaVersion schemaVersion() const noexcept { return version_; }

private:
    std::unique_ptr<PgSqlConnection> connect() const;
    template <class F> auto withConnection(F&& f) const { return pool_.with(f); }
    void checkWritable() const;

    PgSqlParams params_;
    std::shared_ptr<spdlog::logger> logger_;
    SchemaVersion version_;
    // The destructor stops the recovery before any of these goes: its thread reconnects with
    // params_ and fills pool_.
    sql::DbRecovery recovery_;
    sql::ConnectionPool<PgSqlConnection> pool_;
};

} // namespace kahu::pgsql
