// SPDX-License-Identifier: MPL-2.0
//
// libdhcp_flex_option.so — Kea's Flexible Option hook library.
//
// At pkt4_send, each configured entry adds, supersedes or removes one option of the response,
// driven by an expression of the classification language evaluated against the query:
//
//   "hooks-libraries": [{
//       "library": "libdhcp_flex_option.so",
//       "parameters": { "options": [
//           { "code": 67, "add":
//               "ifelse(option[host-name].exists,concat(option[host-name].text,'.boot'),'')" },
//           { "name": "domain-name", "supersede": "'lab.example.org'",
//             "client-class": "lab" },
//           { "code": 15, "remove": "pkt4.giaddr == 0.0.0.0" }
//       ]}
//   }]
//
// As in Kea: `add` sets the option only when the response lacks it and the value is not empty,
// `supersede` sets it (replacing every instance) when the value is not empty, `remove` removes
// it when the test is true. Entries run in ascending option code, entries of one code in
// configuration order. With csv-format the value is encoded with the option's definition
// (comma-separated fields), otherwise its bytes are the option's data.

#include <algorithm>
#include <cstdint>
#include <kahu/dhcp/option_definition.h>
#include <kahu/dhcp/packet4.h>
#include <kahu/error.h>
#include <kahu/eval/expression.h>
#include <kahu/hooks/library.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace kahu;
using namespace kahu::hooks;

enum class Action { Add, Supersede, Remove };

struct Entry {
    uint8_t code = 0;
    Action action = Action::Add;
    std::optional<eval::Expression> expression;
    const OptionDefinition* definition = nullptr; ///< set only with csv-format
    std::string clientClass;                      ///< empty: every query
};

struct FlexOption {
    std::vector<Entry> entries; ///< sorted by code, stable
    std::shared_ptr<spdlog::logger> logger;
};

const char* actionName(Action a) {
    switch (a) {
    case Action::Add:
        return "add";
    case Action::Supersede:
        return "supersede";
    case Action::Remove:
        return "remove";
    }
    return "";
}

// Kea's log form of a value: quoted when printable, hexadecimal otherwise.
std::string printable(std::string_view v) {
    const bool text = std::all_of(v.begin(), v.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
    });
    if (text) {
        return "'" + std::string(v) + "'";
    }
    static const char* digits = "0123456789abcdef";
    std::string out = "0x";
    for (char c : v) {
        out.push_back(digits[static_cast<unsigned char>(c) >> 4]);
        out.push_back(digits[static_cast<unsigned char>(c) & 0xf]);
    }
    return out;
}

Entry parseEntry(ParamReader& r) {
    Entry e;
    const std::string space = r.string("space", "dhcp4");
    if (space.empty()) {
        r.fail("space", "'' is not a valid space name");
    }
    std::optional<int64_t> code;
    if (r.has("code")) {
        code = r.integer<int64_t>("code", 0, 255);
        if (space == "dhcp4" && *code == 0) {
            r.fail("code", "invalid 'code' value 0: reserved for PAD");
        }
        if (space == "dhcp4" && *code == 255) {
            r.fail("code", "invalid 'code' value 255: reserved for END");
        }
    }
    const OptionDefinitions& defs = OptionDefinitions::standard();
    const OptionDefinition* def = nullptr;
    if (r.has("name")) {
        const std::string name = r.nonEmptyString("name");
        def = defs.byName(name, space);
        if (def == nullptr) {
            r.fail("name", "no known '" + name + "' option in '" + space + "' space");
        }
        if (code && def->code != *code) {
            r.fail("code", "option '" + name +
                               "' is defined as code: " + std::to_string(def->code) +
                               ", not the specified code: " + std::to_string(*code));
        }
        code = def->code;
    }
    if (!code) {
        r.fail("'code' or 'name' must be specified");
    }
    e.code = static_cast<uint8_t>(*code);
    if (r.boolean("csv-format", false)) {
        e.definition = def != nullptr ? def : defs.byCode(e.code, space);
        if (e.definition == nullptr) {
            r.fail("csv-format", "no known option with code '" + std::to_string(e.code) + "' in '" +
                                     space + "' space");
        }
    }
    e.clientClass = r.string("client-class", "");
    if (r.has("sub-options")) {
        r.fail("sub-options", "sub-options are not supported by this server");
    }

    int actions = 0;
    for (Action a : {Action::Add, Action::Supersede, Action::Remove}) {
        const char* key = actionName(a);
        const std::string text = r.string(key, "");
        if (!r.has(key)) {
            continue;
        }
        if (text.empty()) {
            r.fail(key, std::string("'") + key + "' must not be empty");
        }
        if (++actions > 1) {
            r.fail(key, "multiple actions: give one of 'add', 'supersede' and 'remove'");
        }
        e.action = a;
        try {
            e.expression = eval::Expression::parse(
                text, a == Action::Remove ? eval::ResultType::Bool : eval::ResultType::String);
        } catch (const eval::ExpressionError& err) {
            r.fail(key, "expression '" + text + "', column " + std::to_string(err.column()) + ": " +
                            err.what());
        }
    }
    if (actions == 0) {
        r.fail("no action: give one of 'add', 'supersede' and 'remove'");
    }
    return e;
}

