// SPDX-License-Identifier: MPL-2.0
// kahu-dhcp4: the DHCPv4 server. Flags are kea-dhcp4's (getopt "dvVWc:p:P:t:T:"), plus
// -u user[:group] to run unprivileged after a start as root.
#include "main/entry.h"
#include "server/build_report.h"
#include "server/privileges.h"
#include "server/server.h"

#include <cstdlib>
#include <iostream>
#include <kahu/paths.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

[[noreturn]] void usage(const char* reason = nullptr) {
    if (reason) {
        std::cerr << reason << "\n";
    }
    std::cerr << "Kahu DHCPv4 server, version " << kahu::versionText() << "\n\n"
              << "Usage: kahu-dhcp4 -[v|V|W] [-d] [-{c|t|T} cfgfile] [-p number] [-P number] "
                 "[-u user[:group]]\n"
              << "  -v: print version number and exit\n"
              << "  -V: print extended version and exit\n"
              << "  -W: display the configuration report and exit\n"
              << "  -d: debug mode with extra verbosity (former -v)\n"
              << "  -c file: specify configuration file\n"
              << "  -t file: check the configuration file syntax and exit\n"
              << "  -T file: check the configuration file doing hooks load and extra checks "
                 "and exit\n"
              << "  -p number: specify non-standard server port number 1-65535 (useful for "
                 "testing only)\n"
              << "  -P number: specify non-standard client port number 1-65535 (useful for "
                 "testing only)\n"
              << "  -u user[:group]: started as root, run as this user keeping only "
                 "CAP_NET_RAW and CAP_NET_BIND_SERVICE\n";
    std::exit(EXIT_FAILURE);
}

uint16_t port(const char* text, const char* what) {
    char* end = nullptr;
    long v = std::strtol(text, &end, 10);
    if (!end || *end || v < 1 || v > 65535) {
        usage((std::string(what) + " port number must be in range 1-65535").c_str());
    }
    return static_cast<uint16_t>(v);
}

} // namespace

extern "C" KAHU_ENTRY int kahu_dhcp4_main(int argc, char** argv) {
    ::umask(kahu::kFileCreationMask); // nothing it creates is world-readable (Kea 2.6.3)
    kahu::Server::Options opts;
    enum class Mode { Run, Check, CheckWithHooks } mode = Mode::Run;
    const char* runAs = nullptr;
    int ch;
    while ((ch = getopt(argc, argv, "dvVWc:p:P:t:T:u:")) != -1) {
        switch (ch) {
        case 'd':
            opts.debug = true;
            break;
        case 'v':
            std::cout << kahu::versionText() << std::endl;
            return EXIT_SUCCESS;
        case 'V':
            std::cout << kahu::extendedVersionText() << std::endl;
            return EXIT_SUCCESS;
        case 'W':
            std::cout << kahu::buildReportText() << std::endl;
            return EXIT_SUCCESS;
        case 'c':
            opts.configFile = optarg;
            break;
        case 't':
            opts.configFile = optarg;
            mode = Mode::Check;
            break;
        case 'T':
            opts.configFile = optarg;
            mode = Mode::CheckWithHooks;
            break;
        case 'p':
            opts.serverPort = port(optarg, "server");
            break;
        case 'P':
            opts.clientPort = port(optarg, "client");
            break;
        case 'u':
            runAs = optarg;
            break;
        default:
            usage();
        }
    }
    if (optind < argc) {
        usage((std::string("extraneous command line information: ") + argv[optind]).c_str());
    }
    if (opts.configFile.empty()) {
        usage("Configuration file not specified.");
    }
    if (mode != Mode::Run) {
        return kahu::Server::checkConfig(opts.configFile, mode == Mode::CheckWithHooks, opts.debug);
    }
    if (runAs != nullptr) {
        // Before the server starts a thread or opens a file: everything it creates is the
        // user's, and raw sockets and port 67 need only these two capabilities.
        try {
            const kahu::RunAs who = kahu::resolveRunAs(runAs);
            kahu::prepareDirectories(who);
            const int keep[] = {kahu::kCapNetRaw, kahu::kCapNetBindService};
            kahu::dropPrivileges(who, keep);
        } catch (const std::exception& e) {
            std::cerr << "kahu-dhcp4: " << e.what() << "\n";
            return EXIT_FAILURE;
        }
    }
    return kahu::Server(opts).run();
}
