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

} // namespace
} // namespace kahu
