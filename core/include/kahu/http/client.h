// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <kahu/export.h>
#include <kahu/http/basic_auth.h>
#include <kahu/http/server.h>
#include <memory>
#include <string>
#include <vector>

namespace kahu::http {

/// Where a client sends its requests.
struct Target {
    std::string host = "127.0.0.1"; ///< an IP literal or a name
    uint16_t port = 80;
    bool https = false;
    /// https: trustAnchor verifies the server (empty = the system's CAs); certFile/keyFile,
    /// when set, are the client certificate (keyFile empty = in certFile).
    TlsConfig tls;
    /// The Host header (empty = host:port).
    std::string hostHeader;
    /// How messages name it (empty = host:port), e.g. the peer's url.
    std::string name;

    std::string displayName() const;
    bool operator==(const Target&) const = default;
};

/// A URL split for a Client: target (host, port, https; name = the URL) and the request path.
struct Url {
    Target target;
    std::string path = "/";
};

/// Parses "http://host[:port][/path]" or "https://...". The host must be an IP address (IPv6
/// in brackets) unless allowNames. Throws std::invalid_argument saying what is wrong.
KAHU_API Url parseUrl(const std::string& url, bool allowNames = false);

struct ClientRequest {
    std::string method = "POST";
    std::string path = "/";
    std::string body;
    std::string contentType = "application/json";
    std::vector<Header> headers;              ///< e.g. {"Authorization", BasicAuth::header(u, p)}
    std::chrono::milliseconds timeout{10000}; ///< for the whole exchange, connect included
    unsigned version = 11;
};

/// The outcome of one request: an HTTP answer (any status), or a transport failure.
struct ClientResponse {
    /// Connect, TLS, timeout or protocol failure: the text; empty when an answer arrived.
    std::string error;
    /// The client was stopped before an answer arrived (error says so too).
    bool stopped = false;
    int status = 0;
    std::string reason;
    std::string body;
    std::vector<Header> headers;
    bool ok() const noexcept { return error.empty(); }
};

struct ClientOptions {
    unsigned threads = 1; ///< I/O threads (callbacks run on them)
    /// Parallel keep-alive connections to one target; requests beyond wait in a queue.
    unsigned connectionsPerTarget = 1;
    bool keepAlive = true;
    std::size_t maxResponseBytes = std::size_t{256} << 20;
    std::string logger = "kahu-dhcp4.http";
};

/// An asynchronous HTTP(S) client with keep-alive connections per target. A connection the
/// server closed while idle is opened again and the request sent once more.
///
/// Threading: send() may be called from any thread and never blocks; `done` runs exactly
/// once, on a client thread (never inline, except after stop(), when it runs at once with a
/// "stopped" failure). `done` may call send() again but must not wait for the client.
class KAHU_API Client {
public:
    using Callback = std::function<void(ClientResponse)>;

    explicit Client(ClientOptions options = {});
    /// stop()s.
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void send(const Target& target, ClientRequest request, Callback done);
    /// Fails queued and in-flight requests as stopped, closes the connections and joins the
    /// threads. Idempotent.
    void stop();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

/// One request, waited for, on a connection of its own that is closed afterwards (what a
/// command-line tool needs). Throws kahu::Error on a transport failure; an HTTP error status
/// is an answer.
KAHU_API ClientResponse request(const Target& target, const ClientRequest& request);

} // namespace kahu::http
