// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <kahu/export.h>
#include <kahu/http/basic_auth.h>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kahu::http {

struct Header {
    std::string name;
    std::string value;
    bool operator==(const Header&) const = default;
};

/// One request as a handler sees it.
struct KAHU_API Request {
    std::string method; ///< "POST", "GET", ...
    std::string target; ///< "/", "/metrics?x=1", ...
    unsigned version = 11;
    std::vector<Header> headers;
    std::string body;
    std::string remoteAddress; ///< the client's IP address
    std::string user;          ///< the user basic authentication let in; empty without it

    /// The first header of that name (case-insensitive), or nullptr.
    const std::string* header(std::string_view name) const;
};

/// What a handler answers.
struct KAHU_API Response {
    int status = 200;
    std::string body;
    std::string contentType = "application/json";
    std::vector<Header> headers;
    bool close = false; ///< close the connection after this answer

    /// Kea's error answer: status and the body {"result": status, "text": reason}.
    static Response error(int status);
};

/// Runs on a worker thread (see ServerOptions::workerThreads); may block. An exception
/// becomes a 500 answer.
using Handler = std::function<Response(const Request&)>;

struct KAHU_API ServerOptions {
    std::string host = "127.0.0.1"; ///< an IP literal
    uint16_t port = 0;              ///< 0 = any free port (see Server::port())
    BasicAuth auth;                 ///< no users = no authentication
    /// TLS when tls.certFile is set: then certFile, keyFile and trustAnchor are all required.
    TlsConfig tls;
    /// Headers added to every answer (Kea's "http-headers").
    std::vector<Header> headers;
    /// Kea's rules for JSON commands, checked before authentication as Kea does: POST only,
    /// Content-Type exactly application/json, Content-Length present, else 400. Off: every
    /// request that authenticates reaches the handler (a GET endpoint, for instance).
    bool jsonPostOnly = true;
    /// Paths a GET may ask for although jsonPostOnly is set ("/metrics"); they still
    /// authenticate.
    std::vector<std::string> getPaths;
    std::size_t maxRequestBytes = std::size_t{1} << 20; ///< larger: 413
    std::chrono::milliseconds requestTimeout{10000};    ///< a request not complete by then: 408
    std::chrono::milliseconds idleTimeout{30000};       ///< keep-alive idle limit
    std::size_t maxConnections = 32;                    ///< beyond: refused at once
    unsigned ioThreads = 1;                             ///< threads reading and writing connections
    unsigned workerThreads = 1; ///< threads running the handler (0 = on the I/O thread)
    /// The logger of the listener's messages (HTTP_*, COMMAND_HTTP_LISTENER_STARTED).
    std::string logger = "kahu-dhcp4.http";
    /// What the start message and errors call it ("Command HTTP listener", "HA listener").
    std::string name = "Command HTTP listener";
};

/// An HTTP/1.0 and 1.1 server with Kea's behaviour: keep-alive honoured, answers in the
/// request's version, 400/401/408/413 with Kea's map bodies, basic authentication, TLS with
/// client certificates. Owns its threads.
class KAHU_API Server {
public:
    Server(ServerOptions options, Handler handler);
    /// stop()s.
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Loads the TLS files, binds and starts serving. Throws kahu::Error with a clear message.
    void start();
    /// Stops serving, closes every connection, waits for a running handler, joins the
    /// threads. Idempotent; never from inside the handler.
    void stop();
    /// Stops accepting and frees the port, while the connections already open run to their
    /// answer. stop() ends them.
    void stopAccepting();
    /// No connection is open.
    bool idle() const;
    /// The bound port (after start()).
    uint16_t port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace kahu::http
