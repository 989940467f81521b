// SPDX-License-Identifier: MPL-2.0
#include "command_creator.h"

#include <cstdint>
#include <limits>
#include <type_traits>

namespace kahu::ha {

namespace {

using json = nlohmann::json;

// The lease payload of lease4-update and lease4-del: cltt gives way to expire
// (Kea's insertLeaseExpireTime).
json leasePayload(const Lease4& lease) {
    json j = leaseToJson(lease);
    j.erase("cltt");
    j["expire"] = lease.expire();
    return j;
}

template <class T>
bool take(const json& j, const char* key, T& out, bool required, std::string* error) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        if (required && error) {
            *error = std::string("missing parameter '") + key + "'";
        }
        return !required;
    }
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        // nlohmann's get<T>() casts whatever number it holds (a float out of T's range is UB,
        // a negative one wraps): only an integer that fits T is taken, as Kea's getInteger.
        bool fits = false;
        if (it->is_number_unsigned()) {
            const uint64_t v = it->get<uint64_t>();
            fits = v <= static_cast<uint64_t>(std::numeric_limits<T>::max());
            if (fits) {
                out = static_cast<T>(v);
            }
        } else if (it->is_number_integer()) {
            const int64_t v = it->get<int64_t>();
            fits = v >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
                   (v < 0 || static_cast<uint64_t>(v) <=
                                 static_cast<uint64_t>(std::numeric_limits<T>::max()));
            if (fits) {
                out = static_cast<T>(v);
            }
        }
        if (!fits && error) {
            *error = std::string(it->is_number_integer() ? "out of range value of parameter '"
                                                         : "invalid type of parameter '") +
                     key + "'";
        }
        return fits;
    } else {
        try {
            out = it->get<T>();
            return true;
        } catch (const json::exception&) {
            if (error) {
                *error = std::string("invalid type of parameter '") + key + "'";
            }
            return false;
        }
    }
}

} // namespace

PeerCommand CommandCreator::heartbeat() const {
    PeerCommand c{"ha-heartbeat", nullptr};
    if (options_.kea26) {
        c.arguments = {{"server-name", options_.serverName}};
    }
    return c;
}

PeerCommand CommandCreator::dhcpDisable(uint32_t maxPeriodSeconds) const {
    json args = {{"origin", "ha-partner"}};
    if (maxPeriodSeconds > 0) {
        args["max-period"] = maxPeriodSeconds;
    }
    if (options_.kea26) {
        args["origin-id"] = options_.originId;
    }
    return {"dhcp-disable", std::move(args)};
}

PeerCommand CommandCreator::dhcpEnable() const {
    json args = {{"origin", "ha-partner"}};
    if (options_.kea26) {
        args["origin-id"] = options_.originId;
    }
    return {"dhcp-enable", std::move(args)};
}

PeerCommand CommandCreator::leaseGetPage(std::optional<Ipv4Address> from, uint32_t limit) const {
    return {"lease4-get-page",
            {{"from", from ? from->str() : std::string("start")}, {"limit", limit}}};
}

PeerCommand CommandCreator::syncCompleteNotify() const {
    PeerCommand c{"ha-sync-complete-notify", nullptr};
    if (options_.kea26) {
        c.arguments = {{"server-name", options_.serverName},
                       {"origin-id", options_.originId},
                       {"origin", options_.originId}};
    }
    return c;
}

PeerCommand CommandCreator::maintenanceNotify(bool cancel) const {
    json args = {{"cancel", cancel}};
    if (options_.kea26) {
        args["server-name"] = options_.serverName;
    }
    return {"ha-maintenance-notify", std::move(args)};
}

PeerCommand CommandCreator::haReset() const {
    PeerCommand c{"ha-reset", nullptr};
    if (options_.kea26) {
        c.arguments = {{"server-name", options_.serverName}};
    }
    return c;
}

