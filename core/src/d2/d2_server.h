// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "d2/d2_config.h"
#include "d2/ncr.h"
#include "d2/updater.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace kahu {
class UnixListener;
class CommandRegistry;
} // namespace kahu

namespace kahu::d2 {

/// The running daemon: the NCR socket and its reader, the bounded request queue, the worker
/// that carries requests out one at a time, and the control socket with D2's commands.
class D2Server {
public:
    /// Kea's D2QueueMgr::MAX_QUEUE_DEFAULT: requests beyond it are dropped and counted.
    static constexpr size_t kMaxQueueSize = 1024;

    D2Server(std::string configFile, std::shared_ptr<const D2Config> config, bool debug,
             std::function<void()> requestShutdown);
    ~D2Server();
    D2Server(const D2Server&) = delete;
    D2Server& operator=(const D2Server&) = delete;

    /// Binds the NCR socket and the control socket, starts the threads. Throws kahu::Error.
    void start();
    void stop();

    /// Runs one control command map (what the unix socket calls).
    nlohmann::json execute(const nlohmann::json& command);
    /// Re-reads the file (SIGHUP, config-reload): "" or the error; the old config stays.
    std::string reload();
    /// Takes a datagram as if it came from the socket (tests and the reader).
    void receive(const uint8_t* data, size_t size);
    size_t queueSize() const;

private:
    std::string apply(std::shared_ptr<const D2Config> next);
    void bindNcrSocket(const D2Config& cfg);
    void readerLoop();
    void workerLoop();
    void registerCommands();

    std::string file_;
    bool debug_;
    std::function<void()> requestShutdown_;
    mutable std::mutex configMutex_;
    std::shared_ptr<const D2Config> config_;
    std::unique_ptr<DnsTransport> transport_;
    std::unique_ptr<CommandRegistry> registry_;
    std::unique_ptr<UnixListener> control_;

    mutable std::mutex queueMutex_;
    std::condition_variable queueCv_;
    std::deque<NameChangeRequest> queue_;
    /// Seconds the request at the head waits before its next try while no DNS server
    /// answers (1, 2, 4, ... kMaxHoldSeconds); 0 when the last request went through. Worker
    /// thread only.
    uint32_t holdSeconds_ = 0;
    static constexpr uint32_t kMaxHoldSeconds = 16;

    std::atomic<int> ncrFd_{-1};
    std::atomic<bool> stopping_{false};
    std::thread reader_;
    std::thread worker_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point reloaded_;
};

} // namespace kahu::d2
