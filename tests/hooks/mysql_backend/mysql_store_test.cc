// SPDX-License-Identifier: MPL-2.0
// The mysql store against a real MariaDB, one schema per run (mysql_store_test.sh starts the
// server and runs this binary once on a kahu-admin 22.0 database and once on a kea-admin 2.2
// 14.0 database). Parameters come from the environment: KAHU_TEST_MYSQL_SOCKET, _NAME.
#include "mysql_connection.h"
#include "mysql_lease_store.h"
#include "random_lease.h"

#include <atomic>
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

MySqlParams params() {
    MySqlParams p;
    p.host = "localhost";
    p.name = env("KAHU_TEST_MYSQL_NAME");
    p.user = "kea";
    p.password = "motdepasse";
    return p;
}

Lease4 lease(uint32_t last, int64_t cltt = 1700000000, uint32_t valid = 3600) {
    Lease4 l;
    l.address = Ipv4Address((172u << 24) | (18u << 16) | (10u << 8) | last);
    l.hwAddr.bytes = {0x02, 0, 0, 0x0a, 0, uint8_t(last)};
    l.clientId = {0x01, 0x02, 0, 0, 0x0a, 0, uint8_t(last)};
    l.validLifetime = valid;
    l.cltt = cltt;
    l.subnetId = 10;
    l.hostname = "host-" + std::to_string(last);
    return l;
}

// One plain SQL query returning the first column of the first row.
std::string sqlValue(const std::string& q) {
    MysqlHandle m(mysql_init(nullptr));
    auto p = params();
    if (!mysql_real_connect(m.get(), "localhost", "kea", "motdepasse", p.name.c_str(), 0, nullptr,
                            0) ||
        mysql_query(m.get(), q.c_str())) {
        return std::string("error: ") + mysql_error(m.get());
    }
    ResultHandle r(mysql_store_result(m.get()));
    MYSQL_ROW row = r ? mysql_fetch_row(r.get()) : nullptr;
    return row && row[0] ? row[0] : "NULL";
}

class MySqlStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!*env("KAHU_TEST_MYSQL_NAME")) {
            GTEST_SKIP() << "run through mysql_store_test.sh (needs a MariaDB server)";
        }
        store_ = std::make_unique<MySqlLeaseStore>(params(), log::get("kahu-dhcp4.mysql-test"));
        store_->wipe(0);
        v26_ = store_->schemaVersion().major == 22;
    }
    std::unique_ptr<MySqlLeaseStore> store_;
    bool v26_ = true;
};

} // namespace

TEST_F(MySqlStoreTest, EveryFieldSurvivesTheRoundTrip) {
    Lease4 l = lease(100);
    l.fqdnFwd = true;
    l.fqdnRev = true;
    l.state = LeaseState::Declined;
    l.userContext = {{"ISC", {{"client-classes", {"ALL"}}}}};
    l.poolId = 3;
    ASSERT_TRUE(store_->add(l));
    auto got = store_->get(l.address);
    ASSERT_TRUE(got);
    if (!v26_) {
        l.poolId = 0; // schema 14.0 has no pool_id column
    }
    EXPECT_EQ(l, *got);
    EXPECT_FALSE(store_->get(Ipv4Address(1)).has_value());
}

TEST_F(MySqlStoreTest, EveryAcceptedLeaseComesBackIdenticalFromANewConnection) {
    // The same random leases as the memfile property test (separators, line breaks, control
    // characters, quotes and UTF-8 in hostname and user-context); infinite lifetimes are
    // covered below, pool ids only where the schema has the column.
    // Kea's schema leaves the character set to the server's default (latin1 here): a character
    // the column cannot hold makes MariaDB refuse the row, so the write fails and nothing is
    // stored, as with Kea. Everything the store accepts must come back.
    for (const char* name : {"phone-😀", "漢字"}) {
        Lease4 wide = lease(99);
        wide.hostname = name;
        wide.userContext = {{"name", name}};
        try {
            ASSERT_TRUE(store_->add(wide));
            EXPECT_EQ(wide, *store_->get(wide.address));
            store_->remove(wide);
        } catch (const StoreError&) {
            EXPECT_FALSE(store_->get(wide.address).has_value());
        }
    }
    test::RandomLeases gen(7, {.infiniteLifetime = false, .poolId = v26_, .beyondLatin1 = false});
    std::vector<Lease4> added;
    for (uint32_t n = 0; n < 200; ++n) {
        Lease4 l = gen.lease(n);
        ASSERT_TRUE(store_->add(l)) << l.address.str();
        added.push_back(l);
    }
    for (size_t i = 0; i < added.size(); i += 3) {
        Lease4 l = added[i];
        l.hostname = gen.text(10);
        l.userContext = gen.object(2);
        l.cltt += 60;
        ASSERT_TRUE(store_->update(l, added[i].expire())) << l.address.str();
        added[i] = l;
    }
    MySqlLeaseStore reopened(params(), log::get("kahu-dhcp4.mysql-test"));
    for (const Lease4& l : added) {
        auto got = reopened.get(l.address);
        ASSERT_TRUE(got) << l.address.str();
        EXPECT_EQ(l, *got) << l.address.str() << " hostname '" << l.hostname << "' / '"
                           << got->hostname << "' context " << l.userContext.dump() << " / "
                           << got->userContext.dump();
    }
}

