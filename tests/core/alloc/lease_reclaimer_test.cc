// SPDX-License-Identifier: MPL-2.0
#include "../dhcp4/fake_lease_store.h"
#include "alloc/lease_reclaimer.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <kahu/stats.h>
#include <string>
#include <vector>

namespace kahu {
namespace {

Ipv4Address ip(const char* t) {
    return *Ipv4Address::fromText(t);
}

class LeaseReclaimerTest : public ::testing::Test {
protected:
    void SetUp() override {
        config_ = std::make_shared<ServerConfig>();
        Subnet s;
        s.id = 77;
        s.prefix = {ip("10.77.0.0"), 24};
        Pool p;
        p.first = ip("10.77.0.10");
        p.last = ip("10.77.0.20");
        s.pools.push_back(p);
        config_->subnets.push_back(s);
        store_ = std::make_shared<test::FakeLeaseStore>();
        leases_ = std::make_unique<LeaseManager>(store_);
        leases_->configure(config_);
    }

    Lease4 lease(const char* a, int64_t cltt, uint32_t valid,
                 LeaseState state = LeaseState::Default) {
        Lease4 l;
        l.address = ip(a);
        l.hwAddr = *HwAddr::fromText("02:00:00:00:00:01");
        l.subnetId = 77;
        l.cltt = cltt;
        l.validLifetime = valid;
        l.hostname = "host";
        l.state = state;
        return l;
    }

    int64_t stat(const std::string& name) { return Statistics::instance().get(name); }

