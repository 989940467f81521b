// SPDX-License-Identifier: MPL-2.0
#include "metrics/stat_metrics.h"

#include <gtest/gtest.h>
#include <kahu/metrics.h>
#include <kahu/stats.h>

namespace kahu::metrics {
namespace {

TEST(MetricsRender, TextFormatWithEscapedLabelsAndMergedFamilies) {
    std::vector<Family> f;
    f.push_back(Family{"a_total", "Help with \\ and\nnewline", Type::Counter, {}}.add(
        3, {{"l", "quote \" back \\ nl \n"}}));
    f.push_back(Family{"9bad-name", "x", Type::Gauge, {}}.add(1.5));
    f.push_back(Family{"a_total", "ignored", Type::Gauge, {}}.add(4, {{"l", "two"}}));
    EXPECT_EQ(render(f), "# HELP a_total Help with \\\\ and\\nnewline\n"
                         "# TYPE a_total counter\n"
                         "a_total{l=\"quote \\\" back \\\\ nl \\n\"} 3\n"
                         "a_total{l=\"two\"} 4\n"
                         "# HELP _9bad_name x\n"
                         "# TYPE _9bad_name gauge\n"
                         "_9bad_name 1.5\n");
}

TEST(MetricsRegistry, CollectorsRunUntilRemovedAndAThrowingOneIsSkipped) {
    Registry r;
    auto a = r.add([](std::vector<Family>& out) {
        out.push_back(Family{"m_one", "h", Type::Gauge, {}}.add(1));
    });
    r.add([](std::vector<Family>&) { throw std::runtime_error("broken"); });
    EXPECT_NE(r.scrape().find("m_one 1\n"), std::string::npos);
    r.remove(a);
    EXPECT_EQ(r.scrape().find("m_one"), std::string::npos);
}

const Sample* find(const std::vector<Family>& fams, const std::string& name,
                   const std::vector<Label>& labels) {
    for (const auto& f : fams) {
        if (f.name != name) {
            continue;
        }
        for (const auto& s : f.samples) {
            if (s.labels == labels) {
                return &s;
            }
        }
    }
    return nullptr;
}

TEST(StatisticsMetrics, KeaStatisticsUnderPrometheusNamesWithSubnetAndPoolLabels) {
    auto& st = Statistics::instance();
    st.set("subnet[612].assigned-addresses", 7);
    st.set("subnet[612].pool[3].assigned-addresses", 5);
    st.set("subnet[612].v4-allocation-fail-classes", 2);
    st.set("subnet[612].some-future-stat", 9);
    st.set("pkt4-discover-received", 11);
    st.set("pkt4-receive-drop", 4);
    st.set("pkt4-received", 15);
    st.set("declined-addresses", 1);
    ServerConfig cfg;
    Subnet s;
    s.id = 612;
    s.prefix = {*Ipv4Address::fromText("10.6.12.0"), 24};
    Pool p;
    p.first = *Ipv4Address::fromText("10.6.12.10");
    p.last = *Ipv4Address::fromText("10.6.12.20");
    p.poolId = 3;
    s.pools = {p};
    cfg.subnets = {s};
    std::vector<Family> fams;
    statisticsFamilies(&cfg, fams);
    const std::vector<Label> subnet = {{"subnet_id", "612"}, {"subnet", "10.6.12.0/24"}};
    auto with = [&](std::vector<Label> extra) {
        auto l = subnet;
        l.insert(l.end(), extra.begin(), extra.end());
        return l;
    };
    const Sample* x = find(fams, "kea_dhcp4_addresses_assigned", with({{"pool", ""}}));
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->value, 7);
    x = find(fams, "kea_dhcp4_addresses_assigned", with({{"pool", "10.6.12.10-10.6.12.20"}}));
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->value, 5);
    x = find(fams, "kea_dhcp4_allocations_failed_total",
             with({{"pool", ""}, {"context", "classes"}}));
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->value, 2);
    EXPECT_NE(find(fams, "kea_dhcp4_subnet_some_future_stat", with({{"pool", ""}})), nullptr);
    x = find(fams, "kea_dhcp4_packets_received_total", {{"operation", "discover"}});
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->value, 11);
    EXPECT_NE(find(fams, "kea_dhcp4_packets_received_total", {{"operation", "drop"}}), nullptr);
    EXPECT_NE(find(fams, "kea_dhcp4_global_pkt4_received_total", {}), nullptr);
    EXPECT_NE(find(fams, "kea_dhcp4_global_declined_addresses", {}), nullptr);
    for (const auto& f : fams) {
        bool total = f.name.size() > 6 && f.name.substr(f.name.size() - 6) == "_total";
        EXPECT_EQ(f.type == Type::Counter, total) << f.name << ": counters end in _total";
    }
}

TEST(ProcessMetrics, CpuMemoryAndDescriptors) {
    std::vector<Family> fams;
    processFamilies(fams);
    const Sample* rss = find(fams, "process_resident_memory_bytes", {});
    ASSERT_NE(rss, nullptr);
    EXPECT_GT(rss->value, 1e6);
    const Sample* fds = find(fams, "process_open_fds", {});
    ASSERT_NE(fds, nullptr);
    EXPECT_GE(fds->value, 3);
    EXPECT_NE(find(fams, "process_cpu_seconds_total", {}), nullptr);
    EXPECT_NE(find(fams, "process_start_time_seconds", {}), nullptr);
}

} // namespace
} // namespace kahu::metrics
