// SPDX-License-Identifier: MPL-2.0
#include "mysql_params.h"

#include <gtest/gtest.h>
#include <kahu/error.h>

using namespace kahu;
using namespace kahu::mysql;
using json = nlohmann::json;

namespace {

std::string errorOf(const json& j) {
    try {
        MySqlParams::fromJson(j);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST(MySqlParams, SeedConfigGivesKeasDefaults) {
    auto p = MySqlParams::fromJson(json::parse(R"({"type": "mysql", "host": "localhost",
        "name": "kea", "user": "kea", "password": "motdepasse"})"));
    EXPECT_EQ("localhost", p.host);
    EXPECT_EQ(0, p.port);
    EXPECT_EQ("kea", p.name);
    EXPECT_EQ("kea", p.user);
    EXPECT_EQ("motdepasse", p.password);
    EXPECT_EQ(5u, p.connectTimeout);
    EXPECT_EQ(0u, p.readTimeout);
    EXPECT_EQ(0u, p.maxReconnectTries);
    EXPECT_EQ(0u, p.reconnectWaitTime);
    EXPECT_EQ(OnFail::StopRetryExit, p.onFail);
    EXPECT_FALSE(p.retryOnStartup);
    EXPECT_FALSE(p.readonly);
    EXPECT_FALSE(p.tls());
}

TEST(MySqlParams, EveryKeaKeyIsRead) {
    auto p = MySqlParams::fromJson(json::parse(R"({"type": "mysql", "host": "db", "port": 3307,
        "name": "n", "user": "u", "password": "p", "connect-timeout": 7, "read-timeout": 8,
        "write-timeout": 9, "max-reconnect-tries": 10, "reconnect-wait-time": 500,
        "on-fail": "serve-retry-continue", "retry-on-startup": true, "readonly": true,
        "trust-anchor": "/ca", "cert-file": "/c", "key-file": "/k", "cipher-list": "AES"})"));
    EXPECT_EQ(3307, p.port);
    EXPECT_EQ(7u, p.connectTimeout);
    EXPECT_EQ(8u, p.readTimeout);
    EXPECT_EQ(9u, p.writeTimeout);
    EXPECT_EQ(10u, p.maxReconnectTries);
    EXPECT_EQ(500u, p.reconnectWaitTime);
    EXPECT_EQ(OnFail::ServeRetryContinue, p.onFail);
    EXPECT_TRUE(p.retryOnStartup);
    EXPECT_TRUE(p.readonly);
    EXPECT_TRUE(p.tls());
    EXPECT_EQ("mysql://u@db:3307/n (TLS)", p.describe());
    p.trustAnchor.clear(); // encrypted, the server's certificate not verified
    EXPECT_EQ("mysql://u@db:3307/n (TLS, server certificate not verified)", p.describe());
}

TEST(MySqlParams, UnknownKeyIsRefusedByName) {
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "pasword": "x"})")),
              "lease-database: unknown key 'pasword'");
}

TEST(MySqlParams, EveryOtherKeaKeyIsAccepted) {
    // Memfile's keys and PostgreSQL's tcp-user-timeout: Kea accepts them for a mysql store.
    auto p = MySqlParams::fromJson(json::parse(R"({"type": "mysql", "name": "kea",
        "persist": true, "lfc-interval": 3600, "max-row-errors": 0, "tcp-user-timeout": 10,
        "comment": "c", "user-context": {"a": 1}})"));
    EXPECT_EQ("kea", p.name);
}

TEST(MySqlParams, BadValuesNameTheirKey) {
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "on-fail": "retry"})")),
              "lease-database.on-fail: 'retry' is not one of: stop-retry-exit, serve-retry-exit, "
              "serve-retry-continue");
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "port": 70000})")),
              "lease-database.port: value 70000 out of range 0..65535");
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "connect-timeout": 0})")),
              "lease-database.connect-timeout: value 0 out of range 1..2147483647");
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "readonly": "yes"})")),
              "lease-database.readonly: expected a boolean, got string");
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "cert-file": "/c"})")),
              "lease-database.cert-file: 'cert-file' and 'key-file' go together");
}

TEST(MySqlParams, NameIsRequired) {
    EXPECT_EQ(errorOf(json::parse(R"({"type": "mysql"})")),
              "lease-database: must specify a name for the database ('name')");
}

TEST(MySqlParams, DescriptionNeverShowsThePassword) {
    auto p = MySqlParams::fromJson(json::parse(R"({"name": "kea", "user": "kea",
        "password": "motdepasse"})"));
    EXPECT_EQ(std::string::npos, p.describe().find("motdepasse"));
}

TEST(MySqlParams, DigestRefreshTimeIsAHostsDatabaseKey) {
    EXPECT_EQ(MySqlParams::fromJson(json::parse(R"({"name": "kea"})"), true).digestRefreshTime,
              1000u);
    EXPECT_EQ(
        MySqlParams::fromJson(json::parse(R"({"name": "kea", "digest-refresh-time": 0})"), true)
            .digestRefreshTime,
        0u);
    EXPECT_EQ(errorOf(json::parse(R"({"name": "kea", "digest-refresh-time": 100})")),
              "lease-database: unknown key 'digest-refresh-time'");
    try {
        MySqlParams::fromJson(json::parse(R"({"name": "kea", "digest-refresh-time": -1})"), true);
        FAIL() << "a negative refresh time is refused";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("digest-refresh-time"), std::string::npos);
    }
}
