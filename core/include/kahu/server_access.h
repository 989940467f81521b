// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <kahu/config/server_config.h>
#include <kahu/export.h>
#include <kahu/host/host_store.h>
#include <kahu/lease/lease4.h>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kahu {

/// How this server shares every pool with a partner allocating from the same pools at the same
/// time (HA load balancing). Each pool is cut into `parts` contiguous, nearly equal parts (see
/// PoolAllocator::part: computed from the pool alone, so partners configured alike cut alike);
/// the server hands out free addresses from part `own` of every pool of a subnet (or shared
/// network) first, and from the other parts only when its own are exhausted. Addresses a
/// client already has, asks for or has reserved are not limited by the share.
struct PoolShare {
    uint32_t own = 0;   ///< this server's part, 0-based
    uint32_t parts = 1; ///< 1 = the whole of every pool is this server's (the default)
    bool operator==(const PoolShare&) const = default;
};

/// The server's leases as a hook sees them: the configured lease store behind the same
/// per-address locks, free-address bookkeeping and lease statistics the DHCP path uses.
/// A library that changes leases (lease commands, HA) goes through here, never to a store
/// directly, so statistics and allocation stay consistent whoever writes.
///
/// Threading: every method may be called from any thread. Reads return copies.
/// Errors: a failing medium (disk, database) throws kahu::StoreError.
class KAHU_API Leases {
public:
    virtual ~Leases() = default;

    virtual std::optional<Lease4> get(Ipv4Address address) const = 0;
    virtual std::vector<Lease4> getByHwAddr(const HwAddr& hw) const = 0;
    virtual std::vector<Lease4> getByClientId(const ClientId& id) const = 0;
    /// hostname is compared as given; store hostnames lower-cased to find them.
    virtual std::vector<Lease4> getByHostname(std::string_view hostname) const = 0;
    virtual std::vector<Lease4> getBySubnet(SubnetId id) const = 0;
    virtual std::vector<Lease4> getAll() const = 0;
    /// Up to limit leases with address > after, ascending by address, whatever their state.
    virtual std::vector<Lease4> getPage(Ipv4Address after, size_t limit) const = 0;
    virtual size_t size() const = 0;

    /// What a change function decides for one address.
    enum class Action {
        Keep,   ///< leave it as it is
        Store,  ///< store `lease` (add when there was none, else replace the whole record)
        Remove, ///< delete the lease that is there
    };
    /// One atomic read-modify-write: runs `change` under the address's lock with the lease
    /// stored there (nullopt when none). `change` may replace the value and returns the
    /// action; the address of a stored lease must stay `address`. The store write and the
    /// bookkeeping happen before the lock is released.
    ///
    /// Returns false when the store refused the write (another writer got there first, e.g.
    /// a database row changed under us), true otherwise (also for Keep).
    virtual bool modify(Ipv4Address address,
                        const std::function<Action(std::optional<Lease4>& lease)>& change) = 0;
    /// Deletes every lease of a subnet (0 = every subnet); returns how many.
    virtual size_t wipe(SubnetId id) = 0;
    /// Writes every lease in Kea's memfile CSV format to `path` (lease4-write).
    virtual void writeCsv(const std::string& path) const = 0;

    /// Sets the pool share free addresses are handed out from (HA load balancing sets it for
    /// the partners' states; {0, 1} gives every pool back whole). Kept across reloads.
    virtual void setPoolShare(PoolShare share) { (void)share; }
    virtual PoolShare poolShare() const { return {}; }

    /// Convenience forms of modify().
    /// Adds a lease; false when its address already has one.
    bool add(const Lease4& lease);
    /// Deletes the lease at an address; returns it, or nullopt when there was none.
    std::optional<Lease4> remove(Ipv4Address address);
};

/// What a hook library reaches of the running server, besides its LoadContext: the leases,
/// the active configuration and the DHCP service state.
///
/// A library gets it from LoadContext::server() (null where no server runs: configuration
/// checks with -t/-T or config-test, other programs) and may keep the pointer until it is
/// unloaded. Ask it each time rather than caching what it returns across reloads: the
/// configuration and even the lease store change on reload.
class KAHU_API ServerAccess {
public:
    virtual ~ServerAccess() = default;

    virtual Leases& leases() = 0;
    /// The active configuration (null before the first one is applied).
    virtual std::shared_ptr<const ServerConfig> config() const = 0;

    /// dhcp-disable / dhcp-enable on behalf of an origin; origins as in Kea 2.6:
    /// kOriginUser, kOriginHaLocal + relationship index, kOriginHaRemote + index, kOriginDb.
    /// The service answers clients only while no origin keeps it disabled.
    static constexpr uint32_t kOriginUser = 1;
    static constexpr uint32_t kOriginHaLocal = 1000;
    static constexpr uint32_t kOriginHaRemote = 2000;
    static constexpr uint32_t kOriginDb = 3000;
    virtual void disableService(uint32_t origin) = 0;
    virtual void enableService(uint32_t origin) = 0;
    virtual bool serviceEnabled() const noexcept = 0;

    /// Asks the server to stop and exit with `exitCode`, as the shutdown command does; returns
    /// at once (any thread). For a library that cannot go on, e.g. a lease store whose
    /// database stayed away (on-fail stop-retry-exit). The default does nothing.
    virtual void requestShutdown(int exitCode) { (void)exitCode; }

    /// Replaces the running configuration with `top` ({"Dhcp4": {...}}) as config-set does:
    /// it is checked whole first, and on any error the running one stays and the error's
    /// text is returned (empty on success). The hook libraries are loaded again from the new
    /// configuration, the calling one included; a command handler that calls this keeps its
    /// library mapped until it returns, but must not touch state its unload() releases. Call
    /// it from a command handler, never from a callout. The default refuses.
    virtual std::string applyConfig(const nlohmann::json& top) {
        (void)top;
        return "this server cannot change its configuration at run time";
    }

    /// DDNS (dhcp-ddns): what queueNameChange() did with a lease.
    enum class NameChange {
        Queued,   ///< a NameChangeRequest is on its way to the DDNS daemon
        Disabled, ///< dhcp-ddns enable-updates is off (or this server has no DDNS)
        NoName,   ///< the lease has no hostname or neither direction to update
        Failed,   ///< the queue is full or the request could not be built (logged)
    };
    /// Queues Kea's NameChangeRequest for `lease`, adding its DNS records (`add`) or removing
    /// them, as the DHCP path does (lease4-resend-ddns, lease4-del with update-ddns). TTL and
    /// conflict resolution come from the lease's subnet. Never blocks; any thread.
    virtual NameChange queueNameChange(bool add, const Lease4& lease) {
        (void)add;
        (void)lease;
        return NameChange::Disabled;
    }
    /// The host stores of hosts-database(s), in the configuration's order (empty when none).
    /// Ask each time: a reload makes new ones.
    virtual std::vector<std::shared_ptr<HostStore>> hostStores() const { return {}; }
    /// The server's name for logs and HA ("kahu-dhcp4").
    virtual std::string processName() const { return "kahu-dhcp4"; }
};

} // namespace kahu
