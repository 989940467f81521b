// SPDX-License-Identifier: MPL-2.0
#include "control/network_state.h"

#include <gtest/gtest.h>

namespace kahu {
namespace {

using namespace std::chrono_literals;

TEST(NetworkState, EnabledByDefaultWithEmptyDhcpState) {
    NetworkState s;
    EXPECT_TRUE(s.isEnabled());
    EXPECT_EQ(s.toJson(), nlohmann::json::parse(R"({"disabled-by-db-connection": [],
        "disabled-by-local-command": [], "disabled-by-remote-command": [],
        "disabled-by-user": false, "globally-disabled": false})"));
}

TEST(NetworkState, UserDisableIsAFlagNotACounter) {
    NetworkState s;
    s.disable(NetworkState::kUserCommand);
    s.disable(NetworkState::kUserCommand);
    EXPECT_FALSE(s.isEnabled());
    EXPECT_TRUE(s.toJson()["disabled-by-user"].get<bool>());
    s.enable(NetworkState::kUserCommand);
    EXPECT_TRUE(s.isEnabled());
}

TEST(NetworkState, StaysDisabledWhileAnyOriginHoldsIt) {
    NetworkState s;
    s.disable(NetworkState::kUserCommand);
    s.disable(NetworkState::kHaLocalCommand + 1);
    s.disable(NetworkState::kHaRemoteCommand);
    s.disable(NetworkState::kDbConnection);
    auto j = s.toJson();
    EXPECT_EQ(j["disabled-by-local-command"], nlohmann::json({1001}));
    EXPECT_EQ(j["disabled-by-remote-command"], nlohmann::json({2000}));
    EXPECT_EQ(j["disabled-by-db-connection"], nlohmann::json({3000}));
    EXPECT_TRUE(j["globally-disabled"].get<bool>());

    s.enable(NetworkState::kUserCommand);
    s.enable(NetworkState::kHaLocalCommand + 1);
    s.enable(NetworkState::kHaRemoteCommand);
    EXPECT_FALSE(s.isEnabled());
    s.enable(NetworkState::kDbConnection);
    EXPECT_TRUE(s.isEnabled());
}

TEST(NetworkState, MaxPeriodEnablesAutomaticallyOnlyAfterTheDeadline) {
    NetworkState s;
    auto t0 = NetworkState::Clock::now();
    s.delayedEnable(NetworkState::kUserCommand, 10, t0);
    s.disable(NetworkState::kUserCommand);
    s.tick(t0 + 9s);
    EXPECT_FALSE(s.isEnabled());
    s.tick(t0 + 10s);
    EXPECT_TRUE(s.isEnabled());
    EXPECT_FALSE(s.hasDelayedEnable(NetworkState::kUserCommand));
}

TEST(NetworkState, AutomaticEnableReleasesOnlyItsOwnOrigin) {
    NetworkState s;
    auto t0 = NetworkState::Clock::now();
    s.delayedEnable(NetworkState::kUserCommand, 5, t0);
    s.disable(NetworkState::kUserCommand);
    s.disable(NetworkState::kHaLocalCommand);
    s.tick(t0 + 6s);
    EXPECT_FALSE(s.isEnabled());
    EXPECT_FALSE(s.toJson()["disabled-by-user"].get<bool>());
}

TEST(NetworkState, ExplicitEnableCancelsThePendingTimer) {
    NetworkState s;
    auto t0 = NetworkState::Clock::now();
    s.delayedEnable(NetworkState::kUserCommand, 5, t0);
    s.disable(NetworkState::kUserCommand);
    s.enable(NetworkState::kUserCommand);
    EXPECT_FALSE(s.hasDelayedEnable(NetworkState::kUserCommand));
    s.disable(NetworkState::kUserCommand); // a later disable without max-period
    s.tick(t0 + 60s);
    EXPECT_FALSE(s.isEnabled());
}

TEST(NetworkState, ResetsDropOneKindOfOrigin) {
    NetworkState s;
    s.disable(NetworkState::kHaLocalCommand);
    s.disable(NetworkState::kHaLocalCommand + 2);
    s.disable(NetworkState::kHaRemoteCommand + 1);
    s.disable(NetworkState::kDbConnection);
    s.resetForLocalCommands();
    EXPECT_EQ(s.toJson()["disabled-by-local-command"], nlohmann::json::array());
    s.resetForRemoteCommands();
    EXPECT_FALSE(s.isEnabled());
    s.resetForDbConnection();
    EXPECT_TRUE(s.isEnabled());
}

} // namespace
} // namespace kahu
