// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/config/server_config.h>
#include <kahu/dhcp/packet4.h>
#include <kahu/lease/lease4.h>

#include <optional>
#include <string>
#include <vector>

namespace kahu {

/// One query and what the server decided for it. Built by Dhcp4Processor; the server then
/// runs the sending steps (pkt4_send, pack, buffer4_send) on it, possibly after a hook
/// parked it.
struct Exchange {
    Packet4 query;
    std::optional<Packet4> response;  ///< empty = no answer (DECLINE, RELEASE, drop)
    const Subnet* subnet = nullptr;
    const Reservation* reservation = nullptr;
    std::vector<std::string> classes;
    std::vector<Lease4> leases;         ///< new or updated by this exchange
    std::vector<Lease4> deletedLeases;  ///< removed (or released) by this exchange
    bool drop = false;
    const char* dropReason = nullptr;  ///< message ID of the reason, for logs
};

} // namespace kahu
