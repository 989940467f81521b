// SPDX-License-Identifier: MPL-2.0
#include "d2/d2_server.h"

#include "command/command_registry.h"
#include "control/builtin_commands.h"
#include "control/unix_listener.h"
#include "log/logging.h"
#include "server/build_report.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <kahu/command/answer.h>
#include <kahu/error.h>
#include <kahu/log.h>
#include <kahu/stats.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kahu::d2 {

namespace {

using nlohmann::json;

const std::shared_ptr<spdlog::logger>& mainLog() {
    static const auto lg = log::get("kahu-dhcp-ddns.dhcpddns");
    return lg;
}

const std::shared_ptr<spdlog::logger>& ncrLog() {
    static const auto lg = log::get("kahu-dhcp-ddns.dhcp-to-d2");
    return lg;
}

} // namespace

D2Server::D2Server(std::string configFile, std::shared_ptr<const D2Config> config, bool debug,
                   std::function<void()> requestShutdown)
    : file_(std::move(configFile)), debug_(debug), requestShutdown_(std::move(requestShutdown)),
      config_(std::move(config)), transport_(makeNetworkTransport()),
      registry_(std::make_unique<CommandRegistry>()) {
    Updater::initStatistics(*config_);
    registerCommands();
    started_ = reloaded_ = std::chrono::steady_clock::now();
}

D2Server::~D2Server() {
    stop();
}

void D2Server::bindNcrSocket(const D2Config& cfg) {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw Error(std::string("cannot open the NCR socket: ") + std::strerror(errno));
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(cfg.port);
    ::inet_pton(AF_INET, cfg.ipAddress.c_str(), &a.sin_addr);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) < 0) {
        const int e = errno;
        ::close(fd);
        throw Error("cannot bind the NCR socket to " + cfg.ipAddress + ":" +
                    std::to_string(cfg.port) + ": " + std::strerror(e));
    }
    const int old = ncrFd_.exchange(fd);
    if (old >= 0) {
        ::close(old);
    }
    KAHU_INFO(ncrLog(), "DHCP_DDNS_STARTED_LISTENING",
              "listening for name change requests on {}:{} (UDP, JSON)", cfg.ipAddress, cfg.port);
}

void D2Server::start() {
    std::shared_ptr<const D2Config> cfg;
    {
        std::lock_guard lock(configMutex_);
        cfg = config_;
    }
    bindNcrSocket(*cfg);
    if (!cfg->controlSocket.empty()) {
        control_ = std::make_unique<UnixListener>(cfg->controlSocket,
                                                  [this](const json& cmd) { return execute(cmd); });
        control_->start();
        KAHU_INFO(mainLog(), "DCTL_COMMAND_SOCKET", "command socket opened: {}", control_->path());
    }
    reader_ = std::thread([this] { readerLoop(); });
    worker_ = std::thread([this] { workerLoop(); });
}

void D2Server::stop() {
    if (stopping_.exchange(true)) {
        return;
    }
    queueCv_.notify_all();
    if (reader_.joinable()) {
        reader_.join();
    }
    if (worker_.joinable()) {
        worker_.join();
    }
    if (control_) {
        control_->stop();
    }
    const int fd = ncrFd_.exchange(-1);
    if (fd >= 0) {
        ::close(fd);
    }
}

size_t D2Server::queueSize() const {
    std::lock_guard lock(queueMutex_);
    return queue_.size();
}

