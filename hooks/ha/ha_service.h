// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "communication_state.h"
#include "ha_config.h"
#include "ha_state.h"
#include "peer_channel.h"
#include "query_filter.h"
#include "state_machine.h"
#include "wire_interfaces.h"

#include <atomic>
#include <condition_variable>
#include <kahu/mutex.h>
#include <kahu/server_access.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <spdlog/logger.h>
#include <string>
#include <thread>

// The HA service: owns the configuration, the query filter, the state machine and the
// communication state, runs the heartbeats and applies the state table to the local DHCP
// service and the served scopes. Commands (ha_commands.h) and callouts (ha.cc) call into it.
namespace kahu::ha {

/// Turns the local DHCP service on and off for HA (origin kOriginHaLocal); the real one
/// (makeServerLocalDhcp) goes through the server the library was given and does nothing
/// where no server runs.
class LocalDhcp {
public:
    virtual ~LocalDhcp() = default;
    virtual void disable(uint32_t origin) = 0;
    virtual void enable(uint32_t origin) = 0;
    virtual bool enabled() const = 0;
    /// The share of the pools the server allocates from first (kahu::Leases::setPoolShare).
    virtual void setPoolShare(PoolShare share) { (void)share; }
    /// Takes back a lease the partner refused: removes it when it is still what was written
    /// (same client, same cltt). True when removed.
    virtual bool rollBack(const Lease4& lease) {
        (void)lease;
        return false;
    }
};
/// `server` is LoadContext::server() (null: a configuration check, nothing to drive).
std::unique_ptr<LocalDhcp> makeServerLocalDhcp(ServerAccess* server);

class HaService : public LeaseUpdateObserver {
public:
    HaService(HaConfig config, std::shared_ptr<PeerChannel> channel,
              std::unique_ptr<LocalDhcp> local, std::shared_ptr<spdlog::logger> logger,
              CommunicationState::SteadyNow steady = {}, CommunicationState::WallNow wall = {});
    ~HaService() override;
    HaService(const HaService&) = delete;
    HaService& operator=(const HaService&) = delete;

    /// The wire pieces; without them no lease is sent and syncing never completes.
    void setLeaseUpdates(std::shared_ptr<LeaseUpdatesPort> updates);
    void setLeaseSync(std::shared_ptr<LeaseSyncPort> sync);

    /// Applies the initial state (waiting, or backup/passive-backup) and starts the heartbeat
    /// thread. Idempotent.
    void start();
    /// Stops the heartbeat thread and the channel.
    void stop();

    const HaConfig& config() const noexcept { return config_; }
    /// "kahu-dhcp4.ha-hooks": Kea's "kea-dhcp4.ha-hooks" in a loggers section configures it.
    const std::shared_ptr<spdlog::logger>& logger() const noexcept { return logger_; }
    HaState state() const;
    bool paused() const;
    QueryFilter& filter() noexcept { return filter_; }
    CommunicationState& communication() noexcept { return comm_; }
    const PeerConfig* partner() const noexcept { return partner_; }
    uint64_t unsentUpdateCount() const;

    /// buffer4_receive: whether to answer the query; analyses it while communication is
    /// interrupted (failure detection).
    QueryFilter::Decision filterQuery(const Packet4& query);
    /// leases4_committed.
    hooks::Verdict leasesCommitted(hooks::Leases4CommittedArgs& args, hooks::CalloutContext& ctx);

    /// One heartbeat, waited for; records the answer and runs the state machine.
    void heartbeatOnce();
    /// Runs the state machine with what is known now and carries out its decision.
    void runModel();

    // --- Operations behind the commands (ha_commands.cc) ---------------------------------
    /// ha-heartbeat's arguments.
    nlohmann::json heartbeatArguments() const;
    /// ha-sync: "" on success, else the error. Blocks until the sync ends.
    std::string syncWith(const PeerConfig& peer, std::chrono::seconds maxPeriod);
    /// ha-continue.
    bool resume();
    /// ha-reset.
    bool reset();
    /// ha-maintenance-notify cancel=false / true, ha-maintenance-start / -cancel moves.
    void transition(HaState next);
    void cancelMaintenance();
    /// Sends a command to the partner and waits for the answer.
    PeerAnswer sendToPartner(const std::string& command, nlohmann::json arguments);
    /// ha-sync-complete-notify.
    void syncCompleteNotified();
    /// status-get's "high-availability" list.
    nlohmann::json statusJson() const;

    // --- LeaseUpdateObserver ---------------------------------------------------------------
    void partnerFailed() override;
    void leaseUpdateRejected(const Lease4& lease, const std::string& answer) override;
    void leaseUpdateSucceeded(const std::string& hwAddr, const std::string& clientId) override;

private:
    /// Returns with `lock` unlocked when it started a sync or a backlog send.
    void applyDecisionLocked(HaState before, const StateDecision& d, UniqueLock& lock)
        KAHU_REQUIRES(mutex_);
    void onEntryLocked(HaState from, HaState to) KAHU_REQUIRES(mutex_);
    void heartbeatLoop();
    bool stopping();
    bool recordHeartbeat(const PeerAnswer& answer);
    void startSync();

    const HaConfig config_;
    const PeerConfig* partner_;
    std::shared_ptr<PeerChannel> channel_;
    std::unique_ptr<LocalDhcp> local_;
    std::shared_ptr<spdlog::logger> logger_;
    QueryFilter filter_;
    CommunicationState comm_;
    std::shared_ptr<LeaseUpdatesPort> updates_;
    std::shared_ptr<LeaseSyncPort> sync_;

    mutable Mutex mutex_;
    StateMachine machine_ KAHU_GUARDED_BY(mutex_);
    std::atomic<HaState> state_{HaState::Waiting}; ///< machine_.state() for lock-free reads
    bool started_ KAHU_GUARDED_BY(mutex_) = false;
    /// A sync started by the state machine is running.
    bool syncing_ KAHU_GUARDED_BY(mutex_) = false;
    /// ha-sync-complete-notify received in partner-down.
    bool syncNotified_ KAHU_GUARDED_BY(mutex_) = false;
    /// The partner's heartbeat answers carry "pool-share" (a Kahu server): it splits the
    /// pools too. Assumed until an answer says otherwise.
    bool partnerSplits_ KAHU_GUARDED_BY(mutex_) = true;
    std::atomic<PoolShare> share_{PoolShare{}}; ///< what local_ was last given
    void applyPoolShareLocked(HaState from, HaState to) KAHU_REQUIRES(mutex_);

    Mutex loopMutex_;
    std::condition_variable loopCv_;
    bool stopping_ KAHU_GUARDED_BY(loopMutex_) = false;
    std::thread heartbeatThread_;
};

} // namespace kahu::ha
