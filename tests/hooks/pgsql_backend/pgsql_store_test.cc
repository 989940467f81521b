// SPDX-License-Identifier: MPL-2.0
// The postgresql store against a real PostgreSQL, one database per run (pgsql_store_test.sh
// starts the server and runs this binary on a kahu-admin database and on a kea-admin 2.2 one,
// both schema 13.0). Parameters come from the environment: KAHU_TEST_PGSQL_HOST, _PORT, _NAME,
// _USER, _PASSWORD; _EMPTY names a database without a schema. The PgSqlInterop tests run only
// with KAHU_TEST_PGSQL_INTEROP set, between the script's Kea 2.2 commands.
#include "pgsql_connection.h"
#include "pgsql_lease_store.h"
#include "pgsql_test_db.h"
#include "random_lease.h"

#include <atomic>
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

std::string where(const Lease4& l) {
    return " FROM lease4 WHERE address = " + std::to_string(l.address.value());
}

class PgSqlStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!*env("KAHU_TEST_PGSQL_NAME")) {
            GTEST_SKIP() << "run through pgsql_store_test.sh (needs a PostgreSQL server)";
        }
        store_ = std::make_unique<PgSqlLeaseStore>(params(), logger());
        store_->wipe(0);
    }
    std::unique_ptr<PgSqlLeaseStore> store_;
};

} // namespace

TEST_F(PgSqlStoreTest, OpensKeasSchemaVersion) {
    EXPECT_EQ((SchemaVersion{13, 0}), store_->schemaVersion());
    EXPECT_EQ("postgresql", store_->type());
    EXPECT_NE(std::string::npos, store_->description().find("PostgreSQL backend 13.0"));
    EXPECT_TRUE(store_->mayBlock());
    EXPECT_TRUE(store_->available());
}

TEST_F(PgSqlStoreTest, EveryFieldSurvivesTheRoundTrip) {
    Lease4 l = lease(100);
    l.fqdnFwd = true;
    l.fqdnRev = true;
    l.state = LeaseState::Declined;
    l.userContext = {{"ISC", {{"client-classes", {"ALL"}}}}};
    ASSERT_TRUE(store_->add(l));
    auto got = store_->get(l.address);
    ASSERT_TRUE(got);
    EXPECT_EQ(l, *got);
    EXPECT_FALSE(store_->get(Ipv4Address(1)).has_value());
}

TEST_F(PgSqlStoreTest, EveryAcceptedLeaseComesBackIdenticalFromANewConnection) {
    // The same random leases as the memfile property test (separators, line breaks, control
    // characters, quotes and UTF-8 in hostname and user-context), infinite lifetimes included.
    // The database is UTF-8, so every character is stored; a hostname longer than the column's
    // 255 characters is refused by the server (as with Kea) and then nothing is stored.
    test::RandomLeases gen(7, {.infiniteLifetime = true, .poolId = false, .beyondLatin1 = true});
    std::vector<Lease4> added;
    for (uint32_t n = 0; n < 200; ++n) {
        Lease4 l = gen.lease(n);
        try {
            ASSERT_TRUE(store_->add(l)) << l.address.str();
            added.push_back(l);
        } catch (const StoreError& e) {
            EXPECT_FALSE(store_->get(l.address).has_value()) << e.what();
        }
    }
    ASSERT_GT(added.size(), 150u);
    for (size_t i = 0; i < added.size(); i += 3) {
        Lease4 l = added[i];
        l.hostname = gen.text(10);
        l.userContext = gen.object(2);
        l.cltt += 60;
        ASSERT_TRUE(store_->update(l, added[i].expire())) << l.address.str();
        added[i] = l;
    }
    PgSqlLeaseStore reopened(params(), logger());
    for (const Lease4& l : added) {
        auto got = reopened.get(l.address);
        ASSERT_TRUE(got) << l.address.str();
        EXPECT_EQ(l, *got) << l.address.str() << " hostname '" << l.hostname << "' / '"
                           << got->hostname << "' context " << l.userContext.dump() << " / "
                           << got->userContext.dump();
    }
}

