// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <kahu/config/server_config.h>
#include <kahu/export.h>
#include <optional>
#include <vector>

namespace kahu {

/// Free-address bookkeeping for one pool: a two-level bitmap (one bit per address, one summary
/// bit per 64-address word that still has a free address), so finding the next free address
/// costs a few word operations, never a scan of the pool. Not thread-safe: its owner
/// (SubnetAllocator) serialises access.
class KAHU_API PoolAllocator {
public:
    PoolAllocator(const Pool& pool, AllocatorType type);

    bool contains(Ipv4Address a) const noexcept {
        return a.value() >= first_ && a.value() - first_ < size_;
    }
    bool isUsed(Ipv4Address a) const noexcept;
    void markUsed(Ipv4Address a) noexcept;
    void markFree(Ipv4Address a) noexcept;
    uint64_t freeCount() const noexcept { return free_; }
    uint64_t size() const noexcept { return size_; }
    uint32_t poolId() const noexcept { return poolId_; }

    /// The next free address the allocator type would hand out for which accept() is true,
    /// without marking it used. Iterative: ascending after the last one handed out, wrapping
    /// (Kea's order). Random: from a random point. Tries at most maxTries candidates.
    std::optional<Ipv4Address> pick(const std::function<bool(Ipv4Address)>& accept,
                                    size_t maxTries = 64);

private:
    std::optional<uint32_t> nextFree(uint32_t from) const noexcept;

    uint32_t first_;
    uint32_t size_;
    uint32_t poolId_;
    AllocatorType type_;
    std::vector<uint64_t> used_;    ///< bit set = address in use
    std::vector<uint64_t> summary_; ///< bit set = word of used_ has a free bit
    uint64_t free_;
    uint32_t cursor_ = 0; ///< offset of the next candidate (iterative)
    uint64_t rng_;
};

} // namespace kahu
