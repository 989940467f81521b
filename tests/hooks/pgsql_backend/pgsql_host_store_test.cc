// SPDX-License-Identifier: MPL-2.0
// The postgresql host store against a real PostgreSQL (pgsql_store_test.sh): on the kea-admin
// 2.2 database (schema 13.0, Kea's host tables) and on kahu-admin's. Also the digest: misses
// answered without a query, other writers' changes seen within a refresh (an identifier
// changed in place and a host replaced under the same host_id too), the store's own adds at
// once. The PgSqlKeaHost test runs only with KAHU_TEST_PGSQL_KEA_HOST set, on the host the
// script inserted as Kea 2.2 writes one.
#include "pgsql_connection.h"
#include "pgsql_host_store.h"
#include "pgsql_test_db.h"

#include <chrono>
#include <cstdlib>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/log.h>
#include <thread>

using namespace kahu;
using namespace kahu::pgsql;
using namespace kahu::pgsql::testdb;

namespace {

class PgSqlHostStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!*env("KAHU_TEST_PGSQL_NAME")) {
            GTEST_SKIP() << "run through pgsql_store_test.sh (needs a PostgreSQL server)";
        }
        // Both databases the script makes have the host tables: kahu-admin's as well as
        // kea-admin's.
        store_ = std::make_unique<PgSqlHostStore>(params(), logger(), nullptr);
        PgSqlConnection c(params());
        c.select("DELETE FROM dhcp4_options WHERE scope_id = 3");
        c.select("DELETE FROM hosts");
    }
    std::unique_ptr<PgSqlHostStore> store_;
};

Reservation host(uint8_t last, const char* name) {
    Reservation r;
    r.hwAddress = HwAddr{1, {0x02, 0, 0, 0x0a, 0, last}};
    r.ipAddress = Ipv4Address((172u << 24) | (18u << 16) | (10u << 8) | last);
    r.hostname = name;
    r.clientClasses = {"lab", "printers"};
    r.nextServer = Ipv4Address(0x0a000001);
    r.bootFileName = "pxe.0";
    r.userContext = {{"rack", 7}};
    OptionData dns;
    dns.code = 6;
    dns.text = "172.18.20.53";
    dns.data = {172, 18, 20, 53};
    dns.csvFormat = true;
    r.options.push_back(dns);
    OptionData raw;
    raw.code = 252;
    raw.data = {'h', 't', 't', 'p'};
    raw.csvFormat = false;
    raw.alwaysSend = true;
    r.options.push_back(raw);
    return r;
}

} // namespace

TEST_F(PgSqlHostStoreTest, WhatIsAddedIsFoundEveryWay) {
    store_->add(10, host(150, "Db-Host"));
    store_->add(0, host(151, "global-host"));
    EXPECT_EQ(store_->type(), "postgresql");
    auto h = store_->get(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 150});
    ASSERT_TRUE(h);
    EXPECT_EQ(h->subnet, 10u);
    const Reservation& r = *h->host;
    EXPECT_EQ(r.ipAddress->str(), "172.18.10.150");
    EXPECT_EQ(r.hostname, "Db-Host");
    EXPECT_EQ(r.clientClasses, (std::vector<std::string>{"lab", "printers"}));
    EXPECT_EQ(r.nextServer->str(), "10.0.0.1");
    EXPECT_EQ(r.bootFileName, "pxe.0");
    EXPECT_FALSE(r.serverHostname);
    EXPECT_EQ(r.userContext["rack"], 7);
    ASSERT_EQ(r.options.size(), 2u);
    EXPECT_EQ(r.options[0].code, 6);
    EXPECT_EQ(r.options[0].data, (std::vector<uint8_t>{172, 18, 20, 53}))
        << "formatted_value encoded with the standard definition";
    EXPECT_EQ(r.options[0].name, "domain-name-servers");
    EXPECT_EQ(r.options[1].data, (std::vector<uint8_t>{'h', 't', 't', 'p'}));
    EXPECT_TRUE(r.options[1].alwaysSend);

    EXPECT_FALSE(store_->get(11, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 150}));
    EXPECT_FALSE(store_->get(10, IdentifierType::ClientIdentifier, {0x02, 0, 0, 0x0a, 0, 150}));
    EXPECT_EQ(store_->getByAddress(10, r.ipAddress.value())->host->hostname, "Db-Host");
    EXPECT_EQ(store_->getByHostname("db-host", std::nullopt).size(), 1u) << "case-insensitive";
    EXPECT_EQ(store_->getByHostname("db-host", 11).size(), 0u);
    EXPECT_EQ(store_->getByHostname("DB-HOST", 10).size(), 1u);
    EXPECT_EQ(store_->getById(IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 151}).at(0).subnet,
              0u);
    EXPECT_EQ(store_->getAll(10).size(), 1u);
    EXPECT_EQ(store_->getAllByAddress(r.ipAddress.value(), std::nullopt).size(), 1u);
    EXPECT_EQ(store_->getAllByAddress(r.ipAddress.value(), 11).size(), 0u);

    // Pages count hosts, not their option rows.
    auto first = store_->getPage(std::nullopt, 0, 1);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].host->options.size(), 2u);
    auto second = store_->getPage(std::nullopt, first[0].id, 1);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_NE(second[0].id, first[0].id);
    EXPECT_TRUE(store_->getPage(std::nullopt, second[0].id, 1).empty());
    EXPECT_EQ(store_->getPage(0, 0, 10).size(), 1u) << "one subnet's page";
}