TEST_F(PgSqlStoreTest, StoredAsKeaStoresIt) {
    // Kea 2.2 binds a missing client id or hardware address as an empty bytea, a missing user
    // context as '' and the hostname as it is.
    Lease4 l = lease(101);
    l.hostname = "";
    l.clientId.clear();
    l.fqdnFwd = true;
    ASSERT_TRUE(store_->add(l));
    EXPECT_EQ("1700003600", sqlValue("SELECT extract(epoch from expire)::bigint" + where(l)));
    EXPECT_EQ("3600", sqlValue("SELECT valid_lifetime" + where(l)));
    EXPECT_EQ("", sqlValue("SELECT encode(client_id, 'hex')" + where(l)));
    EXPECT_EQ("", sqlValue("SELECT hostname" + where(l)));
    EXPECT_EQ("", sqlValue("SELECT user_context" + where(l)));
    EXPECT_EQ("0200000a0065", sqlValue("SELECT encode(hwaddr, 'hex')" + where(l)));
    EXPECT_EQ("true false 10 0",
              sqlValue("SELECT fqdn_fwd || ' ' || fqdn_rev || ' ' || subnet_id || "
                       "' ' || state" +
                       where(l)));
    EXPECT_EQ(std::to_string(l.address.value()), sqlValue("SELECT address" + where(l)));
}

TEST_F(PgSqlStoreTest, RowsWithNullsReadAsMissingValues) {
    // What another writer (an older Kea, a script) may leave: NULL instead of empty values.
    ASSERT_EQ("no row", sqlValue("INSERT INTO lease4 (address, valid_lifetime, expire, "
                                 "subnet_id) VALUES (2886863460, 3600, "
                                 "to_timestamp(1700003600), 10)"));
    auto got = store_->get(Ipv4Address(2886863460u));
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->hwAddr.empty());
    EXPECT_TRUE(got->clientId.empty());
    EXPECT_EQ("", got->hostname);
    EXPECT_TRUE(got->userContext.is_null());
    EXPECT_EQ(LeaseState::Default, got->state); // the column's default
    EXPECT_EQ(1700000000, got->cltt);
    EXPECT_FALSE(got->fqdnFwd);
}

TEST_F(PgSqlStoreTest, ExpireIsTheSameInstantWhateverTheSessionTimeZone) {
    // libpq sends PGTZ as the session's time zone: the store's writes and its optimistic checks
    // must not depend on it.
    ::setenv("PGTZ", "Asia/Kolkata", 1);
    std::unique_ptr<PgSqlLeaseStore> kolkata;
    try {
        kolkata = std::make_unique<PgSqlLeaseStore>(params(), logger());
    } catch (...) {
        ::unsetenv("PGTZ");
        throw;
    }
    ::unsetenv("PGTZ");
    Lease4 l = lease(105);
    ASSERT_TRUE(kolkata->add(l));
    EXPECT_EQ("1700003600", sqlValue("SELECT extract(epoch from expire)::bigint" + where(l)));
    EXPECT_EQ(l, *store_->get(l.address));
    Lease4 renewed = l;
    renewed.cltt += 60;
    EXPECT_TRUE(store_->update(renewed, l.expire()));
    EXPECT_TRUE(kolkata->remove(renewed));
}

TEST_F(PgSqlStoreTest, InfiniteLifetimeStoresClttAsExpire) {
    Lease4 l = lease(102, 1700000000, Lease4::kInfinite);
    ASSERT_TRUE(store_->add(l));
    EXPECT_EQ("1700000000", sqlValue("SELECT extract(epoch from expire)::bigint" + where(l)));
    EXPECT_EQ("4294967295", sqlValue("SELECT valid_lifetime" + where(l)));
    EXPECT_EQ(l, *store_->get(l.address));
    Lease4 renewed = l;
    renewed.cltt += 60;
    EXPECT_TRUE(store_->update(renewed, l.expire())) << "the expected expire of an infinite lease";
    EXPECT_EQ(renewed, *store_->get(l.address));
    EXPECT_TRUE(store_->remove(renewed));
}

TEST_F(PgSqlStoreTest, ExpireAfter2038IsAStoreError) {
    EXPECT_THROW(store_->add(lease(103, 0x7fffffff, 10)), StoreError);
    EXPECT_EQ(0u, store_->size());
    ASSERT_TRUE(store_->add(lease(104))) << "the connection is still usable";
}

TEST_F(PgSqlStoreTest, TakenAddressIsRefused) {
    ASSERT_TRUE(store_->add(lease(104)));
    Lease4 other = lease(104);
    other.hwAddr.bytes[5] = 0xff;
    EXPECT_FALSE(store_->add(other));
    EXPECT_EQ(1u, store_->size());
    EXPECT_EQ(lease(104), *store_->get(other.address));
}

