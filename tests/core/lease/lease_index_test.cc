// SPDX-License-Identifier: MPL-2.0
#include "lease/address_block_index.h"
#include "lease/csv_lease_codec.h"
#include "lease/csv_lease_file.h"
#include "lease/lease_index.h"
#include "lease/memfile_store.h"
#include "lease/slot_hash_table.h"
#include "lease_test_util.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <random>

using namespace kahu;
using kahu::test::makeLease;

namespace {

std::vector<uint32_t> visitFrom(const AddressBlockIndex& index, uint64_t first, size_t limit) {
    std::vector<uint32_t> out;
    index.visitFrom(first, [&](uint32_t address, uint32_t) {
        out.push_back(address);
        return out.size() < limit;
    });
    return out;
}

std::vector<uint32_t> findAll(const SlotHashTable& table, uint32_t hash) {
    std::vector<uint32_t> out;
    table.find(
        hash, [](uint32_t) { return true; }, [&](uint32_t slot) { out.push_back(slot); });
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<uint8_t> bytes(size_t n, uint8_t seed) {
    std::vector<uint8_t> out(n);
    for (size_t i = 0; i < n; ++i) {
        out[i] = uint8_t(seed + i);
    }
    return out;
}

} // namespace

TEST(AddressBlockIndex, PagesAscendAcrossBlockBoundaries) {
    AddressBlockIndex index;
    std::vector<uint32_t> addresses = {0, 62, 63, 64, 65, 127, 128, 4096, 0xfffffffe, 0xffffffff};
    for (uint32_t a : addresses) {
        ASSERT_TRUE(index.insert(a, a ^ 0x55));
    }
    EXPECT_FALSE(index.insert(64, 1)) << "an address is held once";
    EXPECT_EQ(index.size(), addresses.size());
    EXPECT_EQ(index.find(64), 64u ^ 0x55);
    EXPECT_FALSE(index.find(66).has_value());

    EXPECT_EQ(visitFrom(index, 63, 3), (std::vector<uint32_t>{63, 64, 65}));
    EXPECT_EQ(visitFrom(index, 66, 2), (std::vector<uint32_t>{127, 128}));
    EXPECT_EQ(visitFrom(index, 129, 10), (std::vector<uint32_t>{4096, 0xfffffffe, 0xffffffff}));
    EXPECT_TRUE(visitFrom(index, uint64_t(1) << 32, 10).empty());
    std::vector<uint32_t> all;
    index.visitAll([&](uint32_t a, uint32_t) { all.push_back(a); });
    EXPECT_EQ(all, addresses);
}

TEST(AddressBlockIndex, EraseReturnsTheSlotAndDropsEmptyBlocks) {
    AddressBlockIndex index;
    index.insert(64, 7);
    index.insert(65, 8);
    EXPECT_EQ(index.erase(64), 7u);
    EXPECT_FALSE(index.erase(64).has_value());
    EXPECT_EQ(index.erase(65), 8u);
    EXPECT_EQ(index.size(), 0u);
    EXPECT_TRUE(visitFrom(index, 0, 10).empty());
    EXPECT_TRUE(index.insert(64, 9));
    EXPECT_EQ(index.find(64), 9u);
}

TEST(SlotHashTable, DuplicateKeysAreAllFoundAndDeletedOneByOne) {
    SlotHashTable table;
    // One run that stays inside the table (home 0) and one that wraps around its end.
    for (uint32_t kA : {0x100u, 0x10eu}) {
        const uint32_t kB = kA + 1;
        table.clear();
        for (uint32_t slot = 0; slot < 10; ++slot) {
            table.insert(kA, slot);
        }
        table.insert(kB, 100); // lands inside the run of kAs
        EXPECT_EQ(findAll(table, kA), (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        EXPECT_TRUE(table.erase(kA, 3));
        EXPECT_FALSE(table.erase(kA, 3));
        EXPECT_TRUE(table.erase(kA, 0));
        EXPECT_EQ(findAll(table, kA), (std::vector<uint32_t>{1, 2, 4, 5, 6, 7, 8, 9}));
        EXPECT_EQ(findAll(table, kB), (std::vector<uint32_t>{100}));
        EXPECT_EQ(table.size(), 9u);
    }
}

TEST(SlotHashTable, MatchesAMultimapUnderRandomInsertsAndDeletes) {
    // Few distinct hashes, so that runs are long, wrap around the table's end and shift back.
    SlotHashTable table;
    std::multimap<uint32_t, uint32_t> reference;
    std::map<uint32_t, uint32_t> hashOf;
    std::mt19937 rng(7);
    uint32_t nextSlot = 0;
    for (int step = 0; step < 20000; ++step) {
        if (hashOf.empty() || rng() % 3 != 0) {
            uint32_t hash = (rng() % 40) | (rng() % 2 ? 0xfffffff0u : 0);
            table.insert(hash, nextSlot);
            reference.emplace(hash, nextSlot);
            hashOf[nextSlot++] = hash;
        } else {
            auto it = hashOf.begin();
            std::advance(it, rng() % hashOf.size());
            ASSERT_TRUE(table.erase(it->second, it->first));
            auto range = reference.equal_range(it->second);
            for (auto r = range.first; r != range.second; ++r) {
                if (r->second == it->first) {
                    reference.erase(r);
                    break;
                }
            }
            hashOf.erase(it);
        }
    }
    ASSERT_EQ(table.size(), reference.size());
    std::map<uint32_t, bool> seen;
    for (const auto& [hash, slot] : reference) {
        if (seen[hash]) {
            continue;
        }
        seen[hash] = true;
        std::vector<uint32_t> expected;
        auto range = reference.equal_range(hash);
        for (auto r = range.first; r != range.second; ++r) {
            expected.push_back(r->second);
        }
        std::sort(expected.begin(), expected.end());
        EXPECT_EQ(findAll(table, hash), expected) << "hash " << hash;
    }
}

TEST(LeaseIndex, LongHwAddressAndClientIdOverflowAndRoundTrip) {
    LeaseIndex index;
    Lease4 l = makeLease(1);
    l.hwAddr.htype = 32;
    l.hwAddr.bytes = bytes(20, 0x10); // 20 + 40 > the 24 bytes kept inline
    l.clientId = bytes(40, 0x80);
    ASSERT_TRUE(index.insert(l));
    EXPECT_EQ(index.get(l.address), l);
    EXPECT_EQ(index.get(l.address)->hwAddr.htype, 32);
    EXPECT_EQ(index.byHwAddr(l.hwAddr), std::vector<Lease4>{l});
    EXPECT_EQ(index.byClientId(l.clientId), std::vector<Lease4>{l});

    // Back to inline, then overflow again with other bytes: old keys must not match.
    Lease4 shortIds = l;
    shortIds.hwAddr.bytes = bytes(6, 1);
    shortIds.clientId = bytes(7, 2);
    ASSERT_TRUE(index.replace(shortIds));
    EXPECT_TRUE(index.byHwAddr(l.hwAddr).empty());
    EXPECT_TRUE(index.byClientId(l.clientId).empty());
    EXPECT_EQ(index.byClientId(shortIds.clientId), std::vector<Lease4>{shortIds});
    Lease4 longAgain = l;
    longAgain.clientId = bytes(255, 3);
    ASSERT_TRUE(index.replace(longAgain));
    EXPECT_EQ(index.get(l.address), longAgain);
    EXPECT_EQ(index.byClientId(longAgain.clientId), std::vector<Lease4>{longAgain});
    EXPECT_EQ(index.erase(l.address), longAgain);
    EXPECT_TRUE(index.byHwAddr(l.hwAddr).empty());
    EXPECT_EQ(index.size(), 0u);
}

TEST(LeaseIndex, HostnamesAreIndexedWithDuplicatesAndFollowUpdates) {
    LeaseIndex index;
    Lease4 a = makeLease(1), b = makeLease(2), c = makeLease(3);
    b.hostname = a.hostname;
    c.hostname = "";
    ASSERT_TRUE(index.insert(b));
    ASSERT_TRUE(index.insert(a));
    ASSERT_TRUE(index.insert(c));
    EXPECT_EQ(index.byHostname(a.hostname), (std::vector<Lease4>{a, b})) << "ascending";
    EXPECT_TRUE(index.byHostname("").empty()) << "no hostname is not a key";
    b.hostname = "other.example.org";
    ASSERT_TRUE(index.replace(b));
    EXPECT_EQ(index.byHostname(a.hostname), std::vector<Lease4>{a});
    EXPECT_EQ(index.byHostname("other.example.org"), std::vector<Lease4>{b});
    ASSERT_TRUE(index.discard(a.address));
    EXPECT_TRUE(index.byHostname(a.hostname).empty());
    // The freed slot and hostname id are reused without leaking the old name.
    Lease4 d = makeLease(4);
    ASSERT_TRUE(index.insert(d));
    EXPECT_EQ(index.get(d.address), d);
    EXPECT_EQ(index.byHostname(d.hostname), std::vector<Lease4>{d});
    EXPECT_TRUE(index.byHostname(a.hostname).empty());
}

TEST(LeaseIndex, UserContextRoundTripsInMemoryAndThroughTheFile) {
    test::TempDir dir;
    MemfileConfig config;
    config.name = dir.file("leases4.csv");
    config.lfcInterval = 0;
    Lease4 l = makeLease(1);
    l.userContext = {{"ISC", {{"relay-agent-info", {{"sub-options", "0x0104AABBCCDD"}}}}},
                     {"n", 5}};
    Lease4 plain = makeLease(2);
    {
        MemfileStore store(config);
        ASSERT_TRUE(store.add(l));
        ASSERT_TRUE(store.add(plain));
        EXPECT_EQ(store.get(l.address), l);
        EXPECT_TRUE(store.get(plain.address)->userContext.is_null());
    }
    MemfileStore reloaded(config);
    EXPECT_EQ(reloaded.get(l.address), l);
    EXPECT_EQ(reloaded.get(plain.address), plain);
    Lease4 cleared = l;
    cleared.userContext = nullptr;
    ASSERT_TRUE(reloaded.update(cleared, 0));
    EXPECT_EQ(reloaded.get(l.address), cleared);
}

TEST(LeaseIndex, ExpiredAndReclaimedScansFollowStateChanges) {
    LeaseIndex index;
    for (uint32_t n = 0; n < 200; ++n) {
        ASSERT_TRUE(index.insert(makeLease(n, 1000 - int64_t(n % 50))));
    }
    auto oldest = index.expired(1000 + 4000, 3);
    ASSERT_EQ(oldest.size(), 3u);
    // cltt 951 for n = 49, 99, 149, 199: oldest first, then by address.
    EXPECT_EQ(oldest[0].address, makeLease(49).address);
    EXPECT_EQ(oldest[1].address, makeLease(99).address);
    EXPECT_EQ(oldest[2].address, makeLease(149).address);
    Lease4 reclaimed = makeLease(49, 951);
    reclaimed.state = LeaseState::ExpiredReclaimed;
    ASSERT_TRUE(index.replace(reclaimed));
    EXPECT_EQ(index.expired(1000 + 4000, 1)[0].address, makeLease(99).address);
    EXPECT_EQ(index.reclaimedBefore(951 + 4000 + 1), std::vector<Ipv4Address>{reclaimed.address});
    EXPECT_TRUE(index.reclaimedBefore(951 + 4000).empty());
}

TEST(LeaseIndex, PageCrossesBlocksAndSnapshotsAreIndependent) {
    LeaseIndex index;
    for (uint32_t n = 60; n < 140; n += 2) {
        ASSERT_TRUE(index.insert(makeLease(n)));
    }
    auto page = index.page(makeLease(61).address, 3);
    ASSERT_EQ(page.size(), 3u);
    EXPECT_EQ(page[0].address, makeLease(62).address);
    EXPECT_EQ(page[2].address, makeLease(66).address); // 10.77.0.64 starts a new block
    LeaseIndex copy = index;
    ASSERT_TRUE(index.discard(makeLease(62).address));
    EXPECT_EQ(copy.size(), index.size() + 1);
    EXPECT_EQ(copy.get(makeLease(62).address), makeLease(62));
}

TEST(CsvLeaseCodec, FastRowParserAgreesWithTheFullParser) {
    const std::vector<std::string> rows = {
        "10.0.0.1,02:6b:00:00:00:01,01:02:6b:00:00:00:01,86400,1795486400,10,0,0,,0,,0",
        "10.0.0.2,02:6B:0a:00:00:01,,4000,1795404000,1,1,0,a&#x2cb.example.org,1,,7",
        "10.0.0.3,,ff:01,0,1795400000,1,0,1,host,2,,0",
        "10.0.0.4,2:6b:0:0:0:1,01,86400,1795486400,10,0,0,,0,,0",                // short groups
        "10.0.0.5,026b00000001,0x01aa,86400,1795486400,10,0,0,,0,,0",            // no separators
        "10.0.0.6,02:6b:00:00:00:01,,86400,1795486400,10,0,0,,0,{ \"a\": 1 },0", // context
        "10.0.0.7,,,86400,1795486400,10,0,0,,0,,0",                              // no identifier
        "10.0.0.8,,,86400,1795486400,10,0,0,,1,,0",                              // declined
        "10.0.0.9,02:6b:00:00:00:01,,86400,1795486400,10,2,0,,0,,0",             // bad fqdn flag
        "10.0.0.10,02:6b:00:00:00:01,,86400,1795486400,10,0,0,,3,,0",            // bad state
        "10.0.0.256,02:6b:00:00:00:01,,86400,1795486400,10,0,0,,0,,0",           // bad address
        "10.0.0.11,02:6b:00:00:00:01,,-1,1795486400,10,0,0,,0,,0",               // bad lifetime
        "10.0.0.12,02:6b:00:00:00:01,,86400,1795486400,10,0,0,,0,,0,9",          // extra column
    };
    Lease4 fast;
    fast.userContext = {{"stale", true}}; // leftovers of a previous row must not survive
    fast.hostname = "stale";
    for (const auto& row : rows) {
        std::string error;
        auto full = CsvLeaseCodec::parseRow(row, CsvLeaseCodec::kColumns, &error);
        bool ok = CsvLeaseCodec::parseRowFast(row, CsvLeaseCodec::kColumns, fast);
        if (ok) {
            ASSERT_TRUE(full.has_value()) << row;
            EXPECT_EQ(fast, *full) << row;
        }
    }
    // The common forms must take the fast path.
    EXPECT_TRUE(CsvLeaseCodec::parseRowFast(rows[0], CsvLeaseCodec::kColumns, fast));
    EXPECT_TRUE(CsvLeaseCodec::parseRowFast(rows[1], CsvLeaseCodec::kColumns, fast));
    EXPECT_EQ(fast.hostname, "a,b.example.org");
    EXPECT_TRUE(fast.userContext.is_null());
    EXPECT_TRUE(CsvLeaseCodec::parseRowFast(rows[7], CsvLeaseCodec::kColumns, fast));
    EXPECT_FALSE(CsvLeaseCodec::parseRowFast(rows[6], CsvLeaseCodec::kColumns, fast));
}

TEST(CsvLeaseFile, RowsAcrossReadChunksLoadWhole) {
    // More than one 4 MiB read: some row straddles the chunk boundary.
    test::TempDir dir;
    std::string text(CsvLeaseCodec::kHeader);
    text += '\n';
    std::vector<Lease4> leases;
    for (uint32_t n = 0; n < 70000; ++n) {
        Lease4 l = makeLease(n);
        l.hostname = "h" + std::to_string(n) + (n % 7 ? "" : ",comma");
        leases.push_back(l);
        CsvLeaseCodec::appendRow(text, l);
    }
    ASSERT_GT(text.size(), size_t(4) << 20);
    test::writeFile(dir.file("leases4.csv"), text);
    LeaseIndex index;
    LeaseLoadReport report;
    CsvLeaseFile::load(dir.file("leases4.csv"), index, report, 0);
    EXPECT_EQ(report.rows, leases.size());
    EXPECT_EQ(report.badRows, 0u);
    ASSERT_EQ(index.size(), leases.size());
    size_t same = 0;
    index.forEach([&](const Lease4& l) { same += l == leases[l.address.value() - 0x0a4d0000u]; });
    EXPECT_EQ(same, leases.size());
}
