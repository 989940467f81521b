// SPDX-License-Identifier: MPL-2.0
#include <kahu/lease/lease_json.h>

namespace kahu {

nlohmann::json leaseToJson(const Lease4& l) {
    nlohmann::json j = {{"cltt", l.cltt},
                        {"fqdn-fwd", l.fqdnFwd},
                        {"fqdn-rev", l.fqdnRev},
                        {"hostname", l.hostname},
                        {"hw-address", l.hwAddr.str()},
                        {"ip-address", l.address.str()},
                        {"state", static_cast<uint32_t>(l.state)},
                        {"subnet-id", l.subnetId},
                        {"valid-lft", l.validLifetime}};
    if (!l.clientId.empty()) {
        j["client-id"] = toColonHex(l.clientId);
    }
    if (l.poolId != 0) {
        j["pool-id"] = l.poolId;
    }
    if (!l.userContext.is_null()) {
        j["user-context"] = l.userContext;
    }
    return j;
}

} // namespace kahu
