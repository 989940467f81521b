// SPDX-License-Identifier: MPL-2.0
#include "mysql_values.h"

#include <cstdlib>
#include <ctime>
#include <gtest/gtest.h>
#include <kahu/error.h>

using namespace kahu;
using namespace kahu::mysql;

TEST(MySqlValues, ExpireIsClttPlusLifetimeAndInfiniteKeepsCltt) {
    EXPECT_EQ(1700003600, dbExpire(1700000000, 3600));
    EXPECT_EQ(1700000000, dbExpire(1700000000, Lease4::kInfinite));
    EXPECT_EQ(1700000000, clttFromDb(1700003600, 3600));
    EXPECT_EQ(1700000000, clttFromDb(1700000000, Lease4::kInfinite));
}

TEST(MySqlValues, ExpireAfter2038IsRefusedLikeKea) {
    EXPECT_THROW(dbExpire(0x7fffffff, 1), StoreError);
    EXPECT_NO_THROW(dbExpire(0x7fffffff - 1, 1));
}

TEST(MySqlValues, ExpireIsWrittenInTheHostsLocalTime) {
    const char* old = std::getenv("TZ");
    std::string saved = old ? old : "";
    ::setenv("TZ", "Pacific/Auckland", 1);
    ::tzset();
    // 2024-01-15 00:00:00 UTC is 13:00 NZDT (UTC+13) the same day.
    MYSQL_TIME t = toLocalTime(1705276800);
    EXPECT_EQ(2024u, t.year);
    EXPECT_EQ(1u, t.month);
    EXPECT_EQ(15u, t.day);
    EXPECT_EQ(13u, t.hour);
    EXPECT_EQ(1705276800, fromLocalTime(t));
    if (old) {
        ::setenv("TZ", saved.c_str(), 1);
    } else {
        ::unsetenv("TZ");
    }
    ::tzset();
}

TEST(MySqlValues, UserContextIsJsonTextOrNull) {
    EXPECT_FALSE(userContextToDb(nullptr).has_value());
    EXPECT_EQ(R"({"k":"v"})", userContextToDb(nlohmann::json{{"k", "v"}}).value());
    EXPECT_EQ(nlohmann::json({{"k", "v"}}), userContextFromDb(R"({ "k": "v" })"));
    EXPECT_TRUE(userContextFromDb("").is_null());
    EXPECT_TRUE(userContextFromDb("not json").is_null());
}

TEST(MySqlValues, KnownSchemaVersionsOnly) {
    EXPECT_EQ(Lease4Layout::Kea22, layoutFor({14, 0}));
    EXPECT_EQ(Lease4Layout::Kea26, layoutFor({22, 0}));
    EXPECT_EQ(Lease4Layout::Kea26, layoutFor({22, 2}));
    EXPECT_FALSE(layoutFor({19, 0}).has_value());
    EXPECT_FALSE(layoutFor({30, 0}).has_value());
    EXPECT_FALSE(layoutFor({14, 1}).has_value());
}