TEST_F(PgSqlHostStoreTest, StoredAsKeaStoresIt) {
    store_->add(10, host(150, "db-host"));
    // The columns Kea 2.2 reads: the MAC as bytes, addresses as unsigned integers, the
    // classes as a comma-separated list, the options of scope 3 (one as text, one as bytes).
    EXPECT_EQ(sqlValue("SELECT encode(dhcp_identifier, 'hex') || ' ' || dhcp_identifier_type "
                       "|| ' ' || dhcp4_subnet_id || ' ' || ipv4_address || ' ' || "
                       "dhcp4_client_classes || ' ' || dhcp4_next_server || ' ' || "
                       "(dhcp6_subnet_id IS NULL) FROM hosts"),
              "0200000a0096 0 10 2886863510 lab,printers 167772161 true");
    EXPECT_EQ(sqlValue("SELECT string_agg(code || ' ' || coalesce(formatted_value, '-') || ' ' || "
                       "coalesce(encode(value, 'hex'), '-') || ' ' || space || ' ' || "
                       "persistent || ' ' || scope_id, '; ' ORDER BY option_id) "
                       "FROM dhcp4_options"),
              "6 172.18.20.53 - dhcp4 false 3; 252 - 68747470 dhcp4 true 3");
}

TEST_F(PgSqlHostStoreTest, DuplicatesAreRefusedAndRemovalsTakeTheOptions) {
    store_->add(10, host(150, "a"));
    EXPECT_THROW(store_->add(10, host(150, "b")), Error) << "same identifier";
    Reservation sameAddress = host(152, "c");
    sameAddress.ipAddress = Ipv4Address((172u << 24) | (18u << 16) | (10u << 8) | 150);
    EXPECT_THROW(store_->add(10, sameAddress), Error) << "same address";
    store_->add(11, host(150, "other subnet")); // another subnet may hold it
    EXPECT_EQ(sqlValue("SELECT count(*) FROM hosts"), "2") << "nothing of the refused ones";

    EXPECT_TRUE(store_->remove(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 150}));
    EXPECT_FALSE(store_->remove(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 150}));
    EXPECT_TRUE(store_->remove(11, Ipv4Address((172u << 24) | (18u << 16) | (10u << 8) | 150)));
    EXPECT_EQ(sqlValue("SELECT COUNT(*) FROM dhcp4_options WHERE scope_id = 3"), "0")
        << "the hosts' options went with them";
}

TEST_F(PgSqlHostStoreTest, AReadOnlyStoreRefusesWrites) {
    auto p = params();
    p.readonly = true;
    PgSqlHostStore ro(p, logger(), nullptr);
    EXPECT_TRUE(ro.readOnly());
    EXPECT_THROW(ro.add(10, host(150, "a")), Error);
    EXPECT_THROW(ro.remove(10, Ipv4Address(1)), Error);
}

TEST_F(PgSqlHostStoreTest, ALostConnectionIsAStoreErrorAndTheNextCallReconnects) {
    store_->add(10, host(150, "a"));
    // The server ends every other session of this database (what a restart does to them).
    ASSERT_EQ("t", sqlValue("SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()"));
    EXPECT_THROW(store_->getAll(10), StoreError);
    EXPECT_EQ(store_->getAll(10).size(), 1u) << "a new connection";
}

