// SPDX-License-Identifier: MPL-2.0
#include "dhcp4/host_index.h"

#include <algorithm>
#include <kahu/host/host_json.h>

namespace kahu {

namespace {

/// A pointer to a reservation the configuration owns: no reference count of its own.
HostIndex::ReservationPtr borrowed(const Reservation* r) {
    return r ? HostIndex::ReservationPtr(HostIndex::ReservationPtr(), r) : nullptr;
}

} // namespace

HostIndex::HostIndex(const ServerConfig& config, std::vector<std::shared_ptr<HostStore>> stores)
    : order_(config.hostReservationIdentifiers), stores_(std::move(stores)) {
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

namespace {

constexpr IdentifierType kAllTypes[] = {IdentifierType::HwAddress, IdentifierType::Duid,
                                        IdentifierType::CircuitId, IdentifierType::ClientIdentifier,
                                        IdentifierType::FlexId};

} // namespace

void HostIndex::add(SubnetId subnet, const Reservation& r) {
    for (IdentifierType t : kAllTypes) {
        if (const auto* id = identifierOf(r, t)) {
            byId_.emplace(key(subnet, t, *id), &r);
        }
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
        case IdentifierType::ClientIdentifier:
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

HostIndex::ReservationPtr HostIndex::find(SubnetId subnet, const HostIdentifiers& ids) const {
    if (empty()) {
        return nullptr;
    }
    for (const auto& id : ids) {
        if (!byId_.empty()) {
            if (auto it = byId_.find(key(subnet, id.type, id.bytes)); it != byId_.end()) {
                return borrowed(it->second);
            }
        }
        for (const auto& store : stores_) {
            if (auto h = store->get(subnet, id.type, id.bytes)) {
                return std::move(h->host);
            }
        }
    }
    return nullptr;
}

bool HostIndex::names(const Reservation& r, const HostIdentifiers& ids) {
    for (const auto& id : ids) {
        if (const auto* mine = identifierOf(r, id.type); mine && *mine == id.bytes) {
            return true;
        }
    }
    return false;
}

HostIndex::ReservationPtr HostIndex::byAddress(SubnetId subnet, Ipv4Address a) const {
    if (auto it = byAddress_.find({subnet, a.value()}); it != byAddress_.end()) {
        return borrowed(it->second);
    }
    for (const auto& store : stores_) {
        if (auto h = store->getByAddress(subnet, a)) {
            return std::move(h->host);
        }
    }
    return nullptr;
}

} // namespace kahu
