// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "command/command_registry.h"
#include "hooks/hook_timers.h"
#include "hooks/library_entry.h"
#include "hooks/park.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <kahu/config/server_config.h>
#include <kahu/hooks/hook_args.h>
#include <kahu/hooks/load_context.h>
#include <kahu/hooks/packet_context.h>
#include <kahu/lease/lease_store.h>
#include <map>
#include <memory>
#include <spdlog/logger.h>
#include <string>
#include <type_traits>
#include <vector>

namespace kahu::hooks {

/// -t only opens the libraries and checks their entry points; -T and a real (re)configuration
/// also run load().
enum class LoadMode : uint8_t { Validate, Load };

/// What the server tells a hook set besides the library list.
struct HookSetOptions {
    uint32_t parkedPacketLimit = 256;       ///< parked-packet-limit; 0 = no limit
    std::function<void()> onParkLimitDrop;  ///< e.g. increments pkt4-receive-drop
    std::shared_ptr<spdlog::logger> logger; ///< framework messages; default "kahu-dhcp4.hooks"
    std::string hooksDir;                   ///< "" = hooksDirectory()
    /// The running server, handed to the libraries (LoadContext::server()); null for
    /// configuration checks and outside kahu-dhcp4.
    ServerAccess* server = nullptr;
};

/// The continuation of a parked packet: resume = false means drop it.
using Continuation = std::function<void(bool resume)>;

/// The libraries of one configuration and everything they registered. Built by loadHookSet()
/// (staging), made active by HookManager::activate(), unloaded when replaced. Immutable after
/// loading, so run() takes no lock. Hold a shared_ptr for the whole life of a packet.
class HookSet {
public:
    ~HookSet();
    HookSet(const HookSet&) = delete;
    HookSet& operator=(const HookSet&) = delete;

    /// True when some callout is registered for the point. One load and one bit test.
    bool has(HookPoint point) const noexcept {
        return (mask_ >> static_cast<unsigned>(point)) & 1u;
    }

    /// Runs the callouts of P in library order, then registration order, and returns the
    /// combined verdict. Returns Continue at once when nothing is registered for P (the
    /// continuation is then not even converted to a std::function).
    ///
    /// `packet` is the query's PacketContext (nullptr for hook points without a packet).
    /// `continuation` matters only where P can park: when the result is Park, the packet now
    /// belongs to the continuation, which runs exactly once (resume = true to go on, false to
    /// drop) on the thread that resolves the last hold, possibly before run() returns.
    template <HookPoint P, class K = std::nullptr_t>
    Verdict run(ArgsFor<P>& args, PacketContext* packet = nullptr,
                K&& continuation = nullptr) noexcept {
        if (!has(P)) {
            return Verdict::Continue;
        }
        if constexpr (std::is_same_v<std::decay_t<K>, std::nullptr_t>) {
            return runErased(P, &args, packet, Continuation());
        } else {
            return runErased(P, &args, packet, Continuation(std::forward<K>(continuation)));
        }
    }

    /// Number of library entries.
    std::size_t size() const noexcept { return libraries_.size(); }
    const detail::LibraryEntry& library(std::size_t index) const { return *libraries_.at(index); }
    /// Packets currently parked by this set.
    uint32_t parkedCount() const noexcept;
    /// Commands registered by the libraries (wrapped to keep their library mapped).
    const std::map<std::string, CommandHandler>& commands() const noexcept { return commands_; }
    /// The factory of a lease-store type registered by a library of this set, or nullptr.
    const LeaseStoreFactory* leaseStoreFactory(const std::string& type) const noexcept;
    const std::map<std::string, LeaseStoreFactory>& leaseStoreFactories() const noexcept {
        return storeFactories_;
    }
    /// The factory of a host-store type registered by a library of this set, or nullptr. The
    /// stores it makes keep the library mapped.
    using SharedHostStoreFactory =
        std::function<std::shared_ptr<HostStore>(const HostStoreParams&)>;
    const SharedHostStoreFactory* hostStoreFactory(const std::string& type) const noexcept;
    /// Callouts registered for a hook point.
    std::size_t calloutCount(HookPoint point) const noexcept;

    /// Starts the timers and metrics collectors the libraries added (HookManager::activate
    /// calls it).
    void startTimers();
    /// Unloads: stops running callouts (run() returns Continue from now on) and timers, drops
    /// the packets the libraries parked, and calls each library's unload() in reverse load
    /// order. The files stay mapped until the last object they made is gone. Idempotent.
    void unload() noexcept;
    bool unloaded() const noexcept { return unloaded_.load(std::memory_order_acquire); }

private:
    friend class LoadContext;
    friend std::shared_ptr<HookSet> loadHookSet(const std::vector<HookLibraryConfig>&, LoadMode,
                                                bool, HookSetOptions);

    struct Callout {
        std::shared_ptr<const void> keepMapped; // first: outlives fn
        std::size_t library;
        ErasedCallout fn;
    };

    explicit HookSet(HookSetOptions options);
    Verdict runErased(HookPoint point, void* args, PacketContext* packet,
                      Continuation continuation) noexcept;
    Verdict finishPark(HookPoint point, Verdict verdict, detail::ParkSite& site,
                       Continuation& continuation) noexcept;
    void openLibrary(const HookLibraryConfig& config, const std::string& hooksDir);
    void loadLibrary(detail::LibraryEntry& entry);

    HookSetOptions options_;
    std::shared_ptr<spdlog::logger> logger_;
    bool multiThreading_ = false;
    uint32_t mask_ = 0;
    std::vector<std::unique_ptr<detail::LibraryEntry>> libraries_;
    std::array<std::vector<Callout>, kHookPointCount> callouts_;
    std::map<std::string, CommandHandler> commands_;
    std::map<std::string, std::size_t> commandOwners_;
    std::map<std::string, LeaseStoreFactory> storeFactories_;
    std::map<std::string, std::size_t> storeOwners_;
    std::map<std::string, SharedHostStoreFactory> hostStoreFactories_;
    std::map<std::string, std::size_t> hostStoreOwners_;
    std::shared_ptr<HookTimers> timers_ = std::make_shared<HookTimers>();
    /// What libraries made through their LoadContext (HTTP servers and clients): stopped at
    /// unload, before the libraries are unloaded and unmapped.
    std::vector<std::function<void()>> stoppers_;
    /// Metrics collectors registered in load(), added to the registry at activation.
    std::vector<metrics::Collector> collectors_;
    std::shared_ptr<detail::ParkCounter> parkCounter_;
    std::atomic<bool> unloaded_{false};
    std::atomic<uint32_t> inFlight_{0};
};

/// Builds a hook set from the "hooks-libraries" list: resolves each path, opens the file,
/// checks kahu_hook_abi_version, kahu_hook_fingerprint, the load/unload entry points and (when
/// multiThreading) kahu_hook_multi_threading_compatible, then — in LoadMode::Load — calls each
/// load() in list order. Any failure unloads what was loaded and throws kahu::HookError whose
/// text names the library; nothing the set registered is visible anywhere.
std::shared_ptr<HookSet> loadHookSet(const std::vector<HookLibraryConfig>& libraries, LoadMode mode,
                                     bool multiThreading, HookSetOptions options = {});

} // namespace kahu::hooks
