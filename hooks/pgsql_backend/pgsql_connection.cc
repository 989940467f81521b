// SPDX-License-Identifier: MPL-2.0
#include "pgsql_connection.h"

#include <cstdlib>

namespace kahu::pgsql {

namespace {

// Kea's column list and order; expire comes back as Unix seconds, whatever the session's zone.
constexpr const char* kSelect =
    "SELECT address, hwaddr, client_id, valid_lifetime, extract(epoch from expire)::bigint, "
    "subnet_id, fqdn_fwd, fqdn_rev, hostname, state, user_context FROM lease4 ";

std::string sqlFor(Stmt s) {
    const std::string select = kSelect;
    switch (s) {
    case Stmt::Insert:
        return "INSERT INTO lease4(address, hwaddr, client_id, valid_lifetime, expire, "
               "subnet_id, fqdn_fwd, fqdn_rev, hostname, state, user_context) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    case Stmt::Update:
        // The old expire is Kea's optimistic lock: another server's change makes it miss.
        return "UPDATE lease4 SET address = $1, hwaddr = $2, client_id = $3, "
               "valid_lifetime = $4, expire = $5, subnet_id = $6, fqdn_fwd = $7, "
               "fqdn_rev = $8, hostname = $9, state = $10, user_context = $11 "
               "WHERE address = $12 AND expire = $13";
    case Stmt::Delete:
        return "DELETE FROM lease4 WHERE address = $1 AND expire = $2";
    case Stmt::Get:
        return select + "WHERE address = $1";
    case Stmt::GetByHwAddr:
        return select + "WHERE hwaddr = $1 ORDER BY address";
    case Stmt::GetByClientId:
        return select + "WHERE client_id = $1 ORDER BY address";
    case Stmt::GetByHostname:
        // As Kea: the caller passes the name in lower case; lease4_by_hostname indexes lower().
        return select + "WHERE lower(hostname) = $1 ORDER BY address";
    case Stmt::GetBySubnet:
        return select + "WHERE subnet_id = $1 ORDER BY address";
    case Stmt::GetPage:
        return select + "WHERE address > $1 ORDER BY address LIMIT $2";
    case Stmt::GetExpired:
        return select + "WHERE state != $1 AND valid_lifetime != 4294967295 AND expire < $2 "
                        "ORDER BY expire LIMIT $3";
    case Stmt::FlushReclaimed:
        return "DELETE FROM lease4 WHERE state = $1 AND expire < $2";
    case Stmt::WipeSubnet:
        return "DELETE FROM lease4 WHERE subnet_id = $1";
    case Stmt::WipeAll:
        return "DELETE FROM lease4";
    case Stmt::Count:
        return "SELECT COUNT(*) FROM lease4";
    case Stmt::kCount_:
        break;
    }
    return {};
}

// Prepared statement names: one namespace per connection, so a fixed name per statement.
std::string nameFor(Stmt s) {
    return "kahu_lease4_" + std::to_string(int(s));
}

// libpq's messages on one line: their line breaks and indentation become single spaces.
std::string trimmed(const char* text) {
    std::string s;
    for (const char* p = text ? text : ""; *p; ++p) {
        const bool blank = *p == '\n' || *p == '\t' || *p == ' ';
        if (!blank) {
            s += *p;
        } else if (!s.empty() && s.back() != ' ') {
            s += ' ';
        }
    }
    while (!s.empty() && s.back() == ' ') {
        s.pop_back();
    }
    return s;
}

std::string fieldOf(const PGresult* r, int field) {
    const char* s = r ? PQresultErrorField(r, field) : nullptr;
    return s ? s : "";
}

// Worth running again: the statement lost a serialization conflict or a deadlock, or a
// trigger's statistics row (lease4_stat...) that two sessions both found missing and both
// inserted (Kea 2.2's triggers update, then insert when no row matched): the row exists now.
// A unique violation on lease4 itself is the address taken, final.
bool transient(const PGresult* r) {
    const std::string state = fieldOf(r, PG_DIAG_SQLSTATE);
    if (state == kSerializationFailure || state == kDeadlockDetected) {
        return true;
    }
    const std::string table = fieldOf(r, PG_DIAG_TABLE_NAME);
    return state == kUniqueViolation && !table.empty() && table != "lease4";
}

// Binary result values: integers big-endian, of the column's width; booleans one byte.
int64_t intAt(const PGresult* r, int row, int col) {
    const auto* p = reinterpret_cast<const unsigned char*>(PQgetvalue(r, row, col));
    const int len = PQgetlength(r, row, col);
    if (len <= 0) {
        return 0;
    }
    uint64_t u = (p[0] & 0x80) ? ~uint64_t(0) : 0;
    for (int i = 0; i < len && i < 8; ++i) {
        u = (u << 8) | p[i];
    }
    return int64_t(u);
}

bool boolAt(const PGresult* r, int row, int col) {
    return PQgetlength(r, row, col) > 0 && PQgetvalue(r, row, col)[0] != 0;
}

std::string_view bytesAt(const PGresult* r, int row, int col) {
    return {PQgetvalue(r, row, col), size_t(PQgetlength(r, row, col))};
}

Lease4 leaseAt(const PGresult* r, int row) {
    auto null = [&](int col) { return PQgetisnull(r, row, col) != 0; };
    Lease4 l;
    l.address = Ipv4Address(uint32_t(intAt(r, row, 0)));
    if (!null(1)) {
        auto b = bytesAt(r, row, 1);
        const auto* p = reinterpret_cast<const uint8_t*>(b.data());
        l.hwAddr.bytes.assign(p, p + b.size());
    }
    if (!null(2)) {
        auto b = bytesAt(r, row, 2);
        const auto* p = reinterpret_cast<const uint8_t*>(b.data());
        l.clientId.assign(p, p + b.size());
    }
    l.validLifetime = null(3) ? 0 : uint32_t(intAt(r, row, 3));
    l.cltt = null(4) ? 0 : clttFromDb(intAt(r, row, 4), l.validLifetime);
    l.subnetId = null(5) ? 0 : SubnetId(intAt(r, row, 5));
    l.fqdnFwd = !null(6) && boolAt(r, row, 6);
    l.fqdnRev = !null(7) && boolAt(r, row, 7);
    if (!null(8)) {
        l.hostname = std::string(bytesAt(r, row, 8));
    }
    l.state = null(9) ? LeaseState::Default : LeaseState(uint32_t(intAt(r, row, 9)));
    if (!null(10)) {
        l.userContext = userContextFromDb(bytesAt(r, row, 10));
    }
    return l;
}

} // namespace

bool isConnectionLost(std::string_view sqlstate) noexcept {
    return sqlstate.substr(0, 2) == "08" || sqlstate == "57P01" || sqlstate == "57P02" ||
           sqlstate == "57P03";
}

Params& Params::add(std::string v, bool binary) {
    storage_.push_back(std::move(v));
    values_.push_back(storage_.back().data());
    lengths_.push_back(int(storage_.back().size()));
    formats_.push_back(binary ? 1 : 0);
    return *this;
}

Params& Params::null() {
    values_.push_back(nullptr);
    lengths_.push_back(0);
    formats_.push_back(0);
    return *this;
}

PgSqlConnection::PgSqlConnection(const PgSqlParams& p) {
    // Keyword/value pairs: no value is ever parsed as part of a connection string, so a
    // password or a name may hold any character.
    std::deque<std::string> values;
    std::vector<const char*> keys, vals;
    auto set = [&](const char* key, std::string value) {
        values.push_back(std::move(value));
        keys.push_back(key);
        vals.push_back(values.back().c_str());
    };
    set("host", p.host);
    if (p.port) {
        set("port", std::to_string(p.port));
    }
    set("dbname", p.name);
    if (!p.user.empty()) {
        set("user", p.user);
    }
    if (!p.password.empty()) {
        set("password", p.password);
    }
    set("connect_timeout", std::to_string(p.connectTimeout));
    if (p.tcpUserTimeout) {
        set("tcp_user_timeout", std::to_string(uint64_t(p.tcpUserTimeout) * 1000)); // ms
    }
    set("client_encoding", "UTF8");
    set("fallback_application_name", "kahu");
    if (p.tls()) {
        // With a trust anchor the server's certificate must chain to it; without one the
        // connection is encrypted (and may present the client's certificate) but unverified.
        set("sslmode", p.trustAnchor.empty() ? "require" : "verify-ca");
        if (!p.trustAnchor.empty()) {
            set("sslrootcert", p.trustAnchor);
        }
        if (!p.certFile.empty()) {
            set("sslcert", p.certFile);
            set("sslkey", p.keyFile);
        }
    }
    keys.push_back(nullptr);
    vals.push_back(nullptr);
    conn_.reset(PQconnectdbParams(keys.data(), vals.data(), 0));
    if (!conn_) {
        throw DbError("cannot connect to " + p.describe() + ": out of memory", "", false);
    }
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
        // Whatever the cause (server down, refused, authentication), the start-up may wait
        // for it to go away (retry-on-startup), as Kea does.
        throw DbError("cannot connect to " + p.describe() + ": " +
                          trimmed(PQerrorMessage(conn_.get())),
                      "", true);
    }
    // Notices (there should be none) would go to the server's stderr.
    PQsetNoticeProcessor(
        conn_.get(), [](void*, const char*) {}, nullptr);
}

