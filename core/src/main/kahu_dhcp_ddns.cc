// SPDX-License-Identifier: MPL-2.0
// kahu-dhcp-ddns: Kea's DHCP-DDNS daemon (D2). Reads a "DhcpDdns" config, receives
// NameChangeRequests from DHCP servers over UDP and carries them out as RFC 2136 updates.
// Flags are kea-dhcp-ddns's: -c file, -t file, -d, -v, -V, -W.
#include "d2/d2_config.h"
#include "d2/d2_server.h"
#include "log/logging.h"
#include "main/daemon_flags.h"
#include "main/entry.h"
#include "server/build_report.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <kahu/error.h>
#include <kahu/log.h>
#include <kahu/paths.h>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace {

const kahu::DaemonUsage kUsage{
    "dvVWc:t:",
    "Usage: kahu-dhcp-ddns -[v|V|W] [-d] [-{c|t} cfgfile]\n"
    "  -v: print version number and exit\n"
    "  -V: print extended version and exit\n"
    "  -W: display the configuration report and exit\n"
    "  -d: debug mode with extra verbosity (former -v)\n"
    "  -c <config file name> : mandatory, specify name of configuration file\n"
    "  -t <config file name> : check the configuration file and exit\n",
    "configuration file not specified"};

} // namespace

extern "C" KAHU_ENTRY int kahu_dhcp_ddns_main(int argc, char** argv) {
    ::umask(kahu::kFileCreationMask);
    const kahu::DaemonFlags flags = kahu::parseDaemonFlags(argc, argv, kUsage);
    const std::string& file = flags.configFile;
    const bool debug = flags.debug;
    auto lg = kahu::log::get("kahu-dhcp-ddns.dhcpddns");
    std::shared_ptr<const kahu::d2::D2Config> cfg;
    try {
        cfg = std::make_shared<kahu::d2::D2Config>(kahu::d2::D2Config::fromFile(file));
        kahu::log::configureLogging(cfg->loggers, debug);
    } catch (const kahu::Error& e) {
        std::cerr << "kahu-dhcp-ddns: configuration error: " << e.what() << std::endl;
        return EXIT_FAILURE;
    }
    if (flags.mode == kahu::DaemonFlags::Mode::Check) {
        if (debug) {
            std::cout << "Syntax check OK" << std::endl;
        }
        return EXIT_SUCCESS;
    }

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    std::atomic<bool> shutdownCommand{false};
    kahu::d2::D2Server server(file, cfg, debug, [&shutdownCommand] {
        shutdownCommand = true;
        ::kill(::getpid(), SIGTERM);
    });
    try {
        server.start();
    } catch (const kahu::Error& e) {
        KAHU_ERROR(lg, "DHCP_DDNS_FAILED", "application experienced a fatal error: {}", e.what());
        return EXIT_FAILURE;
    }
    KAHU_INFO(lg, "DHCP_DDNS_STARTED", "Kea DHCP-DDNS server version {} started",
              kahu::versionText());
    for (;;) {
        int sig = 0;
        sigwait(&signals, &sig);
        if (sig != SIGHUP) {
            break;
        }
        const std::string err = server.reload();
        if (err.empty()) {
            KAHU_INFO(lg, "DHCP_DDNS_CONFIGURED", "configuration reloaded from {}", file);
        } else {
            KAHU_ERROR(lg, "DHCP_DDNS_CFG_FILE_RELOAD_ERROR",
                       "reload failed, keeping the running configuration: {}", err);
        }
    }
    if (shutdownCommand) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    server.stop();
    KAHU_INFO(lg, "DHCP_DDNS_SHUTDOWN", "application received shutdown command with args: {}",
              "normal");
    return EXIT_SUCCESS;
}
