// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "alloc/pool_allocator.h"
#include "alloc/utilization_monitor.h"

#include <array>
#include <atomic>
#include <functional>
#include <kahu/config/server_config.h>
#include <kahu/lease/lease_store.h>
#include <kahu/mutex.h>
#include <kahu/server_access.h>
#include <kahu/stats.h>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace kahu {

/// The one door to the leases: wraps the configured LeaseStore and keeps the free-address
/// bitmaps and Kea's lease statistics consistent with every write, whoever makes it (the DHCP
/// path, reclamation, lease commands, HA). Safe for concurrent use.
///
/// Statistics follow the lease state: a lease in state Default or Declined counts in
/// assigned-addresses (subnet and pool) and holds its address in the allocator; Declined
/// also counts in declined-addresses (subnet, pool, global). A write applies the difference
/// between the old and the new lease, so no caller does statistics by hand.
class LeaseManager {
public:
    explicit LeaseManager(std::shared_ptr<LeaseStore> store);

    /// Rebuilds allocators and statistics for a configuration from the store's contents, after
    /// applying sanity-checks.lease-checks to a memfile store (Kea's warn/fix/fix-del/del).
    /// Called at start-up and after each successful reload (with the new config).
    void configure(std::shared_ptr<const ServerConfig> config);

    LeaseStore& store() noexcept { return *store_; }
    const std::shared_ptr<LeaseStore>& storePtr() const noexcept { return store_; }

    std::optional<Lease4> get(Ipv4Address a) const { return store_->get(a); }

    /// Writes through the store and keeps bookkeeping. false = precondition failed.
    bool add(const Lease4& lease);
    bool update(const Lease4& old, const Lease4& updated);
    bool remove(const Lease4& lease);
    /// Deletes every lease of a subnet (0 = all); returns the number removed.
    size_t wipe(SubnetId id);

    /// Which part of the pools pickFree() looks in under the pool share.
    enum class ShareSide {
        Own,    ///< this server's part (with no share set: the whole pool)
        Others, ///< the other parts (with no share set: nothing)
    };
    /// A free address in one of the subnet's pools usable by a client with these classes,
    /// for which accept() holds, on one side of the pool share. Does not reserve it: the
    /// caller's add() does. accept() runs without the subnet's lock held (it may wait on a
    /// database).
    std::optional<Ipv4Address> pickFree(const Subnet& subnet,
                                        const std::function<bool(const Pool&)>& poolAllowed,
                                        const std::function<bool(Ipv4Address)>& accept,
                                        ShareSide side = ShareSide::Own);
    /// An address of one of the subnet's pools whose lease has expired but is not reclaimed
    /// yet (a declined address past its probation period included), on one side of the pool
    /// share, for which accept() holds: what Kea hands out when no free address is left,
    /// reusing the lease on the spot instead of waiting for reclamation. Oldest expiry
    /// first, among the kMaxExpiredCandidates oldest expired leases of the store.
    std::optional<Ipv4Address> pickExpired(const Subnet& subnet,
                                           const std::function<bool(const Pool&)>& poolAllowed,
                                           const std::function<bool(Ipv4Address)>& accept,
                                           int64_t now, ShareSide side = ShareSide::Own);
    static constexpr size_t kMaxExpiredCandidates = 4096;
    /// The pool share pickFree() follows (HA load balancing); {0, 1} = whole pools.
    void setPoolShare(PoolShare share) noexcept { share_.store(share); }
    PoolShare poolShare() const noexcept { return share_.load(); }
    /// The configured pool holding an address in a subnet, or null.
    static const Pool* poolOf(const Subnet& subnet, Ipv4Address a) noexcept;

    /// Counts a lease newly given to a client (cumulative-assigned-addresses: global, subnet
    /// and pool).
    void countAssignment(const Lease4& lease);

    /// The pool-utilisation alerts, moved by every write (metrics read it).
    const UtilizationMonitor& utilization() const noexcept { return *monitor_; }

    /// Serialises read-modify-write sequences on one address (striped lock).
    std::unique_lock<std::mutex> lockAddress(Ipv4Address a) {
        // The product wraps in 32 bits: that is the multiplicative hash.
        return std::unique_lock(
            addressLocks_[static_cast<uint32_t>(a.value() * 2654435761u) % kStripes]);
    }

private:
    /// The counters a lease of one pool touches, resolved once per configuration so the
    /// packet path does no name lookups.
    struct PoolCounters {
        Counter* assigned = nullptr;
        Counter* declined = nullptr;
        Counter* cumulative = nullptr;
    };
    struct SubnetState {
        std::mutex mutex;
        std::vector<PoolAllocator> pools;       ///< same order as Subnet::pools
        std::vector<PoolCounters> poolCounters; ///< same order as Subnet::pools
        PoolCounters counters;                  ///< the subnet's own
        const Subnet* subnet = nullptr;
        std::vector<std::shared_ptr<UtilizationScope>> poolScopes; ///< same order as pools
        std::shared_ptr<UtilizationScope> subnetScope;
        std::shared_ptr<UtilizationScope> networkScope; ///< null outside a shared network
    };
    /// Applies a lease's statistics (sign +1/-1); `watch`: also move the utilisation alerts.
    void account(const Lease4& lease, int sign, bool watch = true);
    SubnetState* stateFor(SubnetId id) const KAHU_REQUIRES(configMutex_);
    /// The state of a subnet, kept alive past a reload that replaces it (pickFree/pickExpired).
    std::shared_ptr<SubnetState> sharedState(SubnetId id) const;
    /// fix / fix-del / del on the leases whose subnet id is not a subnet holding them.
    void applyLeaseChecks(const ServerConfig& config,
                          const std::map<SubnetId, std::shared_ptr<SubnetState>>& fresh,
                          const std::string& mode);

    static constexpr size_t kStripes = 1024;
    std::shared_ptr<LeaseStore> store_;
    mutable Mutex configMutex_; ///< config_ and subnets_ are swapped on reload
    std::shared_ptr<const ServerConfig> config_ KAHU_GUARDED_BY(configMutex_);
    std::map<SubnetId, std::shared_ptr<SubnetState>> subnets_ KAHU_GUARDED_BY(configMutex_);
    std::array<std::mutex, kStripes> addressLocks_;
    std::atomic<PoolShare> share_{PoolShare{}};
    std::unique_ptr<UtilizationMonitor> monitor_ = std::make_unique<UtilizationMonitor>();
};

} // namespace kahu
