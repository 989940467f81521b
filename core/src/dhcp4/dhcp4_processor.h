// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "alloc/lease_manager.h"
#include "dhcp4/exchange.h"
#include "dhcp4/host_index.h"
#include "dhcp4/subnet_selector.h"

#include <kahu/config/server_config.h>
#include <kahu/export.h>
#include <kahu/stats.h>

#include <functional>
#include <memory>

namespace kahu {

class HookSet;

/// The DHCPv4 protocol: takes a parsed query and decides the answer and the lease changes
/// (reference §9). One instance per configuration generation; process() is safe to call from
/// several worker threads at once (all mutable state lives in the LeaseManager).
class KAHU_API Dhcp4Processor {
public:
    /// interfaces: the host's interfaces and their IPv4 addresses (server identifier, subnet
    /// selection for directly connected clients).
    Dhcp4Processor(std::shared_ptr<const ServerConfig> config, LeaseManager& leases,
                   std::vector<InterfaceAddresses> interfaces);

    /// Runs the protocol for one query. Never throws: failures of the lease store become a
    /// dropped query (logged). `now` is Unix seconds.
    Exchange process(Packet4 query, int64_t now) noexcept;

    const ServerConfig& config() const noexcept { return *config_; }
    const std::shared_ptr<const ServerConfig>& configPtr() const noexcept { return config_; }

private:
    struct Client;  // identity of the querying client

    void processDiscover(Exchange& ex, const Client& c, int64_t now);
    void processRequest(Exchange& ex, const Client& c, int64_t now);
    void processRelease(Exchange& ex, const Client& c, int64_t now);
    void processDecline(Exchange& ex, const Client& c, int64_t now);
    void processInform(Exchange& ex, const Client& c);

    bool acceptServerId(const Packet4& q) const;
    std::optional<Lease4> findClientLease(const std::vector<const Subnet*>& network,
                                          const Client& c) const;
    const Reservation* reservationFor(const Subnet& s, const Packet4& q) const;
    /// Whether `a` may be given to the client: no live lease of someone else, not reserved for
    /// someone else.
    bool addressFree(const Subnet& s, Ipv4Address a, const Client& c, int64_t now) const;
    std::optional<Ipv4Address> chooseAddress(Exchange& ex, const Client& c,
                                             const std::vector<const Subnet*>& network,
                                             const std::optional<Lease4>& existing,
                                             std::optional<Ipv4Address> requested, int64_t now,
                                             const Subnet*& chosenSubnet);
    Lease4 makeLease(const Subnet& s, Ipv4Address a, const Client& c, const Exchange& ex,
                     int64_t now) const;
    Packet4 makeReply(const Exchange& ex, MessageType type) const;
    void finishReply(Exchange& ex, Packet4& reply, const Subnet& s, const Lease4* lease) const;
    void nak(Exchange& ex, const char* reason) const;
    void setDestination(const Packet4& q, Packet4& reply) const;
    Ipv4Address serverIdFor(const Packet4& q) const;

    std::shared_ptr<const ServerConfig> config_;
    LeaseManager& leases_;
    const InterfaceAddresses* interfaceOf(const Packet4& q) const noexcept;

    std::vector<InterfaceAddresses> interfaces_;
    HostIndex hosts_;
    SubnetSelector selector_;
    std::vector<Ipv4Address> configuredServerIds_;
};

} // namespace kahu