void D2Server::receive(const uint8_t* data, size_t size) {
    NameChangeRequest ncr;
    try {
        ncr = NameChangeRequest::fromWire(data, size);
    } catch (const std::exception& e) {
        Statistics::instance().add("ncr-invalid", 1);
        KAHU_ERROR(ncrLog(), "DHCP_DDNS_INVALID_NCR",
                   "application received an invalid DNS update request: {}", e.what());
        return;
    }
    Statistics::instance().add("ncr-received", 1);
    KAHU_DEBUG(ncrLog(), 50, "DHCP_DDNS_NCR_RECEIVED", "received request {}", ncr.describe());
    {
        std::lock_guard lock(queueMutex_);
        if (queue_.size() >= kMaxQueueSize) {
            Statistics::instance().add("queue-mgr-queue-full", 1);
            KAHU_ERROR(ncrLog(), "DHCP_DDNS_QUEUE_MGR_QUEUE_FULL",
                       "application request queue has reached maximum number of entries {}, "
                       "request dropped: {}",
                       kMaxQueueSize, ncr.describe());
            return;
        }
        queue_.push_back(std::move(ncr));
    }
    queueCv_.notify_one();
}

void D2Server::readerLoop() {
    std::vector<uint8_t> buf(65536);
    while (!stopping_) {
        const int fd = ncrFd_.load();
        pollfd p{fd, POLLIN, 0};
        int r = ::poll(&p, 1, 200);
        if (r <= 0 || stopping_) {
            continue;
        }
        ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR && errno != EBADF) {
                Statistics::instance().add("ncr-error", 1);
                KAHU_ERROR(ncrLog(), "DHCP_DDNS_NCR_UDP_RECV_ERROR",
                           "UDP socket receive error while listening for DNS update requests: "
                           "{}",
                           std::strerror(errno));
            }
            continue;
        }
        receive(buf.data(), static_cast<size_t>(n));
    }
}

void D2Server::workerLoop() {
    for (;;) {
        NameChangeRequest ncr;
        {
            std::unique_lock lock(queueMutex_);
            queueCv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) {
                return;
            }
            ncr = std::move(queue_.front());
            queue_.pop_front();
        }
        std::shared_ptr<const D2Config> cfg;
        {
            std::lock_guard lock(configMutex_);
            cfg = config_;
        }
        try {
            Updater updater(cfg, *transport_);
            if (updater.process(ncr)) {
                holdSeconds_ = 0;
            } else if (updater.unreachable()) {
                // No DNS server of the domain answers (down, unreachable): unlike Kea, which
                // drops the request, keep it at the head of the queue and try again later,
                // so nothing is lost while the DNS is away. Requests behind it wait.
                holdSeconds_ = holdSeconds_ ? std::min(holdSeconds_ * 2, kMaxHoldSeconds) : 1;
                KAHU_WARN(mainLog(), "DHCP_DDNS_REQUEST_HELD",
                          "no DNS server answers {}: it is held with {} request(s) behind it "
                          "and tried again in {} s",
                          ncr.describe(), queueSize(), holdSeconds_);
                Statistics::instance().add("ncr-held", 1);
                std::unique_lock lock(queueMutex_);
                queue_.push_front(std::move(ncr));
                queueCv_.wait_for(lock, std::chrono::seconds(holdSeconds_),
                                  [this] { return stopping_.load(); });
            }
        } catch (const std::exception& e) {
            KAHU_ERROR(mainLog(), "DHCP_DDNS_TRANS_PROCESS_EXCEPTION",
                       "exception while processing {}: {}", ncr.describe(), e.what());
        }
    }
}

std::string D2Server::apply(std::shared_ptr<const D2Config> next) {
    std::shared_ptr<const D2Config> old;
    {
        std::lock_guard lock(configMutex_);
        old = config_;
    }
    try {
        if (ncrFd_.load() >= 0 && (next->ipAddress != old->ipAddress || next->port != old->port)) {
            bindNcrSocket(*next);
        }
        log::configureLogging(next->loggers, debug_);
    } catch (const std::exception& e) {
        return e.what();
    }
    Updater::initStatistics(*next);
    {
        std::lock_guard lock(configMutex_);
        config_ = std::move(next);
    }
    reloaded_ = std::chrono::steady_clock::now();
    return {};
}

