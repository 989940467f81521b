// SPDX-License-Identifier: MPL-2.0
#pragma once
// A small server for the lease commands: two subnets, a memfile store without a file, core's
// LeaseManager (statistics, locks) behind the SDK's ServerAccess, and the real
// libdhcp_lease_cmds.so loaded and activated through the hook framework.
#include "alloc/managed_leases.h"
#include "command/command_registry.h"
#include "hooks/hook_manager.h"
#include "hooks/hook_set.h"
#include "lease/memfile_store.h"

#include <cstdlib>
#include <ctime>
#include <gtest/gtest.h>
#include <kahu/server_access.h>
#include <kahu/stats.h>
#include <string>

namespace kahu::test {

class TestServer : public ServerAccess {
public:
    Leases& leases() override { return leases_; }
    std::shared_ptr<const ServerConfig> config() const override { return config_; }
    void disableService(uint32_t) override {}
    void enableService(uint32_t) override {}
    bool serviceEnabled() const noexcept override { return true; }
    /// Records what a command asked DDNS for (the server's queue is tested in core).
    NameChange queueNameChange(bool add, const Lease4& lease) override {
        nameChanges.emplace_back(add, lease);
        return NameChange::Queued;
    }

    ManagedLeases leases_;
    std::vector<std::pair<bool, Lease4>> nameChanges;
    std::shared_ptr<const ServerConfig> config_;
};

inline Ipv4Address ip(const std::string& t) {
    return *Ipv4Address::fromText(t);
}

inline Pool pool(const std::string& first, const std::string& last, uint32_t id = 0) {
    Pool p;
    p.first = ip(first);
    p.last = ip(last);
    p.poolId = id;
    return p;
}

/// Subnet 1: 192.0.2.0/24, pool .10-.200, valid-lifetime 4000.
/// Subnet 2: 198.51.100.0/24, pools .10-.99 (pool-id 0) and .100-.199 (pool-id 7), 7200.
inline std::shared_ptr<ServerConfig> twoSubnets() {
    auto c = std::make_shared<ServerConfig>();
    Subnet s1;
    s1.id = 1;
    s1.prefix = {ip("192.0.2.0"), 24};
    s1.pools = {pool("192.0.2.10", "192.0.2.200")};
    s1.valid = {4000, 4000, 4000};
    Subnet s2;
    s2.id = 2;
    s2.prefix = {ip("198.51.100.0"), 24};
    s2.pools = {pool("198.51.100.10", "198.51.100.99"),
                pool("198.51.100.100", "198.51.100.199", 7)};
    s2.valid = {7200, 7200, 7200};
    c->subnets = {s1, s2};
    c->leaseDatabase.persist = false;
    return c;
}

class LeaseCmdsTest : public ::testing::Test {
protected:
    void SetUp() override {
        setenv("KAHU_HOOKS_PATH", KAHU_TEST_HOOKS_BUILD_DIR, 1);
        MemfileConfig mc;
        mc.persist = false;
        mc.lfcInterval = 0;
        store_ = std::make_shared<MemfileStore>(mc);
        manager_ = std::make_shared<LeaseManager>(store_);
        auto config = twoSubnets();
        manager_->configure(config);
        server_.config_ = config;
        server_.leases_.set(manager_);
        loadLibrary();
    }
    void TearDown() override { hooks::HookManager::instance().clear(); }

    void loadLibrary() { loadLibrary(&server_); }
    /// Loads the library as kahu-dhcp4 does, handing it `server` (null: as a check would).
    void loadLibrary(ServerAccess* server) {
        hooks::HookSetOptions o;
        o.server = server;
        auto set = hooks::loadHookSet({{"libdhcp_lease_cmds.so", nullptr, "test.json:1:1"}},
                                      hooks::LoadMode::Load, true, o);
        hooks::HookManager::instance().activate(set);
    }

    nlohmann::json run(const std::string& command, const nlohmann::json& args = nullptr) {
        return CommandRegistry::instance().execute(command, args);
    }

    /// Asserts result and text, returns the answer.
    nlohmann::json expect(const std::string& command, const nlohmann::json& args, int result,
                          const std::string& text) {
        auto answer = run(command, args);
        EXPECT_EQ(answer.value("result", -1), result)
            << command << " " << args.dump() << " -> " << answer.dump();
        EXPECT_EQ(answer.value("text", ""), text) << command << " " << args.dump();
        return answer;
    }

    static int64_t stat(const std::string& name) { return Statistics::instance().get(name); }

    /// A lease4-add argument set in subnet 1.
    static nlohmann::json lease(const std::string& address, const std::string& mac) {
        return {{"ip-address", address}, {"hw-address", mac}};
    }

    std::shared_ptr<MemfileStore> store_;
    std::shared_ptr<LeaseManager> manager_;
    TestServer server_;
};

} // namespace kahu::test
