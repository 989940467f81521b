// SPDX-License-Identifier: MPL-2.0
// The pieces every area parser shares: where an element is, typed getters that fail with
// "<file>:<line>:<col>: <key path>: <text>", and the table-driven map walker.
#pragma once

#include "config/json_reader.h"

#include <functional>
#include <kahu/config/source_map.h>
#include <kahu/dhcp/ipv4_address.h>
#include <kahu/dhcp/option_definition.h>
#include <kahu/error.h>
#include <kahu/paths.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

namespace kahu::config {

/// An element and its path ("Dhcp4.subnet4[0].pools[1]").
struct Node {
    const nlohmann::json& value;
    std::string path;

    Node child(const std::string& key) const { return Node{value.at(key), path + "." + key}; }
    Node element(size_t i) const { return Node{value.at(i), path + "[" + std::to_string(i) + "]"}; }
};

struct ParseContext {
    const std::unordered_map<std::string, Location>* locations = nullptr;
    std::string origin; ///< used when an element has no recorded location ("<wire>")
    std::vector<std::string> warnings;
    std::shared_ptr<OptionDefinitions> optionDefs;

    Location locate(const std::string& path) const;
    /// The positions of the element at `path` and of everything inside it, for a value the
    /// core hands on unparsed (hook parameters, a hook's lease-database map).
    std::shared_ptr<const SourceMap> sourceMap(const std::string& path) const;
    [[noreturn]] void fail(const Node& at, const std::string& text) const;
    void warn(const Node& at, const std::string& text);
};

/// What is known about one kind of map: its keys (with the map each key opens, if it is
/// checked), the Kea keys Kahu refuses, and a name for messages ("subnet4[]"). Built from the
/// handler tables so the keys are written once.
struct MapInfo {
    std::string where;
    std::vector<std::string> keys;
    std::vector<std::string> unsupported;
    std::vector<std::pair<std::string, const MapInfo& (*)()>> children;

    bool has(const std::string& key) const;
    const MapInfo* childFor(const std::string& key) const;
};

/// Every map kind, for "it belongs in ..." hints (includes hint-only maps such as HA's).
const std::vector<const MapInfo*>& allMapInfos();

/// Throws the unknown/unsupported key error for `key` read at `where` in map `mapPath`.
[[noreturn]] void throwUnknownKey(const MapInfo& info, const std::string& mapPath,
                                  const std::string& key, const Location& where);

template <class T> struct KeyHandler {
    std::string key;
    std::function<void(ParseContext&, const Node&, T&)> handle;
    const MapInfo& (*child)() = nullptr;
};
template <class T> using KeyTable = std::vector<KeyHandler<T>>;

template <class T>
MapInfo makeMapInfo(std::string where, const KeyTable<T>& table,
                    std::vector<std::string> unsupported) {
    MapInfo info{std::move(where), {}, std::move(unsupported), {}};
    for (const auto& h : table) {
        info.keys.push_back(h.key);
        if (h.child) {
            info.children.emplace_back(h.key, h.child);
        }
    }
    return info;
}

void requireType(ParseContext& ctx, const Node& n, nlohmann::json::value_t type, const char* what);

/// Checks every key of the map at `n` (unknown -> error), then runs the handlers in table
/// order, so tables put what others depend on (option-def) first.
template <class T>
void applyMap(ParseContext& ctx, const Node& n, const KeyTable<T>& table, const MapInfo& info,
              T& target) {
    requireType(ctx, n, nlohmann::json::value_t::object, "a map");
    for (const auto& [key, value] : n.value.items()) {
        if (key == "user-context") {
            requireType(ctx, n.child(key), nlohmann::json::value_t::object, "a map");
        } else if (key == "comment") {
            requireType(ctx, n.child(key), nlohmann::json::value_t::string, "a string");
        } else if (!info.has(key)) {
            throwUnknownKey(info, n.path, key, ctx.locate(n.path + "." + key));
        }
    }
    for (const auto& h : table) {
        if (n.value.contains(h.key)) {
            h.handle(ctx, n.child(h.key), target);
        }
    }
}

/// Runs `fn` for each element of the list at `n`.
template <class Fn> void forEachElement(ParseContext& ctx, const Node& n, Fn&& fn) {
    requireType(ctx, n, nlohmann::json::value_t::array, "a list");
    for (size_t i = 0; i < n.value.size(); ++i) {
        fn(n.element(i), i);
    }
}

bool getBool(ParseContext& ctx, const Node& n);
std::string getString(ParseContext& ctx, const Node& n, bool allowEmpty = true);
int64_t getInt(ParseContext& ctx, const Node& n, int64_t min, int64_t max);
uint32_t getU32(ParseContext& ctx, const Node& n, uint32_t min = 0, uint32_t max = UINT32_MAX);
double getDouble(ParseContext& ctx, const Node& n, double min, double max);
Ipv4Address getIpv4(ParseContext& ctx, const Node& n);
/// Fails at `n` when `file` is not allowed for its kind (kahu::confinePath): the operator
/// sees file:line:col, the key path, the path and the directories it must be in.
void failOutsideDirectory(ParseContext& ctx, const Node& n, PathKind kind, const std::string& file);
/// A string that must be one of `allowed`.
std::string getEnum(ParseContext& ctx, const Node& n, const std::vector<std::string>& allowed);

} // namespace kahu::config
