// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/export.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kahu::http {

/// Standard base64 (RFC 4648, with padding).
KAHU_API std::string base64Encode(std::string_view in);

/// Kea's basic HTTP authentication: a realm and the users allowed in. Kea's configuration
/// form ("authentication": {"type": "basic", "realm", "directory", "clients": [{"user" |
/// "user-file", "password" | "password-file"}]}) is read by fromJson; a hook with its own
/// parameters adds its users with addClient.
class KAHU_API BasicAuth {
public:
    BasicAuth() = default;
    /// Reads Kea's "authentication" map. A client given only a password-file reads
    /// "user:password" from it; files are relative to "directory". Throws kahu::ConfigError
    /// naming `where` (e.g. "Control-agent.authentication").
    static BasicAuth fromJson(const nlohmann::json& authentication, const std::string& where,
                              const std::string& defaultRealm);

    /// No users: every request is let through.
    bool enabled() const { return !credentials_.empty(); }
    const std::string& realm() const { return realm_; }
    /// Checks the Authorization header value a request carried ("Basic <base64>", empty if
    /// none) as Kea does (the encoded credentials are compared). Returns the user name that
    /// matched, or empty when the request is refused.
    std::string check(std::string_view authorization) const;

    void addClient(const std::string& user, const std::string& password);
    void setRealm(std::string realm) { realm_ = std::move(realm); }

    /// The Authorization header value a client sends for these credentials.
    static std::string header(const std::string& user, const std::string& password);

private:
    std::string realm_ = "kea-control-agent";
    std::vector<std::pair<std::string, std::string>> credentials_; // base64(user:pw), user
};

/// TLS files, with Kea's names. A server uses all three (certFile/keyFile are its own, the
/// trust anchor verifies clients); a client verifies the server with trustAnchor (empty: the
/// system's CAs) and presents certFile/keyFile when set.
struct TlsConfig {
    std::string trustAnchor; ///< a CA file or a directory of them
    std::string certFile;
    std::string keyFile;
    /// Server side: require a client certificate signed by the trust anchor (Kea's
    /// "cert-required"); false = clients are not asked for one, as Kea does.
    bool certRequired = true;
    bool operator==(const TlsConfig&) const = default;
};

} // namespace kahu::http
