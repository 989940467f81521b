// SPDX-License-Identifier: MPL-2.0
//
// libdhcp_example.so — the Kahu hook SDK tutorial.
//
// What it does: sets a DHCP option in the response for clients whose MAC address starts with
// a given prefix, e.g. a different domain name (option 15) for the lab's virtual machines.
// It also answers one control command, "example-stats", with how often each rule applied,
// can serve the same counts over HTTP (GET /example-stats, for a monitoring system) and can
// log them periodically from a timer.
//
// Configure it like any Kea hook library:
//
//   "hooks-libraries": [{
//       "library": "libdhcp_example.so",
//       "parameters": {
//           "rules": [
//               { "mac-prefix": "52:54:00", "code": 15, "text": "lab.example.org" },
//               { "mac-prefix": "00:16:3e", "code": 252, "hex": "0a0b0c" }
//           ],
//           "http": { "address": "127.0.0.1", "port": 8009 },   // optional
//           "report-interval": 60                               // seconds; optional, 0 = off
//       }
//   }]
//
// A library only includes <kahu/...> headers. Everything it provides is registered in load();
// the server removes it all again at unload. Read core/include/kahu/hooks/*.h and
// docs/hooks.md for the whole contract.

#include <atomic>
#include <cctype>
#include <cstdint>
#include <kahu/command/answer.h>
#include <kahu/error.h>
#include <kahu/hooks/library.h> // LoadContext, callouts, and ParamReader
#include <kahu/http/server.h>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace kahu;
using namespace kahu::hooks;

// One parsed rule. Parse parameters once in load(), never on the packet path.
struct Rule {
    std::vector<uint8_t> macPrefix;
    uint8_t code = 0;
    std::vector<uint8_t> data;
    std::string label;                           // for the command's answer
    std::shared_ptr<std::atomic<uint64_t>> hits; // callouts run concurrently under MT
};

// The library's state lives in an object owned by the callouts and the command (shared_ptr),
// not in globals: the same .so may be listed twice with different parameters, and both
// entries share the globals of the one mapped file.
struct Example {
    std::vector<Rule> rules;
    std::shared_ptr<spdlog::logger> logger;
    std::shared_ptr<http::Server> http; // null unless "http" is configured

    nlohmann::json counts() const {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& rule : rules) {
            out[rule.label] = rule.hits->load(std::memory_order_relaxed);
        }
        return out;
    }
};

