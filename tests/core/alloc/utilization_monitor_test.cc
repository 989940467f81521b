// SPDX-License-Identifier: MPL-2.0
#include "../dhcp4/fake_lease_store.h"
#include "alloc/lease_manager.h"
#include "alloc/utilization_monitor.h"

#include <gtest/gtest.h>
#include <kahu/log.h>
#include <kahu/stats.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sstream>

namespace kahu {
namespace {

Ipv4Address ip(const char* t) {
    return *Ipv4Address::fromText(t);
}

using L = UtilizationLevel;

TEST(UtilizationLevel, GoesUpAtEachThresholdAndDownOnlyPastTheHysteresis) {
    UtilizationThresholds t; // 80 / 95 / 5
    EXPECT_EQ(nextUtilizationLevel(L::Normal, 79, 100, t), L::Normal);
    EXPECT_EQ(nextUtilizationLevel(L::Normal, 80, 100, t), L::High);
    EXPECT_EQ(nextUtilizationLevel(L::Normal, 95, 100, t), L::Critical) << "jumps straight up";
    EXPECT_EQ(nextUtilizationLevel(L::High, 100, 100, t), L::Exhausted);
    // Down: high stays high until below 80 - 5.
    EXPECT_EQ(nextUtilizationLevel(L::High, 79, 100, t), L::High);
    EXPECT_EQ(nextUtilizationLevel(L::High, 75, 100, t), L::High);
    EXPECT_EQ(nextUtilizationLevel(L::High, 74, 100, t), L::Normal);
    // Exhausted: leaves as soon as an address is free, to what the hysteresis allows.
    EXPECT_EQ(nextUtilizationLevel(L::Exhausted, 99, 100, t), L::Critical);
    EXPECT_EQ(nextUtilizationLevel(L::Critical, 90, 100, t), L::Critical);
    EXPECT_EQ(nextUtilizationLevel(L::Critical, 89, 100, t), L::High);
    EXPECT_EQ(nextUtilizationLevel(L::Exhausted, 10, 100, t), L::Normal);
    UtilizationThresholds none = t;
    none.hysteresis = 0;
    EXPECT_EQ(nextUtilizationLevel(L::High, 79, 100, none), L::Normal);
}

/// Captures what the alloc-engine logger prints while alive.
class LogCapture {
public:
    LogCapture() : lg_(log::get("kahu-dhcp4.alloc-engine")) {
        sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
        sink_->set_pattern("%v");
        lg_->sinks().push_back(sink_);
    }
    ~LogCapture() { std::erase(lg_->sinks(), sink_); }
    int count(const std::string& text) const {
        std::string all = out_.str();
        int n = 0;
        for (size_t at = all.find(text); at != std::string::npos; at = all.find(text, at + 1)) {
            ++n;
        }
        return n;
    }
    std::string text() const { return out_.str(); }

private:
    std::ostringstream out_;
    std::shared_ptr<spdlog::logger> lg_;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

std::shared_ptr<ServerConfig> smallPoolConfig() {
    auto c = std::make_shared<ServerConfig>();
    Subnet s;
    s.id = 71;
    s.prefix = {ip("10.71.0.0"), 24};
    Pool p;
    p.first = ip("10.71.0.10");
    p.last = ip("10.71.0.13"); // 4 addresses
    p.utilization = {true, 50, 75, 10};
    s.pools = {p};
    s.utilization = p.utilization;
    c->subnets.push_back(s);
    return c;
}

Lease4 lease(const std::string& a, LeaseState state = LeaseState::Default) {
    Lease4 l;
    l.address = *Ipv4Address::fromText(a);
    l.hwAddr = *HwAddr::fromText("02:00:00:00:00:71");
    l.subnetId = 71;
    l.cltt = 1000;
    l.validLifetime = 3600;
    l.state = state;
    return l;
}

int64_t level(const char* stat) {
    return Statistics::instance().get(stat);
}

TEST(UtilizationMonitor, EachCrossingIsLoggedOnceWithItsMessageId) {
    LogCapture cap;
    auto store = std::make_shared<test::FakeLeaseStore>();
    LeaseManager m(store);
    m.configure(smallPoolConfig());
    EXPECT_EQ(level("subnet[71].pool[0].utilization-alert-level"), 0);
    m.add(lease("10.71.0.10"));
    EXPECT_EQ(cap.count("DHCP4_POOL_UTILIZATION_HIGH"), 0) << "1 of 4 is 25 %";
    m.add(lease("10.71.0.11"));
    EXPECT_EQ(cap.count("DHCP4_POOL_UTILIZATION_HIGH pool 10.71.0.10-10.71.0.13 of subnet 71 "
                        "(10.71.0.0/24): 2 of 4 addresses used (50.0 %)"),
              1)
        << cap.text();
    EXPECT_EQ(cap.count("DHCP4_POOL_UTILIZATION_HIGH subnet 71 (10.71.0.0/24)"), 1);
    EXPECT_EQ(level("subnet[71].pool[0].utilization-alert-level"), 1);
    m.add(lease("10.71.0.12"));
    m.add(lease("10.71.0.13"));
    EXPECT_EQ(cap.count("DHCP4_POOL_UTILIZATION_CRITICAL pool"), 1);
    EXPECT_EQ(cap.count("DHCP4_POOL_EXHAUSTED pool 10.71.0.10-10.71.0.13"), 1);
    EXPECT_EQ(level("subnet[71].pool[0].utilization-alert-level"), 3);
    EXPECT_EQ(level("subnet[71].utilization-alert-level"), 3);

    // Renewals at a threshold do not flap; a decline keeps the address held.
    Lease4 renewed = lease("10.71.0.13");
    renewed.cltt = 2000;
    EXPECT_TRUE(m.update(lease("10.71.0.13"), renewed));
    Lease4 declined = lease("10.71.0.12", LeaseState::Declined);
    EXPECT_TRUE(m.update(lease("10.71.0.12"), declined));
    EXPECT_EQ(cap.count("DHCP4_POOL_UTILIZATION_CRITICAL"), 2) << "pool and subnet, once each";
    m.add(lease("10.71.0.13")); // already there: refused, nothing moves
    EXPECT_EQ(cap.count("DHCP4_POOL_UTILIZATION_CRITICAL"), 2);

    // Down: 3 of 4 (75 %) is critical again, 2 of 4 (50 %) is high (below 75 - 10, not below
    // 50 - 10), 1 of 4 (25 %) is back to normal.
    m.remove(renewed);
    EXPECT_EQ(level("subnet[71].pool[0].utilization-alert-level"), 2);
    m.remove(declined);
    EXPECT_EQ(level("subnet[71].pool[0].utilization-alert-level"), 1);
    m.remove(lease("10.71.0.11"));
    EXPECT_EQ(level("subnet[71].pool[0].utilization-alert-level"), 0);
    EXPECT_EQ(cap.count("DHCP4_POOL_UTILIZATION_NORMAL pool 10.71.0.10-10.71.0.13"), 1);
    EXPECT_EQ(cap.count("DHCP4_POOL_UTILIZATION_HIGH pool"), 2) << "up once, down once";
    EXPECT_EQ(cap.count("DHCP4_POOL_UTILIZATION_CRITICAL pool"), 2) << "up once, down once";

    std::vector<metrics::Family> fams;
    m.utilization().collect(fams);
    ASSERT_EQ(fams.size(), 3u);
    EXPECT_EQ(fams[0].name, "kahu_dhcp4_utilization_ratio");
    ASSERT_EQ(fams[0].samples.size(), 2u);
    EXPECT_DOUBLE_EQ(fams[0].samples[0].value, 0.25);
}

TEST(UtilizationMonitor, AReloadDoesNotRepeatAnAlertAndAFullPoolAtStartUpIsReported) {
    auto store = std::make_shared<test::FakeLeaseStore>();
    for (const char* a : {"10.71.0.10", "10.71.0.11", "10.71.0.12", "10.71.0.13"}) {
        store->add(lease(a));
    }
    LogCapture cap;
    LeaseManager m(store);
    m.configure(smallPoolConfig());
    EXPECT_EQ(cap.count("DHCP4_POOL_EXHAUSTED pool"), 1) << "full when the server starts";
    m.configure(smallPoolConfig());
    EXPECT_EQ(cap.count("DHCP4_POOL_EXHAUSTED pool"), 1) << "the reload keeps the level";
}

TEST(UtilizationMonitor, DisabledScopesStaySilent) {
    auto c = smallPoolConfig();
    c->subnets[0].pools[0].utilization.enabled = false;
    c->subnets[0].utilization.enabled = false;
    LogCapture cap;
    LeaseManager m(std::make_shared<test::FakeLeaseStore>());
    m.configure(c);
    for (const char* a : {"10.71.0.10", "10.71.0.11", "10.71.0.12", "10.71.0.13"}) {
        m.add(lease(a));
    }
    EXPECT_EQ(cap.count("DHCP4_POOL_"), 0) << cap.text();
}

} // namespace
} // namespace kahu
