// SPDX-License-Identifier: MPL-2.0
#include "server/server.h"

#include "config/config_loader.h"
#include "lease/memfile_store.h"
#include "log/logging.h"
#include "server/build_report.h"
#include "server/pid_file.h"

#include <kahu/error.h>
#include <kahu/log.h>
#include <kahu/stats.h>

#include <csignal>
#include <ctime>
#include <iostream>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace kahu {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto lg = log::get("kahu-dhcp4");
    return lg;
}

int64_t nowSeconds() { return static_cast<int64_t>(std::time(nullptr)); }

// Kea's global statistics, present (0) from start-up.
constexpr const char* kGlobalStats[] = {
    "pkt4-received", "pkt4-discover-received", "pkt4-offer-received", "pkt4-request-received",
    "pkt4-ack-received", "pkt4-nak-received", "pkt4-release-received", "pkt4-decline-received",
    "pkt4-inform-received", "pkt4-unknown-received", "pkt4-sent", "pkt4-offer-sent",
    "pkt4-ack-sent", "pkt4-nak-sent", "pkt4-parse-failed", "pkt4-receive-drop",
    "cumulative-assigned-addresses", "declined-addresses", "reclaimed-declined-addresses",
    "reclaimed-leases", "v4-allocation-fail", "v4-allocation-fail-shared-network",
    "v4-allocation-fail-subnet", "v4-allocation-fail-no-pools", "v4-allocation-fail-classes",
    "v4-reservation-conflicts", "v4-lease-reuses"};

std::unique_ptr<LeaseStore> openStore(const ServerConfig& cfg, bool checkOnly) {
    registerMemfileStore();
    LeaseStoreParams params;
    params.config = cfg.leaseDatabase.raw.is_object() ? cfg.leaseDatabase.raw
                                                      : nlohmann::json::object();
    params.config["type"] = cfg.leaseDatabase.type;
    params.checkOnly = checkOnly;
    return LeaseStoreFactories::instance().create(cfg.leaseDatabase.type, params);
}

} // namespace

