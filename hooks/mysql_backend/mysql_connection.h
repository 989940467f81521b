// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "mysql_params.h"
#include "mysql_values.h"

#include <array>
#include <deque>
#include <kahu/error.h>
#include <kahu/lease/lease4.h>
#include <memory>
#include <mysql.h>
#include <optional>
#include <string>
#include <vector>

namespace kahu::mysql {

// RAII for every libmariadb handle.
struct MysqlCloser {
    void operator()(MYSQL* m) const noexcept { mysql_close(m); }
};
struct StmtCloser {
    void operator()(MYSQL_STMT* s) const noexcept { mysql_stmt_close(s); }
};
struct ResultFreer {
    void operator()(MYSQL_RES* r) const noexcept { mysql_free_result(r); }
};
using MysqlHandle = std::unique_ptr<MYSQL, MysqlCloser>;
using StmtHandle = std::unique_ptr<MYSQL_STMT, StmtCloser>;
using ResultHandle = std::unique_ptr<MYSQL_RES, ResultFreer>;

/// A database error. `lost()` is true when the connection is gone (server down, network,
/// killed): the store then drops the connection and starts recovery.
class DbError : public sql::DbError {
public:
    DbError(const std::string& what, unsigned code, bool lost)
        : sql::DbError(what, lost), code_(code) {}
    unsigned code() const noexcept { return code_; }

private:
    unsigned code_;
};

/// True for the client and server error codes that mean the connection is unusable.
bool isConnectionLost(unsigned code) noexcept;

/// Input parameters of one statement execution; owns the bound values.
class Binds {
public:
    Binds& u32(uint32_t v);
    Binds& tiny(bool v);
    /// Bytes; NULL when empty and nullIfEmpty.
    Binds& bytes(const void* data, size_t size, bool nullIfEmpty = true);
    Binds& text(const std::string& s);
    Binds& optText(const std::optional<std::string>& s);
    Binds& time(int64_t unixSeconds); ///< as the host's local time
    MYSQL_BIND* data() noexcept { return binds_.data(); }
    size_t size() const noexcept { return binds_.size(); }

private:
    MYSQL_BIND& next();
    std::vector<MYSQL_BIND> binds_;
    std::deque<uint32_t> u32s_;
    std::deque<signed char> tinies_;
    std::deque<std::string> strings_;
    std::deque<MYSQL_TIME> times_;
};

/// The statements of the store, prepared once per connection.
enum class Stmt {
    Insert,
    Update,
    Delete,
    Get,
    GetByHwAddr,
    GetByClientId,
    GetByHostname,
    GetBySubnet,
    GetPage,
    GetExpired,
    FlushReclaimed,
    WipeSubnet,
    WipeAll,
    Count,
    kCount_
};

/// One connection to the database with its prepared statements. Not thread-safe: the store
/// hands each one to a single thread at a time.
class MySqlConnection {
public:
    /// Connects (TLS, timeouts, STRICT_ALL_TABLES and CLIENT_FOUND_ROWS as Kea sets them).
    /// Throws DbError.
    explicit MySqlConnection(const MySqlParams& params);

    /// Reads schema_version. Throws DbError (e.g. the table is missing).
    SchemaVersion schemaVersion();
    /// Prepares every statement for a lease4 layout. Throws DbError.
    void prepare(Lease4Layout layout);

    /// Runs a statement that returns no rows (an autocommit statement: one that loses a
    /// deadlock or a Galera certification conflict runs again, up to 5 times in all); the
    /// number of rows it matched.
    uint64_t execute(Stmt s, Binds& in);
    /// Runs a lease query.
    std::vector<Lease4> query(Stmt s, Binds& in);
    /// Runs SELECT COUNT(*).
    uint64_t count();
    /// Runs one plain statement (no result). Throws DbError.
    void run(const std::string& sql);
    /// Runs one plain SELECT; each row's columns as bytes (none = NULL). Throws DbError.
    using Row = std::vector<std::optional<std::string>>;
    std::vector<Row> select(const std::string& sql);
    /// The AUTO_INCREMENT value the last INSERT made.
    uint64_t lastInsertId();

    /// Binds one lease's columns (Insert order, and Update's SET list).
    void bindLease(Binds& b, const Lease4& l) const;

private:
    [[noreturn]] void fail(const std::string& what, MYSQL_STMT* stmt = nullptr) const;
    MYSQL_STMT* statement(Stmt s);

    MysqlHandle mysql_;
    Lease4Layout layout_ = Lease4Layout::Kea26;
    std::array<StmtHandle, size_t(Stmt::kCount_)> stmts_;
};

} // namespace kahu::mysql
