// SPDX-License-Identifier: MPL-2.0
#include "lease/csv_lease_codec.h"
#include "lease/lease_store_factories.h"
#include "lease/memfile_store.h"
#include "lease_test_util.h"

#include <atomic>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/paths.h>
#include <thread>

using namespace kahu;
using kahu::test::fileExists;
using kahu::test::makeLease;
using kahu::test::readFile;
using kahu::test::writeFile;

namespace {

const std::string kHeader = std::string(CsvLeaseCodec::kHeader) + "\n";
const std::string kHeader22 = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,"
                              "fqdn_rev,hostname,state,user_context\n";

class MemfileStoreTest : public ::testing::Test {
protected:
    MemfileConfig config(uint32_t maxRowErrors = 0) {
        MemfileConfig c;
        c.name = dir.file("leases4.csv");
        c.lfcInterval = 0;
        c.maxRowErrors = maxRowErrors;
        return c;
    }
    std::string name() { return dir.file("leases4.csv"); }
    test::TempDir dir;
};

} // namespace

TEST_F(MemfileStoreTest, NewFileGetsHeaderAndEveryChangeIsAppendedAtOnce) {
    MemfileStore store(config());
    Lease4 l = makeLease(1);
    ASSERT_TRUE(store.add(l));
    EXPECT_FALSE(store.add(l)); // address taken
    l.hostname = "renamed";
    ASSERT_TRUE(store.update(l, 0));
    ASSERT_TRUE(store.remove(l));
    EXPECT_FALSE(store.remove(l));
    EXPECT_FALSE(store.update(l, 0));
    Lease4 deleted = l;
    deleted.validLifetime = 0; // Kea's delete row: expire == cltt
    // Read back while the store is still open: nothing may sit in a user-space buffer.
    EXPECT_EQ(readFile(name()), kHeader + CsvLeaseCodec::formatRow(makeLease(1)) +
                                    CsvLeaseCodec::formatRow(l) +
                                    CsvLeaseCodec::formatRow(deleted));
}

TEST_F(MemfileStoreTest, LastRowWinsAndLifetimeZeroDeletes) {
    Lease4 a = makeLease(1), b = makeLease(2), a2 = makeLease(1, 1795409999);
    Lease4 bDel = b;
    bDel.validLifetime = 0;
    Lease4 cDel = makeLease(3);
    cDel.validLifetime = 0; // deleting an unknown address is a no-op
    writeFile(name(), kHeader + CsvLeaseCodec::formatRow(a) + CsvLeaseCodec::formatRow(b) +
                          CsvLeaseCodec::formatRow(a2) + CsvLeaseCodec::formatRow(bDel) +
                          CsvLeaseCodec::formatRow(cDel));
    MemfileStore store(config());
    EXPECT_EQ(store.size(), 1u);
    EXPECT_EQ(store.get(a.address), a2);
    EXPECT_FALSE(store.get(b.address));
    EXPECT_EQ(store.loadReport().badRows, 0u);
}

TEST_F(MemfileStoreTest, LoadsCompletedElseSecondThenFirstThenLiveFile) {
    Lease4 a = makeLease(1, 100), a2 = makeLease(1, 200), a3 = makeLease(1, 300);
    Lease4 b = makeLease(2);
    writeFile(name() + ".2", kHeader + CsvLeaseCodec::formatRow(a) + CsvLeaseCodec::formatRow(b));
    writeFile(name() + ".1", kHeader + CsvLeaseCodec::formatRow(a2));
    {
        MemfileStore store(config());
        EXPECT_EQ(store.get(a.address)->cltt, 200);
        EXPECT_TRUE(store.get(b.address));
    }
    // .completed already holds .2 + .1 merged: .2 and .1 must then be ignored.
    test::TempDir other;
    MemfileConfig c = config();
    c.name = other.file("l.csv");
    writeFile(c.name + ".completed", kHeader + CsvLeaseCodec::formatRow(a3));
    writeFile(c.name + ".2", kHeader + CsvLeaseCodec::formatRow(b));
    writeFile(c.name + ".1", kHeader + CsvLeaseCodec::formatRow(a2));
    MemfileStore store(c);
    EXPECT_EQ(store.size(), 1u);
    EXPECT_EQ(store.get(a.address)->cltt, 300);
}

