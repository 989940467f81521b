// SPDX-License-Identifier: MPL-2.0
#include "mysql_host_store.h"

#include "host_rows.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <kahu/error.h>
#include <kahu/host/host_json.h>
#include <kahu/log.h>
#include <map>

namespace kahu::mysql {

namespace {

/// X'..': any bytes as an SQL literal, with nothing to escape.
std::string hexLiteral(std::string_view bytes) {
    static const char* const digits = "0123456789abcdef";
    std::string out = "X'";
    out.reserve(bytes.size() * 2 + 3);
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    out.push_back('\'');
    return out;
}

std::string hexLiteral(const std::vector<uint8_t>& bytes) {
    return hexLiteral(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

uint64_t number(const std::optional<std::string>& v) {
    return v ? std::strtoull(v->c_str(), nullptr, 10) : 0;
}

// The columns select() reads, in order.
constexpr const char* kColumns =
    "SELECT h.host_id, h.dhcp_identifier, h.dhcp_identifier_type, h.dhcp4_subnet_id, "
    "h.ipv4_address, h.hostname, h.dhcp4_client_classes, h.dhcp4_next_server, "
    "h.dhcp4_server_hostname, h.dhcp4_boot_file_name, h.user_context, o.code, o.value, "
    "o.formatted_value, o.space, o.persistent "
    "FROM hosts AS h LEFT JOIN dhcp4_options AS o ON o.host_id = h.host_id AND o.scope_id = 3 ";

std::string subnetCondition(std::optional<SubnetId> subnet) {
    return subnet ? " AND h.dhcp4_subnet_id = " + std::to_string(*subnet) : "";
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) {
        out += (out.empty() ? "" : ",") + n;
    }
    return out;
}

// MySQL returns binary columns as their bytes and booleans as 0/1.
const sql::HostRowFormat kRowFormat{
    [](const std::optional<std::string>& v) {
        const std::string& s = v.value_or(std::string());
        return std::vector<uint8_t>(s.begin(), s.end());
    },
    [](const std::optional<std::string>& v) { return number(v) != 0; },
    "MYSQL_HOST_OPTION_INVALID"};

} // namespace

MySqlHostStore::MySqlHostStore(MySqlParams params, std::shared_ptr<spdlog::logger> logger,
                               ServerAccess* server, bool digest)
    : params_(std::move(params)), logger_(std::move(logger)), server_(server),
      pool_([this] { return std::make_unique<MySqlConnection>(params_); }) {
    auto c = std::make_unique<MySqlConnection>(params_);
    try {
        c->select("SELECT host_id FROM hosts LIMIT 0");
    } catch (const DbError& e) {
        throw Error("hosts-database " + params_.describe() +
                    ": the hosts table cannot be read ('kahu-admin db-upgrade mysql' adds the "
                    "host tables to a database made by an earlier kahu-admin): " +
                    e.what());
    }
    std::unique_ptr<sql::HostDigest::Keys> keys;
    if (digest && params_.digestRefreshTime > 0) {
        keys = loadDigest(*c);
        KAHU_INFO(logger_, "MYSQL_HOST_DIGEST_LOADED",
                  "{}: {} host(s) known, checked for changes every {} ms", params_.describe(),
                  keys->identifiers.size(), params_.digestRefreshTime);
    }
    pool_.put(std::move(c));
    if (keys) {
        digest_ = std::make_unique<sql::HostDigest>(
            std::move(keys), std::chrono::milliseconds(params_.digestRefreshTime),
            [this](const std::string& known) { return changedKeys(known); },
            sql::HostDigest::Messages{"MYSQL_HOST_DIGEST_RELOADED", "MYSQL_HOST_DIGEST_RECOVERED",
                                      "MYSQL_HOST_DIGEST_CHECK_FAILED"},
            logger_, params_.describe());
    }
}

std::string MySqlHostStore::description() const {
    return params_.describe();
}

std::string MySqlHostStore::digestVersion(MySqlConnection& c) const {
    auto rows = c.select(
        "SELECT (SELECT COUNT(*) FROM hosts), (SELECT COALESCE(MAX(host_id), 0) FROM hosts), "
        "COALESCE(UPDATE_TIME, ''), COALESCE(UPDATE_TIME >= NOW() - INTERVAL 2 SECOND, 0) "
        "FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
        "TABLE_NAME = 'hosts'");
    if (rows.empty() || rows[0].size() < 4) {
        return "?";
    }
    const auto& r = rows[0];
    std::string v = r[0].value_or("") + "/" + r[1].value_or("") + "/" + r[2].value_or("");
    if (r[3].value_or("0") != "0") {
        // Changed within the last seconds: the update time may not move for the next change.
        static std::atomic<uint64_t> unsettled{0};
        v += "#" + std::to_string(++unsettled);
    }
    return v;
}

std::unique_ptr<sql::HostDigest::Keys> MySqlHostStore::loadDigest(MySqlConnection& c) const {
    auto d = std::make_unique<sql::HostDigest::Keys>();
    d->version = digestVersion(c); // first: a change while reading shows at the next check
    auto rows = c.select("SELECT dhcp4_subnet_id, dhcp_identifier_type, HEX(dhcp_identifier), "
                         "ipv4_address FROM hosts WHERE dhcp4_subnet_id IS NOT NULL");
    d->identifiers.reserve(rows.size());
    for (const auto& row : rows) {
        const auto subnet = static_cast<SubnetId>(number(row[0]));
        d->addIdentifier(subnet, static_cast<int>(number(row[1])), row[2].value_or(""));
        if (row[3]) {
            d->addAddress(subnet, static_cast<uint32_t>(number(row[3])));
        }
    }
    return d;
}

std::unique_ptr<sql::HostDigest::Keys> MySqlHostStore::changedKeys(const std::string& known) const {
    return withConnection([&](MySqlConnection& c) -> std::unique_ptr<sql::HostDigest::Keys> {
        return digestVersion(c) == known ? nullptr : loadDigest(c);
    });
}

bool MySqlHostStore::mayHave(SubnetId subnet, IdentifierType type,
                             const std::vector<uint8_t>& id) const {
    return !digest_ || digest_->mayHave(subnet, type, id);
}

bool MySqlHostStore::mayHave(SubnetId subnet, Ipv4Address address) const {
    return !digest_ || digest_->mayHave(subnet, address);
}

void MySqlHostStore::remember(SubnetId subnet, const Reservation& host) {
    if (digest_) {
        digest_->remember(subnet, host);
    }
}

std::vector<StoredHost> MySqlHostStore::select(const std::string& where,
                                               const std::string& tail) const {
    const std::string sql =
        std::string(kColumns) + "WHERE " + where + " ORDER BY h.host_id, o.option_id" + tail;
    auto rows = withConnection([&](MySqlConnection& c) { return c.select(sql); });
    return sql::hostsFromRows(rows, kRowFormat, server_, *logger_, params_.describe());
}

std::optional<StoredHost> MySqlHostStore::get(SubnetId subnet, IdentifierType type,
                                              const std::vector<uint8_t>& identifier) const {
    if (!mayHave(subnet, type, identifier)) {
        return std::nullopt;
    }
    auto hosts = select("h.dhcp4_subnet_id = " + std::to_string(subnet) +
                        " AND h.dhcp_identifier_type = " + std::to_string(identifierCode(type)) +
                        " AND h.dhcp_identifier = " + hexLiteral(identifier));
    return hosts.empty() ? std::nullopt : std::optional<StoredHost>(std::move(hosts.front()));
}

std::optional<StoredHost> MySqlHostStore::getByAddress(SubnetId subnet, Ipv4Address a) const {
    if (!mayHave(subnet, a)) {
        return std::nullopt;
    }
    auto hosts = select("h.dhcp4_subnet_id = " + std::to_string(subnet) +
                        " AND h.ipv4_address = " + std::to_string(a.value()));
    return hosts.empty() ? std::nullopt : std::optional<StoredHost>(std::move(hosts.front()));
}

std::vector<StoredHost> MySqlHostStore::getAll(SubnetId subnet) const {
    return select("h.dhcp4_subnet_id = " + std::to_string(subnet));
}

std::vector<StoredHost> MySqlHostStore::getPage(std::optional<SubnetId> subnet, uint64_t after,
                                                size_t limit) const {
    // The limit counts hosts, not option rows: pick the page's host ids first.
    const std::string page = "SELECT host_id FROM (SELECT h.host_id FROM hosts AS h WHERE "
                             "h.host_id > " +
                             std::to_string(after) + " AND h.dhcp4_subnet_id IS NOT NULL" +
                             subnetCondition(subnet) + " ORDER BY h.host_id LIMIT " +
                             std::to_string(limit) + ") AS page";
    return select("h.host_id IN (" + page + ")");
}

std::vector<StoredHost> MySqlHostStore::getByHostname(std::string_view hostname,
                                                      std::optional<SubnetId> subnet) const {
    return select("LOWER(h.hostname) = LOWER(CONVERT(" + hexLiteral(hostname) +
                  " USING utf8mb4)) AND h.dhcp4_subnet_id IS NOT NULL" + subnetCondition(subnet));
}

std::vector<StoredHost> MySqlHostStore::getById(IdentifierType type,
                                                const std::vector<uint8_t>& identifier) const {
    return select("h.dhcp_identifier_type = " + std::to_string(identifierCode(type)) +
                  " AND h.dhcp_identifier = " + hexLiteral(identifier) +
                  " AND h.dhcp4_subnet_id IS NOT NULL");
}

std::vector<StoredHost> MySqlHostStore::getAllByAddress(Ipv4Address a,
                                                        std::optional<SubnetId> subnet) const {
    return select("h.ipv4_address = " + std::to_string(a.value()) + subnetCondition(subnet));
}

void MySqlHostStore::writable() const {
    if (params_.readonly) {
        throw Error("the hosts database " + params_.describe() + " is read-only");
    }
}

void MySqlHostStore::add(SubnetId subnet, const Reservation& host) {
    writable();
    auto identType = identifierTypeOf(host);
    if (!identType) {
        throw Error("a reservation needs an identifier");
    }
    const IdentifierType type = *identType;
    const std::vector<uint8_t>* ident = identifierOf(host, type);
    const std::string sid = std::to_string(subnet);
    std::string clash = "h.dhcp4_subnet_id = " + sid +
                        " AND (h.dhcp_identifier_type = " + std::to_string(identifierCode(type)) +
                        " AND h.dhcp_identifier = " + hexLiteral(*ident);
    if (host.ipAddress) {
        clash += " OR h.ipv4_address = " + std::to_string(host.ipAddress->value());
    }
    clash += ")";
    if (!select(clash).empty()) {
        throw Error("Database duplicate entry error: subnet " + sid +
                    " already has a reservation for this identifier or address");
    }
    auto text = [](const std::string& s) { return hexLiteral(s); };
    auto optText = [&](const std::optional<std::string>& s) {
        return s ? text(*s) : std::string("NULL");
    };
    std::string insert =
        "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
        "ipv4_address, hostname, dhcp4_client_classes, dhcp4_next_server, "
        "dhcp4_server_hostname, dhcp4_boot_file_name, user_context) VALUES (" +
        hexLiteral(*ident) + ", " + std::to_string(identifierCode(type)) + ", " + sid + ", " +
        (host.ipAddress ? std::to_string(host.ipAddress->value()) : "NULL") + ", " +
        (host.hostname.empty() ? "NULL" : text(host.hostname)) + ", " +
        (host.clientClasses.empty() ? "NULL" : text(joined(host.clientClasses))) + ", " +
        (host.nextServer ? std::to_string(host.nextServer->value()) : "NULL") + ", " +
        optText(host.serverHostname) + ", " + optText(host.bootFileName) + ", " +
        (host.userContext.is_null() ? "NULL" : text(host.userContext.dump())) + ")";
    withConnection([&](MySqlConnection& c) {
        c.run("START TRANSACTION");
        try {
            c.run(insert);
            const std::string id = std::to_string(c.lastInsertId());
            for (const auto& o : host.options) {
                c.run("INSERT INTO dhcp4_options (code, value, formatted_value, space, "
                      "persistent, host_id, scope_id) VALUES (" +
                      std::to_string(o.code) + ", " +
                      (o.csvFormat && !o.text.empty() ? "NULL" : hexLiteral(o.data)) + ", " +
                      (o.csvFormat && !o.text.empty() ? text(o.text) : "NULL") + ", " +
                      text(o.space) + ", " + (o.alwaysSend ? "1" : "0") + ", " + id + ", 3)");
            }
            c.run("COMMIT");
        } catch (...) {
            try {
                c.run("ROLLBACK");
            } catch (...) {
            }
            throw;
        }
        return 0;
    });
    remember(subnet, host);
}

namespace {

bool removeWhere(const MySqlHostStore& store, MySqlConnection& c, const std::string& where) {
    (void)store;
    auto ids = c.select("SELECT h.host_id FROM hosts AS h WHERE " + where);
    if (ids.empty()) {
        return false;
    }
    std::string list;
    for (const auto& row : ids) {
        list += (list.empty() ? "" : ",") + row[0].value_or("0");
    }
    c.run("START TRANSACTION");
    try {
        c.run("DELETE FROM dhcp4_options WHERE host_id IN (" + list + ")");
        c.run("DELETE FROM hosts WHERE host_id IN (" + list + ")");
        c.run("COMMIT");
    } catch (...) {
        try {
            c.run("ROLLBACK");
        } catch (...) {
        }
        throw;
    }
    return true;
}

} // namespace

bool MySqlHostStore::remove(SubnetId subnet, Ipv4Address address) {
    writable();
    const std::string where = "h.dhcp4_subnet_id = " + std::to_string(subnet) +
                              " AND h.ipv4_address = " + std::to_string(address.value());
    return withConnection([&](MySqlConnection& c) { return removeWhere(*this, c, where); });
}

bool MySqlHostStore::remove(SubnetId subnet, IdentifierType type,
                            const std::vector<uint8_t>& identifier) {
    writable();
    const std::string where =
        "h.dhcp4_subnet_id = " + std::to_string(subnet) +
        " AND h.dhcp_identifier_type = " + std::to_string(identifierCode(type)) +
        " AND h.dhcp_identifier = " + hexLiteral(identifier);
    return withConnection([&](MySqlConnection& c) { return removeWhere(*this, c, where); });
}

} // namespace kahu::mysql
