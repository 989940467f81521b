// SPDX-License-Identifier: MPL-2.0
#include "pgsql_values.h"

#include <gtest/gtest.h>
#include <kahu/error.h>

using namespace kahu;
using namespace kahu::pgsql;

TEST(PgSqlValues, ExpireIsClttPlusLifetimeOrClttWhenInfinite) {
    EXPECT_EQ(1700003600, dbExpire(1700000000, 3600));
    EXPECT_EQ(1700000000, dbExpire(1700000000, Lease4::kInfinite));
    EXPECT_EQ(1700000000, clttFromDb(1700003600, 3600));
    EXPECT_EQ(1700000000, clttFromDb(1700000000, Lease4::kInfinite));
}

TEST(PgSqlValues, ExpirePast2038IsRefusedAsKeaDoes) {
    EXPECT_EQ(kMaxDbTime, dbExpire(kMaxDbTime - 10, 10));
    try {
        dbExpire(kMaxDbTime, 1);
        FAIL() << "accepted an expire past 2038";
    } catch (const StoreError& e) {
        EXPECT_STREQ("Time value is too large: 2147483648", e.what());
    }
}

TEST(PgSqlValues, ExpectedExpireOfAnInfiniteLeaseIsItsCltt) {
    Lease4 l;
    l.cltt = 1700000000;
    l.validLifetime = Lease4::kInfinite;
    EXPECT_EQ(1700000000, storedExpireInDb(l.expire()));
    l.validLifetime = 3600;
    EXPECT_EQ(1700003600, storedExpireInDb(l.expire()));
}

TEST(PgSqlValues, TimestampsCarryTheirZone) {
    EXPECT_EQ("2023-11-14 22:13:20+00", timestampText(1700000000));
    EXPECT_EQ("1970-01-01 00:00:00+00", timestampText(0));
    EXPECT_EQ("2038-01-19 03:14:07+00", timestampText(kMaxDbTime));
}

TEST(PgSqlValues, UserContextIsEmptyTextWhenAbsent) {
    EXPECT_EQ("", userContextToDb(nullptr));
    EXPECT_EQ(R"({"a":1})", userContextToDb({{"a", 1}}));
    EXPECT_TRUE(userContextFromDb("").is_null());
    EXPECT_TRUE(userContextFromDb("not json").is_null());
    EXPECT_TRUE(userContextFromDb("[1]").is_null()) << "Kea's user context is a map";
    EXPECT_EQ(nlohmann::json({{"a", 1}}), userContextFromDb(R"({"a": 1})"));
}

TEST(PgSqlValues, OnlyKea22SchemaIsSupported) {
    EXPECT_TRUE(supported({13, 0}));
    EXPECT_FALSE(supported({12, 0}));
    EXPECT_FALSE(supported({22, 0}));
    EXPECT_EQ("13.0", kCurrentSchema.str());
}
