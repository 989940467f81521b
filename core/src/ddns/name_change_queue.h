// SPDX-License-Identifier: MPL-2.0
// The DHCP server's side of DDNS (Kea's D2ClientMgr): NameChangeRequests for leases, queued
// without blocking the DHCP path and sent as UDP datagrams (a 16-bit length, then the JSON)
// to the DDNS daemon of "dhcp-ddns" by one sender thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <kahu/config/server_config.h>
#include <kahu/lease/lease4.h>
#include <kahu/server_access.h>
#include <mutex>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <vector>

namespace kahu {

class NameChangeQueue {
public:
    using Result = ServerAccess::NameChange;

    NameChangeQueue();
    ~NameChangeQueue();
    NameChangeQueue(const NameChangeQueue&) = delete;
    NameChangeQueue& operator=(const NameChangeQueue&) = delete;

    /// Checks what configure() would refuse (addresses, ports, protocol); throws
    /// std::invalid_argument with the reason.
    static void validate(const DhcpDdnsConfig& config);
    /// Applies dhcp-ddns: opens the sender socket (bound to sender-ip:sender-port) or closes
    /// it when updates are off. Throws std::runtime_error when the socket cannot be opened;
    /// the previous state then stays. Requests already queued are sent to the new server.
    void configure(const DhcpDdnsConfig& config);
    bool enabled() const noexcept { return enabled_.load(); }

    /// Queues the request for `lease` (Kea's queueNCR): nothing when updates are off, the
    /// lease has no host name or neither direction; a full queue drops it (logged). Any
    /// thread, never blocks on the network.
    Result queue(bool add, const Lease4& lease, const DdnsParams& params);
    /// The same with the ddns-* values of the lease's subnet in `config` (the global ones
    /// when the subnet is gone): what the DHCP path, reclamation and the commands use.
    Result queue(bool add, const Lease4& lease, const ServerConfig& config);

    /// Waits until the queue is empty or `ms` passed (tests, shutdown).
    bool drain(int ms);

    uint64_t sent() const noexcept { return sent_.load(); }
    uint64_t dropped() const noexcept { return dropped_.load(); }
    size_t depth() const;

private:
    void run();
    void closeSocket();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<std::vector<uint8_t>> pending_;
    bool sending_ = false; ///< the thread holds a datagram it has not sent yet
    bool stop_ = false;
    int fd_ = -1;
    DhcpDdnsConfig config_;
    sockaddr_storage server_{}; ///< config_'s server-ip and server-port, resolved once
    socklen_t serverLen_ = 0;
    std::atomic<bool> enabled_{false};
    std::atomic<uint64_t> sent_{0}, dropped_{0};
    std::thread thread_;
};

} // namespace kahu
