// SPDX-License-Identifier: MPL-2.0
#include "alloc/managed_leases.h"

#include <kahu/error.h>

namespace kahu {

bool Leases::add(const Lease4& lease) {
    bool existed = false;
    bool ok = modify(lease.address, [&](std::optional<Lease4>& current) {
        if (current) {
            existed = true;
            return Action::Keep;
        }
        current = lease;
        return Action::Store;
    });
    return ok && !existed;
}

std::optional<Lease4> Leases::remove(Ipv4Address address) {
    std::optional<Lease4> removed;
    bool ok = modify(address, [&](std::optional<Lease4>& current) {
        removed = current;
        return current ? Action::Remove : Action::Keep;
    });
    return ok ? removed : std::nullopt;
}

std::shared_ptr<LeaseManager> ManagedLeases::manager() const {
    auto m = manager_.load();
    if (!m) {
        throw StoreError("no lease store is open");
    }
    return m;
}

std::optional<Lease4> ManagedLeases::get(Ipv4Address address) const {
    return manager()->get(address);
}
std::vector<Lease4> ManagedLeases::getByHwAddr(const HwAddr& hw) const {
    return manager()->store().getByHwAddr(hw);
}
std::vector<Lease4> ManagedLeases::getByClientId(const ClientId& id) const {
    return manager()->store().getByClientId(id);
}
std::vector<Lease4> ManagedLeases::getByHostname(std::string_view hostname) const {
    return manager()->store().getByHostname(hostname);
}
std::vector<Lease4> ManagedLeases::getBySubnet(SubnetId id) const {
    return manager()->store().getBySubnet(id);
}
std::vector<Lease4> ManagedLeases::getAll() const {
    return manager()->store().getAll();
}
std::vector<Lease4> ManagedLeases::getPage(Ipv4Address after, size_t limit) const {
    return manager()->store().getPage(after, limit);
}
size_t ManagedLeases::size() const {
    return manager()->store().size();
}

bool ManagedLeases::modify(Ipv4Address address,
                           const std::function<Action(std::optional<Lease4>& lease)>& change) {
    auto m = manager();
    auto lock = m->lockAddress(address);
    const std::optional<Lease4> old = m->get(address);
    std::optional<Lease4> value = old;
    switch (change(value)) {
    case Action::Keep:
        return true;
    case Action::Remove:
        return old ? m->remove(*old) : true;
    case Action::Store:
        if (!value || value->address != address) {
            throw Error("Leases::modify: a stored lease must keep the address " + address.str());
        }
        return old ? m->update(*old, *value) : m->add(*value);
    }
    return true;
}

size_t ManagedLeases::wipe(SubnetId id) {
    return manager()->wipe(id);
}

void ManagedLeases::writeCsv(const std::string& path) const {
    manager()->store().writeCsv(path);
}

void ManagedLeases::setPoolShare(PoolShare share) {
    share_.store(share);
    if (auto m = manager_.load()) {
        m->setPoolShare(share);
    }
}

} // namespace kahu
