// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "hooks/hook_set.h"

#include <ctime>
#include <kahu/config/server_config.h>
#include <kahu/log.h>
#include <memory>

// Small helpers shared by the files that implement kahu::Server.
namespace kahu::server_detail {

inline std::shared_ptr<spdlog::logger> logger() {
    static auto lg = log::get("kahu-dhcp4.dhcp4"); // Kea's dhcp4 logger: start, stop, config
    return lg;
}

inline int64_t nowSeconds() {
    return static_cast<int64_t>(std::time(nullptr));
}

/// Opens the configuration's hook libraries into a staging set (not yet active).
/// The hook set of a configuration; `server` is handed to the libraries (null for checks).
std::shared_ptr<hooks::HookSet> loadHooks(const ServerConfig& cfg, hooks::LoadMode mode,
                                          ServerAccess* server);

} // namespace kahu::server_detail
