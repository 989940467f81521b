// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/export.h>
#include <kahu/lease/lease4.h>
#include <nlohmann/json.hpp>

namespace kahu {

/// A lease as Kea's control API shows it (Lease4::toElement): client-id (only when present,
/// colon hex), cltt, fqdn-fwd, fqdn-rev, hostname, hw-address (colon hex without the type),
/// ip-address, pool-id (only when non-zero), state, subnet-id, user-context (only when set),
/// valid-lft. What lease4-get answers and what HA's lease updates are built from.
KAHU_API nlohmann::json leaseToJson(const Lease4& lease);

} // namespace kahu