TEST(PgSqlHostStoreOpen, MissingHostTablesIsAClearError) {
    if (!*env("KAHU_TEST_PGSQL_EMPTY")) {
        GTEST_SKIP() << "run through pgsql_store_test.sh (needs a PostgreSQL server)";
    }
    try {
        PgSqlHostStore store(params("KAHU_TEST_PGSQL_EMPTY"), logger(), nullptr);
        FAIL() << "opened a database without host tables";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string::npos, std::string(e.what()).find("kahu-admin db-init pgsql"))
            << e.what();
    }
}

namespace {

/// Asks until `found` says yes or 10 s pass; true when it did.
template <class F> bool eventually(F&& found) {
    for (int i = 0; i < 200; ++i) {
        if (found()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

/// While it lives, the store's role may not read the hosts table (the owner revokes its own
/// privilege; it is checked at every execution, prepared statements included): whatever
/// queries the table fails.
class HostsUnreadable {
public:
    HostsUnreadable() { sqlValue("REVOKE SELECT ON hosts FROM CURRENT_USER"); }
    ~HostsUnreadable() { sqlValue("GRANT SELECT ON hosts TO CURRENT_USER"); }
    HostsUnreadable(const HostsUnreadable&) = delete;
    HostsUnreadable& operator=(const HostsUnreadable&) = delete;
};

} // namespace

TEST_F(PgSqlHostStoreTest, TheDigestAnswersMissesWithoutAQuery) {
    store_->add(10, host(150, "known"));
    auto p = params();
    p.digestRefreshTime = 100;
    PgSqlHostStore digest(p, logger(), nullptr, true);
    ASSERT_TRUE(digest.get(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 150}))
        << "a known host is read from the database";
    HostsUnreadable away;
    EXPECT_THROW(digest.get(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 150}), StoreError)
        << "a known host is still read from the database (which now refuses)";
    for (uint8_t i = 0; i < 200; ++i) {
        EXPECT_FALSE(digest.get(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0b, 0, i}));
        EXPECT_FALSE(digest.getByAddress(10, Ipv4Address((10u << 24) | i)));
        EXPECT_FALSE(digest.get(11, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 150}))
            << "the subnet is part of the key";
    }
}

TEST_F(PgSqlHostStoreTest, TheChangeMarkerMovesOnlyWithCommittedRows) {
    store_->add(10, host(150, "a"));
    store_->add(10, host(151, "b"));
    PgSqlConnection c(params());
    const std::string v = PgSqlHostStore::digestVersion(c);
    EXPECT_EQ(PgSqlHostStore::digestVersion(c), v) << "nothing changed";
    c.select("VACUUM (FREEZE) hosts");
    c.select("SELECT host_id FROM hosts FOR UPDATE");
    c.select("BEGIN");
    c.select("INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id) "
             "VALUES (decode('0200000a00ff', 'hex'), 0, 10)");
    c.select("ROLLBACK");
    EXPECT_EQ(PgSqlHostStore::digestVersion(c), v)
        << "a frozen table, a row lock and a rolled-back insert change no key";
    c.select("UPDATE hosts SET hostname = hostname WHERE hostname = 'b'");
    EXPECT_NE(PgSqlHostStore::digestVersion(c), v) << "an update, even one that changes nothing";
}

