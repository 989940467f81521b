// SPDX-License-Identifier: MPL-2.0
#include "ddns/name_change_queue.h"

#include "d2/ncr.h"
#include "ddns/ddns_names.h"
#include "log/kea_loggers.h"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <netinet/in.h>
#include <pthread.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace kahu {

namespace {

bool toSockaddr(const std::string& ip, uint16_t port, sockaddr_storage& ss, socklen_t& len) {
    std::memset(&ss, 0, sizeof ss);
    auto* a4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (::inet_pton(AF_INET, ip.c_str(), &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons(port);
        len = sizeof(sockaddr_in);
        return true;
    }
    if (::inet_pton(AF_INET6, ip.c_str(), &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(port);
        len = sizeof(sockaddr_in6);
        return true;
    }
    return false;
}

std::string expiresOn(int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
    return buf;
}

std::string label(const Lease4& l) {
    return "[hwtype=" + std::to_string(l.hwAddr.htype) + " " + l.hwAddr.str() + "], cid=[" +
           (l.clientId.empty() ? std::string("no info") : toColonHex(l.clientId)) + "]";
}

} // namespace

NameChangeQueue::NameChangeQueue() {
    // The sender thread takes no signals: the process handles SIGHUP, SIGTERM and SIGINT on
    // its own thread, and a signal delivered here would get its default action (exit). It is
    // created with every signal blocked (a new thread inherits the mask), which leaves no
    // moment where one could arrive.
    sigset_t all, saved;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &saved);
    thread_ = std::thread([this] { run(); });
    ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

NameChangeQueue::~NameChangeQueue() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    closeSocket();
}

void NameChangeQueue::validate(const DhcpDdnsConfig& c) {
    if (!c.enableUpdates) {
        return;
    }
    sockaddr_storage server{}, sender{};
    socklen_t len = 0;
    if (!toSockaddr(c.serverIp, c.serverPort, server, len)) {
        throw std::invalid_argument("server-ip '" + c.serverIp + "' is not an IP address");
    }
    if (!toSockaddr(c.senderIp, c.senderPort, sender, len)) {
        throw std::invalid_argument("sender-ip '" + c.senderIp + "' is not an IP address");
    }
    if (server.ss_family != sender.ss_family) {
        throw std::invalid_argument("server-ip " + c.serverIp + " and sender-ip " + c.senderIp +
                                    " must be of the same address family");
    }
    if (c.serverIp == c.senderIp && c.serverPort == c.senderPort) {
        throw std::invalid_argument("server-ip/server-port and sender-ip/sender-port cannot "
                                    "share the exact same IP address/port");
    }
}

void NameChangeQueue::configure(const DhcpDdnsConfig& c) {
    validate(c);
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return !sending_; }); // the sender thread holds no copy of fd_
    if (c == config_ && (fd_ >= 0) == c.enableUpdates) {
        return;
    }
    int fd = -1;
    if (c.enableUpdates) {
        sockaddr_storage sender{};
        socklen_t len = 0;
        toSockaddr(c.senderIp, c.senderPort, sender, len);
        fd = ::socket(sender.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&sender), len) < 0) {
            std::string why = std::strerror(errno);
            if (fd >= 0) {
                ::close(fd);
            }
            throw std::runtime_error("dhcp-ddns: cannot open the sender socket on " + c.senderIp +
                                     " port " + std::to_string(c.senderPort) + ": " + why);
        }
    }
    if (fd_ >= 0) {
        ::close(fd_);
        KAHU_INFO(log::dhcpsrv(), "DHCPSRV_DHCP_DDNS_SENDER_STOPPED",
                  "NameChangeRequest sender has been stopped{}", "");
    }
    fd_ = fd;
    config_ = c;
    toSockaddr(c.serverIp, c.serverPort, server_, serverLen_);
    enabled_ = c.enableUpdates;
    if (fd_ >= 0) {
        KAHU_INFO(log::dhcpsrv(), "DHCPSRV_DHCP_DDNS_SENDER_STARTED",
                  "NameChangeRequest sender has been started: {} {}:{} to {}:{}, queue of {}",
                  c.ncrProtocol, c.senderIp, c.senderPort, c.serverIp, c.serverPort,
                  c.maxQueueSize);
    } else {
        pending_.clear();
    }
    wake_.notify_all();
}

