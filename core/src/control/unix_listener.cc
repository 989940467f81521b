// SPDX-License-Identifier: MPL-2.0
#include "control/unix_listener.h"

#include "control/command_call.h"
#include "control/io_runtime.h"
#include "control/json_feed.h"
#include "fs/file_descriptor.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <kahu/error.h>
#include <kahu/log.h>
#include <kahu/paths.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace kahu {

namespace {

using Local = asio::local::stream_protocol;
namespace fs = std::filesystem;

std::string errnoText(int err) {
    return std::strerror(err);
}

// Binds a unix socket whose file never exists with a wider mode than 0600: on Linux the file
// takes the socket inode's mode, so fchmod before bind closes the window a later chmod leaves.
FileDescriptor bindSocketFile(const std::string& path) {
    sockaddr_un addr{};
    if (path.size() >= sizeof(addr.sun_path)) {
        throw Error("control socket path '" + path + "' is too long (at most " +
                    std::to_string(sizeof(addr.sun_path) - 1) + " bytes)");
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) {
        throw Error("cannot create control socket: " + errnoText(errno));
    }
    ::fchmod(fd.get(), 0600);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        throw Error("cannot bind control socket '" + path + "': " + errnoText(errno));
    }
    ::chmod(path.c_str(), 0600);
    if (::listen(fd.get(), SOMAXCONN) != 0) {
        const int err = errno;
        ::unlink(path.c_str());
        throw Error("cannot listen on control socket '" + path + "': " + errnoText(err));
    }
    return fd;
}

bool someoneListens(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    return fd && ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
}

// Removes a socket file nobody listens on (left by a crash); refuses a live one and anything
// that is not a socket.
void replaceStaleSocket(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        return;
    }
    if (!S_ISSOCK(st.st_mode)) {
        throw Error("control socket path '" + path +
                    "' exists and is not a socket; refusing to replace it");
    }
    if (someoneListens(path)) {
        throw Error("another process is already listening on control socket '" + path + "'");
    }
    ::unlink(path.c_str());
}

struct TextCall {
    const CommandExecutor* executor;
    std::string text;
    nlohmann::json operator()() { return callCommandText(*executor, text); }
};

} // namespace

struct UnixListener::Impl {
    std::string path;
    CommandExecutor executor;
    UnixListenerLimits limits;
    std::unique_ptr<IoRuntime> rt;
    std::unique_ptr<Local::acceptor> acceptor;
    FileDescriptor lock; ///< "<path>.lock", flock'ed while the path is ours
    bool bound = false;
    std::atomic<size_t> active{0};
    std::shared_ptr<spdlog::logger> log = log::get("kahu-dhcp4.commands");

    struct Conn {
        explicit Conn(Local::socket s) : sock(std::move(s)), timer(sock.get_executor()) {}
        Local::socket sock;
        asio::steady_timer timer;
        bool timedOut = false;
    };

    /// Removes the socket file and frees "<path>.lock" (a new listener may take the path).
    void releasePath() {
        if (bound) {
            ::unlink(path.c_str());
            bound = false;
        }
        lock.reset();
    }

    asio::awaitable<void> acceptLoop();
    asio::awaitable<void> session(Local::socket sock);
    asio::awaitable<void> writeAnswer(std::shared_ptr<Conn> c, const nlohmann::json& answer);
};

asio::awaitable<void> UnixListener::Impl::acceptLoop() {
    for (;;) {
        boost::system::error_code ec;
        Local::socket s =
            co_await acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor->is_open()) {
                co_return;
            }
            // Out of descriptors and the like: back off instead of spinning.
            asio::steady_timer t(co_await asio::this_coro::executor,
                                 std::chrono::milliseconds(100));
            co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        asio::co_spawn(rt->io(), session(std::move(s)), asio::detached);
    }
}

asio::awaitable<void> UnixListener::Impl::writeAnswer(std::shared_ptr<Conn> c,
                                                      const nlohmann::json& answer) {
    std::string text = answerText(answer);
    boost::system::error_code ec;
    c->timer.expires_after(limits.receiveTimeout);
    c->timer.async_wait([c](boost::system::error_code e) {
        if (!e) {
            c->sock.cancel();
        }
    });
    co_await asio::async_write(c->sock, asio::buffer(text),
                               asio::redirect_error(asio::use_awaitable, ec));
    c->timer.cancel();
}

