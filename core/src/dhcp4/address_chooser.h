// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "alloc/lease_manager.h"
#include "dhcp4/exchange.h"
#include "dhcp4/host_index.h"
#include "dhcp4/subnet_selector.h"

#include <kahu/config/server_config.h>
#include <kahu/lease/lease4.h>
#include <optional>
#include <vector>

namespace kahu {

/// Which address a client may have, as Kea's allocation engine decides it: the client's
/// reservation first, then its lease, the address it asked for, a free address of the pools,
/// and last an expired lease reused on the spot. Holds references to its Dhcp4Processor's
/// configuration, lease manager, reservations and subnet selector; safe for concurrent use
/// (the lease manager serialises what must be).
class AddressChooser {
public:
    AddressChooser(const ServerConfig& config, LeaseManager& leases, const HostIndex& hosts,
                   const SubnetSelector& selector);

    /// The client's lease in one of the subnets of `network`: by client-id where the subnet
    /// matches on it, else by hardware address.
    std::optional<Lease4> findClientLease(const std::vector<const Subnet*>& network,
                                          const ClientIdentity& c) const;
    /// The client's reservation in a subnet (Kea's current host): the subnet's own when
    /// reservations-in-subnet, else the global one when reservations-global.
    HostIndex::ReservationPtr reservationFor(const Subnet& s, const Exchange& ex) const;
    /// The address reserved for the client in a subnet, as Kea picks it: a global
    /// reservation's address inside the subnet first, then the subnet's own reservation's,
    /// which reservations-out-of-pool limits to addresses outside the pools.
    std::optional<Ipv4Address> reservedAddress(const Subnet& s, const Exchange& ex) const;
    /// A reservation (of the subnet or global) holds `a` for a client other than c.
    bool reservedForAnother(const Subnet& s, Ipv4Address a, const ClientIdentity& c) const;
    /// Whether `a` may be given to the client: no live lease of someone else, not reserved for
    /// someone else. `seen`, when given, receives the store's row at `a` (when the answer is
    /// true).
    bool addressFree(const Subnet& s, Ipv4Address a, const ClientIdentity& c, int64_t now,
                     std::optional<Lease4>* seen = nullptr) const;
    /// The address for the client in `network` (reserved, its lease's, `requested`, free,
    /// expired: the first that may be its), and in `chosenSubnet` the subnet it lies in.
    std::optional<Ipv4Address> chooseAddress(Exchange& ex,
                                             const std::vector<const Subnet*>& network,
                                             std::optional<Ipv4Address> requested,
                                             const Subnet*& chosenSubnet) const;
    /// No address left: ALLOC_ENGINE_V4_ALLOC_FAIL(_SUBNET) and the v4-allocation-fail stats.
    void logAllocFail(const Exchange& ex, const Subnet& subnet) const;

private:
    const ServerConfig& config_;
    LeaseManager& leases_;
    const HostIndex& hosts_;
    const SubnetSelector& selector_;
};

/// The lease the client gets for address `a` in subnet `s`: its identity, the subnet's
/// lifetime (within the bounds, as the client asked), the reservation's or the client's host
/// name as the subnet's ddns-* values make it (ddns::resolveClientName, kept in ex.name for the
/// answer) with fqdn_fwd / fqdn_rev.
/// valid-lifetime (and its bounds) from the first of the query's classes that sets one, in
/// the order it joined them, else the subnet's (Kea's AllocEngine::getValidLft); infinite for
/// a query in the class BOOTP.
Lifetime validLifetimeFor(const ServerConfig& config, const Subnet& s, const Packet4& query);
Lease4 makeLease(const ServerConfig& config, const Subnet& s, Ipv4Address a, Exchange& ex);

} // namespace kahu
