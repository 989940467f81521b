// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <string>

namespace kahu {

/// `-v` / version-get text: the package version alone ("0.1.0").
std::string versionText();
/// `-V` / version-get "extended": version, linked libraries and the lease backends
/// registered right now (Kea 2.6 layout).
std::string extendedVersionText();
/// `-W` / build-report: how this binary was built.
std::string buildReportText();

} // namespace kahu
