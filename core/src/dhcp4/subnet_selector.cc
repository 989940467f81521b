// SPDX-License-Identifier: MPL-2.0
#include "dhcp4/subnet_selector.h"

#include <algorithm>

namespace kahu {

bool SubnetSelector::classAllowed(const std::string& required,
                                  const std::vector<std::string>& classes) noexcept {
    return required.empty() || std::find(classes.begin(), classes.end(), required) != classes.end();
}

const Subnet* SubnetSelector::containing(Ipv4Address a,
                                         const std::vector<std::string>& classes) const noexcept {
    for (const auto& s : config_.subnets) {
        if (s.prefix.contains(a) && classAllowed(s.clientClass, classes)) {
            return &s;
        }
    }
    return nullptr;
}

const Subnet* SubnetSelector::select(const Packet4& q, const InterfaceAddresses* iface,
                                     const std::vector<std::string>& classes) const noexcept {
    if (auto link = q.relaySubOption(5); link && link->size() == 4) {
        return containing(Ipv4Address::fromBytes(link->data()), classes);
    }
    if (auto sel = q.getAddress(opt::kSubnetSelection)) {
        return containing(*sel, classes);
    }
    if (!q.giaddr.isZero()) {
        for (const auto& s : config_.subnets) {
            const auto* relays = &s.relayAddresses;
            if (relays->empty() && s.sharedNetwork >= 0) {
                relays = &config_.sharedNetworks[s.sharedNetwork].relayAddresses;
            }
            if (std::find(relays->begin(), relays->end(), q.giaddr) != relays->end() &&
                classAllowed(s.clientClass, classes)) {
                return &s;
            }
        }
        return containing(q.giaddr, classes);
    }
    bool broadcastQuery = q.localAddr.isBroadcast() || q.localAddr.isZero();
    if (!q.ciaddr.isZero() && !broadcastQuery) {
        return containing(q.ciaddr, classes);
    }
    if (!q.remoteAddr.isZero() && !q.remoteAddr.isBroadcast() && !broadcastQuery) {
        return containing(q.remoteAddr, classes);
    }
    // Directly connected client without an address: the subnet pinned to the interface, else
    // the one holding the interface's address.
    for (const auto& s : config_.subnets) {
        const std::string& pinned =
            s.interface.empty() && s.sharedNetwork >= 0 ? config_.sharedNetworks[s.sharedNetwork].interface : s.interface;
        if (!pinned.empty() && pinned == q.iface && classAllowed(s.clientClass, classes)) {
            return &s;
        }
    }
    if (iface) {
        for (const auto& p : iface->addresses) {
            if (const Subnet* s = containing(p.address, classes)) {
                return s;
            }
        }
    }
    return nullptr;
}

std::vector<const Subnet*> SubnetSelector::network(const Subnet& subnet) const {
    std::vector<const Subnet*> out{&subnet};
    if (subnet.sharedNetwork < 0) {
        return out;
    }
    for (const auto& s : config_.subnets) {
        if (&s != &subnet && s.sharedNetwork == subnet.sharedNetwork) {
            out.push_back(&s);
        }
    }
    return out;
}

} // namespace kahu