TEST_F(MySqlStoreTest, StoredAsKeaStoresIt) {
    Lease4 l = lease(101);
    l.hostname = "";
    l.clientId.clear();
    ASSERT_TRUE(store_->add(l));
    std::string where = " FROM lease4 WHERE address = " + std::to_string(l.address.value());
    EXPECT_EQ("1700003600", sqlValue("SELECT UNIX_TIMESTAMP(expire)" + where));
    EXPECT_EQ("NULL", sqlValue("SELECT client_id" + where));
    EXPECT_EQ("", sqlValue("SELECT hostname" + where));
    EXPECT_EQ("NULL", sqlValue("SELECT user_context" + where));
    EXPECT_EQ("0200000A0065", sqlValue("SELECT HEX(hwaddr)" + where));
}

TEST_F(MySqlStoreTest, InfiniteLifetimeStoresClttAsExpire) {
    Lease4 l = lease(102, 1700000000, Lease4::kInfinite);
    ASSERT_TRUE(store_->add(l));
    EXPECT_EQ("1700000000", sqlValue("SELECT UNIX_TIMESTAMP(expire) FROM lease4"));
    EXPECT_EQ(l, *store_->get(l.address));
    Lease4 renewed = l;
    renewed.cltt += 60;
    EXPECT_TRUE(store_->update(renewed, l.expire())) << "the expected expire of an infinite lease";
    EXPECT_EQ(renewed, *store_->get(l.address));
    EXPECT_TRUE(store_->remove(renewed));
}

TEST_F(MySqlStoreTest, ExpireAfter2038IsAStoreError) {
    EXPECT_THROW(store_->add(lease(103, 0x7fffffff, 10)), StoreError);
    EXPECT_EQ(0u, store_->size());
}

TEST_F(MySqlStoreTest, TakenAddressIsRefused) {
    ASSERT_TRUE(store_->add(lease(104)));
    EXPECT_FALSE(store_->add(lease(104)));
    EXPECT_EQ(1u, store_->size());
}

TEST_F(MySqlStoreTest, UpdateAndRemoveCheckTheStoredExpire) {
    Lease4 l = lease(105);
    ASSERT_TRUE(store_->add(l));
    Lease4 renewed = l;
    renewed.cltt += 600;
    EXPECT_FALSE(store_->update(renewed, l.expire() + 1)) << "another writer changed the row";
    EXPECT_TRUE(store_->update(renewed, l.expire()));
    EXPECT_EQ(renewed.cltt, store_->get(l.address)->cltt);
    EXPECT_FALSE(store_->remove(l)) << "l's expire is stale now";
    EXPECT_TRUE(store_->remove(renewed));
    EXPECT_FALSE(store_->update(renewed, renewed.expire())) << "no row any more";
}

TEST_F(MySqlStoreTest, LookupsByClient) {
    Lease4 a = lease(110), b = lease(111);
    b.subnetId = 20;
    ASSERT_TRUE(store_->add(a));
    ASSERT_TRUE(store_->add(b));
    ASSERT_EQ(1u, store_->getByHwAddr(a.hwAddr).size());
    EXPECT_EQ(a.address, store_->getByHwAddr(a.hwAddr)[0].address);
    EXPECT_EQ(b.address, store_->getByClientId(b.clientId).at(0).address);
    EXPECT_EQ(a.address, store_->getByHostname("host-110").at(0).address);
    EXPECT_TRUE(store_->getByHostname("nobody").empty());
    EXPECT_EQ(b.address, store_->getBySubnet(20).at(0).address);
    EXPECT_EQ(2u, store_->getAll().size());
}

