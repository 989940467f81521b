// SPDX-License-Identifier: MPL-2.0
#include "pgsql_params.h"

#include <gtest/gtest.h>
#include <kahu/error.h>

using namespace kahu;
using namespace kahu::pgsql;
using json = nlohmann::json;

namespace {

std::string errorOf(const json& j) {
    try {
        PgSqlParams::fromJson(j);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST(PgSqlParams, SeedConfigGivesKeasDefaults) {
    auto p = PgSqlParams::fromJson(json::parse(R"({"type": "postgresql", "host": "localhost",
        "name": "kea", "user": "kea", "password": "motdepasse"})"));
    EXPECT_EQ("localhost", p.host);
    EXPECT_EQ(0, p.port);
    EXPECT_EQ("kea", p.name);
    EXPECT_EQ("kea", p.user);
    EXPECT_EQ("motdepasse", p.password);
    EXPECT_EQ(5u, p.connectTimeout);
    EXPECT_EQ(0u, p.tcpUserTimeout);
    EXPECT_EQ(0u, p.maxReconnectTries);
    EXPECT_EQ(0u, p.reconnectWaitTime);
    EXPECT_EQ(OnFail::StopRetryExit, p.onFail);
    EXPECT_FALSE(p.retryOnStartup);
    EXPECT_FALSE(p.readonly);
    EXPECT_FALSE(p.tls());
    EXPECT_EQ("postgresql://kea@localhost/kea", p.describe());
}

TEST(PgSqlParams, EveryKeaKeyIsRead) {
    auto p = PgSqlParams::fromJson(json::parse(R"({"type": "postgresql", "host": "db",
        "port": 5433, "name": "n", "user": "u", "password": "p", "connect-timeout": 7,
        "tcp-user-timeout": 8, "max-reconnect-tries": 10, "reconnect-wait-time": 500,
        "on-fail": "serve-retry-continue", "retry-on-startup": true, "readonly": true,
        "trust-anchor": "/ca", "cert-file": "/c", "key-file": "/k"})"));
    EXPECT_EQ(5433, p.port);
    EXPECT_EQ(7u, p.connectTimeout);
    EXPECT_EQ(8u, p.tcpUserTimeout);
    EXPECT_EQ(10u, p.maxReconnectTries);
    EXPECT_EQ(500u, p.reconnectWaitTime);
    EXPECT_EQ(OnFail::ServeRetryContinue, p.onFail);
    EXPECT_TRUE(p.retryOnStartup);
    EXPECT_TRUE(p.readonly);
    EXPECT_EQ("/ca", p.trustAnchor);
    EXPECT_EQ("/c", p.certFile);
    EXPECT_EQ("/k", p.keyFile);
    EXPECT_TRUE(p.tls());
    EXPECT_EQ("postgresql://u@db:5433/n (TLS)", p.describe());
    p.trustAnchor.clear(); // sslmode=require: encrypted, the server not verified
    EXPECT_EQ("postgresql://u@db:5433/n (TLS, server certificate not verified)", p.describe());
}

TEST(PgSqlParams, OnFailPolicies) {
    EXPECT_EQ(OnFail::ServeRetryExit,
              PgSqlParams::fromJson({{"name", "kea"}, {"on-fail", "serve-retry-exit"}}).onFail);
    EXPECT_EQ(OnFail::StopRetryExit,
              PgSqlParams::fromJson({{"name", "kea"}, {"on-fail", "stop-retry-exit"}}).onFail);
    EXPECT_STREQ("serve-retry-continue", toString(OnFail::ServeRetryContinue));
}

TEST(PgSqlParams, UnknownKeyIsRefusedByName) {
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "pasword": "x"})")),
              "lease-database: unknown key 'pasword'");
}

TEST(PgSqlParams, EveryOtherKeaKeyIsAccepted) {
    // Memfile's keys, MySQL's timeouts and cipher-list: Kea accepts them for a postgresql store.
    auto p = PgSqlParams::fromJson(json::parse(R"({"type": "postgresql", "name": "kea",
        "persist": true, "lfc-interval": 3600, "max-row-errors": 0, "read-timeout": 10,
        "write-timeout": 10, "cipher-list": "AES", "comment": "c", "user-context": {"a": 1}})"));
    EXPECT_EQ("kea", p.name);
    EXPECT_FALSE(p.tls());
}

TEST(PgSqlParams, BadValuesNameTheirKey) {
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "on-fail": "retry"})")),
              "lease-database.on-fail: 'retry' is not one of: stop-retry-exit, serve-retry-exit, "
              "serve-retry-continue");
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "port": 70000})")),
              "lease-database.port: value 70000 out of range 0..65535");
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "connect-timeout": 0})")),
              "lease-database.connect-timeout: value 0 out of range 1..2147483647");
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "tcp-user-timeout": -1})")),
              "lease-database.tcp-user-timeout: value -1 out of range 0..2147483647");
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "readonly": "yes"})")),
              "lease-database.readonly: expected a boolean, got string");
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "cert-file": "/c"})")),
              "lease-database.cert-file: 'cert-file' and 'key-file' go together");
}

TEST(PgSqlParams, NameIsRequired) {
    EXPECT_EQ(errorOf(json::parse(R"({"type": "postgresql"})")),
              "lease-database: must specify a name for the database ('name')");
}

TEST(PgSqlParams, DescriptionNeverShowsThePassword) {
    auto p = PgSqlParams::fromJson(json::parse(R"({"name": "kea", "user": "kea",
        "password": "motdepasse", "port": 5432})"));
    EXPECT_EQ("postgresql://kea@localhost:5432/kea", p.describe());
    EXPECT_EQ(std::string::npos, p.describe().find("motdepasse"));
}

TEST(PgSqlParams, DigestRefreshTimeIsAHostsDatabaseKey) {
    EXPECT_EQ(PgSqlParams::fromJson(json::parse(R"({"name": "kea"})"), true).digestRefreshTime,
              1000u);
    EXPECT_EQ(
        PgSqlParams::fromJson(json::parse(R"({"name": "kea", "digest-refresh-time": 0})"), true)
            .digestRefreshTime,
        0u);
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "digest-refresh-time": 100})")),
              "lease-database: unknown key 'digest-refresh-time'");
    try {
        PgSqlParams::fromJson(json::parse(R"({"name": "kea", "digest-refresh-time": -1})"), true);
        FAIL() << "a negative refresh time is refused";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(),
                     "hosts-database.digest-refresh-time: value -1 out of range 0..3600000");
    }
}
