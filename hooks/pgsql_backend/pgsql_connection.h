// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "pgsql_params.h"
#include "pgsql_values.h"

#include <array>
#include <deque>
#include <kahu/error.h>
#include <kahu/lease/lease4.h>
#include <libpq-fe.h>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace kahu::pgsql {

// RAII for every libpq handle.
struct ConnFinisher {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct ResultClearer {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using ConnHandle = std::unique_ptr<PGconn, ConnFinisher>;
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;

/// SQLSTATEs the store acts on.
inline constexpr std::string_view kUniqueViolation = "23505";      ///< INSERT: address taken
inline constexpr std::string_view kUndefinedTable = "42P01";       ///< no schema
inline constexpr std::string_view kSerializationFailure = "40001"; ///< run it again
inline constexpr std::string_view kDeadlockDetected = "40P01";     ///< run it again

/// A database error with its SQLSTATE (empty when libpq has none, e.g. the connection broke)
/// and the table it concerns (when the server names one). `lost()` is true when the
/// connection is gone (server down, network, backend terminated): the store then drops the
/// connection and starts recovery.
class DbError : public sql::DbError {
public:
    DbError(const std::string& what, std::string sqlstate, bool lost, std::string table = {})
        : sql::DbError(what, lost), sqlstate_(std::move(sqlstate)), table_(std::move(table)) {}
    const std::string& sqlstate() const noexcept { return sqlstate_; }
    const std::string& table() const noexcept { return table_; }

private:
    std::string sqlstate_;
    std::string table_;
};

/// True for the SQLSTATEs that mean the session is over: class 08 (connection exception) and
/// the server's shutdown and termination of the backend (57P01, 57P02, 57P03).
bool isConnectionLost(std::string_view sqlstate) noexcept;

/// Input parameters of one statement execution; owns the values. Numbers, booleans and times
/// go as text (the server converts them to the column's type); bytes go in binary format, so
/// they need no escaping.
class Params {
public:
    Params& u32(uint32_t v) { return add(std::to_string(v), false); }
    Params& i64(int64_t v) { return add(std::to_string(v), false); }
    Params& boolean(bool v) { return add(v ? "t" : "f", false); }
    /// Bytes, an empty bytea (not NULL) when size is 0, as Kea writes a missing hwaddr.
    Params& bytes(const void* data, size_t size) {
        return add(size ? std::string(static_cast<const char*>(data), size) : std::string(), true);
    }
    Params& text(std::string s) { return add(std::move(s), false); }
    /// An instant, whatever the session's time zone (timestampText).
    Params& time(int64_t unixSeconds) { return add(timestampText(unixSeconds), false); }
    /// SQL NULL.
    Params& null();

    int size() const noexcept { return int(values_.size()); }
    const char* const* values() const noexcept { return values_.data(); }
    const int* lengths() const noexcept { return lengths_.data(); }
    const int* formats() const noexcept { return formats_.data(); }

private:
    Params& add(std::string v, bool binary);
    std::deque<std::string> storage_; // a deque: its strings never move
    std::vector<const char*> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
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
class PgSqlConnection {
public:
    /// Connects (client_encoding UTF8, the server's time zone, TLS and timeouts from the
    /// parameters). Throws DbError.
    explicit PgSqlConnection(const PgSqlParams& params);

    /// Reads schema_version. Throws DbError (e.g. the table is missing: kUndefinedTable).
    SchemaVersion schemaVersion();
    /// Prepares every statement. Throws DbError.
    void prepare();

    /// Runs a statement that returns no rows (an autocommit statement: one that loses a
    /// serialization conflict or a deadlock, or a race on a statistics row, runs again, up to
    /// 5 times in all); the number of rows it matched.
    uint64_t execute(Stmt s, const Params& in);
    /// Runs a lease query.
    std::vector<Lease4> query(Stmt s, const Params& in);
    /// Runs SELECT COUNT(*).
    uint64_t count();
    /// Runs one plain statement; each row's columns as text (none = NULL). Throws DbError.
    using Row = std::vector<std::optional<std::string>>;
    std::vector<Row> select(const std::string& sql);
    /// Runs one statement with parameters ($1, $2, ...; types as the server infers them),
    /// prepared on this connection the first time it runs here; rows as select() gives them.
    /// `affected`: the rows an INSERT, UPDATE or DELETE matched. Not run again on a transient
    /// error (it may be part of a transaction). Throws DbError.
    std::vector<Row> select(const std::string& sql, const Params& in, uint64_t* affected = nullptr);

    /// Adds one lease's columns (Insert order, and Update's SET list).
    static void bindLease(Params& p, const Lease4& l);

private:
    /// Throws the DbError for a failed result (null: libpq could not make one).
    [[noreturn]] void fail(const std::string& what, const PGresult* r) const;
    ResultHandle run(Stmt s, const Params& in);

    ConnHandle conn_;
    std::unordered_map<std::string, std::string> prepared_; ///< select(sql, in): SQL -> name
};

} // namespace kahu::pgsql
