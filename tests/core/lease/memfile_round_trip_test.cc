// SPDX-License-Identifier: MPL-2.0
// Property: every lease the store accepted is there, identical, after a restart, after an LFC
// and in a lease4-write copy, whatever its text fields hold.
#include "lease/csv_lease_codec.h"
#include "lease/memfile_store.h"
#include "lease_test_util.h"
#include "random_lease.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>

using namespace kahu;

namespace {

using Expected = std::map<uint32_t, Lease4>;

MemfileConfig configFor(const std::string& name) {
    MemfileConfig c;
    c.name = name;
    c.lfcInterval = 0;
    return c;
}

void expectSame(const MemfileStore& store, const Expected& expected) {
    EXPECT_EQ(store.loadReport().badRows, 0u);
    ASSERT_EQ(store.size(), expected.size());
    for (const auto& [address, lease] : expected) {
        auto got = store.get(Ipv4Address(address));
        ASSERT_TRUE(got) << Ipv4Address(address).str();
        EXPECT_EQ(*got, lease) << CsvLeaseCodec::formatRow(lease) << CsvLeaseCodec::formatRow(*got);
        if (got->userContext != lease.userContext) {
            ADD_FAILURE() << lease.userContext.dump() << " != " << got->userContext.dump();
        }
    }
}

// Adds, updates and deletes random leases, tracking what the store must hold.
void churn(MemfileStore& store, test::RandomLeases& gen, uint32_t count, Expected& expected) {
    for (uint32_t n = 0; n < count; ++n) {
        Lease4 l = gen.lease(n);
        ASSERT_TRUE(store.add(l)) << l.address.str();
        expected[l.address.value()] = l;
    }
    for (uint32_t n = 0; n < count; n += 3) {
        Lease4 l = gen.lease(n); // same address, every other field drawn again
        ASSERT_TRUE(store.update(l, expected[l.address.value()].expire()));
        expected[l.address.value()] = l;
    }
    for (uint32_t n = 1; n < count; n += 7) {
        ASSERT_TRUE(store.remove(expected[Ipv4Address(0x0a000000u + n).value()]));
        expected.erase(0x0a000000u + n);
    }
}

} // namespace

TEST(MemfileRoundTrip, EveryAcceptedLeaseSurvivesRestartLfcAndLeaseWrite) {
    for (uint32_t seed : {1u, 2u, 3u, 4u, 5u}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        test::TempDir dir;
        const std::string file = dir.file("leases4.csv");
        test::RandomLeases gen(seed);
        Expected expected;
        {
            MemfileStore store(configFor(file));
            churn(store, gen, 400, expected);
            store.writeCsv(dir.file("copy.csv"));
        }
        {
            MemfileStore restarted(configFor(file));
            expectSame(restarted, expected);
            restarted.compactNow();
        }
        expectSame(MemfileStore(configFor(file)), expected);
        expectSame(MemfileStore(configFor(dir.file("copy.csv"))), expected);
    }
}

TEST(MemfileRoundTrip, LineBreakInHostnameStaysInItsRow) {
    test::TempDir dir;
    Lease4 l = test::makeLease(1);
    l.hostname = "evil\n10.77.0.9,02:00:00:00:00:09,,3600,1795409999,1,0,0,,0,";
    l.userContext = {{"note\n", "a,b&c\r\n"}};
    {
        MemfileStore store(configFor(dir.file("l.csv")));
        ASSERT_TRUE(store.add(l));
    }
    const std::string text = test::readFile(dir.file("l.csv"));
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text; // header + one row
    EXPECT_NE(text.find("evil&#x0a10.77.0.9&#x2c"), std::string::npos) << text;
    MemfileStore restarted(configFor(dir.file("l.csv")));
    EXPECT_EQ(restarted.size(), 1u);
    EXPECT_EQ(restarted.get(l.address), l);
}

TEST(MemfileRoundTrip, KeaEscapedUtf8InUserContextReadsBackAsTheSameText) {
    // Kea 2.2 writes "é" in a user-context string as \u00c3\u00a9 (one escape per byte).
    test::TempDir dir;
    Lease4 l = test::makeLease(1);
    l.userContext = {{"name", "café"}};
    const std::string row = CsvLeaseCodec::formatRow(l);
    EXPECT_NE(row.find("caf\\u00c3\\u00a9"), std::string::npos) << row;
    test::writeFile(dir.file("l.csv"), std::string(CsvLeaseCodec::kHeader) + "\n" + row);
    MemfileStore store(configFor(dir.file("l.csv")));
    EXPECT_EQ(store.get(l.address)->userContext, l.userContext);
}