void PgSqlConnection::fail(const std::string& what, const PGresult* r) const {
    std::string state = fieldOf(r, PG_DIAG_SQLSTATE);
    const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string text = primary ? trimmed(primary) : trimmed(PQerrorMessage(conn_.get()));
    bool lost = PQstatus(conn_.get()) != CONNECTION_OK || isConnectionLost(state);
    throw DbError(what + ": " + text + (state.empty() ? "" : " (SQLSTATE " + state + ")"), state,
                  lost, fieldOf(r, PG_DIAG_TABLE_NAME));
}

SchemaVersion PgSqlConnection::schemaVersion() {
    auto rows = select("SELECT version, minor FROM schema_version");
    if (rows.empty() || !rows[0].at(0)) {
        throw DbError("cannot read the schema version: schema_version is empty", "", false);
    }
    const auto& minor = rows[0].at(1);
    return SchemaVersion{std::atoi(rows[0][0]->c_str()), minor ? std::atoi(minor->c_str()) : 0};
}

void PgSqlConnection::prepare() {
    for (int i = 0; i < int(Stmt::kCount_); ++i) {
        const std::string sql = sqlFor(Stmt(i));
        ResultHandle r(PQprepare(conn_.get(), nameFor(Stmt(i)).c_str(), sql.c_str(), 0, nullptr));
        if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
            fail("cannot prepare '" + sql + "'", r.get());
        }
    }
}

