// SPDX-License-Identifier: MPL-2.0
#include "pgsql_host_store.h"

#include "host_rows.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <kahu/error.h>
#include <kahu/host/host_json.h>
#include <kahu/log.h>

namespace kahu::pgsql {

namespace {

uint64_t number(const std::optional<std::string>& v) {
    return v ? std::strtoull(v->c_str(), nullptr, 10) : 0;
}

int hexDigit(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return 0;
}

/// The bytes of encode(..., 'hex').
std::vector<uint8_t> fromHex(std::string_view hex) {
    std::vector<uint8_t> out;
    out.reserve(hex.size() / 2);
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(uint8_t(hexDigit(hex[i]) << 4 | hexDigit(hex[i + 1])));
    }
    return out;
}

// The columns select() reads, in order. Byte columns come as hex text: the same whatever the
// server's bytea_output.
constexpr const char* kColumns =
    "SELECT h.host_id, encode(h.dhcp_identifier, 'hex'), h.dhcp_identifier_type, "
    "h.dhcp4_subnet_id, h.ipv4_address, h.hostname, h.dhcp4_client_classes, "
    "h.dhcp4_next_server, h.dhcp4_server_hostname, h.dhcp4_boot_file_name, h.user_context, "
    "o.code, encode(o.value, 'hex'), o.formatted_value, o.space, o.persistent "
    "FROM hosts AS h LEFT JOIN dhcp4_options AS o ON o.host_id = h.host_id AND o.scope_id = 3 ";

// A host and its options in one transaction. The host goes in only when its subnet has no
// reservation of the same identifier or address (Kea's schema makes only the identifier
// unique per subnet; the address check is the one Kea 2.2 makes in the same statement).
constexpr const char* kInsertHost =
    "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, "
    "hostname, dhcp4_client_classes, dhcp4_next_server, dhcp4_server_hostname, "
    "dhcp4_boot_file_name, user_context) "
    "SELECT $1::bytea, $2::smallint, $3::bigint, $4::bigint, $5::varchar, $6::varchar, "
    "$7::bigint, $8::varchar, $9::varchar, $10::text "
    "WHERE NOT EXISTS (SELECT 1 FROM hosts WHERE dhcp4_subnet_id = $3::bigint AND "
    "((dhcp_identifier_type = $2::smallint AND dhcp_identifier = $1::bytea) OR "
    "ipv4_address = $4::bigint)) RETURNING host_id";

constexpr const char* kInsertOption =
    "INSERT INTO dhcp4_options (code, value, formatted_value, space, persistent, host_id, "
    "scope_id) VALUES ($1, $2, $3, $4, $5, $6, 3)";

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) {
        out += (out.empty() ? "" : ",") + n;
    }
    return out;
}

Params& optionalText(Params& p, const std::optional<std::string>& s) {
    return s ? p.text(*s) : p.null();
}

// A limit as the bigint LIMIT takes.
int64_t limitOf(size_t n) {
    return int64_t(std::min<size_t>(n, 0x7fffffffffffffffu));
}

// The host columns as select() reads them: bytea as hex (encode(..., 'hex')), booleans as t/f.
const sql::HostRowFormat kRowFormat{
    [](const std::optional<std::string>& v) { return fromHex(v.value_or(std::string())); },
    [](const std::optional<std::string>& v) { return v.value_or("f") == "t"; },
    "PGSQL_HOST_OPTION_INVALID"};

} // namespace

