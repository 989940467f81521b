// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kahu {

/// A daemon's command line in Kea's flags: -v, -V and -W print and exit; -d debug; -c file to
/// run, -t file to check it; kahu-dhcp4 also -T file (check, loading the hooks) and -p/-P
/// (ports); -u user[:group] to drop root.
struct DaemonFlags {
    enum class Mode : uint8_t { Run, Check, CheckWithHooks };
    std::string configFile;
    Mode mode = Mode::Run;
    bool debug = false;
    const char* runAs = nullptr; ///< -u, null = stay who we are
    std::optional<uint16_t> serverPort, clientPort;
};

/// How one daemon reads and explains its flags.
struct DaemonUsage {
    const char* optstring; ///< getopt's, taken from "dvVWc:t:T:p:P:u:"
    const char* text;      ///< printed after the reason when a flag is wrong
    const char* noConfig;  ///< the reason when neither -c nor -t names a file (Kea's wording)
};

/// Reads argv. -v, -V and -W print and exit with 0; an unknown flag, a bad port, an extra
/// argument or no configuration file prints the reason and the usage text and exits with 1.
DaemonFlags parseDaemonFlags(int argc, char** argv, const DaemonUsage& usage);

} // namespace kahu
