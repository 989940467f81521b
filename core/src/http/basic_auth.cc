// SPDX-License-Identifier: MPL-2.0
#include <filesystem>
#include <fstream>
#include <kahu/error.h>
#include <kahu/http/basic_auth.h>
#include <sstream>

namespace kahu::http {

namespace {

std::string readSecret(const std::string& dir, const std::string& file, const std::string& where) {
    std::filesystem::path p(file);
    if (p.is_relative() && !dir.empty()) {
        p = std::filesystem::path(dir) / p;
    }
    std::ifstream in(p);
    if (!in) {
        throw ConfigError(where + ": cannot read '" + p.string() + "'");
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
        s.pop_back();
    }
    return s;
}

std::string stringAt(const nlohmann::json& m, const char* key, const std::string& where) {
    const auto& v = m.at(key);
    if (!v.is_string()) {
        throw ConfigError(where + "." + key + ": expected a string");
    }
    return v.get<std::string>();
}

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

} // namespace

std::string base64Encode(std::string_view in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
        out += {kBase64[v >> 18], kBase64[(v >> 12) & 63], kBase64[(v >> 6) & 63], kBase64[v & 63]};
    }
    if (i + 1 == in.size()) {
        uint32_t v = uint8_t(in[i]) << 16;
        out += {kBase64[v >> 18], kBase64[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
        out += {kBase64[v >> 18], kBase64[(v >> 12) & 63], kBase64[(v >> 6) & 63], '='};
    }
    return out;
}

std::string BasicAuth::header(const std::string& user, const std::string& password) {
    return "Basic " + base64Encode(user + ":" + password);
}

void BasicAuth::addClient(const std::string& user, const std::string& password) {
    credentials_.emplace_back(base64Encode(user + ":" + password), user);
}

std::string BasicAuth::check(std::string_view authorization) const {
    constexpr std::string_view kScheme = "Basic ";
    if (authorization.size() <= kScheme.size()) {
        return {};
    }
    for (size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(authorization[i]) != std::tolower(kScheme[i])) {
            return {};
        }
    }
    std::string_view token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
    }
    while (!token.empty() && token.back() == ' ') {
        token.remove_suffix(1);
    }
    for (const auto& [encoded, user] : credentials_) {
        if (encoded == token) {
            return user;
        }
    }
    return {};
}

BasicAuth BasicAuth::fromJson(const nlohmann::json& a, const std::string& where,
                              const std::string& defaultRealm) {
    BasicAuth auth;
    auth.realm_ = defaultRealm;
    if (!a.is_object()) {
        throw ConfigError(where + ": expected a map");
    }
    for (const auto& [key, v] : a.items()) {
        if (key != "type" && key != "realm" && key != "directory" && key != "clients" &&
            key != "comment" && key != "user-context") {
            throw ConfigError(std::string(where).append(": unknown key '").append(key).append("'"));
        }
    }
    if (!a.contains("type") || stringAt(a, "type", where) != "basic") {
        throw ConfigError(where + ".type: only 'basic' authentication is supported");
    }
    if (a.contains("realm")) {
        auth.realm_ = stringAt(a, "realm", where);
    }
    std::string dir = a.contains("directory") ? stringAt(a, "directory", where) : "";
    if (!a.contains("clients")) {
        return auth;
    }
    if (!a["clients"].is_array()) {
        throw ConfigError(where + ".clients: expected a list");
    }
    size_t i = 0;
    for (const auto& c : a["clients"]) {
        std::string w = where + ".clients[" + std::to_string(i++) + "]";
        if (!c.is_object()) {
            throw ConfigError(w + ": expected a map");
        }
        for (const auto& [key, v] : c.items()) {
            if (key != "user" && key != "password" && key != "user-file" &&
                key != "password-file" && key != "comment" && key != "user-context") {
                throw ConfigError(std::string(w).append(": unknown key '").append(key).append("'"));
            }
        }
        std::string user, password;
        bool haveUser = false;
        if (c.contains("user")) {
            user = stringAt(c, "user", w);
            haveUser = true;
        } else if (c.contains("user-file")) {
            user = readSecret(dir, stringAt(c, "user-file", w), w + ".user-file");
            haveUser = true;
        }
        if (c.contains("password")) {
            password = stringAt(c, "password", w);
        } else if (c.contains("password-file")) {
            password = readSecret(dir, stringAt(c, "password-file", w), w + ".password-file");
            if (!haveUser) {
                // Kea: a password-file alone holds "user:password".
                auto colon = password.find(':');
                if (colon == std::string::npos) {
                    throw ConfigError(w + ".password-file: without 'user' the file must hold "
                                          "'user:password'");
                }
                user = password.substr(0, colon);
                password = password.substr(colon + 1);
                haveUser = true;
            }
        }
        if (!haveUser || user.empty()) {
            throw ConfigError(w + ": 'user' is required");
        }
        if (user.find(':') != std::string::npos) {
            throw ConfigError(w + ".user: must not contain ':'");
        }
        auth.addClient(user, password);
    }
    return auth;
}

} // namespace kahu::http
