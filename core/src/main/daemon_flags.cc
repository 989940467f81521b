// SPDX-License-Identifier: MPL-2.0
#include "main/daemon_flags.h"

#include "server/build_report.h"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace kahu {

namespace {

[[noreturn]] void fail(const DaemonUsage& usage, const std::string& reason) {
    if (!reason.empty()) {
        std::cerr << reason << "\n";
    }
    std::cerr << usage.text;
    std::exit(EXIT_FAILURE);
}

uint16_t port(const DaemonUsage& usage, const char* text, const char* what) {
    char* end = nullptr;
    long v = std::strtol(text, &end, 10);
    if (!end || *end || v < 1 || v > 65535) {
        fail(usage, std::string(what) + " port number must be in range 1-65535");
    }
    return static_cast<uint16_t>(v);
}

} // namespace

DaemonFlags parseDaemonFlags(int argc, char** argv, const DaemonUsage& usage) {
    DaemonFlags f;
    int ch;
    while ((ch = getopt(argc, argv, usage.optstring)) != -1) {
        switch (ch) {
        case 'd':
            f.debug = true;
            break;
        case 'v':
            std::cout << versionText() << std::endl;
            std::exit(EXIT_SUCCESS);
        case 'V':
            std::cout << extendedVersionText() << std::endl;
            std::exit(EXIT_SUCCESS);
        case 'W':
            std::cout << buildReportText() << std::endl;
            std::exit(EXIT_SUCCESS);
        case 'c':
            f.configFile = optarg;
            break;
        case 't':
            f.configFile = optarg;
            f.mode = DaemonFlags::Mode::Check;
            break;
        case 'T':
            f.configFile = optarg;
            f.mode = DaemonFlags::Mode::CheckWithHooks;
            break;
        case 'p':
            f.serverPort = port(usage, optarg, "server");
            break;
        case 'P':
            f.clientPort = port(usage, optarg, "client");
            break;
        case 'u':
            f.runAs = optarg;
            break;
        default:
            fail(usage, "");
        }
    }
    if (optind < argc) {
        fail(usage, std::string("extraneous command line information: ") + argv[optind]);
    }
    if (f.configFile.empty()) {
        fail(usage, usage.noConfig);
    }
    return f;
}

} // namespace kahu
