// SPDX-License-Identifier: MPL-2.0
#include "server/build_report.h"

#include <boost/version.hpp>
#include <kahu/build_info.h>
#include <nlohmann/json.hpp>
#include <spdlog/version.h>
#include <sstream>

namespace kahu {

std::string versionText() {
    return KAHU_VERSION;
}

std::string extendedVersionText() {
    std::ostringstream s;
    s << KAHU_VERSION << " (kahu)\n"
      << "linked with:\n"
      << "- spdlog " << SPDLOG_VER_MAJOR << '.' << SPDLOG_VER_MINOR << '.' << SPDLOG_VER_PATCH
      << "\n"
      << "- nlohmann-json " << NLOHMANN_JSON_VERSION_MAJOR << '.' << NLOHMANN_JSON_VERSION_MINOR
      << '.' << NLOHMANN_JSON_VERSION_PATCH << "\n"
      << "- Boost " << BOOST_VERSION / 100000 << '.' << BOOST_VERSION / 100 % 1000 << "\n"
      << "lease backends:\n"
      << "- Memfile backend 3.0";
    return s.str();
}

std::string buildReportText() {
    std::ostringstream s;
    s << "Kahu configuration report:\n"
      << "  package version:  " << KAHU_VERSION << "\n"
      << "  compiler:         GCC " << __GNUC__ << '.' << __GNUC_MINOR__ << '.'
      << __GNUC_PATCHLEVEL__ << ", C++ " << __cplusplus << "\n"
      << "  hooks directory:  " << KAHU_HOOKS_DIR_DEFAULT << "\n"
      << "  lease directory:  " << KAHU_DATA_DIR_DEFAULT << "\n"
      << "  run directory:    " << KAHU_RUN_DIR_DEFAULT << "\n"
      << "  Boost:            " << BOOST_LIB_VERSION << "\n"
      << "  spdlog:           " << SPDLOG_VER_MAJOR << '.' << SPDLOG_VER_MINOR << '.'
      << SPDLOG_VER_PATCH << "\n";
    return s.str();
}

} // namespace kahu