std::string D2Server::reload() {
    try {
        return apply(std::make_shared<D2Config>(D2Config::fromFile(file_)));
    } catch (const std::exception& e) {
        return e.what();
    }
}

json D2Server::execute(const json& command) {
    if (!command.is_object() || !command.contains("command") || !command["command"].is_string()) {
        return makeAnswer(CommandResult::Error, "invalid command: no 'command' string");
    }
    const json args = command.value("arguments", json());
    return registry_->execute(command["command"].get<std::string>(), args);
}

void D2Server::registerCommands() {
    auto& r = *registry_;
    control::registerStatCommands(r);
    // Kea 2.2's D2 has get, get-all, reset and reset-all only.
    for (const char* n : {"statistic-remove", "statistic-remove-all", "statistic-sample-age-set",
                          "statistic-sample-age-set-all", "statistic-sample-count-set",
                          "statistic-sample-count-set-all"}) {
        r.remove(n);
    }
    r.add("build-report", [](const json&) { return successAnswer(buildReportText()); });
    r.add("version-get", [](const json&) {
        return successAnswer(versionText(), {{"extended", extendedVersionText()}});
    });
    r.add("list-commands", [this](const json&) { return successAnswer("", registry_->names()); });
    r.add("config-get", [this](const json&) {
        std::lock_guard lock(configMutex_);
        return successAnswer("", config_->raw);
    });
    r.add("status-get", [this](const json&) {
        const auto now = std::chrono::steady_clock::now();
        auto secs = [&](auto since) {
            return std::chrono::duration_cast<std::chrono::seconds>(now - since).count();
        };
        return successAnswer(
            "", {{"pid", ::getpid()}, {"uptime", secs(started_)}, {"reload", secs(reloaded_)}});
    });
    r.add("shutdown", [this](const json&) {
        requestShutdown_();
        return successAnswer("Shutdown initiated, type is: normal");
    });
    r.add("config-reload", [this](const json&) {
        std::string err = reload();
        if (!err.empty()) {
            return makeAnswer(CommandResult::Error, "Config reload failed: " + err);
        }
        return successAnswer("Configuration applied successfully.");
    });
    auto fromArgs = [](const json& args) {
        if (!args.is_object() || !args.contains("DhcpDdns")) {
            throw ConfigError("Missing mandatory 'DhcpDdns' parameter.");
        }
        return D2Config::fromJson(json{{"DhcpDdns", args["DhcpDdns"]}}, "<config-set>");
    };
    r.add("config-set", [this, fromArgs](const json& args) {
        try {
            std::string err = apply(std::make_shared<D2Config>(fromArgs(args)));
            if (!err.empty()) {
                return makeAnswer(CommandResult::Error, err);
            }
        } catch (const std::exception& e) {
            return makeAnswer(CommandResult::Error, e.what());
        }
        return successAnswer("Configuration applied successfully.");
    });
    r.add("config-test", [fromArgs](const json& args) {
        try {
            fromArgs(args);
        } catch (const std::exception& e) {
            return makeAnswer(CommandResult::Error, e.what());
        }
        return successAnswer("Configuration check successful");
    });
    r.add("config-write", [this](const json& args) {
        std::string path = file_;
        if (args.is_object() && args.contains("filename")) {
            if (!args["filename"].is_string()) {
                return makeAnswer(CommandResult::Error, "filename parameter must be a string");
            }
            path = args["filename"].get<std::string>();
        }
        std::string text;
        {
            std::lock_guard lock(configMutex_);
            text = config_->raw.dump(4);
        }
        std::ofstream out(path, std::ios::trunc);
        out << text << "\n";
        out.close();
        if (!out) {
            return makeAnswer(CommandResult::Error, "Unable to open file " + path + " for writing");
        }
        ::chmod(path.c_str(), 0640);
        return successAnswer("Configuration written to " + path + " successful",
                             {{"filename", path}, {"size", text.size() + 1}});
    });
}

} // namespace kahu::d2
