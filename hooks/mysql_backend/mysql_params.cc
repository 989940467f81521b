// SPDX-License-Identifier: MPL-2.0
#include "mysql_params.h"

#include <functional>
#include <kahu/error.h>
#include <map>

namespace kahu::mysql {

namespace {

using Setter = std::function<void(MySqlParams&, const std::string& key, const nlohmann::json&)>;

[[noreturn]] void bad(const std::string& key, const std::string& what) {
    throw Error("lease-database: '" + key + "': " + what);
}

std::string str(const std::string& key, const nlohmann::json& v) {
    if (!v.is_string()) {
        bad(key, "expected a string");
    }
    return v.get<std::string>();
}

bool boolean(const std::string& key, const nlohmann::json& v) {
    if (!v.is_boolean()) {
        bad(key, "expected a boolean");
    }
    return v.get<bool>();
}

uint32_t number(const std::string& key, const nlohmann::json& v, uint64_t min, uint64_t max) {
    if (!v.is_number_integer()) {
        bad(key, "expected an integer");
    }
    if (v.is_number_unsigned()
            ? v.get<uint64_t>() > max || v.get<uint64_t>() < min
            : v.get<int64_t>() < int64_t(min) || v.get<int64_t>() > int64_t(max)) {
        bad(key, "out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    return static_cast<uint32_t>(v.get<int64_t>());
}

// Every key Kea accepts in a lease-database map (2.2 – 2.6); the memfile-only ones and the
// PostgreSQL-only tcp-user-timeout are accepted and ignored, as Kea does for a mysql store.
const std::map<std::string, Setter>& setters() {
    static const std::map<std::string, Setter> s = {
        {"type", [](auto&, auto& k, auto& v) { str(k, v); }},
        {"host", [](auto& p, auto& k, auto& v) { p.host = str(k, v); }},
        {"port", [](auto& p, auto& k, auto& v) { p.port = uint16_t(number(k, v, 0, 65535)); }},
        {"name", [](auto& p, auto& k, auto& v) { p.name = str(k, v); }},
        {"user", [](auto& p, auto& k, auto& v) { p.user = str(k, v); }},
        {"password", [](auto& p, auto& k, auto& v) { p.password = str(k, v); }},
        {"connect-timeout",
         [](auto& p, auto& k, auto& v) { p.connectTimeout = number(k, v, 1, 0x7fffffff); }},
        {"read-timeout",
         [](auto& p, auto& k, auto& v) { p.readTimeout = number(k, v, 0, 0x7fffffff); }},
        {"write-timeout",
         [](auto& p, auto& k, auto& v) { p.writeTimeout = number(k, v, 0, 0x7fffffff); }},
        {"max-reconnect-tries",
         [](auto& p, auto& k, auto& v) { p.maxReconnectTries = number(k, v, 0, 0x7fffffff); }},
        {"reconnect-wait-time",
         [](auto& p, auto& k, auto& v) { p.reconnectWaitTime = number(k, v, 0, 0x7fffffff); }},
        {"on-fail",
         [](auto& p, auto& k, auto& v) {
             std::string s = str(k, v);
             if (s == "stop-retry-exit") {
                 p.onFail = OnFail::StopRetryExit;
             } else if (s == "serve-retry-exit") {
                 p.onFail = OnFail::ServeRetryExit;
             } else if (s == "serve-retry-continue") {
                 p.onFail = OnFail::ServeRetryContinue;
             } else {
                 bad(k, "unsupported value '" + s +
                            "' (stop-retry-exit, serve-retry-exit or serve-retry-continue)");
             }
         }},
        {"retry-on-startup", [](auto& p, auto& k, auto& v) { p.retryOnStartup = boolean(k, v); }},
        {"readonly", [](auto& p, auto& k, auto& v) { p.readonly = boolean(k, v); }},
        {"trust-anchor", [](auto& p, auto& k, auto& v) { p.trustAnchor = str(k, v); }},
        {"cert-file", [](auto& p, auto& k, auto& v) { p.certFile = str(k, v); }},
        {"key-file", [](auto& p, auto& k, auto& v) { p.keyFile = str(k, v); }},
        {"cipher-list", [](auto& p, auto& k, auto& v) { p.cipherList = str(k, v); }},
        {"persist", [](auto&, auto& k, auto& v) { boolean(k, v); }},
        {"lfc-interval", [](auto&, auto& k, auto& v) { number(k, v, 0, 0xffffffff); }},
        {"max-row-errors", [](auto&, auto& k, auto& v) { number(k, v, 0, 0xffffffff); }},
        {"tcp-user-timeout", [](auto&, auto& k, auto& v) { number(k, v, 0, 0x7fffffff); }},
        {"user-context", [](auto&, auto&, auto&) {}},
        {"comment", [](auto&, auto&, auto&) {}},
    };
    return s;
}

} // namespace

MySqlParams MySqlParams::fromJson(const nlohmann::json& map) {
    if (!map.is_object()) {
        throw Error("lease-database: expected a map");
    }
    MySqlParams p;
    for (const auto& [key, value] : map.items()) {
        auto it = setters().find(key);
        if (it == setters().end()) {
            bad(key, "unknown parameter for a mysql lease-database");
        }
        it->second(p, key, value);
    }
    if (p.name.empty()) {
        throw Error("lease-database: must specify a name for the database ('name')");
    }
    if (!p.certFile.empty() != !p.keyFile.empty()) {
        bad(p.certFile.empty() ? "key-file" : "cert-file",
            "'cert-file' and 'key-file' go together");
    }
    return p;
}

std::string MySqlParams::describe() const {
    std::string s = "mysql://";
    if (!user.empty()) {
        s += user + "@";
    }
    s += host;
    if (port) {
        s += ":" + std::to_string(port);
    }
    return s + "/" + name + (tls() ? " (TLS)" : "");
}

const char* toString(OnFail f) noexcept {
    switch (f) {
    case OnFail::StopRetryExit:
        return "stop-retry-exit";
    case OnFail::ServeRetryExit:
        return "serve-retry-exit";
    case OnFail::ServeRetryContinue:
        return "serve-retry-continue";
    }
    return "?";
}

} // namespace kahu::mysql
