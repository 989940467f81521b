// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <kahu/kea_json.h>
#include <kahu/lease/lease4.h>
#include <kahu/lease/lease_json.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

// The commands one HA peer sends another (Kea's ha/command_creator.cc), in Kea 2.2's exact form,
// and the lease <-> JSON conversion they carry (§5.2). A 2.2 partner must keep working, so the
// fields Kea 2.6 added (server-name, origin-id, origin on lease updates) are off by default.
namespace kahu::ha {

/// One command for PeerChannel::send(): the name and its arguments (null when it has none).
struct PeerCommand {
    std::string name;
    nlohmann::json arguments;
};

class CommandCreator {
public:
    struct Options {
        /// Add Kea 2.6's fields: server-name on ha-heartbeat, ha-reset, ha-maintenance-notify
        /// and ha-sync-complete-notify; origin-id on dhcp-disable/-enable and
        /// ha-sync-complete-notify; origin "ha-partner" on lease4-update and lease4-del.
        bool kea26 = false;
        std::string serverName;   ///< this server's name (2.6 "server-name")
        uint32_t originId = 2000; ///< 2000 + the relationship index (2.6)
    };

    CommandCreator() = default;
    explicit CommandCreator(Options options) : options_(std::move(options)) {}
    const Options& options() const noexcept { return options_; }

    PeerCommand heartbeat() const;
    /// dhcp-disable {"max-period", "origin": "ha-partner"}; maxPeriodSeconds 0 = no max-period.
    PeerCommand dhcpDisable(uint32_t maxPeriodSeconds) const;
    PeerCommand dhcpEnable() const;
    /// lease4-get-page {"from": "start" (nullopt) or the last address, "limit"}.
    PeerCommand leaseGetPage(std::optional<Ipv4Address> from, uint32_t limit) const;
    PeerCommand syncCompleteNotify() const;
    PeerCommand maintenanceNotify(bool cancel) const;
    PeerCommand haReset() const;
    /// lease4-update: the lease JSON without cltt, with expire and force-create: true.
    PeerCommand leaseUpdate(const Lease4& lease) const;
    /// lease4-del: the lease JSON without cltt, with expire.
    PeerCommand leaseDelete(const Lease4& lease) const;

    /// The HTTP body for a command: {"command", "service": ["dhcp4"], "arguments"?}.
    static nlohmann::json body(const std::string& name, const nlohmann::json& arguments);
    /// body() printed the way Kea prints JSON (kahu::keaText, Element::str()), so what goes
    /// on the wire is byte-for-byte what a Kea peer sends.
    static std::string bodyText(const std::string& name, const nlohmann::json& arguments);

private:
    Options options_;
};

/// A lease from a peer's lease4-get-page page: the kahu::leaseToJson() keys, with `cltt`, or with
/// `expire` (cltt = expire - valid-lft) when cltt is absent. nullopt, with the reason in
/// `error`, when a required key (ip-address, hw-address, valid-lft, subnet-id) is missing or
/// a value has the wrong type.
std::optional<Lease4> leaseFromJson(const nlohmann::json& json, std::string* error = nullptr);

} // namespace kahu::ha
