// SPDX-License-Identifier: MPL-2.0
// libFuzzer target: the control channel's command layer. The input is the byte stream a
// client writes to the unix control socket: JsonFeed (the socket's framing) cuts it into
// command texts, each parsed and run by callCommandText + CommandDispatcher (Kea's command
// checks) against a registry holding the built-in commands and the lease_cmds hook's
// lease4-* handlers, over an in-memory memfile store behind the SDK's ServerAccess, as in
// kahu-dhcp4. Several commands per input, so state builds up (lease4-add then
// lease4-get/update/del/get-page, dhcp-disable then status-get, config-set then config-get).
//
// Left out: what writes files or stops the process (config-write, lease4-write, shutdown);
// config-reload answers an error without reading a file; config-set swaps the configuration
// and reconfigures the lease manager, as the server does.
//
// Invariants: every answer is a map with an integer "result" and serialises (the transports
// send answer.dump(), invalid UTF-8 replaced); the lease statistics equal what the store holds
// (unless the input itself reset or removed statistics).
#include "alloc/lease_manager.h"
#include "alloc/lease_reclaimer.h"
#include "alloc/managed_leases.h"
#include "config/config_loader.h"
#include "control/builtin_commands.h"
#include "control/command_call.h"
#include "control/command_dispatcher.h"
#include "control/json_feed.h"
#include "fuzz_common.h"
#include "lease/memfile_store.h"
#include "lease_cmds.h"

#include <ctime>
#include <kahu/error.h>
#include <kahu/server_access.h>
#include <kahu/stats.h>
#include <map>

namespace {

using namespace kahu;

constexpr const char* kConfig = R"({"Dhcp4": {
  "server-tag": "fuzz",
  "interfaces-config": {"interfaces": []},
  "lease-database": {"type": "memfile", "persist": false, "lfc-interval": 0},
  "multi-threading": {"enable-multi-threading": false},
  "valid-lifetime": 4000,
  "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.99"}],
  "subnet4": [
    {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.200"}]},
    {"id": 2, "subnet": "198.51.100.0/24",
     "pools": [{"pool": "198.51.100.10 - 198.51.100.99"},
               {"pool": "198.51.100.100 - 198.51.100.199", "pool-id": 7}],
     "valid-lifetime": 7200}
  ],
  "shared-networks": [{"name": "net", "subnet4": [
    {"id": 3, "subnet": "203.0.113.0/24", "pools": [{"pool": "203.0.113.10 - 203.0.113.20"}]}]}]
}})";

