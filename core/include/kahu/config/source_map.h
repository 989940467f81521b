// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace kahu {

/// Where the parts of one configuration value were written: a hook library's "parameters"
/// (LoadContext::parameterSource) or a "lease-database" map (LeaseStoreParams::source). It lets
/// whoever reads the value report an error the way the core parser does,
/// "<file>:<line>:<col>: <key path>: <text>"; kahu::hooks::ParamReader does exactly that.
struct SourceMap {
    /// The key path of the value itself: "Dhcp4.hooks-libraries[0].parameters".
    std::string path;
    /// "file:line:col" of each element, by its path relative to the value: "" is the value
    /// itself, "high-availability[0].peers[1].url" an element inside it (for a map member,
    /// the position of its key, as in the core's messages).
    std::unordered_map<std::string, std::string> positions;
    /// The position used when neither the element nor any of its parents was recorded (a value
    /// built in code; "<wire>:0:0" for one that came over the control channel). "" = none.
    std::string fallback;

    /// The position of `relative`, else of its nearest recorded parent, else `fallback`.
    std::string locate(std::string_view relative) const {
        std::string p(relative);
        for (;;) {
            if (auto it = positions.find(p); it != positions.end()) {
                return it->second;
            }
            if (p.empty()) {
                return fallback;
            }
            auto cut = p.find_last_of(".[");
            p.resize(cut == std::string::npos ? 0 : cut);
        }
    }
};

} // namespace kahu