TEST_F(MemfileStoreTest, CorruptRowsAreSkippedCountedAndReported) {
    Lease4 good = makeLease(1);
    writeFile(name(), kHeader + "10.77.0.999,02:00:00:00:00:01,,10,20,1,0,0,,0,,0\n" +
                          "10.77.0.2,02:00:00:00:00:02,,ten,20,1,0,0,,0,,0\n" +
                          "10.77.0.3,02:00:00:00:00:03,,10,20,1,0,0\n" +
                          CsvLeaseCodec::formatRow(good) + "10.77.0.4,02:00:00:00:00:04,,10,2");
    MemfileStore store(config());
    EXPECT_EQ(store.size(), 1u);
    EXPECT_TRUE(store.get(good.address));
    const auto& report = store.loadReport();
    EXPECT_EQ(report.badRows, 4u);
    ASSERT_EQ(report.warnings.size(), 4u);
    EXPECT_NE(report.warnings[0].find(":2: invalid address"), std::string::npos);
    EXPECT_NE(report.warnings[1].find("valid_lifetime"), std::string::npos);
    EXPECT_NE(report.warnings[2].find("columns"), std::string::npos);
    EXPECT_NE(report.warnings[3].find("truncated"), std::string::npos);
    // The torn tail was cut, so the next row starts on a line of its own.
    Lease4 next = makeLease(5);
    ASSERT_TRUE(store.add(next));
    EXPECT_EQ(readFile(name()).substr(readFile(name()).size() - 2 -
                                      CsvLeaseCodec::formatRow(next).size() + 2),
              CsvLeaseCodec::formatRow(next));
    MemfileStore reloaded(config());
    EXPECT_EQ(reloaded.size(), 2u);
}

TEST_F(MemfileStoreTest, MoreBadRowsThanMaxRowErrorsFailsTheLoad) {
    std::string rows = kHeader;
    for (int i = 0; i < 3; ++i) {
        rows += "bad,row\n";
    }
    writeFile(name(), rows);
    EXPECT_THROW(MemfileStore store(config(2)), StoreError);
    MemfileStore atLimit(config(3));
    EXPECT_EQ(atLimit.loadReport().badRows, 3u);
    MemfileStore unlimited(config(0));
    EXPECT_EQ(unlimited.loadReport().badRows, 3u);
}

TEST_F(MemfileStoreTest, BadHeaderFailsTheLoad) {
    writeFile(name(), "address,duid,valid_lifetime\n");
    EXPECT_THROW(MemfileStore store(config()), StoreError);
}

TEST_F(MemfileStoreTest, Kea22FileIsReadAndCompactedToTheCurrentSchemaBeforeAppending) {
    writeFile(name(), kHeader22 + "10.77.0.1,02:00:00:00:00:01,,3600,1795401193,1,0,0,h,0,\n");
    MemfileStore store(config());
    ASSERT_EQ(store.size(), 1u);
    EXPECT_TRUE(fileExists(name() + ".2"));
    EXPECT_EQ(readFile(name() + ".2"),
              kHeader + "10.77.0.1,02:00:00:00:00:01,,3600,1795401193,1,0,0,h,0,,0\n");
    ASSERT_TRUE(store.add(makeLease(9)));
    EXPECT_EQ(readFile(name()), kHeader + CsvLeaseCodec::formatRow(makeLease(9)));
}

TEST_F(MemfileStoreTest, LfcProducesKeaLayoutAndReloadsIdentically) {
    std::vector<Lease4> expected;
    {
        MemfileStore store(config());
        for (uint32_t i = 20; i > 0; --i) {
            ASSERT_TRUE(store.add(makeLease(i)));
        }
        Lease4 expiredLease = makeLease(3, 1000); // expired long ago: LFC keeps it
        ASSERT_TRUE(store.update(expiredLease, 0));
        ASSERT_TRUE(store.remove(makeLease(5)));
        store.compactNow();
        EXPECT_FALSE(fileExists(name() + ".1"));
        EXPECT_FALSE(fileExists(name() + ".completed"));
        EXPECT_FALSE(fileExists(name() + ".output"));
        EXPECT_FALSE(fileExists(name() + ".pid"));
        EXPECT_EQ(readFile(name()), kHeader); // a fresh live file
        ASSERT_TRUE(store.add(makeLease(30)));
        ASSERT_TRUE(store.remove(makeLease(7)));
        store.compactNow(); // merges the previous .2 with the new .1
        expected = store.getAll();
    }
    // .2 holds every surviving lease once, sorted by address, deleted ones dropped.
    std::string want = kHeader;
    for (const auto& l : expected) {
        want += CsvLeaseCodec::formatRow(l);
    }
    EXPECT_EQ(readFile(name() + ".2"), want);
    EXPECT_EQ(expected.size(), 19u);
    MemfileStore reloaded(config());
    EXPECT_EQ(reloaded.getAll(), expected);
}

