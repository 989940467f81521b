// SPDX-License-Identifier: MPL-2.0
// The PostgreSQL server pgsql_store_test.sh starts, as the store test suites reach it (its
// KAHU_TEST_PGSQL_* variables; without KAHU_TEST_PGSQL_NAME the suites skip).
#pragma once

#include "pgsql_connection.h"
#include "pgsql_params.h"

#include <cstdlib>
#include <exception>
#include <kahu/log.h>
#include <memory>
#include <spdlog/logger.h>
#include <string>

namespace kahu::pgsql::testdb {

inline const char* env(const char* name, const char* def = "") {
    const char* v = std::getenv(name);
    return v && *v ? v : def;
}

/// The test database named by the variable `nameVar` (KAHU_TEST_PGSQL_EMPTY: an empty one).
inline PgSqlParams params(const char* nameVar = "KAHU_TEST_PGSQL_NAME") {
    PgSqlParams p;
    p.host = env("KAHU_TEST_PGSQL_HOST", "127.0.0.1");
    p.port = uint16_t(std::atoi(env("KAHU_TEST_PGSQL_PORT", "0")));
    p.name = env(nameVar);
    p.user = env("KAHU_TEST_PGSQL_USER", "kea");
    p.password = env("KAHU_TEST_PGSQL_PASSWORD", "motdepasse");
    return p;
}

inline std::shared_ptr<spdlog::logger> logger() {
    return log::get("kahu-dhcp4.pgsql-test");
}

/// One plain SQL query on a connection of its own: the first column of the first row as text
/// ("no row", "NULL", or "error: ..." when the query fails).
inline std::string sqlValue(const std::string& q) {
    try {
        PgSqlConnection c(params());
        auto rows = c.select(q);
        if (rows.empty() || rows[0].empty()) {
            return "no row";
        }
        return rows[0][0] ? *rows[0][0] : "NULL";
    } catch (const std::exception& e) {
        return std::string("error: ") + e.what();
    }
}

} // namespace kahu::pgsql::testdb
