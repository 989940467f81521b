// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "mysql_connection.h"
#include "mysql_params.h"

#include <kahu/host/host_store.h>
#include <kahu/server_access.h>
#include <memory>
#include <mutex>
#include <spdlog/logger.h>
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
class MySqlHostStore : public HostStore {
public:
    /// Connects once to check the server and the schema (the hosts table must exist).
    /// `server` gives the option definitions for options stored as text (null for a check:
    /// the standard ones). Throws kahu::Error.
    MySqlHostStore(MySqlParams params, std::shared_ptr<spdlog::logger> logger,
                   ServerAccess* server);

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
    static int identifierCode(IdentifierType t) noexcept;

private:
    /// The hosts matching `where` (an SQL condition on h.*), with their options, by host_id.
    std::vector<StoredHost> select(const std::string& where, const std::string& tail = "") const;
    /// Runs fn with a pooled connection; a lost connection is not returned to the pool.
    template <class F> auto withConnection(F&& fn) const;
    void writable() const;

    MySqlParams params_;
    std::shared_ptr<spdlog::logger> logger_;
    ServerAccess* server_;
    mutable std::mutex poolMutex_;
    mutable std::vector<std::unique_ptr<MySqlConnection>> pool_;
};

} // namespace kahu::mysql
