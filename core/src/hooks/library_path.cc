// SPDX-License-Identifier: MPL-2.0
#include "hooks/library_path.h"

#include <cstdlib>
#include <filesystem>
#include <kahu/build_info.h>
#include <kahu/error.h>
#include <system_error>

namespace kahu::hooks {

namespace fs = std::filesystem;

std::string hooksDirectory() {
    const char* env = std::getenv("KAHU_HOOKS_PATH");
    if (env != nullptr && *env != '\0') {
        return env;
    }
    return KAHU_HOOKS_DIR_DEFAULT;
}

namespace {

// Compares directories by what they are, not how they are spelled ("/a/b/" == "/a/./b").
bool sameDirectory(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec)) {
        return true;
    }
    return fs::weakly_canonical(a, ec).lexically_normal() ==
           fs::weakly_canonical(b, ec).lexically_normal();
}

} // namespace

ResolvedLibraryPath resolveLibraryPath(const std::string& configured, const std::string& hooksDir) {
    if (configured.empty()) {
        throw HookError("hook library name is empty");
    }
    const fs::path dir(hooksDir);
    const fs::path given(configured);
    const fs::path file = given.filename();
    if (file.empty() || file == "." || file == "..") {
        throw HookError("invalid hook library path '" + configured + "'");
    }
    if (configured.find('/') == std::string::npos) {
        return {(dir / file).string(), {}};
    }
    fs::path parent = given.parent_path();
    if (parent.empty()) {
        parent = ".";
    }
    if (sameDirectory(parent, dir)) {
        return {(dir / file).string(), {}};
    }
    std::error_code ec;
    const fs::path ours = dir / file;
    if (fs::exists(ours, ec)) {
        return {ours.string(), "hook library '" + configured + "' is loaded as '" + ours.string() +
                                   "' (Kahu's library of the same name)"};
    }
    throw HookError("invalid path specified: '" + configured + "', supported path is '" + hooksDir +
                    "' (set KAHU_HOOKS_PATH to change it)");
}

} // namespace kahu::hooks
