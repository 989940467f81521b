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
}

TEST(MySqlParams, UnknownKeyIsRefusedByName) {
    EXPECT_NE(std::string::npos,
              errorOf(json::parse(R"({"name": "kea", "pasword": "x"})")).find("'pasword'"));
}

TEST(MySqlParams, BadValuesNameTheirKey) {
    EXPECT_NE(std::string::npos,
              errorOf(json::parse(R"({"name": "kea", "on-fail": "retry"})")).find("'on-fail'"));
    EXPECT_NE(std::string::npos,
              errorOf(json::parse(R"({"name": "kea", "port": 70000})")).find("'port'"));
    EXPECT_NE(
        std::string::npos,
        errorOf(json::parse(R"({"name": "kea", "connect-timeout": 0})")).find("'connect-timeout'"));
    EXPECT_NE(std::string::npos,
              errorOf(json::parse(R"({"name": "kea", "readonly": "yes"})")).find("'readonly'"));
    EXPECT_NE(std::string::npos,
              errorOf(json::parse(R"({"name": "kea", "cert-file": "/c"})")).find("key-file"));
}

TEST(MySqlParams, NameIsRequired) {
    EXPECT_NE(std::string::npos, errorOf(json::parse(R"({"type": "mysql"})")).find("name"));
}

TEST(MySqlParams, DescriptionNeverShowsThePassword) {
    auto p = MySqlParams::fromJson(json::parse(R"({"name": "kea", "user": "kea",
        "password": "motdepasse"})"));
    EXPECT_EQ(std::string::npos, p.describe().find("motdepasse"));
}