PeerCommand CommandCreator::leaseUpdate(const Lease4& lease) const {
    json args = leasePayload(lease);
    args["force-create"] = true;
    // Always, also in Kea 2.2 shapes (Kea 2.2 ignores the key): the partner's lease4-update
    // then refuses an update that would take an address it holds for another client.
    args["origin"] = "ha-partner";
    return {"lease4-update", std::move(args)};
}

PeerCommand CommandCreator::leaseDelete(const Lease4& lease) const {
    json args = leasePayload(lease);
    if (options_.kea26) {
        args["origin"] = "ha-partner";
    }
    return {"lease4-del", std::move(args)};
}

json CommandCreator::body(const std::string& name, const json& arguments) {
    json b = {{"command", name}, {"service", json::array({"dhcp4"})}};
    if (!arguments.is_null()) {
        b["arguments"] = arguments;
    }
    return b;
}

std::string CommandCreator::bodyText(const std::string& name, const json& arguments) {
    return keaText(body(name, arguments));
}

std::optional<Lease4> leaseFromJson(const json& j, std::string* error) {
    if (!j.is_object()) {
        if (error) {
            *error = "a lease must be a map";
        }
        return std::nullopt;
    }
    Lease4 l;
    std::string address, hw, clientId;
    uint32_t state = 0;
    if (!take(j, "ip-address", address, true, error) || !take(j, "hw-address", hw, true, error) ||
        !take(j, "valid-lft", l.validLifetime, true, error) ||
        !take(j, "subnet-id", l.subnetId, true, error) ||
        !take(j, "client-id", clientId, false, error) ||
        !take(j, "fqdn-fwd", l.fqdnFwd, false, error) ||
        !take(j, "fqdn-rev", l.fqdnRev, false, error) ||
        !take(j, "hostname", l.hostname, false, error) || !take(j, "state", state, false, error) ||
        !take(j, "pool-id", l.poolId, false, error)) {
        return std::nullopt;
    }
    auto a = Ipv4Address::fromText(address);
    if (!a) {
        if (error) {
            *error = "invalid ip-address '" + address + "'";
        }
        return std::nullopt;
    }
    l.address = *a;
    if (!hw.empty()) {
        auto h = HwAddr::fromText(hw);
        if (!h) {
            if (error) {
                *error = "invalid hw-address '" + hw + "'";
            }
            return std::nullopt;
        }
        l.hwAddr = std::move(*h);
    }
    if (!clientId.empty()) {
        auto c = fromHexText(clientId);
        if (!c) {
            if (error) {
                *error = "invalid client-id '" + clientId + "'";
            }
            return std::nullopt;
        }
        l.clientId = std::move(*c);
    }
    if (state > 2) {
        // Kea 3.0's released (3) and registered (4) do not exist here; a released lease
        // is as good as reclaimed for this server.
        state = 2;
    }
    l.state = static_cast<LeaseState>(state);
    if (j.contains("cltt")) {
        if (!take(j, "cltt", l.cltt, true, error)) {
            return std::nullopt;
        }
    } else {
        int64_t expire = 0;
        if (!take(j, "expire", expire, true, error)) {
            if (error && error->rfind("missing", 0) == 0) {
                *error = "missing parameter 'cltt'";
            }
            return std::nullopt;
        }
        if (__builtin_sub_overflow(expire, static_cast<int64_t>(l.validLifetime), &l.cltt)) {
            if (error) {
                *error = "out of range value of parameter 'expire'";
            }
            return std::nullopt;
        }
    }
    // Lease4::expire() is cltt + valid-lft: it must fit.
    if (int64_t expire;
        __builtin_add_overflow(l.cltt, static_cast<int64_t>(l.validLifetime), &expire)) {
        if (error) {
            *error = "out of range value of parameter 'cltt'";
        }
        return std::nullopt;
    }
    if (auto it = j.find("user-context"); it != j.end() && it->is_object()) {
        l.userContext = *it;
    }
    return l;
}

} // namespace kahu::ha