PgSqlHostStore::PgSqlHostStore(PgSqlParams params, std::shared_ptr<spdlog::logger> logger,
                               ServerAccess* server, bool digest)
    : params_(std::move(params)), logger_(std::move(logger)), server_(server),
      pool_([this] { return std::make_unique<PgSqlConnection>(params_); }) {
    std::unique_ptr<PgSqlConnection> c;
    try {
        c = std::make_unique<PgSqlConnection>(params_);
    } catch (const DbError& e) {
        throw StoreError(e.what()); // a core type: the library may be gone when it is caught
    }
    try {
        c->select(std::string(kColumns) + "WHERE false");
    } catch (const DbError& e) {
        throw StoreError("hosts-database " + params_.describe() +
                         ": the host tables cannot be read (kahu-admin db-init pgsql and Kea's "
                         "kea-admin db-init pgsql make them): " +
                         e.what());
    }
    std::unique_ptr<sql::HostDigest::Keys> keys;
    if (digest && params_.digestRefreshTime > 0) {
        try {
            keys = loadDigest(*c);
        } catch (const DbError& e) {
            throw StoreError(e.what());
        }
        KAHU_INFO(logger_, "PGSQL_HOST_DIGEST_LOADED",
                  "{}: {} host(s) known, checked for changes every {} ms", params_.describe(),
                  keys->identifiers.size(), params_.digestRefreshTime);
    }
    pool_.put(std::move(c));
    if (keys) {
        digest_ = std::make_unique<sql::HostDigest>(
            std::move(keys), std::chrono::milliseconds(params_.digestRefreshTime),
            [this](const std::string& known) { return changedKeys(known); },
            sql::HostDigest::Messages{"PGSQL_HOST_DIGEST_RELOADED", "PGSQL_HOST_DIGEST_RECOVERED",
                                      "PGSQL_HOST_DIGEST_CHECK_FAILED"},
            logger_, params_.describe());
    }
}

std::string PgSqlHostStore::description() const {
    return params_.describe();
}

std::string PgSqlHostStore::digestVersion(PgSqlConnection& c) {
    // xmin is a 32-bit transaction id; as text it reads as an unsigned number.
    auto rows = c.select("SELECT count(*), COALESCE(max(host_id), 0), "
                         "COALESCE(sum(xmin::text::bigint), 0) FROM hosts",
                         Params{});
    if (rows.empty() || rows[0].size() < 3) {
        return "?";
    }
    const auto& r = rows[0];
    return r[0].value_or("") + "/" + r[1].value_or("") + "/" + r[2].value_or("");
}

std::unique_ptr<sql::HostDigest::Keys> PgSqlHostStore::loadDigest(PgSqlConnection& c) const {
    auto d = std::make_unique<sql::HostDigest::Keys>();
    d->version = digestVersion(c); // first: a change while reading shows at the next check
    auto rows = c.select("SELECT dhcp4_subnet_id, dhcp_identifier_type, "
                         "upper(encode(dhcp_identifier, 'hex')), ipv4_address FROM hosts "
                         "WHERE dhcp4_subnet_id IS NOT NULL",
                         Params{});
    d->identifiers.reserve(rows.size());
    for (const auto& row : rows) {
        const auto subnet = static_cast<SubnetId>(number(row[0]));
        d->addIdentifier(subnet, static_cast<int>(number(row[1])), row[2].value_or(""));
        if (row[3]) {
            d->addAddress(subnet, static_cast<uint32_t>((number(row[3]) & 0xffffffffu)));
        }
    }
    return d;
}

std::unique_ptr<sql::HostDigest::Keys> PgSqlHostStore::changedKeys(const std::string& known) const {
    return withConnection([&](PgSqlConnection& c) -> std::unique_ptr<sql::HostDigest::Keys> {
        return digestVersion(c) == known ? nullptr : loadDigest(c);
    });
}

bool PgSqlHostStore::mayHave(SubnetId subnet, IdentifierType type,
                             const std::vector<uint8_t>& id) const {
    return !digest_ || digest_->mayHave(subnet, type, id);
}

bool PgSqlHostStore::mayHave(SubnetId subnet, Ipv4Address address) const {
    return !digest_ || digest_->mayHave(subnet, address);
}

void PgSqlHostStore::remember(SubnetId subnet, const Reservation& host) {
    if (digest_) {
        digest_->remember(subnet, host);
    }
}

