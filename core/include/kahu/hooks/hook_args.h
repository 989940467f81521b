// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <kahu/config/server_config.h>
#include <kahu/dhcp/packet4.h>
#include <kahu/hooks/hook_point.h>
#include <kahu/lease/lease4.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

/// @file
/// One argument struct per hook point. The server builds it on its stack and passes it to every
/// callout of the hook point in turn, so a change one callout makes is seen by the next and by
/// the server ("in/out" below). References are valid only during the callout: copy what you need
/// to keep (for a parked packet too: the server keeps the packets alive until it resumes, but
/// they belong to the server's thread of processing, not to the hook's).

namespace kahu::hooks {

/// buffer4_receive. `query` is not parsed yet (only its addresses/interface are set).
struct Buffer4ReceiveArgs {
    std::vector<uint8_t>& buffer; ///< in/out: the received bytes
    Packet4& query;               ///< out when the verdict is Skip: the callout parsed it
};

/// pkt4_receive.
struct Pkt4ReceiveArgs {
    Packet4& query;
};

/// subnet4_select.
struct Subnet4SelectArgs {
    Packet4& query;
    const Subnet*& subnet;              ///< in/out: the selected subnet, nullptr = none
    const std::vector<Subnet>& subnets; ///< every configured subnet (pick one of these)
};

/// host4_identifier (only when "flex-id" is among host-reservation-identifiers).
struct Host4IdentifierArgs {
    Packet4& query;
    IdentifierType& idType;        ///< in/out
    std::vector<uint8_t>& idValue; ///< out
};

/// lease4_select.
struct Lease4SelectArgs {
    Packet4& query;
    const Subnet& subnet;
    bool fakeAllocation; ///< true for DISCOVER (an offer), false for REQUEST
    Lease4& lease;       ///< in/out
};

/// lease4_renew.
struct Lease4RenewArgs {
    Packet4& query;
    const Subnet& subnet;
    const ClientId* clientId; ///< nullptr when match-client-id is false
    const HwAddr& hwAddr;
    Lease4& lease; ///< in/out
};

/// lease4_release.
struct Lease4ReleaseArgs {
    Packet4& query;
    Lease4& lease;
};

/// lease4_decline.
struct Lease4DeclineArgs {
    Packet4& query;
    Lease4& lease; ///< still holds the client's identity
};

/// lease4_expire (reclamation; no packet).
struct Lease4ExpireArgs {
    Lease4& lease;     ///< in/out
    bool& removeLease; ///< in/out: true when flush-reclaimed-timer-wait-time is 0
};

/// lease4_recover (a declined lease after its probation; no packet).
struct Lease4RecoverArgs {
    Lease4& lease;
};

/// leases4_committed (REQUEST, RELEASE, DECLINE only).
struct Leases4CommittedArgs {
    Packet4& query;
    Packet4* response;                        ///< nullptr when there is none (RELEASE, DECLINE)
    const std::vector<Lease4>& leases;        ///< new or updated leases
    const std::vector<Lease4>& deletedLeases; ///< leases removed by this exchange
};

/// pkt4_send.
struct Pkt4SendArgs {
    Packet4& query;
    Packet4& response;    ///< in/out
    const Subnet* subnet; ///< nullptr when no subnet was selected
};

/// buffer4_send.
struct Buffer4SendArgs {
    Packet4& response;
    std::vector<uint8_t>& buffer; ///< in/out: the packed response
};

/// dhcp4_srv_configured: the new configuration is in place and about to serve.
struct Dhcp4SrvConfiguredArgs {
    const ServerConfig& config;
    std::string& error; ///< out: the reason when the verdict is Drop
};

/// command_processed: after every control command.
struct CommandProcessedArgs {
    const std::string& name;
    const nlohmann::json& arguments; ///< null when the command had none
    nlohmann::json& response;        ///< in/out: the answer about to be sent
};

/// Maps a HookPoint to its argument struct, so that registering a callout with the wrong
/// argument type does not compile.
template <HookPoint P> struct HookTraits;

#define KAHU_HOOK_TRAITS_(point, args)                                                             \
    template <> struct HookTraits<HookPoint::point> { using Args = args; }
KAHU_HOOK_TRAITS_(Buffer4Receive, Buffer4ReceiveArgs);
KAHU_HOOK_TRAITS_(Pkt4Receive, Pkt4ReceiveArgs);
KAHU_HOOK_TRAITS_(Subnet4Select, Subnet4SelectArgs);
KAHU_HOOK_TRAITS_(Host4Identifier, Host4IdentifierArgs);
KAHU_HOOK_TRAITS_(Lease4Select, Lease4SelectArgs);
KAHU_HOOK_TRAITS_(Lease4Renew, Lease4RenewArgs);
KAHU_HOOK_TRAITS_(Lease4Release, Lease4ReleaseArgs);
KAHU_HOOK_TRAITS_(Lease4Decline, Lease4DeclineArgs);
KAHU_HOOK_TRAITS_(Lease4Expire, Lease4ExpireArgs);
KAHU_HOOK_TRAITS_(Lease4Recover, Lease4RecoverArgs);
KAHU_HOOK_TRAITS_(Leases4Committed, Leases4CommittedArgs);
KAHU_HOOK_TRAITS_(Pkt4Send, Pkt4SendArgs);
KAHU_HOOK_TRAITS_(Buffer4Send, Buffer4SendArgs);
KAHU_HOOK_TRAITS_(Dhcp4SrvConfigured, Dhcp4SrvConfiguredArgs);
KAHU_HOOK_TRAITS_(CommandProcessed, CommandProcessedArgs);
#undef KAHU_HOOK_TRAITS_

/// The argument struct of hook point P: `ArgsFor<HookPoint::Pkt4Send>` is Pkt4SendArgs.
template <HookPoint P> using ArgsFor = typename HookTraits<P>::Args;

} // namespace kahu::hooks
