// SPDX-License-Identifier: MPL-2.0
// kahu-dhcp4: the DHCPv4 server. Flags are kea-dhcp4's (getopt "dvVWc:p:P:t:T:").
#include "server/build_report.h"
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
              << "Usage: kahu-dhcp4 -[v|V|W] [-d] [-{c|t|T} cfgfile] [-p number] [-P number]\n"
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
                 "testing only)\n";
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

int main(int argc, char** argv) {
    ::umask(kahu::kFileCreationMask); // nothing it creates is world-readable (Kea 2.6.3)
    kahu::Server::Options opts;
    enum class Mode { Run, Check, CheckWithHooks } mode = Mode::Run;
    int ch;
    while ((ch = getopt(argc, argv, "dvVWc:p:P:t:T:")) != -1) {
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
    return kahu::Server(opts).run();
}
