// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "db_recovery.h"
#include "host_digest.h"
#include "pgsql_connection.h"
#include "pgsql_params.h"

#include <kahu/host/host_store.h>
#include <kahu/server_access.h>
#include <memory>
#include <spdlog/logger.h>
#include <string>
#include <vector>

namespace kahu::pgsql {

/// Reservations in Kea's PostgreSQL host tables ("hosts" with its "dhcp4_options"), as Kea
/// 2.2's kea-admin (schema 13.0) and kahu-admin db-init pgsql make them: a host Kea wrote is
/// served by Kahu and the other way round.
///
/// Every value goes to the server as a statement parameter (libpq, prepared once per
/// connection); nothing a client or an API caller sends is spliced into SQL text.
/// Threading: connections live in a small pool; each call borrows one. A lost connection is
/// dropped and the next call opens a new one; the call that found it lost throws
/// kahu::StoreError (the query is dropped, as Kea drops it).
///
/// The digest keeps the packet path's lookups off the database for clients that have no
/// reservation: the set of (subnet, identifier type, identifier) and (subnet, address) of every
/// host, read at start. get() and getByAddress() answer "none" from it without a query; a key
/// the digest holds is always read from the database, so what a host says is never stale. A
/// thread checks every digest-refresh-time ms whether the hosts table changed and reads the
/// keys again when it did; this server's own add() enters its host at once. So a host another
/// writer inserts is seen within one refresh; with digest-refresh-time 0 there is no digest
/// and every lookup asks the database.
///
/// The change check is one statement: the row count, the highest host_id and the sum of the
/// rows' xmin (the id of the transaction that wrote each row version). PostgreSQL keeps no
/// per-table modification time (InnoDB's UPDATE_TIME, which the MySQL store reads, has no
/// counterpart), and its per-table statistics (pg_stat_user_tables) are flushed by the writing
/// session up to a second or more late, can be reset, and are not those of the primary on a
/// replica. xmin is exact and transactional: every committed INSERT or UPDATE leaves a row
/// version with the writer's new transaction id, every DELETE takes one away, so the sum moves
/// whenever a key may have changed (an in-place change of an identifier too, which neither the
/// count nor the highest host_id shows), and it is read from the same snapshot as the rows.
/// The price is one sequential scan of hosts per check, no trigger or schema change needed
/// (a kea-admin database works as it is).
class PgSqlHostStore : public HostStore {
public:
    /// Connects once to check the server and the schema (the host tables with the columns the
    /// store reads). `server` gives the option definitions for options stored as text (null
    /// for a check: the standard ones). `digest`: keep the digest (a configuration check does
    /// not). Throws kahu::Error.
    PgSqlHostStore(PgSqlParams params, std::shared_ptr<spdlog::logger> logger, ServerAccess* server,
                   bool digest = false);

    std::string type() const override { return "postgresql"; }
    std::string description() const override;
    bool readOnly() const noexcept override { return params_.readonly; }

    std::optional<StoredHost> get(SubnetId subnet, IdentifierType type,
                                  const std::vector<uint8_t>& identifier) const override;
    std::optional<StoredHost> getByAddress(SubnetId subnet, Ipv4Address address) const override;
    std::vector<StoredHost> getAll(SubnetId subnet) const override;
    std::vector<StoredHost> getPage(std::optional<SubnetId> subnet, uint64_t after,
                                    size_t limit) const override;
    std::vector<StoredHost> getByHostname(std::string_view hostname,
                                          std::optional<SubnetId> subnet) const override;
    std::vector<StoredHost> getById(IdentifierType type,
                                    const std::vector<uint8_t>& identifier) const override;
    std::vector<StoredHost> getAllByAddress(Ipv4Address address,
                                            std::optional<SubnetId> subnet) const override;

    void add(SubnetId subnet, const Reservation& host) override;
    bool remove(SubnetId subnet, Ipv4Address address) override;
    bool remove(SubnetId subnet, IdentifierType type,
                const std::vector<uint8_t>& identifier) override;

    /// Kea's host_identifier_type codes.
    static int identifierCode(IdentifierType t) noexcept { return sql::identifierCode(t); }
    /// The change check's answer: "count/highest host_id/sum of xmin".
    static std::string digestVersion(PgSqlConnection& c);

private:
    /// The hosts matching `where` (an SQL condition on h.* with parameters $1...), with their
    /// options, by host_id.
    std::vector<StoredHost> select(const std::string& where, const Params& in) const;
    /// Runs fn with a pooled connection; a lost connection is not returned to the pool. A
    /// DbError comes out as kahu::StoreError.
    template <class F> auto withConnection(F&& fn) const { return pool_.with(fn); }
    void writable() const;
    bool removeWhere(const std::string& where, const Params& in);

    std::unique_ptr<sql::HostDigest::Keys> loadDigest(PgSqlConnection& c) const;
    /// The digest's change check: fresh keys when the table changed since `known`, else null.
    std::unique_ptr<sql::HostDigest::Keys> changedKeys(const std::string& known) const;
    /// False when the digest rules the key out; true when it may be there (or no digest).
    bool mayHave(SubnetId subnet, IdentifierType type, const std::vector<uint8_t>& id) const;
    bool mayHave(SubnetId subnet, Ipv4Address address) const;
    void remember(SubnetId subnet, const Reservation& host);

    PgSqlParams params_;
    std::shared_ptr<spdlog::logger> logger_;
    ServerAccess* server_;
    sql::ConnectionPool<PgSqlConnection> pool_;

    /// Null: no digest (off, or a configuration check). Last: its refresh thread, which
    /// queries through the pool, is stopped before anything else goes.
    std::unique_ptr<sql::HostDigest> digest_;
};

} // namespace kahu::pgsql
