// SPDX-License-Identifier: MPL-2.0
#include "mysql_connection.h"

#include <cstring>
#include <errmsg.h>
#include <mysqld_error.h>
#include <sys/stat.h>

namespace kahu::mysql {

namespace {

std::string columns(Lease4Layout layout) {
    std::string c = "address, hwaddr, client_id, valid_lifetime, expire, subnet_id, fqdn_fwd, "
                    "fqdn_rev, hostname, state, user_context";
    return layout == Lease4Layout::Kea26 ? c + ", pool_id" : c;
}

std::string sqlFor(Stmt s, Lease4Layout layout) {
    const std::string cols = columns(layout);
    const std::string select = "SELECT " + cols + " FROM lease4 ";
    const bool v26 = layout == Lease4Layout::Kea26;
    switch (s) {
    case Stmt::Insert:
        return "INSERT INTO lease4(" + cols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?" +
               (v26 ? ", ?)" : ")");
    case Stmt::Update:
        // The old expire is Kea's optimistic lock: another server's change makes it miss.
        return std::string("UPDATE lease4 SET address = ?, hwaddr = ?, client_id = ?, "
                           "valid_lifetime = ?, expire = ?, subnet_id = ?, fqdn_fwd = ?, "
                           "fqdn_rev = ?, hostname = ?, state = ?, user_context = ?") +
               (v26 ? ", pool_id = ?" : "") + " WHERE address = ? AND expire = ?";
    case Stmt::Delete:
        return "DELETE FROM lease4 WHERE address = ? AND expire = ?";
    case Stmt::Get:
        return select + "WHERE address = ?";
    case Stmt::GetByHwAddr:
        return select + "WHERE hwaddr = ? ORDER BY address";
    case Stmt::GetByClientId:
        return select + "WHERE client_id = ? ORDER BY address";
    case Stmt::GetByHostname:
        return select + "WHERE hostname = ? ORDER BY address";
    case Stmt::GetBySubnet:
        return select + "WHERE subnet_id = ? ORDER BY address";
    case Stmt::GetPage:
        return select + "WHERE address > ? ORDER BY address LIMIT ?";
    case Stmt::GetExpired:
        return select + "WHERE state != ? AND valid_lifetime != 4294967295 AND expire < ? "
                        "ORDER BY expire ASC LIMIT ?";
    case Stmt::FlushReclaimed:
        return "DELETE FROM lease4 WHERE state = ? AND expire < ?";
    case Stmt::WipeSubnet:
        return "DELETE FROM lease4 WHERE subnet_id = ?";
    case Stmt::WipeAll:
        return "DELETE FROM lease4";
    case Stmt::Count:
        return "SELECT COUNT(*) FROM lease4";
    case Stmt::kCount_:
        break;
    }
    return {};
}

// The result row of a lease query, bound once per execution.
struct LeaseRow {
    static constexpr size_t kColumns = 12;
    uint32_t address = 0, valid = 0, subnet = 0, state = 0, pool = 0;
    unsigned char hw[20]{}, cid[255]{};
    char host[256]{}, context[2048]{};
    signed char fwd = 0, rev = 0;
    MYSQL_TIME expire{};
    unsigned long lengths[kColumns]{};
    my_bool nulls[kColumns]{};
    my_bool errors[kColumns]{};
    MYSQL_BIND binds[kColumns]{};
    std::string bigHost, bigContext; // set when a value did not fit the buffer

    explicit LeaseRow(size_t n) {
        std::memset(binds, 0, sizeof binds);
        auto set = [&](size_t i, enum_field_types t, void* buf, unsigned long len, bool uns) {
            binds[i].buffer_type = t;
            binds[i].buffer = buf;
            binds[i].buffer_length = len;
            binds[i].length = &lengths[i];
            binds[i].is_null = &nulls[i];
            binds[i].error = &errors[i];
            binds[i].is_unsigned = uns;
        };
        set(0, MYSQL_TYPE_LONG, &address, 0, true);
        set(1, MYSQL_TYPE_BLOB, hw, sizeof hw, false);
        set(2, MYSQL_TYPE_BLOB, cid, sizeof cid, false);
        set(3, MYSQL_TYPE_LONG, &valid, 0, true);
        set(4, MYSQL_TYPE_TIMESTAMP, &expire, 0, false);
        set(5, MYSQL_TYPE_LONG, &subnet, 0, true);
        set(6, MYSQL_TYPE_TINY, &fwd, 0, false);
        set(7, MYSQL_TYPE_TINY, &rev, 0, false);
        set(8, MYSQL_TYPE_STRING, host, sizeof host, false);
        set(9, MYSQL_TYPE_LONG, &state, 0, true);
        set(10, MYSQL_TYPE_BLOB, context, sizeof context, false);
        if (n > 11) {
            set(11, MYSQL_TYPE_LONG, &pool, 0, true);
        }
    }

