// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <functional>
#include <kahu/config/source_map.h>
#include <kahu/export.h>
#include <kahu/lease/lease4.h>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kahu {

/// Where leases are kept: memfile (built in) or a store a hook registers (mysql).
///
/// Threading: every method may be called from several threads at once; an implementation
/// guards its own data. Reads return copies. Writes return false when their precondition does
/// not hold (add: the address is taken; update/remove: the address is unknown, or for stores
/// that check it, its stored expire differs from the one expected) and throw kahu::StoreError
/// when the medium fails (disk, database connection). A write that returned true is durable
/// as far as the store promises (memfile: handed to the OS before returning).
///
/// Statistics, allocator state and per-address locking are not the store's business: the core
/// wraps every store and keeps them consistent, so a store only stores.
class KAHU_API LeaseStore {
public:
    virtual ~LeaseStore() = default;

    /// The type name from "lease-database" ("memfile", "mysql").
    virtual std::string type() const = 0;
    /// Human-readable backend description for `-V` / version-get ("Memfile backend 3.0").
    virtual std::string description() const = 0;

    virtual bool add(const Lease4& lease) = 0;
    /// Replaces the whole lease at lease.address. `storedExpire` is the expire (cltt + valid
    /// lifetime) the caller read before: a store shared by several servers (a database)
    /// refuses the update when the row changed since, like Kea's optimistic check.
    virtual bool update(const Lease4& lease, int64_t storedExpire) = 0;
    /// Removes the lease at lease.address (with lease.expire() as the expected expire).
    virtual bool remove(const Lease4& lease) = 0;

    virtual std::optional<Lease4> get(Ipv4Address address) const = 0;
    virtual std::vector<Lease4> getByHwAddr(const HwAddr& hw) const = 0;
    virtual std::vector<Lease4> getByClientId(const ClientId& id) const = 0;
    virtual std::vector<Lease4> getByHostname(std::string_view hostname) const = 0;
    virtual std::vector<Lease4> getBySubnet(SubnetId id) const = 0;
    virtual std::vector<Lease4> getAll() const = 0;
    /// Up to limit leases with address > after, ascending by address.
    virtual std::vector<Lease4> getPage(Ipv4Address after, size_t limit) const = 0;
    /// Up to max leases (0 = no limit) whose state is not ExpiredReclaimed and whose expire
    /// is before now, oldest first.
    virtual std::vector<Lease4> getExpired(int64_t now, size_t max) const = 0;
    /// Deletes ExpiredReclaimed leases that expired before `before`; returns how many.
    virtual size_t flushReclaimed(int64_t before) = 0;
    /// Deletes every lease of a subnet (0 = all subnets); returns how many.
    virtual size_t wipe(SubnetId id) = 0;
    /// Visits every lease without copying the whole set (start-up: allocator and statistics).
    virtual void forEach(const std::function<void(const Lease4&)>& visit) const = 0;
    /// Number of leases held.
    virtual size_t size() const = 0;
    /// Writes every lease, compacted, to a file in Kea's CSV format (lease4-write).
    virtual void writeCsv(const std::string& path) const;
    /// True when an operation may wait on something slow (a database round trip). The server
    /// then always processes packets on its worker threads; for a store that never blocks
    /// (memfile) it handles small bursts on the receiving thread and saves the hand-over.
    virtual bool mayBlock() const noexcept { return false; }
    /// False while the store cannot serve (a database connection lost and being recovered):
    /// what the metric kahu_dhcp4_lease_store_up shows.
    virtual bool available() const noexcept { return true; }
};

/// What a factory gets: the "lease-database" map as written (validated only for "type"),
/// and whether this is a configuration check (-T, config-test) that must not change anything.
struct LeaseStoreParams {
    nlohmann::json config;
    bool checkOnly = false;
    /// Where config's keys were written, for messages (kahu::hooks::ParamReader reads both).
    /// Null when unknown.
    std::shared_ptr<const SourceMap> source = nullptr;
};

/// Makes a store from its parameters; throws kahu::Error (the message names the bad key).
using LeaseStoreFactory = std::function<std::unique_ptr<LeaseStore>(const LeaseStoreParams&)>;

} // namespace kahu
