// SPDX-License-Identifier: MPL-2.0
// The one URL reader for every HTTP client target (HA peers, alert webhooks).
#include <arpa/inet.h>
#include <kahu/http/client.h>
#include <stdexcept>

namespace kahu::http {

namespace {

bool isHostName(const std::string& h) {
    if (h.empty() || h.size() > 253 || h.front() == '-' || h.front() == '.') {
        return false;
    }
    for (char c : h) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

uint16_t portOf(const std::string& port, bool https) {
    if (port.empty()) {
        return https ? 443 : 80;
    }
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
        throw std::invalid_argument("invalid port '" + port + "'");
    }
    const unsigned long p = std::stoul(port);
    if (p == 0 || p > 65535) {
        throw std::invalid_argument("invalid port '" + port + "'");
    }
    return static_cast<uint16_t>(p);
}

} // namespace

Url parseUrl(const std::string& url, bool allowNames) {
    Url u;
    std::string rest;
    if (url.rfind("http://", 0) == 0) {
        rest = url.substr(7);
    } else if (url.rfind("https://", 0) == 0) {
        u.target.https = true;
        rest = url.substr(8);
    } else {
        throw std::invalid_argument("the scheme must be http or https");
    }
    for (char c : url) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
            throw std::invalid_argument("the URL contains a space or a control character");
        }
    }
    const size_t slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    u.path = slash == std::string::npos ? "/" : rest.substr(slash);
    if (authority.find('@') != std::string::npos) {
        throw std::invalid_argument("user information in the URL is not supported");
    }
    std::string host;
    std::string port;
    if (!authority.empty() && authority.front() == '[') {
        const size_t close = authority.find(']');
        if (close == std::string::npos) {
            throw std::invalid_argument("unterminated IPv6 address");
        }
        host = authority.substr(1, close - 1);
        const std::string after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                throw std::invalid_argument("unexpected text after the IPv6 address");
            }
            port = after.substr(1);
        }
        in6_addr a6{};
        if (inet_pton(AF_INET6, host.c_str(), &a6) != 1) {
            throw std::invalid_argument("'" + host + "' is not an IPv6 address");
        }
    } else {
        const size_t colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string::npos) {
            port = authority.substr(colon + 1);
        }
        in_addr a4{};
        if (host.empty() ||
            (inet_pton(AF_INET, host.c_str(), &a4) != 1 && !(allowNames && isHostName(host)))) {
            throw std::invalid_argument(allowNames ? "the host must be an IP address or a name"
                                                   : "the host must be an IP address");
        }
    }
    u.target.host = host;
    u.target.port = portOf(port, u.target.https);
    u.target.name = url;
    return u;
}

} // namespace kahu::http
