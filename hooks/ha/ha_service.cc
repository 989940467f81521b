// SPDX-License-Identifier: MPL-2.0
#include "ha_service.h"

#include <future>
#include <kahu/log.h>
#include <kahu/server_access.h>
#include <kahu/stats.h>

namespace kahu::ha {

namespace {

constexpr std::chrono::milliseconds kCommandTimeout{10000};
constexpr uint32_t kLocalOrigin = ServerAccess::kOriginHaLocal; // relationship 0
constexpr uint32_t kRemoteOrigin = ServerAccess::kOriginHaRemote;

class ServerLocalDhcp final : public LocalDhcp {
public:
    explicit ServerLocalDhcp(ServerAccess* server) : server_(server) {}

    void disable(uint32_t origin) override {
        if (auto* s = server_) {
            s->disableService(origin);
        }
    }
    void enable(uint32_t origin) override {
        if (auto* s = server_) {
            s->enableService(origin);
        }
    }
    bool enabled() const override {
        auto* s = server_;
        return s == nullptr || s->serviceEnabled();
    }
    void setPoolShare(PoolShare share) override {
        if (auto* s = server_) {
            s->leases().setPoolShare(share);
        }
    }
    bool rollBack(const Lease4& lease) override {
        auto* s = server_;
        if (s == nullptr) {
            return false;
        }
        bool removed = false;
        s->leases().modify(lease.address, [&](std::optional<Lease4>& current) {
            if (!current || current->cltt != lease.cltt ||
                !current->belongsTo(lease.hwAddr, lease.clientId)) {
                return Leases::Action::Keep;
            }
            removed = true;
            return Leases::Action::Remove;
        });
        return removed;
    }

private:
    ServerAccess* server_;
};

} // namespace

std::unique_ptr<LocalDhcp> makeServerLocalDhcp(ServerAccess* server) {
    return std::make_unique<ServerLocalDhcp>(server);
}

HaService::HaService(HaConfig config, std::shared_ptr<PeerChannel> channel,
                     std::unique_ptr<LocalDhcp> local, std::shared_ptr<spdlog::logger> logger,
                     CommunicationState::SteadyNow steady, CommunicationState::WallNow wall)
    : config_(std::move(config)), partner_(config_.partner()), channel_(std::move(channel)),
      local_(local ? std::move(local) : makeServerLocalDhcp(nullptr)),
      logger_(logger ? std::move(logger) : log::get("kahu-dhcp4.ha-hooks")), filter_(config_),
      comm_(config_, std::move(steady), std::move(wall)), machine_(config_) {}

HaService::~HaService() {
    stop();
}

void HaService::setLeaseUpdates(std::shared_ptr<LeaseUpdatesPort> updates) {
    updates_ = std::move(updates);
}

void HaService::setLeaseSync(std::shared_ptr<LeaseSyncPort> sync) {
    sync_ = std::move(sync);
}

void HaService::start() {
    {
        UniqueLock lock(mutex_);
        if (started_) {
            return;
        }
        started_ = true;
        onEntryLocked(HaState::Waiting, HaState::Waiting);
    }
    runModel();
    if (partner_ != nullptr && config_.heartbeatDelay.count() > 0) {
        heartbeatThread_ = std::thread([this] { heartbeatLoop(); });
    }
}

void HaService::stop() {
    {
        LockGuard lock(loopMutex_);
        stopping_ = true;
    }
    loopCv_.notify_all();
    // The channel first: it answers what is in flight (a heartbeat the thread waits for)
    // with a transport error, so the join below does not wait for a timeout.
    if (channel_) {
        channel_->stop();
    }
    if (heartbeatThread_.joinable()) {
        heartbeatThread_.join();
    }
    // Without HA (the library unloaded, or reloaded and not started yet) pools are whole.
    LockGuard lock(mutex_);
    if (started_) {
        local_->setPoolShare({});
    }
}

bool HaService::stopping() {
    LockGuard lock(loopMutex_);
    return stopping_;
}

HaState HaService::state() const {
    return state_.load();
}

bool HaService::paused() const {
    LockGuard lock(mutex_);
    return machine_.paused();
}

uint64_t HaService::unsentUpdateCount() const {
    return updates_ ? updates_->unsentUpdateCount() : 0;
}

QueryFilter::Decision HaService::filterQuery(const Packet4& query) {
    QueryFilter::Decision d = filter_.inScope(query);
    if (!d.inScope && state() != HaState::Terminated && partner_ != nullptr &&
        comm_.isCommunicationInterrupted()) {
        comm_.analyzeMessage(query);
    }
    return d;
}

hooks::Verdict HaService::leasesCommitted(hooks::Leases4CommittedArgs& args,
                                          hooks::CalloutContext& ctx) {
    if (!updates_ || !config_.sendLeaseUpdates) {
        return hooks::Verdict::Continue;
    }
    const HaState s = state();
    const bool toPartner = partner_ != nullptr && sendsLeaseUpdatesToPartner(s);
    const bool queue = partner_ != nullptr && s == HaState::CommunicationRecovery;
    return updates_->leases4Committed(args, ctx, toPartner, queue);
}

void HaService::heartbeatLoop() {
    bool first = true;
    for (;;) {
        if (!first) {
            UniqueLock lock(loopMutex_);
            loopCv_.wait_for(lock.native(), config_.heartbeatDelay,
                             [this]() KAHU_REQUIRES(loopMutex_) { return stopping_; });
        }
        first = false;
        {
            LockGuard lock(loopMutex_);
            if (stopping_) {
                return;
            }
        }
        {
            LockGuard lock(mutex_);
            if (syncing_) {
                continue; // heartbeats pause while syncing
            }
        }
        if (heartbeatsRun(state())) {
            heartbeatOnce();
        }
    }
}

bool HaService::recordHeartbeat(const PeerAnswer& answer) {
    if (!answer.ok()) {
        KAHU_WARN(logger_, "HA_HEARTBEAT_COMMUNICATIONS_FAILED",
                  "failed to send heartbeat to {}: {}", partner_->name, answer.transportError);
        return false;
    }
    if (answer.result() != 0) {
        KAHU_WARN(logger_, "HA_HEARTBEAT_FAILED", "heartbeat to {} failed: {}", partner_->name,
                  answer.answer.value("text", std::string()));
        return false;
    }
    const auto& args =
        answer.answer.contains("arguments") ? answer.answer["arguments"] : nlohmann::json();
    std::optional<HaState> st;
    if (args.is_object() && args.contains("state") && args["state"].is_string()) {
        st = stateFromWire(args["state"].get<std::string>());
    }
    if (!st) {
        KAHU_WARN(logger_, "HA_HEARTBEAT_FAILED", "heartbeat to {} failed: {}", partner_->name,
                  "unsupported HA partner state returned");
        return false;
    }
    if (!args.contains("date-time") || !args["date-time"].is_string() ||
        !comm_.setPartnerTime(args["date-time"].get<std::string>())) {
        KAHU_WARN(logger_, "HA_HEARTBEAT_FAILED", "heartbeat to {} failed: {}", partner_->name,
                  "date-time argument missing or invalid");
        return false;
    }
    std::vector<std::string> scopes;
    if (args.contains("scopes") && args["scopes"].is_array()) {
        for (const auto& s : args["scopes"]) {
            if (s.is_string()) {
                scopes.push_back(s.get<std::string>());
            }
        }
    }
    comm_.setPartnerScopes(std::move(scopes));
    if (args.contains("unsent-update-count") && args["unsent-update-count"].is_number_unsigned()) {
        comm_.setPartnerUnsentUpdateCount(args["unsent-update-count"].get<uint64_t>());
    }
    comm_.setPartnerState(*st);
    comm_.poke();
    {
        const bool splits = args.contains("pool-share");
        LockGuard lock(mutex_);
        if (splits != partnerSplits_) {
            partnerSplits_ = splits;
            applyPoolShareLocked(state_.load(), state_.load());
        }
    }
    if (comm_.clockSkewShouldWarn()) {
        KAHU_WARN(logger_, "HA_HIGH_CLOCK_SKEW",
                  "the clock skew between the active servers is {} seconds",
                  comm_.clockSkew().count());
    }
    return true;
}

void HaService::heartbeatOnce() {
    if (partner_ == nullptr || !channel_) {
        return;
    }
    auto promise = std::make_shared<std::promise<PeerAnswer>>();
    auto future = promise->get_future();
    channel_->send(*partner_, "ha-heartbeat", nullptr, kCommandTimeout,
                   [promise](PeerAnswer a) { promise->set_value(std::move(a)); });
    PeerAnswer answer = future.get();
    if (stopping()) {
        return; // shutting down: the failure says nothing about the partner
    }
    if (!recordHeartbeat(answer)) {
        comm_.markPartnerUnavailable();
    }
    runModel();
}

void HaService::runModel() {
    UniqueLock lock(mutex_);
    if (syncing_) {
        return;
    }
    StateInputs in;
    in.partner = comm_.partnerState();
    in.shouldPartnerDown = partner_ != nullptr && comm_.shouldPartnerDown(local_->enabled());
    in.shouldTerminate =
        comm_.clockSkewShouldTerminate() || comm_.rejectedLeaseUpdatesShouldTerminate();
    in.partnerHasUnsentUpdates = comm_.hasPartnerNewUnsentUpdates();
    in.backlogOverflowed = updates_ && updates_->backlogOverflowed();
    const HaState before = machine_.state();
    StateDecision d = machine_.step(in);
    applyDecisionLocked(before, d, lock);
}

// Not analysed: clang cannot follow the caller's lock through the reference, and calls its
// unlock() a release of a lock not held. Callers are checked (KAHU_REQUIRES).
void HaService::applyDecisionLocked(HaState before, const StateDecision& d,
                                    UniqueLock& lock) KAHU_NO_THREAD_SAFETY_ANALYSIS {
    const HaState now = machine_.state();
    if (now != before) {
        onEntryLocked(before, now);
    }
    switch (d.action) {
    case StateAction::None:
        break;
    case StateAction::Synchronize:
        syncing_ = true;
        lock.unlock();
        startSync();
        break;
    case StateAction::SendBacklog:
        if (!updates_) {
            StateDecision next = machine_.backlogFinished(true);
            onEntryLocked(HaState::CommunicationRecovery, next.next);
            break;
        }
        lock.unlock();
        updates_->sendBacklog([this](bool ok) {
            UniqueLock l(mutex_);
            const HaState b = machine_.state();
            StateDecision next = machine_.backlogFinished(ok);
            applyDecisionLocked(b, next, l);
        });
        break;
    case StateAction::ResetPartner:
        if (partner_ != nullptr && channel_) {
            channel_->send(*partner_, "ha-reset", nullptr, kCommandTimeout,
                           [](const PeerAnswer&) {});
        }
        break;
    }
}

void HaService::startSync() {
    auto finish = [this](const std::string& error) {
        {
            UniqueLock lock(mutex_);
            syncing_ = false;
            const HaState before = machine_.state();
            if (error.empty()) {
                machine_.syncFinished(true);
            } else {
                // The sync logs its failure itself (HA_SYNC_FAILED).
                comm_.markPartnerUnavailable();
            }
            if (machine_.state() != before) {
                onEntryLocked(before, machine_.state());
            }
        }
    };
    if (!sync_ || partner_ == nullptr) {
        finish("lease synchronization is not available (no lease sync component)");
        return;
    }
    KAHU_INFO(logger_, "HA_SYNC_START", "starting lease database synchronization with {}",
              partner_->name);
    auto maxPeriod = std::max<std::chrono::seconds>(
        std::chrono::duration_cast<std::chrono::seconds>(config_.syncTimeout),
        std::chrono::seconds(1));
    sync_->synchronize(*partner_, maxPeriod, finish);
}

void HaService::applyPoolShareLocked(HaState from, HaState to) {
    const PoolShare share = poolShare(config_.mode, config_.thisServer().role, to, partnerSplits_);
    const PoolShare before = share_.load();
    if (from != to && share == before) {
        return; // a state change that keeps the share
    }
    share_.store(share);
    local_->setPoolShare(share);
    if (share.parts > 1) {
        KAHU_INFO(logger_, "HA_POOL_SHARE",
                  "this server allocates from the {} half of every pool first, from the "
                  "partner's only when its own is exhausted{}",
                  share.own == 0 ? "lower" : "upper",
                  partnerSplits_ ? "" : " (the partner does not split the pools)");
    } else if (share != before) {
        KAHU_INFO(logger_, "HA_POOL_SHARE", "this server allocates from whole pools");
    }
}

void HaService::onEntryLocked(HaState from, HaState to) {
    state_.store(to);
    if (from != to) {
        KAHU_INFO(logger_, "HA_STATE_TRANSITION",
                  "server transitions from {} to {} state, partner state is {}", logName(from),
                  logName(to), logName(comm_.partnerState()));
    }
    switch (scopePolicy(to, config_.thisServer().autoFailover)) {
    case ScopePolicy::None:
        filter_.serveNoScopes();
        break;
    case ScopePolicy::Default:
        filter_.serveDefaultScopes();
        break;
    case ScopePolicy::Failover:
        filter_.serveFailoverScopes();
        break;
    }
    applyPoolShareLocked(from, to);
    if (dhcpEnabled(to)) {
        local_->enable(kLocalOrigin);
    } else {
        local_->disable(kLocalOrigin);
    }
    switch (to) {
    case HaState::PartnerDown:
    case HaState::Ready:
    case HaState::Syncing:
    case HaState::Terminated:
    case HaState::Waiting:
        comm_.clearRejectedLeaseUpdates();
        break;
    default:
        break;
    }
    if (from == HaState::PartnerDown && to != HaState::PartnerDown && syncNotified_) {
        syncNotified_ = false;
        local_->enable(kRemoteOrigin);
    }
    if (from == HaState::CommunicationRecovery && to != normalState(config_.mode) &&
        to != HaState::CommunicationRecovery && updates_) {
        updates_->clearBacklog();
    }
    if (to == HaState::Terminated && from != to) {
        KAHU_ERROR(logger_, "HA_TERMINATED",
                   "HA service terminated; fix the problem (clock "
                   "skew or rejected lease updates) and restart the server");
    }
    if (machine_.paused()) {
        KAHU_INFO(logger_, "HA_STATE_MACHINE_PAUSED",
                  "state machine paused in state {}; send ha-continue to resume", logName(to));
    }
}

nlohmann::json HaService::heartbeatArguments() const {
    const PoolShare share = share_.load();
    return {{"date-time", formatRfc1123(std::chrono::system_clock::now())},
            {"scopes", filter_.servedScopes()},
            {"state", std::string(wireName(state()))},
            {"unsent-update-count", unsentUpdateCount()},
            // Kahu's own: tells a Kahu partner that this server splits the pools (Kea
            // ignores the key).
            {"pool-share", {{"own", share.own}, {"parts", share.parts}}}};
}

std::string HaService::syncWith(const PeerConfig& peer, std::chrono::seconds maxPeriod) {
    if (!sync_) {
        return "lease synchronization is not available (no lease sync component)";
    }
    auto promise = std::make_shared<std::promise<std::string>>();
    auto future = promise->get_future();
    sync_->synchronize(peer, maxPeriod,
                       [promise](std::string error) { promise->set_value(std::move(error)); });
    return future.get();
}

bool HaService::resume() {
    bool was;
    {
        LockGuard lock(mutex_);
        was = machine_.resume();
    }
    if (was) {
        runModel();
    }
    return was;
}

bool HaService::reset() {
    LockGuard lock(mutex_);
    const HaState before = machine_.state();
    if (!machine_.reset()) {
        return false;
    }
    onEntryLocked(before, HaState::Waiting);
    return true;
}

void HaService::transition(HaState next) {
    LockGuard lock(mutex_);
    const HaState before = machine_.state();
    machine_.transition(next);
    onEntryLocked(before, next);
}

void HaService::cancelMaintenance() {
    LockGuard lock(mutex_);
    const HaState before = machine_.state();
    machine_.cancelMaintenance();
    onEntryLocked(before, machine_.state());
}

PeerAnswer HaService::sendToPartner(const std::string& command, nlohmann::json arguments) {
    if (partner_ == nullptr || !channel_) {
        PeerAnswer a;
        a.transportError = "no partner";
        return a;
    }
    auto promise = std::make_shared<std::promise<PeerAnswer>>();
    auto future = promise->get_future();
    channel_->send(*partner_, command, std::move(arguments), kCommandTimeout,
                   [promise](PeerAnswer a) { promise->set_value(std::move(a)); });
    return future.get();
}

void HaService::syncCompleteNotified() {
    LockGuard lock(mutex_);
    if (machine_.state() == HaState::PartnerDown) {
        syncNotified_ = true; // 2.2: re-enabled when leaving partner-down
        return;
    }
    local_->enable(kRemoteOrigin);
}

nlohmann::json HaService::statusJson() const {
    const PeerConfig& self = config_.thisServer();
    nlohmann::json local = {{"role", std::string(wireName(self.role))},
                            {"scopes", filter_.servedScopes()},
                            {"state", std::string(wireName(state()))}};
    nlohmann::json servers = {{"local", local}};
    if (partner_ != nullptr) {
        nlohmann::json remote = comm_.statusJson();
        remote["role"] = std::string(wireName(partner_->role));
        servers["remote"] = remote;
    }
    return nlohmann::json::array(
        {{{"ha-mode", std::string(wireName(config_.mode))}, {"ha-servers", servers}}});
}

void HaService::partnerFailed() {
    comm_.markPartnerUnavailable();
}

void HaService::leaseUpdateRejected(const Lease4& lease, const std::string& answer) {
    comm_.reportRejectedLeaseUpdate(lease.hwAddr.str(), toColonHex(lease.clientId),
                                    std::chrono::seconds(lease.validLifetime));
    // The partner holds the address for another client: this server's row goes, and the
    // query that made it gets no answer (the updater drops it), so the client retries and is
    // given another address. Counted in v4-lease-update-rollbacks.
    const bool removed = local_->rollBack(lease);
    if (removed) {
        Statistics::instance().add("v4-lease-update-rollbacks", 1);
    }
    KAHU_WARN(logger_, "HA_LEASE_UPDATE_CONFLICT",
              "lease update for {} (hw-address {}) refused by {}: {}; {}", lease.address.str(),
              lease.hwAddr.str(), partner_ != nullptr ? partner_->name : std::string("the partner"),
              answer,
              removed ? "the lease is rolled back and the client gets no answer"
                      : "the lease had changed meanwhile and is kept");
}

void HaService::leaseUpdateSucceeded(const std::string& hwAddr, const std::string& clientId) {
    comm_.reportSuccessfulLeaseUpdate(hwAddr, clientId);
}

} // namespace kahu::ha
