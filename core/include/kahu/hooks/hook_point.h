// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <kahu/export.h>
#include <optional>
#include <string_view>

namespace kahu::hooks {

/// The points of the DHCPv4 pipeline where hook libraries run callouts. The names are Kea's
/// (toString() gives them), so a hook author can read Kea's documentation for the meaning.
/// The order of the enumerators is the order of the pipeline; it is not a contract.
enum class HookPoint : uint8_t {
    Buffer4Receive,     ///< buffer4_receive: raw query received, not yet parsed
    Pkt4Receive,        ///< pkt4_receive: query parsed and accepted
    Subnet4Select,      ///< subnet4_select: subnet chosen (callout may change it)
    Host4Identifier,    ///< host4_identifier: flex-id identifier for reservation lookup
    Lease4Select,       ///< lease4_select: a new lease was chosen, not yet stored
    Lease4Renew,        ///< lease4_renew: an existing lease is extended
    Lease4Release,      ///< lease4_release: a client released its lease
    Lease4Decline,      ///< lease4_decline: a client declined its address
    Lease4Expire,       ///< lease4_expire: reclamation of an expired lease
    Lease4Recover,      ///< lease4_recover: a declined lease comes back after probation
    Leases4Committed,   ///< leases4_committed: leases stored, response not yet sent
    Pkt4Send,           ///< pkt4_send: response built, not yet packed
    Buffer4Send,        ///< buffer4_send: response packed, not yet sent
    Dhcp4SrvConfigured, ///< dhcp4_srv_configured: a (re)configuration is about to commit
    CommandProcessed,   ///< command_processed: a control command was answered
};

/// Number of hook points (for tables indexed by HookPoint).
inline constexpr std::size_t kHookPointCount =
    static_cast<std::size_t>(HookPoint::CommandProcessed) + 1;

/// Kea's name of a hook point ("pkt4_receive").
KAHU_API std::string_view toString(HookPoint point) noexcept;

/// The hook point of a Kea name; nullopt for unknown names.
KAHU_API std::optional<HookPoint> hookPointFromString(std::string_view name) noexcept;

/// True where a callout may return Verdict::Park (pkt4_receive, subnet4_select,
/// lease4_select, leases4_committed). Elsewhere Park counts as Continue.
constexpr bool canPark(HookPoint point) noexcept {
    return point == HookPoint::Pkt4Receive || point == HookPoint::Subnet4Select ||
           point == HookPoint::Lease4Select || point == HookPoint::Leases4Committed;
}

} // namespace kahu::hooks
