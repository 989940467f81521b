// SPDX-License-Identifier: MPL-2.0
#include "dhcp4/host_index.h"

#include <algorithm>

namespace kahu {

HostIndex::HostIndex(const ServerConfig& config) : order_(config.hostReservationIdentifiers) {
    for (const auto& r : config.globalReservations) {
        add(0, r);
    }
    for (const auto& s : config.subnets) {
        for (const auto& r : s.reservations) {
            add(s.id, r);
        }
    }
}

std::string HostIndex::key(SubnetId subnet, IdentifierType t, const std::vector<uint8_t>& id) {
    std::string k;
    k.reserve(5 + id.size());
    k.append(reinterpret_cast<const char*>(&subnet), sizeof subnet);
    k.push_back(static_cast<char>(t));
    k.append(id.begin(), id.end());
    return k;
}

void HostIndex::add(SubnetId subnet, const Reservation& r) {
    if (r.hwAddress) {
        byId_.emplace(key(subnet, IdentifierType::HwAddress, r.hwAddress->bytes), &r);
    }
    if (r.duid) {
        byId_.emplace(key(subnet, IdentifierType::Duid, *r.duid), &r);
    }
    if (r.circuitId) {
        byId_.emplace(key(subnet, IdentifierType::CircuitId, *r.circuitId), &r);
    }
    if (r.clientId) {
        byId_.emplace(key(subnet, IdentifierType::ClientId, *r.clientId), &r);
    }
    if (r.flexId) {
        byId_.emplace(key(subnet, IdentifierType::FlexId, *r.flexId), &r);
    }
    if (r.ipAddress) {
        byAddress_.emplace(std::make_pair(subnet, r.ipAddress->value()), &r);
    }
}

HostIdentifiers HostIndex::identifiers(const Packet4& query,
                                       const std::vector<uint8_t>& flexId) const {
    HostIdentifiers out;
    for (IdentifierType t : order_) {
        std::vector<uint8_t> id;
        switch (t) {
        case IdentifierType::HwAddress:
            id.assign(query.chaddr.begin(),
                      query.chaddr.begin() + std::min<size_t>(query.hlen, 16));
            break;
        case IdentifierType::Duid:
            // Option 61 of type 255 (RFC 4361): the DUID follows the type and the 4-byte IAID.
            if (auto* o = query.get(opt::kClientId); o && o->data.size() > 5 && o->data[0] == 255) {
                id.assign(o->data.begin() + 5, o->data.end());
            }
            break;
        case IdentifierType::CircuitId:
            if (auto sub = query.relaySubOption(1)) {
                id.assign(sub->begin(), sub->end());
            }
            break;
        case IdentifierType::ClientId:
            if (auto* o = query.get(opt::kClientId)) {
                id = o->data;
            }
            break;
        case IdentifierType::FlexId:
            id = flexId;
            break;
        }
        if (!id.empty()) {
            out.push_back({t, std::move(id)});
        }
    }
    return out;
}

const Reservation* HostIndex::find(SubnetId subnet, const HostIdentifiers& ids) const {
    if (byId_.empty()) {
        return nullptr;
    }
    for (const auto& id : ids) {
        if (auto it = byId_.find(key(subnet, id.type, id.bytes)); it != byId_.end()) {
            return it->second;
        }
    }
    return nullptr;
}

bool HostIndex::names(const Reservation& r, const HostIdentifiers& ids) {
    for (const auto& id : ids) {
        const std::vector<uint8_t>* mine = nullptr;
        switch (id.type) {
        case IdentifierType::HwAddress:
            mine = r.hwAddress ? &r.hwAddress->bytes : nullptr;
            break;
        case IdentifierType::Duid:
            mine = r.duid ? &*r.duid : nullptr;
            break;
        case IdentifierType::CircuitId:
            mine = r.circuitId ? &*r.circuitId : nullptr;
            break;
        case IdentifierType::ClientId:
            mine = r.clientId ? &*r.clientId : nullptr;
            break;
        case IdentifierType::FlexId:
            mine = r.flexId ? &*r.flexId : nullptr;
            break;
        }
        if (mine && *mine == id.bytes) {
            return true;
        }
    }
    return false;
}

const Reservation* HostIndex::byAddress(SubnetId subnet, Ipv4Address a) const {
    auto it = byAddress_.find({subnet, a.value()});
    return it == byAddress_.end() ? nullptr : it->second;
}

} // namespace kahu
