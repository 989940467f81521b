// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ddns/ddns_names.h"
#include "dhcp4/host_index.h"

#include <functional>
#include <kahu/config/server_config.h>
#include <kahu/dhcp/packet4.h>
#include <kahu/hooks/packet_context.h>
#include <kahu/lease/lease4.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kahu {

namespace hooks {
class HookSet;
}

/// Who sent a query, as the protocol compares clients.
struct ClientIdentity {
    HwAddr hw;
    ClientId clientId; ///< option 61 as sent (empty if none)
    /// Options 81 and 12 as sent; the lease's name is decided with the subnet's ddns-* values
    /// (ddns/ddns_names.h).
    ddns::ClientNameOptions name;
    /// What reservations are matched with, in host-reservation-identifiers order (empty when
    /// the configuration has no reservations).
    HostIdentifiers hostIds;

    /// The client-id to compare leases with in a subnet (none when match-client-id is false).
    const ClientId& idFor(const Subnet& s) const {
        static const ClientId kNone;
        return s.matchClientId ? clientId : kNone;
    }
};

/// One query travelling through the pipeline, and what the server decided for it. Shared
/// (std::shared_ptr) because a hook may park it and resume it later on another thread.
struct Exchange {
    Packet4 query;
    std::optional<Packet4> response; ///< empty = no answer (DECLINE, RELEASE, drop)
    ClientIdentity client;
    const Subnet* subnet = nullptr;
    /// The client's reservation in its subnet (null = none); owns it when a host store
    /// returned it, points into the configuration (kept alive by keepAlive) otherwise.
    std::shared_ptr<const Reservation> reservation;
    std::vector<Lease4> leases;        ///< new or updated by this exchange
    std::vector<Lease4> deletedLeases; ///< removed (or released) by this exchange
    bool drop = false;
    const char* dropReason = nullptr; ///< message ID of the reason, for logs
    int64_t now = 0;                  ///< Unix seconds when processing started

    // Pipeline state.
    std::shared_ptr<hooks::HookSet> hooks;         ///< null when no library is loaded
    std::shared_ptr<hooks::PacketContext> context; ///< per-library storage, with hooks
    std::shared_ptr<const void> keepAlive;         ///< the configuration generation
    Lease4 candidate;      ///< the lease lease4_select / lease4_renew may change
    ddns::ClientName name; ///< the candidate's name and how the answer carries it
    /// The candidate's ddns-* values when the query's classes change the subnet's (none = the
    /// subnet's as they are); see ddnsParams().
    std::optional<DdnsParams> ownDdns;
    std::optional<Lease4> existing; ///< the client's lease found before allocation
    bool skipCommit = false;        ///< a callout took over the lease write (Skip)
    std::vector<uint8_t> flexId;    ///< host4_identifier result, for flex-id reservations
    /// The store's row at `storedAt` as REQUEST's address check read it (none = no row).
    std::optional<Ipv4Address> storedAt;
    std::optional<Lease4> stored;

    /// The ddns-* values the candidate's name was decided with. Needs `subnet`.
    const DdnsParams& ddnsParams() const { return ownDdns ? *ownDdns : subnet->ddns; }

    void markDrop(const char* reason) noexcept {
        drop = true;
        dropReason = reason;
        response.reset();
    }
};
using ExchangePtr = std::shared_ptr<Exchange>;
/// Called exactly once per exchange when the protocol's decision is made (response set, or
/// none), maybe later and on another thread when a hook parked the exchange.
using ExchangeDone = std::function<void(const ExchangePtr&)>;

} // namespace kahu
