// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "alloc/lease_manager.h"

#include <atomic>
#include <kahu/server_access.h>
#include <memory>

namespace kahu {

/// The SDK's Leases over the server's LeaseManager. Follows the manager it is given: on a
/// reload that opens another store the server points it at the new one, and calls already
/// running finish on the manager they started with.
class ManagedLeases final : public Leases {
public:
    ManagedLeases() = default;
    explicit ManagedLeases(std::shared_ptr<LeaseManager> manager) { set(std::move(manager)); }
    /// Follows `manager`, handing it the pool share set so far.
    void set(std::shared_ptr<LeaseManager> manager) noexcept {
        if (manager) {
            manager->setPoolShare(share_.load());
        }
        manager_.store(std::move(manager));
    }

    std::optional<Lease4> get(Ipv4Address address) const override;
    std::vector<Lease4> getByHwAddr(const HwAddr& hw) const override;
    std::vector<Lease4> getByClientId(const ClientId& id) const override;
    std::vector<Lease4> getByHostname(std::string_view hostname) const override;
    std::vector<Lease4> getBySubnet(SubnetId id) const override;
    std::vector<Lease4> getAll() const override;
    std::vector<Lease4> getPage(Ipv4Address after, size_t limit) const override;
    size_t size() const override;
    bool modify(Ipv4Address address,
                const std::function<Action(std::optional<Lease4>& lease)>& change) override;
    size_t wipe(SubnetId id) override;
    void writeCsv(const std::string& path) const override;
    void setPoolShare(PoolShare share) override;
    PoolShare poolShare() const override { return share_.load(); }

private:
    /// The current manager; throws kahu::StoreError when there is none yet.
    std::shared_ptr<LeaseManager> manager() const;

    std::atomic<std::shared_ptr<LeaseManager>> manager_;
    std::atomic<PoolShare> share_{PoolShare{}};
};

} // namespace kahu
