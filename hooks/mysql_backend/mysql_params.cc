// SPDX-License-Identifier: MPL-2.0
#include "mysql_params.h"

#include <kahu/error.h>

namespace kahu::mysql {

MySqlParams MySqlParams::read(hooks::ParamReader& r, bool hosts) {
    constexpr uint32_t kI32 = 0x7fffffff;
    MySqlParams p;
    r.string("type", "mysql"); // the core chose this store by it
    p.host = r.string("host", p.host);
    p.port = r.integer<uint16_t>("port", 0, 65535, 0);
    p.name = r.string("name", "");
    p.user = r.string("user", "");
    p.password = r.string("password", "");
    p.connectTimeout = r.integer<uint32_t>("connect-timeout", 1, kI32, p.connectTimeout);
    p.readTimeout = r.integer<uint32_t>("read-timeout", 0, kI32, 0);
    p.writeTimeout = r.integer<uint32_t>("write-timeout", 0, kI32, 0);
    p.maxReconnectTries = r.integer<uint32_t>("max-reconnect-tries", 0, kI32, 0);
    p.reconnectWaitTime = r.integer<uint32_t>("reconnect-wait-time", 0, kI32, 0);
    const std::string onFail =
        r.oneOf("on-fail", {"stop-retry-exit", "serve-retry-exit", "serve-retry-continue"},
                "stop-retry-exit");
    p.onFail = sql::onFailFromString(onFail);
    p.retryOnStartup = r.boolean("retry-on-startup", false);
    p.readonly = r.boolean("readonly", false);
    p.trustAnchor = r.string("trust-anchor", "");
    p.certFile = r.string("cert-file", "");
    p.keyFile = r.string("key-file", "");
    p.cipherList = r.string("cipher-list", "");
    // Every other key Kea accepts in a lease-database map (2.2 – 2.6): the memfile-only ones
    // and PostgreSQL's tcp-user-timeout are checked and ignored, as Kea does for a mysql store.
    r.boolean("persist", true);
    r.integer<uint32_t>("lfc-interval", 0, 0xffffffff, 0);
    r.integer<uint32_t>("max-row-errors", 0, 0xffffffff, 0);
    r.integer<uint32_t>("tcp-user-timeout", 0, kI32, 0);
    if (hosts) {
        p.digestRefreshTime =
            r.integer<uint32_t>("digest-refresh-time", 0, 3600000, p.digestRefreshTime);
    }
    r.finish();
    if (p.name.empty()) {
        r.fail("must specify a name for the database ('name')");
    }
    if (p.certFile.empty() != p.keyFile.empty()) {
        r.fail(p.certFile.empty() ? "key-file" : "cert-file",
               "'cert-file' and 'key-file' go together");
    }
    return p;
}

MySqlParams MySqlParams::fromJson(const nlohmann::json& map, bool hosts) {
    hooks::ParamReader r(map, SourceMap{hosts ? "hosts-database" : "lease-database", {}, ""});
    return read(r, hosts);
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
    // Without a trust anchor the connector does not verify the server's certificate.
    const char* security = !tls()                ? ""
                           : trustAnchor.empty() ? " (TLS, server certificate not verified)"
                                                 : " (TLS)";
    return s + "/" + name + security;
}

} // namespace kahu::mysql