asio::awaitable<void> UnixListener::Impl::session(Local::socket sock) {
    struct Count {
        std::atomic<size_t>& n;
        ~Count() { --n; }
    } count{active};
    auto conn = std::make_shared<Conn>(std::move(sock));
    boost::system::error_code ec;
    nlohmann::json answer;
    if (++active > limits.maxConnections) {
        KAHU_WARN(log, "COMMAND_SOCKET_CONNECTION_LIMIT",
                  "control socket {}: more than {} connections, refusing one", path,
                  limits.maxConnections);
        answer = {{"result", 1}, {"text", "Too many connections over control channel"}};
    } else {
        conn->timer.expires_after(limits.receiveTimeout);
        conn->timer.async_wait([conn](boost::system::error_code e) {
            if (!e) {
                conn->timedOut = true;
                conn->sock.cancel();
            }
        });
        JsonFeed feed;
        size_t total = 0;
        std::array<char, 32768> buf;
        for (;;) {
            size_t n = co_await conn->sock.async_read_some(
                asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (conn->timedOut) {
                    std::string text = "Connection over control channel timed out";
                    if (total > 0) {
                        text +=
                            ", discarded partial command of " + std::to_string(total) + " bytes";
                    }
                    answer = {{"result", 1}, {"text", text}};
                }
                break; // EOF or error before a whole command: nothing to answer
            }
            total += n;
            if (total > limits.maxRequestBytes) {
                answer = {{"result", 1},
                          {"text", "Command over control channel exceeds the limit of " +
                                       std::to_string(limits.maxRequestBytes) + " bytes"}};
                break;
            }
            if (feed.feed(std::string_view(buf.data(), n)) == JsonFeed::State::Error) {
                answer = {
                    {"result", 1},
                    {"text", "Invalid command received over control channel: " + feed.error()}};
                break;
            }
            if (feed.state() == JsonFeed::State::Complete) {
                conn->timer.cancel();
                auto call = callOnWorker<nlohmann::json>(TextCall{&executor, feed.text()});
                answer =
                    co_await asio::co_spawn(rt->workers(), std::move(call), asio::use_awaitable);
                break;
            }
        }
        conn->timer.cancel();
    }
    if (!answer.is_null()) {
        if (answer.value("result", 0) != 0 && !conn->timedOut) {
            KAHU_DEBUG(log, 10, "COMMAND_SOCKET_ERROR_ANSWER", "control socket {}: {}", path,
                       answer.value("text", std::string()));
        }
        conn->timedOut = false;
        co_await writeAnswer(conn, answer);
    }
    // Closing with unread input makes the kernel send a reset that can destroy the answer
    // before the client reads it (a client still writing a huge or second command). So: end
    // our side, then discard input until the client closes, for at most a second.
    conn->sock.shutdown(Local::socket::shutdown_send, ec);
    conn->timer.expires_after(std::chrono::seconds(1));
    conn->timer.async_wait([conn](boost::system::error_code e) {
        if (!e) {
            conn->sock.cancel();
        }
    });
    std::array<char, 65536> sink;
    while (!ec) {
        co_await conn->sock.async_read_some(asio::buffer(sink),
                                            asio::redirect_error(asio::use_awaitable, ec));
    }
    conn->timer.cancel();
    conn->sock.close(ec);
}

UnixListener::UnixListener(const std::string& socketName, CommandExecutor executor,
                           UnixListenerLimits limits)
    : impl_(std::make_unique<Impl>()) {
    impl_->path = resolvePath(socketName);
    impl_->executor = std::move(executor);
    impl_->limits = limits;
}

UnixListener::~UnixListener() {
    stop();
}

const std::string& UnixListener::path() const {
    return impl_->path;
}

std::string UnixListener::resolvePath(const std::string& socketName) {
    if (socketName.empty()) {
        throw ConfigError("control socket: socket-name is empty");
    }
    try {
        return confinePath(PathKind::Socket, socketName);
    } catch (const PathError& e) {
        throw ConfigError(std::string("control socket: ") + e.what());
    }
}

void UnixListener::start() {
    Impl& d = *impl_;
    if (d.rt) {
        return;
    }
    std::error_code fec;
    fs::create_directories(fs::path(d.path).parent_path(), fec);
    std::string lockPath = d.path + ".lock";
    FileDescriptor lock(::open(lockPath.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
    if (!lock) {
        throw Error("cannot open control socket lock file '" + lockPath + "': " + errnoText(errno));
    }
    if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
        throw Error("control socket '" + d.path + "' is in use by another process (" + lockPath +
                    " is locked)");
    }
    replaceStaleSocket(d.path);
    FileDescriptor fd = bindSocketFile(d.path);
    d.lock = std::move(lock);
    d.bound = true;
    d.rt = std::make_unique<IoRuntime>();
    d.acceptor = std::make_unique<Local::acceptor>(d.rt->io());
    d.acceptor->assign(Local(), fd.release()); // the acceptor owns it from here
    asio::co_spawn(d.rt->io(), d.acceptLoop(), asio::detached);
    d.rt->run();
    KAHU_INFO(d.log, "COMMAND_ACCEPTOR_START",
              "Starting to accept connections via unix domain socket bound to {}", d.path);
}

void UnixListener::stopAccepting() {
    Impl& d = *impl_;
    if (d.rt && d.acceptor) {
        closeAcceptorOnIoThread(d.rt->io(), *d.acceptor);
    }
    d.releasePath();
}

bool UnixListener::idle() const {
    return impl_->active.load() == 0;
}

void UnixListener::stop() {
    Impl& d = *impl_;
    if (d.rt) {
        d.rt->stop();
        d.acceptor.reset();
        d.rt.reset();
    }
    d.releasePath();
}

} // namespace kahu
