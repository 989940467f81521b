// SPDX-License-Identifier: MPL-2.0
#include "hooks/store_library.h"

#include <filesystem>

namespace kahu::hooks {

std::string libraryForStoreType(std::string_view type) {
    if (type == "mysql") {
        return "libdhcp_mysql.so";
    }
    return {};
}

std::vector<HookLibraryConfig> librariesToLoad(const ServerConfig& cfg, std::string& notice) {
    std::vector<HookLibraryConfig> libs = cfg.hooksLibraries;
    std::string needed = libraryForStoreType(cfg.leaseDatabase.type);
    if (needed.empty()) {
        return libs;
    }
    for (const auto& l : libs) {
        if (std::filesystem::path(l.library).filename() == needed) {
            return libs;
        }
    }
    libs.push_back(HookLibraryConfig{needed, nullptr, "lease-database"});
    notice = "lease-database type '" + cfg.leaseDatabase.type + "' needs " + needed +
             ", which hooks-libraries does not list: loading it from the hooks directory";
    return libs;
}

} // namespace kahu::hooks