TEST_F(PgSqlStoreTest, UpdateAndRemoveCheckTheStoredExpire) {
    Lease4 l = lease(105);
    ASSERT_TRUE(store_->add(l));
    Lease4 renewed = l;
    renewed.cltt += 600;
    EXPECT_FALSE(store_->update(renewed, l.expire() + 1)) << "another writer changed the row";
    EXPECT_EQ(l, *store_->get(l.address)) << "a refused update changes nothing";
    EXPECT_TRUE(store_->update(renewed, l.expire()));
    EXPECT_EQ(renewed.cltt, store_->get(l.address)->cltt);
    EXPECT_FALSE(store_->remove(l)) << "l's expire is stale now";
    EXPECT_TRUE(store_->remove(renewed));
    EXPECT_FALSE(store_->update(renewed, renewed.expire())) << "no row any more";
    EXPECT_FALSE(store_->remove(renewed));
}

TEST_F(PgSqlStoreTest, LookupsByClient) {
    Lease4 a = lease(110), b = lease(111);
    a.hostname = "Host-110.Example.org";
    b.subnetId = 20;
    ASSERT_TRUE(store_->add(a));
    ASSERT_TRUE(store_->add(b));
    ASSERT_EQ(1u, store_->getByHwAddr(a.hwAddr).size());
    EXPECT_EQ(a.address, store_->getByHwAddr(a.hwAddr)[0].address);
    EXPECT_TRUE(store_->getByHwAddr(HwAddr{1, {1, 2, 3, 4, 5, 6}}).empty());
    EXPECT_EQ(b.address, store_->getByClientId(b.clientId).at(0).address);
    // As Kea: the caller lower-cases the name, the stored one is compared in lower case.
    ASSERT_EQ(1u, store_->getByHostname("host-110.example.org").size());
    EXPECT_EQ(a, store_->getByHostname("host-110.example.org")[0]);
    EXPECT_TRUE(store_->getByHostname("nobody").empty());
    EXPECT_EQ(b.address, store_->getBySubnet(20).at(0).address);
    EXPECT_TRUE(store_->getBySubnet(30).empty());
    EXPECT_EQ(2u, store_->getAll().size());
}

TEST_F(PgSqlStoreTest, PagesAscendByAddress) {
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
    EXPECT_TRUE(store_->getPage(next.back().address, 10).empty());
}

TEST_F(PgSqlStoreTest, ExpiredOldestFirstWithoutReclaimedOrInfinite) {
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
    EXPECT_EQ(4u, store_->size());
}

