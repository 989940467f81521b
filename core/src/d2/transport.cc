// SPDX-License-Identifier: MPL-2.0
// The DNS exchange over the network: one UDP datagram and its answer from the same address,
// the same exchange over TCP (two-octet length framing, RFC 1035 section 4.2.2) when the UDP
// answer comes back truncated.
#include "d2/updater.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kahu::d2 {

namespace {

using Clock = std::chrono::steady_clock;

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

bool toSockaddr(const DnsServer& s, sockaddr_storage& ss, socklen_t& len) {
    std::memset(&ss, 0, sizeof ss);
    auto* a4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (::inet_pton(AF_INET, s.address.c_str(), &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons(s.port);
        len = sizeof(sockaddr_in);
        return true;
    }
    if (::inet_pton(AF_INET6, s.address.c_str(), &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(s.port);
        len = sizeof(sockaddr_in6);
        return true;
    }
    return false;
}

int remainingMs(Clock::time_point deadline) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return ms.count() > 0 ? static_cast<int>(ms.count()) : 0;
}

/// Waits for `events` on fd until the deadline: 1 ready, 0 timeout, -1 error.
int waitFor(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        int r = ::poll(&p, 1, remainingMs(deadline));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        return r;
    }
}

ExchangeResult fail(ExchangeStatus s, std::string detail) {
    return ExchangeResult{s, {}, std::move(detail)};
}

ExchangeResult overTcp(const sockaddr_storage& ss, socklen_t len, const Bytes& query,
                       std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    Fd fd(::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (fd.fd < 0) {
        return fail(ExchangeStatus::Other, std::string("TCP socket: ") + std::strerror(errno));
    }
    if (::connect(fd.fd, reinterpret_cast<const sockaddr*>(&ss), len) < 0 && errno != EINPROGRESS) {
        return fail(ExchangeStatus::Other, std::string("TCP connect: ") + std::strerror(errno));
    }
    if (waitFor(fd.fd, POLLOUT, deadline) <= 0) {
        return fail(ExchangeStatus::Timeout, "TCP connect timed out");
    }
    int err = 0;
    socklen_t errLen = sizeof err;
    ::getsockopt(fd.fd, SOL_SOCKET, SO_ERROR, &err, &errLen);
    if (err != 0) {
        return fail(ExchangeStatus::Other, std::string("TCP connect: ") + std::strerror(err));
    }
    Bytes out{static_cast<uint8_t>(query.size() >> 8), static_cast<uint8_t>(query.size() & 0xff)};
    out.insert(out.end(), query.begin(), query.end());
    size_t sent = 0;
    while (sent < out.size()) {
        if (waitFor(fd.fd, POLLOUT, deadline) <= 0) {
            return fail(ExchangeStatus::Timeout, "TCP send timed out");
        }
        ssize_t n = ::send(fd.fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return fail(ExchangeStatus::Other, std::string("TCP send: ") + std::strerror(errno));
        }
        sent += n > 0 ? static_cast<size_t>(n) : 0;
    }
    Bytes in;
    size_t want = 2;
    while (in.size() < want) {
        if (waitFor(fd.fd, POLLIN, deadline) <= 0) {
            return fail(ExchangeStatus::Timeout, "TCP answer timed out");
        }
        uint8_t buf[4096];
        ssize_t n = ::recv(fd.fd, buf, std::min(sizeof buf, want - in.size()), 0);
        if (n == 0) {
            return fail(ExchangeStatus::Other, "TCP connection closed before the answer");
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            return fail(ExchangeStatus::Other, std::string("TCP receive: ") + std::strerror(errno));
        }
        in.insert(in.end(), buf, buf + n);
        if (want == 2 && in.size() == 2) {
            want = 2 + ((static_cast<size_t>(in[0]) << 8) | in[1]);
        }
    }
    return ExchangeResult{ExchangeStatus::Success, Bytes(in.begin() + 2, in.end()), ""};
}

class NetworkTransport final : public DnsTransport {
public:
    ExchangeResult exchange(const DnsServer& server, const Bytes& query,
                            std::chrono::milliseconds timeout) override {
        sockaddr_storage ss{};
        socklen_t len = 0;
        if (!toSockaddr(server, ss, len)) {
            return fail(ExchangeStatus::Other, "bad server address " + server.address);
        }
        const auto deadline = Clock::now() + timeout;
        Fd fd(::socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        if (fd.fd < 0) {
            return fail(ExchangeStatus::Other, std::string("socket: ") + std::strerror(errno));
        }
        if (::sendto(fd.fd, query.data(), query.size(), 0, reinterpret_cast<const sockaddr*>(&ss),
                     len) < 0) {
            return fail(ExchangeStatus::Other, std::string("send: ") + std::strerror(errno));
        }
        Bytes buf(65535);
        for (;;) {
            int w = waitFor(fd.fd, POLLIN, deadline);
            if (w == 0) {
                return fail(ExchangeStatus::Timeout,
                            "no answer within " + std::to_string(timeout.count()) + " ms");
            }
            if (w < 0) {
                return fail(ExchangeStatus::Other, std::string("poll: ") + std::strerror(errno));
            }
            sockaddr_storage from{};
            socklen_t fromLen = sizeof from;
            ssize_t n = ::recvfrom(fd.fd, buf.data(), buf.size(), 0,
                                   reinterpret_cast<sockaddr*>(&from), &fromLen);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return fail(ExchangeStatus::Other, std::string("receive: ") + std::strerror(errno));
            }
            // Only an answer from the server, to this query.
            if (fromLen != len || std::memcmp(&from, &ss, len) != 0 || n < 12 ||
                buf[0] != query[0] || buf[1] != query[1]) {
                continue;
            }
            Bytes answer(buf.begin(), buf.begin() + n);
            if ((answer[2] & 0x02) != 0) {
                return overTcp(ss, len, query, timeout);
            }
            return ExchangeResult{ExchangeStatus::Success, std::move(answer), ""};
        }
    }
};

} // namespace

std::unique_ptr<DnsTransport> makeNetworkTransport() {
    return std::make_unique<NetworkTransport>();
}

} // namespace kahu::d2
