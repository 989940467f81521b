// SPDX-License-Identifier: MPL-2.0
// The mysql host store against a real MariaDB (mysql_store_test.sh): on the kea-admin 2.2
// database (schema 14.0, Kea's hosts tables), on kahu-admin's 22.0 one and on a 2.2 one
// upgraded by kahu-admin. Also the digest: misses answered without a query, other writers'
// changes seen within a refresh, the store's own adds at once.
#include "mysql_connection.h"
#include "mysql_host_store.h"

#include <chrono>
#include <cstdlib>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/log.h>
#include <thread>

using namespace kahu;
using namespace kahu::mysql;

namespace {

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

MySqlParams hostParams() {
    MySqlParams p;
    p.host = "localhost";
    p.name = env("KAHU_TEST_MYSQL_NAME");
    p.user = "kea";
    p.password = "motdepasse";
    return p;
}

class MySqlHostStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!*env("KAHU_TEST_MYSQL_NAME")) {
            GTEST_SKIP() << "run through mysql_store_test.sh (needs a MariaDB server)";
        }
        // Every database the script makes has the host tables: kahu-admin's own (db-init,
        // db-upgrade) as well as kea-admin's.
        store_ = std::make_unique<MySqlHostStore>(hostParams(), log::get("kahu-dhcp4.mysql-test"),
                                                  nullptr);
        MySqlConnection c(hostParams());
        c.run("DELETE FROM dhcp4_options WHERE scope_id = 3");
        c.run("DELETE FROM hosts");
    }
    std::unique_ptr<MySqlHostStore> store_;
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

TEST_F(MySqlHostStoreTest, WhatIsAddedIsFoundEveryWay) {
    store_->add(10, host(150, "Db-Host"));
    store_->add(0, host(151, "global-host"));
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
    EXPECT_EQ(store_->getById(IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 151}).at(0).subnet,
              0u);
    EXPECT_EQ(store_->getAll(10).size(), 1u);
    EXPECT_EQ(store_->getAllByAddress(r.ipAddress.value(), std::nullopt).size(), 1u);

    // Pages count hosts, not their option rows.
    auto first = store_->getPage(std::nullopt, 0, 1);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].host->options.size(), 2u);
    auto second = store_->getPage(std::nullopt, first[0].id, 1);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_NE(second[0].id, first[0].id);
    EXPECT_TRUE(store_->getPage(std::nullopt, second[0].id, 1).empty());
}

TEST_F(MySqlHostStoreTest, DuplicatesAreRefusedAndRemovalsTakeTheOptions) {
    store_->add(10, host(150, "a"));
    EXPECT_THROW(store_->add(10, host(150, "b")), Error) << "same identifier";
    Reservation sameAddress = host(152, "c");
    sameAddress.ipAddress = Ipv4Address((172u << 24) | (18u << 16) | (10u << 8) | 150);
    EXPECT_THROW(store_->add(10, sameAddress), Error) << "same address";
    store_->add(11, host(150, "other subnet")); // another subnet may hold it

    EXPECT_TRUE(store_->remove(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 150}));
    EXPECT_FALSE(store_->remove(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 150}));
    EXPECT_TRUE(store_->remove(11, Ipv4Address((172u << 24) | (18u << 16) | (10u << 8) | 150)));
    MySqlConnection c(hostParams());
    EXPECT_EQ(c.select("SELECT COUNT(*) FROM dhcp4_options WHERE scope_id = 3").at(0).at(0), "0")
        << "the hosts' options went with them";
}

TEST_F(MySqlHostStoreTest, AReadOnlyStoreRefusesWrites) {
    auto p = hostParams();
    p.readonly = true;
    MySqlHostStore ro(p, log::get("kahu-dhcp4.mysql-test"), nullptr);
    EXPECT_TRUE(ro.readOnly());
    EXPECT_THROW(ro.add(10, host(150, "a")), Error);
    EXPECT_THROW(ro.remove(10, Ipv4Address(1)), Error);
}

// Statements the MariaDB server has run so far (every connection).
uint64_t questions() {
    MySqlConnection c(hostParams());
    auto rows = c.select("SHOW GLOBAL STATUS LIKE 'Questions'");
    return std::stoull(rows.at(0).at(1).value_or("0"));
}

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

TEST_F(MySqlHostStoreTest, TheDigestAnswersMissesWithoutAQuery) {
    store_->add(10, host(150, "known"));
    auto p = hostParams();
    p.digestRefreshTime = 100;
    MySqlHostStore digest(p, log::get("kahu-dhcp4.mysql-test"), nullptr, true);
    ASSERT_TRUE(digest.get(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 150}))
        << "a known host is read from the database";
    const uint64_t before = questions();
    for (uint8_t i = 0; i < 200; ++i) {
        EXPECT_FALSE(digest.get(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0b, 0, i}));
        EXPECT_FALSE(digest.getByAddress(10, Ipv4Address((10u << 24) | i)));
        EXPECT_FALSE(digest.get(11, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 150}))
            << "the subnet is part of the key";
    }
    // 600 misses; what ran meanwhile is the refresher's change check (3 statements a check at
    // most every 100 ms) and questions() itself.
    EXPECT_LT(questions() - before, 60u) << "misses went to the database";
}

TEST_F(MySqlHostStoreTest, TheDigestSeesOtherWritersWithinARefresh) {
    auto p = hostParams();
    p.digestRefreshTime = 100;
    MySqlHostStore digest(p, log::get("kahu-dhcp4.mysql-test"), nullptr, true);
    const std::vector<uint8_t> mac = {0x02, 0, 0, 0x0a, 0, 151};
    EXPECT_FALSE(digest.get(10, IdentifierType::HwAddress, mac));

    MySqlConnection c(hostParams());
    c.run("INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
          "ipv4_address) VALUES (X'02000000000a97', 0, 10, 2886863511)");
    c.run("UPDATE hosts SET dhcp_identifier = X'0200000a0097' WHERE ipv4_address = 2886863511");
    EXPECT_TRUE(eventually([&] { return digest.get(10, IdentifierType::HwAddress, mac); }))
        << "a host inserted, then changed in place, by another writer";
    EXPECT_TRUE(digest.getByAddress(10, Ipv4Address(2886863511u)));

    // An in-place change of the identifier alone: neither the row count nor the highest
    // host_id moves, only the table's update time.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    c.run("UPDATE hosts SET dhcp_identifier = X'0200000a0098' WHERE ipv4_address = 2886863511");
    EXPECT_TRUE(eventually([&] {
        return digest.get(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 152});
    })) << "an identifier changed in place";

    // The store's own add is known at once.
    digest.add(10, host(160, "own"));
    EXPECT_TRUE(digest.get(10, IdentifierType::HwAddress, {0x02, 0, 0, 0x0a, 0, 160}));
}

} // namespace
