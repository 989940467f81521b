// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "config/config_drafts.h"
#include "config/parse_context.h"

#include <kahu/config/server_config.h>

namespace kahu::config {

void parseInterfaces(ParseContext& c, const Node& n, ServerConfig& cfg);
ControlSocketConfig parseControlSocket(ParseContext& c, const Node& n);
void parseLeaseDatabase(ParseContext& c, const Node& n, ServerConfig& cfg);
HostDatabaseConfig parseHostsDatabase(ParseContext& c, const Node& n);
void parseExpiredLeases(ParseContext& c, const Node& n, ServerConfig& cfg);
void parseMultiThreading(ParseContext& c, const Node& n, ServerConfig& cfg);
void parseSanityChecks(ParseContext& c, const Node& n, ServerConfig& cfg);
void parseDhcpDdns(ParseContext& c, const Node& n, GlobalDraft& g);
void parseLoggers(ParseContext& c, const Node& n, ServerConfig& cfg);
void parseHooksLibraries(ParseContext& c, const Node& n, ServerConfig& cfg);

} // namespace kahu::config
