// SPDX-License-Identifier: MPL-2.0
#include "state_machine.h"

namespace kahu::ha {

StateMachine::StateMachine(const HaConfig& config)
    : mode_(config.mode), role_(config.thisServer().role), syncLeases_(config.syncLeases),
      delayedUpdatesLimit_(config.delayedUpdatesLimit), pauses_(config.statePauses) {
    // The machine starts in waiting, which may itself be paused.
    if (auto p = pauseOf(HaState::Waiting); p && *p != StatePause::Never) {
        paused_ = true;
        pausedOnce_.insert(HaState::Waiting);
    }
}

std::optional<StatePause> StateMachine::pauseOf(HaState s) const {
    for (const auto& p : pauses_) {
        if (p.state == wireName(s)) {
            return p.pause;
        }
    }
    return std::nullopt;
}

bool StateMachine::isPartnerStateInvalid(HaState partner) const noexcept {
    switch (partner) {
    case HaState::LoadBalancing:
    case HaState::CommunicationRecovery:
        return mode_ != HaMode::LoadBalancing;
    case HaState::HotStandby:
        return mode_ != HaMode::HotStandby;
    default:
        return false;
    }
}

// waiting → syncing, or ready when sync-leases is off.
HaState StateMachine::afterWaiting() const noexcept {
    return syncLeases_ ? HaState::Syncing : HaState::Ready;
}

StateDecision StateMachine::decide(HaState state, const StateInputs& in) const {
    const HaState normal = normalState(mode_);
    const bool primary = role_ == PeerRole::Primary;
    auto stay = StateDecision{state};
    auto go = [](HaState s, StateAction a = StateAction::None) { return StateDecision{s, a}; };

    // States that never move on their own.
    switch (state) {
    case HaState::Backup:
    case HaState::PassiveBackup:
    case HaState::Terminated:
    case HaState::InMaintenance:
    case HaState::Unavailable:
        return stay;
    default:
        break;
    }
    if (state == HaState::Waiting) {
        if (role_ == PeerRole::Backup) {
            return go(HaState::Backup);
        }
        if (mode_ == HaMode::PassiveBackup) {
            return go(HaState::PassiveBackup);
        }
    }
    // Common guards.
    if (in.shouldTerminate) {
        return go(HaState::Terminated);
    }
    if (isPartnerStateInvalid(in.partner)) {
        return state == HaState::Waiting ? stay : go(HaState::Waiting);
    }
    const HaState p = in.partner;
    const bool partnerNormal = p == HaState::LoadBalancing || p == HaState::HotStandby;

    switch (state) {
    case HaState::Waiting:
        switch (p) {
        case HaState::HotStandby:
        case HaState::LoadBalancing:
        case HaState::CommunicationRecovery:
        case HaState::PartnerDown:
        case HaState::PartnerInMaintenance:
        case HaState::InMaintenance:
        case HaState::Ready:
            return go(afterWaiting());
        case HaState::Waiting:
            return primary ? go(afterWaiting()) : stay;
        case HaState::Unavailable:
            return in.shouldPartnerDown ? go(HaState::PartnerDown) : stay;
        default: // syncing, terminated (2.2 waits for ever), backup
            return stay;
        }

    case HaState::Syncing:
        if (p == HaState::Terminated) {
            return go(HaState::Terminated);
        }
        if (p == HaState::Unavailable) {
            return in.shouldPartnerDown ? go(HaState::PartnerDown) : stay;
        }
        return go(HaState::Syncing, StateAction::Synchronize);

    case HaState::Ready:
        if (partnerNormal || p == HaState::CommunicationRecovery) {
            return go(normal);
        }
        switch (p) {
        case HaState::InMaintenance:
            return go(HaState::PartnerInMaintenance);
        case HaState::PartnerInMaintenance:
            return go(HaState::InMaintenance);
        case HaState::Ready:
            return primary ? go(normal) : stay;
        case HaState::Terminated:
            return go(HaState::Terminated);
        case HaState::Unavailable:
            return in.shouldPartnerDown ? go(HaState::PartnerDown) : stay;
        default:
            return stay;
        }

    case HaState::LoadBalancing:
    case HaState::HotStandby:
    case HaState::CommunicationRecovery: {
        switch (p) {
        case HaState::InMaintenance:
            return go(HaState::PartnerInMaintenance);
        case HaState::PartnerInMaintenance:
            return go(HaState::InMaintenance);
        case HaState::PartnerDown:
            return go(HaState::Waiting);
        case HaState::Terminated:
            return go(HaState::Terminated);
        case HaState::Unavailable:
            if (in.shouldPartnerDown) {
                return go(HaState::PartnerDown);
            }
            if (mode_ == HaMode::LoadBalancing && delayedUpdatesLimit_ > 0) {
                return go(HaState::CommunicationRecovery);
            }
            return stay;
        default:
            break;
        }
        if (state != HaState::CommunicationRecovery) {
            return stay;
        }
        // communication-recovery with the partner back in touch.
        if (p == HaState::Waiting || p == HaState::Syncing || p == HaState::Ready) {
            return in.backlogOverflowed ? go(HaState::Waiting) : stay;
        }
        if (partnerNormal || p == HaState::CommunicationRecovery) {
            return in.backlogOverflowed ? go(HaState::Waiting, StateAction::ResetPartner)
                                        : go(state, StateAction::SendBacklog);
        }
        return stay;
    }

    case HaState::PartnerDown:
        switch (p) {
        case HaState::CommunicationRecovery:
        case HaState::PartnerDown:
        case HaState::PartnerInMaintenance:
            return go(HaState::Waiting);
        case HaState::Ready:
            return in.partnerHasUnsentUpdates ? go(HaState::Waiting) : go(normal);
        case HaState::Terminated:
            return go(HaState::Terminated);
        default:
            return stay;
        }

    case HaState::PartnerInMaintenance:
        return p == HaState::Unavailable ? go(HaState::PartnerDown) : stay;

    default:
        return stay;
    }
}

StateDecision StateMachine::step(const StateInputs& in) {
    if (maintenanceCanceled_) {
        maintenanceCanceled_ = false;
        return {state_};
    }
    if (paused_) {
        return {state_};
    }
    StateDecision d = decide(state_, in);
    if (d.next != state_) {
        enter(d.next);
    }
    return d;
}

void StateMachine::syncFinished(bool ok) {
    if (ok && state_ == HaState::Syncing) {
        enter(HaState::Ready);
    }
}

StateDecision StateMachine::backlogFinished(bool ok) {
    if (state_ != HaState::CommunicationRecovery) {
        return {state_};
    }
    if (ok) {
        enter(normalState(mode_));
        return {state_};
    }
    enter(HaState::Waiting);
    return {HaState::Waiting, StateAction::ResetPartner};
}

bool StateMachine::resume() noexcept {
    bool was = paused_;
    paused_ = false;
    return was;
}

bool StateMachine::reset() {
    if (state_ == HaState::Waiting) {
        return false;
    }
    enter(HaState::Waiting);
    return true;
}

void StateMachine::transition(HaState next) {
    enter(next);
}

void StateMachine::cancelMaintenance() {
    enter(previous_);
    maintenanceCanceled_ = true;
}

void StateMachine::enter(HaState next) {
    previous_ = state_;
    state_ = next;
    paused_ = false;
    if (auto p = pauseOf(next)) {
        // "once" pauses the first entry only.
        paused_ =
            *p == StatePause::Always || (*p == StatePause::Once && pausedOnce_.insert(next).second);
    }
}

} // namespace kahu::ha