/// What the fuzzer lets config-set apply: LeaseManager keeps a bitmap per pool, and the
/// statistics of every subnet and pool id it ever saw (process-wide, kept across inputs).
bool manageable(const ServerConfig& c) {
    uint64_t n = 0;
    for (const auto& s : c.subnets) {
        if (s.id > 64) {
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

/// kahu-dhcp4 as the commands see it: the configuration, the leases, the service state.
class FuzzServer final : public ControlHost, public ServerAccess {
public:
    explicit FuzzServer(std::shared_ptr<const ServerConfig> config) : config_(std::move(config)) {
        MemfileConfig mc;
        mc.persist = false;
        mc.lfcInterval = 0;
        store_ = std::make_shared<MemfileStore>(mc);
        manager_ = std::make_shared<LeaseManager>(store_);
        manager_->configure(config_);
        leases_.set(manager_);
    }

    // ControlHost
    std::shared_ptr<const ServerConfig> config() const override { return config_; }
    std::string reloadFromFile() override { return "fuzz: config-reload reads no file here"; }
    std::string applyJson(const nlohmann::json& top, bool checkOnly) override {
        std::shared_ptr<const ServerConfig> next;
        try {
            next = config::buildConfig(top).config;
        } catch (const Error& e) {
            return e.what();
        }
        if (!manageable(*next)) {
            return "fuzz: pools too large or ids too high for the fuzzer";
        }
        if (!checkOnly) {
            config_ = next;
            manager_->configure(config_); // what the server does on a reload
        }
        return "";
    }
    std::string configFile() const override { return "/nonexistent/kahu-fuzz.conf"; }
    void shutdown(int) override { fuzz::fail("shutdown reached the host"); }
    void reclaimNow(bool remove) override {
        LeaseReclaimer(*manager_, *config_).reclaim(std::time(nullptr), remove, true);
    }
    int64_t uptimeSeconds() const override { return 42; }
    int64_t secondsSinceReload() const override { return 7; }
    nlohmann::json socketStatus() const override { return {{"status", "ready"}}; }
    nlohmann::json packetQueueStatistics() const override { return {0.5, 0.25, 0.125}; }

    // ServerAccess
    Leases& leases() override { return leases_; }
    void disableService(uint32_t origin) override { state_.disable(origin); }
    void enableService(uint32_t origin) override { state_.enable(origin); }
    bool serviceEnabled() const noexcept override { return state_.isEnabled(); }

    NetworkState state_;
    std::shared_ptr<const ServerConfig> config_;
    std::shared_ptr<MemfileStore> store_;
    std::shared_ptr<LeaseManager> manager_;
    ManagedLeases leases_;
};

void checkStatistics(const FuzzServer& s) {
    std::map<SubnetId, int64_t> assigned;
    s.store_->forEach([&](const Lease4& l) {
        if (l.state == LeaseState::ExpiredReclaimed) {
            return;
        }
        const Subnet* home = s.config_->subnetById(l.subnetId);
        if (home && home->prefix.contains(l.address)) {
            ++assigned[l.subnetId];
        }
    });
    for (const auto& sub : s.config_->subnets) {
        const std::string name = "subnet[" + std::to_string(sub.id) + "].assigned-addresses";
        int64_t stat = Statistics::instance().get(name);
        FUZZ_CHECK(stat == assigned[sub.id], "assigned-addresses differs from the store",
                   name + " = " + std::to_string(stat) + ", store " +
                       std::to_string(assigned[sub.id]));
    }
}

std::shared_ptr<const ServerConfig> baseConfig() {
    static const auto c = [] {
        try {
            return std::shared_ptr<const ServerConfig>(
                config::parseConfigText(kConfig, "fuzz").config);
        } catch (const std::exception& e) {
            fuzz::fail("the fuzzer's configuration does not load", e.what());
        }
    }();
    return c;
}

void checkAnswer(const nlohmann::json& answer) {
    FUZZ_CHECK(answer.is_object(), "the answer is not a map", fuzz::text(answer));
    auto r = answer.find("result");
    FUZZ_CHECK(r != answer.end() && r->is_number_integer(), "the answer has no integer result",
               fuzz::text(answer));
    (void)fuzz::serialise(answer, "control answer");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quietLogging();
    fuzz::oneSampleStatistics();
    registerMemfileStore();
    baseConfig();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzServer server(baseConfig());

    CommandRegistry registry;
    registerBuiltinCommands(registry, server, server.state_);
    registry.remove("config-write");
    registry.remove("shutdown");
    auto cmds =
        std::make_shared<lease_cmds::LeaseCmds>(&server, log::get("kahu-dhcp4.lease-cmds-hooks"));
    for (const auto& [name, handler] : lease_cmds::LeaseCmds::commands()) {
        if (name == "lease4-write") {
            continue;
        }
        registry.add(name, [cmds, handler = handler](const nlohmann::json& args) {
            return ((*cmds).*handler)(args);
        });
    }
    CommandDispatcher dispatcher(registry, [](hooks::CommandProcessedArgs&) {});
    CommandExecutor executor = dispatcher.executor();

    std::string_view rest(reinterpret_cast<const char*>(data), size);
    bool statsTouched = false;
    for (int n = 0; n < 16 && !rest.empty(); ++n) {
        JsonFeed feed;
        auto st = feed.feed(rest);
        std::string_view text = rest.substr(0, feed.text().size());
        rest.remove_prefix(text.size());
        // The socket answers a framing error without running anything; here the text still
        // goes through the strict parser, whose errors must be answered too.
        nlohmann::json answer =
            (n & 1) ? callCommandText(executor, text, "192.0.2.7") : dispatcher.dispatchText(text);
        checkAnswer(answer);
        if (text.find("statistic-") != std::string_view::npos ||
            text.find("config-set") != std::string_view::npos) {
            // A reset or removed statistic, or a reconfiguration, says nothing about the store.
            statsTouched = true;
        }
        if (!statsTouched) {
            checkStatistics(server);
        }
        if (st != JsonFeed::State::Complete) {
            break;
        }
    }
    // statistic-sample-*-set may have raised the limits: back to one sample, freeing what
    // this input added (and a later input starts from the same limits).
    fuzz::oneSampleStatistics();
    return 0;
}