TEST_F(MySqlStoreTest, PagesAscendByAddress) {
    for (uint32_t i = 150; i > 120; --i) {
        ASSERT_TRUE(store_->add(lease(i)));
    }
    auto first = store_->getPage(Ipv4Address(0), 10);
    ASSERT_EQ(10u, first.size());
    EXPECT_EQ(lease(121).address, first.front().address);
    auto next = store_->getPage(first.back().address, 100);
    ASSERT_EQ(20u, next.size());
    EXPECT_EQ(lease(131).address, next.front().address);
    EXPECT_EQ(lease(150).address, next.back().address);
}

TEST_F(MySqlStoreTest, ExpiredOldestFirstWithoutReclaimedOrInfinite) {
    Lease4 old = lease(160, 1000000000), older = lease(161, 900000000), fresh = lease(162);
    Lease4 reclaimed = lease(163, 800000000), infinite = lease(164, 700000000, Lease4::kInfinite);
    reclaimed.state = LeaseState::ExpiredReclaimed;
    for (const auto& l : {old, older, fresh, reclaimed, infinite}) {
        ASSERT_TRUE(store_->add(l));
    }
    auto expired = store_->getExpired(1600000000, 0);
    ASSERT_EQ(2u, expired.size());
    EXPECT_EQ(older.address, expired[0].address);
    EXPECT_EQ(old.address, expired[1].address);
    EXPECT_EQ(1u, store_->getExpired(1600000000, 1).size());
    EXPECT_EQ(1u, store_->flushReclaimed(1600000000));
    EXPECT_FALSE(store_->get(reclaimed.address).has_value());
    EXPECT_EQ(0u, store_->flushReclaimed(1600000000));
}

TEST_F(MySqlStoreTest, WipeAndSize) {
    Lease4 a = lease(170), b = lease(171);
    b.subnetId = 20;
    ASSERT_TRUE(store_->add(a));
    ASSERT_TRUE(store_->add(b));
    EXPECT_EQ(2u, store_->size());
    EXPECT_EQ(1u, store_->wipe(20));
    EXPECT_EQ(1u, store_->size());
    EXPECT_EQ(1u, store_->wipe(0));
    EXPECT_EQ(0u, store_->size());
}

TEST_F(MySqlStoreTest, ForEachCrossesPages) {
    constexpr uint32_t kCount = 1200; // more than one internal page of 1000
    for (uint32_t i = 0; i < kCount; ++i) {
        Lease4 l = lease(0);
        l.address = Ipv4Address((10u << 24) | (i + 1));
        ASSERT_TRUE(store_->add(l));
    }
    uint32_t seen = 0, last = 0;
    bool ascending = true;
    store_->forEach([&](const Lease4& l) {
        ascending = ascending && l.address.value() > last;
        last = l.address.value();
        ++seen;
    });
    EXPECT_EQ(kCount, seen);
    EXPECT_TRUE(ascending);
}

TEST_F(MySqlStoreTest, ConcurrentWritersEachGetAConnection) {
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (uint32_t t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (uint32_t i = 0; i < 50; ++i) {
                Lease4 l = lease(0);
                l.address = Ipv4Address((10u << 24) | (t << 8) | (i + 1));
                if (!store_->add(l)) {
                    ++failures;
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(0, failures.load());
    EXPECT_EQ(200u, store_->size());
}

TEST_F(MySqlStoreTest, StatTableCountsStatesZeroAndOne) {
    Lease4 a = lease(180), b = lease(181);
    b.state = LeaseState::Declined;
    ASSERT_TRUE(store_->add(a));
    ASSERT_TRUE(store_->add(b));
    EXPECT_EQ("1", sqlValue("SELECT leases FROM lease4_stat WHERE subnet_id = 10 AND state = 1"));
    ASSERT_TRUE(store_->remove(b));
    EXPECT_EQ("0", sqlValue("SELECT leases FROM lease4_stat WHERE subnet_id = 10 AND state = 1"));
}

TEST_F(MySqlStoreTest, ReadonlyRefusesWrites) {
    auto p = params();
    p.readonly = true;
    MySqlLeaseStore ro(p, log::get("kahu-dhcp4.mysql-test"));
    EXPECT_THROW(ro.add(lease(190)), StoreError);
    EXPECT_EQ(0u, ro.size());
}