    // Fetches a text column again with a buffer of its full length.
    std::string refetch(MYSQL_STMT* stmt, unsigned col) {
        std::string s(lengths[col], '\0');
        MYSQL_BIND b;
        std::memset(&b, 0, sizeof b);
        b.buffer_type = MYSQL_TYPE_BLOB;
        b.buffer = s.data();
        b.buffer_length = s.size();
        mysql_stmt_fetch_column(stmt, &b, col, 0);
        return s;
    }

    Lease4 toLease(bool withPool) const {
        Lease4 l;
        l.address = Ipv4Address(address);
        if (!nulls[1]) {
            l.hwAddr.bytes.assign(hw, hw + std::min<unsigned long>(lengths[1], sizeof hw));
        }
        if (!nulls[2]) {
            l.clientId.assign(cid, cid + std::min<unsigned long>(lengths[2], sizeof cid));
        }
        l.validLifetime = nulls[3] ? 0 : valid;
        l.cltt = nulls[4] ? 0 : clttFromDb(fromLocalTime(expire), l.validLifetime);
        l.subnetId = nulls[5] ? 0 : subnet;
        l.fqdnFwd = !nulls[6] && fwd;
        l.fqdnRev = !nulls[7] && rev;
        if (!nulls[8]) {
            l.hostname = !bigHost.empty()
                             ? bigHost
                             : std::string(host, std::min<unsigned long>(lengths[8], sizeof host));
        }
        l.state = nulls[9] ? LeaseState::Default : LeaseState(state);
        if (!nulls[10]) {
            l.userContext = userContextFromDb(
                !bigContext.empty()
                    ? bigContext
                    : std::string(context, std::min<unsigned long>(lengths[10], sizeof context)));
        }
        if (withPool && !nulls[11]) {
            l.poolId = pool;
        }
        return l;
    }
};

} // namespace

bool isConnectionLost(unsigned code) noexcept {
    switch (code) {
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_LOST_EXTENDED:
    case CR_COMMANDS_OUT_OF_SYNC:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN:
    case ER_NET_READ_ERROR:
    case ER_NET_READ_INTERRUPTED:
    case ER_NET_ERROR_ON_WRITE:
    case ER_NET_WRITE_INTERRUPTED:
        return true;
    default:
        return code == 4031; // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
    }
}

MYSQL_BIND& Binds::next() {
    binds_.emplace_back();
    std::memset(&binds_.back(), 0, sizeof(MYSQL_BIND));
    return binds_.back();
}

Binds& Binds::u32(uint32_t v) {
    u32s_.push_back(v);
    auto& b = next();
    b.buffer_type = MYSQL_TYPE_LONG;
    b.buffer = &u32s_.back();
    b.is_unsigned = true;
    return *this;
}

Binds& Binds::tiny(bool v) {
    tinies_.push_back(v ? 1 : 0);
    auto& b = next();
    b.buffer_type = MYSQL_TYPE_TINY;
    b.buffer = &tinies_.back();
    return *this;
}

Binds& Binds::bytes(const void* data, size_t size, bool nullIfEmpty) {
    auto& b = next();
    if (size == 0 && nullIfEmpty) {
        b.buffer_type = MYSQL_TYPE_NULL;
        return *this;
    }
    strings_.emplace_back(static_cast<const char*>(data), size);
    b.buffer_type = MYSQL_TYPE_BLOB;
    b.buffer = strings_.back().data();
    b.buffer_length = strings_.back().size();
    return *this;
}

Binds& Binds::text(const std::string& s) {
    strings_.push_back(s);
    auto& b = next();
    b.buffer_type = MYSQL_TYPE_STRING;
    b.buffer = strings_.back().data();
    b.buffer_length = strings_.back().size();
    return *this;
}

Binds& Binds::optText(const std::optional<std::string>& s) {
    if (s) {
        return text(*s);
    }
    next().buffer_type = MYSQL_TYPE_NULL;
    return *this;
}

Binds& Binds::time(int64_t unixSeconds) {
    times_.push_back(toLocalTime(unixSeconds));
    auto& b = next();
    b.buffer_type = MYSQL_TYPE_TIMESTAMP;
    b.buffer = &times_.back();
    return *this;
}

MySqlConnection::MySqlConnection(const MySqlParams& p) {
    mysql_.reset(mysql_init(nullptr));
    if (!mysql_) {
        throw DbError("mysql_init failed (out of memory)", 0, false);
    }
    MYSQL* m = mysql_.get();
    my_bool off = 0;
    mysql_options(m, MYSQL_OPT_RECONNECT, &off); // the store reconnects itself
    unsigned int t = p.connectTimeout;
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &t);
    if (p.readTimeout) {
        t = p.readTimeout;
        mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &t);
    }
    if (p.writeTimeout) {
        t = p.writeTimeout;
        mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &t);
    }
    mysql_options(m, MYSQL_INIT_COMMAND, "SET SESSION sql_mode ='STRICT_ALL_TABLES'");
    mysql_options(m, MYSQL_INIT_COMMAND, "SET SESSION wait_timeout = 30 * 86400");
    if (p.tls()) {
        auto opt = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
        struct stat st {};
        bool caDir = !p.trustAnchor.empty() && ::stat(p.trustAnchor.c_str(), &st) == 0 &&
                     S_ISDIR(st.st_mode);
        mysql_ssl_set(m, opt(p.keyFile), opt(p.certFile), caDir ? nullptr : opt(p.trustAnchor),
                      caDir ? p.trustAnchor.c_str() : nullptr, opt(p.cipherList));
    }
    if (!mysql_real_connect(m, p.host.c_str(), p.user.empty() ? nullptr : p.user.c_str(),
                            p.password.empty() ? nullptr : p.password.c_str(), p.name.c_str(),
                            p.port, nullptr, CLIENT_FOUND_ROWS)) {
        unsigned code = mysql_errno(m);
        throw DbError("cannot connect to " + p.describe() + ": " + mysql_error(m) + " (" +
                          std::to_string(code) + ")",
                      code, isConnectionLost(code));
    }
}

