// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <string>

namespace kahu::hooks {

/// The directory hook libraries are loaded from: $KAHU_HOOKS_PATH when set and non-empty,
/// else the build-time KAHU_HOOKS_DIR.
std::string hooksDirectory();

/// Where a configured "library" string resolves to.
struct ResolvedLibraryPath {
    std::string path;   ///< the file to open
    std::string notice; ///< non-empty when a foreign path was mapped to ours (log it)
};

/// Applies the path rules (docs/hooks.md "Where libraries come from"):
///  - a bare file name loads from the hooks directory;
///  - a path inside the hooks directory loads as is;
///  - a path elsewhere whose file name exists in the hooks directory (a Kea path such as
///    /usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_ha.so) resolves to ours, with a notice;
///  - anything else throws kahu::HookError naming both paths.
ResolvedLibraryPath resolveLibraryPath(const std::string& configured, const std::string& hooksDir);

} // namespace kahu::hooks
