// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/config/server_config.h>
#include <string>
#include <string_view>
#include <vector>

namespace kahu::hooks {

/// The hook library that provides a lease-store type the core does not build in
/// ("mysql" → "libdhcp_mysql.so"); empty for any other type. The one place that knows.
std::string libraryForStoreType(std::string_view type);

/// The libraries to load for a configuration: hooks-libraries as written, plus the library
/// its lease-database type needs when the list does not name it (Kea 2.2 configurations
/// select "type": "mysql" and never list a library). `notice` gets a line to log then.
std::vector<HookLibraryConfig> librariesToLoad(const ServerConfig& cfg, std::string& notice);

} // namespace kahu::hooks
