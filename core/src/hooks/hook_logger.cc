// SPDX-License-Identifier: MPL-2.0
#include "hooks/hook_logger.h"

#include <kahu/log.h>

namespace kahu::hooks {

// One process-wide logging configuration: a hook's logger is one of the core's named loggers
// ("kahu-dhcp4.<library>"), so the "loggers" section configures it like any other.
std::shared_ptr<spdlog::logger> hookLogger(const std::string& name) {
    return log::get(name);
}

} // namespace kahu::hooks
