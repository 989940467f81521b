// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "control/control_host.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace kahu {

struct UnixListenerLimits {
    /// A command larger than this is answered with result 1 and the connection closed.
    size_t maxRequestBytes = 1 << 20;
    /// Kea's TIMEOUT_DHCP_SERVER_RECEIVE_COMMAND: the whole command must arrive within it.
    std::chrono::milliseconds receiveTimeout{10000};
    /// Connections over this number are answered with result 1 and closed at once.
    size_t maxConnections = 32;
};

/// The unix control socket with Kea's framing: a client writes one JSON value (no length
/// prefix, comments allowed), gets one JSON answer and the server closes the connection.
/// Runs its own I/O thread; commands run one at a time on a second thread so a slow command
/// never stops timeouts from firing. Thread-safe start/stop; stop() must not be called from
/// inside the executor.
class UnixListener {
public:
    /// socketName: a path in a control socket directory (kahu/paths.h) or a bare file name
    /// (placed in Kahu's).
    UnixListener(const std::string& socketName, CommandExecutor executor,
                 UnixListenerLimits limits = {});
    ~UnixListener();
    UnixListener(const UnixListener&) = delete;
    UnixListener& operator=(const UnixListener&) = delete;

    /// Checks the path, takes "<path>.lock", replaces a stale socket file, binds (mode 0600)
    /// and starts serving. Throws kahu::Error with an operator-facing message (another
    /// process listening, directory not allowed, bind failure).
    void start();
    /// Stops serving, closes every connection and removes the socket file. Idempotent.
    void stop();
    /// Stops accepting and removes the socket file (so a new listener may take the path),
    /// while the connections already open run to their answer: a config-set that moves the
    /// socket is answered on the connection it came in on. stop() ends them.
    void stopAccepting();
    /// No connection is open.
    bool idle() const;

    /// The resolved socket path (valid after construction).
    const std::string& path() const;

    /// Resolves a configured socket-name with confinePath(PathKind::Socket) (Kahu's and Kea's
    /// socket directories); throws kahu::ConfigError naming the path and the directories.
    static std::string resolvePath(const std::string& socketName);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace kahu
