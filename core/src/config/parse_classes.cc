// SPDX-License-Identifier: MPL-2.0
// "client-classes": Kea's class definitions. Each test is parsed once here, with the column
// of an error inside the expression added to the JSON string's file:line:col; member() may
// name only classes defined above (or built-in ones), as in Kea, which also gives the
// evaluation order without cycles.
#include "config/config_drafts.h"

#include <algorithm>
#include <kahu/eval/expression.h>

namespace kahu::config {

namespace {

struct ClassDraft {
    ClientClass cls;
    /// The class's own option-def, layered over the global ones (parsed before option-data).
    std::shared_ptr<OptionDefinitions> defs;
    DdnsDraft ddns; ///< the class's ddns-* keys
};

std::shared_ptr<const eval::Expression> parseExpression(ParseContext& c, const Node& n,
                                                        eval::ResultType type,
                                                        const eval::ParseOptions& options) {
    std::string text = getString(c, n);
    if (text.empty()) {
        return nullptr;
    }
    try {
        return std::make_shared<const eval::Expression>(
            eval::Expression::parse(text, type, options));
    } catch (const eval::ExpressionError& e) {
        c.fail(n,
               "expression '" + text + "', column " + std::to_string(e.column()) + ": " + e.what());
    }
}

/// The classes parsed so far, for member() checks.
struct ClassScope {
    const std::vector<ClientClass>* defined;
    eval::ParseOptions options(const OptionDefinitions* defs) const {
        eval::ParseOptions o;
        o.definitions = defs;
        o.classDefined = [d = defined](std::string_view name) {
            return std::any_of(d->begin(), d->end(),
                               [&](const ClientClass& k) { return k.name == name; });
        };
        return o;
    }
};

/// The ddns-* keys of a class (a Kahu extension), as DdnsOverrides; none when it sets none.
std::optional<DdnsOverrides> ddnsOverrides(const DdnsDraft& d) {
    DdnsOverrides o;
    o.sendUpdates = d.sendUpdates;
    o.overrideNoUpdate = d.overrideNoUpdate;
    o.overrideClientUpdate = d.overrideClientUpdate;
    o.updateOnRenew = d.updateOnRenew;
    o.replaceClientName = d.replace;
    o.generatedPrefix = d.prefix;
    o.qualifyingSuffix = d.suffix;
    o.ttl = d.ttl;
    o.ttlMin = d.ttlMin;
    o.ttlMax = d.ttlMax;
    o.ttlPercent = d.ttlPercent;
    o.hostnameCharSet = d.charSet;
    o.hostnameCharReplacement = d.charReplacement;
    const bool any = o.sendUpdates || o.overrideNoUpdate || o.overrideClientUpdate ||
                     o.updateOnRenew || o.replaceClientName || o.generatedPrefix ||
                     o.qualifyingSuffix || o.ttl || o.ttlMin || o.ttlMax || o.ttlPercent ||
                     o.hostnameCharSet || o.hostnameCharReplacement;
    return any ? std::optional<DdnsOverrides>(std::move(o)) : std::nullopt;
}

void addClassDdnsKeys(KeyTable<ClassDraft>& t) {
    for (const std::string& key : ddnsKeyNames()) {
        if (key == "ddns-conflict-resolution-mode" || key == "ddns-use-conflict-resolution") {
            t.push_back({key, [key](ParseContext& c, const Node& n, ClassDraft&) {
                             c.fail(n, key + " cannot be set for a client class: the records of "
                                             "a lease that expires are removed with no query to "
                                             "classify, so the mode is the subnet's (set it at "
                                             "subnet, shared-network or global level)");
                         }});
        } else {
            t.push_back({key, [key](ParseContext& c, const Node& n, ClassDraft& d) {
                             parseDdnsKey(c, n, key, d.ddns);
                         }});
        }
    }
}

const KeyTable<ClassDraft>& classKeys() {
    static const KeyTable<ClassDraft> t = [] {
        KeyTable<ClassDraft> table = {
            {"name", [](auto& c, auto& n, auto& d) { d.cls.name = getString(c, n, false); }},
            // option-def before option-data and the tests: both read the class's definitions.
            {"option-def",
             [](auto& c, auto& n, auto& d) {
                 d.defs = std::make_shared<OptionDefinitions>(*c.optionDefs);
                 auto global = c.optionDefs;
                 c.optionDefs = d.defs;
                 try {
                     parseOptionDefs(c, n);
                 } catch (...) {
                     c.optionDefs = global;
                     throw;
                 }
                 c.optionDefs = global;
             },
             &optionDefInfo},
            {"option-data",
             [](auto& c, auto& n, auto& d) {
                 auto global = c.optionDefs;
                 if (d.defs) {
                     c.optionDefs = d.defs;
                 }
                 try {
                     d.cls.options = parseOptionData(c, n);
                 } catch (...) {
                     c.optionDefs = global;
                     throw;
                 }
                 c.optionDefs = global;
             },
             &optionDataInfo},
            {"test", [](auto& c, auto& n, auto& d) { d.cls.test = getString(c, n); }},
            {"template-test",
             [](auto& c, auto& n, auto& d) { d.cls.templateTest = getString(c, n); }},
            {"only-if-required",
             [](auto& c, auto& n, auto& d) { d.cls.onlyIfRequired = getBool(c, n); }},
            {"only-in-additional-list",
             [](auto& c, auto& n, auto& d) { d.cls.onlyIfRequired = getBool(c, n); }},
            {"next-server", [](auto& c, auto& n, auto& d) { d.cls.nextServer = getIpv4(c, n); }},
            {"server-hostname",
             [](auto& c, auto& n, auto& d) {
                 d.cls.serverHostname = getString(c, n);
                 if (d.cls.serverHostname->size() > 63) {
                     c.fail(n, "server-hostname must be at most 63 characters (the sname field)");
                 }
             }},
            {"boot-file-name",
             [](auto& c, auto& n, auto& d) {
                 d.cls.bootFileName = getString(c, n);
                 if (d.cls.bootFileName->size() > 127) {
                     c.fail(n, "boot-file-name must be at most 127 characters (the file field)");
                 }
             }},
            {"valid-lifetime", [](auto& c, auto& n, auto& d) { d.cls.valid = getU32(c, n); }},
            {"min-valid-lifetime",
             [](auto& c, auto& n, auto& d) { d.cls.minValid = getU32(c, n); }},
            {"max-valid-lifetime",
             [](auto& c, auto& n, auto& d) { d.cls.maxValid = getU32(c, n); }},
            {"user-context", [](auto&, auto& n, auto& d) { d.cls.userContext = n.value; }},
        };
        addClassDdnsKeys(table);
        return table;
    }();
    return t;
}

/// KNOWN-dependence, as Kea decides it: the test names KNOWN or UNKNOWN, or member() of a
/// class that depends on them.
bool dependsOnKnown(const ClientClass& cls, const std::vector<ClientClass>& before) {
    if (!cls.expression) {
        return false;
    }
    for (const auto& name : cls.expression->referencedClasses()) {
        if (name == "KNOWN" || name == "UNKNOWN") {
            return true;
        }
        for (const auto& k : before) {
            if (k.name == name && k.dependsOnKnown) {
                return true;
            }
        }
    }
    return false;
}

} // namespace

const MapInfo& clientClassInfo() {
    // Keys Kea accepts here that Kahu does not implement: refused, never ignored.
    static const MapInfo i =
        makeMapInfo("client-classes[]", classKeys(), {"offer-lifetime", "preferred-lifetime"});
    return i;
}

std::vector<ClientClass> parseClientClasses(ParseContext& ctx, const Node& n) {
    std::vector<ClientClass> out;
    forEachElement(ctx, n, [&](const Node& e, size_t) {
        ClassDraft d;
        applyMap(ctx, e, classKeys(), clientClassInfo(), d);
        if (!e.value.contains("name")) {
            ctx.fail(e, "missing 'name'");
        }
        if (std::any_of(out.begin(), out.end(),
                        [&](const ClientClass& k) { return k.name == d.cls.name; })) {
            ctx.fail(e.child("name"), "client class '" + d.cls.name + "' is already defined");
        }
        if (eval::isBuiltinClass(d.cls.name) && !d.cls.test.empty()) {
            // Kea: the server or a hook sets these; a definition may only add options and
            // fields to them.
            ctx.fail(e.child("test"),
                     "built-in class '" + d.cls.name + "' test expression must be empty");
        }
        if (e.value.contains("test") && e.value.contains("template-test")) {
            ctx.fail(e, "specify either test or template-test, not both");
        }
        const OptionDefinitions* defs = d.defs ? d.defs.get() : ctx.optionDefs.get();
        ClassScope scope{&out};
        if (e.value.contains("test")) {
            d.cls.expression =
                parseExpression(ctx, e.child("test"), eval::ResultType::Bool, scope.options(defs));
        }
        if (e.value.contains("template-test")) {
            d.cls.templateExpression = parseExpression(
                ctx, e.child("template-test"), eval::ResultType::String, scope.options(defs));
        }
        d.cls.dependsOnKnown = dependsOnKnown(d.cls, out) || (d.cls.templateExpression && [&] {
                                   ClientClass probe;
                                   probe.expression = d.cls.templateExpression;
                                   return dependsOnKnown(probe, out);
                               }());
        d.cls.optionDefs = d.defs;
        d.cls.ddns = ddnsOverrides(d.ddns);
        out.push_back(std::move(d.cls));
    });
    return out;
}

std::vector<std::string> parseClassList(ParseContext& ctx, const Node& n) {
    std::vector<std::string> out;
    forEachElement(ctx, n, [&](const Node& e, size_t) {
        std::string name = getString(ctx, e, false);
        if (std::find(out.begin(), out.end(), name) == out.end()) {
            out.push_back(std::move(name));
        }
    });
    return out;
}

} // namespace kahu::config