TEST_F(MemfileStoreTest, LfcWhileWritersRunLosesNoRows) {
    constexpr uint32_t kPerThread = 1500;
    std::vector<Lease4> expected;
    {
        MemfileStore store(config());
        std::atomic<bool> done{false};
        std::vector<std::thread> writers;
        for (uint32_t t = 0; t < 3; ++t) {
            writers.emplace_back([&, t] {
                for (uint32_t i = 0; i < kPerThread; ++i) {
                    Lease4 l = makeLease(t * 10000 + i);
                    store.add(l);
                    if (i % 3 == 0) {
                        l.cltt += 5;
                        store.update(l, 0);
                    }
                    if (i % 7 == 0) {
                        store.remove(l);
                    }
                }
            });
        }
        std::thread lfc([&] {
            while (!done) {
                store.compactNow();
            }
        });
        for (auto& w : writers) {
            w.join();
        }
        done = true;
        lfc.join();
        expected = store.getAll();
    }
    EXPECT_EQ(expected.size(), 3 * (kPerThread - (kPerThread + 6) / 7));
    MemfileStore reloaded(config());
    EXPECT_EQ(reloaded.loadReport().badRows, 0u);
    EXPECT_EQ(reloaded.getAll(), expected);
}

TEST_F(MemfileStoreTest, PeriodicLfcRunsFromItsOwnThreadAndStopsWithTheStore) {
    MemfileConfig c = config();
    c.lfcInterval = 1;
    MemfileStore store(c);
    ASSERT_TRUE(store.add(makeLease(1)));
    for (int i = 0; i < 40 && !fileExists(name() + ".2"); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(readFile(name() + ".2"), kHeader + CsvLeaseCodec::formatRow(makeLease(1)));
}

TEST_F(MemfileStoreTest, PersistFalseWritesNoFile) {
    MemfileConfig c = config();
    c.persist = false;
    c.lfcInterval = 10;
    {
        MemfileStore store(c);
        ASSERT_TRUE(store.add(makeLease(1)));
        ASSERT_TRUE(store.remove(makeLease(1)));
        ASSERT_TRUE(store.add(makeLease(2)));
        store.compactNow();
        EXPECT_EQ(store.size(), 1u);
    }
    EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST_F(MemfileStoreTest, PagesAscendByAddressFromAnExclusiveStart) {
    MemfileStore store(config());
    for (uint32_t n : {300u, 2u, 1000u, 10u, 9u, 256u}) {
        ASSERT_TRUE(store.add(makeLease(n)));
    }
    auto p1 = store.getPage(Ipv4Address(), 4);
    ASSERT_EQ(p1.size(), 4u);
    EXPECT_EQ(p1[0].address.str(), "10.77.0.2");
    EXPECT_EQ(p1[1].address.str(), "10.77.0.9");
    EXPECT_EQ(p1[2].address.str(), "10.77.0.10");
    EXPECT_EQ(p1[3].address.str(), "10.77.1.0");
    auto p2 = store.getPage(p1.back().address, 4);
    ASSERT_EQ(p2.size(), 2u);
    EXPECT_EQ(p2[0].address.str(), "10.77.1.44");
    EXPECT_EQ(p2[1].address.str(), "10.77.3.232");
    EXPECT_TRUE(store.getPage(p2.back().address, 4).empty());
}

TEST_F(MemfileStoreTest, ExpiredLeasesComeOldestFirstWithoutReclaimedOrInfinite) {
    MemfileStore store(config());
    Lease4 a = makeLease(1, 500), b = makeLease(2, 100), c = makeLease(3, 300);
    Lease4 reclaimed = makeLease(4, 50), infinite = makeLease(5, 0), fresh = makeLease(6, 9000);
    reclaimed.state = LeaseState::ExpiredReclaimed;
    infinite.validLifetime = Lease4::kInfinite;
    for (const auto& l : {a, b, c, reclaimed, infinite, fresh}) {
        ASSERT_TRUE(store.add(l));
    }
    auto now = 9000 + 4000 - 1; // fresh expires at 13000
    auto expired = store.getExpired(now, 0);
    ASSERT_EQ(expired.size(), 3u);
    EXPECT_EQ(expired[0], b);
    EXPECT_EQ(expired[1], c);
    EXPECT_EQ(expired[2], a);
    EXPECT_EQ(store.getExpired(now, 2).size(), 2u);
    // Updating the expire moves the lease in the order.
    b.cltt = 400;
    ASSERT_TRUE(store.update(b, 0));
    EXPECT_EQ(store.getExpired(now, 1)[0], c);
    b.state = LeaseState::ExpiredReclaimed;
    ASSERT_TRUE(store.update(b, 0));
    EXPECT_EQ(store.getExpired(now, 0).size(), 2u);
    EXPECT_EQ(store.flushReclaimed(4400), 1u); // reclaimed (expire 4050), not b (4400)
    EXPECT_TRUE(store.get(b.address));
    EXPECT_FALSE(store.get(reclaimed.address));
}

TEST_F(MemfileStoreTest, SecondaryLookupsFollowChanges) {
    MemfileStore store(config());
    Lease4 a = makeLease(1), b = makeLease(2);
    b.hwAddr = a.hwAddr;
    b.subnetId = 2;
    ASSERT_TRUE(store.add(a));
    ASSERT_TRUE(store.add(b));
    EXPECT_EQ(store.getByHwAddr(a.hwAddr).size(), 2u);
    EXPECT_EQ(store.getByClientId(b.clientId), std::vector<Lease4>{b});
    EXPECT_EQ(store.getByHostname(a.hostname), std::vector<Lease4>{a});
    EXPECT_EQ(store.getBySubnet(2), std::vector<Lease4>{b});
    b.hwAddr = *HwAddr::fromText("0a:0b:0c:0d:0e:0f");
    b.hostname = "";
    ASSERT_TRUE(store.update(b, 0));
    EXPECT_EQ(store.getByHwAddr(a.hwAddr), std::vector<Lease4>{a});
    EXPECT_EQ(store.getByHwAddr(b.hwAddr), std::vector<Lease4>{b});
    EXPECT_EQ(store.wipe(1), 1u);
    EXPECT_TRUE(store.getByHostname(a.hostname).empty());
    EXPECT_EQ(store.wipe(0), 1u);
    EXPECT_EQ(store.size(), 0u);
    MemfileStore reloaded(config());
    EXPECT_EQ(reloaded.size(), 0u);
}

TEST_F(MemfileStoreTest, WriteCsvWritesEveryLeaseCompacted) {
    MemfileStore store(config());
    ASSERT_TRUE(store.add(makeLease(2)));
    ASSERT_TRUE(store.add(makeLease(1)));
    ASSERT_TRUE(store.update(makeLease(2, 77), 0));
    store.writeCsv(dir.file("dump.csv"));
    EXPECT_EQ(readFile(dir.file("dump.csv")), kHeader + CsvLeaseCodec::formatRow(makeLease(1)) +
                                                  CsvLeaseCodec::formatRow(makeLease(2, 77)));
}

TEST_F(MemfileStoreTest, FactoryParsesLeaseDatabaseMap) {
    ::setenv("KAHU_DHCP_DATA_DIR", dir.path().c_str(), 1); // the file may live only there
    registerMemfileStore();
    registerMemfileStore(); // idempotent
    ASSERT_TRUE(LeaseStoreFactories::instance().has("memfile"));
    LeaseStoreParams p;
    p.config = {{"type", "memfile"},
                {"name", name()},
                {"lfc-interval", 0},
                {"max-row-errors", 5},
                {"persist", true}};
    auto store = LeaseStoreFactories::instance().create("memfile", p);
    auto* memfile = dynamic_cast<MemfileStore*>(store.get());
    ASSERT_NE(memfile, nullptr);
    EXPECT_EQ(memfile->config().maxRowErrors, 5u);
    EXPECT_EQ(memfile->config().lfcInterval, 0u);
    EXPECT_TRUE(fileExists(name()));

    EXPECT_EQ(MemfileConfig::fromJson({{"type", "memfile"}}).name, MemfileConfig::defaultName());
    EXPECT_EQ(MemfileConfig::fromJson({{"name", "bare.csv"}}).name, dir.file("bare.csv"));
    EXPECT_THROW(MemfileConfig::fromJson({{"name", "/etc/leases.csv"}}), PathError);
    EXPECT_EQ(MemfileConfig::fromJson({{"name", "/etc/x.csv"}, {"persist", false}}).name,
              "/etc/x.csv"); // no file, nothing to confine
    EXPECT_EQ(MemfileConfig::fromJson({{"name", ""}}).lfcInterval, 3600u);
    EXPECT_THROW(MemfileConfig::fromJson({{"persist", "yes"}}), Error);
    EXPECT_THROW(MemfileConfig::fromJson({{"lfc-interval", -1}}), Error);
    EXPECT_THROW(MemfileConfig::fromJson({{"max-row-errors", "3"}}), Error);

    // A configuration check touches no file.
    p.checkOnly = true;
    p.config["name"] = dir.file("check.csv");
    auto checked = LeaseStoreFactories::instance().create("memfile", p);
    EXPECT_FALSE(fileExists(dir.file("check.csv")));
    ::unsetenv("KAHU_DHCP_DATA_DIR");
}
