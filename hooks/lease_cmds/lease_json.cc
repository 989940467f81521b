// SPDX-License-Identifier: MPL-2.0
#include "lease_json.h"

#include <algorithm>
#include <cctype>

namespace kahu::lease_cmds {

nlohmann::json leaseList(const std::vector<Lease4>& leases) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& l : leases) {
        list.push_back(leaseToJson(l));
    }
    return nlohmann::json{{"leases", std::move(list)}};
}

namespace {

[[noreturn]] void conflict(const std::string& text) {
    throw CommandError(CommandResult::Conflict, text);
}

/// The subnet a lease goes into: the given subnet-id, checked, or the first configured subnet
/// whose prefix holds the address (Kea's selectSubnet without client classes, so subnets
/// limited to a class are skipped).
const Subnet& subnetFor(const ServerConfig& config, Ipv4Address address, SubnetId id) {
    if (id != 0) {
        const Subnet* s = config.subnetById(id);
        if (s == nullptr) {
            conflict("Invalid subnet-id: No IPv4 subnet with subnet-id=" + std::to_string(id) +
                     " currently configured.");
        }
        if (!s->prefix.contains(address)) {
            conflict("The address " + address.str() + " does not belong to subnet " +
                     s->prefix.str() + ", subnet-id=" + std::to_string(id));
        }
        return *s;
    }
    for (const auto& s : config.subnets) {
        if (s.prefix.contains(address) && s.clientClass.empty()) {
            return s;
        }
    }
    conflict("subnet-id not specified and failed to find a subnet for address " + address.str());
}

} // namespace

ParsedLease parseLease(const nlohmann::json& args, const ServerConfig& config, int64_t now) {
    if (!args.is_object()) {
        argError("Parameters missing or are not a map.");
    }
    ParsedLease out;
    Lease4& l = out.lease;

    const std::string addressText = getString(args, "ip-address");
    switch (classifyAddress(addressText, l.address)) {
    case AddressText::Valid:
        break;
    case AddressText::Ipv6:
        argError("Non-IPv4 address specified: " + addressText);
    case AddressText::Invalid:
        argError("Failed to convert '" + addressText +
                 "' to address: Failed to convert string to address '" + addressText +
                 "': Invalid argument");
    }
    const std::string address = l.address.str();

    l.hwAddr = parseHwAddr(getString(args, "hw-address"), "hw-address");

    SubnetId id = args.contains("subnet-id") ? getUint32(args, "subnet-id") : 0;
    if (args.contains("pool-id")) {
        l.poolId = getUint32(args, "pool-id");
    }
    const Subnet& subnet = subnetFor(config, l.address, id);
    l.subnetId = subnet.id;

    if (args.contains("client-id")) {
        l.clientId = parseClientId(getString(args, "client-id"));
    }

    l.validLifetime =
        args.contains("valid-lft") ? getUint32(args, "valid-lft") : subnet.valid.value;

    if (args.contains("expire")) {
        int64_t expire = getInteger(args, "expire");
        if (expire <= 0) {
            argError("expiration time must be positive for address " + address);
        }
        if (expire < int64_t(l.validLifetime)) {
            argError("expiration time must be greater than valid lifetime for address " + address);
        }
        l.cltt = expire - int64_t(l.validLifetime);
    } else {
        l.cltt = now;
    }

    if (args.contains("fqdn-fwd")) {
        l.fqdnFwd = getBoolean(args, "fqdn-fwd");
    }
    if (args.contains("fqdn-rev")) {
        l.fqdnRev = getBoolean(args, "fqdn-rev");
    }
    if (args.contains("hostname")) {
        l.hostname = getString(args, "hostname");
        std::transform(l.hostname.begin(), l.hostname.end(), l.hostname.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
    }
    if (l.hostname.empty() && (l.fqdnFwd || l.fqdnRev)) {
        argError("No hostname specified and either forward or reverse fqdn was set to true.");
    }

    if (args.contains("state")) {
        uint8_t state = getUint8(args, "state");
        if (state > uint8_t(LeaseState::ExpiredReclaimed)) {
            argError("Invalid state value: " + std::to_string(state) +
                     ", supported values are: 0 (default), 1 (declined) and 2 "
                     "(expired-reclaimed)");
        }
        l.state = static_cast<LeaseState>(state);
    }

    if (auto it = args.find("user-context"); it != args.end() && !it->is_null()) {
        if (!it->is_object()) {
            argError("Invalid user context '" + it->dump() + "' is not a JSON map.");
        }
        l.userContext = *it;
    }
    if (auto it = args.find("comment"); it != args.end()) {
        if (l.userContext.is_object() && l.userContext.contains("comment")) {
            argError("Duplicated comment entry '" + it->dump() + "' in user context '" +
                     l.userContext.dump() + "'");
        }
        if (!l.userContext.is_object()) {
            l.userContext = nlohmann::json::object();
        }
        l.userContext["comment"] = *it;
    }

    if (args.contains("force-create")) {
        out.forceCreate = getBoolean(args, "force-create");
    }
    if (auto it = args.find("origin"); it != args.end() && it->is_string()) {
        out.fromHaPartner = it->get<std::string>() == "ha-partner";
    }

    // Kea's lease back ends refuse such a lease; declined leases have lost their client.
    if (l.hwAddr.empty() && l.clientId.empty() && l.state != LeaseState::Declined) {
        argError("Lease4: " + address + ", state: " + leaseStateText(l.state) +
                 " has neither hardware address or client id");
    }
    return out;
}

} // namespace kahu::lease_cmds