// Hex bytes, "0a0b0c" or "0a:0b:0c". A mistake fails at the key, with its position in the file.
std::vector<uint8_t> parseHex(const ParamReader& rule, const char* key, const std::string& text) {
    std::string digits;
    for (char c : text) {
        if (c == ':' || c == ' ') {
            continue;
        }
        if (!std::isxdigit(static_cast<unsigned char>(c))) {
            rule.fail(key, "'" + text + "' is not hexadecimal");
        }
        digits.push_back(c);
    }
    if (digits.size() % 2 != 0) {
        rule.fail(key, "'" + text + "' is not a whole number of bytes");
    }
    std::vector<uint8_t> out;
    for (size_t i = 0; i < digits.size(); i += 2) {
        out.push_back(static_cast<uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
    }
    return out;
}

// Validates the parameters and builds the rules. ParamReader (kahu/hooks/param_reader.h) does
// what the server's own configuration parser does: a wrong type, a value out of range, a
// missing or an unknown key fails with the file position and the key path, e.g.
//   kahu.conf:14:29: Dhcp4.hooks-libraries[0].parameters.rules[1].code: value 300 out of range
//   1..254
// Throwing here fails the library's load, so the whole (re)configuration fails with this text
// and the previous configuration keeps running.
std::vector<Rule> parseRules(ParamReader& params) {
    std::vector<Rule> rules;
    for (ParamReader& r : params.list("rules")) { // required; every element must be a map
        Rule rule;
        const std::string prefix = r.nonEmptyString("mac-prefix");
        rule.macPrefix = parseHex(r, "mac-prefix", prefix);
        rule.code = r.integer<uint8_t>("code", 1, 254);
        // Read both (optional) so that finish() knows them; exactly one must be given.
        const std::string text = r.string("text", "");
        const std::string hex = r.string("hex", "");
        if (r.has("text") == r.has("hex")) {
            r.fail("give exactly one of 'text' and 'hex'");
        }
        if (r.has("text")) {
            rule.data.assign(text.begin(), text.end());
        } else {
            rule.data = parseHex(r, "hex", hex);
        }
        rule.label = prefix + " -> option " + std::to_string(rule.code);
        rule.hits = std::make_shared<std::atomic<uint64_t>>(0);
        rules.push_back(std::move(rule));
    }
    return rules;
}

// The optional "http" map: where GET /example-stats is served. The server comes from the
// LoadContext, so the host stops it when the library is unloaded; it has basic auth and TLS
// too (kahu/http/server.h), left out here.
std::shared_ptr<http::Server> makeHttp(LoadContext& ctx, ParamReader& params,
                                       const std::shared_ptr<const Example>& self) {
    ParamReader h = params.optionalMap("http");
    if (!h.present()) {
        return nullptr;
    }
    http::ServerOptions o;
    o.host = h.string("address", "127.0.0.1");
    o.port = h.integer<uint16_t>("port", 1, 65535);
    o.jsonPostOnly = false; // a GET endpoint, not Kea's JSON commands
    o.name = "example HTTP endpoint";
    h.finish();
    std::weak_ptr<const Example> weak = self; // the server must not keep the state alive
    return ctx.httpServer(o, [weak](const http::Request& req) {
        auto state = weak.lock();
        if (!state || req.method != "GET" || req.target != "/example-stats") {
            http::Response r = http::Response::error(404);
            r.close = false;
            return r;
        }
        http::Response r;
        r.body = nlohmann::json{{"rules", state->counts()}}.dump();
        return r;
    });
}

// The pkt4_send callout: the response is built, not yet packed, so options set here are sent.
// Callouts are on the packet path: no throwing on bad input, no blocking, no heavy work.
Verdict onPkt4Send(const Example& self, Pkt4SendArgs& args, CalloutContext& ctx) {
    if (ctx.verdict() == Verdict::Drop) {
        return Verdict::Continue; // an earlier library dropped the packet: nothing to do
    }
    const auto& chaddr = args.query.chaddr;
    for (const auto& rule : self.rules) {
        if (rule.macPrefix.size() > args.query.hlen || rule.macPrefix.size() > chaddr.size()) {
            continue;
        }
        if (std::equal(rule.macPrefix.begin(), rule.macPrefix.end(), chaddr.begin())) {
            args.response.set(rule.code, rule.data); // adds, or rewrites an existing option
            rule.hits->fetch_add(1, std::memory_order_relaxed);
        }
    }
    return Verdict::Continue;
}

// load(): read parameters, register callouts and commands. Throw (or return false) to fail.
void load(LoadContext& ctx) {
    auto self = std::make_shared<Example>();
    ParamReader params(ctx); // ctx.parameters() with their positions in the configuration file
    self->rules = parseRules(params);
    self->logger = ctx.logger(); // "kahu-dhcp4.example-hooks"
    self->http = makeHttp(ctx, params, self);
    const auto reportEvery = params.integer<uint32_t>("report-interval", 0, 86400, 0);
    params.finish(); // any key not read above: "unknown key 'x'"

    // A timer runs on the hook set's own thread, from activation until unload.
    if (reportEvery > 0) {
        ctx.addTimer(std::chrono::seconds(reportEvery),
                     [self] { self->logger->info("EXAMPLE_REPORT {}", self->counts().dump()); });
    }
    // The HTTP endpoint starts once the configuration is in place (the previous
    // configuration's server has let the port go by then). Dropping with an error fails the
    // configuration, which keeps the previous one: a port in use is reported, not lost.
    if (self->http) {
        ctx.registerCallout<HookPoint::Dhcp4SrvConfigured>(
            [self](Dhcp4SrvConfiguredArgs& args, CalloutContext&) {
                try {
                    self->http->start(); // a second call (another reload) does nothing
                } catch (const std::exception& e) {
                    args.error = std::string("example: ") + e.what();
                    return Verdict::Drop;
                }
                self->logger->info("EXAMPLE_HTTP_STARTED serving GET /example-stats on port {}",
                                   self->http->port());
                return Verdict::Continue;
            });
    }

    // The template argument picks the hook point; a lambda taking the wrong argument struct
    // (say Pkt4ReceiveArgs&) would not compile.
    ctx.registerCallout<HookPoint::Pkt4Send>(
        [self](Pkt4SendArgs& args, CalloutContext& c) { return onPkt4Send(*self, args, c); });

    // A command answers in Kea's shape: {"result": 0, "arguments": {...}}.
    ctx.registerCommand("example-stats", [self](const nlohmann::json&) {
        return successAnswer("", {{"rules", self->counts()}});
    });

    self->logger->info("EXAMPLE_LOADED {} rule(s)", self->rules.size());
}

// unload(): release what load() acquired outside the registrations (nothing here: the callout
// and the command own the state and are removed by the server).
void unload() {}

} // namespace

// Generates kahu_hook_abi_version, kahu_hook_fingerprint, kahu_hook_load, kahu_hook_unload.
KAHU_HOOK_LIBRARY(load, unload)
// The callout only reads shared state and bumps atomics: safe with multi-threading.
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
