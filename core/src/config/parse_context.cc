// SPDX-License-Identifier: MPL-2.0
#include "config/parse_context.h"

#include <algorithm>
#include <cmath>

namespace kahu::config {

Location ParseContext::locate(const std::string& path) const {
    if (locations) {
        // A value built in code (defaults) has no location: fall back to its nearest parent.
        std::string p = path;
        for (;;) {
            auto it = locations->find(p);
            if (it != locations->end()) {
                return it->second;
            }
            size_t cut = p.find_last_of(".[");
            if (cut == std::string::npos || p.empty()) {
                break;
            }
            p.resize(cut);
        }
    }
    return Location{origin, 0, 0};
}

std::shared_ptr<const SourceMap> ParseContext::sourceMap(const std::string& path) const {
    auto map = std::make_shared<SourceMap>();
    map->path = path;
    map->fallback = locate(path).str();
    if (locations) {
        for (const auto& [p, where] : *locations) {
            if (p.size() < path.size() || p.compare(0, path.size(), path) != 0) {
                continue;
            }
            if (p.size() == path.size()) {
                map->positions.emplace("", where.str());
            } else if (p[path.size()] == '.') {
                map->positions.emplace(p.substr(path.size() + 1), where.str());
            } else if (p[path.size()] == '[') {
                map->positions.emplace(p.substr(path.size()), where.str());
            }
        }
    }
    return map;
}

void ParseContext::fail(const Node& at, const std::string& text) const {
    throw ConfigError(locate(at.path).str() + ": " + at.path + ": " + text);
}

void ParseContext::warn(const Node& at, const std::string& text) {
    warnings.push_back(locate(at.path).str() + ": " + at.path + ": " + text);
}

bool MapInfo::has(const std::string& key) const {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

const MapInfo* MapInfo::childFor(const std::string& key) const {
    for (const auto& [k, fn] : children) {
        if (k == key) {
            return &fn();
        }
    }
    return nullptr;
}

void throwUnknownKey(const MapInfo& info, const std::string& mapPath, const std::string& key,
                     const Location& where) {
    std::string prefix = where.str() + ": " + (mapPath.empty() ? "" : mapPath + ": ");
    if (std::find(info.unsupported.begin(), info.unsupported.end(), key) !=
        info.unsupported.end()) {
        throw ConfigError(prefix + "'" + key + "' is not supported by Kahu");
    }
    std::vector<std::string> homes;
    for (const MapInfo* other : allMapInfos()) {
        if (other != &info && other->has(key) &&
            std::find(homes.begin(), homes.end(), other->where) == homes.end()) {
            homes.push_back(other->where);
        }
    }
    std::string msg = prefix + "unknown key '" + key + "'";
    if (!homes.empty()) {
        msg += " ('" + key + "' belongs in ";
        for (size_t i = 0; i < homes.size(); ++i) {
            msg += (i ? (i + 1 == homes.size() ? " or " : ", ") : "") + homes[i];
        }
        msg += ")";
    }
    throw ConfigError(msg);
}

void requireType(ParseContext& ctx, const Node& n, nlohmann::json::value_t type, const char* what) {
    if (n.value.type() != type) {
        ctx.fail(n, std::string("expected ") + what + ", got " + n.value.type_name());
    }
}

bool getBool(ParseContext& ctx, const Node& n) {
    requireType(ctx, n, nlohmann::json::value_t::boolean, "a boolean");
    return n.value.get<bool>();
}

std::string getString(ParseContext& ctx, const Node& n, bool allowEmpty) {
    requireType(ctx, n, nlohmann::json::value_t::string, "a string");
    auto s = n.value.get<std::string>();
    if (!allowEmpty && s.empty()) {
        ctx.fail(n, "must not be empty");
    }
    return s;
}

int64_t getInt(ParseContext& ctx, const Node& n, int64_t min, int64_t max) {
    if (!n.value.is_number_integer()) {
        ctx.fail(n, std::string("expected an integer, got ") + n.value.type_name());
    }
    if (n.value.is_number_unsigned() && n.value.get<uint64_t>() > uint64_t(INT64_MAX)) {
        ctx.fail(n, "value out of range");
    }
    int64_t v = n.value.get<int64_t>();
    if (v < min || v > max) {
        ctx.fail(n, "value " + std::to_string(v) + " out of range " + std::to_string(min) + ".." +
                        std::to_string(max));
    }
    return v;
}

uint32_t getU32(ParseContext& ctx, const Node& n, uint32_t min, uint32_t max) {
    return static_cast<uint32_t>(getInt(ctx, n, min, max));
}

double getDouble(ParseContext& ctx, const Node& n, double min, double max) {
    if (!n.value.is_number()) {
        ctx.fail(n, std::string("expected a number, got ") + n.value.type_name());
    }
    double v = n.value.get<double>();
    if (std::isnan(v) || v < min || v > max) {
        ctx.fail(n, "value " + n.value.dump() + " out of range");
    }
    return v;
}

Ipv4Address getIpv4(ParseContext& ctx, const Node& n) {
    auto text = getString(ctx, n);
    auto a = Ipv4Address::fromText(text);
    if (!a) {
        ctx.fail(n, "'" + text + "' is not an IPv4 address");
    }
    return *a;
}

void failOutsideDirectory(ParseContext& ctx, const Node& n, PathKind kind,
                          const std::string& file) {
    try {
        confinePath(kind, file);
    } catch (const PathError& e) {
        ctx.fail(n, e.what());
    }
}

std::string getEnum(ParseContext& ctx, const Node& n, const std::vector<std::string>& allowed) {
    auto s = getString(ctx, n);
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) {
            list += (list.empty() ? "" : ", ") + a;
        }
        ctx.fail(n, "'" + s + "' is not one of: " + list);
    }
    return s;
}

} // namespace kahu::config
