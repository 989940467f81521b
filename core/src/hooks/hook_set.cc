// SPDX-License-Identifier: MPL-2.0
#include "hooks/hook_set.h"

#include "hooks/hook_logger.h"
#include "hooks/hook_manager.h"
#include "hooks/keep_mapped_store.h"
#include "hooks/library_path.h"
#include "lease/lease_store_factories.h"

#include <algorithm>
#include <dlfcn.h>
#include <filesystem>
#include <kahu/error.h>
#include <kahu/hooks/library.h>
#include <thread>

namespace kahu::hooks {

namespace detail {

DlHandle::~DlHandle() {
    if (handle != nullptr) {
        dlclose(handle);
    }
}

std::string LibraryEntry::describe() const {
    return "'" + configured + "'" + (location.empty() ? "" : " (" + location + ")");
}

} // namespace detail

// --- CalloutContext: the parts that need the library entry ---------------------------------

const std::string& CalloutContext::libraryName() const noexcept {
    return library_.name;
}

spdlog::logger& CalloutContext::logger() const noexcept {
    return *library_.logger;
}

std::shared_ptr<const void> CalloutContext::keepMapped() const noexcept {
    return library_.dl;
}

// --- LoadContext ---------------------------------------------------------------------------

const nlohmann::json& LoadContext::parameters() const noexcept {
    return set_.libraries_[index_]->parameters;
}

const std::shared_ptr<const SourceMap>& LoadContext::parameterSource() const noexcept {
    return set_.libraries_[index_]->source;
}

const std::shared_ptr<spdlog::logger>& LoadContext::logger() const noexcept {
    return set_.libraries_[index_]->logger;
}

const std::string& LoadContext::libraryName() const noexcept {
    return set_.libraries_[index_]->name;
}

const std::string& LoadContext::libraryPath() const noexcept {
    return set_.libraries_[index_]->path;
}

bool LoadContext::multiThreading() const noexcept {
    return set_.multiThreading_;
}

void LoadContext::registerErased(HookPoint point, ErasedCallout fn) {
    auto& entry = *set_.libraries_[index_];
    set_.callouts_[static_cast<std::size_t>(point)].push_back({entry.dl, index_, std::move(fn)});
    set_.mask_ |= 1u << static_cast<unsigned>(point);
}

void LoadContext::registerCommand(const std::string& name, CommandHandler handler) {
    auto& entry = *set_.libraries_[index_];
    if (name.empty() || !handler) {
        throw HookError("a command needs a name and a handler");
    }
    if (auto it = set_.commandOwners_.find(name); it != set_.commandOwners_.end()) {
        throw HookError("command '" + name + "' is already registered by hook library " +
                        set_.libraries_[it->second]->describe());
    }
    // Taken by the server itself (not by the hook set this one will replace)?
    auto active = HookManager::instance().current();
    if (CommandRegistry::instance().has(name) && !(active && active->commands().count(name))) {
        throw HookError("command '" + name + "' is already registered by the server");
    }
    set_.commands_.emplace(name, detail::KeepMapped<CommandHandler>{entry.dl, std::move(handler)});
    set_.commandOwners_.emplace(name, index_);
}

void LoadContext::registerLeaseStoreFactory(const std::string& type, LeaseStoreFactory factory) {
    auto& entry = *set_.libraries_[index_];
    if (type.empty() || !factory) {
        throw HookError("a lease store factory needs a type and a function");
    }
    if (auto it = set_.storeOwners_.find(type); it != set_.storeOwners_.end()) {
        throw HookError("lease store type '" + type + "' is already registered by hook library " +
                        set_.libraries_[it->second]->describe());
    }
    auto active = HookManager::instance().current();
    if (LeaseStoreFactories::instance().has(type) && !(active && active->leaseStoreFactory(type))) {
        throw HookError("lease store type '" + type + "' is already registered by the server");
    }
    // The store's code is the library's: wrap what it makes so the library stays mapped.
    LeaseStoreFactory wrapped = [keep = entry.dl, f = std::move(factory)](
                                    const LeaseStoreParams& p) -> std::unique_ptr<LeaseStore> {
        auto store = f(p);
        if (!store) {
            return nullptr;
        }
        return std::make_unique<detail::KeepMappedStore>(keep, std::move(store));
    };
    set_.storeFactories_.emplace(
        type, detail::KeepMapped<LeaseStoreFactory>{entry.dl, std::move(wrapped)});
    set_.storeOwners_.emplace(type, index_);
}

void LoadContext::registerHostStoreFactory(const std::string& type, HostStoreFactory factory) {
    auto& entry = *set_.libraries_[index_];
    if (type.empty() || !factory) {
        throw HookError("a host store factory needs a type and a function");
    }
    if (auto it = set_.hostStoreOwners_.find(type); it != set_.hostStoreOwners_.end()) {
        throw HookError("host store type '" + type + "' is already registered by hook library " +
                        set_.libraries_[it->second]->describe());
    }
    // The store's code is the library's: the store's owner keeps the library mapped until
    // the store is destroyed (the deleter runs the library's destructor first).
    HookSet::SharedHostStoreFactory wrapped =
        [keep = entry.dl,
         f = std::move(factory)](const HostStoreParams& p) -> std::shared_ptr<HostStore> {
        std::unique_ptr<HostStore> made = f(p);
        if (!made) {
            return nullptr;
        }
        return std::shared_ptr<HostStore>(made.release(), [keep](HostStore* s) { delete s; });
    };
    set_.hostStoreFactories_.emplace(type, std::move(wrapped));
    set_.hostStoreOwners_.emplace(type, index_);
}

ServerAccess* LoadContext::server() const noexcept {
    return set_.options_.server;
}

void LoadContext::addTimer(std::chrono::milliseconds interval, std::function<void()> fn) {
    auto& entry = *set_.libraries_[index_];
    if (!fn) {
        throw HookError("a timer needs a function");
    }
    set_.timers_->add(interval, std::move(fn), entry.dl, entry.logger);
}

void LoadContext::addMetricsCollector(metrics::Collector collector) {
    auto& entry = *set_.libraries_[index_];
    if (!collector) {
        throw HookError("a metrics collector needs a function");
    }
    // Registered at activation (a set loaded for a check never shows), removed at unload
    // before the library's code goes; the mapping stays while it may run.
    set_.collectors_.emplace_back(
        [dl = entry.dl, fn = std::move(collector)](std::vector<metrics::Family>& out) { fn(out); });
}

CommandRunner LoadContext::commandRunner() const {
    return [](const std::string& name, const nlohmann::json& arguments) {
        return CommandRegistry::instance().execute(name, arguments);
    };
}

LoadContext::Executor LoadContext::executor() {
    auto& entry = *set_.libraries_[index_];
    return [timers = std::weak_ptr<HookTimers>(set_.timers_), keep = std::weak_ptr(entry.dl),
            logger = entry.logger](std::function<void()> fn) {
        auto t = timers.lock();
        auto dl = keep.lock();
        if (t && dl && fn) {
            t->post(std::move(fn), std::move(dl), logger);
        }
    };
}

std::shared_ptr<http::Server> LoadContext::httpServer(http::ServerOptions options,
                                                      http::Handler handler) {
    auto& entry = *set_.libraries_[index_];
    if (!handler) {
        throw HookError("an HTTP server needs a handler");
    }
    if (options.logger == http::ServerOptions{}.logger) {
        options.logger = entry.logger->name();
    }
    auto server = std::make_shared<http::Server>(std::move(options), std::move(handler));
    set_.stoppers_.emplace_back([server] { server->stop(); });
    return server;
}

std::shared_ptr<http::Client> LoadContext::httpClient(http::ClientOptions options) {
    auto& entry = *set_.libraries_[index_];
    if (options.logger == http::ClientOptions{}.logger) {
        options.logger = entry.logger->name();
    }
    auto client = std::make_shared<http::Client>(std::move(options));
    set_.stoppers_.emplace_back([client] { client->stop(); });
    return client;
}

// --- HookSet -------------------------------------------------------------------------------

HookSet::HookSet(HookSetOptions options)
    : options_(std::move(options)), parkCounter_(std::make_shared<detail::ParkCounter>()) {
    logger_ = options_.logger ? options_.logger : hookLogger("kahu-dhcp4.hooks");
    parkCounter_->limit = options_.parkedPacketLimit;
}

HookSet::~HookSet() {
    unload();
    // Callouts and registrations go before the library entries (they hold their own
    // references to the mapping anyway).
    for (auto& list : callouts_) {
        list.clear();
    }
    commands_.clear();
    storeFactories_.clear();
    hostStoreFactories_.clear();
}

uint32_t HookSet::parkedCount() const noexcept {
    return parkCounter_->parked.load(std::memory_order_acquire);
}

const LeaseStoreFactory* HookSet::leaseStoreFactory(const std::string& type) const noexcept {
    auto it = storeFactories_.find(type);
    return it == storeFactories_.end() ? nullptr : &it->second;
}

const HookSet::SharedHostStoreFactory*
HookSet::hostStoreFactory(const std::string& type) const noexcept {
    auto it = hostStoreFactories_.find(type);
    return it == hostStoreFactories_.end() ? nullptr : &it->second;
}

std::size_t HookSet::calloutCount(HookPoint point) const noexcept {
    return callouts_[static_cast<std::size_t>(point)].size();
}

void HookSet::startTimers() {
    if (!unloaded()) {
        timers_->start();
        for (auto& c : collectors_) {
            auto id = metrics::Registry::instance().add(std::move(c));
            stoppers_.emplace_back([id] { metrics::Registry::instance().remove(id); });
        }
        collectors_.clear();
    }
}

Verdict HookSet::runErased(HookPoint point, void* args, PacketContext* packet,
                           Continuation continuation) noexcept {
    // In-flight count first, then the flag: unload() sets the flag, then waits for the count
    // to drain, so no callout runs once unload() starts calling the libraries' unload().
    inFlight_.fetch_add(1, std::memory_order_acq_rel);
    struct Leave {
        std::atomic<uint32_t>& n;
        ~Leave() { n.fetch_sub(1, std::memory_order_acq_rel); }
    } leave{inFlight_};
    if (unloaded_.load(std::memory_order_acquire)) {
        return Verdict::Continue;
    }
    std::optional<PacketContext> local;
    if (packet == nullptr) {
        local.emplace();
        packet = &*local;
    }
    detail::ParkSite site{parkCounter_, nullptr, false};
    detail::ParkSite* parkSite = canPark(point) ? &site : nullptr;
    Verdict verdict = Verdict::Continue;
    for (const auto& callout : callouts_[static_cast<std::size_t>(point)]) {
        const auto& entry = *libraries_[callout.library];
        CalloutContext ctx(point, verdict, callout.library, entry, *packet, parkSite);
        Verdict result;
        try {
            result = callout.fn(args, ctx);
        } catch (const std::exception& e) {
            logger_->error("HOOKS_CALLOUT_EXCEPTION callout of hook library {} on {} threw: {}; "
                           "the packet is dropped",
                           entry.describe(), toString(point), e.what());
            result = Verdict::Drop;
        } catch (...) {
            logger_->error("HOOKS_CALLOUT_EXCEPTION callout of hook library {} on {} threw a "
                           "non-standard exception; the packet is dropped",
                           entry.describe(), toString(point));
            result = Verdict::Drop;
        }
        if (result == Verdict::Park && parkSite == nullptr) {
            result = Verdict::Continue; // Kea: an unsupported status counts as CONTINUE
        }
        verdict = combine(verdict, result);
    }
    if (parkSite != nullptr) {
        verdict = finishPark(point, verdict, site, continuation);
    }
    return verdict;
}

Verdict HookSet::finishPark(HookPoint point, Verdict verdict, detail::ParkSite& site,
                            Continuation& continuation) noexcept {
    if (site.refused) {
        logger_->warn("HOOKS_PARK_LIMIT_DROP parked-packet-limit ({}) reached at {}; the packet "
                      "is dropped",
                      parkCounter_->limit, toString(point));
        if (options_.onParkLimitDrop) {
            try {
                options_.onParkLimitDrop();
            } catch (...) {
            }
        }
        if (site.state) {
            site.state->abandon();
        }
        return Verdict::Drop;
    }
    if (verdict != Verdict::Park) {
        if (site.state) {
            site.state->abandon(); // parked, then dropped (or overruled) by a later callout
        }
        return verdict;
    }
    if (!site.state) {
        logger_->error("HOOKS_PARK_WITHOUT_HANDLE a callout on {} returned Park without taking "
                       "a ParkHandle; the packet is dropped",
                       toString(point));
        return Verdict::Drop;
    }
    if (!continuation) {
        logger_->error("HOOKS_PARK_NO_CONTINUATION {} was run without a continuation; the "
                       "parked packet is dropped",
                       toString(point));
        site.state->abandon();
        return Verdict::Drop;
    }
    site.state->arm(std::move(continuation));
    return Verdict::Park;
}

void HookSet::unload() noexcept {
    if (unloaded_.exchange(true, std::memory_order_acq_rel)) {
        return;
    }
    while (inFlight_.load(std::memory_order_acquire) != 0) {
        std::this_thread::yield();
    }
    timers_->stop();
    // In the reverse order of creation, as the libraries below.
    for (size_t i = stoppers_.size(); i-- > 0;) {
        stoppers_[i]();
    }
    stoppers_.clear();
    for (size_t i = libraries_.size(); i-- > 0;) {
        auto& entry = *libraries_[i];
        entry.dropParked();
        if (!entry.loaded) {
            continue;
        }
        entry.loaded = false;
        std::string error;
        if (entry.unload(error) != 0) {
            logger_->error("HOOKS_UNLOAD_FAILED unload() of hook library {} failed: {}",
                           entry.describe(), error);
        } else {
            logger_->info("HOOKS_LIBRARY_UNLOADED hook library {} unloaded", entry.describe());
        }
    }
}

namespace {

std::string libraryNameOf(const std::string& path) {
    std::string name = std::filesystem::path(path).filename().string();
    if (name.rfind("lib", 0) == 0) {
        name.erase(0, 3);
    }
    if (auto dot = name.find(".so"); dot != std::string::npos) {
        name.erase(dot);
    }
    return name;
}

/// Kea's logger name for a hook library: "dhcp_lease_cmds" -> "lease-cmds-hooks",
/// "dhcp_ha" -> "ha-hooks" (Kea's libraries log as "kea-dhcp4.<x>-hooks"), so an operator's
/// `loggers` entry for "kea-dhcp4.ha-hooks" configures Kahu's HA library too.
std::string hookLoggerName(std::string name) {
    if (name.rfind("dhcp_", 0) == 0) {
        name.erase(0, 5);
    }
    std::replace(name.begin(), name.end(), '_', '-');
    return name + "-hooks";
}

template <class T> T symbol(void* handle, const char* name) {
    return reinterpret_cast<T>(dlsym(handle, name));
}

} // namespace

void HookSet::openLibrary(const HookLibraryConfig& config, const std::string& hooksDir) {
    auto entry = std::make_unique<detail::LibraryEntry>();
    entry->index = libraries_.size();
    entry->configured = config.library;
    entry->location = config.location;
    // An absent "parameters" reads as {} so that parameters().value("x", d) just works.
    entry->parameters = config.parameters.is_null() ? nlohmann::json::object() : config.parameters;
    if (config.source) {
        entry->source = config.source;
    } else {
        // Built in code (tests, the store library the core adds): the path of the entry as if
        // it were written, positioned at the entry.
        auto source = std::make_shared<SourceMap>();
        source->path = "Dhcp4.hooks-libraries[" + std::to_string(entry->index) + "].parameters";
        source->fallback = config.location;
        entry->source = std::move(source);
    }
    const std::string where = entry->describe();
    auto fail = [&](const std::string& text) {
        throw HookError("hook library " + where + ": " + text);
    };

    ResolvedLibraryPath resolved;
    try {
        resolved = resolveLibraryPath(config.library, hooksDir);
    } catch (const HookError& e) {
        fail(e.what());
    }
    if (!resolved.notice.empty()) {
        logger_->info("HOOKS_LIBRARY_PATH_MAPPED {}", resolved.notice);
    }
    entry->path = resolved.path;
    entry->name = libraryNameOf(resolved.path);
    dlerror();
    void* handle = dlopen(resolved.path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = dlerror();
        fail("cannot open '" + resolved.path + "': " + (why ? why : "unknown error"));
    }
    entry->dl = std::make_shared<const detail::DlHandle>(handle, resolved.path);

    auto abi = symbol<int (*)() noexcept>(handle, "kahu_hook_abi_version");
    if (abi == nullptr) {
        fail("'" + resolved.path + "' is not a Kahu hook library (no kahu_hook_abi_version)");
    }
    if (int v = abi(); v != kAbiVersion) {
        fail("built for hook ABI version " + std::to_string(v) + ", this server has " +
             std::to_string(kAbiVersion) + "; rebuild it against this server's SDK");
    }
    auto fingerprint = symbol<const char* (*)() noexcept>(handle, "kahu_hook_fingerprint");
    if (fingerprint == nullptr) {
        fail("no kahu_hook_fingerprint entry point");
    }
    if (std::string fp = fingerprint(); fp != coreFingerprint()) {
        fail("built with '" + fp + "', this server with '" + coreFingerprint() +
             "'; rebuild it with the same toolchain and libraries");
    }
    entry->load = symbol<detail::LoadFn>(handle, "kahu_hook_load");
    entry->unload = symbol<detail::UnloadFn>(handle, "kahu_hook_unload");
    if (entry->load == nullptr || entry->unload == nullptr) {
        fail("no kahu_hook_load/kahu_hook_unload entry points (use KAHU_HOOK_LIBRARY)");
    }
    if (multiThreading_) {
        auto mt = symbol<int (*)() noexcept>(handle, "kahu_hook_multi_threading_compatible");
        if (mt == nullptr || mt() == 0) {
            fail("not compatible with multi-threading (enable it only with libraries that "
                 "declare KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true), or disable "
                 "multi-threading)");
        }
    }
    entry->logger = hookLogger("kahu-dhcp4." + hookLoggerName(entry->name));
    libraries_.push_back(std::move(entry));
}

void HookSet::loadLibrary(detail::LibraryEntry& entry) {
    LoadContext ctx(*this, entry.index);
    std::string error;
    // Marked loaded before the call so that a failing load() still gets its unload() (Kea
    // does the same), letting the library release what it got before failing.
    entry.loaded = true;
    if (entry.load(ctx, error) != 0) {
        throw HookError("hook library " + entry.describe() + ": load() failed: " + error);
    }
    logger_->info("HOOKS_LIBRARY_LOADED hook library {} loaded from '{}'", entry.describe(),
                  entry.path);
}

std::shared_ptr<HookSet> loadHookSet(const std::vector<HookLibraryConfig>& libraries, LoadMode mode,
                                     bool multiThreading, HookSetOptions options) {
    std::string dir = options.hooksDir.empty() ? hooksDirectory() : options.hooksDir;
    std::shared_ptr<HookSet> set(new HookSet(std::move(options)));
    set->multiThreading_ = multiThreading;
    try {
        for (const auto& config : libraries) {
            set->openLibrary(config, dir);
        }
        if (mode == LoadMode::Load) {
            for (auto& entry : set->libraries_) {
                set->loadLibrary(*entry);
            }
        }
    } catch (const HookError& e) {
        set->logger_->error("HOOKS_LOAD_FAILED {}", e.what());
        set->unload(); // reverse order; registrations die with the set
        throw;
    }
    return set;
}

const char* coreFingerprint() noexcept {
    return KAHU_HOOK_FINGERPRINT;
}

} // namespace kahu::hooks
