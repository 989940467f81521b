// SPDX-License-Identifier: MPL-2.0
#include "agent/agent_config.h"

#include "config/json_reader.h"
#include "config/parse_context.h"
#include "config/parse_services.h"

#include <algorithm>
#include <kahu/error.h>

namespace kahu {

namespace {

using config::Node;
using config::ParseContext;

const std::vector<std::string> kAgentKeys = {
    "http-host", "http-port",     "control-sockets", "authentication",  "trust-anchor",
    "cert-file", "cert-required", "key-file",        "hooks-libraries", "loggers",
    "comment",   "user-context",  "metrics",         "commands"};
const std::vector<std::string> kServices = {"dhcp4", "dhcp6", "d2"};

bool listed(const std::vector<std::string>& keys, const std::string& k) {
    return std::find(keys.begin(), keys.end(), k) != keys.end();
}

void onlyKeys(ParseContext& c, const Node& n, const std::vector<std::string>& keys) {
    if (!n.value.is_object()) {
        c.fail(n, "expected a map");
    }
    for (const auto& [k, v] : n.value.items()) {
        if (!listed(keys, k)) {
            c.fail(
                n.child(k), "unknown key '" + k + "' (expected one of: " + [&] {
                    std::string all;
                    for (const auto& x : keys) {
                        all += (all.empty() ? "" : ", ") + x;
                    }
                    return all;
                }() + ")");
        }
    }
}

std::string str(ParseContext& c, const Node& n) {
    if (!n.value.is_string()) {
        c.fail(n, "expected a string");
    }
    return n.value.get<std::string>();
}

AgentConfig parse(config::JsonDocument doc, const std::string& origin) {
    ParseContext c;
    c.locations = &doc.locations;
    c.origin = origin;
    Node top{doc.value, ""};
    if (!doc.value.is_object() || !doc.value.contains("Control-agent")) {
        throw ConfigError(origin + ": expected a map with a 'Control-agent' entry");
    }
    for (const auto& [k, v] : doc.value.items()) {
        if (k != "Control-agent") {
            c.fail(Node{v, k}, "unknown top-level key '" + k + "' (expected 'Control-agent')");
        }
    }
    Node ca{doc.value["Control-agent"], "Control-agent"};
    onlyKeys(c, ca, kAgentKeys);
    AgentConfig cfg;
    const auto& m = ca.value;
    if (m.contains("http-host")) {
        cfg.httpHost = str(c, ca.child("http-host"));
    }
    if (m.contains("http-port")) {
        Node p = ca.child("http-port");
        if (!p.value.is_number_integer() || p.value.get<int64_t>() < 0 ||
            p.value.get<int64_t>() > 65535) {
            c.fail(p, "expected an integer in 0-65535");
        }
        cfg.httpPort = static_cast<uint16_t>(p.value.get<int64_t>());
    }
    if (m.contains("control-sockets")) {
        Node cs = ca.child("control-sockets");
        onlyKeys(c, cs, kServices);
        for (const auto& [service, v] : cs.value.items()) {
            Node s = cs.child(service);
            onlyKeys(c, s, {"socket-type", "socket-name", "comment", "user-context"});
            if (s.value.contains("socket-type") && str(c, s.child("socket-type")) != "unix") {
                c.fail(s.child("socket-type"), "only 'unix' is supported");
            }
            if (!s.value.contains("socket-name")) {
                c.fail(s, "'socket-name' is required");
            }
            cfg.sockets[service] = str(c, s.child("socket-name"));
        }
    }
    if (m.contains("hooks-libraries")) {
        Node h = ca.child("hooks-libraries");
        if (!h.value.is_array()) {
            c.fail(h, "expected a list");
        }
        if (!h.value.empty()) {
            c.fail(h, "hook libraries in the control agent are not supported by kahu-ctrl-agent");
        }
    }
    if (m.contains("authentication")) {
        Node a = ca.child("authentication");
        try {
            http::BasicAuth::fromJson(a.value, a.path, "kea-control-agent");
        } catch (const ConfigError& e) {
            // Re-throw with the position of the authentication map.
            throw ConfigError(c.locate(a.path).str() + ": " + e.what());
        }
    }
    try {
        cfg.http = HttpListenerOptions::fromJson(m, "Control-agent", "kea-control-agent");
    } catch (const ConfigError& e) {
        throw ConfigError(c.locate("Control-agent").str() + ": " + e.what());
    }
    cfg.http.emulateAgent = true;
    cfg.http.logger = "kahu-ctrl-agent.http";
    if (m.contains("loggers")) {
        ServerConfig tmp;
        config::parseLoggers(c, ca.child("loggers"), tmp);
        cfg.loggers = std::move(tmp.loggers);
    }
    cfg.raw = doc.value;
    auto& out = cfg.raw["Control-agent"];
    out["http-host"] = cfg.httpHost;
    out["http-port"] = cfg.httpPort;
    if (!out.contains("hooks-libraries")) {
        out["hooks-libraries"] = nlohmann::json::array();
    }
    return cfg;
}

} // namespace

AgentConfig AgentConfig::fromFile(const std::string& path) {
    return parse(config::readJsonFile(path), path);
}

AgentConfig AgentConfig::fromText(const std::string& text, const std::string& origin) {
    return parse(config::readJsonText(text, origin), origin);
}

} // namespace kahu
