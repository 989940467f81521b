// SPDX-License-Identifier: MPL-2.0
#include "control/control_listeners.h"

#include "control/http_listener.h"
#include "control/unix_listener.h"

#include <algorithm>
#include <kahu/error.h>

namespace kahu {

namespace {

const char* kServerRealm = "kea-dhcpv4-server";

std::string where(const ControlSocketConfig& s) {
    return "control-socket (" + s.type + ")";
}

HttpListenerOptions httpOptions(const ControlSocketConfig& s) {
    HttpListenerOptions o = HttpListenerOptions::fromJson(s.raw, where(s), kServerRealm);
    if (s.type == "https" && !o.useTls()) {
        throw ConfigError(where(s) + ": type https needs trust-anchor, cert-file and key-file");
    }
    if (s.type == "http" && o.useTls()) {
        throw ConfigError(where(s) + ": TLS files given for type http (use type https)");
    }
    return o;
}

std::string keyOf(const ControlSocketConfig& s) {
    if (s.type == "unix") {
        return "unix:" + UnixListener::resolvePath(s.name);
    }
    return s.type + ":" + s.httpHost + ":" + std::to_string(s.httpPort) + ":" + s.raw.dump();
}

} // namespace

struct ControlListeners::Running {
    std::string key;
    std::string label;
    std::unique_ptr<UnixListener> unix;
    std::unique_ptr<HttpListener> http;
    void stop() {
        if (unix) {
            unix->stop();
        }
        if (http) {
            http->stop();
        }
    }
    void stopAccepting() {
        if (unix) {
            unix->stopAccepting();
        }
        if (http) {
            http->stopAccepting();
        }
    }
    bool idle() const { return (!unix || unix->idle()) && (!http || http->idle()); }
};

ControlListeners::ControlListeners(CommandExecutor executor,
                                   std::function<std::string()> metricsText)
    : executor_(std::move(executor)), metricsText_(std::move(metricsText)) {}

ControlListeners::~ControlListeners() {
    stop();
}

void ControlListeners::validate(const std::vector<ControlSocketConfig>& sockets) {
    for (const auto& s : sockets) {
        if (s.type == "unix") {
            for (const char* key : {"metrics", "commands"}) {
                if (s.raw.is_object() && s.raw.contains(key)) {
                    throw ConfigError(where(s) + "." + key +
                                      ": only an http or https control socket serves metrics");
                }
            }
            UnixListener::resolvePath(s.name);
        } else if (s.type == "http" || s.type == "https") {
            httpOptions(s);
        } else {
            throw ConfigError(where(s) + ": unknown socket-type '" + s.type + "'");
        }
    }
}

void ControlListeners::apply(const std::vector<ControlSocketConfig>& sockets) {
    validate(sockets);
    std::lock_guard lock(mutex_);
    std::vector<std::unique_ptr<Running>> next;
    std::vector<const ControlSocketConfig*> toStart;
    for (const auto& s : sockets) {
        std::string key = keyOf(s);
        auto it = std::find_if(running_.begin(), running_.end(),
                               [&](const auto& r) { return r && r->key == key; });
        if (it != running_.end()) {
            next.push_back(std::move(*it));
        } else {
            toStart.push_back(&s);
        }
    }
    // A listener no longer configured stops accepting at once (freeing its path or port for a
    // replacement) but keeps its open connections until they are answered: the config-set or
    // config-reload that removed it is one of them.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kRetireSeconds);
    for (auto& r : running_) {
        if (r) {
            r->stopAccepting();
            retiring_.emplace_back(std::move(r), deadline);
        }
    }
    running_ = std::move(next);
    for (const ControlSocketConfig* s : toStart) {
        auto r = std::make_unique<Running>();
        r->key = keyOf(*s);
        if (s->type == "unix") {
            r->unix = std::make_unique<UnixListener>(s->name, executor_);
            r->unix->start();
            r->label = "unix:" + r->unix->path();
        } else {
            HttpListenerOptions o = httpOptions(*s);
            o.metricsText = metricsText_;
            r->http =
                std::make_unique<HttpListener>(s->httpHost, s->httpPort, executor_, std::move(o));
            r->http->start();
            r->label = s->type + ":" + s->httpHost + ":" + std::to_string(r->http->port());
        }
        running_.push_back(std::move(r));
    }
}

void ControlListeners::stop() {
    std::lock_guard lock(mutex_);
    for (auto& r : running_) {
        r->stop();
    }
    running_.clear();
    for (auto& [r, deadline] : retiring_) {
        r->stop();
    }
    retiring_.clear();
}

void ControlListeners::reap(bool force) {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(retiring_, [&](auto& entry) {
        if (force || now >= entry.second || entry.first->idle()) {
            entry.first->stop();
            return true;
        }
        return false;
    });
}

std::vector<std::string> ControlListeners::describe() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& r : running_) {
        out.push_back(r->label);
    }
    return out;
}

} // namespace kahu
