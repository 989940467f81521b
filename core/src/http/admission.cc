// SPDX-License-Identifier: MPL-2.0
#include "http/admission.h"

#include <boost/beast/http/status.hpp>
#include <cctype>
#include <kahu/kea_json.h>
#include <kahu/log.h>

namespace kahu::http {

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

const std::string* Request::header(std::string_view name) const {
    for (const auto& h : headers) {
        if (iequals(h.name, name)) {
            return &h.value;
        }
    }
    return nullptr;
}

Response Response::error(int status) {
    namespace bh = boost::beast::http;
    Response r;
    r.status = status;
    r.body = keaText({{"result", status},
                      {"text", std::string(bh::obsolete_reason(static_cast<bh::status>(status)))}});
    r.close = true;
    return r;
}

bool isGetPath(const ServerOptions& options, std::string_view target) noexcept {
    std::string_view path = target.substr(0, target.find('?'));
    for (const auto& p : options.getPaths) {
        if (path == p) {
            return true;
        }
    }
    return false;
}

std::optional<Response> admit(const ServerOptions& options, Request& req, spdlog::logger* log) {
    if (options.jsonPostOnly && !(req.method == "GET" && isGetPath(options, req.target))) {
        const std::string* ct = req.header("Content-Type");
        if (req.method != "POST" || ct == nullptr || !iequals(trim(*ct), "application/json") ||
            req.header("Content-Length") == nullptr) {
            return Response::error(400);
        }
    }
    if (!options.auth.enabled()) {
        return std::nullopt;
    }
    const std::string* authorization = req.header("Authorization");
    req.user =
        options.auth.check(authorization ? std::string_view(*authorization) : std::string_view());
    if (!req.user.empty()) {
        return std::nullopt;
    }
    if (log != nullptr) {
        KAHU_INFO(log, "HTTP_CLIENT_REQUEST_NOT_AUTHORIZED", "request from {} refused: {}",
                  req.remoteAddress, authorization ? "wrong credentials" : "no credentials");
    }
    Response refusal = Response::error(401);
    refusal.headers.push_back({"WWW-Authenticate", "Basic realm=\"" + options.auth.realm() + "\""});
    return refusal;
}

} // namespace kahu::http
