// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <kahu/config/server_config.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace kahu {

/// What the built-in commands need from the running server. The Server implements it; tests use
/// a fake. Every method may be called from the control channel's thread: the implementation
/// serialises whatever touches the running configuration.
class ControlHost {
public:
    virtual ~ControlHost() = default;

    /// The running configuration (never null once started).
    virtual std::shared_ptr<const ServerConfig> config() const = 0;
    /// Re-reads the -c file; returns "" on success, else the error (old config kept).
    virtual std::string reloadFromFile() = 0;
    /// Applies a {"Dhcp4": {...}} map (config-set); "" on success, else the error (old config
    /// kept). checkOnly = config-test: parse, validate, open hook libraries, change nothing.
    virtual std::string applyJson(const nlohmann::json& top, bool checkOnly) = 0;
    /// Where config-write writes by default (the -c file).
    virtual std::string configFile() const = 0;
    /// Stops the server (shutdown command) with this exit value.
    virtual void shutdown(int exitValue) = 0;
    /// Reclaims expired leases now (leases-reclaim); remove = delete instead of keeping them.
    virtual void reclaimNow(bool remove) = 0;

    /// status-get facts.
    virtual int64_t uptimeSeconds() const = 0;
    virtual int64_t secondsSinceReload() const = 0;
    /// {"status": "ready"} or {"status": "failed", "errors": [...]} (Kea's "sockets" element).
    virtual nlohmann::json socketStatus() const = 0;
    /// Average packet-queue length over the last 10, 100 and 1000 packets.
    virtual nlohmann::json packetQueueStatistics() const = 0;

    /// Whether packets are processed by a thread pool right now. The default reads the
    /// config; a server that fell back to one thread (a hook not MT-compatible) overrides it.
    virtual bool multiThreadingEnabled() const { return config()->multiThreading.enabled; }
    /// Worker threads in use (the config's 0 resolved to the core count).
    virtual uint32_t threadPoolSize() const {
        uint32_t n = config()->multiThreading.threadPoolSize;
        return n != 0 ? n : std::max(1u, std::thread::hardware_concurrency());
    }
    virtual uint32_t packetQueueSize() const { return config()->multiThreading.packetQueueSize; }
};

/// Runs one command map ({"command", "arguments", "service", "remote-address"}) and returns
/// Kea's answer map. What the transports (unix socket, HTTP) call.
using CommandExecutor = std::function<nlohmann::json(const nlohmann::json& command)>;

} // namespace kahu
