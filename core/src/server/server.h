// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "alloc/lease_manager.h"
#include "alloc/lease_reclaimer.h"
#include "alloc/managed_leases.h"
#include "control/command_dispatcher.h"
#include "control/control_host.h"
#include "control/control_listeners.h"
#include "control/network_state.h"
#include "ddns/name_change_queue.h"
#include "dhcp4/dhcp4_processor.h"
#include "fs/file_descriptor.h"
#include "hooks/hook_set.h"
#include "net/socket_set.h"
#include "server/packet_queue.h"

#include <atomic>
#include <functional>
#include <kahu/config/server_config.h>
#include <kahu/server_access.h>
#include <memory>
#include <mutex>
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
class Server : public ControlHost, public ServerAccess {
public:
    struct Options {
        std::string configFile;
        bool debug = false;
        uint16_t serverPort = 67;
        uint16_t clientPort = 0; ///< 0 = the standard 68
    };

    explicit Server(Options opts);
    ~Server() override;

    /// Loads the configuration, opens the lease store and sockets, serves until SIGTERM/SIGINT
    /// or shutdown(); returns the process exit code.
    int run();
    /// Re-reads the configuration file; on failure the running configuration stays. Returns
    /// the error text, empty on success.
    std::string reload();
    /// The control channel's entry point: a command map in, Kea's answer out.
    const CommandDispatcher& dispatcher() const noexcept { return dispatcher_; }
    NetworkState& networkState() noexcept { return networkState_; }
    /// Asks the event loop to stop (any thread).
    void shutdown(int exitValue = 0) override;

    /// -t / -T: checks a configuration file; prints errors to stderr; returns the exit code.
    static int checkConfig(const std::string& file, bool loadHooks, bool verbose);

    // ControlHost: called from the control channel's thread. Whatever changes the running
    // configuration runs on the event-loop thread (runOnLoop), so it never races the packet path.
    std::shared_ptr<const ServerConfig> config() const override;
    std::string reloadFromFile() override;
    std::string applyJson(const nlohmann::json& top, bool checkOnly) override;
    std::string configFile() const override { return opts_.configFile; }
    void reclaimNow(bool remove) override;
    int64_t uptimeSeconds() const override;
    int64_t secondsSinceReload() const override;
    nlohmann::json socketStatus() const override;
    nlohmann::json packetQueueStatistics() const override;

    // ServerAccess: what hook libraries reach (lease commands, HA).
    Leases& leases() override { return managedLeases_; }
    void disableService(uint32_t origin) override { networkState_.disable(origin); }
    void enableService(uint32_t origin) override { networkState_.enable(origin); }
    bool serviceEnabled() const noexcept override { return networkState_.isEnabled(); }
    void requestShutdown(int exitCode) override { shutdown(exitCode); }
    std::string applyConfig(const nlohmann::json& top) override { return applyJson(top, false); }
    NameChange queueNameChange(bool add, const Lease4& lease) override;
    std::vector<std::shared_ptr<HostStore>> hostStores() const override;

private:
    struct Generation {
        std::shared_ptr<const ServerConfig> config;
        std::shared_ptr<hooks::HookSet> hooks; ///< null when no library is configured
        std::shared_ptr<LeaseManager> leases;  ///< kept while a packet of this generation runs
        std::vector<std::shared_ptr<HostStore>> hostStores; ///< hosts-database(s), in order
        std::unique_ptr<Dhcp4Processor> processor;
        std::unique_ptr<LeaseReclaimer> reclaimer;
    };

    void applyConfig(const std::shared_ptr<const ServerConfig>& config, bool initial);
    // The packet pipeline; each stage hands the exchange to the next, possibly later on
    // another thread when a hook parked it.
    void handlePacket(net::ReceivedPacket& rp) noexcept;
    void stageProcess(const std::shared_ptr<Generation>& gen, const ExchangePtr& ex) noexcept;
    void stageCommitted(const ExchangePtr& ex) noexcept;
    void stageSend(const ExchangePtr& ex) noexcept;
    void startWorkers(const MultiThreadingConfig& mt);
    void stopWorkers();
    /// Reads everything waiting on a socket and processes it (single-threaded) or hands it to
    /// the workers; returns the number of packets.
    size_t drain(int fd) noexcept;
    void runTimers(int64_t now);
    /// Runs a task on the event-loop thread and waits for its result.
    std::string runOnLoop(std::function<std::string()> task);
    void runLoopTasks();
    void applyListeners() noexcept;
    /// Registers the server's metrics collectors (statistics, process, service state).
    void registerMetrics();
    std::vector<uint64_t> metricIds_; ///< removed from the registry on destruction

    static constexpr size_t kBusyPps = 1000; ///< above this rate the loop polls per tick
    static constexpr int kTickUs = 2000;
    static constexpr size_t kChunk = 8; ///< packets per hand-over to a worker
    /// Workers per thread-pool-size thread when the lease store may block (see docs/design.md).
    static constexpr unsigned kBlockingWorkersPerThread = 4;
    std::vector<InterfaceAddresses> interfaceAddresses() const;

    Options opts_;
    NetworkState networkState_; ///< dhcp-disable / dhcp-enable; checked for every packet
    CommandDispatcher dispatcher_;
    /// The control sockets (unix, http, https). Applied on the loop thread after a
    /// (re)configuration, never from inside a command: applying may wait for the listener
    /// thread that is running that very command.
    std::unique_ptr<ControlListeners> listeners_;
    bool listenersDirty_ = false;
    /// NameChangeRequests to the DDNS daemon; kept across reloads, outlives every generation.
    NameChangeQueue ddns_;
    std::atomic<std::shared_ptr<Generation>> gen_;
    std::shared_ptr<LeaseStore> store_;
    std::string storeConfig_; ///< lease-database as JSON text, to notice a change on reload
    std::shared_ptr<LeaseManager> leases_;
    ManagedLeases managedLeases_; ///< follows leases_; what hooks see
    /// Swapped whole on reload; a reply resumed by a hook on its own thread loads it too.
    std::atomic<std::shared_ptr<net::SocketSet>> sockets_;
    std::unique_ptr<PacketQueue> queue_;
    mutable std::mutex queueMutex_; ///< guards replacing queue_ against a metrics scrape
    std::vector<std::thread> workers_;
    std::vector<net::ReceivedPacket> receiveBatch_ = std::vector<net::ReceivedPacket>(32);
    std::atomic<bool> stopping_{false};
    std::atomic<bool> shutdownCommand_{false}; ///< stopping because of the shutdown command
    std::atomic<int> exitValue_{0};
    FileDescriptor wakeFd_; ///< eventfd: wakes the event loop (shutdown, tasks)
    std::mutex tasksMutex_;
    std::vector<std::function<void()>> tasks_;
    std::atomic<int64_t> startedAt_{0};
    std::atomic<int64_t> configuredAt_{0};
    int64_t nextReclaim_ = 0;
    int64_t nextFlush_ = 0;
    uint32_t unwarnedCycles_ = 0; ///< consecutive reclamation cycles that hit their limit
};

} // namespace kahu
