// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/config/server_config.h>
#include <kahu/dhcp/packet4.h>

namespace kahu {

/// Fills a reply's configuration options the way Kea does (Kea's
/// Dhcpv4Srv::appendRequestedOptions): options the client asked for in option 55, plus always-send
/// ones, plus routers, DNS servers, domain name and server id whenever configured; looked up
/// reservation -> pool -> subnet -> shared network -> global, first level that has the code wins;
/// never-send suppresses.
void addConfiguredOptions(Packet4& reply, const Packet4& query, const ServerConfig& config,
                          const Subnet* subnet, const Pool* pool, const Reservation* reservation);

/// Lease time, T1 and T2 (options 51, 58, 59) per Kea's setTeeTimes rules.
void addLeaseTimes(Packet4& reply, const Subnet& subnet, uint32_t validLifetime);

} // namespace kahu