std::vector<StoredHost> PgSqlHostStore::select(const std::string& where, const Params& in) const {
    const std::string sql =
        std::string(kColumns) + "WHERE " + where + " ORDER BY h.host_id, o.option_id";
    auto rows = withConnection([&](PgSqlConnection& c) { return c.select(sql, in); });
    return sql::hostsFromRows(rows, kRowFormat, server_, *logger_, params_.describe());
}

std::optional<StoredHost> PgSqlHostStore::get(SubnetId subnet, IdentifierType type,
                                              const std::vector<uint8_t>& identifier) const {
    if (!mayHave(subnet, type, identifier)) {
        return std::nullopt;
    }
    Params p;
    p.i64(subnet).i64(identifierCode(type)).bytes(identifier.data(), identifier.size());
    auto hosts = select("h.dhcp4_subnet_id = $1 AND h.dhcp_identifier_type = $2 AND "
                        "h.dhcp_identifier = $3",
                        p);
    return hosts.empty() ? std::nullopt : std::optional<StoredHost>(std::move(hosts.front()));
}

std::optional<StoredHost> PgSqlHostStore::getByAddress(SubnetId subnet, Ipv4Address a) const {
    if (!mayHave(subnet, a)) {
        return std::nullopt;
    }
    Params p;
    p.i64(subnet).i64(a.value());
    auto hosts = select("h.dhcp4_subnet_id = $1 AND h.ipv4_address = $2", p);
    return hosts.empty() ? std::nullopt : std::optional<StoredHost>(std::move(hosts.front()));
}

std::vector<StoredHost> PgSqlHostStore::getAll(SubnetId subnet) const {
    Params p;
    p.i64(subnet);
    return select("h.dhcp4_subnet_id = $1", p);
}

std::vector<StoredHost> PgSqlHostStore::getPage(std::optional<SubnetId> subnet, uint64_t after,
                                                size_t limit) const {
    // The limit counts hosts, not option rows: pick the page's host ids first.
    Params p;
    p.i64(int64_t(std::min<uint64_t>(after, 0x7fffffffffffffffu))).i64(limitOf(limit));
    if (subnet) {
        p.i64(*subnet);
        return select("h.host_id IN (SELECT host_id FROM hosts WHERE host_id > $1::bigint AND "
                      "dhcp4_subnet_id = $3 ORDER BY host_id LIMIT $2)",
                      p);
    }
    return select("h.host_id IN (SELECT host_id FROM hosts WHERE host_id > $1::bigint AND "
                  "dhcp4_subnet_id IS NOT NULL ORDER BY host_id LIMIT $2)",
                  p);
}

std::vector<StoredHost> PgSqlHostStore::getByHostname(std::string_view hostname,
                                                      std::optional<SubnetId> subnet) const {
    // lower(hostname): what Kea's hosts_by_hostname index holds.
    Params p;
    p.text(std::string(hostname));
    if (subnet) {
        p.i64(*subnet);
        return select("lower(h.hostname) = lower($1::text) AND h.dhcp4_subnet_id = $2", p);
    }
    return select("lower(h.hostname) = lower($1::text) AND h.dhcp4_subnet_id IS NOT NULL", p);
}

std::vector<StoredHost> PgSqlHostStore::getById(IdentifierType type,
                                                const std::vector<uint8_t>& identifier) const {
    Params p;
    p.i64(identifierCode(type)).bytes(identifier.data(), identifier.size());
    return select("h.dhcp_identifier_type = $1 AND h.dhcp_identifier = $2 AND "
                  "h.dhcp4_subnet_id IS NOT NULL",
                  p);
}

std::vector<StoredHost> PgSqlHostStore::getAllByAddress(Ipv4Address a,
                                                        std::optional<SubnetId> subnet) const {
    Params p;
    p.i64(a.value());
    if (subnet) {
        p.i64(*subnet);
        return select("h.ipv4_address = $1 AND h.dhcp4_subnet_id = $2", p);
    }
    return select("h.ipv4_address = $1", p);
}

void PgSqlHostStore::writable() const {
    if (params_.readonly) {
        throw Error("the hosts database " + params_.describe() + " is read-only");
    }
}