void MySqlConnection::fail(const std::string& what, MYSQL_STMT* stmt) const {
    unsigned code = stmt ? mysql_stmt_errno(stmt) : mysql_errno(mysql_.get());
    std::string text = stmt ? mysql_stmt_error(stmt) : mysql_error(mysql_.get());
    throw DbError(what + ": " + text + " (" + std::to_string(code) + ")", code,
                  isConnectionLost(code));
}

void MySqlConnection::run(const std::string& sql) {
    if (mysql_real_query(mysql_.get(), sql.data(), sql.size())) {
        fail("statement failed");
    }
    ResultHandle r(mysql_store_result(mysql_.get()));
}

std::vector<MySqlConnection::Row> MySqlConnection::select(const std::string& sql) {
    if (mysql_real_query(mysql_.get(), sql.data(), sql.size())) {
        fail("query failed");
    }
    ResultHandle r(mysql_store_result(mysql_.get()));
    if (!r) {
        if (mysql_field_count(mysql_.get()) != 0) {
            fail("cannot read the result");
        }
        return {};
    }
    const unsigned n = mysql_num_fields(r.get());
    std::vector<Row> rows;
    while (MYSQL_ROW row = mysql_fetch_row(r.get())) {
        const unsigned long* len = mysql_fetch_lengths(r.get());
        Row out(n);
        for (unsigned i = 0; i < n; ++i) {
            if (row[i]) {
                out[i] = std::string(row[i], len[i]);
            }
        }
        rows.push_back(std::move(out));
    }
    return rows;
}

uint64_t MySqlConnection::lastInsertId() {
    return mysql_insert_id(mysql_.get());
}

SchemaVersion MySqlConnection::schemaVersion() {
    static const std::string q = "SELECT version, minor FROM schema_version";
    if (mysql_real_query(mysql_.get(), q.data(), q.size())) {
        fail("cannot read the schema version");
    }
    ResultHandle r(mysql_store_result(mysql_.get()));
    MYSQL_ROW row = r ? mysql_fetch_row(r.get()) : nullptr;
    if (!row || !row[0]) {
        throw DbError("cannot read the schema version: schema_version is empty", 0, false);
    }
    return SchemaVersion{std::atoi(row[0]), row[1] ? std::atoi(row[1]) : 0};
}

