// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_config.h"

#include <cstdint>
#include <functional>
#include <kahu/command/handler.h>
#include <kahu/http/server.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace kahu::ha {

/// The HA dedicated listener (Kea 2.4+, ARM "Multi-Threaded Configuration (HA+MT)"): the server
/// itself accepts its partner's commands on this server's peer url, without a control agent in
/// between.
///
/// The SDK's http::Server with Kea's rules: POST with a JSON command (Content-Type exactly
/// application/json, else 400); basic auth when this server's peer entry has basic-auth-user
/// (else 401); TLS for an https url, with client certificates required when
/// require-client-certs is on. The command runs through the executor (the library passes
/// LoadContext::commandRunner) on a listener thread and the answer goes back
/// wrapped in a list, as a control agent would send it. With restrict-commands only the HA
/// peer commands are accepted; anything else gets 403 {"result": 403, "text": "Forbidden"}.
class HttpListener {
public:
    struct Options {
        std::string host;          ///< IP literal from this server's url
        uint16_t port = 0;         ///< 0 = any free port (tests; see port())
        std::string basicAuthUser; ///< empty = no authentication
        std::string basicAuthPassword;
        bool https = false;
        TlsFiles tls;
        bool requireClientCerts = true;
        bool restrictCommands = false;
        unsigned threads = 1; ///< http-listener-threads (0 = 1)

        /// From this server's peer entry and the relationship's settings.
        static Options fromConfig(const HaConfig& config, const PeerConfig& thisServer);
    };
    using Executor = CommandRunner;

    /// How the SDK server is made: the library passes LoadContext::httpServer, so the host
    /// stops it at unload; empty = a server of its own (tests).
    using ServerFactory =
        std::function<std::shared_ptr<http::Server>(http::ServerOptions, http::Handler)>;

    HttpListener(Options options, Executor executor, ServerFactory make = {});
    /// stop()s.
    ~HttpListener();

    /// Binds and starts serving; throws kahu::Error when the address cannot be bound or the
    /// TLS files cannot be loaded.
    void start();
    /// Closes the listening socket and the connections, waits for a running command, joins
    /// the threads. Idempotent.
    void stop();
    /// The bound port (after start()).
    uint16_t port() const;

    /// The commands restrict-commands lets through (Kea's ha_commands4_).
    static bool allowedWhenRestricted(const std::string& command);
    /// The server settings for these options (auth, TLS, threads, limits).
    static http::ServerOptions serverOptions(const Options& options);
    /// The answer to one request the server admitted (listener_rules.cc; no I/O).
    static http::Response respond(const Options& options, const Executor& executor,
                                  const http::Request& request);

    HttpListener(const HttpListener&) = delete;
    HttpListener& operator=(const HttpListener&) = delete;

private:
    Options options_;
    std::shared_ptr<http::Server> server_;
};

} // namespace kahu::ha
