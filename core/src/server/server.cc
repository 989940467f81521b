// SPDX-License-Identifier: MPL-2.0
#include "server/server.h"

#include "config/config_loader.h"
#include "control/builtin_commands.h"
#include "hooks/hook_manager.h"
#include "hooks/store_library.h"
#include "lease/lease_store_factories.h"
#include "lease/memfile_store.h"
#include "log/logging.h"
#include "server/build_report.h"
#include "server/pid_file.h"
#include "server/server_detail.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fmt/ranges.h>
#include <future>
#include <iostream>
#include <kahu/error.h>
#include <kahu/log.h>
#include <kahu/metrics.h>
#include <kahu/stats.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace kahu {

using server_detail::loadHooks;
using server_detail::logger;
using server_detail::nowSeconds;

namespace {

// Kea's global statistics, present (0) from start-up.
constexpr const char* kGlobalStats[] = {"pkt4-received",
                                        "pkt4-discover-received",
                                        "pkt4-offer-received",
                                        "pkt4-request-received",
                                        "pkt4-ack-received",
                                        "pkt4-nak-received",
                                        "pkt4-release-received",
                                        "pkt4-decline-received",
                                        "pkt4-inform-received",
                                        "pkt4-unknown-received",
                                        "pkt4-sent",
                                        "pkt4-offer-sent",
                                        "pkt4-ack-sent",
                                        "pkt4-nak-sent",
                                        "pkt4-parse-failed",
                                        "pkt4-receive-drop",
                                        "cumulative-assigned-addresses",
                                        "declined-addresses",
                                        "reclaimed-declined-addresses",
                                        "reclaimed-leases",
                                        "v4-allocation-fail",
                                        "v4-allocation-fail-shared-network",
                                        "v4-allocation-fail-subnet",
                                        "v4-allocation-fail-no-pools",
                                        "v4-allocation-fail-classes",
                                        "v4-reservation-conflicts",
                                        "v4-lease-reuses"};

std::unique_ptr<LeaseStore> openStore(const ServerConfig& cfg, bool checkOnly,
                                      const hooks::HookSet* staging) {
    registerMemfileStore();
    LeaseStoreParams params;
    params.config =
        cfg.leaseDatabase.raw.is_object() ? cfg.leaseDatabase.raw : nlohmann::json::object();
    params.config["type"] = cfg.leaseDatabase.type;
    params.checkOnly = checkOnly;
    params.source = cfg.leaseDatabase.source;
    // A store type registered by a library of the new set is not published until the set is
    // activated, so look there first.
    if (staging) {
        if (const LeaseStoreFactory* f = staging->leaseStoreFactory(cfg.leaseDatabase.type)) {
            try {
                return (*f)(params);
            } catch (const std::exception& e) {
                // The exception object's destructor may live in the library, which is unloaded
                // with the staging set while this exception unwinds: rethrow a core copy
                // while the library is still mapped.
                throw Error(e.what());
            }
        }
    }
    return LeaseStoreFactories::instance().create(cfg.leaseDatabase.type, params);
}

/// hosts-database(s): one store per entry, made by the library that registered its type.
std::vector<std::shared_ptr<HostStore>> openHostStores(const ServerConfig& cfg, bool checkOnly,
                                                       const hooks::HookSet* staging) {
    std::vector<std::shared_ptr<HostStore>> stores;
    for (const auto& db : cfg.hostsDatabases) {
        const auto* factory = staging ? staging->hostStoreFactory(db.type) : nullptr;
        if (!factory) {
            throw ConfigError(db.path + ": no loaded hook library provides hosts-database type '" +
                              db.type + "'");
        }
        HostStoreParams params;
        params.config = db.raw;
        params.checkOnly = checkOnly;
        params.source = db.source;
        params.path = db.path;
        try {
            auto store = (*factory)(params);
            if (!store) {
                throw Error("the library made no store");
            }
            stores.push_back(std::move(store));
        } catch (const std::exception& e) {
            // As for lease stores: a core copy while the library is still mapped.
            throw ConfigError(db.path + ": " + e.what());
        }
    }
    return stores;
}

/// dhcp4_srv_configured: a callout may refuse the new configuration.
void runConfigured(hooks::HookSet& set, const ServerConfig& cfg) {
    std::string error;
    hooks::Dhcp4SrvConfiguredArgs args{cfg, error};
    if (set.run<hooks::HookPoint::Dhcp4SrvConfigured>(args) == hooks::Verdict::Drop) {
        throw ConfigError("dhcp4_srv_configured: " + (error.empty() ? "unknown error" : error));
    }
}

} // namespace

