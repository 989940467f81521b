// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "control/control_host.h"
#include "control/http_auth.h"

#include <chrono>
#include <cstdint>
#include <kahu/export.h>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kahu {

struct KAHU_API HttpListenerOptions {
    BasicAuth auth; ///< no clients: no authentication
    /// TLS: all three set = HTTPS. trustAnchor is a CA file or a directory of them.
    std::string trustAnchor;
    std::string certFile;
    std::string keyFile;
    bool certRequired = true; ///< Kea's default: a client certificate is required
    /// Extra response headers ("http-headers": [{"name", "value"}]).
    std::vector<std::pair<std::string, std::string>> headers;
    /// Wrap each answer map in a list, as the Control Agent answers (Kea's HA listener and
    /// 3.0 HTTP control sockets do the same). Answers that already are lists pass unchanged.
    bool emulateAgent = true;
    size_t maxRequestBytes = 1 << 20;
    std::chrono::milliseconds requestTimeout{10000}; ///< Kea's request receive timeout
    std::chrono::milliseconds idleTimeout{30000};    ///< Kea's keep-alive idle timeout
    size_t maxConnections = 32;
    /// The logger the listener writes to.
    std::string logger = "kahu-dhcp4.http";

    bool tls() const { return !certFile.empty(); }

    /// Reads the auth/TLS/header keys of a control-socket entry or of a Control-agent map
    /// (other keys are ignored here: their owner validates them). Throws kahu::ConfigError
    /// naming `where`.
    static HttpListenerOptions fromJson(const nlohmann::json& entry, const std::string& where,
                                        const std::string& defaultRealm);
};

/// JSON over HTTP(S) with Kea's rules: POST only, Content-Type exactly application/json,
/// Content-Length required, 400/401/408/413 with a {"result", "text"} map body, 200 with the
/// answer, HTTP/1.0 and 1.1 answered in kind, keep-alive honoured. The client address is added
/// to each command as "remote-address". Owns its I/O thread; commands run on a second thread.
class KAHU_API HttpListener {
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
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace kahu