Server::Server(Options opts) : opts_(std::move(opts)) {
    wakeFd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

Server::~Server() {
    stopWorkers();
    if (wakeFd_ >= 0) {
        ::close(wakeFd_);
    }
}

int Server::checkConfig(const std::string& file, bool loadHooks, bool verbose) {
    try {
        auto result = config::loadConfigFile(file);
        for (const auto& w : result.warnings) {
            std::cerr << "WARN  DHCP4_CONFIG_SYNTAX_WARNING " << w << "\n";
        }
        if (loadHooks) {
            openStore(*result.config, true);
        }
        if (verbose) {
            std::cout << "Syntax check OK" << std::endl;
        }
        return EXIT_SUCCESS;
    } catch (const std::exception& e) {
        std::cerr << "ERROR DHCP4_CONFIG_LOAD_FAIL " << e.what() << std::endl;
        return EXIT_FAILURE;
    }
}

std::vector<InterfaceAddresses> Server::interfaceAddresses() const {
    std::vector<InterfaceAddresses> out;
    for (const auto& i : net::listInterfaces()) {
        out.push_back({i.name, i.ifindex, i.addresses});
    }
    return out;
}

std::shared_ptr<Server::Generation> Server::makeGeneration(
    std::shared_ptr<const ServerConfig> config) {
    auto g = std::make_shared<Generation>();
    g->config = config;
    g->processor = std::make_unique<Dhcp4Processor>(config, *leases_, interfaceAddresses());
    g->reclaimer = std::make_unique<LeaseReclaimer>(*leases_, *config);
    return g;
}

void Server::applyConfig(std::shared_ptr<const ServerConfig> config, bool initial) {
    // Everything that can fail comes first; the running state changes only after it all worked.
    std::string storeConfig = config->leaseDatabase.raw.dump() + config->leaseDatabase.type;
    std::shared_ptr<LeaseStore> store;
    if (!store_ || storeConfig != storeConfig_) {
        store = openStore(*config, false);
    }
    auto sockets = std::make_unique<net::SocketSet>();
    sockets->open(config->interfaces, opts_.serverPort);

    log::configureLogging(config->loggers, opts_.debug);
    stopWorkers();  // in-flight packets finish on the old generation first
    if (store) {
        store_ = std::move(store);
        leases_ = std::make_unique<LeaseManager>(store_);
        storeConfig_ = storeConfig;
        KAHU_INFO(logger(), "DHCP4_LEASE_STORE_OPENED", "lease store: {} ({} leases)",
                  store_->description(), store_->size());
    }
    leases_->configure(config);
    sockets_ = std::move(sockets);
    gen_.store(makeGeneration(config));
    startWorkers(config->multiThreading);
    nextReclaim_ = nowSeconds() + config->expiredLeases.reclaimTimerWaitTime;
    nextFlush_ = nowSeconds() + config->expiredLeases.flushReclaimedTimerWaitTime;
    std::string summary = fmt::format(
        "{} subnet(s), {} socket(s), multi-threading {}", config->subnets.size(),
        sockets_->fds().size(), config->multiThreading.enabled ? "on" : "off");
    if (initial) {
        KAHU_INFO(logger(), "DHCP4_CONFIG_COMPLETE", "configuration loaded: {}", summary);
    } else {
        KAHU_INFO(logger(), "DHCP4_DYNRECONF_SUCCESS", "configuration reloaded: {}", summary);
    }
}

void Server::startWorkers(const MultiThreadingConfig& mt) {
    if (!mt.enabled) {
        return;
    }
    unsigned n = mt.threadPoolSize ? mt.threadPoolSize : std::thread::hardware_concurrency();
    queue_ = std::make_unique<PacketQueue>(size_t(mt.packetQueueSize) * (n ? n : 1));
    for (unsigned i = 0; i < (n ? n : 1); ++i) {
        workers_.emplace_back([this] {
            while (auto p = queue_->pop()) {
                handlePacket(*p);
            }
        });
    }
}

void Server::stopWorkers() {
    if (queue_) {
        queue_->close();
    }
    for (auto& t : workers_) {
        t.join();
    }
    workers_.clear();
    queue_.reset();
}

void Server::handlePacket(net::ReceivedPacket& rp) noexcept {
    static Counter& received = Statistics::instance().counter("pkt4-received");
    static Counter& parseFailed = Statistics::instance().counter("pkt4-parse-failed");
    static Counter& receiveDrop = Statistics::instance().counter("pkt4-receive-drop");
    static Counter& sent = Statistics::instance().counter("pkt4-sent");
    static Counter& offerSent = Statistics::instance().counter("pkt4-offer-sent");
    static Counter& ackSent = Statistics::instance().counter("pkt4-ack-sent");
    static Counter& nakSent = Statistics::instance().counter("pkt4-nak-sent");
    received.add(1);
    Packet4 query;
    ParseError err = query.parse(rp.data);
    if (err != ParseError::Ok) {
        parseFailed.add(1);
        receiveDrop.add(1);
        KAHU_DEBUG(logger(), 15, "DHCP4_PACKET_DROP_0001", "failed to parse packet from {}: {}",
                   rp.src.str(), toString(err));
        return;
    }
    rp.fillTransport(query);
    if (opts_.clientPort && query.giaddr.isZero()) {
        query.remotePort = opts_.clientPort;
    }
    std::shared_ptr<Generation> gen = gen_.load();
    Exchange ex = gen->processor->process(std::move(query), nowSeconds());
    if (ex.drop) {
        KAHU_DEBUG(logger(), 15, "DHCP4_PACKET_DROP", "{}: dropped ({})", ex.query.summary(),
                   ex.dropReason ? ex.dropReason : "unspecified");
        return;
    }
    if (!ex.response) {
        return;
    }
    thread_local std::vector<uint8_t> wire;
    ex.response->pack(wire);
    if (!sockets_->send(*ex.response, wire)) {
        KAHU_WARN(logger(), "DHCP4_PACKET_SEND_FAIL", "{}: failed to send the response to {}",
                  ex.query.summary(), ex.response->remoteAddr.str());
        return;
    }
    sent.add(1);
    switch (ex.response->messageType().value_or(MessageType::Ack)) {
    case MessageType::Offer: offerSent.add(1); break;
    case MessageType::Nak: nakSent.add(1); break;
    default: ackSent.add(1); break;
    }
}

void Server::runTimers(int64_t now) {
    auto gen = gen_.load();
    const auto& exp = gen->config->expiredLeases;
    try {
        if (exp.reclaimTimerWaitTime && now >= nextReclaim_) {
            gen->reclaimer->reclaim(now, exp.flushReclaimedTimerWaitTime == 0);
            nextReclaim_ = nowSeconds() + exp.reclaimTimerWaitTime;
        }
        if (exp.flushReclaimedTimerWaitTime && now >= nextFlush_) {
            gen->reclaimer->flush(now);
            nextFlush_ = nowSeconds() + exp.flushReclaimedTimerWaitTime;
        }
    } catch (const std::exception& e) {
        KAHU_ERROR(logger(), "DHCP4_RECLAIM_FAILED", "expired-lease processing failed: {}",
                   e.what());
    }
}

std::string Server::reload() {
    try {
        auto result = config::loadConfigFile(opts_.configFile);
        for (const auto& w : result.warnings) {
            KAHU_WARN(logger(), "DHCP4_CONFIG_SYNTAX_WARNING", "{}", w);
        }
        applyConfig(result.config, false);
        return {};
    } catch (const std::exception& e) {
        KAHU_ERROR(logger(), "DHCP4_DYNRECONF_FAIL",
                   "reconfiguration failed; the previous configuration stays: {}", e.what());
        return e.what();
    }
}

void Server::shutdown(int exitValue) {
    exitValue_ = exitValue;
    stopping_ = true;
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wakeFd_, &one, sizeof one);
}