NameChangeQueue::Result NameChangeQueue::queue(bool add, const Lease4& lease, const DdnsParams& p) {
    const char* kind = add ? "add" : "remove";
    if (lease.hostname.empty() || (!lease.fqdnFwd && !lease.fqdnRev) || !enabled()) {
        KAHU_DEBUG(log::dhcpsrv(), 50, "DHCPSRV_QUEUE_NCR_SKIP",
                   "{}: skip queueing name change request for lease: {}", label(lease),
                   lease.address.str());
        return enabled() ? Result::NoName : Result::Disabled;
    }
    d2::NameChangeRequest ncr;
    try {
        ncr.changeType = add ? d2::ChangeType::Add : d2::ChangeType::Remove;
        ncr.forwardChange = lease.fqdnFwd;
        ncr.reverseChange = lease.fqdnRev;
        ncr.fqdn = lease.hostname.back() == '.' ? lease.hostname : lease.hostname + ".";
        ncr.ipAddress = lease.address.str();
        ncr.dhcid = ddns::dhcid(lease);
        ncr.leaseLength = ddns::recordTtl(lease.validLifetime, p);
        ncr.leaseExpiresOn = expiresOn(lease.expire());
        ncr.useConflictResolution =
            p.conflictResolution == ConflictResolutionMode::CheckWithDhcid ||
            p.conflictResolution == ConflictResolutionMode::CheckExistsWithDhcid;
        switch (p.conflictResolution) {
        case ConflictResolutionMode::CheckExistsWithDhcid:
            ncr.conflictResolutionMode = "check-exists-with-dhcid";
            break;
        case ConflictResolutionMode::NoCheckWithoutDhcid:
            ncr.conflictResolutionMode = "no-check-without-dhcid";
            break;
        default:
            break;
        }
    } catch (const std::exception& e) {
        KAHU_ERROR(log::dhcpsrv(), "DHCPSRV_QUEUE_NCR_FAILED",
                   "{}: queueing {} name change request failed for lease {}: {}", label(lease),
                   kind, lease.address.str(), e.what());
        return Result::Failed;
    }
    KAHU_DEBUG(log::dhcpsrv(), 55, "DHCPSRV_QUEUE_NCR",
               "{}: name change request to {} DNS entry queued: {}", label(lease), kind,
               ncr.describe());
    {
        std::unique_lock lock(mutex_);
        std::vector<uint8_t> datagram = ncr.toWire();
        if (pending_.empty() && !sending_ && fd_ >= 0) {
            // Nothing ahead of it: one non-blocking datagram from the calling thread, which
            // spares a thread wake-up per request. A full socket buffer queues it instead.
            ssize_t n = ::sendto(fd_, datagram.data(), datagram.size(), MSG_DONTWAIT,
                                 reinterpret_cast<const sockaddr*>(&server_), serverLen_);
            if (n == static_cast<ssize_t>(datagram.size())) {
                ++sent_;
                lock.unlock();
                KAHU_DEBUG(log::dhcpsrv(), 50, "DHCPSRV_DHCP_DDNS_NCR_SENT",
                           "NameChangeRequest sent to the DDNS daemon: {}", ncr.toJson().dump());
                return Result::Queued;
            }
        }
        if (pending_.size() >= config_.maxQueueSize) {
            ++dropped_;
            KAHU_ERROR(log::dhcpsrv(), "DHCPSRV_DHCP_DDNS_NCR_REJECTED",
                       "NameChangeRequest rejected by the sender: queue full ({} requests), "
                       "ncr: {}",
                       pending_.size(), ncr.describe());
            return Result::Failed;
        }
        pending_.push_back(std::move(datagram));
    }
    wake_.notify_one();
    return Result::Queued;
}

NameChangeQueue::Result NameChangeQueue::queue(bool add, const Lease4& lease,
                                               const ServerConfig& config) {
    const Subnet* s = config.subnetById(lease.subnetId);
    return queue(add, lease, s ? s->ddns : config.ddns);
}

void NameChangeQueue::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stop_ || (!pending_.empty() && fd_ >= 0); });
        if (stop_) {
            return;
        }
        std::vector<uint8_t> datagram = std::move(pending_.front());
        pending_.pop_front();
        sending_ = true;
        const int fd = fd_;
        const sockaddr_storage server = server_;
        const socklen_t len = serverLen_;
        lock.unlock();
        ssize_t n = ::sendto(fd, datagram.data(), datagram.size(), 0,
                             reinterpret_cast<const sockaddr*>(&server), len);
        int err = errno;
        lock.lock();
        sending_ = false;
        if (n == static_cast<ssize_t>(datagram.size())) {
            ++sent_;
            KAHU_DEBUG(log::dhcpsrv(), 50, "DHCPSRV_DHCP_DDNS_NCR_SENT",
                       "NameChangeRequest sent to the DDNS daemon: {}",
                       std::string(datagram.begin() + 2, datagram.end()));
        } else {
            ++dropped_;
            KAHU_ERROR(log::dhcpsrv(), "DHCPSRV_DHCP_DDNS_ERROR_EXCEPTION",
                       "error encountered while sending a NameChangeRequest to {} port {}: {}",
                       config_.serverIp, config_.serverPort, std::strerror(err));
        }
        idle_.notify_all();
    }
}

bool NameChangeQueue::drain(int ms) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, std::chrono::milliseconds(ms),
                          [this] { return (pending_.empty() && !sending_) || fd_ < 0; });
}

size_t NameChangeQueue::depth() const {
    std::lock_guard lock(mutex_);
    return pending_.size();
}

void NameChangeQueue::closeSocket() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

} // namespace kahu