void PgSqlHostStore::add(SubnetId subnet, const Reservation& host) {
    writable();
    auto identType = identifierTypeOf(host);
    if (!identType) {
        throw Error("a reservation needs an identifier");
    }
    const IdentifierType type = *identType;
    const std::vector<uint8_t>* ident = identifierOf(host, type);
    const std::string duplicate = "Database duplicate entry error: subnet " +
                                  std::to_string(subnet) +
                                  " already has a reservation for this identifier or address";
    Params h;
    h.bytes(ident->data(), ident->size()).i64(identifierCode(type)).i64(subnet);
    if (host.ipAddress) {
        h.i64(host.ipAddress->value());
    } else {
        h.null();
    }
    if (host.hostname.empty()) {
        h.null();
    } else {
        h.text(host.hostname);
    }
    if (host.clientClasses.empty()) {
        h.null();
    } else {
        h.text(joined(host.clientClasses));
    }
    if (host.nextServer) {
        h.i64(host.nextServer->value());
    } else {
        h.null();
    }
    optionalText(h, host.serverHostname);
    optionalText(h, host.bootFileName);
    if (host.userContext.is_null()) {
        h.null();
    } else {
        h.text(host.userContext.dump());
    }
    const bool added = withConnection([&](PgSqlConnection& c) {
        c.select("BEGIN");
        try {
            auto ids = c.select(kInsertHost, h);
            if (ids.empty() || !ids[0].at(0)) {
                c.select("ROLLBACK");
                return false;
            }
            const int64_t id = int64_t(number(ids[0][0]));
            for (const auto& o : host.options) {
                const bool formatted = o.csvFormat && !o.text.empty();
                Params op;
                op.i64(o.code);
                if (formatted) {
                    op.null().text(o.text);
                } else {
                    op.bytes(o.data.data(), o.data.size()).null();
                }
                op.text(o.space).boolean(o.alwaysSend).i64(id);
                c.select(kInsertOption, op);
            }
            c.select("COMMIT");
            return true;
        } catch (const DbError& e) {
            try {
                c.select("ROLLBACK");
            } catch (...) {
            }
            // The same identifier, added by another writer meanwhile (a clash on host_id, from
            // rows written with explicit ids, is not a duplicate reservation: it stays an error).
            if (e.sqlstate() == kUniqueViolation &&
                std::string_view(e.what()).find("key_dhcp4_identifier_subnet_id") !=
                    std::string_view::npos) {
                return false;
            }
            throw;
        } catch (...) {
            try {
                c.select("ROLLBACK");
            } catch (...) {
            }
            throw;
        }
    });
    if (!added) {
        throw Error(duplicate);
    }
    remember(subnet, host);
}

bool PgSqlHostStore::removeWhere(const std::string& where, const Params& in) {
    writable();
    // The host's options (and any IPv6 reservation or DHCPv6 option of a host Kea wrote) go
    // with it: both schemas delete them on cascade, as Kea's own DELETE relies on.
    uint64_t removed = 0;
    withConnection([&](PgSqlConnection& c) {
        c.select("DELETE FROM hosts AS h WHERE " + where, in, &removed);
        return 0;
    });
    return removed > 0;
}

bool PgSqlHostStore::remove(SubnetId subnet, Ipv4Address address) {
    Params p;
    p.i64(subnet).i64(address.value());
    return removeWhere("h.dhcp4_subnet_id = $1 AND h.ipv4_address = $2", p);
}

bool PgSqlHostStore::remove(SubnetId subnet, IdentifierType type,
                            const std::vector<uint8_t>& identifier) {
    Params p;
    p.i64(subnet).i64(identifierCode(type)).bytes(identifier.data(), identifier.size());
    return removeWhere("h.dhcp4_subnet_id = $1 AND h.dhcp_identifier_type = $2 AND "
                       "h.dhcp_identifier = $3",
                       p);
}

} // namespace kahu::pgsql
