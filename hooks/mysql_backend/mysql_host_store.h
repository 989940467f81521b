// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "db_recovery.h"
#include "host_digest.h"
#include "mysql_connection.h"
#include "mysql_params.h"

#include <kahu/host/host_store.h>
#include <kahu/server_access.h>
#include <memory>
#include <spdlog/logger.h>
#include <string>
#include <vector>

namespace kahu::mysql {

/// Reservations in Kea's MySQL host tables ("hosts" with its "dhcp4_options"), as Kea 2.2's
/// kea-admin (schema 14.0) and Kea 2.6 (22.x) make them: a host Kea wrote is served by Kahu
/// and the other way round.
///
/// Queries are plain SQL built from integers and hexadecimal literals only (identifiers,
/// host names): nothing a client or an API caller sends is ever spliced in as text.
/// Threading: connections live in a small pool; each call borrows one. A lost connection is
/// dropped and the next call opens a new one; the call that found it lost throws
/// kahu::StoreError (the query is dropped, as Kea drops it).
///
/// The digest keeps the packet path's lookups off the database for clients that have no
/// reservation: the set of (subnet, identifier type, identifier) and (subnet, address) of every
/// host, read at start. get() and getByAddress() answer "none" from it without a query; a key
/// the digest holds is always read from the database, so what a host says is never stale. A
/// thread checks every digest-refresh-time ms whether the table changed (row count, highest
/// host_id, InnoDB's update time) and reads the keys again when it did; this server's own
/// add() enters its host at once. So a host another writer inserts is seen within one
/// refresh; with digest-refresh-time 0 there is no digest and every lookup asks the database.
class MySqlHostStore : public HostStore {
public:
    /// Connects once to check the server and the schema (the hosts table must exist).
    /// `server` gives the option definitions for options stored as text (null for a check:
    /// the standard ones). `digest`: keep the digest (a configuration check does not).
    /// Throws kahu::Error.
    MySqlHostStore(MySqlParams params, std::shared_ptr<spdlog::logger> logger, ServerAccess* server,
                   bool digest = false);

    std::string type() const override { return "mysql"; }
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

private:
    /// The hosts matching `where` (an SQL condition on h.*), with their options, by host_id.
    std::vector<StoredHost> select(const std::string& where, const std::string& tail = "") const;
    /// Runs fn with a pooled connection (sql::ConnectionPool): a lost connection is not
    /// returned to the pool, a DbError comes out as kahu::StoreError.
    template <class F> auto withConnection(F&& fn) const { return pool_.with(fn); }
    void writable() const;

    /// The change check: "count/max host_id/update time"; a table changed in the last second
    /// gets a unique suffix so that the next check reads it again (the update time counts
    /// whole seconds).
    std::string digestVersion(MySqlConnection& c) const;
    std::unique_ptr<sql::HostDigest::Keys> loadDigest(MySqlConnection& c) const;
    /// The digest's change check: fresh keys when the table changed since `known`, else null.
    std::unique_ptr<sql::HostDigest::Keys> changedKeys(const std::string& known) const;
    /// False when the digest rules the key out; true when it may be there (or no digest).
    bool mayHave(SubnetId subnet, IdentifierType type, const std::vector<uint8_t>& id) const;
    bool mayHave(SubnetId subnet, Ipv4Address address) const;
    void remember(SubnetId subnet, const Reservation& host);

    MySqlParams params_;
    std::shared_ptr<spdlog::logger> logger_;
    ServerAccess* server_;
    sql::ConnectionPool<MySqlConnection> pool_;

    /// Null: no digest (off, or a configuration check). Last: its refresh thread, which
    /// queries through the pool, is stopped before anything else goes.
    std::unique_ptr<sql::HostDigest> digest_;
};

} // namespace kahu::mysql
