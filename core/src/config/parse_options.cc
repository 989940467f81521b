// SPDX-License-Identifier: MPL-2.0
// option-def and option-data, at every level.
#include "config/config_drafts.h"
#include "dhcp/option_vendor.h"
#include "dhcp/option_wire.h"

#include <algorithm>

namespace kahu::config {

namespace {

struct OptionDraft {
    OptionData opt;
    std::optional<std::string> name;
    std::optional<uint32_t> code;
    std::string data;
    bool csvFormat = true;
};

const KeyTable<OptionDraft>& optionDataKeys() {
    static const KeyTable<OptionDraft> t = {
        {"name", [](auto& c, auto& n, auto& d) { d.name = getString(c, n, false); }},
        {"code", [](auto& c, auto& n, auto& d) { d.code = getU32(c, n, 1, 254); }},
        {"space", [](auto& c, auto& n, auto& d) { d.opt.space = getString(c, n, false); }},
        {"csv-format", [](auto& c, auto& n, auto& d) { d.csvFormat = getBool(c, n); }},
        {"data", [](auto& c, auto& n, auto& d) { d.data = getString(c, n); }},
        {"always-send", [](auto& c, auto& n, auto& d) { d.opt.alwaysSend = getBool(c, n); }},
        {"never-send", [](auto& c, auto& n, auto& d) { d.opt.neverSend = getBool(c, n); }},
    };
    return t;
}

struct DefDraft {
    OptionDefinition def;
    std::string recordTypes;
};

const KeyTable<DefDraft>& optionDefKeys() {
    static const KeyTable<DefDraft> t = {
        {"name", [](auto& c, auto& n, auto& d) { d.def.name = getString(c, n, false); }},
        // 0 and 255 are PAD and END in space dhcp4 only (OptionDefinitions::add checks).
        {"code", [](auto& c, auto& n, auto& d) { d.def.code = uint8_t(getU32(c, n, 0, 255)); }},
        {"space", [](auto& c, auto& n, auto& d) { d.def.space = getString(c, n, false); }},
        {"type",
         [](auto& c, auto& n, auto& d) {
             if (!optionDataTypeFromText(getString(c, n), d.def.type)) {
                 c.fail(n, "unknown option type '" + getString(c, n) + "'");
             }
         }},
        {"array", [](auto& c, auto& n, auto& d) { d.def.array = getBool(c, n); }},
        {"record-types", [](auto& c, auto& n, auto& d) { d.recordTypes = getString(c, n); }},
        {"encapsulate", [](auto& c, auto& n, auto& d) { d.def.encapsulate = getString(c, n); }},
    };
    return t;
}

void parseRecordTypes(ParseContext& ctx, const Node& n, DefDraft& d) {
    if (d.def.type != OptionDataType::Record) {
        if (!d.recordTypes.empty()) {
            ctx.fail(n, "record-types is only allowed with type 'record'");
        }
        return;
    }
    size_t pos = 0;
    const std::string& s = d.recordTypes;
    while (pos <= s.size()) {
        size_t comma = s.find(',', pos);
        std::string item =
            s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        OptionDataType t;
        if (!optionDataTypeFromText(item, t) || t == OptionDataType::Record ||
            t == OptionDataType::Empty) {
            ctx.fail(n, "invalid record-types entry '" + item + "'");
        }
        d.def.recordTypes.push_back(t);
        if (comma == std::string::npos) {
            break;
        }
        pos = comma + 1;
    }
}

// The bytes of `o` with the options configured for its definition's encapsulated space at
// the same level added as sub-options (Kea's CfgOption::encapsulate): to the sub-options its
// data already has (as Kea's option object keeps them), for the codes it does not have.
// Everything is packed in code order, as Kea does. Kea's binary, string and array options have
// no encapsulated space, so nothing is added to them.
std::vector<uint8_t> withSubOptions(const OptionSet& level, const OptionDefinitions& defs,
                                    const OptionData& o, int depth) {
    const OptionDefinition* def = defs.byCode(o.code, o.space);
    if (!def || def->encapsulate.empty() || def->encapsulate == o.space ||
        !kea22KnowsDefinition(*def)) {
        return o.data;
    }
    if (depth > 8) {
        throw Error("option space '" + def->encapsulate + "' encapsulates itself");
    }
    // o.data is what keaOptionFromWire kept, so reading it again gives the same parts.
    KeaEncapsulation parts = keaEncapsulation(*def, o.data, defs);
    if (!parts.encapsulates) {
        return o.data;
    }
    const std::vector<SubOption>& own = parts.subOptions;
    std::vector<SubOption> subs = own;
    for (const auto& sub : level) {
        if (sub.space != def->encapsulate || sub.neverSend) {
            continue;
        }
        bool have = std::any_of(own.begin(), own.end(),
                                [&](const SubOption& s) { return s.code == sub.code; });
        if (!have) {
            subs.push_back({sub.code, withSubOptions(level, defs, sub, depth + 1)});
        }
    }
    std::vector<uint8_t> packed = packSubOptions(std::move(subs));
    std::vector<uint8_t> out(o.data.begin(), o.data.begin() + long(parts.valueSize));
    out.insert(out.end(), packed.begin(), packed.end());
    return out;
}

} // namespace

const MapInfo& optionDataInfo() {
    static const MapInfo i = makeMapInfo("option-data[]", optionDataKeys(), {});
    return i;
}

const MapInfo& optionDefInfo() {
    static const MapInfo i = makeMapInfo("option-def[]", optionDefKeys(), {});
    return i;
}

void parseOptionDefs(ParseContext& ctx, const Node& n) {
    forEachElement(ctx, n, [&](const Node& e, size_t) {
        DefDraft d;
        applyMap(ctx, e, optionDefKeys(), optionDefInfo(), d);
        for (const char* required : {"name", "code", "type"}) {
            if (!e.value.contains(required)) {
                ctx.fail(e, std::string("missing '") + required + "'");
            }
        }
        parseRecordTypes(ctx, e, d);
        try {
            ctx.optionDefs->add(d.def);
        } catch (const ConfigError&) {
            throw;
        } catch (const Error& err) {
            ctx.fail(e, err.what());
        }
    });
}

OptionSet parseOptionData(ParseContext& ctx, const Node& n) {
    OptionSet out;
    forEachElement(ctx, n, [&](const Node& e, size_t) {
        OptionDraft d;
        applyMap(ctx, e, optionDataKeys(), optionDataInfo(), d);
        const auto& defs = *ctx.optionDefs;
        const OptionDefinition* def = nullptr;
        if (d.name) {
            def = defs.byName(*d.name, d.opt.space);
            if (!def) {
                ctx.fail(e, "unknown option '" + *d.name + "' in space '" + d.opt.space +
                                "' (define it with option-def)");
            }
            if (d.code && *d.code != def->code) {
                ctx.fail(e, "option '" + *d.name + "' has code " + std::to_string(def->code) +
                                ", not " + std::to_string(*d.code));
            }
        } else if (d.code) {
            def = defs.byCode(uint8_t(*d.code), d.opt.space);
        } else {
            ctx.fail(e, "option-data needs 'name' or 'code'");
        }
        d.opt.code = def ? def->code : uint8_t(*d.code);
        d.opt.name = def ? def->name : "";
        d.opt.csvFormat = d.csvFormat;
        d.opt.text = d.data;
        const Node at = e.value.contains("data") ? e.child("data") : e;
        try {
            d.opt.data = encodeOptionData(def, d.data, d.csvFormat);
        } catch (const Error& err) {
            ctx.fail(at, err.what());
        }
        // Kea builds the option from the bytes (hex, or the encoded csv values) with its
        // definition, which refuses bytes that do not fit and keeps only what it sends.
        if (def && kea22KnowsDefinition(*def)) {
            try {
                d.opt.data = keaOptionFromWire(*def, d.opt.data, defs);
            } catch (const Error& err) {
                ctx.fail(at, "option data does not match option definition (space: " + d.opt.space +
                                 ", code: " + std::to_string(def->code) + "): " + err.what());
            }
        }
        for (const auto& prior : out) {
            if (prior.code == d.opt.code && prior.space == d.opt.space) {
                // Kea 2.2 accepts the second entry and keeps serving the first one.
                ctx.warn(e, "option " + std::to_string(d.opt.code) + " in space '" + d.opt.space +
                                "' is already configured at this level; this entry is ignored "
                                "(DHCP4_CONFIG_OPTION_DUPLICATE)");
                return;
            }
        }
        out.push_back(std::move(d.opt));
    });
    OptionSet encapsulated = out;
    try {
        for (auto& o : encapsulated) {
            o.data = withSubOptions(out, *ctx.optionDefs, o, 0);
        }
    } catch (const ConfigError&) {
        throw;
    } catch (const Error& err) {
        ctx.fail(n, err.what());
    }
    return encapsulated;
}

} // namespace kahu::config
