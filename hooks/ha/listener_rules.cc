// SPDX-License-Identifier: MPL-2.0
// The HA listener's rules, apart from its sockets: what it answers to an admitted request and
// the server settings it runs with (the fuzzer drives these directly).
#include "command_creator.h"
#include "http_listener.h"

#include <array>
#include <kahu/command/answer.h>
#include <kahu/command/handler.h>
#include <kahu/error.h>
#include <kahu/kea_json.h>
#include <kahu/log.h>

namespace kahu::ha {

using json = nlohmann::json;

namespace {

constexpr const char* kRealm = "kea-dhcp4-server";

} // namespace

HttpListener::Options HttpListener::Options::fromConfig(const HaConfig& config,
                                                        const PeerConfig& self) {
    Options o;
    o.host = self.host;
    o.port = self.port;
    o.basicAuthUser = self.basicAuthUser;
    o.basicAuthPassword = self.basicAuthPassword;
    o.https = self.https;
    o.tls = self.tls.empty() ? config.tls : self.tls;
    o.requireClientCerts = config.requireClientCerts;
    o.restrictCommands = config.restrictCommands;
    o.threads = config.multiThreading.listenerThreads;
    return o;
}

bool HttpListener::allowedWhenRestricted(const std::string& command) {
    static constexpr std::array<std::string_view, 12> kAllowed = {
        "list-commands",  "status-get",      "dhcp-disable",          "dhcp-enable",
        "ha-reset",       "ha-heartbeat",    "lease4-update",         "lease4-del",
        "lease4-get-all", "lease4-get-page", "ha-maintenance-notify", "ha-sync-complete-notify"};
    for (auto name : kAllowed) {
        if (name == command) {
            return true;
        }
    }
    return false;
}

http::ServerOptions HttpListener::serverOptions(const Options& o) {
    http::ServerOptions so;
    so.host = o.host;
    so.port = o.port;
    so.auth.setRealm(kRealm);
    if (!o.basicAuthUser.empty()) {
        so.auth.addClient(o.basicAuthUser, o.basicAuthPassword);
    }
    if (o.https) {
        so.tls.trustAnchor = o.tls.trustAnchor;
        so.tls.certFile = o.tls.certFile;
        so.tls.keyFile = o.tls.keyFile;
        so.tls.certRequired = o.requireClientCerts;
    }
    so.maxRequestBytes = std::size_t{64} << 20;
    so.ioThreads = std::max(1u, o.threads);
    so.workerThreads = 0; // commands run on the listener threads, as in Kea
    so.logger = "kahu-dhcp4.ha-hooks";
    so.name = "HA listener";
    return so;
}

http::Response HttpListener::respond(const Options& options, const Executor& executor,
                                     const http::Request& req) {
    // Read as Kea reads it: a Kea partner sends UTF-8 text as one \u00xx escape per byte.
    json command = parseKeaText(req.body, false);
    if (command.is_discarded()) {
        return http::Response::error(400);
    }
    json answer;
    auto name = command.is_object() ? command.find("command") : command.end();
    if (!command.is_object() || name == command.end() || !name->is_string()) {
        answer = json{{"result", 1}, {"text", "invalid command: no 'command' string"}};
    } else {
        std::string n = name->get<std::string>();
        if (options.restrictCommands && !allowedWhenRestricted(n)) {
            KAHU_INFO(log::get("kahu-dhcp4.ha-hooks"), "HA_LISTENER_COMMAND_FORBIDDEN",
                      "command '{}' refused", n);
            return http::Response::error(403);
        }
        json args = command.contains("arguments") ? command["arguments"] : json();
        // What reaches the HA listener comes from the partner: a Kea 2.2 partner's lease
        // updates do not say so, and lease4-update refuses a partner's update that would take
        // an address held by another client (docs/ha.md, "Load balancing").
        if (n == "lease4-update" && args.is_object() && !args.contains("origin")) {
            args["origin"] = "ha-partner";
        }
        try {
            answer = executor(n, args);
        } catch (const CommandError& e) {
            answer = makeAnswer(e.result(), e.what());
        } catch (const std::exception& e) {
            answer = json{{"result", 1}, {"text", e.what()}};
        }
    }
    http::Response res;
    res.body = keaText(json::array({std::move(answer)}));
    return res;
}

} // namespace kahu::ha
