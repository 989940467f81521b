// SPDX-License-Identifier: MPL-2.0
// The built libdhcp_pgsql.so through the real hook loader: it loads (also under
// multi-threading), registers the "postgresql" lease-store and host-store types, their
// factories refuse bad parameters and an unreachable server with clear errors, and unloading
// unmaps it.
#include "hooks/hook_set.h"

#include <cstdlib>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <string>

using namespace kahu;
using namespace kahu::hooks;

namespace {

const std::string kPath = std::string(KAHU_TEST_HOOKS_BUILD_DIR) + "/libdhcp_pgsql.so";

bool mapped() {
    void* h = dlopen(kPath.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (h != nullptr) {
        dlclose(h);
        return true;
    }
    return false;
}

std::string factoryError(const HookSet& set, const nlohmann::json& config) {
    const LeaseStoreFactory* f = set.leaseStoreFactory("postgresql");
    if (f == nullptr) {
        return "no factory";
    }
    try {
        (*f)(LeaseStoreParams{config, true});
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no error";
}

class PgSqlLibrary : public ::testing::Test {
protected:
    void SetUp() override { setenv("KAHU_HOOKS_PATH", KAHU_TEST_HOOKS_BUILD_DIR, 1); }
};

} // namespace

TEST_F(PgSqlLibrary, RegistersThePostgresqlStoreTypeAndUnloadsCleanly) {
    {
        auto set =
            loadHookSet({{"libdhcp_pgsql.so", nullptr, "test.json:1:1"}}, LoadMode::Load, true);
        EXPECT_NE(nullptr, set->leaseStoreFactory("postgresql"));
        EXPECT_EQ(nullptr, set->leaseStoreFactory("mysql"));
        EXPECT_NE(nullptr, set->hostStoreFactory("postgresql"));
        EXPECT_EQ(nullptr, set->hostStoreFactory("mysql"));
        EXPECT_TRUE(mapped());
        set->unload();
    }
    EXPECT_FALSE(mapped());
}

TEST_F(PgSqlLibrary, FactoryRefusesBadParametersByName) {
    auto set = loadHookSet({{"libdhcp_pgsql.so", nullptr, "test.json:1:1"}}, LoadMode::Load, true);
    EXPECT_EQ(factoryError(*set, {{"type", "postgresql"}, {"name", "kea"}, {"hots", "db"}}),
              "Dhcp4.lease-database: unknown key 'hots'");
    EXPECT_EQ(factoryError(*set, {{"type", "postgresql"}}),
              "Dhcp4.lease-database: must specify a name for the database ('name')");
    // The host store reads the same keys and digest-refresh-time, and names its own entry.
    HostStoreParams hp;
    hp.config = {
        {"type", "postgresql"}, {"name", "kea"}, {"digest-refresh-time", 100}, {"hots", "db"}};
    hp.path = "Dhcp4.hosts-databases[1]";
    hp.checkOnly = true;
    std::string error = "no error";
    try {
        (*set->hostStoreFactory("postgresql"))(hp);
    } catch (const std::exception& e) {
        error = e.what();
    }
    EXPECT_EQ(error, "Dhcp4.hosts-databases[1]: unknown key 'hots'");
    set->unload();
}

TEST_F(PgSqlLibrary, UnreachableServerIsAClearError) {
    auto set = loadHookSet({{"libdhcp_pgsql.so", nullptr, "test.json:1:1"}}, LoadMode::Load, true);
    // Port 1 on loopback: nothing listens there.
    std::string e = factoryError(*set, {{"type", "postgresql"},
                                        {"name", "kea"},
                                        {"user", "kea"},
                                        {"password", "secret"},
                                        {"host", "127.0.0.1"},
                                        {"port", 1},
                                        {"connect-timeout", 2}});
    EXPECT_NE(std::string::npos, e.find("cannot connect to postgresql://kea@127.0.0.1:1/kea")) << e;
    EXPECT_EQ(std::string::npos, e.find("secret")) << "the password is in the message";
    HostStoreParams hp;
    hp.config = {{"type", "postgresql"}, {"name", "kea"},       {"user", "kea"},
                 {"password", "secret"}, {"host", "127.0.0.1"}, {"port", 1},
                 {"connect-timeout", 2}};
    hp.path = "Dhcp4.hosts-database";
    hp.checkOnly = true;
    e = "no error";
    try {
        (*set->hostStoreFactory("postgresql"))(hp);
    } catch (const std::exception& x) {
        e = x.what();
    }
    EXPECT_NE(std::string::npos, e.find("cannot connect to postgresql://kea@127.0.0.1:1/kea")) << e;
    EXPECT_EQ(std::string::npos, e.find("secret")) << "the password is in the message";
    set->unload();
}
