// SPDX-License-Identifier: MPL-2.0
#include "../dhcp4/fake_lease_store.h"
#include "alloc/lease_manager.h"

#include <gtest/gtest.h>
#include <kahu/stats.h>

namespace kahu {
namespace {

Ipv4Address ip(const char* t) {
    return *Ipv4Address::fromText(t);
}

std::shared_ptr<ServerConfig> twoPoolConfig() {
    auto c = std::make_shared<ServerConfig>();
    Subnet s;
    s.id = 88;
    s.prefix = {ip("10.88.0.0"), 24};
    Pool a;
    a.first = ip("10.88.0.10");
    a.last = ip("10.88.0.19");
    a.poolId = 1;
    Pool b;
    b.first = ip("10.88.0.100");
    b.last = ip("10.88.0.104");
    b.poolId = 2;
    s.pools = {a, b};
    c->subnets.push_back(s);
    return c;
}

Lease4 lease(const char* a, LeaseState state = LeaseState::Default) {
    Lease4 l;
    l.address = ip(a);
    l.hwAddr = *HwAddr::fromText("02:00:00:00:00:09");
    l.subnetId = 88;
    l.cltt = 1000;
    l.validLifetime = 3600;
    l.state = state;
    return l;
}

int64_t stat(const std::string& n) {
    return Statistics::instance().get(n);
}

TEST(LeaseManager, StatisticsAtStartUpCountWhatTheStoreHolds) {
    auto store = std::make_shared<test::FakeLeaseStore>();
    store->add(lease("10.88.0.10"));
    store->add(lease("10.88.0.11", LeaseState::Declined));
    store->add(lease("10.88.0.12", LeaseState::ExpiredReclaimed));
    store->add(lease("10.88.0.100"));
    LeaseManager m(store);
    m.configure(twoPoolConfig());
    EXPECT_EQ(stat("subnet[88].total-addresses"), 15);
    EXPECT_EQ(stat("subnet[88].assigned-addresses"), 3) << "default + declined, not reclaimed";
    EXPECT_EQ(stat("subnet[88].declined-addresses"), 1);
    EXPECT_EQ(stat("subnet[88].pool[1].assigned-addresses"), 2);
    EXPECT_EQ(stat("subnet[88].pool[2].assigned-addresses"), 1);
    EXPECT_EQ(stat("subnet[88].pool[1].declined-addresses"), 1);
    EXPECT_EQ(stat("declined-addresses"), 1);
}

// A store that says it is a memfile, so the lease checks apply (Kea checks the lease file).
class FakeMemfile : public test::FakeLeaseStore {
public:
    std::string type() const override { return "memfile"; }
};

std::shared_ptr<FakeMemfile> storeWithStrayLeases() {
    auto store = std::make_shared<FakeMemfile>();
    Lease4 wrongId = lease("10.88.0.10");
    wrongId.subnetId = 7; // not configured; 10.88.0.0/24 (subnet 88) holds the address
    Lease4 nowhere = lease("10.99.0.1");
    nowhere.subnetId = 88; // no configured subnet holds it
    store->add(wrongId);
    store->add(nowhere);
    store->add(lease("10.88.0.11"));
    return store;
}

TEST(LeaseManager, LeaseChecksFixMovesTheLeaseAndKeepsWhatItCannotFix) {
    auto store = storeWithStrayLeases();
    auto cfg = twoPoolConfig();
    cfg->leaseChecks = "fix";
    LeaseManager(store).configure(cfg);
    EXPECT_EQ(store->get(ip("10.88.0.10"))->subnetId, 88u);
    EXPECT_TRUE(store->get(ip("10.99.0.1")).has_value());
    EXPECT_EQ(stat("subnet[88].assigned-addresses"), 2);
}

TEST(LeaseManager, LeaseChecksFixDelDeletesWhatItCannotFix) {
    auto store = storeWithStrayLeases();
    auto cfg = twoPoolConfig();
    cfg->leaseChecks = "fix-del";
    LeaseManager(store).configure(cfg);
    EXPECT_EQ(store->get(ip("10.88.0.10"))->subnetId, 88u);
    EXPECT_FALSE(store->get(ip("10.99.0.1")).has_value());
    EXPECT_EQ(stat("subnet[88].assigned-addresses"), 2);
}

TEST(LeaseManager, LeaseChecksDelDeletesEveryStrayLease) {
    auto store = storeWithStrayLeases();
    auto cfg = twoPoolConfig();
    cfg->leaseChecks = "del";
    LeaseManager(store).configure(cfg);
    EXPECT_FALSE(store->get(ip("10.88.0.10")).has_value());
    EXPECT_FALSE(store->get(ip("10.99.0.1")).has_value());
    EXPECT_TRUE(store->get(ip("10.88.0.11")).has_value());
    EXPECT_EQ(stat("subnet[88].assigned-addresses"), 1);
}

TEST(LeaseManager, LeaseChecksWarnChangesNothing) {
    auto store = storeWithStrayLeases();
    auto cfg = twoPoolConfig();
    cfg->leaseChecks = "warn";
    LeaseManager(store).configure(cfg);
    EXPECT_EQ(store->get(ip("10.88.0.10"))->subnetId, 7u);
    EXPECT_TRUE(store->get(ip("10.99.0.1")).has_value());
    EXPECT_EQ(stat("subnet[88].assigned-addresses"), 1);
}

TEST(LeaseManager, WritesKeepStatisticsAndAllocatorInStep) {
    auto store = std::make_shared<test::FakeLeaseStore>();
    LeaseManager m(store);
    auto cfg = twoPoolConfig();
    m.configure(cfg);
    const Subnet& s = cfg->subnets[0];
    auto all = [](const Pool&) { return true; };
    auto yes = [](Ipv4Address) { return true; };
    ASSERT_EQ(m.pickFree(s, all, yes)->str(), "10.88.0.10");
    ASSERT_TRUE(m.add(lease("10.88.0.10")));
    EXPECT_FALSE(m.add(lease("10.88.0.10"))) << "the address is taken";
    EXPECT_EQ(m.pickFree(s, all, yes)->str(), "10.88.0.11");
    EXPECT_EQ(stat("subnet[88].assigned-addresses"), 1);

    Lease4 declined = lease("10.88.0.10", LeaseState::Declined);
    ASSERT_TRUE(m.update(lease("10.88.0.10"), declined));
    EXPECT_EQ(stat("subnet[88].assigned-addresses"), 1);
    EXPECT_EQ(stat("subnet[88].declined-addresses"), 1);

    ASSERT_TRUE(m.remove(declined));
    EXPECT_EQ(stat("subnet[88].assigned-addresses"), 0);
    EXPECT_EQ(stat("subnet[88].declined-addresses"), 0);
    EXPECT_EQ(stat("subnet[88].pool[1].assigned-addresses"), 0);
    EXPECT_EQ(m.wipe(88), 0u);
}

TEST(LeaseManager, WipeEmptiesASubnetAndFreesItsAddresses) {
    auto store = std::make_shared<test::FakeLeaseStore>();
    LeaseManager m(store);
    auto cfg = twoPoolConfig();
    m.configure(cfg);
    for (const char* a :
         {"10.88.0.100", "10.88.0.101", "10.88.0.102", "10.88.0.103", "10.88.0.104"}) {
        ASSERT_TRUE(m.add(lease(a)));
    }
    EXPECT_EQ(m.wipe(88), 5u);
    EXPECT_EQ(store->size(), 0u);
    EXPECT_EQ(stat("subnet[88].pool[2].assigned-addresses"), 0);
}

// HA load balancing: each server takes its own half of every pool first and borrows the
// partner's only when its own is exhausted; borrowed addresses count like any other.
TEST(LeaseManager, PoolShareOwnHalfFirstThenBorrowed) {
    auto store = std::make_shared<test::FakeLeaseStore>();
    LeaseManager m(store);
    auto cfg = twoPoolConfig(); // pool 1: .10-.19, pool 2: .100-.104
    m.configure(cfg);
    const Subnet& s = cfg->subnets[0];
    auto all = [](const Pool&) { return true; };
    auto yes = [](Ipv4Address) { return true; };
    using Side = LeaseManager::ShareSide;
    EXPECT_FALSE(m.pickFree(s, all, yes, Side::Others)) << "without a share nothing is borrowed";

    m.setPoolShare({1, 2});
    EXPECT_EQ(m.pickFree(s, all, yes)->str(), "10.88.0.15");
    m.setPoolShare({0, 2});
    EXPECT_EQ(m.pickFree(s, all, yes)->str(), "10.88.0.10");
    // Fill the lower halves: .10-.14 and .100-.101.
    for (const char* a : {"10.88.0.10", "10.88.0.11", "10.88.0.12", "10.88.0.13", "10.88.0.14"}) {
        ASSERT_TRUE(m.add(lease(a)));
    }
    EXPECT_EQ(m.pickFree(s, all, yes)->str(), "10.88.0.100") << "own half of the next pool";
    ASSERT_TRUE(m.add(lease("10.88.0.100")));
    ASSERT_TRUE(m.add(lease("10.88.0.101")));
    EXPECT_FALSE(m.pickFree(s, all, yes)) << "own halves exhausted";
    auto borrowed = m.pickFree(s, all, yes, Side::Others);
    ASSERT_TRUE(borrowed);
    EXPECT_EQ(borrowed->str(), "10.88.0.15");
    ASSERT_TRUE(m.add(lease("10.88.0.15")));
    EXPECT_EQ(stat("subnet[88].pool[1].assigned-addresses"), 6);
    EXPECT_EQ(stat("subnet[88].assigned-addresses"), 8);
    // Freed in its own half, an address is handed out again before borrowing.
    ASSERT_TRUE(m.remove(lease("10.88.0.12")));
    EXPECT_EQ(m.pickFree(s, all, yes)->str(), "10.88.0.12");
    m.setPoolShare({}); // partner-down: whole pools
    EXPECT_FALSE(m.pickFree(s, all, yes, Side::Others));
    EXPECT_TRUE(m.pickFree(s, all, yes));
}

} // namespace
} // namespace kahu
