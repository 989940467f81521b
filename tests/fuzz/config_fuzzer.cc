// SPDX-License-Identifier: MPL-2.0
// libFuzzer target: Kea configuration text through Kahu's reader and parser
// (config::parseConfigText: json_reader.cc, parse_*.cc, config_resolve.cc). A rejected text
// must come back as kahu::ConfigError (or another kahu::Error); any other exception, crashes,
// UB and leaks are findings. A configuration that loads
// is then used the way the server uses one:
//   * config-get's view (control::configToJson) must load again (config-set accepts it) and
//     give the same view and hash;
//   * the memfile parameters are read (MemfileConfig::fromJson, no file is opened);
//   * an HA hook entry's parameters go through HA's parser;
//   * when its pools and ids are of a sane size: a LeaseManager and a Dhcp4Processor are built on
//   it
//     and answer a relayed DISCOVER asking for every option, whose OFFER is packed.
//
// <?include "file"?> works relative to a scratch directory holding a subnet and a map
// (and a file including itself); inputs naming any other path are skipped, so the fuzzer
// never reads the machine's files.
#include "alloc/lease_manager.h"
#include "config/config_loader.h"
#include "control/config_json.h"
#include "dhcp4/dhcp4_processor.h"
#include "fuzz_common.h"
#include "ha_config_parser.h"
#include "lease/memfile_store.h"

#include <cstdlib>
#include <fcntl.h>
#include <kahu/error.h>
#include <string>
#include <unistd.h>

namespace {

using namespace kahu;

int sandboxFd = -1;
int homeFd = -1;

void writeFile(const std::string& path, const std::string& text) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) {
        fuzz::fail("cannot create the include sandbox", path);
    }
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
}

/// True when every include directive names a bare file of the sandbox.
bool includesAreSafe(std::string_view text) {
    for (size_t at = text.find("<?"); at != std::string_view::npos; at = text.find("<?", at + 2)) {
        size_t end = text.find("?>", at);
        std::string_view body = text.substr(at, end == std::string_view::npos ? end : end - at);
        if (body.find('/') != std::string_view::npos || body.find("..") != std::string_view::npos) {
            return false;
        }
    }
    return true;
}

/// Whether to serve with the configuration: LeaseManager keeps a bitmap per pool, and the
/// statistics of every subnet and pool id it ever saw (process-wide, kept across inputs).
bool manageable(const ServerConfig& c) {
    uint64_t n = 0;
    for (const auto& s : c.subnets) {
        if (s.id > 256) {
            return false;
        }
        for (const auto& p : s.pools) {
            n += p.size();
            if (p.poolId > 16) {
                return false;
            }
        }
    }
    return n <= (uint64_t(1) << 16);
}

void serve(const std::shared_ptr<const ServerConfig>& config) {
    MemfileConfig mc;
    mc.persist = false;
    mc.lfcInterval = 0;
    auto store = std::make_shared<MemfileStore>(mc);
    LeaseManager leases(store);
    leases.configure(config);
    std::vector<InterfaceAddresses> ifaces = {
        {"eth0", 2, {{*Ipv4Address::fromText("10.0.0.1"), 8}}}};
    Dhcp4Processor proc(config, leases, ifaces);
    if (config->subnets.empty()) {
        return;
    }
    const Subnet& s = config->subnets.front();
    Packet4 q;
    q.op = 1;
    q.xid = 0x12345678;
    q.chaddr = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
    q.setMessageType(MessageType::Discover);
    q.set(opt::kClientId, {1, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30});
    std::vector<uint8_t> prl;
    for (int c = 1; c < 255; ++c) {
        prl.push_back(uint8_t(c));
    }
    q.set(opt::kParamRequest, prl);
    q.set(opt::kVendorClass, {'d', 'o', 'c', 's', 'i', 's', '3', '.', '0'});
    q.giaddr = s.relayAddresses.empty() ? Ipv4Address(s.prefix.address.value() + 1)
                                        : s.relayAddresses.front();
    q.remoteAddr = q.giaddr;
    q.remotePort = 67;
    q.iface = "eth0";
    q.ifindex = 2;
    q.localAddr = *Ipv4Address::fromText("10.0.0.1");
    Exchange ex = proc.process(q, 1700000000);
    if (ex.response) {
        FUZZ_CHECK(ex.response->op == 2 && ex.response->xid == q.xid, "bad reply header");
        std::vector<uint8_t> wire;
        ex.response->pack(wire);
        Packet4 back;
        FUZZ_CHECK(back.parse(wire) == ParseError::Ok, "the reply does not parse back");
    }
}

void use(const std::shared_ptr<const ServerConfig>& config) {
    // config-get, and config-set of what config-get showed.
    nlohmann::json shown = control::configToJson(*config);
    (void)fuzz::serialise(shown, "config-get");
    (void)control::configHash(shown);
    std::shared_ptr<ServerConfig> again;
    try {
        again = config::buildConfig(shown).config;
    } catch (const std::exception& e) {
        fuzz::fail("config-get's output does not load", e.what());
    }
    nlohmann::json shownAgain = control::configToJson(*again);
    FUZZ_CHECK(shownAgain == shown, "config-get differs after config-set of its own output",
               fuzz::text(shown) + "\n" + fuzz::text(shownAgain));

    try {
        (void)MemfileConfig::fromJson(config->leaseDatabase.raw);
    } catch (const Error&) {
    }
    for (const auto& h : config->hooksLibraries) {
        if (h.parameters.is_object() && h.parameters.contains("high-availability")) {
            try {
                (void)ha::parseHaConfig(h.parameters);
            } catch (const Error&) {
            }
        }
    }
    if (manageable(*config)) {
        serve(config);
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quietLogging();
    fuzz::oneSampleStatistics();
    char dir[] = "/tmp/kahu-fuzz-config.XXXXXX";
    if (!mkdtemp(dir)) {
        fuzz::fail("mkdtemp");
    }
    std::string d = dir;
    writeFile(
        d + "/subnet.inc",
        R"({"id": 7, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10-192.0.2.20"}]})");
    writeFile(d + "/map.inc", R"("valid-lifetime": 600, "renew-timer": 100,)");
    writeFile(d + "/loop.inc", R"(<?include "loop.inc"?>)");
    static std::string sandbox = d;
    std::atexit([] {
        for (const char* f : {"/subnet.inc", "/map.inc", "/loop.inc"}) {
            ::unlink((sandbox + f).c_str());
        }
        ::rmdir(sandbox.c_str());
    });
    sandboxFd = open(dir, O_RDONLY | O_DIRECTORY);
    homeFd = open(".", O_RDONLY | O_DIRECTORY);
    if (sandboxFd < 0 || homeFd < 0) {
        fuzz::fail("cannot open the include sandbox");
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    if (!includesAreSafe(text)) {
        return 0;
    }
    std::shared_ptr<const ServerConfig> config;
    if (fchdir(sandboxFd) != 0) {
        fuzz::fail("fchdir");
    }
    try {
        config = config::parseConfigText(text, "fuzz.json").config;
    } catch (const Error&) {
        // ConfigError (and PathError and the like): the expected outcome for bad text.
    } catch (const std::exception& e) {
        // The contract is ConfigError "<file>:<line>:<col>: ..." (the server would print
        // what() of anything else, without a position).
        fuzz::fail("the parser threw something else than kahu::Error", e.what());
    }
    if (fchdir(homeFd) != 0) {
        fuzz::fail("fchdir");
    }
    if (config) {
        use(config);
    }
    return 0;
}
