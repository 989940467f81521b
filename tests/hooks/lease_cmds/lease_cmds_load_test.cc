// SPDX-License-Identifier: MPL-2.0
// Loading and unloading the real libdhcp_lease_cmds.so.
#include "lease_cmds_fixture.h"

#include <algorithm>

namespace kahu::test {
namespace {

const std::vector<std::string> kCommands = {"lease4-add",
                                            "lease4-del",
                                            "lease4-get",
                                            "lease4-get-all",
                                            "lease4-get-by-client-id",
                                            "lease4-get-by-hostname",
                                            "lease4-get-by-hw-address",
                                            "lease4-get-page",
                                            "lease4-resend-ddns",
                                            "lease4-update",
                                            "lease4-wipe",
                                            "lease4-write"};

bool listed(const std::string& name) {
    auto names = CommandRegistry::instance().names();
    return std::find(names.begin(), names.end(), name) != names.end();
}

TEST_F(LeaseCmdsTest, CommandsAreListedOnlyWhileTheLibraryIsLoaded) {
    for (const auto& c : kCommands) {
        EXPECT_TRUE(listed(c)) << c;
    }
    hooks::HookManager::instance().clear();
    for (const auto& c : kCommands) {
        EXPECT_FALSE(listed(c)) << c;
    }
    EXPECT_EQ(run("lease4-get-all")["result"], 2);
    EXPECT_EQ(run("lease4-get-all")["text"], "'lease4-get-all' command not supported.");

    loadLibrary();
    for (const auto& c : kCommands) {
        EXPECT_TRUE(listed(c)) << c;
    }
}

TEST_F(LeaseCmdsTest, WithoutARunningServerEveryCommandAnswersError) {
    hooks::HookManager::instance().clear();
    loadLibrary(nullptr);
    auto answer = run("lease4-get-all");
    EXPECT_EQ(answer["result"], 1);
    EXPECT_EQ(answer["text"],
              "no current lease manager is available (the DHCP server is not running)");
    EXPECT_EQ(run("lease4-add", lease("192.0.2.10", "02:00:00:00:00:01"))["result"], 1);
    EXPECT_EQ(run("lease4-get", {{"ip-address", "192.0.2.10"}})["result"], 1);
    EXPECT_EQ(run("lease4-wipe")["result"], 1);
}

TEST_F(LeaseCmdsTest, ValidateOnlyLoadRegistersNothing) {
    auto set = hooks::loadHookSet({{"libdhcp_lease_cmds.so", nullptr, "test.json:1:1"}},
                                  hooks::LoadMode::Validate, true);
    EXPECT_TRUE(set->commands().empty());
    // The active set still answers.
    EXPECT_EQ(run("lease4-get-all")["result"], 3);
}

} // namespace
} // namespace kahu::test
