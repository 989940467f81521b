// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/log.h>

// The loggers of the DHCPv4 server, named and split as Kea's are, so that an operator's
// `loggers` entries ("kea-dhcp4.packets", "kea-dhcp4.bad-packets" with a debuglevel, ...)
// select the same messages in Kahu. Each message ID is logged on the logger Kea logs it on
// (docs/logging.md lists them).
namespace kahu::log {

#define KAHU_KEA_LOGGER_(fn, name)                                                                 \
    inline const std::shared_ptr<spdlog::logger>& fn() {                                           \
        static const auto lg = get(name);                                                          \
        return lg;                                                                                 \
    }

KAHU_KEA_LOGGER_(dhcp4, "kahu-dhcp4.dhcp4")              ///< start, stop, configuration
KAHU_KEA_LOGGER_(packets, "kahu-dhcp4.packets")          ///< received and sent packets
KAHU_KEA_LOGGER_(badPackets, "kahu-dhcp4.bad-packets")   ///< drops and NAKs
KAHU_KEA_LOGGER_(leases, "kahu-dhcp4.leases")            ///< allocations and releases
KAHU_KEA_LOGGER_(allocEngine, "kahu-dhcp4.alloc-engine") ///< address selection, reclamation
KAHU_KEA_LOGGER_(dhcpsrv, "kahu-dhcp4.dhcpsrv")          ///< lease store, sanity checks
KAHU_KEA_LOGGER_(options, "kahu-dhcp4.options")          ///< option processing
KAHU_KEA_LOGGER_(hostsLog, "kahu-dhcp4.hosts")           ///< host reservations
KAHU_KEA_LOGGER_(commands, "kahu-dhcp4.commands")        ///< control channel
KAHU_KEA_LOGGER_(hooksLog, "kahu-dhcp4.hooks")           ///< hook libraries and callouts
KAHU_KEA_LOGGER_(ddns, "kahu-dhcp4.ddns")                ///< client names, NameChangeRequests

#undef KAHU_KEA_LOGGER_

} // namespace kahu::log
