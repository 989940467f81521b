// SPDX-License-Identifier: MPL-2.0
// Helpers for the transport tests: a temporary control socket directory, an echo executor and
// raw socket clients that send exact bytes.
#pragma once

#include "control/control_host.h"

#include <arpa/inet.h>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace kahu::test {

/// A fresh directory set as KAHU_CONTROL_SOCKET_DIR for the test's lifetime.
struct SocketDir {
    std::string path;
    SocketDir() {
        char tmpl[] = "/tmp/kahu-transport.XXXXXX";
        path = ::mkdtemp(tmpl);
        ::setenv("KAHU_CONTROL_SOCKET_DIR", path.c_str(), 1);
    }
    ~SocketDir() {
        ::unsetenv("KAHU_CONTROL_SOCKET_DIR");
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

/// Answers {"result": 0, "arguments": <the command>} so a test sees what arrived.
inline CommandExecutor echoExecutor() {
    return [](const nlohmann::json& cmd) {
        return nlohmann::json{{"result", 0}, {"arguments", cmd}};
    };
}

/// Sends bytes to a connected fd and reads until the peer closes or timeoutMs passes.
inline std::string exchangeFd(int fd, const std::string& data, int timeoutMs, bool halfClose) {
    if (!data.empty()) {
        ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    }
    if (halfClose) {
        ::shutdown(fd, SHUT_WR);
    }
    std::string out;
    char buf[65536];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) <= 0) {
            break;
        }
        ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            break;
        }
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

inline int connectUnix(const std::string& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof(a.sun_path) - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

inline int connectTcp(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

inline std::string rawUnix(const std::string& path, const std::string& data, int timeoutMs = 3000,
                           bool halfClose = false) {
    int fd = connectUnix(path);
    return fd < 0 ? std::string("<connect failed>") : exchangeFd(fd, data, timeoutMs, halfClose);
}

inline std::string rawTcp(uint16_t port, const std::string& data, int timeoutMs = 3000) {
    int fd = connectTcp(port);
    return fd < 0 ? std::string("<connect failed>") : exchangeFd(fd, data, timeoutMs, false);
}

} // namespace kahu::test
