// SPDX-License-Identifier: MPL-2.0
#include "alloc/pool_allocator.h"

#include <gtest/gtest.h>
#include <set>

namespace kahu {
namespace {

Pool makePool(const char* first, const char* last) {
    Pool p;
    p.first = *Ipv4Address::fromText(first);
    p.last = *Ipv4Address::fromText(last);
    return p;
}

auto any = [](Ipv4Address) { return true; };

TEST(PoolAllocator, IterativeHandsOutAscendingAddressesAndWraps) {
    PoolAllocator pa(makePool("10.0.0.100", "10.0.0.103"), AllocatorType::Iterative);
    std::vector<std::string> got;
    for (int i = 0; i < 4; ++i) {
        auto a = pa.pick(any);
        ASSERT_TRUE(a);
        got.push_back(a->str());
        pa.markUsed(*a);
    }
    EXPECT_EQ(got,
              (std::vector<std::string>{"10.0.0.100", "10.0.0.101", "10.0.0.102", "10.0.0.103"}));
    EXPECT_FALSE(pa.pick(any));
    pa.markFree(*Ipv4Address::fromText("10.0.0.101"));
    auto again = pa.pick(any);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->str(), "10.0.0.101");
}

TEST(PoolAllocator, SkipsAddressesTheCallerRejects) {
    PoolAllocator pa(makePool("10.0.0.1", "10.0.0.10"), AllocatorType::Iterative);
    auto a = pa.pick([](Ipv4Address x) { return x.str() != "10.0.0.1" && x.str() != "10.0.0.2"; });
    ASSERT_TRUE(a);
    EXPECT_EQ(a->str(), "10.0.0.3");
}

TEST(PoolAllocator, FindsTheLastFreeAddressOfALargePoolQuickly) {
    // 65536 addresses, all used but one far from the cursor: found through the summary bitmap.
    PoolAllocator pa(makePool("10.1.0.0", "10.1.255.255"), AllocatorType::Iterative);
    for (uint32_t v = 0x0a010000; v <= 0x0a01ffff; ++v) {
        pa.markUsed(Ipv4Address(v));
    }
    EXPECT_EQ(pa.freeCount(), 0u);
    EXPECT_FALSE(pa.pick(any));
    pa.markFree(*Ipv4Address::fromText("10.1.7.9"));
    auto a = pa.pick(any);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->str(), "10.1.7.9");
}

TEST(PoolAllocator, OddSizedPoolNeverHandsOutAddressesPastItsEnd) {
    PoolAllocator pa(makePool("10.0.0.1", "10.0.0.70"), AllocatorType::Random);
    std::set<uint32_t> seen;
    for (int i = 0; i < 70; ++i) {
        auto a = pa.pick(any);
        ASSERT_TRUE(a);
        EXPECT_TRUE(pa.contains(*a));
        EXPECT_TRUE(seen.insert(a->value()).second);
        pa.markUsed(*a);
    }
    EXPECT_FALSE(pa.pick(any));
}

TEST(PoolAllocator, PartsCutThePoolIntoContiguousNearlyEqualRanges) {
    auto range = [](const PoolAllocator& pa, uint32_t i, uint32_t n) {
        auto r = pa.part(i, n);
        return std::pair(r.begin, r.end);
    };
    PoolAllocator ten(makePool("10.0.0.1", "10.0.0.10"), AllocatorType::Iterative);
    EXPECT_EQ(range(ten, 0, 2), std::pair(0u, 5u));
    EXPECT_EQ(range(ten, 1, 2), std::pair(5u, 10u));
    EXPECT_EQ(range(ten, 0, 1), std::pair(0u, 10u));
    PoolAllocator five(makePool("10.0.0.1", "10.0.0.5"), AllocatorType::Iterative);
    EXPECT_EQ(range(five, 0, 2), std::pair(0u, 2u));
    EXPECT_EQ(range(five, 1, 2), std::pair(2u, 5u));
    PoolAllocator one(makePool("10.0.0.1", "10.0.0.1"), AllocatorType::Iterative);
    EXPECT_TRUE(one.part(0, 2).empty()) << "a one-address pool is the second server's";
    EXPECT_EQ(range(one, 1, 2), std::pair(0u, 1u));
    // A /8: no overflow in size × index.
    PoolAllocator big(makePool("10.0.0.0", "10.255.255.255"), AllocatorType::Iterative);
    EXPECT_EQ(range(big, 1, 2), std::pair(1u << 23, 1u << 24));
}

