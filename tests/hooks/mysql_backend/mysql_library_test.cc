// SPDX-License-Identifier: MPL-2.0
// The built libdhcp_mysql.so through the real hook loader: it loads (also under
// multi-threading), registers the "mysql" store type, its factory refuses bad parameters and
// an unreachable server with clear errors, and unloading unmaps it.
#include "config/config_loader.h"
#include "hooks/hook_set.h"

#include <cstdlib>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <string>

using namespace kahu;
using namespace kahu::hooks;

namespace {

const std::string kPath = std::string(KAHU_TEST_HOOKS_BUILD_DIR) + "/libdhcp_mysql.so";

bool mapped() {
    void* h = dlopen(kPath.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (h != nullptr) {
        dlclose(h);
        return true;
    }
    return false;
}

std::string factoryError(const HookSet& set, const nlohmann::json& config) {
    const LeaseStoreFactory* f = set.leaseStoreFactory("mysql");
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

class MySqlLibrary : public ::testing::Test {
protected:
    void SetUp() override { setenv("KAHU_HOOKS_PATH", KAHU_TEST_HOOKS_BUILD_DIR, 1); }
};

} // namespace

TEST_F(MySqlLibrary, RegistersTheMysqlStoreTypeAndUnloadsCleanly) {
    {
        auto set =
            loadHookSet({{"libdhcp_mysql.so", nullptr, "test.json:1:1"}}, LoadMode::Load, true);
        EXPECT_NE(nullptr, set->leaseStoreFactory("mysql"));
        EXPECT_EQ(nullptr, set->leaseStoreFactory("postgresql"));
        EXPECT_NE(nullptr, set->hostStoreFactory("mysql"));
        EXPECT_EQ(nullptr, set->hostStoreFactory("postgresql"));
        EXPECT_TRUE(mapped());
        set->unload();
    }
    EXPECT_FALSE(mapped());
}

TEST_F(MySqlLibrary, FactoryRefusesBadParametersByName) {
    auto set = loadHookSet({{"libdhcp_mysql.so", nullptr, "test.json:1:1"}}, LoadMode::Load, true);
    EXPECT_EQ(factoryError(*set, {{"type", "mysql"}, {"name", "kea"}, {"hots", "db"}}),
              "Dhcp4.lease-database: unknown key 'hots'");
    EXPECT_EQ(factoryError(*set, {{"type", "mysql"}}),
              "Dhcp4.lease-database: must specify a name for the database ('name')");
    // The host store reads the same keys and names its own entry.
    HostStoreParams hp;
    hp.config = {{"type", "mysql"}, {"name", "kea"}, {"hots", "db"}};
    hp.path = "Dhcp4.hosts-databases[1]";
    hp.checkOnly = true;
    std::string error = "no error";
    try {
        (*set->hostStoreFactory("mysql"))(hp);
    } catch (const std::exception& e) {
        error = e.what();
    }
    EXPECT_EQ(error, "Dhcp4.hosts-databases[1]: unknown key 'hots'");
    set->unload();
}

TEST_F(MySqlLibrary, FactoryErrorsCarryThePositionInTheFile) {
    auto cfg = config::parseConfigText(R"({"Dhcp4": {
  "lease-database": {"type": "mysql", "name": "kea",
                     "read-timeout": 3000000000}}})",
                                       "db.conf")
                   .config;
    auto set = loadHookSet({{"libdhcp_mysql.so", nullptr, "test.json:1:1"}}, LoadMode::Load, true);
    const LeaseStoreFactory* f = set->leaseStoreFactory("mysql");
    ASSERT_NE(f, nullptr);
    try {
        (*f)(LeaseStoreParams{cfg->leaseDatabase.raw, true, cfg->leaseDatabase.source});
        FAIL() << "accepted a read-timeout out of range";
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "db.conf:3:22: Dhcp4.lease-database.read-timeout: value 3000000000 "
                               "out of range 0..2147483647");
    }
    set->unload();
}

TEST_F(MySqlLibrary, UnreachableServerIsAClearError) {
    auto set = loadHookSet({{"libdhcp_mysql.so", nullptr, "test.json:1:1"}}, LoadMode::Load, true);
    // Port 1 on loopback: nothing listens there.
    std::string e = factoryError(*set, {{"type", "mysql"},
                                        {"name", "kea"},
                                        {"user", "kea"},
                                        {"password", "secret"},
                                        {"host", "127.0.0.1"},
                                        {"port", 1},
                                        {"connect-timeout", 2}});
    EXPECT_NE(std::string::npos, e.find("cannot connect to mysql://kea@127.0.0.1:1/kea")) << e;
    EXPECT_EQ(std::string::npos, e.find("secret")) << "the password is in the message";
    set->unload();
}