int Server::run() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGHUP);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
    int sigFd = ::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);

    std::unique_ptr<PidFile> pid;
    try {
        for (const char* name : kGlobalStats) {
            Statistics::instance().counter(name);
        }
        auto result = config::loadConfigFile(opts_.configFile);
        log::configureLogging(result.config->loggers, opts_.debug);
        KAHU_INFO(logger(), "DHCP4_STARTING", "Kahu DHCPv4 server version {} starting",
                  versionText());
        for (const auto& w : result.warnings) {
            KAHU_WARN(logger(), "DHCP4_CONFIG_SYNTAX_WARNING", "{}", w);
        }
        pid = std::make_unique<PidFile>(opts_.configFile, "kahu-dhcp4");
        pid->create();
        applyConfig(result.config, true);
    } catch (const std::exception& e) {
        KAHU_ERROR(logger(), "DHCP4_INIT_FAIL", "failed to initialize Kahu server: {}",
                   e.what());
        return EXIT_FAILURE;
    }

    int ep = ::epoll_create1(EPOLL_CLOEXEC);
    auto watch = [ep](int fd) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    };
    std::vector<int> watched;
    auto rewatch = [&] {
        for (int fd : watched) {
            ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
        }
        watched = sockets_->fds();
        for (int fd : watched) {
            watch(fd);
        }
    };
    watch(sigFd);
    watch(wakeFd_);
    rewatch();

    std::vector<net::ReceivedPacket> batch(32);
    epoll_event events[16];
    KAHU_INFO(logger(), "DHCP4_STARTED", "Kahu DHCPv4 server version {} started", versionText());
    while (!stopping_) {
        int n = ::epoll_wait(ep, events, 16, 1000);
        for (int i = 0; i < n && !stopping_; ++i) {
            int fd = events[i].data.fd;
            if (fd == sigFd) {
                signalfd_siginfo si{};
                while (::read(sigFd, &si, sizeof si) == sizeof si) {
                    if (si.ssi_signo == SIGHUP) {
                        KAHU_INFO(logger(), "DHCP4_DYNRECONF", "SIGHUP: reloading {}",
                                  opts_.configFile);
                        if (reload().empty()) {
                            rewatch();
                        }
                    } else {
                        KAHU_INFO(logger(), "DHCP4_SHUTDOWN_REQUEST", "signal {}: shutting down",
                                  si.ssi_signo);
                        stopping_ = true;
                    }
                }
            } else if (fd != wakeFd_) {
                size_t got = sockets_->receive(fd, batch);
                for (size_t k = 0; k < got; ++k) {
                    if (queue_) {
                        if (!queue_->push(std::move(batch[k]))) {
                            Statistics::instance().add("pkt4-receive-drop", 1);
                        }
                        batch[k] = net::ReceivedPacket{};
                    } else {
                        handlePacket(batch[k]);
                    }
                }
            }
        }
        runTimers(nowSeconds());
    }
    stopWorkers();
    sockets_.reset();
    ::close(ep);
    ::close(sigFd);
    KAHU_INFO(logger(), "DHCP4_SHUTDOWN", "server shutdown");
    spdlog::shutdown();
    return exitValue_;
}

} // namespace kahu
