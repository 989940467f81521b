// SPDX-License-Identifier: MPL-2.0
#include "dhcp4/packet_hooks.h"

#include "log/kea_loggers.h"

#include <kahu/log.h>

namespace kahu {

void PacketHooks::logResumeFailure(const Exchange& ex, const std::exception& e) noexcept {
    KAHU_ERROR(log::packets(), "DHCP4_PACKET_PROCESS_STD_EXCEPTION",
               "exception occurred during packet processing: {}: {}", ex.query.label(), e.what());
}

} // namespace kahu
