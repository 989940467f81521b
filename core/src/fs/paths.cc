// SPDX-License-Identifier: MPL-2.0
// Path confinement: the one place that decides where a configured or commanded file may go.
#include <cstdlib>
#include <filesystem>
#include <kahu/build_info.h>
#include <kahu/paths.h>

namespace kahu {

namespace fs = std::filesystem;

namespace {

struct DirSource {
    const char* kahuEnv;
    const char* kahuDefault;
    const char* keaEnv;
    const char* keaDefault;
};

DirSource sourceOf(PathKind kind) {
    switch (kind) {
    case PathKind::Data:
        return {"KAHU_DHCP_DATA_DIR", KAHU_DATA_DIR_DEFAULT, "KEA_DHCP_DATA_DIR",
                KAHU_KEA_DATA_DIR_DEFAULT};
    case PathKind::Log:
        return {"KAHU_LOG_FILE_DIR", KAHU_LOG_DIR_DEFAULT, "KEA_LOG_FILE_DIR",
                KAHU_KEA_LOG_DIR_DEFAULT};
    case PathKind::LegalLog:
        return {"KAHU_LEGAL_LOG_DIR", KAHU_LOG_DIR_DEFAULT, "KEA_LEGAL_LOG_DIR",
                KAHU_KEA_LOG_DIR_DEFAULT};
    case PathKind::HookScript:
        return {"KAHU_HOOK_SCRIPTS_PATH", KAHU_SCRIPTS_DIR_DEFAULT, "KEA_HOOK_SCRIPTS_PATH",
                KAHU_KEA_SCRIPTS_DIR_DEFAULT};
    case PathKind::Socket:
        break;
    }
    return {"KAHU_CONTROL_SOCKET_DIR", KAHU_RUN_DIR_DEFAULT, "KEA_CONTROL_SOCKET_DIR",
            KAHU_KEA_RUN_DIR_DEFAULT};
}

std::string fromEnv(const char* var, const char* fallback) {
    const char* v = std::getenv(var);
    return v != nullptr && *v != '\0' ? std::string(v) : std::string(fallback);
}

// Absolute, with symbolic links and "." / ".." resolved as far as the path exists.
fs::path normal(const fs::path& p) {
    std::error_code ec;
    fs::path abs = fs::absolute(p, ec);
    if (ec) {
        return p.lexically_normal();
    }
    fs::path c = fs::weakly_canonical(abs, ec);
    return ec ? abs.lexically_normal() : c;
}

std::string withoutTrailingSlash(const fs::path& p) {
    std::string s = p.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') {
        s.pop_back();
    }
    return s;
}

[[noreturn]] void refuse(PathKind kind, const std::string& requested,
                         const std::vector<std::string>& dirs) {
    std::string supported;
    for (size_t i = 0; i < dirs.size(); ++i) {
        supported += (i == 0 ? "'" : " or '") + withoutTrailingSlash(dirs[i]) + "'";
    }
    DirSource s = sourceOf(kind);
    throw PathError("invalid path specified: '" + requested + "', supported path is " + supported +
                    " (" + s.kahuEnv + " or " + s.keaEnv + " name another directory)");
}

} // namespace

std::vector<std::string> allowedDirectories(PathKind kind) {
    DirSource s = sourceOf(kind);
    std::vector<std::string> dirs = {fromEnv(s.kahuEnv, s.kahuDefault)};
    std::string kea = fromEnv(s.keaEnv, s.keaDefault);
    if (normal(kea) != normal(dirs.front())) {
        dirs.push_back(kea);
    }
    return dirs;
}

std::string defaultDirectory(PathKind kind) {
    DirSource s = sourceOf(kind);
    return fromEnv(s.kahuEnv, s.kahuDefault);
}

std::string confinePath(PathKind kind, const std::string& requested) {
    if (requested.empty()) {
        throw PathError("invalid path specified: '', a file name is required");
    }
    if (requested.find('\0') != std::string::npos) {
        throw PathError("invalid path specified: the name contains a NUL character");
    }
    fs::path file(requested);
    if (requested.find('/') == std::string::npos) {
        if (requested == "." || requested == "..") {
            throw PathError("invalid path specified: '" + requested + "' is not a file name");
        }
        return (fs::path(defaultDirectory(kind)) / file).string();
    }
    if (!file.has_filename() || file.filename() == "." || file.filename() == "..") {
        throw PathError("invalid path specified: '" + requested + "' is not a file name");
    }
    const fs::path parent = normal(file.parent_path().empty() ? fs::path("/") : file.parent_path());
    const std::vector<std::string> dirs = allowedDirectories(kind);
    for (const auto& d : dirs) {
        if (parent == normal(d)) {
            return requested;
        }
    }
    refuse(kind, requested, dirs);
}

std::string confineDirectory(PathKind kind, const std::string& requested) {
    if (requested.empty()) {
        return defaultDirectory(kind);
    }
    if (requested.find('\0') != std::string::npos) {
        throw PathError("invalid path specified: the name contains a NUL character");
    }
    const std::string dir = withoutTrailingSlash(normal(fs::path(requested)));
    const std::vector<std::string> dirs = allowedDirectories(kind);
    for (const auto& d : dirs) {
        if (dir == withoutTrailingSlash(normal(d))) {
            return withoutTrailingSlash(fs::path(requested));
        }
    }
    refuse(kind, requested, dirs);
}

} // namespace kahu
