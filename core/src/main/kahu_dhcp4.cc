// SPDX-License-Identifier: MPL-2.0
// kahu-dhcp4: the DHCPv4 server. Flags are kea-dhcp4's (-v -V -W -d -c -t -T -p -P, read by
// main/daemon_flags.cc), plus -u user[:group] to run unprivileged after a start as root.
#include "main/daemon_flags.h"
#include "main/entry.h"
#include "server/privileges.h"
#include "server/server.h"

#include <cstdlib>
#include <iostream>
#include <kahu/paths.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

const kahu::DaemonUsage kUsage{
    "dvVWc:p:P:t:T:u:",
    "Usage: kahu-dhcp4 -[v|V|W] [-d] [-{c|t|T} cfgfile] [-p number] [-P number] "
    "[-u user[:group]]\n"
    "  -v: print version number and exit\n"
    "  -V: print extended version and exit\n"
    "  -W: display the configuration report and exit\n"
    "  -d: debug mode with extra verbosity (former -v)\n"
    "  -c file: specify configuration file\n"
    "  -t file: check the configuration file syntax and exit\n"
    "  -T file: check the configuration file doing hooks load and extra checks and exit\n"
    "  -p number: specify non-standard server port number 1-65535 (useful for testing "
    "only)\n"
    "  -P number: specify non-standard client port number 1-65535 (useful for testing "
    "only)\n"
    "  -u user[:group]: started as root, run as this user keeping only CAP_NET_RAW and "
    "CAP_NET_BIND_SERVICE\n",
    "Configuration file not specified."};

} // namespace

extern "C" KAHU_ENTRY int kahu_dhcp4_main(int argc, char** argv) {
    ::umask(kahu::kFileCreationMask); // nothing it creates is world-readable (Kea 2.6.3)
    const kahu::DaemonFlags flags = kahu::parseDaemonFlags(argc, argv, kUsage);
    using Mode = kahu::DaemonFlags::Mode;
    const Mode mode = flags.mode;
    const char* runAs = flags.runAs;
    kahu::Server::Options opts;
    opts.configFile = flags.configFile;
    opts.debug = flags.debug;
    if (flags.serverPort) {
        opts.serverPort = *flags.serverPort;
    }
    if (flags.clientPort) {
        opts.clientPort = *flags.clientPort;
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
