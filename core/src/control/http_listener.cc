// SPDX-License-Identifier: MPL-2.0
#include "control/http_listener.h"

#include "control/command_call.h"

#include <kahu/error.h>
#include <kahu/log.h>
#include <kahu/metrics.h>

namespace kahu {

namespace {

std::string getString(const nlohmann::json& m, const char* key, const std::string& where) {
    if (!m.contains(key)) {
        return {};
    }
    if (!m[key].is_string()) {
        throw ConfigError(where + "." + key + ": expected a string");
    }
    return m[key].get<std::string>();
}

} // namespace

HttpListenerOptions HttpListenerOptions::fromJson(const nlohmann::json& e, const std::string& where,
                                                  const std::string& defaultRealm) {
    HttpListenerOptions o;
    o.auth.setRealm(defaultRealm);
    if (!e.is_object()) {
        return o;
    }
    if (e.contains("authentication")) {
        o.auth =
            http::BasicAuth::fromJson(e["authentication"], where + ".authentication", defaultRealm);
    }
    o.tls.trustAnchor = getString(e, "trust-anchor", where);
    o.tls.certFile = getString(e, "cert-file", where);
    o.tls.keyFile = getString(e, "key-file", where);
    if (e.contains("cert-required")) {
        if (!e["cert-required"].is_boolean()) {
            throw ConfigError(where + ".cert-required: expected a boolean");
        }
        o.tls.certRequired = e["cert-required"].get<bool>();
    }
    int tlsKeys = !o.tls.trustAnchor.empty() + !o.tls.certFile.empty() + !o.tls.keyFile.empty();
    if (tlsKeys != 0 && tlsKeys != 3) {
        throw ConfigError(where + ": TLS needs all of trust-anchor, cert-file and key-file");
    }
    auto flag = [&](const char* key, bool& out) {
        if (e.contains(key)) {
            if (!e[key].is_boolean()) {
                throw ConfigError(where + "." + key + ": expected a boolean");
            }
            out = e[key].get<bool>();
        }
    };
    flag("metrics", o.serveMetrics);
    flag("commands", o.serveCommands);
    if (!o.serveMetrics && !o.serveCommands) {
        throw ConfigError(where + ": 'commands' is false and 'metrics' is not true: the socket "
                                  "would serve nothing");
    }
    if (e.contains("http-headers")) {
        const auto& hs = e["http-headers"];
        if (!hs.is_array()) {
            throw ConfigError(where + ".http-headers: expected a list");
        }
        size_t i = 0;
        for (const auto& h : hs) {
            std::string w = where + ".http-headers[" + std::to_string(i++) + "]";
            if (!h.is_object()) {
                throw ConfigError(w + ": expected a map");
            }
            std::string name = getString(h, "name", w);
            if (name.empty()) {
                throw ConfigError(w + ": 'name' is required");
            }
            o.headers.push_back({name, getString(h, "value", w)});
        }
    }
    return o;
}

HttpListener::HttpListener(std::string host, uint16_t port, CommandExecutor executor,
                           HttpListenerOptions options)
    : options_(std::move(options)) {
    options_.host = std::move(host);
    options_.port = port;
    options_.jsonPostOnly = true;
    options_.name = "Command HTTP listener";
    if (options_.serveMetrics) {
        options_.getPaths = {"/metrics"};
    }
    server_ = std::make_unique<http::Server>(
        options_, [executor = std::move(executor), wrap = options_.emulateAgent,
                   serveCommands = options_.serveCommands, serveMetrics = options_.serveMetrics,
                   metricsText = options_.metricsText](const http::Request& req) {
            if (req.method == "GET") { // admitted only for /metrics
                if (!serveMetrics || !metricsText) {
                    return http::Response::error(404);
                }
                http::Response res;
                res.contentType = metrics::kContentType;
                res.body = metricsText();
                return res;
            }
            if (!serveCommands) {
                return http::Response::error(404);
            }
            nlohmann::json command = nlohmann::json::parse(req.body, nullptr, false);
            if (command.is_discarded()) {
                return http::Response::error(400);
            }
            nlohmann::json answer = callCommand(executor, std::move(command), req.remoteAddress);
            if (wrap && !answer.is_array()) {
                answer = nlohmann::json::array({std::move(answer)});
            }
            http::Response res;
            res.body = answerText(answer);
            return res;
        });
}

HttpListener::~HttpListener() {
    stop();
}

void HttpListener::start() {
    server_->start();
    KAHU_INFO(log::get(options_.logger), "COMMAND_HTTP_LISTENER_STARTED",
              "Command HTTP listener started with {} threads, listening on {}:{}, use TLS: {}{}",
              std::max(1u, options_.ioThreads), options_.host, server_->port(),
              options_.useTls() ? "true" : "false",
              options_.serveMetrics
                  ? (options_.serveCommands ? ", metrics: /metrics" : ", metrics only: /metrics")
                  : "");
}

void HttpListener::stop() {
    server_->stop();
}

void HttpListener::stopAccepting() {
    server_->stopAccepting();
}

bool HttpListener::idle() const {
    return server_->idle();
}

uint16_t HttpListener::port() const {
    return server_->port();
}

} // namespace kahu
