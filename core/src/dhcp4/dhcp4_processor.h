// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "alloc/lease_manager.h"
#include "dhcp4/exchange.h"
#include "dhcp4/host_index.h"
#include "dhcp4/subnet_selector.h"

#include <functional>
#include <kahu/config/server_config.h>
#include <kahu/export.h>
#include <kahu/hooks/hook_point.h>
#include <memory>

namespace kahu {

/// The DHCPv4 protocol: decides the answer and the lease changes for a parsed query
/// (Kea's dhcp4_srv.cc), running the hook points that belong to that decision (subnet4_select,
/// host4_identifier, lease4_select, lease4_renew, lease4_release, lease4_decline).
///
/// One instance per configuration generation; process() may run on several worker threads at
/// once (mutable state lives in the LeaseManager). A callout may park the exchange at
/// subnet4_select or lease4_select: process() then returns at once and `done` runs later, on
/// the thread that resumes it.
class KAHU_API Dhcp4Processor {
public:
    /// Called exactly once per exchange when the decision is made (response set, or none).
    using Done = std::function<void(const ExchangePtr&)>;

    /// interfaces: the host's interfaces and their IPv4 addresses (server identifier, subnet
    /// selection for directly connected clients).
    Dhcp4Processor(std::shared_ptr<const ServerConfig> config, LeaseManager& leases,
                   std::vector<InterfaceAddresses> interfaces);

    /// Runs the protocol. Never throws: a failure of the lease store becomes a dropped query.
    /// ex->query, ex->now and (with hooks) ex->hooks / ex->context must be set.
    void process(ExchangePtr ex, Done done) noexcept;

    /// Synchronous form without hooks (tests, tools).
    Exchange process(Packet4 query, int64_t now);

    const ServerConfig& config() const noexcept { return *config_; }

private:
    void dispatch(const ExchangePtr& ex, const Done& done);
    void selectSubnet(const ExchangePtr& ex, const Done& done, std::function<void()> next);
    void processDiscover(const ExchangePtr& ex, const Done& done);
    void finishDiscover(const ExchangePtr& ex, const Done& done);
    void processRequest(const ExchangePtr& ex, const Done& done);
    void commitRequest(const ExchangePtr& ex, const Done& done);
    void processRelease(Exchange& ex);
    void processDecline(Exchange& ex);
    void processInform(Exchange& ex);

    bool acceptServerId(const Packet4& q) const;
    std::optional<Lease4> findClientLease(const std::vector<const Subnet*>& network,
                                          const ClientIdentity& c) const;
    /// The client's reservation in a subnet (Kea's current host): the subnet's own when
    /// reservations-in-subnet, else the global one when reservations-global.
    const Reservation* reservationFor(const Subnet& s, const Exchange& ex) const;
    /// The address reserved for the client in a subnet, as Kea picks it: a global
    /// reservation's address inside the subnet first, then the subnet's own reservation's,
    /// which reservations-out-of-pool limits to addresses outside the pools.
    std::optional<Ipv4Address> reservedAddress(const Subnet& s, const Exchange& ex) const;
    /// Whether `a` may be given to the client: no live lease of someone else, not reserved for
    /// someone else.
    /// `seen`, when given, receives the store's row at `a` (when the answer is true).
    bool addressFree(const Subnet& s, Ipv4Address a, const ClientIdentity& c, int64_t now,
                     std::optional<Lease4>* seen = nullptr) const;
    std::optional<Ipv4Address> chooseAddress(Exchange& ex,
                                             const std::vector<const Subnet*>& network,
                                             std::optional<Ipv4Address> requested,
                                             const Subnet*& chosenSubnet);
    Lease4 makeLease(const Subnet& s, Ipv4Address a, const Exchange& ex) const;
    Packet4 makeReply(const Exchange& ex, MessageType type) const;
    void finishReply(Exchange& ex, Packet4& reply, const Subnet& s, const Lease4* lease) const;
    /// Answers with a DHCPNAK (the caller logs why, in Kea's words).
    void nak(Exchange& ex) const;
    /// A REQUEST that gets no lease: DHCP4_PACKET_NAK_0004 and a NAK.
    void nakNoLease(Exchange& ex, const char* allocId, const std::string& why) const;
    /// A reservation (of the subnet or global) holds `a` for a client other than c.
    bool reservedForAnother(const Subnet& s, Ipv4Address a, const ClientIdentity& c) const;
    /// No subnet for the client: DHCP4_SUBNET_SELECTION_FAILED, DHCP4_PACKET_NAK_0001.
    void logNoSubnet(const Exchange& ex) const;
    /// No address left: ALLOC_ENGINE_V4_ALLOC_FAIL(_SUBNET) and the v4-allocation-fail stats.
    void logAllocFail(const Exchange& ex, const Subnet& subnet) const;
    void setDestination(const Packet4& q, Packet4& reply) const;
    Ipv4Address serverIdFor(const Packet4& q) const;
    const InterfaceAddresses* interfaceOf(const Packet4& q) const noexcept;

    std::shared_ptr<const ServerConfig> config_;
    LeaseManager& leases_;
    std::vector<InterfaceAddresses> interfaces_;
    HostIndex hosts_;
    SubnetSelector selector_;
    std::vector<Ipv4Address> configuredServerIds_;
    bool flexId_ = false; ///< flex-id is among host-reservation-identifiers
};

} // namespace kahu
