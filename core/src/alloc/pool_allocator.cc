// SPDX-License-Identifier: MPL-2.0
#include "alloc/pool_allocator.h"

#include <algorithm>
#include <bit>
#include <chrono>

namespace kahu {

PoolAllocator::PoolAllocator(const Pool& pool, AllocatorType type)
    : first_(pool.first.value()), size_(static_cast<uint32_t>(pool.size())), poolId_(pool.poolId),
      type_(type), used_((size_ + 63) / 64, 0), summary_((used_.size() + 63) / 64, 0), free_(size_),
      rng_(static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) | 1) {
    // Bits past the end of the pool are permanently "used" so they are never picked.
    if (size_ % 64) {
        used_.back() = ~0ull << (size_ % 64);
    }
    for (size_t w = 0; w < used_.size(); ++w) {
        if (used_[w] != ~0ull) {
            summary_[w / 64] |= 1ull << (w % 64);
        }
    }
}

bool PoolAllocator::isUsed(Ipv4Address a) const noexcept {
    uint32_t off = a.value() - first_;
    return (used_[off / 64] >> (off % 64)) & 1;
}

void PoolAllocator::markUsed(Ipv4Address a) noexcept {
    if (!contains(a) || isUsed(a)) {
        return;
    }
    uint32_t off = a.value() - first_;
    size_t w = off / 64;
    used_[w] |= 1ull << (off % 64);
    if (used_[w] == ~0ull) {
        summary_[w / 64] &= ~(1ull << (w % 64));
    }
    --free_;
}

void PoolAllocator::markFree(Ipv4Address a) noexcept {
    if (!contains(a) || !isUsed(a)) {
        return;
    }
    uint32_t off = a.value() - first_;
    size_t w = off / 64;
    used_[w] &= ~(1ull << (off % 64));
    summary_[w / 64] |= 1ull << (w % 64);
    ++free_;
}

std::optional<uint32_t> PoolAllocator::nextFree(uint32_t from) const noexcept {
    if (free_ == 0) {
        return std::nullopt;
    }
    if (from >= size_) {
        from = 0;
    }
    // Same word first, from the starting bit.
    size_t w = from / 64;
    uint64_t freeBits = ~used_[w] & (~0ull << (from % 64));
    if (freeBits) {
        return static_cast<uint32_t>(w * 64 + std::countr_zero(freeBits));
    }
    // Then the summary: words after w, wrapping around to the start.
    size_t words = used_.size();
    for (size_t step = 1; step <= words; ++step) {
        size_t cw = (w + step) % words;
        // Jump over whole summary words with no free word in them.
        size_t sw = cw / 64;
        uint64_t s = summary_[sw] & (~0ull << (cw % 64));
        if (!s) {
            size_t next = std::min((sw + 1) * 64, words); // first word of the next summary word
            step += next - cw - 1;
            continue;
        }
        size_t fw = sw * 64 + std::countr_zero(s);
        if (fw >= words) {
            continue;
        }
        return static_cast<uint32_t>(fw * 64 + std::countr_zero(~used_[fw]));
    }
    // Wrapped into the starting word below `from`.
    uint64_t low = ~used_[w] & ~(~0ull << (from % 64));
    if (low) {
        return static_cast<uint32_t>(w * 64 + std::countr_zero(low));
    }
    return std::nullopt;
}

std::optional<Ipv4Address> PoolAllocator::pick(const std::function<bool(Ipv4Address)>& accept,
                                               size_t maxTries) {
    uint32_t from = cursor_;
    if (type_ == AllocatorType::Random) {
        rng_ ^= rng_ << 13;
        rng_ ^= rng_ >> 7;
        rng_ ^= rng_ << 17;
        from = static_cast<uint32_t>(rng_ % size_);
    }
    for (size_t tries = 0; tries < maxTries && tries < free_; ++tries) {
        auto off = nextFree(from);
        if (!off) {
            return std::nullopt;
        }
        Ipv4Address candidate(first_ + *off);
        from = *off + 1;
        if (type_ != AllocatorType::Random) {
            cursor_ = from;
        }
        if (accept(candidate)) {
            return candidate;
        }
    }
    return std::nullopt;
}

} // namespace kahu
