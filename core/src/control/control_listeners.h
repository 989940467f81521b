// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "control/control_host.h"

#include <chrono>
#include <functional>
#include <kahu/config/server_config.h>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kahu {

class UnixListener;
class HttpListener;

/// The server's control channel: one listener per `control-socket(s)` entry (unix, http,
/// https), all calling the same executor. What the server starts after configuring and
/// reconfigures after config-set/config-reload.
class ControlListeners {
public:
    /// `metricsText` answers GET /metrics on the HTTP sockets whose entry has "metrics": true.
    explicit ControlListeners(CommandExecutor executor,
                              std::function<std::string()> metricsText = {});
    ~ControlListeners();

    /// Checks every entry without opening anything (-t, config-test): unix paths inside the
    /// control socket directory, auth/TLS/header keys valid. Throws kahu::ConfigError.
    static void validate(const std::vector<ControlSocketConfig>& sockets);

    /// Makes the running listeners match `sockets`: an entry equal to a running one keeps its
    /// listener (connections undisturbed), the rest are stopped, then new ones are started.
    /// Throws kahu::Error (bad entry, socket in use, port taken); the entries that did start
    /// keep running. Not to be called from inside the executor (stop joins its threads):
    /// post it to the main thread.
    void apply(const std::vector<ControlSocketConfig>& sockets);

    /// Stops every listener (removing unix socket files). Idempotent.
    void stop();

    /// Stops the listeners apply() retired once their open connections are done (or after
    /// kRetireSeconds). Called from the server's loop; cheap when nothing is retiring.
    void reap(bool force = false);
    static constexpr int kRetireSeconds = 10;

    /// Where each running listener is ("unix:/run/kahu/kahu4-ctrl-socket",
    /// "http:127.0.0.1:8000"), for logs and tests.
    std::vector<std::string> describe() const;

private:
    struct Running;
    CommandExecutor executor_;
    std::function<std::string()> metricsText_;
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<Running>> running_;
    /// Listeners no longer configured: not accepting, finishing their open connections.
    std::vector<std::pair<std::unique_ptr<Running>, std::chrono::steady_clock::time_point>>
        retiring_;
};

} // namespace kahu