    std::shared_ptr<ServerConfig> config_;
    std::shared_ptr<test::FakeLeaseStore> store_;
    std::unique_ptr<LeaseManager> leases_;
};

TEST_F(LeaseReclaimerTest, ExpiredLeaseBecomesReclaimedAndKeepsItsIdentity) {
    ASSERT_TRUE(leases_->add(lease("10.77.0.10", 1000, 100)));
    ASSERT_TRUE(leases_->add(lease("10.77.0.11", 1000, 5000)));
    int64_t reclaimedBefore = stat("subnet[77].reclaimed-leases");
    EXPECT_EQ(stat("subnet[77].assigned-addresses"), 2);

    LeaseReclaimer r(*leases_, *config_);
    EXPECT_EQ(r.reclaim(2000, false), 1u);

    auto l = store_->get(ip("10.77.0.10"));
    ASSERT_TRUE(l);
    EXPECT_EQ(l->state, LeaseState::ExpiredReclaimed);
    EXPECT_EQ(l->hwAddr.str(), "02:00:00:00:00:01") << "affinity: the identity stays";
    EXPECT_TRUE(l->hostname.empty());
    EXPECT_EQ(store_->get(ip("10.77.0.11"))->state, LeaseState::Default);
    EXPECT_EQ(stat("subnet[77].assigned-addresses"), 1);
    EXPECT_EQ(stat("subnet[77].reclaimed-leases"), reclaimedBefore + 1);
}

TEST_F(LeaseReclaimerTest, FlushDeletesReclaimedLeasesOlderThanTheHoldTime) {
    ASSERT_TRUE(leases_->add(lease("10.77.0.12", 1000, 100)));
    LeaseReclaimer r(*leases_, *config_);
    r.reclaim(2000, false);
    EXPECT_EQ(r.flush(1100 + 3599), 0u) << "held for hold-reclaimed-time (3600 s)";
    EXPECT_EQ(r.flush(1100 + 3601), 1u);
    EXPECT_FALSE(store_->get(ip("10.77.0.12")));
}

TEST_F(LeaseReclaimerTest, RemoveModeDeletesAtOnce) {
    ASSERT_TRUE(leases_->add(lease("10.77.0.13", 1000, 100)));
    LeaseReclaimer r(*leases_, *config_);
    EXPECT_EQ(r.reclaim(2000, true), 1u);
    EXPECT_FALSE(store_->get(ip("10.77.0.13")));
}

TEST_F(LeaseReclaimerTest, DeclinedAddressIsRecoveredAfterProbation) {
    ASSERT_TRUE(leases_->add(lease("10.77.0.14", 1000, 86400, LeaseState::Declined)));
    EXPECT_EQ(stat("subnet[77].declined-addresses"), 1);
    LeaseReclaimer r(*leases_, *config_);
    EXPECT_EQ(r.reclaim(1000 + 86399, false), 0u);
    EXPECT_EQ(r.reclaim(1000 + 86401, false), 1u);
    EXPECT_FALSE(store_->get(ip("10.77.0.14")));
    EXPECT_EQ(stat("subnet[77].declined-addresses"), 0);
    EXPECT_EQ(stat("subnet[77].assigned-addresses"), 0);
}

TEST_F(LeaseReclaimerTest, HookVetoLeavesTheLeaseAlone) {
    ASSERT_TRUE(leases_->add(lease("10.77.0.15", 1000, 100)));
    ASSERT_TRUE(leases_->add(lease("10.77.0.16", 1000, 100, LeaseState::Declined)));
    int recovers = 0;
    LeaseReclaimer::Hooks hooks;
    hooks.expire = [](Lease4&, bool&) { return false; };
    hooks.recover = [&](Lease4&) { return ++recovers, true; };
    LeaseReclaimer r(*leases_, *config_, hooks);
    EXPECT_EQ(r.reclaim(2000, false), 0u);
    EXPECT_EQ(store_->get(ip("10.77.0.15"))->state, LeaseState::Default);
    EXPECT_EQ(store_->get(ip("10.77.0.16"))->state, LeaseState::Declined);
    EXPECT_EQ(recovers, 0) << "lease4_expire skipped: no lease4_recover";
}

// Kea's sequence (alloc_engine.cc reclaimExpiredLease): lease4_expire for every lease being
// reclaimed, with remove_lease as configured; for a declined one lease4_recover after it,
// both seeing the declined lease.
TEST_F(LeaseReclaimerTest, HooksSeeExpireThenRecoverForADeclinedLease) {
    ASSERT_TRUE(leases_->add(lease("10.77.0.10", 1000, 100)));
    ASSERT_TRUE(leases_->add(lease("10.77.0.14", 1000, 100, LeaseState::Declined)));
    std::vector<std::string> calls;
    auto name = [](const Lease4& l) {
        return l.address.str() + (l.state == LeaseState::Declined ? " declined" : " default");
    };
    LeaseReclaimer::Hooks hooks;
    hooks.expire = [&](Lease4& l, bool& remove) {
        calls.push_back("expire " + name(l) + (remove ? " remove" : " keep"));
        return true;
    };
    hooks.recover = [&](Lease4& l) {
        calls.push_back("recover " + name(l));
        return true;
    };
    LeaseReclaimer r(*leases_, *config_, hooks);
    EXPECT_EQ(r.reclaim(2000, false), 2u);
    auto address = [](const std::string& call) {
        size_t from = call.find(' ') + 1;
        return call.substr(from, call.find(' ', from) - from);
    };
    std::stable_sort(calls.begin(), calls.end(), [&](const std::string& a, const std::string& b) {
        return address(a) < address(b); // the leases' order is the store's; each one's is kept
    });
    EXPECT_EQ(calls, (std::vector<std::string>{"expire 10.77.0.10 default keep",
                                               "expire 10.77.0.14 declined keep",
                                               "recover 10.77.0.14 declined"}));
    EXPECT_EQ(store_->get(ip("10.77.0.10"))->state, LeaseState::ExpiredReclaimed);
    EXPECT_FALSE(store_->get(ip("10.77.0.14"))) << "a recovered declined lease is deleted";
}

TEST_F(LeaseReclaimerTest, SkippedRecoverKeepsTheDeclinedLeaseReclaimed) {
    ASSERT_TRUE(leases_->add(lease("10.77.0.14", 1000, 100, LeaseState::Declined)));
    int64_t recoveredBefore = stat("subnet[77].reclaimed-declined-addresses");
    LeaseReclaimer::Hooks hooks;
    hooks.expire = [](Lease4&, bool& remove) { return remove = true; };
    hooks.recover = [](Lease4&) { return false; };
    LeaseReclaimer r(*leases_, *config_, hooks);
    EXPECT_EQ(r.reclaim(2000, true), 1u);
    auto l = store_->get(ip("10.77.0.14"));
    ASSERT_TRUE(l) << "Kea keeps it even in remove mode";
    EXPECT_EQ(l->state, LeaseState::ExpiredReclaimed);
    EXPECT_EQ(stat("subnet[77].reclaimed-declined-addresses"), recoveredBefore);
}

TEST_F(LeaseReclaimerTest, RespectsMaxReclaimLeases) {
    config_->expiredLeases.maxReclaimLeases = 2;
    for (const char* a : {"10.77.0.16", "10.77.0.17", "10.77.0.18"}) {
        ASSERT_TRUE(leases_->add(lease(a, 1000, 100)));
    }
    LeaseReclaimer r(*leases_, *config_);
    EXPECT_EQ(r.reclaim(2000, false), 2u);
    EXPECT_EQ(r.reclaim(2000, false), 1u);
}

TEST_F(LeaseReclaimerTest, ReclaimedAddressIsOfferedToAnotherClientAgain) {
    for (uint32_t v = ip("10.77.0.10").value(); v <= ip("10.77.0.20").value(); ++v) {
        Lease4 l = lease("10.77.0.10", 1000, v == ip("10.77.0.19").value() ? 100 : 9000);
        l.address = Ipv4Address(v);
        ASSERT_TRUE(leases_->add(l));
    }
    const Subnet& s = config_->subnets[0];
    auto any = [](const Pool&) { return true; };
    auto yes = [](Ipv4Address) { return true; };
    EXPECT_FALSE(leases_->pickFree(s, any, yes)) << "pool full";
    LeaseReclaimer(*leases_, *config_).reclaim(2000, false);
    auto freed = leases_->pickFree(s, any, yes);
    ASSERT_TRUE(freed);
    EXPECT_EQ(freed->str(), "10.77.0.19");
}

} // namespace
} // namespace kahu
