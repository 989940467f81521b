// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_config.h"

#include <kahu/server_access.h>
#include <optional>
#include <string>
#include <string_view>

// The HA states (Kea ARM "Server States"): their wire names and what each state means for the
// local DHCP service and the scopes served.
namespace kahu::ha {

enum class HaState {
    Backup,
    CommunicationRecovery,
    HotStandby,
    LoadBalancing,
    InMaintenance,
    PartnerDown,
    PartnerInMaintenance,
    PassiveBackup,
    Ready,
    Syncing,
    Terminated,
    Waiting,
    /// Not a state a server is in: the partner did not answer (or answered garbage).
    Unavailable,
};

/// "load-balancing", ... as on the wire and in status-get; "unavailable" for Unavailable.
std::string_view wireName(HaState state) noexcept;
/// "LOAD-BALANCING": as Kea's logs print it.
std::string logName(HaState state);
/// The state of a wire name; nullopt for anything else (including "unavailable", which a
/// partner never reports about itself).
std::optional<HaState> stateFromWire(std::string_view name) noexcept;

/// The scopes a state serves (adjustNetworkState).
enum class ScopePolicy { None, Default, Failover };
/// `autoFailover` is this server's auto-failover, which only matters in partner-down.
ScopePolicy scopePolicy(HaState state, bool autoFailover) noexcept;
/// The share of every pool this server allocates from first (kahu::PoolShare). In
/// load-balancing both servers allocate at once, so each takes its own half and the other's
/// only when its own is exhausted: with a partner that splits too (a Kahu server, which says
/// so in its heartbeat answers) the primary the lower half and the secondary the upper; with
/// one that does not (Kea, whose iterative allocator walks each pool from its start) the
/// upper half, which Kea reaches last. In partner-down, and in the other modes (one server
/// allocates), whole pools.
PoolShare poolShare(HaMode mode, PeerRole role, HaState state, bool partnerSplits = true) noexcept;
/// Whether the local DHCP service is enabled in a state.
bool dhcpEnabled(HaState state) noexcept;
/// Whether heartbeats run in a state (all but backup, passive-backup and terminated).
bool heartbeatsRun(HaState state) noexcept;
/// Whether lease updates go to the non-backup partner in a state (shouldSendLeaseUpdates;
/// backups always get them). In communication-recovery they are queued instead.
bool sendsLeaseUpdatesToPartner(HaState state) noexcept;
/// The "normal" state of a mode: load-balancing or hot-standby (passive-backup for that mode).
HaState normalState(HaMode mode) noexcept;

std::string_view wireName(HaMode mode) noexcept;
std::string_view wireName(PeerRole role) noexcept;

} // namespace kahu::ha
