// SPDX-License-Identifier: MPL-2.0
// option-def and option-data, at every level.
#include "config/config_drafts.h"

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
        {"code", [](auto& c, auto& n, auto& d) { d.def.code = uint8_t(getU32(c, n, 1, 254)); }},
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
        try {
            d.opt.data = encodeOptionData(def, d.data, d.csvFormat);
        } catch (const Error& err) {
            ctx.fail(e.value.contains("data") ? e.child("data") : e, err.what());
        }
        for (const auto& prior : out) {
            if (prior.code == d.opt.code && prior.space == d.opt.space) {
                ctx.fail(e, "option " + std::to_string(d.opt.code) + " in space '" + d.opt.space +
                                "' is already configured at this level");
            }
        }
        out.push_back(std::move(d.opt));
    });
    return out;
}

} // namespace kahu::config
