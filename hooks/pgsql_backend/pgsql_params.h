// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "db_recovery.h"

#include <cstdint>
#include <kahu/hooks/param_reader.h>
#include <nlohmann/json.hpp>
#include <string>

namespace kahu::pgsql {

using sql::OnFail;
using sql::toString;

/// The "lease-database" map of a postgresql store, with Kea's names and defaults.
struct PgSqlParams {
    std::string host = "localhost";
    uint16_t port = 0; ///< 0 = the client default (5432)
    std::string name;
    std::string user;
    std::string password;           ///< never logged: use describe()
    uint32_t connectTimeout = 5;    ///< seconds, >= 1
    uint32_t tcpUserTimeout = 0;    ///< seconds, 0 = off (the system's default)
    uint32_t maxReconnectTries = 0; ///< 0 = no automatic recovery
    uint32_t reconnectWaitTime = 0; ///< milliseconds between tries
    OnFail onFail = OnFail::StopRetryExit;
    bool retryOnStartup = false;
    bool readonly = false;
    std::string trustAnchor; ///< CA file: the server's certificate is verified against it
    std::string certFile;
    std::string keyFile;
    /// hosts-database only (a Kahu key): how often, in milliseconds, the host store checks
    /// whether the hosts table changed and reloads its digest of the hosts there; 0 = no
    /// digest, every lookup asks the database (Kea's way).
    uint32_t digestRefreshTime = 1000;

    /// Reads the lease-database map (every key Kea accepts there; others are refused).
    /// Throws kahu::ConfigError in the core parser's form on an unknown key, a wrong type or a
    /// value out of range, and when "name" is missing:
    /// "kahu.conf:7:17: Dhcp4.lease-database.port: value 70000 out of range 0..65535".
    /// `hosts`: a hosts-database map, which also takes "digest-refresh-time".
    static PgSqlParams read(hooks::ParamReader& map, bool hosts = false);
    /// The same without positions (tests): messages start with "lease-database" (or
    /// "hosts-database" with `hosts`).
    static PgSqlParams fromJson(const nlohmann::json& map, bool hosts = false);
    /// "postgresql://user@host:port/name" for logs (no password).
    std::string describe() const;
    bool tls() const noexcept { return !trustAnchor.empty() || !certFile.empty(); }
    sql::RecoveryParams recovery() const noexcept {
        return {maxReconnectTries, reconnectWaitTime, onFail, retryOnStartup};
    }
};

} // namespace kahu::pgsql
