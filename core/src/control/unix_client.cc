// SPDX-License-Identifier: MPL-2.0
#include "control/unix_client.h"

#include "fs/file_descriptor.h"

#include <cerrno>
#include <cstring>
#include <kahu/error.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace kahu {

namespace {

// Waits for `events` until the deadline; throws on timeout.
void waitFor(int fd, short events, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            throw Error("Connection timed out");
        }
        pollfd p{fd, events, 0};
        int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r > 0) {
            return;
        }
        if (r < 0 && errno != EINTR) {
            throw Error(std::strerror(errno));
        }
    }
}

} // namespace

std::string sendUnixCommand(const std::string& socketPath, const std::string& text,
                            std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    sockaddr_un addr{};
    if (socketPath.size() >= sizeof(addr.sun_path)) {
        throw Error("File name too long");
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, socketPath.c_str(), socketPath.size() + 1);
    FileDescriptor s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!s) {
        throw Error(std::strerror(errno));
    }
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        if (errno != EINPROGRESS && errno != EAGAIN) {
            throw Error(std::strerror(errno));
        }
        waitFor(s.get(), POLLOUT, deadline);
        int err = 0;
        socklen_t len = sizeof(err);
        ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
            throw Error(std::strerror(err));
        }
    }
    size_t sent = 0;
    while (sent < text.size()) {
        ssize_t n = ::send(s.get(), text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                waitFor(s.get(), POLLOUT, deadline);
                continue;
            }
            throw Error(std::strerror(errno));
        }
        sent += static_cast<size_t>(n);
    }
    std::string answer;
    char buf[32768];
    for (;;) {
        ssize_t n = ::recv(s.get(), buf, sizeof(buf), 0);
        if (n > 0) {
            answer.append(buf, static_cast<size_t>(n));
            continue;
        }
        if (n == 0) {
            break;
        }
        if (errno == EAGAIN || errno == EINTR) {
            waitFor(s.get(), POLLIN, deadline);
            continue;
        }
        if (errno == ECONNRESET && !answer.empty()) {
            break;
        }
        throw Error(std::strerror(errno));
    }
    if (answer.empty()) {
        throw Error("Connection closed without an answer");
    }
    return answer;
}

} // namespace kahu