namespace server_detail {

std::shared_ptr<hooks::HookSet> loadHooks(const ServerConfig& cfg, hooks::LoadMode mode,
                                          ServerAccess* server) {
    hooks::HookSetOptions o;
    o.server = server;
    o.parkedPacketLimit = cfg.parkedPacketLimit;
    o.onParkLimitDrop = [] { Statistics::instance().add("pkt4-receive-drop", 1); };
    std::string notice;
    auto libraries = hooks::librariesToLoad(cfg, notice);
    if (!notice.empty()) {
        KAHU_INFO(logger(), "DHCP4_HOOK_STORE_LIBRARY_ADDED", "{}", notice);
    }
    return hooks::loadHookSet(libraries, mode, cfg.multiThreading.enabled, o);
}

} // namespace server_detail

Server::Server(Options opts)
    : opts_(std::move(opts)), wakeFd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

Server::~Server() {
    for (auto id : metricIds_) {
        metrics::Registry::instance().remove(id);
    }
    stopWorkers();
    // The last generation holds the hook set, whose callouts own what the libraries made (HA's
    // service among them). Those reach the server through ServerAccess (leases(), service
    // state) until they are destroyed, so they go first, while every member is still alive.
    gen_.store(nullptr);
}

int Server::checkConfig(const std::string& file, bool withHooks, bool verbose) {
    try {
        auto result = config::loadConfigFile(file);
        for (const auto& w : result.warnings) {
            std::cerr << "WARN  DHCP4_CONFIG_SYNTAX_WARNING " << w << "\n";
        }
        ControlListeners::validate(result.config->controlSockets);
        auto set = loadHooks(
            *result.config, withHooks ? hooks::LoadMode::Load : hooks::LoadMode::Validate, nullptr);
        if (withHooks) {
            openStore(*result.config, true, set.get());
            openHostStores(*result.config, true, set.get());
            runConfigured(*set, *result.config);
        }
        set->unload();
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

void Server::applyConfig(const std::shared_ptr<const ServerConfig>& config, bool initial) {
    // Everything that can fail comes first; the running state changes only after it all worked.
    // A staging hook set that is not activated is unloaded when the last pointer goes.
    auto staging = loadHooks(*config, hooks::LoadMode::Load, this);
    std::string storeConfig = config->leaseDatabase.raw.dump() + config->leaseDatabase.type;
    std::shared_ptr<LeaseStore> store;
    if (!store_ || storeConfig != storeConfig_) {
        store = openStore(*config, false, staging.get());
    }
    auto hostStores = openHostStores(*config, false, staging.get());
    auto sockets = std::make_shared<net::SocketSet>();
    const auto& ifc = config->interfaces;
    for (uint32_t attempt = 0;; ++attempt) {
        try {
            sockets->open(ifc, opts_.serverPort);
            break;
        } catch (const std::exception& e) {
            if (attempt >= ifc.serviceSocketsMaxRetries) {
                throw;
            }
            KAHU_WARN(logger(), "DHCP4_OPEN_SOCKETS_FAILED",
                      "{}; retry {} of {} in {} ms (service-sockets-max-retries)", e.what(),
                      attempt + 1, ifc.serviceSocketsMaxRetries, ifc.serviceSocketsRetryWaitTime);
            std::this_thread::sleep_for(std::chrono::milliseconds(ifc.serviceSocketsRetryWaitTime));
        }
    }
    ControlListeners::validate(config->controlSockets);
    try {
        ddns_.configure(config->dhcpDdns);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("Error starting DHCP_DDNS client after server "
                                             "reconfiguration: ") +
                                 e.what());
    }
    runConfigured(*staging, *config);
    log::configureLogging(config->loggers, opts_.debug);
    Statistics::instance().applySampleDefaults(config->statisticDefaultSampleCount,
                                               config->statisticDefaultSampleAge);

    stopWorkers(); // in-flight packets finish on the old generation first
    if (store) {
        store_ = std::move(store);
        leases_ = std::make_shared<LeaseManager>(store_);
        storeConfig_ = storeConfig;
        if (store_->type() == "memfile") {
            KAHU_INFO(log::get("kahu-dhcp4.dhcpsrv"), "DHCPSRV_MEMFILE_DB",
                      "opening memory file lease database: {} ({} leases)", store_->description(),
                      store_->size());
        } else {
            KAHU_INFO(log::get("kahu-dhcp4.dhcpsrv"), "DHCPSRV_LEASE_DB",
                      "opening {} lease database: {} ({} leases)", store_->type(),
                      store_->description(), store_->size());
        }
    }
    leases_->configure(config);
    managedLeases_.set(leases_);
    sockets_.store(sockets);
    auto gen = std::make_shared<Generation>();
    gen->config = config;
    gen->hooks = staging->size() ? staging : nullptr;
    gen->leases = leases_;
    for (const auto& h : hostStores) {
        KAHU_INFO(log::get("kahu-dhcp4.hosts"), "DHCPSRV_HOSTS_DB",
                  "opening {} hosts database: {}{}", h->type(), h->description(),
                  h->readOnly() ? " (read-only)" : "");
    }
    gen->hostStores = hostStores;
    gen->processor = std::make_unique<Dhcp4Processor>(config, *leases_, interfaceAddresses(),
                                                      &ddns_, std::move(hostStores));
    LeaseReclaimer::Hooks reclaimHooks;
    reclaimHooks.removeNames = [this, config](const Lease4& lease) {
        if (ddns_.enabled()) {
            ddns_.queue(false, lease, *config);
        }
    };
    if (gen->hooks) {
        reclaimHooks.expire = [set = gen->hooks](Lease4& lease, bool& remove) {
            hooks::Lease4ExpireArgs args{lease, remove};
            return set->run<hooks::HookPoint::Lease4Expire>(args) == hooks::Verdict::Continue;
        };
        reclaimHooks.recover = [set = gen->hooks](Lease4& lease) {
            hooks::Lease4RecoverArgs args{lease};
            return set->run<hooks::HookPoint::Lease4Recover>(args) == hooks::Verdict::Continue;
        };
    }
    gen->reclaimer = std::make_unique<LeaseReclaimer>(*leases_, *config, std::move(reclaimHooks));
    hooks::HookManager::instance().activate(staging); // unloads the previous set
    gen_.store(gen);
    configuredAt_ = nowSeconds();
    listenersDirty_ = true;
    startWorkers(config->multiThreading);
    nextReclaim_ = nowSeconds() + config->expiredLeases.reclaimTimerWaitTime;
    nextFlush_ = nowSeconds() + config->expiredLeases.flushReclaimedTimerWaitTime;
    std::string summary =
        fmt::format("{} subnet(s), {} socket(s), {} hook library(ies), multi-threading {}",
                    config->subnets.size(), sockets->fds().size(), staging->size(),
                    config->multiThreading.enabled ? "on" : "off");
    KAHU_INFO(logger(), "DHCP4_CONFIG_COMPLETE", "DHCPv4 server has completed configuration: {}",
              summary);
}

void Server::startWorkers(const MultiThreadingConfig& mt) {
    if (!mt.enabled) {
        return;
    }
    unsigned n = mt.threadPoolSize ? mt.threadPoolSize : std::thread::hardware_concurrency();
    n = n ? n : 1;
    {
        std::lock_guard lock(queueMutex_);
        queue_ = std::make_unique<PacketQueue>(size_t(mt.packetQueueSize) * n);
    }
    // A worker of a store that may block (a database) spends most of its time waiting for the
    // database's answer, not on a core: more of them keep more exchanges in flight.
    unsigned workers = store_->mayBlock() ? n * kBlockingWorkersPerThread : n;
    KAHU_INFO(logger(), "DHCP4_MULTI_THREADING_INFO",
              "enabled: {}, number of threads: {}, queue size: {}; {} worker threads{}",
              mt.enabled ? "yes" : "no", n, mt.packetQueueSize, workers,
              workers == n ? "" : " (the lease store may block: more workers wait on it)");
    for (unsigned i = 0; i < workers; ++i) {
        workers_.emplace_back([this] {
            while (auto batch = queue_->pop()) {
                for (auto& p : *batch) {
                    handlePacket(p);
                }
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
    std::lock_guard lock(queueMutex_);
    queue_.reset();
}

void Server::runTimers(int64_t now) {
    networkState_.tick(); // max-period of dhcp-disable
    auto gen = gen_.load();
    const auto& exp = gen->config->expiredLeases;
    try {
        if (exp.reclaimTimerWaitTime && now >= nextReclaim_) {
            size_t done = gen->reclaimer->reclaim(now, exp.flushReclaimedTimerWaitTime == 0);
            // A cycle that hit its lease limit probably left expired leases behind.
            bool full = exp.maxReclaimLeases && done >= exp.maxReclaimLeases;
            unwarnedCycles_ = full ? unwarnedCycles_ + 1 : 0;
            if (exp.unwarnedReclaimCycles && unwarnedCycles_ >= exp.unwarnedReclaimCycles) {
                KAHU_WARN(log::get("kahu-dhcp4.alloc-engine"),
                          "ALLOC_ENGINE_V4_LEASES_RECLAMATION_SLOW",
                          "expired leases still exist after {} reclamations; consider raising "
                          "max-reclaim-leases or max-reclaim-time",
                          unwarnedCycles_);
                unwarnedCycles_ = 0;
            }
            nextReclaim_ = nowSeconds() + exp.reclaimTimerWaitTime;
        }
        if (exp.flushReclaimedTimerWaitTime && now >= nextFlush_) {
            gen->reclaimer->flush(now);
            nextFlush_ = nowSeconds() + exp.flushReclaimedTimerWaitTime;
        }
    } catch (const std::exception& e) {
        KAHU_ERROR(logger(), "DHCP4_RECLAIM_EXPIRED_LEASES_FAIL",
                   "failed to reclaim expired leases: {}", e.what());
    }
}

std::string Server::reload() {
    KAHU_INFO(logger(), "DHCP4_DYNAMIC_RECONFIGURATION",
              "initiate server reconfiguration using file: {}, after receiving SIGHUP signal or "
              "config-reload command",
              opts_.configFile);
    try {
        auto result = config::loadConfigFile(opts_.configFile);
        for (const auto& w : result.warnings) {
            KAHU_WARN(logger(), "DHCP4_CONFIG_SYNTAX_WARNING", "configuration syntax warning: {}",
                      w);
        }
        applyConfig(result.config, false);
        KAHU_INFO(logger(), "DHCP4_DYNAMIC_RECONFIGURATION_SUCCESS",
                  "dynamic server reconfiguration succeeded with file: {}", opts_.configFile);
        return {};
    } catch (const std::exception& e) {
        KAHU_ERROR(logger(), "DHCP4_CONFIG_LOAD_FAIL",
                   "configuration error using file: {}, reason: {}", opts_.configFile, e.what());
        KAHU_ERROR(logger(), "DHCP4_DYNAMIC_RECONFIGURATION_FAIL",
                   "dynamic server reconfiguration failed with file: {}; the previous "
                   "configuration stays",
                   opts_.configFile);
        return e.what();
    }
}

void Server::shutdown(int exitValue) {
    exitValue_ = exitValue;
    shutdownCommand_ = true;
    stopping_ = true;
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wakeFd_.get(), &one, sizeof one);
}

int Server::run() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGHUP);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr); // before any thread starts
    FileDescriptor sigFd(::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC));

    std::unique_ptr<PidFile> pid;
    startedAt_ = nowSeconds();
    try {
        for (const char* name : kGlobalStats) {
            Statistics::instance().counter(name);
        }
        auto result = config::loadConfigFile(opts_.configFile);
        log::configureLogging(result.config->loggers, opts_.debug);
        KAHU_INFO(logger(), "DHCP4_STARTING", "Kahu DHCPv4 server version {} starting",
                  versionText());
        for (const auto& w : result.warnings) {
            KAHU_WARN(logger(), "DHCP4_CONFIG_SYNTAX_WARNING", "configuration syntax warning: {}",
                      w);
        }
        pid = std::make_unique<PidFile>(opts_.configFile, "kahu-dhcp4");
        pid->create();
        // Built-ins first: a hook library may not take their names.
        registerBuiltinCommands(CommandRegistry::instance(), *this, networkState_);
        registerMetrics();
        listeners_ = std::make_unique<ControlListeners>(
            dispatcher_.executor(), [] { return metrics::Registry::instance().scrape(); });
        applyConfig(result.config, true);
        listeners_->apply(result.config->controlSockets); // failing to listen is fatal here
        listenersDirty_ = false;
    } catch (const std::exception& e) {
        KAHU_ERROR(logger(), "DHCP4_INIT_FAIL", "failed to initialize Kahu server: {}", e.what());
        return EXIT_FAILURE;
    }

    FileDescriptor epoll(::epoll_create1(EPOLL_CLOEXEC));
    const int ep = epoll.get();
    auto watch = [ep](int fd) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    };
    std::vector<int> watched;
    const net::SocketSet* watchedSet = nullptr;
    auto rewatch = [&] {
        watchedSet = sockets_.load().get();
        for (int fd : watched) {
            ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
        }
        watched = sockets_.load()->fds();
        for (int fd : watched) {
            watch(fd);
        }
    };
    watch(sigFd.get());
    watch(wakeFd_.get());
    rewatch();

    epoll_event events[16];
    bool busy = false;
    size_t windowPackets = 0;
    auto windowStart = std::chrono::steady_clock::now();
    auto nextTick = windowStart;
    KAHU_INFO(logger(), "DHCP4_STARTED", "Kahu DHCPv4 server version {} started", versionText());
    while (!stopping_) {
        // Idle: sleep until a packet, a signal or a timer. Busy (>= kBusyPps): poll every
        // socket once per tick instead of waking for every packet; the tick adds at most
        // kTickUs of latency and turns thousands of wake-ups per second into a thousand.
        if (sockets_.load().get() != watchedSet) {
            rewatch(); // a reload (signal or command) opened new sockets
        }
        int n = ::epoll_wait(ep, events, 16, busy ? 0 : 1000);
        size_t got = 0;
        for (int i = 0; i < n && !stopping_; ++i) {
            int fd = events[i].data.fd;
            if (fd == sigFd.get()) {
                signalfd_siginfo si{};
                while (::read(sigFd.get(), &si, sizeof si) == sizeof si) {
                    if (si.ssi_signo == SIGHUP) {
                        reload();
                    } else {
                        KAHU_INFO(logger(), "DHCP4_SHUTDOWN_REQUEST",
                                  "shutdown of server requested (signal {})", si.ssi_signo);
                        stopping_ = true;
                    }
                }
            } else if (fd == wakeFd_.get()) {
                uint64_t count;
                [[maybe_unused]] auto r = ::read(wakeFd_.get(), &count, sizeof count);
            } else if (!busy) {
                got += drain(fd);
            }
        }
        if (busy && !stopping_) {
            for (int fd : watched) {
                got += drain(fd);
            }
        }
        runLoopTasks();
        if (listenersDirty_) {
            applyListeners();
        }
        listeners_->reap(); // listeners a reconfiguration retired, once they have answered
        windowPackets += got;
        auto now = std::chrono::steady_clock::now();
        if (now - windowStart >= std::chrono::milliseconds(100)) {
            busy = windowPackets * 10 >= kBusyPps;
            windowPackets = 0;
            windowStart = now;
        }
        runTimers(nowSeconds());
        if (busy) {
            nextTick = std::max(nextTick + std::chrono::microseconds(kTickUs), now);
            std::this_thread::sleep_until(nextTick);
        }
    }
    stopWorkers();
    hooks::HookManager::instance().clear(); // unloads libraries, drops parked packets
    if (listeners_) {
        if (shutdownCommand_) {
            // The shutdown command's answer is still on its way out of a listener thread.
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        listeners_->stop();
    }
    unregisterBuiltinCommands(CommandRegistry::instance());
    sockets_.store(nullptr);
    KAHU_INFO(logger(), "DHCP4_SHUTDOWN", "server shutdown");
    spdlog::shutdown();
    return exitValue_;
}

} // namespace kahu
