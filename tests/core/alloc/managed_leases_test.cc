// SPDX-License-Identifier: MPL-2.0
// The SDK's Leases (what lease commands and HA write through): atomic read-modify-write per
// address, statistics kept by the LeaseManager underneath, and ServerAccess installation.
#include "../dhcp4/fake_lease_store.h"
#include "alloc/managed_leases.h"

#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/stats.h>
#include <thread>

namespace kahu {
namespace {

Ipv4Address ip(const char* t) {
    return *Ipv4Address::fromText(t);
}

std::shared_ptr<ServerConfig> config() {
    auto c = std::make_shared<ServerConfig>();
    Subnet s;
    s.id = 77;
    s.prefix = {ip("10.77.0.0"), 24};
    Pool p;
    p.first = ip("10.77.0.10");
    p.last = ip("10.77.0.200");
    s.pools = {p};
    c->subnets.push_back(s);
    return c;
}

Lease4 lease(const char* a, LeaseState state = LeaseState::Default) {
    Lease4 l;
    l.address = ip(a);
    l.hwAddr = *HwAddr::fromText("02:00:00:00:77:01");
    l.subnetId = 77;
    l.cltt = 1000;
    l.validLifetime = 3600;
    l.state = state;
    return l;
}

int64_t stat(const std::string& n) {
    return Statistics::instance().get(n);
}

struct ManagedLeasesTest : ::testing::Test {
    std::shared_ptr<test::FakeLeaseStore> store = std::make_shared<test::FakeLeaseStore>();
    std::shared_ptr<LeaseManager> manager = std::make_shared<LeaseManager>(store);
    ManagedLeases leases;
    void SetUp() override {
        manager->configure(config());
        leases.set(manager);
    }
};

TEST_F(ManagedLeasesTest, AddRefusesATakenAddressAndKeepsStatistics) {
    ASSERT_TRUE(leases.add(lease("10.77.0.10")));
    EXPECT_FALSE(leases.add(lease("10.77.0.10")));
    EXPECT_EQ(stat("subnet[77].assigned-addresses"), 1);
    EXPECT_EQ(store->size(), 1u);
}

TEST_F(ManagedLeasesTest, ModifyReplacesTheWholeRecordAndMovesStatistics) {
    ASSERT_TRUE(leases.add(lease("10.77.0.11")));
    bool ok = leases.modify(ip("10.77.0.11"), [](std::optional<Lease4>& l) {
        EXPECT_TRUE(l.has_value());
        l->state = LeaseState::Declined;
        l->hostname = "x";
        return Leases::Action::Store;
    });
    ASSERT_TRUE(ok);
    EXPECT_EQ(leases.get(ip("10.77.0.11"))->hostname, "x");
    EXPECT_EQ(stat("subnet[77].declined-addresses"), 1);
    EXPECT_EQ(stat("subnet[77].assigned-addresses"), 1);
}

TEST_F(ManagedLeasesTest, RemoveReturnsWhatWasThereAndNothingTwice) {
    ASSERT_TRUE(leases.add(lease("10.77.0.12")));
    auto removed = leases.remove(ip("10.77.0.12"));
    ASSERT_TRUE(removed.has_value());
    EXPECT_EQ(removed->address, ip("10.77.0.12"));
    EXPECT_FALSE(leases.remove(ip("10.77.0.12")).has_value());
    EXPECT_EQ(stat("subnet[77].assigned-addresses"), 0);
}

TEST_F(ManagedLeasesTest, StoringUnderAnotherAddressIsRefusedAndChangesNothing) {
    EXPECT_THROW(leases.modify(ip("10.77.0.13"),
                               [](std::optional<Lease4>& l) {
                                   l = lease("10.77.0.14");
                                   return Leases::Action::Store;
                               }),
                 Error);
    EXPECT_EQ(store->size(), 0u);
}

TEST_F(ManagedLeasesTest, ConcurrentAddsOfOneAddressHaveOneWinner) {
    std::atomic<int> wins{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 100; ++i) {
                std::string a = "10.77.0." + std::to_string(20 + i);
                if (leases.add(lease(a.c_str()))) {
                    ++wins;
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(wins.load(), 100);
    EXPECT_EQ(stat("subnet[77].assigned-addresses"), 100);
}

TEST(ManagedLeasesEmpty, ThrowsStoreErrorWithoutAStore) {
    ManagedLeases leases;
    EXPECT_THROW(leases.get(ip("10.0.0.1")), StoreError);
}

} // namespace
} // namespace kahu
