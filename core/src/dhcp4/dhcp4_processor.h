// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "alloc/lease_manager.h"
#include "dhcp4/address_chooser.h"
#include "dhcp4/dhcp4_messages.h"
#include "dhcp4/exchange.h"
#include "dhcp4/host_index.h"
#include "dhcp4/reply_builder.h"
#include "dhcp4/subnet_selector.h"

#include <functional>
#include <kahu/config/server_config.h>
#include <memory>
#include <vector>

namespace kahu {

/// The DHCPv4 protocol: decides the answer and the lease changes for a parsed query
/// (Kea's dhcp4_srv.cc). It accepts the query, reads the client, runs host4_identifier and
/// subnet4_select, and hands the exchange to the handler of its message type
/// (dhcp4_messages.h), which runs the hook points of its decision (lease4_select,
/// lease4_renew, lease4_release, lease4_decline) through PacketHooks.
///
/// One instance per configuration generation; process() may run on several worker threads at
/// once (mutable state lives in the LeaseManager). A callout may park the exchange at
/// subnet4_select or lease4_select: process() then returns at once and `done` runs later, on
/// the thread that resumes it.
class Dhcp4Processor {
public:
    /// Called exactly once per exchange when the decision is made (response set, or none).
    using Done = ExchangeDone;

    /// interfaces: the host's interfaces and their IPv4 addresses (server identifier, subnet
    /// selection for directly connected clients).
    /// ddns: where NameChangeRequests go (null = none); it must outlive the processor.
    /// hostStores: hosts-database(s), asked after the configuration's reservations.
    Dhcp4Processor(std::shared_ptr<const ServerConfig> config, LeaseManager& leases,
                   std::vector<InterfaceAddresses> interfaces, NameChangeQueue* ddns = nullptr,
                   std::vector<std::shared_ptr<HostStore>> hostStores = {});
    Dhcp4Processor(const Dhcp4Processor&) = delete;
    Dhcp4Processor& operator=(const Dhcp4Processor&) = delete;

    /// Kea's accept() and first classification, before pkt4_receive: counts the query by
    /// type, drops what is not for this server (no or unknown message type, a client-id under
    /// 2 bytes, a foreign server identifier), then joins ALL, VENDOR_CLASS_* and the classes
    /// evaluated on arrival, and drops a member of DROP. False = dropped (ex.drop, counted in
    /// pkt4-receive-drop). Never throws.
    bool admit(Exchange& ex) noexcept;

    /// Runs the protocol on an admitted query. Never throws: a failure of the lease store
    /// becomes a dropped query. ex->query, ex->now and (with hooks) ex->hooks / ex->context
    /// must be set.
    void process(const ExchangePtr& ex, const Done& done) noexcept;

    /// Synchronous form without hooks, admit() included (tests, tools).
    Exchange process(Packet4 query, int64_t now);

    const ServerConfig& config() const noexcept { return *config_; }

private:
    /// After subnet selection: KNOWN/UNKNOWN and the classes that depend on them; false when
    /// the query joined DROP (dropped, counted).
    bool classifyKnown(Exchange& ex) const;

    void dispatch(const ExchangePtr& ex, const Done& done);
    void selectSubnet(const ExchangePtr& ex, const Done& done, std::function<void()> next);
    bool acceptServerId(const Packet4& q) const;

    std::shared_ptr<const ServerConfig> config_;
    LeaseManager& leases_;
    std::vector<InterfaceAddresses> interfaces_;
    HostIndex hosts_;
    SubnetSelector selector_;
    AddressChooser addresses_;
    ReplyBuilder replies_;
    MessageContext messages_; ///< the parts above, as the message handlers see them
    std::vector<Ipv4Address> configuredServerIds_;
    bool flexId_ = false; ///< flex-id is among host-reservation-identifiers
};

} // namespace kahu
