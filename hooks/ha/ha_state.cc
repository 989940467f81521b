// SPDX-License-Identifier: MPL-2.0
#include "ha_state.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace kahu::ha {

namespace {
constexpr std::array<std::pair<HaState, std::string_view>, 13> kNames{{
    {HaState::Backup, "backup"},
    {HaState::CommunicationRecovery, "communication-recovery"},
    {HaState::HotStandby, "hot-standby"},
    {HaState::LoadBalancing, "load-balancing"},
    {HaState::InMaintenance, "in-maintenance"},
    {HaState::PartnerDown, "partner-down"},
    {HaState::PartnerInMaintenance, "partner-in-maintenance"},
    {HaState::PassiveBackup, "passive-backup"},
    {HaState::Ready, "ready"},
    {HaState::Syncing, "syncing"},
    {HaState::Terminated, "terminated"},
    {HaState::Waiting, "waiting"},
    {HaState::Unavailable, "unavailable"},
}};
} // namespace

std::string_view wireName(HaState state) noexcept {
    for (const auto& [s, name] : kNames) {
        if (s == state) {
            return name;
        }
    }
    return "unavailable";
}

std::string logName(HaState state) {
    std::string s(wireName(state));
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::optional<HaState> stateFromWire(std::string_view name) noexcept {
    for (const auto& [s, n] : kNames) {
        if (n == name && s != HaState::Unavailable) {
            return s;
        }
    }
    return std::nullopt;
}

ScopePolicy scopePolicy(HaState state, bool autoFailover) noexcept {
    switch (state) {
    case HaState::LoadBalancing:
    case HaState::HotStandby:
    case HaState::CommunicationRecovery:
    case HaState::PassiveBackup:
    case HaState::Terminated:
        return ScopePolicy::Default;
    case HaState::PartnerDown:
        return autoFailover ? ScopePolicy::Failover : ScopePolicy::Default;
    case HaState::PartnerInMaintenance:
        return ScopePolicy::Failover;
    default:
        return ScopePolicy::None;
    }
}

PoolShare poolShare(HaMode mode, PeerRole role, HaState state, bool partnerSplits) noexcept {
    const bool balancing =
        mode == HaMode::LoadBalancing && (role == PeerRole::Primary || role == PeerRole::Secondary);
    if (!balancing || state == HaState::PartnerDown) {
        return {};
    }
    return {role == PeerRole::Primary && partnerSplits ? 0u : 1u, 2u};
}

bool dhcpEnabled(HaState state) noexcept {
    switch (state) {
    case HaState::LoadBalancing:
    case HaState::HotStandby:
    case HaState::CommunicationRecovery:
    case HaState::PartnerDown:
    case HaState::PartnerInMaintenance:
    case HaState::PassiveBackup:
    case HaState::Terminated:
        return true;
    default:
        return false;
    }
}

bool heartbeatsRun(HaState state) noexcept {
    return state != HaState::Backup && state != HaState::PassiveBackup &&
           state != HaState::Terminated;
}

bool sendsLeaseUpdatesToPartner(HaState state) noexcept {
    return state == HaState::LoadBalancing || state == HaState::HotStandby ||
           state == HaState::PartnerInMaintenance;
}

HaState normalState(HaMode mode) noexcept {
    switch (mode) {
    case HaMode::LoadBalancing:
        return HaState::LoadBalancing;
    case HaMode::HotStandby:
        return HaState::HotStandby;
    case HaMode::PassiveBackup:
        return HaState::PassiveBackup;
    }
    return HaState::Waiting;
}

std::string_view wireName(HaMode mode) noexcept {
    switch (mode) {
    case HaMode::LoadBalancing:
        return "load-balancing";
    case HaMode::HotStandby:
        return "hot-standby";
    case HaMode::PassiveBackup:
        return "passive-backup";
    }
    return "";
}

std::string_view wireName(PeerRole role) noexcept {
    switch (role) {
    case PeerRole::Primary:
        return "primary";
    case PeerRole::Secondary:
        return "secondary";
    case PeerRole::Standby:
        return "standby";
    case PeerRole::Backup:
        return "backup";
    }
    return "";
}

} // namespace kahu::ha
