// SPDX-License-Identifier: MPL-2.0
#include "metrics/stat_metrics.h"

#include <charconv>
#include <dirent.h>
#include <fstream>
#include <kahu/stats.h>
#include <map>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>

namespace kahu::metrics {

namespace {

bool startsWith(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

bool endsWith(std::string_view s, std::string_view p) {
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

/// What a subnet- or pool-level statistic is called, with the extra label it may carry.
struct Mapped {
    std::string name;
    std::string help;
    Type type = Type::Gauge;
    Label extra; ///< empty name: none
};

Mapped mapScoped(std::string_view stat) {
    static const std::map<std::string_view, std::pair<const char*, const char*>, std::less<>>
        kNames = {
            {"assigned-addresses",
             {"kea_dhcp4_addresses_assigned", "Addresses leased (declined ones included)"}},
            {"declined-addresses",
             {"kea_dhcp4_addresses_declined", "Addresses declined, in probation"}},
            {"total-addresses", {"kea_dhcp4_addresses_pool_size", "Addresses in the pools"}},
            {"cumulative-assigned-addresses",
             {"kea_dhcp4_addresses_assigned_cumulative_total", "Leases given to clients"}},
            {"reclaimed-leases",
             {"kea_dhcp4_addresses_reclaimed_total", "Expired leases reclaimed"}},
            {"reclaimed-declined-addresses",
             {"kea_dhcp4_addresses_declined_reclaimed_total",
              "Declined addresses back after probation"}},
            {"v4-reservation-conflicts",
             {"kea_dhcp4_reservation_conflicts_total",
              "Reserved addresses found leased to another client"}},
            {"v4-lease-reuses",
             {"kea_dhcp4_leases_reused_total", "Leases renewed without a store write"}},
        };
    if (auto it = kNames.find(stat); it != kNames.end()) {
        return {it->second.first,
                it->second.second,
                isCounterStatistic(stat) ? Type::Counter : Type::Gauge,
                {}};
    }
    if (startsWith(stat, "v4-allocation-fail-")) {
        return {"kea_dhcp4_allocations_failed_total",
                "Allocations that failed, by where the search stopped", Type::Counter,
                Label{"context", std::string(stat.substr(19))}};
    }
    bool counter = isCounterStatistic(stat);
    std::string name = "kea_dhcp4_subnet_" + sanitizeName(stat);
    if (counter && !endsWith(name, "_total")) {
        name += "_total";
    }
    return {name,
            "Kea statistic subnet[id]." + std::string(stat),
            counter ? Type::Counter : Type::Gauge,
            {}};
}

Mapped mapGlobal(std::string_view stat) {
    std::string_view op;
    if (startsWith(stat, "pkt4-") && endsWith(stat, "-received") && stat != "pkt4-received") {
        op = stat.substr(5, stat.size() - 5 - 9);
        return {"kea_dhcp4_packets_received_total", "DHCPv4 packets received, by type",
                Type::Counter, Label{"operation", std::string(op)}};
    }
    if (startsWith(stat, "pkt4-") && endsWith(stat, "-sent") && stat != "pkt4-sent") {
        op = stat.substr(5, stat.size() - 5 - 5);
        return {"kea_dhcp4_packets_sent_total", "DHCPv4 packets sent, by type", Type::Counter,
                Label{"operation", std::string(op)}};
    }
    if (stat == "pkt4-parse-failed") {
        return {"kea_dhcp4_packets_received_total", "DHCPv4 packets received, by type",
                Type::Counter, Label{"operation", "parse-failed"}};
    }
    if (stat == "pkt4-receive-drop") {
        return {"kea_dhcp4_packets_received_total", "DHCPv4 packets received, by type",
                Type::Counter, Label{"operation", "drop"}};
    }
    bool counter = isCounterStatistic(stat);
    std::string name = "kea_dhcp4_global_" + sanitizeName(stat);
    if (counter && !endsWith(name, "_total")) {
        name += "_total";
    }
    return {name, "Kea statistic " + std::string(stat), counter ? Type::Counter : Type::Gauge, {}};
}

/// "subnet[12].pool[3].assigned-addresses" -> 12, 3, "assigned-addresses".
bool parseScoped(std::string_view name, uint32_t& subnet, int64_t& pool, std::string_view& stat) {
    if (!startsWith(name, "subnet[")) {
        return false;
    }
    const char* b = name.data() + 7;
    const char* e = name.data() + name.size();
    auto r = std::from_chars(b, e, subnet);
    if (r.ec != std::errc{} || r.ptr == e || *r.ptr != ']' || r.ptr + 1 == e || r.ptr[1] != '.') {
        return false;
    }
    std::string_view rest(r.ptr + 2, static_cast<size_t>(e - r.ptr - 2));
    pool = -1;
    if (startsWith(rest, "pool[")) {
        uint32_t p = 0;
        const char* pb = rest.data() + 5;
        const char* pe = rest.data() + rest.size();
        auto pr = std::from_chars(pb, pe, p);
        if (pr.ec != std::errc{} || pr.ptr == pe || *pr.ptr != ']' || pr.ptr + 1 == pe ||
            pr.ptr[1] != '.') {
            return false;
        }
        pool = p;
        rest = std::string_view(pr.ptr + 2, static_cast<size_t>(pe - pr.ptr - 2));
    }
    stat = rest;
    return !stat.empty();
}

} // namespace

bool isCounterStatistic(std::string_view n) noexcept {
    return startsWith(n, "pkt4-") || startsWith(n, "cumulative-") || startsWith(n, "reclaimed-") ||
           startsWith(n, "v4-allocation-fail") || n == "v4-reservation-conflicts" ||
           n == "v4-lease-reuses" || startsWith(n, "v4-lease-sync-") ||
           startsWith(n, "v4-lease-update-");
}

void statisticsFamilies(const ServerConfig* config, std::vector<Family>& out) {
    // Labels of each subnet and pool, from the configuration.
    struct SubnetLabels {
        std::string prefix;
        std::map<uint32_t, std::string> pools; // pool id -> "first-last" (first pool of the id)
    };
    std::map<uint32_t, SubnetLabels> labels;
    if (config != nullptr) {
        for (const auto& s : config->subnets) {
            auto& l = labels[s.id];
            l.prefix = s.prefix.str();
            for (const auto& p : s.pools) {
                l.pools.try_emplace(p.poolId, p.first.str() + "-" + p.last.str());
            }
        }
    }
    std::map<std::string, size_t> index; // family name -> position in out
    auto family = [&](const Mapped& m) -> Family& {
        auto [it, fresh] = index.try_emplace(m.name, out.size());
        if (fresh) {
            out.push_back(Family{m.name, m.help, m.type, {}});
        }
        return out[it->second];
    };
    Statistics::instance().visit([&](std::string_view name, int64_t value) {
        if (endsWith(name, ".utilization-alert-level")) {
            return; // kahu_dhcp4_utilization_alert_level, with the ratio (UtilizationMonitor)
        }
        uint32_t subnet = 0;
        int64_t pool = -1;
        std::string_view stat;
        if (parseScoped(name, subnet, pool, stat)) {
            Mapped m = mapScoped(stat);
            const auto it = labels.find(subnet);
            std::vector<Label> ls = {{"subnet_id", std::to_string(subnet)},
                                     {"subnet", it == labels.end() ? "" : it->second.prefix}};
            std::string poolText;
            if (pool >= 0) {
                if (it != labels.end()) {
                    auto p = it->second.pools.find(static_cast<uint32_t>(pool));
                    poolText = p == it->second.pools.end() ? std::to_string(pool) : p->second;
                } else {
                    poolText = std::to_string(pool);
                }
            }
            ls.push_back({"pool", poolText});
            if (!m.extra.name.empty()) {
                ls.push_back(m.extra);
            }
            family(m).add(static_cast<double>(value), std::move(ls));
            return;
        }
        Mapped m = mapGlobal(name);
        std::vector<Label> ls;
        if (!m.extra.name.empty()) {
            ls.push_back(m.extra);
        }
        family(m).add(static_cast<double>(value), std::move(ls));
    });
}

void processFamilies(std::vector<Family>& out) {
    const long ticks = ::sysconf(_SC_CLK_TCK);
    const long page = ::sysconf(_SC_PAGESIZE);
    std::ifstream statFile("/proc/self/stat");
    std::string line;
    if (std::getline(statFile, line)) {
        // Fields after the command name (which may hold spaces) start after the last ')'.
        auto close = line.rfind(')');
        std::istringstream in(line.substr(close + 2));
        std::vector<std::string> f;
        for (std::string w; in >> w;) {
            f.push_back(w);
        }
        // f[0] is field 3 (state): utime 14, stime 15, starttime 22, vsize 23, rss 24.
        if (f.size() > 21 && ticks > 0) {
            double cpu = (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(ticks);
            out.push_back(Family{
                "process_cpu_seconds_total",
                "User and system CPU time spent, in seconds",
                Type::Counter,
                {}}.add(cpu));
            out.push_back(Family{
                "process_virtual_memory_bytes",
                "Virtual memory size, in bytes",
                Type::Gauge,
                {}}.add(std::stod(f[20])));
            out.push_back(Family{
                "process_resident_memory_bytes",
                "Resident memory size, in bytes",
                Type::Gauge,
                {}}.add(std::stod(f[21]) * static_cast<double>(page)));
            std::ifstream upFile("/proc/stat");
            double boot = 0;
            for (std::string l; std::getline(upFile, l);) {
                if (startsWith(l, "btime ")) {
                    boot = std::stod(l.substr(6));
                    break;
                }
            }
            if (boot > 0) {
                out.push_back(Family{
                    "process_start_time_seconds",
                    "Start time of the process since the epoch, in seconds",
                    Type::Gauge,
                    {}}.add(boot + std::stod(f[19]) / static_cast<double>(ticks)));
            }
        }
    }
    if (DIR* d = ::opendir("/proc/self/fd")) {
        double n = 0;
        while (const dirent* e = ::readdir(d)) {
            n += e->d_name[0] != '.';
        }
        ::closedir(d);
        out.push_back(
            Family{"process_open_fds", "Open file descriptors", Type::Gauge, {}}.add(n - 1));
    }
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        out.push_back(
            Family{"process_max_fds", "Limit of open file descriptors", Type::Gauge, {}}.add(
                static_cast<double>(rl.rlim_cur)));
    }
}

} // namespace kahu::metrics
