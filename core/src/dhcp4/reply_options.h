// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/config/server_config.h>
#include <kahu/dhcp/packet4.h>
#include <span>

namespace kahu {

/// Fills a reply's configuration options the way Kea does (Kea's
/// Dhcpv4Srv::appendRequestedOptions): options the client asked for in option 55, plus always-send
/// ones, plus routers, DNS servers, domain name and server id whenever configured; looked up
/// reservation -> pool -> subnet -> shared network -> the query's classes (in the order it
/// joined them) -> global, first level that has the code wins; never-send suppresses.
void addConfiguredOptions(Packet4& reply, const Packet4& query, const ServerConfig& config,
                          const Subnet* subnet, const Pool* pool, const Reservation* reservation,
                          std::span<const ClientClass* const> classes = {});

/// Lease time, T1 and T2 (options 51, 58, 59) per Kea's setTeeTimes rules.
void addLeaseTimes(Packet4& reply, const Subnet& subnet, uint32_t validLifetime);

} // namespace kahu
