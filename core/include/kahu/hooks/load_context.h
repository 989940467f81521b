// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <kahu/command/handler.h>
#include <kahu/config/source_map.h>
#include <kahu/export.h>
#include <kahu/hooks/callout_context.h>
#include <kahu/hooks/hook_args.h>
#include <kahu/hooks/hook_point.h>
#include <kahu/hooks/verdict.h>
#include <kahu/host/host_store.h>
#include <kahu/http/client.h>
#include <kahu/http/server.h>
#include <kahu/lease/lease_store.h>
#include <kahu/metrics.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>
#include <string>
#include <type_traits>
#include <utility>

namespace kahu {
class ServerAccess;
} // namespace kahu

namespace kahu::hooks {

class HookSet;

/// A callout after type erasure: gets a pointer to ArgsFor<P>. Built by registerCallout.
using ErasedCallout = std::function<Verdict(void* args, CalloutContext& ctx)>;

/// What a library's load function gets: its parameters, its logger, and the ways to register
/// everything it provides. Everything registered here belongs to this library entry and is
/// removed when it is unloaded; until the hook set is activated, nothing is visible to the
/// server (a failed reload therefore leaves nothing behind).
///
/// Valid only during the load call; do not keep a reference to it.
class KAHU_API LoadContext {
public:
    /// The entry's "parameters" from hooks-libraries ({} when absent). Copy what you need.
    /// Read them with kahu::hooks::ParamReader (kahu/hooks/param_reader.h), which reports
    /// mistakes with their position in the file and refuses unknown keys.
    const nlohmann::json& parameters() const noexcept;
    /// Where the parameters were written: the key path
    /// "Dhcp4.hooks-libraries[<i>].parameters" and the position of each element in the
    /// configuration file (what ParamReader's messages show). Never null.
    const std::shared_ptr<const SourceMap>& parameterSource() const noexcept;
    /// This library's logger, "kahu-dhcp4.<name>"; keep the shared_ptr.
    const std::shared_ptr<spdlog::logger>& logger() const noexcept;
    /// "dhcp_example" for libdhcp_example.so.
    const std::string& libraryName() const noexcept;
    /// The resolved file path of the library.
    const std::string& libraryPath() const noexcept;
    /// True when the server runs with multi-threading: callouts then run concurrently.
    bool multiThreading() const noexcept;
    /// The running server (kahu/server_access.h): its leases, configuration and service
    /// state. Null when the libraries are loaded to check a configuration (-t, -T,
    /// config-test) or by another program. The pointer stays valid until the library is
    /// unloaded: keep it. What it returns (configuration, lease store) may change on reload,
    /// so ask it each time rather than keeping that.
    ServerAccess* server() const noexcept;

    /// Registers a callout for hook point P. `fn` must be callable as
    /// `Verdict(ArgsFor<P>&, CalloutContext&)`; anything else does not compile:
    ///
    ///     ctx.registerCallout<HookPoint::Pkt4Send>(
    ///         [](Pkt4SendArgs& args, CalloutContext&) { return Verdict::Continue; });
    ///
    /// Callouts of one hook point run in library order, then in registration order.
    template <HookPoint P, class F> void registerCallout(F&& fn) {
        static_assert(std::is_invocable_r_v<Verdict, F&, ArgsFor<P>&, CalloutContext&>,
                      "a callout for this hook point must be Verdict(ArgsFor<P>&, "
                      "CalloutContext&)");
        registerErased(P, [f = std::forward<F>(fn)](void* args, CalloutContext& ctx) mutable {
            return f(*static_cast<ArgsFor<P>*>(args), ctx);
        });
    }

    /// Registers a control command. Throws kahu::HookError when the name is already taken by
    /// a built-in command or another library of the set.
    void registerCommand(const std::string& name, CommandHandler handler);
    /// Runs any command by name, as the control channel would (the built-in ones and every
    /// active library's, this one's included once its set is active). For a library that
    /// takes commands on a listener of its own; may be called from any thread.
    CommandRunner commandRunner() const;

    /// Registers a lease-store type for "lease-database": {"type": type}. Throws
    /// kahu::HookError on a duplicate type. Stores it makes keep the library mapped.
    void registerLeaseStoreFactory(const std::string& type, LeaseStoreFactory factory);
    /// Registers a host-store type for "hosts-database(s)": {"type": type}. Throws
    /// kahu::HookError on a duplicate type. Stores it makes keep the library mapped.
    void registerHostStoreFactory(const std::string& type, HostStoreFactory factory);

    /// Runs `fn` every `interval` on a thread owned by the hook set, from activation until
    /// unload. Keep it short; exceptions are logged. Timers of one set share one thread.
    void addTimer(std::chrono::milliseconds interval, std::function<void()> fn);

    /// Adds metrics to GET /metrics (kahu/metrics.h) from activation until unload; the
    /// collector runs on the thread answering the scrape and must be quick and thread-safe.
    void addMetricsCollector(metrics::Collector collector);

    /// Hands work to the hook set's timer thread: `executor()(fn)` runs `fn` once, as soon as
    /// the thread is free, from activation until unload (afterwards it is dropped). For work
    /// that must not hold up a packet or a command (a report, a write to a slow medium). Keep
    /// the returned function; it may be called from any thread, also after this call.
    using Executor = std::function<void(std::function<void()>)>;
    Executor executor();

    /// An HTTP(S) server for this library (kahu/http/server.h: basic auth, TLS with client
    /// certificates, Kea's error answers), stopped when the library is unloaded, before its
    /// code goes. It is not started: call start() where the port is free, in a
    /// dhcp4_srv_configured callout (the previous configuration's server has stopped by then),
    /// whose exception fails the configuration. Its messages go to this library's logger
    /// unless options.logger names another.
    std::shared_ptr<http::Server> httpServer(http::ServerOptions options, http::Handler handler);
    /// An HTTP(S) client for this library (kahu/http/client.h), stopped at unload.
    std::shared_ptr<http::Client> httpClient(http::ClientOptions options = {});

    /// Built by the hook framework only.
    LoadContext(HookSet& set, std::size_t index) noexcept : set_(set), index_(index) {}

private:
    void registerErased(HookPoint point, ErasedCallout fn);

    HookSet& set_;
    std::size_t index_;
};

} // namespace kahu::hooks