// The value's wire bytes: the definition's encoding with csv-format, the bytes themselves
// otherwise. Nullopt (logged) when the definition refuses the value, as Kea's optionFactory
// throwing ends the entry.
std::optional<std::vector<uint8_t>> encode(const FlexOption& self, const Entry& e,
                                           std::string_view value) {
    if (e.definition == nullptr) {
        return std::vector<uint8_t>(value.begin(), value.end());
    }
    try {
        return encodeOptionData(e.definition, value, true);
    } catch (const std::exception& err) {
        self.logger->error("FLEX_OPTION_PROCESS_ERROR An error occurred processing option {}: {}",
                           e.code, err.what());
        return std::nullopt;
    }
}

void apply(const FlexOption& self, const Entry& e, const Packet4& query, Packet4& response) {
    thread_local std::string buffer;
    const char* failure = nullptr;
    switch (e.action) {
    case Action::Add:
    case Action::Supersede: {
        if (e.action == Action::Add && response.get(e.code) != nullptr) {
            return;
        }
        std::string_view value = e.expression->evaluateString(query, buffer, failure);
        if (failure != nullptr) {
            self.logger->debug("FLEX_OPTION_PROCESS_ERROR option {}: {}", e.code, failure);
        }
        if (value.empty()) {
            return;
        }
        auto data = encode(self, e, value);
        if (!data) {
            return;
        }
        response.set(e.code, std::move(*data)); // replaces every instance
        if (e.action == Action::Add) {
            self.logger->debug("FLEX_OPTION_PROCESS_ADD Added the option code {} with value {}",
                               e.code, printable(value));
        } else {
            self.logger->debug(
                "FLEX_OPTION_PROCESS_SUPERSEDE Supersedes the option code {} with value {}", e.code,
                printable(value));
        }
        return;
    }
    case Action::Remove:
        if (response.get(e.code) == nullptr || !e.expression->evaluateBool(query, failure)) {
            return;
        }
        response.remove(e.code);
        self.logger->debug("FLEX_OPTION_PROCESS_REMOVE Removed option code {}", e.code);
        return;
    }
}

Verdict onPkt4Send(const FlexOption& self, Pkt4SendArgs& args, CalloutContext& ctx) {
    if (ctx.verdict() == Verdict::Drop) {
        return Verdict::Continue;
    }
    for (const Entry& e : self.entries) {
        if (!e.clientClass.empty() && !args.query.inClass(e.clientClass)) {
            self.logger->debug(
                "FLEX_OPTION_PROCESS_CLIENT_CLASS Skip processing of the option code {} for "
                "class '{}'",
                e.code, e.clientClass);
            continue;
        }
        apply(self, e, args.query, args.response);
    }
    return Verdict::Continue;
}

void load(LoadContext& ctx) {
    auto self = std::make_shared<FlexOption>();
    self->logger = ctx.logger();
    ParamReader params(ctx);
    for (ParamReader& r : params.list("options")) {
        self->entries.push_back(parseEntry(r));
    }
    params.finish();
    // Kea keeps the entries in a map by code: ascending codes, configuration order within one.
    std::stable_sort(self->entries.begin(), self->entries.end(),
                     [](const Entry& a, const Entry& b) { return a.code < b.code; });
    ctx.registerCallout<HookPoint::Pkt4Send>(
        [self](Pkt4SendArgs& args, CalloutContext& c) { return onPkt4Send(*self, args, c); });
}

void unload() {}

} // namespace

KAHU_HOOK_LIBRARY(load, unload)
// The entries are read-only after load and expressions evaluate concurrently.
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
