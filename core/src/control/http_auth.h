// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/export.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kahu {

/// Kea's basic HTTP authentication ("authentication": {"type": "basic", "realm", "directory",
/// "clients": [{"user"|"user-file", "password"|"password-file"}]}). A client given only a
/// password-file reads "user:password" from it. Files are relative to "directory".
class KAHU_API BasicAuth {
public:
    BasicAuth() = default;
    /// Throws kahu::ConfigError naming `where` (e.g. "Control-agent.authentication").
    static BasicAuth fromJson(const nlohmann::json& authentication, const std::string& where,
                              const std::string& defaultRealm);

    /// No clients: every request is let through.
    bool enabled() const { return !credentials_.empty(); }
    const std::string& realm() const { return realm_; }
    /// The Authorization header value ("Basic <base64>") a request carried, empty if none.
    /// Returns the user name that matched, or empty when the request is refused.
    std::string check(std::string_view authorization) const;

    void addClient(const std::string& user, const std::string& password);
    void setRealm(std::string realm) { realm_ = std::move(realm); }

    static std::string base64(std::string_view in);

private:
    std::string realm_ = "kea-control-agent";
    std::vector<std::pair<std::string, std::string>> credentials_; // base64(user:pw), user
};

} // namespace kahu
