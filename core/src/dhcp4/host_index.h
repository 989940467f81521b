// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/config/server_config.h>
#include <kahu/dhcp/packet4.h>
#include <kahu/host/host_store.h>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace kahu {

/// One identifier a query carries, as reservations are matched (Kea's host identifier).
struct HostIdentifier {
    IdentifierType type;
    std::vector<uint8_t> bytes;
};
using HostIdentifiers = std::vector<HostIdentifier>;

/// Where the packet path finds reservations: the configuration's, indexed by (subnet,
/// identifier type, identifier bytes) and by (subnet, address), then the host stores of
/// hosts-database(s) in order (Kea's HostMgr: the configuration first, then each alternate
/// source). Subnet id 0 holds the global reservations. The index is built once per
/// configuration and read-only afterwards, so it needs no lock; the stores guard themselves.
/// A configuration reservation comes back as a pointer into the configuration (which the
/// caller keeps alive), a store's as a pointer that owns it.
class HostIndex {
public:
    using ReservationPtr = std::shared_ptr<const Reservation>;

    explicit HostIndex(const ServerConfig& config,
                       std::vector<std::shared_ptr<HostStore>> stores = {});

    /// The identifiers a query carries, in host-reservation-identifiers order; types the query
    /// does not carry are left out. hw-address is chaddr; duid is the DUID inside a client-id
    /// of type 255 (RFC 4361); circuit-id is option 82's sub-option 1; client-id is option 61
    /// as sent; flex-id is the host4_identifier result (empty when none).
    HostIdentifiers identifiers(const Packet4& query,
                                const std::vector<uint8_t>& flexId = {}) const;
    /// The client's reservation in a subnet (0 = global): the first identifier, in
    /// host-reservation-identifiers order, that has a reservation wins (Kea's rule).
    /// A store that fails throws kahu::StoreError.
    ReservationPtr find(SubnetId subnet, const HostIdentifiers& ids) const;
    ReservationPtr find(SubnetId subnet, const Packet4& query,
                        const std::vector<uint8_t>& flexId = {}) const {
        return find(subnet, identifiers(query, flexId));
    }
    /// Who holds a reservation for this address in a subnet (0 = global), or null.
    ReservationPtr byAddress(SubnetId subnet, Ipv4Address a) const;
    /// Whether a reservation names the client: its identifier is one the client carries, of
    /// the same type. Any of the client's identifiers counts (as Kea's address check), not only
    /// the first, so a client never loses an address reserved for it to its own other identity.
    static bool names(const Reservation& r, const HostIdentifiers& ids);
    /// No reservation anywhere: no lookup is needed.
    bool empty() const noexcept { return byId_.empty() && stores_.empty(); }
    const std::vector<std::shared_ptr<HostStore>>& stores() const noexcept { return stores_; }

private:
    static std::string key(SubnetId subnet, IdentifierType t, const std::vector<uint8_t>& id);
    void add(SubnetId subnet, const Reservation& r);

    std::vector<IdentifierType> order_;
    std::unordered_map<std::string, const Reservation*> byId_;
    std::map<std::pair<SubnetId, uint32_t>, const Reservation*> byAddress_;
    std::vector<std::shared_ptr<HostStore>> stores_;
};

} // namespace kahu
