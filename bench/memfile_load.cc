// SPDX-License-Identifier: MPL-2.0
// Memfile store figures for issue 2 (c): load time and RSS per lease with N leases in the CSV
// (rows shaped like bench/run's: 6-byte hw, 7-byte client-id, no hostname), then the cost of
// the packet-path operations. Usage: kahu-bench-memfile [leases] [dir] [load-only]
#include "lease/csv_lease_codec.h"
#include "lease/memfile_store.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

using namespace kahu;
using Clock = std::chrono::steady_clock;

namespace {

long rssKb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::strtol(line.c_str() + 6, nullptr, 10);
        }
    }
    return -1;
}

double seconds(Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
}

constexpr uint32_t kBase = 0x0a000001; // 10.0.0.1

void writeCsv(const std::string& path, uint32_t n, int64_t now) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) {
        std::perror(path.c_str());
        std::exit(1);
    }
    std::fprintf(f, "%s\n", std::string(CsvLeaseCodec::kHeader).c_str());
    for (uint32_t i = 0; i < n; ++i) {
        uint32_t a = kBase + i;
        char mac[32];
        std::snprintf(mac, sizeof mac, "02:6b:%02x:%02x:%02x:%02x", (i >> 24) & 255,
                      (i >> 16) & 255, (i >> 8) & 255, i & 255);
        std::fprintf(f, "%u.%u.%u.%u,%s,01:%s,86400,%lld,10,0,0,,0,,0\n", a >> 24, (a >> 16) & 255,
                     (a >> 8) & 255, a & 255, mac, mac,
                     static_cast<long long>(now + 43200 + (i % 43200)));
    }
    std::fclose(f);
}

Lease4 makeLease(uint32_t i, int64_t now) {
    Lease4 l;
    l.address = Ipv4Address(kBase + i);
    l.hwAddr.bytes = {0x02, 0x6b, uint8_t(i >> 24), uint8_t(i >> 16), uint8_t(i >> 8), uint8_t(i)};
    l.clientId = {0x01,      0x02, 0x6b, uint8_t(i >> 24), uint8_t(i >> 16), uint8_t(i >> 8),
                  uint8_t(i)};
    l.validLifetime = 86400;
    l.cltt = now;
    l.subnetId = 10;
    return l;
}

} // namespace

int main(int argc, char** argv) {
    uint32_t n = argc > 1 ? static_cast<uint32_t>(std::strtoul(argv[1], nullptr, 10)) : 1000000;
    std::string dir;
    if (argc > 2) {
        dir = argv[2];
    } else {
        char tmpl[] = "/tmp/kahu-bench-memfile-XXXXXX";
        dir = ::mkdtemp(tmpl);
    }
    std::string path = dir + "/leases4.csv";
    int64_t now = std::time(nullptr);

    auto t = Clock::now();
    writeCsv(path, n, now);
    std::printf("generated %u leases (%.1f MiB) in %.2f s\n", n,
                std::filesystem::file_size(path) / 1048576.0, seconds(t));

    MemfileConfig config;
    config.name = path;
    config.lfcInterval = 0;
    long before = rssKb();
    t = Clock::now();
    auto store = std::make_unique<MemfileStore>(config);
    double load = seconds(t);
    long after = rssKb();
    std::printf("load:            %.3f s (%zu leases)\n", load, store->size());
    std::printf("RSS before/after: %ld / %ld KiB\n", before, after);
    std::printf("bytes per lease: %.1f\n", (after - before) * 1024.0 / n);

    if (argc > 3 && std::string(argv[3]) == "load-only") {
        return 0; // for profiling the load alone
    }
    t = Clock::now();
    size_t visited = 0;
    store->forEach([&](const Lease4&) { ++visited; });
    std::printf("forEach:         %.3f s (%zu leases)\n", seconds(t), visited);

    t = Clock::now();
    auto expired = store->getExpired(now + 43200 + 100, 1000);
    std::printf("getExpired(max 1000): %.4f s (%zu)\n", seconds(t), expired.size());

    std::mt19937 rng(42);
    const uint32_t ops = 200000;
    t = Clock::now();
    size_t found = 0;
    for (uint32_t k = 0; k < ops; ++k) {
        found += store->get(Ipv4Address(kBase + rng() % n)).has_value();
    }
    double dt = seconds(t);
    std::printf("get:             %.0f ops/s (%zu found)\n", ops / dt, found);

    t = Clock::now();
    found = 0;
    for (uint32_t k = 0; k < ops; ++k) {
        found += store->getByHwAddr(makeLease(rng() % n, now).hwAddr).size();
    }
    dt = seconds(t);
    std::printf("getByHwAddr:     %.0f ops/s (%zu found)\n", ops / dt, found);

    t = Clock::now();
    found = 0;
    for (uint32_t k = 0; k < ops; ++k) {
        found += store->getByClientId(makeLease(rng() % n, now).clientId).size();
    }
    dt = seconds(t);
    std::printf("getByClientId:   %.0f ops/s (%zu found)\n", ops / dt, found);

    const uint32_t writes = 100000;
    t = Clock::now();
    size_t ok = 0;
    for (uint32_t k = 0; k < writes; ++k) {
        ok += store->add(makeLease(n + k, now));
    }
    dt = seconds(t);
    std::printf("add (persist):   %.0f ops/s (%zu added)\n", writes / dt, ok);

    t = Clock::now();
    ok = 0;
    for (uint32_t k = 0; k < writes; ++k) {
        Lease4 l = makeLease(rng() % n, now + 1);
        ok += store->update(l, 0);
    }
    dt = seconds(t);
    std::printf("update (persist): %.0f ops/s (%zu updated)\n", writes / dt, ok);

    store.reset();
    if (argc <= 2) {
        std::filesystem::remove_all(dir);
    }
    return 0;
}
