// SPDX-License-Identifier: MPL-2.0
//
// libdhcp_class_cmds.so — Kea's Class Commands hook library: client classes of the running
// configuration added, changed, removed and read over the control channel, without a restart.
// It takes no parameters:
//
//   "hooks-libraries": [{ "library": "libdhcp_class_cmds.so" }]
//
// class-add, class-update and class-del change the "client-classes" list of the running
// configuration and apply the result as config-set does (ServerAccess::applyConfig): it is
// checked whole, tests included, and anything wrong leaves the running configuration as it was
// and is answered with the reason. Like Kea's, the change lives in memory: config-write saves
// it, config-reload (or a restart) goes back to the file.

#include <algorithm>
#include <kahu/command/answer.h>
#include <kahu/error.h>
#include <kahu/hooks/library.h>
#include <kahu/server_access.h>
#include <string>

namespace {

using namespace kahu;
using namespace kahu::hooks;
using nlohmann::json;

constexpr auto kEmpty = CommandResult::Empty;

struct ClassCmds {
    ServerAccess* server = nullptr;

    /// The running Dhcp4 map, as configured.
    json running() const {
        auto cfg = server->config();
        if (!cfg) {
            throw CommandError("the server has no configuration yet");
        }
        return cfg->json.is_object() ? cfg->json : json::object();
    }

    static json& classesOf(json& dhcp4) {
        json& list = dhcp4["client-classes"];
        if (!list.is_array()) {
            list = json::array();
        }
        return list;
    }

    static json::iterator find(json& list, const std::string& name) {
        return std::find_if(list.begin(), list.end(), [&](const json& c) {
            return c.is_object() && c.value("name", std::string()) == name;
        });
    }

    void apply(json dhcp4) const {
        if (std::string error = server->applyConfig(json{{"Dhcp4", std::move(dhcp4)}});
            !error.empty()) {
            throw CommandError(error);
        }
    }

    /// {"client-classes": [ one class ]}, as class-add and class-update take it.
    static json oneClass(const json& args) {
        if (!args.is_object()) {
            throw CommandError("invalid arguments: expected a map with 'client-classes'");
        }
        auto it = args.find("client-classes");
        if (it == args.end() || !it->is_array()) {
            throw CommandError("missing 'client-classes' list in the arguments");
        }
        if (it->size() != 1) {
            throw CommandError("invalid number of classes specified for the command: " +
                               std::to_string(it->size()) + " (exactly one is allowed)");
        }
        const json& cls = (*it)[0];
        if (!cls.is_object() || !cls.contains("name") || !cls["name"].is_string()) {
            throw CommandError("the class needs a 'name' string");
        }
        return cls;
    }

    static std::string nameArg(const json& args) {
        if (!args.is_object() || !args.contains("name") || !args["name"].is_string()) {
            throw CommandError("missing 'name' string in the arguments");
        }
        return args["name"].get<std::string>();
    }

    json add(const json& args) const {
        json cls = oneClass(args);
        const std::string name = cls["name"];
        json dhcp4 = running();
        json& list = classesOf(dhcp4);
        if (find(list, name) != list.end()) {
            throw CommandError("Class '" + name + "' already exists.");
        }
        list.push_back(std::move(cls));
        apply(std::move(dhcp4));
        return successAnswer("Class '" + name + "' added.");
    }

    json update(const json& args) const {
        json cls = oneClass(args);
        const std::string name = cls["name"];
        json dhcp4 = running();
        json& list = classesOf(dhcp4);
        auto it = find(list, name);
        if (it == list.end()) {
            throw CommandError(kEmpty, "Class '" + name + "' is not found.");
        }
        *it = std::move(cls); // keeps its place: the order is the evaluation order
        apply(std::move(dhcp4));
        return successAnswer("Class '" + name + "' updated.");
    }

    /// What still names `name`: another class's test, or a subnet, pool or shared network.
    std::string userOf(const std::string& name) const {
        auto cfg = server->config();
        for (const auto& c : cfg->clientClasses) {
            for (const auto* e : {c.expression.get(), c.templateExpression.get()}) {
                if (c.name != name && e) {
                    const auto& refs = e->referencedClasses();
                    if (std::find(refs.begin(), refs.end(), name) != refs.end()) {
                        return "class '" + c.name + "'";
                    }
                }
            }
        }
        auto names = [&](const std::string& one, const std::vector<std::string>& many) {
            return one == name || std::find(many.begin(), many.end(), name) != many.end();
        };
        for (const auto& s : cfg->subnets) {
            if (names(s.clientClass, s.requiredClasses)) {
                return "subnet " + std::to_string(s.id);
            }
            for (const auto& p : s.pools) {
                if (names(p.clientClass, p.requiredClasses)) {
                    return "a pool of subnet " + std::to_string(s.id);
                }
            }
        }
        for (const auto& n : cfg->sharedNetworks) {
            if (names("", n.requiredClasses)) {
                return "shared network '" + n.name + "'";
            }
        }
        return {};
    }

    json del(const json& args) const {
        const std::string name = nameArg(args);
        json dhcp4 = running();
        json& list = classesOf(dhcp4);
        auto it = find(list, name);
        if (it == list.end()) {
            throw CommandError(kEmpty, "Class '" + name + "' is not found.");
        }
        if (std::string user = userOf(name); !user.empty()) {
            throw CommandError("Class '" + name + "' is used by " + user + ".");
        }
        list.erase(it);
        apply(std::move(dhcp4));
        return successAnswer("Class '" + name + "' deleted.");
    }

    json list(const json&) const {
        json dhcp4 = running();
        json names = json::array();
        for (const auto& c : classesOf(dhcp4)) {
            names.push_back({{"name", c.value("name", std::string())}});
        }
        const std::string text = std::to_string(names.size()) + " classes found";
        return makeAnswer(names.empty() ? kEmpty : CommandResult::Success, text,
                          {{"client-classes", names}});
    }

    json get(const json& args) const {
        const std::string name = nameArg(args);
        json dhcp4 = running();
        json& list = classesOf(dhcp4);
        auto it = find(list, name);
        if (it == list.end()) {
            throw CommandError(kEmpty, "Class '" + name + "' is not found.");
        }
        // Kea's form: the DHCPv4 fields always, test/only-if-required/option-def when set.
        json cls = *it;
        for (const auto& [key, value] : {std::pair<const char*, json>{"option-data", json::array()},
                                         {"next-server", "0.0.0.0"},
                                         {"server-hostname", ""},
                                         {"boot-file-name", ""}}) {
            if (!cls.contains(key)) {
                cls[key] = value;
            }
        }
        return successAnswer("Class '" + name + "' definition returned",
                             {{"client-classes", json::array({cls})}});
    }
};

void load(LoadContext& ctx) {
    ParamReader params(ctx);
    params.finish(); // Kea's library takes no parameters
    auto self = std::make_shared<ClassCmds>();
    self->server = ctx.server();
    if (self->server == nullptr) {
        return; // a configuration check (-t): nothing to serve
    }
    auto bind = [self](json (ClassCmds::*fn)(const json&) const) {
        return [self, fn](const json& args) { return ((*self).*fn)(args); };
    };
    ctx.registerCommand("class-add", bind(&ClassCmds::add));
    ctx.registerCommand("class-update", bind(&ClassCmds::update));
    ctx.registerCommand("class-del", bind(&ClassCmds::del));
    ctx.registerCommand("class-list", bind(&ClassCmds::list));
    ctx.registerCommand("class-get", bind(&ClassCmds::get));
}

void unload() {}

} // namespace

KAHU_HOOK_LIBRARY(load, unload)
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
