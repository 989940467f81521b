// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_config.h"
#include "ha_state.h"

#include <optional>
#include <set>
#include <string>

// The HA state machine (Kea ARM "Server States") as a pure object: it is told what the service
// observed (the partner's state, the failure-detection verdicts) and answers the next state
// and what the service must do. No I/O, no clock, no locking: the service serialises calls.
namespace kahu::ha {

/// What the service observed since the last step.
struct StateInputs {
    /// The partner's state from the last heartbeat; Unavailable after any failure.
    HaState partner = HaState::Unavailable;
    /// CommunicationState::shouldPartnerDown() (already false while in touch).
    bool shouldPartnerDown = false;
    /// Clock skew over 60 s, or too many rejected lease updates.
    bool shouldTerminate = false;
    /// The partner reported unsent updates in its last heartbeat (partner-down → waiting).
    bool partnerHasUnsentUpdates = false;
    /// The communication-recovery backlog overflowed delayed-updates-limit.
    bool backlogOverflowed = false;
};

/// What the service must do besides entering `next`.
enum class StateAction {
    None,
    Synchronize,  ///< run the lease sync; report with syncFinished()
    SendBacklog,  ///< send the queued updates; report with backlogFinished()
    ResetPartner, ///< send ha-reset to the partner (communication-recovery gave up)
};

struct StateDecision {
    HaState next;
    StateAction action = StateAction::None;
};

class StateMachine {
public:
    explicit StateMachine(const HaConfig& config);

    HaState state() const noexcept { return state_; }
    /// The state before the last transition (Kea's getPrevState): where the maintenance
    /// states return to.
    HaState previous() const noexcept { return previous_; }
    bool paused() const noexcept { return paused_; }

    /// One run of the current state's handler: decides, enters the next state (with its
    /// pause) and returns the decision. While paused, or right after a canceled maintenance,
    /// it stays where it is.
    StateDecision step(const StateInputs& in);
    /// The pure table: the decision for `state` and `in`, without pauses or side effects.
    StateDecision decide(HaState state, const StateInputs& in) const;

    /// The sync started for Synchronize finished: success → ready; failure → stay (retry).
    void syncFinished(bool ok);
    /// The backlog sent for SendBacklog: success → normal; failure → waiting + ResetPartner.
    StateDecision backlogFinished(bool ok);

    /// ha-continue: false when the machine was not paused.
    bool resume() noexcept;
    /// ha-reset: to waiting; false when already waiting.
    bool reset();
    /// Enters a state on an operator's or the partner's request (maintenance, partner-down).
    void transition(HaState next);
    /// Leaves in-maintenance or partner-in-maintenance for the state before it; the next
    /// step() then does nothing (Kea's maintenance-canceled event).
    void cancelMaintenance();

private:
    void enter(HaState next);
    bool isPartnerStateInvalid(HaState partner) const noexcept;
    HaState afterWaiting() const noexcept;

    HaMode mode_;
    PeerRole role_;
    bool syncLeases_;
    uint32_t delayedUpdatesLimit_;
    std::optional<StatePause> pauseOf(HaState s) const;
    std::vector<StatePauseConfig> pauses_;
    std::set<HaState> pausedOnce_;

    HaState state_ = HaState::Waiting;
    HaState previous_ = HaState::Waiting;
    bool paused_ = false;
    bool maintenanceCanceled_ = false;
};

} // namespace kahu::ha
