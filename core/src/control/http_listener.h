// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "control/control_host.h"

#include <cstdint>
#include <functional>
#include <kahu/http/server.h>
#include <memory>
#include <string>

namespace kahu {

/// An HTTP control socket's settings: the SDK server's, and how answers are shaped.
struct HttpListenerOptions : http::ServerOptions {
    /// Wrap each answer map in a list, as the Control Agent answers (Kea's HA listener and
    /// 3.0 HTTP control sockets do the same). Answers that already are lists pass unchanged.
    bool emulateAgent = true;

    /// Kahu's "commands" key: answer commands (POST). False makes a metrics-only socket.
    bool serveCommands = true;
    /// Kahu's "metrics" key: answer GET /metrics with `metricsText()`.
    bool serveMetrics = false;
    /// What GET /metrics answers (Prometheus' text format); set by the listener's owner.
    std::function<std::string()> metricsText;

    bool useTls() const { return !tls.certFile.empty(); }

    /// Reads the auth/TLS/header keys of a control-socket entry or of a Control-agent map
    /// (other keys are ignored here: their owner validates them). Throws kahu::ConfigError
    /// naming `where`.
    static HttpListenerOptions fromJson(const nlohmann::json& entry, const std::string& where,
                                        const std::string& defaultRealm);
};

/// The control channel over HTTP(S): the SDK's http::Server with Kea's rules for commands
/// (POST, application/json, Content-Length; 400/401/408/413 with a {"result", "text"} map
/// body), each command run by the executor with the client's address added as
/// "remote-address", on the server's worker thread. With serveMetrics, GET /metrics answers
/// the metrics in Prometheus' text format under the same authentication and TLS; without
/// serveCommands, commands are answered 404.
class HttpListener {
public:
    HttpListener(std::string host, uint16_t port, CommandExecutor executor,
                 HttpListenerOptions options = {});
    ~HttpListener();
    HttpListener(const HttpListener&) = delete;
    HttpListener& operator=(const HttpListener&) = delete;

    /// Loads certificates, binds and starts serving. Throws kahu::Error with a clear message.
    void start();
    /// Stops serving and closes every connection. Idempotent; not from inside the executor.
    void stop();
    /// Stops accepting and frees the port, while the connections already open run to their
    /// answer (see UnixListener::stopAccepting). stop() ends them.
    void stopAccepting();
    /// No connection is open.
    bool idle() const;
    /// The bound port (useful when constructed with port 0).
    uint16_t port() const;

private:
    HttpListenerOptions options_;
    std::unique_ptr<http::Server> server_;
};

} // namespace kahu