ResultHandle PgSqlConnection::run(Stmt s, const Params& in) {
    // Every statement run here is a single autocommit statement of the lease store, so one that
    // failed for a transient reason was rolled back whole and may simply run again: against the
    // other write's result, it then matches no row or finds the key taken, which the caller
    // reads as "someone else has it".
    constexpr int kTries = 5;
    const std::string name = nameFor(s);
    for (int attempt = 1;; ++attempt) {
        ResultHandle r(PQexecPrepared(conn_.get(), name.c_str(), in.size(), in.values(),
                                      in.lengths(), in.formats(), 1));
        const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            return r;
        }
        if (!transient(r.get()) || attempt == kTries) {
            fail("statement failed", r.get());
        }
    }
}

uint64_t PgSqlConnection::execute(Stmt s, const Params& in) {
    ResultHandle r = run(s, in);
    const char* n = PQcmdTuples(r.get());
    return n && *n ? std::strtoull(n, nullptr, 10) : 0;
}

std::vector<Lease4> PgSqlConnection::query(Stmt s, const Params& in) {
    ResultHandle r = run(s, in);
    const int n = PQntuples(r.get());
    std::vector<Lease4> out;
    out.reserve(size_t(n));
    for (int row = 0; row < n; ++row) {
        out.push_back(leaseAt(r.get(), row));
    }
    return out;
}

uint64_t PgSqlConnection::count() {
    ResultHandle r = run(Stmt::Count, Params{});
    return PQntuples(r.get()) > 0 ? uint64_t(intAt(r.get(), 0, 0)) : 0;
}

namespace {

std::vector<PgSqlConnection::Row> rowsOf(const PGresult* r) {
    const int rows = PQntuples(r), cols = PQnfields(r);
    std::vector<PgSqlConnection::Row> out;
    for (int i = 0; i < rows; ++i) {
        PgSqlConnection::Row row(static_cast<size_t>(cols));
        for (int c = 0; c < cols; ++c) {
            if (!PQgetisnull(r, i, c)) {
                row[size_t(c)] = std::string(PQgetvalue(r, i, c), size_t(PQgetlength(r, i, c)));
            }
        }
        out.push_back(std::move(row));
    }
    return out;
}

} // namespace

std::vector<PgSqlConnection::Row> PgSqlConnection::select(const std::string& sql) {
    ResultHandle r(PQexec(conn_.get(), sql.c_str()));
    const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fail("query failed", r.get());
    }
    return rowsOf(r.get());
}

std::vector<PgSqlConnection::Row> PgSqlConnection::select(const std::string& sql, const Params& in,
                                                          uint64_t* affected) {
    auto known = prepared_.find(sql);
    if (known == prepared_.end()) {
        // Named after the order of preparation: the lease statements use kahu_lease4_<n>.
        std::string name = "kahu_q_" + std::to_string(prepared_.size());
        ResultHandle r(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr));
        if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
            fail("cannot prepare '" + sql + "'", r.get());
        }
        known = prepared_.emplace(sql, std::move(name)).first;
    }
    ResultHandle r(PQexecPrepared(conn_.get(), known->second.c_str(), in.size(), in.values(),
                                  in.lengths(), in.formats(), 0));
    const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fail("statement failed", r.get());
    }
    if (affected) {
        const char* n = PQcmdTuples(r.get());
        *affected = n && *n ? std::strtoull(n, nullptr, 10) : 0;
    }
    return rowsOf(r.get());
}

void PgSqlConnection::bindLease(Params& p, const Lease4& l) {
    p.i64(l.address.value())
        .bytes(l.hwAddr.bytes.data(), l.hwAddr.bytes.size())
        .bytes(l.clientId.data(), l.clientId.size())
        .u32(l.validLifetime)
        .time(dbExpire(l.cltt, l.validLifetime))
        .u32(l.subnetId)
        .boolean(l.fqdnFwd)
        .boolean(l.fqdnRev)
        .text(l.hostname)
        .u32(uint32_t(l.state))
        .text(userContextToDb(l.userContext));
}

} // namespace kahu::pgsql
