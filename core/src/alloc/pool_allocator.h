// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <kahu/config/server_config.h>
#include <optional>
#include <vector>

namespace kahu {

/// Free-address bookkeeping for one pool: a two-level bitmap (one bit per address, one summary
/// bit per 64-address word that still has a free address), so finding the next free address
/// costs a few word operations, never a scan of the pool. Not thread-safe: its owner
/// (SubnetAllocator) serialises access.
class PoolAllocator {
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

    /// Offsets [begin, end) of the pool.
    struct Range {
        uint32_t begin = 0;
        uint32_t end = 0;
        bool empty() const noexcept { return begin >= end; }
    };
    /// The whole pool.
    Range all() const noexcept { return {0, size_}; }
    /// Part `index` of `parts` contiguous, nearly equal parts: offsets
    /// [size × index / parts, size × (index + 1) / parts). It depends on the pool alone, so two
    /// servers configured with the same pool compute the same parts (HA load balancing).
    Range part(uint32_t index, uint32_t parts) const noexcept;

    /// The next free address in `range` the allocator type would hand out for which accept()
    /// is true, without marking it used. Iterative: ascending after the last one handed out,
    /// wrapping within the range (Kea's order). Random: from a random point of the range.
    /// Tries at most maxTries candidates.
    std::optional<Ipv4Address> pick(const std::function<bool(Ipv4Address)>& accept, size_t maxTries,
                                    Range range);
    std::optional<Ipv4Address> pick(const std::function<bool(Ipv4Address)>& accept,
                                    size_t maxTries = 64) {
        return pick(accept, maxTries, all());
    }

private:
    /// The first free offset in [begin, end), if any.
    std::optional<uint32_t> firstFreeIn(uint32_t begin, uint32_t end) const noexcept;
    /// The first free offset of `range` at or after `from`, wrapping within the range.
    std::optional<uint32_t> nextFree(uint32_t from, Range range) const noexcept;

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
