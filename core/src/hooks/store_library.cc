// SPDX-License-Identifier: MPL-2.0
#include "hooks/store_library.h"

#include <filesystem>

namespace kahu::hooks {

std::string libraryForStoreType(std::string_view type) {
    if (type == "mysql") {
        return "libdhcp_mysql.so";
    }
    if (type == "postgresql") {
        return "libdhcp_pgsql.so";
    }
    return {};
}

std::vector<HookLibraryConfig> librariesToLoad(const ServerConfig& cfg, std::string& notice) {
    std::vector<HookLibraryConfig> libs = cfg.hooksLibraries;
    auto need = [&](const std::string& type, const std::string& where) {
        std::string needed = libraryForStoreType(type);
        if (needed.empty()) {
            return;
        }
        for (const auto& l : libs) {
            if (std::filesystem::path(l.library).filename() == needed) {
                return;
            }
        }
        libs.push_back(HookLibraryConfig{needed, nullptr, where});
        notice += (notice.empty() ? "" : "; ") + where + " type '" + type + "' needs " + needed +
                  ", which hooks-libraries does not list: loading it from the hooks directory";
    };
    need(cfg.leaseDatabase.type, "lease-database");
    for (const auto& h : cfg.hostsDatabases) {
        need(h.type, h.path.substr(h.path.find('.') + 1));
    }
    return libs;
}

} // namespace kahu::hooks
