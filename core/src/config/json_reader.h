// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kahu::config {

/// Where an element starts in its source ("<wire>" and line 0 for JSON that came as a value).
struct Location {
    std::string file;
    int line = 0;
    int column = 0;
    std::string str() const {
        return file + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
};

/// One step of a path into a document: a map key, or a list index when index >= 0.
struct PathSegment {
    std::string key;
    int index = -1;
};

/// Renders a path the way messages show it: Dhcp4.subnet4[0].pools[1].
std::string pathToString(const std::vector<PathSegment>& path);

/// Called for every map key as soon as it is read, with the path of the map that holds it.
/// The config schema uses it to reject an unknown key at the point where it appears (as Kea's
/// grammar does), before a later syntax error caused by the same typo hides it. It throws
/// kahu::ConfigError to stop.
using KeyObserver = std::function<void(const std::vector<PathSegment>& mapPath,
                                       const std::string& key, const Location& where)>;

struct JsonReadOptions {
    /// Kea's file dialect accepts a comma before '}' or ']' with a warning; the control
    /// socket does not.
    bool allowTrailingCommas = true;
    /// <?include "path"?> directives (file dialect only).
    bool allowIncludes = true;
    KeyObserver onKey;
};

/// A parsed document: the value, where each element starts (by pathToString of its path; for
/// a map member that is the position of its key), and the warnings met on the way.
struct JsonDocument {
    nlohmann::json value;
    std::unordered_map<std::string, Location> locations;
    std::vector<std::string> warnings;
};

/// Parses Kea's JSON dialect: '#', '//' and '/* */' comments, trailing commas (warning),
/// <?include "path"?> anywhere a token may appear (path relative to the cwd, 10 levels deep),
/// duplicate keys rejected. Throws kahu::ConfigError "<file>:<line>:<col>: <text>".
JsonDocument readJsonText(std::string_view text, std::string_view origin,
                          const JsonReadOptions& options = {});
JsonDocument readJsonFile(const std::string& path, const JsonReadOptions& options = {});

/// The control-socket dialect: comments allowed, everything else strict JSON.
JsonDocument readJsonStrict(std::string_view text, std::string_view origin = "<wire>");

} // namespace kahu::config
