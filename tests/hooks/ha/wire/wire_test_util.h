// SPDX-License-Identifier: MPL-2.0
// Fakes for the HA wire tests: a scripted PeerChannel, an in-memory Leases, and a tiny
// blocking HTTP server on 127.0.0.1 that records what it receives.
#pragma once

#include "peer_channel.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <filesystem>
#include <kahu/server_access.h>
#include <map>
#include <mutex>
#include <sys/types.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace kahu::ha::test {

inline PeerConfig peer(std::string name, uint16_t port = 0, bool backup = false) {
    PeerConfig p;
    p.name = std::move(name);
    p.host = "127.0.0.1";
    p.port = port;
    p.url = "http://127.0.0.1:" + std::to_string(port) + "/";
    p.role = backup ? PeerRole::Backup : PeerRole::Secondary;
    return p;
}

inline Lease4 lease(const std::string& ip, int64_t cltt = 1795400995, uint8_t mac = 1) {
    Lease4 l;
    l.address = *Ipv4Address::fromText(ip);
    l.hwAddr = HwAddr{1, {0x02, 0, 0, 0, 0, mac}};
    l.validLifetime = 3600;
    l.cltt = cltt;
    l.subnetId = 1;
    return l;
}

/// A PeerChannel that answers through a handler, inline on the sending thread.
class FakeChannel : public PeerChannel {
public:
    struct Sent {
        std::string peer;
        std::string command;
        nlohmann::json arguments;
        std::chrono::milliseconds timeout;
    };
    /// Returns the answer for a command; default: {"result": 0}.
    std::function<PeerAnswer(const Sent&)> handler;
    /// When set, answers are held until release() instead of being delivered at once.
    bool hold = false;

    void send(const PeerConfig& to, const std::string& command, nlohmann::json arguments,
              std::chrono::milliseconds timeout, Callback done) override {
        Sent s{to.name, command, std::move(arguments), timeout};
        {
            std::lock_guard g(m_);
            sent.push_back(s);
            if (hold) {
                held_.emplace_back(s, std::move(done));
                return;
            }
        }
        done(answer(s));
    }
    void stop() override {}

    /// Delivers every held answer.
    void release() {
        std::vector<std::pair<Sent, Callback>> h;
        {
            std::lock_guard g(m_);
            h.swap(held_);
        }
        for (auto& [s, cb] : h) {
            cb(answer(s));
        }
    }
    size_t heldCount() {
        std::lock_guard g(m_);
        return held_.size();
    }
    std::vector<Sent> sent;

    static PeerAnswer result(int r, std::string text = {}) {
        PeerAnswer a;
        a.answer = {{"result", r}};
        if (!text.empty()) {
            a.answer["text"] = text;
        }
        return a;
    }
    static PeerAnswer transportError(std::string text) {
        PeerAnswer a;
        a.transportError = std::move(text);
        return a;
    }

private:
    PeerAnswer answer(const Sent& s) { return handler ? handler(s) : result(0); }
    std::mutex m_;
    std::vector<std::pair<Sent, Callback>> held_;
};

/// Leases in a map, with the modify() contract of the SDK.
class FakeLeases : public Leases {
public:
    std::optional<Lease4> get(Ipv4Address a) const override {
        std::lock_guard g(m_);
        auto it = map_.find(a.value());
        return it == map_.end() ? std::nullopt : std::optional(it->second);
    }
    std::vector<Lease4> getByHwAddr(const HwAddr&) const override { return {}; }
    std::vector<Lease4> getByClientId(const ClientId&) const override { return {}; }
    std::vector<Lease4> getByHostname(std::string_view) const override { return {}; }
    std::vector<Lease4> getBySubnet(SubnetId) const override { return {}; }
    std::vector<Lease4> getAll() const override {
        std::lock_guard g(m_);
        std::vector<Lease4> out;
        for (auto& [k, l] : map_) {
            out.push_back(l);
        }
        return out;
    }
    std::vector<Lease4> getPage(Ipv4Address after, size_t limit) const override {
        std::lock_guard g(m_);
        std::vector<Lease4> out;
        for (auto it = map_.upper_bound(after.value()); it != map_.end() && out.size() < limit;
             ++it) {
            out.push_back(it->second);
        }
        return out;
    }
    size_t size() const override {
        std::lock_guard g(m_);
        return map_.size();
    }
    bool modify(Ipv4Address a,
                const std::function<Action(std::optional<Lease4>&)>& change) override {
        std::lock_guard g(m_);
        std::optional<Lease4> cur;
        if (auto it = map_.find(a.value()); it != map_.end()) {
            cur = it->second;
        }
        switch (change(cur)) {
        case Action::Keep:
            break;
        case Action::Store:
            map_[a.value()] = *cur;
            ++writes;
            break;
        case Action::Remove:
            map_.erase(a.value());
            ++writes;
            break;
        }
        return true;
    }
    size_t wipe(SubnetId) override { return 0; }
    void writeCsv(const std::string&) const override {}
    size_t writes = 0;

private:
    mutable std::mutex m_;
    std::map<uint32_t, Lease4> map_;
};