void MySqlConnection::prepare(Lease4Layout layout) {
    layout_ = layout;
    for (size_t i = 0; i < stmts_.size(); ++i) {
        StmtHandle s(mysql_stmt_init(mysql_.get()));
        if (!s) {
            fail("mysql_stmt_init failed");
        }
        std::string sql = sqlFor(Stmt(i), layout);
        if (mysql_stmt_prepare(s.get(), sql.data(), sql.size())) {
            fail("cannot prepare '" + sql + "'", s.get());
        }
        stmts_[i] = std::move(s);
    }
}

MYSQL_STMT* MySqlConnection::statement(Stmt s) {
    return stmts_[size_t(s)].get();
}

void MySqlConnection::bindLease(Binds& b, const Lease4& l) const {
    b.u32(l.address.value())
        .bytes(l.hwAddr.bytes.data(), l.hwAddr.bytes.size())
        .bytes(l.clientId.data(), l.clientId.size())
        .u32(l.validLifetime)
        .time(dbExpire(l.cltt, l.validLifetime))
        .u32(l.subnetId)
        .tiny(l.fqdnFwd)
        .tiny(l.fqdnRev)
        .text(l.hostname)
        .u32(uint32_t(l.state))
        .optText(userContextToDb(l.userContext));
    if (layout_ == Lease4Layout::Kea26) {
        b.u32(l.poolId);
    }
}

uint64_t MySqlConnection::execute(Stmt s, Binds& in) {
    MYSQL_STMT* st = statement(s);
    if (in.size() && mysql_stmt_bind_param(st, in.data())) {
        fail("cannot bind parameters", st);
    }
    // Every statement run here is a single autocommit statement of the lease store, so one that
    // lost a deadlock or, on a Galera cluster, a certification conflict with a write made on
    // another node (ER_LOCK_DEADLOCK, after the server's own wsrep_retry_autocommit) was rolled
    // back whole and may simply run again: against the other write's result, it then matches
    // no row or finds the key taken, which the caller reads as "someone else has it".
    constexpr int kTries = 5;
    for (int attempt = 1;; ++attempt) {
        if (!mysql_stmt_execute(st)) {
            break;
        }
        if (mysql_stmt_errno(st) != ER_LOCK_DEADLOCK || attempt == kTries) {
            fail("statement failed", st);
        }
    }
    return mysql_stmt_affected_rows(st);
}

std::vector<Lease4> MySqlConnection::query(Stmt s, Binds& in) {
    MYSQL_STMT* st = statement(s);
    if (in.size() && mysql_stmt_bind_param(st, in.data())) {
        fail("cannot bind parameters", st);
    }
    bool withPool = layout_ == Lease4Layout::Kea26;
    LeaseRow row(withPool ? 12 : 11);
    if (mysql_stmt_bind_result(st, row.binds)) {
        fail("cannot bind results", st);
    }
    if (mysql_stmt_execute(st)) {
        fail("query failed", st);
    }
    // Buffer the whole result client-side: the connection is free again at once.
    if (mysql_stmt_store_result(st)) {
        fail("cannot read the result", st);
    }
    struct FreeResult {
        MYSQL_STMT* st;
        ~FreeResult() { mysql_stmt_free_result(st); }
    } freeResult{st};
    std::vector<Lease4> out;
    out.reserve(mysql_stmt_num_rows(st));
    for (;;) {
        int rc = mysql_stmt_fetch(st);
        if (rc == MYSQL_NO_DATA) {
            break;
        }
        if (rc == 1) {
            fail("cannot fetch a row", st);
        }
        row.bigHost.clear();
        row.bigContext.clear();
        if (rc == MYSQL_DATA_TRUNCATED) {
            if (row.errors[8]) {
                row.bigHost = row.refetch(st, 8);
            }
            if (row.errors[10]) {
                row.bigContext = row.refetch(st, 10);
            }
        }
        out.push_back(row.toLease(withPool));
    }
    return out;
}

uint64_t MySqlConnection::count() {
    MYSQL_STMT* st = statement(Stmt::Count);
    long long n = 0;
    MYSQL_BIND b;
    std::memset(&b, 0, sizeof b);
    b.buffer_type = MYSQL_TYPE_LONGLONG;
    b.buffer = &n;
    if (mysql_stmt_execute(st) || mysql_stmt_bind_result(st, &b) || mysql_stmt_store_result(st)) {
        fail("cannot count leases", st);
    }
    mysql_stmt_fetch(st);
    mysql_stmt_free_result(st);
    return uint64_t(n);
}

} // namespace kahu::mysql