TEST(PoolAllocator, PickInARangeStaysInItAndWrapsInsideIt) {
    PoolAllocator pa(makePool("10.0.0.0", "10.0.0.9"), AllocatorType::Iterative);
    const auto upper = pa.part(1, 2); // 10.0.0.5 - 10.0.0.9
    std::vector<std::string> got;
    for (int i = 0; i < 5; ++i) {
        auto a = pa.pick(any, 64, upper);
        ASSERT_TRUE(a);
        got.push_back(a->str());
        pa.markUsed(*a);
    }
    EXPECT_EQ(got, (std::vector<std::string>{"10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8",
                                             "10.0.0.9"}));
    EXPECT_FALSE(pa.pick(any, 64, upper)) << "the range is full though the pool is not";
    EXPECT_EQ(pa.freeCount(), 5u);
    EXPECT_EQ(pa.pick(any, 64, pa.part(0, 2))->str(), "10.0.0.0");
    pa.markFree(*Ipv4Address::fromText("10.0.0.7"));
    EXPECT_EQ(pa.pick(any, 64, upper)->str(), "10.0.0.7");
}

TEST(PoolAllocator, RandomPicksStayInTheirRange) {
    PoolAllocator pa(makePool("10.0.0.0", "10.0.3.255"), AllocatorType::Random);
    const auto lower = pa.part(0, 2);
    std::set<uint32_t> seen;
    for (int i = 0; i < 300; ++i) {
        auto a = pa.pick(any, 64, lower);
        ASSERT_TRUE(a);
        ASSERT_LT(a->value() - 0x0a000000u, lower.end);
        seen.insert(a->value());
        pa.markUsed(*a);
    }
    EXPECT_EQ(seen.size(), 300u);
}

// Ranged search against a plain scan: random pools, random used addresses, random ranges
// and cursors. Iterative order: the first free offset of the range at or after the last
// pick + 1, wrapping within the range.
TEST(PoolAllocator, RangedSearchMatchesAPlainScan) {
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    auto rnd = [&](uint32_t n) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        return static_cast<uint32_t>(seed % n);
    };
    for (int round = 0; round < 400; ++round) {
        const uint32_t size = 1 + rnd(round % 4 == 0 ? 9000 : 300);
        Pool pool = makePool("10.0.0.0", "10.0.0.0");
        pool.last = Ipv4Address(0x0a000000u + size - 1);
        PoolAllocator pa(pool, AllocatorType::Iterative);
        std::vector<bool> used(size, false);
        const uint32_t density = rnd(101); // percent used
        for (uint32_t o = 0; o < size; ++o) {
            if (rnd(100) < density) {
                used[o] = true;
                pa.markUsed(Ipv4Address(0x0a000000u + o));
            }
        }
        const uint32_t parts = 1 + rnd(3);
        const uint32_t index = rnd(parts);
        const auto r = pa.part(index, parts);
        // Move the cursor somewhere by picking once in the whole pool.
        uint32_t cursor = 0;
        if (auto a = pa.pick(any, 1)) {
            cursor = a->value() - 0x0a000000u + 1;
        } else {
            cursor = 0;
        }
        std::optional<uint32_t> want;
        if (!r.empty()) {
            uint32_t from = (cursor >= r.begin && cursor < r.end) ? cursor : r.begin;
            for (uint32_t k = 0; k < r.end - r.begin && !want; ++k) {
                uint32_t o = r.begin + (from - r.begin + k) % (r.end - r.begin);
                if (!used[o]) {
                    want = o;
                }
            }
        }
        auto got = pa.pick(any, 1, r);
        ASSERT_EQ(got.has_value(), want.has_value())
            << "round " << round << " size " << size << " range " << r.begin << "-" << r.end;
        if (want) {
            ASSERT_EQ(got->value() - 0x0a000000u, *want) << "round " << round << " size " << size;
        }
    }
}

} // namespace
} // namespace kahu