TEST_F(PgSqlHostStoreTest, TheDigestSeesOtherWritersWithinARefresh) {
    auto p = params();
    p.digestRefreshTime = 100;
    PgSqlHostStore digest(p, logger(), nullptr, true);
    const std::vector<uint8_t> mac = {0x02, 0, 0, 0x0a, 0, 151};
    EXPECT_FALSE(digest.get(10, IdentifierType::HwAddress, mac));

    PgSqlConnection c(params());
    c.select("INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
             "ipv4_address) VALUES (decode('02000000000a97', 'hex'), 0, 10, 2886863511)");
    c.select("UPDATE hosts SET dhcp_identifier = decode('0200000a0097', 'hex') "
             "WHERE ipv4_address = 2886863511");
    EXPECT_TRUE(eventually([&] { return digest.get(10, IdentifierType::HwAddress, mac); }))
        << "a host inserted, then changed in place, by another writer";
    EXPECT_TRUE(digest.getByAddress(10, Ipv4Address(2886863511u)));

    // An in-place change of the identifier alone: neither the row count nor the highest
    // host_id moves, only the rows' xmin.
    const std::string before = PgSqlHostStore::digestVersion(c);
    c.select("UPDATE hosts SET dhcp_identifier = decode('0200000a0098', 'hex') "
             "WHERE ipv4_address = 2886863511");
    EXPECT_NE(PgSqlHostStore::digestVersion(c), before);
    EXPECT_TRUE(eventually([&] {
        return digest.get(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 152});
    })) << "an identifier changed in place";

    // A host deleted and another inserted under its host_id, in one transaction: count and
    // highest host_id as before.
    const std::string id = sqlValue("SELECT host_id FROM hosts WHERE ipv4_address = 2886863511");
    const std::string counted = sqlValue("SELECT count(*) || '/' || max(host_id) FROM hosts");
    c.select("BEGIN");
    c.select("DELETE FROM hosts WHERE ipv4_address = 2886863511");
    c.select("INSERT INTO hosts (host_id, dhcp_identifier, dhcp_identifier_type, "
             "dhcp4_subnet_id, ipv4_address) VALUES (" +
             id + ", decode('0200000a0099', 'hex'), 0, 10, 2886863513)");
    c.select("COMMIT");
    EXPECT_EQ(sqlValue("SELECT count(*) || '/' || max(host_id) FROM hosts"), counted);
    EXPECT_TRUE(eventually([&] {
        return digest.get(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 153});
    })) << "a host replaced under the same host_id";
    EXPECT_TRUE(digest.getByAddress(10, Ipv4Address(2886863513u)));

    // The store's own add is known at once.
    digest.add(10, host(160, "own"));
    EXPECT_TRUE(digest.get(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 160}));
}

// The host pgsql_store_test.sh inserted into the kea-admin 2.2 database as Kea 2.2's host data
// source writes one: a dual-stack host (a DHCPv6 subnet, an IPv6 reservation and a DHCPv6
// option besides its DHCPv4 part), an empty host name, options with and without
// formatted_value, a user context.
TEST(PgSqlKeaHost, IsReadAsKeaWroteIt) {
    if (!*env("KAHU_TEST_PGSQL_KEA_HOST")) {
        GTEST_SKIP() << "run by pgsql_store_test.sh after it inserted Kea's host";
    }
    PgSqlHostStore store(params(), logger(), nullptr, true);
    const std::vector<uint8_t> duid = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x0a, 0x00, 0x01};
    auto h = store.get(1, IdentifierType::Duid, duid);
    ASSERT_TRUE(h) << "the digest knows Kea's host";
    const Reservation& r = *h->host;
    EXPECT_EQ(r.duid, duid);
    EXPECT_EQ(r.ipAddress->str(), "10.0.0.1");
    EXPECT_EQ(r.hostname, "");
    EXPECT_TRUE(r.clientClasses.empty());
    EXPECT_FALSE(r.nextServer) << "0.0.0.0 is no next-server";
    EXPECT_EQ(r.serverHostname, "srv.example.org");
    EXPECT_EQ(r.userContext["comment"], "from Kea");
    ASSERT_EQ(r.options.size(), 2u) << "the DHCPv4 options only";
    EXPECT_EQ(r.options[0].code, 6);
    EXPECT_EQ(r.options[0].data, (std::vector<uint8_t>{10, 0, 0, 53}));
    EXPECT_EQ(r.options[1].code, 15);
    EXPECT_FALSE(r.options[1].csvFormat);
    EXPECT_EQ(r.options[1].data, (std::vector<uint8_t>{'l', 'a', 'b'}));
    EXPECT_TRUE(r.options[1].alwaysSend);
    EXPECT_EQ(store.getByAddress(1, Ipv4Address(0x0a000001))->id, h->id);

    // Removing it takes its DHCPv6 parts too, as Kea's own delete does.
    ASSERT_TRUE(store.remove(1, IdentifierType::Duid, duid));
    EXPECT_EQ(sqlValue("SELECT (SELECT count(*) FROM hosts) + (SELECT count(*) FROM "
                       "dhcp4_options) + (SELECT count(*) FROM dhcp6_options) + "
                       "(SELECT count(*) FROM ipv6_reservations)"),
              "0");
}
