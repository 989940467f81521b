// SPDX-License-Identifier: MPL-2.0
#include "hooks/hook_logger.h"

#include <spdlog/spdlog.h>

namespace kahu::hooks {

std::shared_ptr<spdlog::logger> hookLogger(const std::string& name) {
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    auto logger = spdlog::default_logger()->clone(name);
    try {
        spdlog::register_logger(logger);
    } catch (const spdlog::spdlog_ex&) {
        // Another thread registered it first: use that one so there is a single instance.
        if (auto existing = spdlog::get(name)) {
            return existing;
        }
    }
    return logger;
}

} // namespace kahu::hooks
