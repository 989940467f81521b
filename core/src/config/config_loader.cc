// SPDX-License-Identifier: MPL-2.0
#include "config/config_loader.h"

#include "config/config_drafts.h"
#include "config/json_reader.h"

namespace kahu::config {

namespace {

// Rejects an unknown key the moment the reader meets it, so that the first mistake in the
// file is reported (Kea's grammar does the same), not a syntax error it caused further down.
void checkKeyWhileReading(const std::vector<PathSegment>& mapPath, const std::string& key,
                          const Location& where) {
    const MapInfo* info = &rootInfo();
    for (const auto& seg : mapPath) {
        if (seg.index >= 0) {
            continue; // a list element has the kind its list's key gave it
        }
        info = info->childFor(seg.key);
        if (!info) {
            return; // free-form JSON (parameters, user-context, ...)
        }
    }
    if (key == "user-context" || key == "comment" || info->has(key)) {
        return;
    }
    throwUnknownKey(*info, pathToString(mapPath), key, where);
}

ConfigLoadResult build(const JsonDocument& doc, std::string_view origin, std::string source) {
    ParseContext ctx;
    ctx.locations = &doc.locations;
    ctx.origin = std::string(origin);
    ctx.warnings = doc.warnings;
    ctx.optionDefs = std::make_shared<OptionDefinitions>(OptionDefinitions::standard());

    const nlohmann::json& top = doc.value;
    Node root{top, ""};
    if (!top.is_object()) {
        ctx.fail(root, "the configuration must be a map with a \"Dhcp4\" entry");
    }
    for (const auto& [key, value] : top.items()) {
        if (key != "Dhcp4") {
            throwUnknownKey(rootInfo(), "", key, ctx.locate(key));
        }
    }
    if (!top.contains("Dhcp4")) {
        ctx.fail(root, "missing \"Dhcp4\"");
    }

    auto cfg = std::make_shared<ServerConfig>();
    GlobalDraft draft{*cfg, {}, {}, {}, {}, {}};
    Node dhcp4{top.at("Dhcp4"), "Dhcp4"};
    parseGlobal(ctx, dhcp4, draft);
    if (dhcp4.value.is_object() && dhcp4.value.contains("user-context")) {
        draft.userContext = dhcp4.value.at("user-context");
    }
    resolveSubnets(ctx, draft);
    cfg->authoritative = draft.inh.authoritative.value_or(false);
    cfg->matchClientId = draft.inh.matchClientId.value_or(true);
    cfg->optionDefs = ctx.optionDefs;
    cfg->json = dhcp4.value;
    cfg->sourceFile = std::move(source);
    return ConfigLoadResult{std::move(cfg), std::move(ctx.warnings)};
}

JsonReadOptions fileDialect() {
    JsonReadOptions options;
    options.onKey = checkKeyWhileReading;
    return options;
}

} // namespace

ConfigLoadResult loadConfigFile(const std::string& path) {
    JsonDocument doc = readJsonFile(path, fileDialect());
    return build(doc, path, path);
}

ConfigLoadResult parseConfigText(std::string_view text, std::string_view origin) {
    JsonDocument doc = readJsonText(text, origin, fileDialect());
    return build(doc, origin, "");
}

ConfigLoadResult buildConfig(const nlohmann::json& top, std::string_view origin) {
    JsonDocument doc;
    doc.value = top;
    return build(doc, origin, "");
}

} // namespace kahu::config
