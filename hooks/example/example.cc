// SPDX-License-Identifier: MPL-2.0
//
// libdhcp_example.so — the Kahu hook SDK tutorial.
//
// What it does: sets a DHCP option in the response for clients whose MAC address starts with
// a given prefix, e.g. a different domain name (option 15) for the lab's virtual machines.
// It also answers one control command, "example-stats", with how often each rule applied.
//
// Configure it like any Kea hook library:
//
//   "hooks-libraries": [{
//       "library": "libdhcp_example.so",
//       "parameters": {
//           "rules": [
//               { "mac-prefix": "52:54:00", "code": 15, "text": "lab.example.org" },
//               { "mac-prefix": "00:16:3e", "code": 252, "hex": "0a0b0c" }
//           ]
//       }
//   }]
//
// A library only includes <kahu/...> headers. Everything it provides is registered in load();
// the server removes it all again at unload. Read core/include/kahu/hooks/*.h and
// docs/hooks.md for the whole contract.

#include <atomic>
#include <cstdint>
#include <kahu/command/answer.h>
#include <kahu/error.h>
#include <kahu/hooks/library.h>
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
};

std::vector<uint8_t> parseHex(const std::string& text, const std::string& what) {
    std::vector<uint8_t> out;
    std::string digits;
    for (char c : text) {
        if (c != ':' && c != ' ') {
            digits.push_back(c);
        }
    }
    if (digits.size() % 2 != 0) {
        throw Error("example: " + what + " '" + text + "' is not a whole number of bytes");
    }
    for (size_t i = 0; i < digits.size(); i += 2) {
        out.push_back(static_cast<uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
    }
    return out;
}

// Validates the parameters and builds the rules. Throwing here fails the library's load, so the
// whole (re)configuration fails with this text and the previous configuration keeps running.
std::vector<Rule> parseRules(const nlohmann::json& params) {
    std::vector<Rule> rules;
    if (!params.is_object() || !params.contains("rules") || !params["rules"].is_array()) {
        throw Error("example: parameters must be {\"rules\": [...]}");
    }
    for (const auto& r : params["rules"]) {
        Rule rule;
        rule.macPrefix = parseHex(r.at("mac-prefix").get<std::string>(), "mac-prefix");
        int code = r.at("code").get<int>();
        if (code < 1 || code > 254) {
            throw Error("example: option code " + std::to_string(code) + " is out of range");
        }
        rule.code = static_cast<uint8_t>(code);
        if (r.contains("text")) {
            auto text = r["text"].get<std::string>();
            rule.data.assign(text.begin(), text.end());
        } else {
            rule.data = parseHex(r.at("hex").get<std::string>(), "hex");
        }
        rule.label = r["mac-prefix"].get<std::string>() + " -> option " + std::to_string(code);
        rule.hits = std::make_shared<std::atomic<uint64_t>>(0);
        rules.push_back(std::move(rule));
    }
    return rules;
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
    self->rules = parseRules(ctx.parameters());
    self->logger = ctx.logger(); // "kahu-dhcp4.dhcp_example"

    // The template argument picks the hook point; a lambda taking the wrong argument struct
    // (say Pkt4ReceiveArgs&) would not compile.
    ctx.registerCallout<HookPoint::Pkt4Send>(
        [self](Pkt4SendArgs& args, CalloutContext& c) { return onPkt4Send(*self, args, c); });

    // A command answers in Kea's shape: {"result": 0, "arguments": {...}}.
    ctx.registerCommand("example-stats", [self](const nlohmann::json&) {
        nlohmann::json counts = nlohmann::json::object();
        for (const auto& rule : self->rules) {
            counts[rule.label] = rule.hits->load(std::memory_order_relaxed);
        }
        return successAnswer("", {{"rules", counts}});
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
