// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "lease_args.h"

#include <kahu/config/server_config.h>
#include <kahu/lease/lease4.h>
#include <kahu/lease/lease_json.h>
#include <nlohmann/json.hpp>

namespace kahu::lease_cmds {

/// The lease list every get command answers with: {"leases": [...]} ("count" is added by
/// lease4-get-page only).
nlohmann::json leaseList(const std::vector<Lease4>& leases);

/// What lease4-add and lease4-update get.
struct ParsedLease {
    Lease4 lease;
    bool forceCreate = false;
    /// "origin": "ha-partner": the update comes from an HA partner (Kea 2.4+ and Kahu send it;
    /// the HA dedicated listener adds it to what a Kea 2.2 partner sends).
    bool fromHaPartner = false;
};

/// Builds a lease from add/update arguments with Kea 2.6's rules (Lease4Parser::parse):
/// ip-address and hw-address required; subnet-id checked against, or else derived from, the
/// configured subnets (a conflict, result 4, when that fails); valid-lft defaults to the
/// subnet's; cltt = expire - valid-lft, or `now` without expire; hostname lower-cased; comment
/// merged into user-context; unknown keys ignored. Throws CommandError; builds nothing half.
ParsedLease parseLease(const nlohmann::json& args, const ServerConfig& config, int64_t now);

} // namespace kahu::lease_cmds
