// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "alloc/lease_manager.h"
#include "alloc/lease_reclaimer.h"
#include "dhcp4/dhcp4_processor.h"
#include "net/socket_set.h"
#include "server/packet_queue.h"

#include <kahu/config/server_config.h>
#include <kahu/export.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace kahu {

/// The kahu-dhcp4 process: owns the configuration generation, the lease store, the sockets,
/// the worker threads and the timers, and runs the event loop until shutdown.
///
/// A configuration generation (config + processor) is immutable and reference counted: each
/// packet holds the generation it started with, a reload builds a new one and swaps it in,
/// and a failed reload leaves the running one untouched.
class KAHU_API Server {
public:
    struct Options {
        std::string configFile;
        bool debug = false;
        uint16_t serverPort = 67;
        uint16_t clientPort = 0;  ///< 0 = the standard 68
    };

    explicit Server(Options opts);
    ~Server();

    /// Loads the configuration, opens the lease store and sockets, serves until SIGTERM/SIGINT
    /// or shutdown(); returns the process exit code.
    int run();
    /// Re-reads the configuration file; on failure the running configuration stays. Returns
    /// the error text, empty on success.
    std::string reload();
    /// Asks the event loop to stop (any thread).
    void shutdown(int exitValue = 0);

    /// -t / -T: checks a configuration file; prints errors to stderr; returns the exit code.
    static int checkConfig(const std::string& file, bool loadHooks, bool verbose);

private:
    struct Generation {
        std::shared_ptr<const ServerConfig> config;
        std::unique_ptr<Dhcp4Processor> processor;
        std::unique_ptr<LeaseReclaimer> reclaimer;
    };

    std::shared_ptr<Generation> makeGeneration(std::shared_ptr<const ServerConfig> config);
    void applyConfig(std::shared_ptr<const ServerConfig> config, bool initial);
    void handlePacket(net::ReceivedPacket& rp) noexcept;
    void startWorkers(const MultiThreadingConfig& mt);
    void stopWorkers();
    void runTimers(int64_t now);
    std::vector<InterfaceAddresses> interfaceAddresses() const;

    Options opts_;
    std::atomic<std::shared_ptr<Generation>> gen_;
    std::shared_ptr<LeaseStore> store_;
    std::string storeConfig_;  ///< lease-database as JSON text, to notice a change on reload
    std::unique_ptr<LeaseManager> leases_;
    std::unique_ptr<net::SocketSet> sockets_;
    std::unique_ptr<PacketQueue> queue_;
    std::vector<std::thread> workers_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> exitValue_{0};
    int wakeFd_ = -1;  ///< eventfd: wakes the event loop for shutdown
    int64_t nextReclaim_ = 0;
    int64_t nextFlush_ = 0;
};

} // namespace kahu
