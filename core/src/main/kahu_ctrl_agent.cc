// SPDX-License-Identifier: MPL-2.0
// kahu-ctrl-agent: Kea's Control Agent. Reads a "Control-agent" config, answers JSON commands
// over HTTP(S) and forwards those with "service" to the servers' unix sockets. Flags are
// kea-ctrl-agent's: -c file, -t file, -d, -v, -V, -W; -u user[:group] runs it unprivileged.
#include "agent/agent_config.h"
#include "agent/command_forwarder.h"
#include "control/http_listener.h"
#include "log/logging.h"
#include "main/daemon_flags.h"
#include "main/entry.h"
#include "server/build_report.h"
#include "server/privileges.h"

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
    "dvVWc:t:u:",
    "Usage: kahu-ctrl-agent -[v|V|W] [-d] [-{c|t} cfgfile] [-u user[:group]]\n"
    "  -v: print version number and exit\n"
    "  -V: print extended version and exit\n"
    "  -W: display the configuration report and exit\n"
    "  -d: debug mode with extra verbosity (former -v)\n"
    "  -c <config file name> : mandatory, specify name of configuration file\n"
    "  -t <config file name> : check the configuration file and exit\n"
    "  -u user[:group] : started as root, run as this user with no capabilities\n",
    "configuration file not specified"};

std::atomic<bool> gShutdownCommand{false};

} // namespace

extern "C" KAHU_ENTRY int kahu_ctrl_agent_main(int argc, char** argv) {
    ::umask(kahu::kFileCreationMask); // nothing it creates is world-readable (Kea 2.6.3)
    const kahu::DaemonFlags flags = kahu::parseDaemonFlags(argc, argv, kUsage);
    const std::string& file = flags.configFile;
    const bool check = flags.mode == kahu::DaemonFlags::Mode::Check;
    const bool debug = flags.debug;
    const char* runAs = flags.runAs;
    if (runAs != nullptr && !check) {
        // The agent needs no privilege at all: it listens on an unprivileged port (a port
        // below 1024 needs systemd's AmbientCapabilities=CAP_NET_BIND_SERVICE instead) and
        // talks to the servers' sockets (mode 0600) as their user, so run both as one user.
        try {
            const kahu::RunAs who = kahu::resolveRunAs(runAs);
            kahu::prepareDirectories(who);
            kahu::dropPrivileges(who, {});
        } catch (const std::exception& e) {
            std::cerr << "kahu-ctrl-agent: " << e.what() << "\n";
            return EXIT_FAILURE;
        }
    }
    auto lg = kahu::log::get("kahu-ctrl-agent");
    std::shared_ptr<const kahu::AgentConfig> cfg;
    try {
        cfg = std::make_shared<kahu::AgentConfig>(kahu::AgentConfig::fromFile(file));
        kahu::log::configureLogging(cfg->loggers, debug);
    } catch (const kahu::Error& e) {
        std::cerr << "kahu-ctrl-agent: configuration error: " << e.what() << std::endl;
        return EXIT_FAILURE;
    }
    if (check) {
        if (debug) {
            std::cout << "Syntax check OK" << std::endl;
        }
        return EXIT_SUCCESS;
    }

    // Signals are taken synchronously by this thread; the listener threads inherit the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    auto forwarder = std::make_shared<kahu::CommandForwarder>(cfg, [] {
        gShutdownCommand = true;
        ::kill(::getpid(), SIGTERM);
    });
    auto startListener = [&](const kahu::AgentConfig& c) {
        kahu::HttpListenerOptions o = c.http;
        o.metricsText = [forwarder] { return forwarder->metricsText(); };
        auto l = std::make_unique<kahu::HttpListener>(
            c.httpHost, c.httpPort,
            [forwarder](const nlohmann::json& cmd) { return (*forwarder)(cmd); }, std::move(o));
        l->start();
        return l;
    };
    // config-reload: the file is checked on the command's thread so the answer can say whether
    // it is good; applying it (which may restart the very listener running the command) is left
    // to this thread, through the same SIGHUP path an operator uses.
    forwarder->setReloadHandler([file]() -> std::string {
        try {
            kahu::AgentConfig::fromFile(file);
        } catch (const std::exception& e) {
            return e.what();
        }
        ::kill(::getpid(), SIGHUP);
        return {};
    });
    std::unique_ptr<kahu::HttpListener> listener;
    try {
        listener = startListener(*cfg);
    } catch (const kahu::Error& e) {
        KAHU_ERROR(lg, "CTRL_AGENT_FAILED", "{}", e.what());
        return EXIT_FAILURE;
    }
    KAHU_INFO(lg, "CTRL_AGENT_HTTP_SERVICE_STARTED", "HTTP{} service bound to address {}:{}",
              cfg->http.useTls() ? "S" : "", cfg->httpHost, listener->port());

    for (;;) {
        int sig = 0;
        sigwait(&signals, &sig);
        if (sig != SIGHUP) {
            break;
        }
        // Kea's agent reloads its configuration on SIGHUP; a bad file keeps the old one.
        try {
            auto next = std::make_shared<kahu::AgentConfig>(kahu::AgentConfig::fromFile(file));
            kahu::log::configureLogging(next->loggers, debug);
            forwarder->setConfig(next);
            if (next->httpHost != cfg->httpHost || next->httpPort != cfg->httpPort ||
                next->raw["Control-agent"] != cfg->raw["Control-agent"]) {
                listener->stop();
                listener = startListener(*next);
            }
            cfg = next;
            KAHU_INFO(lg, "CTRL_AGENT_CONFIG_RELOADED", "configuration reloaded from {}", file);
        } catch (const kahu::Error& e) {
            KAHU_ERROR(lg, "CTRL_AGENT_CONFIG_FAIL",
                       "reload failed, keeping the running configuration: {}", e.what());
            if (!listener) {
                return EXIT_FAILURE;
            }
        }
    }
    if (gShutdownCommand) {
        // Let the answer to the shutdown command reach its client first.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    listener->stop();
    KAHU_INFO(lg, "DCTL_SHUTDOWN", "Control-agent has shut down, pid: {}, version: {}", ::getpid(),
              kahu::versionText());
    return EXIT_SUCCESS;
}
