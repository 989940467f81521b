// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <kahu/dhcp/option_definition.h>
#include <kahu/host/host_store.h>
#include <kahu/server_access.h>
#include <optional>
#include <spdlog/logger.h>
#include <string>
#include <vector>

namespace kahu::sql {

/// One result row, each column's text (none = NULL).
using Row = std::vector<std::optional<std::string>>;

/// How a backend returns the columns whose text form differs between MySQL and PostgreSQL.
struct HostRowFormat {
    /// A binary column (identifier, option value) as bytes.
    std::vector<uint8_t> (*bytes)(const std::optional<std::string>& column);
    /// A boolean column (persistent).
    bool (*flag)(const std::optional<std::string>& column);
    /// Message ID (a string literal) for an option that cannot be read.
    const char* optionInvalid;
};

/// The hosts in rows of Kea's hosts LEFT JOIN dhcp4_options (scope 3), ordered by host_id,
/// with these columns: h.host_id, h.dhcp_identifier, h.dhcp_identifier_type,
/// h.dhcp4_subnet_id, h.ipv4_address, h.hostname, h.dhcp4_client_classes,
/// h.dhcp4_next_server, h.dhcp4_server_hostname, h.dhcp4_boot_file_name, h.user_context,
/// o.code, o.value, o.formatted_value, o.space, o.persistent. Options stored as text are
/// encoded with the option definitions of `server`'s active configuration (the standard ones
/// without a server or a configuration); one that cannot be is left out and logged, naming the
/// host and `where`.
std::vector<StoredHost> hostsFromRows(const std::vector<Row>& rows, const HostRowFormat& format,
                                      const ServerAccess* server, spdlog::logger& logger,
                                      const std::string& where);

} // namespace kahu::sql