/// A ServerAccess over FakeLeases, installed for the test's lifetime.
class FakeServer : public ServerAccess {
public:
    Leases& leases() override { return leases_; }
    std::shared_ptr<const ServerConfig> config() const override { return nullptr; }
    void disableService(uint32_t) override {}
    void enableService(uint32_t) override {}
    bool serviceEnabled() const noexcept override { return true; }
    FakeLeases leases_;
};

/// A blocking HTTP/1.1 server on 127.0.0.1 with one thread per connection; `reply` decides
/// each answer. Records every request and counts connections.
class TestHttpServer {
public:
    using Request = boost::beast::http::request<boost::beast::http::string_body>;
    using Response = boost::beast::http::response<boost::beast::http::string_body>;
    std::function<Response(const Request&)> reply;
    /// Close the connection after this many requests on it (0 = never).
    size_t closeAfter = 0;
    /// With closeAfter: close without saying so (the answer still promises keep-alive), as a
    /// peer whose idle timeout expired does.
    bool silentClose = false;

    TestHttpServer() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { acceptLoop(); });
    }
    ~TestHttpServer() {
        stopping_ = true;
        boost::system::error_code ec;
        { // wake the blocking accept()
            boost::asio::ip::tcp::socket wake(io_);
            wake.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
            thread_.join();
        }
        acceptor_.close(ec);
        {
            std::lock_guard g(m_);
            for (auto* s : sockets_) {
                s->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
            }
        }
        for (auto& t : sessions_) {
            t.join();
        }
    }
    uint16_t port() const { return port_; }
    std::vector<Request> requests() {
        std::lock_guard g(m_);
        return requests_;
    }
    size_t connections() const { return connections_; }

    static Response json(const std::string& body, unsigned status = 200) {
        Response r{static_cast<boost::beast::http::status>(status), 11};
        r.set(boost::beast::http::field::content_type, "application/json");
        r.body() = body;
        return r;
    }

private:
    void acceptLoop() {
        for (;;) {
            boost::asio::ip::tcp::socket s(io_);
            boost::system::error_code ec;
            acceptor_.accept(s, ec);
            if (ec || stopping_) {
                return;
            }
            ++connections_;
            sessions_.emplace_back([this, s = std::move(s)]() mutable { session(s); });
        }
    }
    void session(boost::asio::ip::tcp::socket& s) {
        namespace http = boost::beast::http;
        {
            std::lock_guard g(m_);
            sockets_.push_back(&s);
        }
        boost::beast::flat_buffer buf;
        for (size_t n = 1;; ++n) {
            Request req;
            boost::system::error_code ec;
            http::read(s, buf, req, ec);
            if (ec) {
                break;
            }
            {
                std::lock_guard g(m_);
                requests_.push_back(req);
            }
            Response res = reply ? reply(req) : json("[ { \"result\": 0 } ]");
            bool last = closeAfter != 0 && n >= closeAfter;
            res.keep_alive(req.keep_alive() && (!last || silentClose));
            res.prepare_payload();
            http::write(s, res, ec);
            if (ec || !res.keep_alive() || last) {
                break;
            }
        }
        boost::system::error_code ec;
        std::lock_guard g(m_);
        std::erase(sockets_, &s);
        s.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
        s.close(ec);
    }

    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    uint16_t port_ = 0;
    std::thread thread_;
    std::vector<std::thread> sessions_;
    std::mutex m_;
    std::vector<Request> requests_;
    std::vector<boost::asio::ip::tcp::socket*> sockets_;
    std::atomic<size_t> connections_{0};
    std::atomic<bool> stopping_{false};
};

/// A port nobody listens on right now.
inline uint16_t freePort() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

/// Starts `exe -c config` with its output in dir/log and Kea's/Kahu's run-time files in dir.
inline pid_t spawn(const std::string& exe, const std::string& config,
                   const std::filesystem::path& dir, const std::string& log) {
    pid_t pid = fork();
    if (pid == 0) {
        setenv("KEA_PIDFILE_DIR", dir.c_str(), 1);
        setenv("KEA_LOCKFILE_DIR", dir.c_str(), 1);
        setenv("KAHU_CONTROL_SOCKET_DIR", dir.c_str(), 1);
        setenv("KAHU_DHCP_DATA_DIR", dir.c_str(), 1);
        setenv("KAHU_LOG_FILE_DIR", dir.c_str(), 1);
        setenv("KAHU_PIDFILE_DIR", dir.c_str(), 1);
        setenv("KEA_LOGGER_DESTINATION", (dir / log).c_str(), 1);
        // Without its log a failing test would not say why: no log, no start.
        if (!freopen((dir / log).c_str(), "w", stdout) ||
            !freopen((dir / log).c_str(), "a", stderr)) {
            _exit(127);
        }
        execl(exe.c_str(), exe.c_str(), "-c", config.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    return pid;
}

/// Waits for a callback's value.
template <class T> class Waiter {
public:
    void set(T v) {
        std::lock_guard g(m_);
        value_ = std::move(v);
        cv_.notify_all();
    }
    std::optional<T> wait(std::chrono::milliseconds t = std::chrono::seconds(10)) {
        std::unique_lock g(m_);
        cv_.wait_for(g, t, [&] { return value_.has_value(); });
        return value_;
    }

private:
    std::mutex m_;
    std::condition_variable cv_;
    std::optional<T> value_;
};

} // namespace kahu::ha::test
