// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <memory>
#include <spdlog/logger.h>
#include <string>

namespace kahu::hooks {

/// The named logger of a hook library or of the framework itself.
// TODO(logging): switch to kahu::log::get() once the logging module is merged; until then
// this clones spdlog's default logger so that the name shows and the sinks are shared.
std::shared_ptr<spdlog::logger> hookLogger(const std::string& name);

} // namespace kahu::hooks