TEST_F(PgSqlStoreTest, WipeAndSize) {
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

TEST_F(PgSqlStoreTest, ForEachCrossesPages) {
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

TEST_F(PgSqlStoreTest, ConcurrentWritersEachGetAConnection) {
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

TEST_F(PgSqlStoreTest, StatTableCountsStatesZeroAndOne) {
    Lease4 a = lease(180), b = lease(181);
    b.state = LeaseState::Declined;
    ASSERT_TRUE(store_->add(a));
    ASSERT_TRUE(store_->add(b));
    const std::string declined =
        "SELECT leases FROM lease4_stat WHERE subnet_id = 10 AND state = 1";
    EXPECT_EQ("1", sqlValue(declined));
    Lease4 moved = a;
    moved.subnetId = 20;
    ASSERT_TRUE(store_->update(moved, a.expire()));
    EXPECT_EQ("1", sqlValue("SELECT leases FROM lease4_stat WHERE subnet_id = 20 AND state = 0"));
    ASSERT_TRUE(store_->remove(b));
    EXPECT_EQ("0", sqlValue(declined));
}

TEST_F(PgSqlStoreTest, ClientClassCountsFollowTheUserContext) {
    // Kea's lease limits read lease4_stat_by_client_class, which the triggers keep from
    // user_context's ISC.client-classes for leases in state 0.
    Lease4 l = lease(185);
    l.userContext = {{"ISC", {{"client-classes", {"ALL", "gold"}}}}};
    const std::string gold =
        "SELECT leases FROM lease4_stat_by_client_class WHERE client_class = 'gold'";
    ASSERT_TRUE(store_->add(l));
    EXPECT_EQ("1", sqlValue(gold));
    Lease4 declined = l;
    declined.state = LeaseState::Declined;
    ASSERT_TRUE(store_->update(declined, l.expire()));
    EXPECT_EQ("0", sqlValue(gold));
    ASSERT_TRUE(store_->update(l, declined.expire()));
    EXPECT_EQ("1", sqlValue(gold));
    ASSERT_TRUE(store_->remove(l));
    EXPECT_EQ("0", sqlValue(gold));
    EXPECT_EQ("", sqlValue("SELECT checkLease4Limits('')")) << "Kea 2.2 prepares this call";
}

TEST_F(PgSqlStoreTest, ReadonlyRefusesWrites) {
    auto p = params();
    p.readonly = true;
    PgSqlLeaseStore ro(p, logger());
    EXPECT_THROW(ro.add(lease(190)), StoreError);
    EXPECT_THROW(ro.wipe(0), StoreError);
    EXPECT_EQ(0u, ro.size());
}

TEST_F(PgSqlStoreTest, LostConnectionIsAStoreErrorAndRecovers) {
    auto p = params();
    p.maxReconnectTries = 20;
    p.reconnectWaitTime = 100;
    PgSqlLeaseStore store(p, logger());
    ASSERT_TRUE(store.add(lease(195)));
    // The server ends every other session of this database (what a restart does to them).
    ASSERT_EQ("t", sqlValue("SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()"));
    EXPECT_THROW(store.size(), StoreError);
    EXPECT_FALSE(store.available());
    for (int i = 0; i < 100 && !store.available(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(store.available()) << "recovered";
    EXPECT_EQ(1u, store.size());
}

TEST(PgSqlStoreOpen, MissingSchemaIsAClearError) {
    if (!*env("KAHU_TEST_PGSQL_EMPTY")) {
        GTEST_SKIP() << "run through pgsql_store_test.sh (needs a PostgreSQL server)";
    }
    try {
        PgSqlLeaseStore store(params("KAHU_TEST_PGSQL_EMPTY"), logger());
        FAIL() << "opened a database without a schema";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string::npos, std::string(e.what()).find("kahu-admin db-init pgsql"))
            << e.what();
    }
}

TEST(PgSqlStoreOpen, WrongPasswordIsAClearErrorWithoutThePassword) {
    if (!*env("KAHU_TEST_PGSQL_NAME")) {
        GTEST_SKIP() << "run through pgsql_store_test.sh (needs a PostgreSQL server)";
    }
    auto p = params();
    p.password = "pas-le-bon";
    try {
        PgSqlLeaseStore store(p, logger());
        FAIL() << "connected with a wrong password";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string::npos, std::string(e.what()).find("cannot connect to postgresql://"))
            << e.what();
        EXPECT_EQ(std::string::npos, std::string(e.what()).find("pas-le-bon")) << e.what();
    }
}

// Between the script's Kea 2.2 commands (lease4-add of .201 and .203 before, lease4-get,
// -update and -del of .202 and .204 after): what each writes, the other reads.
class PgSqlInterop : public ::testing::Test {
protected:
    void SetUp() override {
        if (!*env("KAHU_TEST_PGSQL_INTEROP")) {
            GTEST_SKIP() << "run by pgsql_store_test.sh between Kea's commands";
        }
        store_ = std::make_unique<PgSqlLeaseStore>(params(), logger());
    }
    static Lease4 full(uint32_t last, const std::string& name) {
        Lease4 l = lease(last);
        l.fqdnFwd = true;
        l.hostname = name + "-host.example.org";
        l.userContext = {{"ISC", {{"client-classes", {name}}}}};
        return l;
    }
    static Lease4 minimal(uint32_t last) {
        Lease4 l = lease(last);
        l.clientId.clear();
        l.hostname.clear();
        return l;
    }
    std::unique_ptr<PgSqlLeaseStore> store_;
};

TEST_F(PgSqlInterop, ReadsTheLeasesKeaWrote) {
    auto got = store_->get(lease(201).address);
    ASSERT_TRUE(got);
    EXPECT_EQ(full(201, "kea"), *got);
    got = store_->get(lease(203).address);
    ASSERT_TRUE(got);
    EXPECT_EQ(minimal(203), *got);
}

TEST_F(PgSqlInterop, WritesLeasesForKea) {
    ASSERT_TRUE(store_->add(full(202, "kahu")));
    ASSERT_TRUE(store_->add(minimal(204)));
}
