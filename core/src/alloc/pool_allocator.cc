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

PoolAllocator::Range PoolAllocator::part(uint32_t index, uint32_t parts) const noexcept {
    if (parts <= 1 || index >= parts) {
        return parts <= 1 ? all() : Range{};
    }
    auto at = [&](uint64_t i) { return static_cast<uint32_t>(uint64_t{size_} * i / parts); };
    return {at(index), at(uint64_t{index} + 1)};
}

std::optional<uint32_t> PoolAllocator::firstFreeIn(uint32_t begin, uint32_t end) const noexcept {
    if (begin >= end || free_ == 0) {
        return std::nullopt;
    }
    const size_t lastWord = (end - 1) / 64;
    // Free bits of a word, without those at or past `end`.
    auto freeBits = [&](size_t word, uint64_t bits) {
        if (word == lastWord && end % 64) {
            bits &= ~(~0ull << (end % 64));
        }
        return bits;
    };
    size_t w = begin / 64;
    if (uint64_t b = freeBits(w, ~used_[w] & (~0ull << (begin % 64)))) {
        return static_cast<uint32_t>(w * 64 + std::countr_zero(b));
    }
    // Then the summary: whole summary words with no free word in them are skipped.
    for (size_t cw = w + 1; cw <= lastWord;) {
        size_t sw = cw / 64;
        uint64_t s = summary_[sw] & (~0ull << (cw % 64));
        if (!s) {
            cw = (sw + 1) * 64;
            continue;
        }
        size_t fw = sw * 64 + std::countr_zero(s);
        if (fw > lastWord) {
            return std::nullopt;
        }
        // A word before the last lies wholly inside the range; the last may hold free bits
        // only past `end`.
        uint64_t b = freeBits(fw, ~used_[fw]);
        return b ? std::optional(static_cast<uint32_t>(fw * 64 + std::countr_zero(b)))
                 : std::nullopt;
    }
    return std::nullopt;
}

std::optional<uint32_t> PoolAllocator::nextFree(uint32_t from, Range range) const noexcept {
    if (from < range.begin || from >= range.end) {
        from = range.begin;
    }
    if (auto off = firstFreeIn(from, range.end)) {
        return off;
    }
    return firstFreeIn(range.begin, from);
}

std::optional<Ipv4Address> PoolAllocator::pick(const std::function<bool(Ipv4Address)>& accept,
                                               size_t maxTries, Range range) {
    range.end = std::min(range.end, size_);
    if (range.empty()) {
        return std::nullopt;
    }
    uint32_t from = cursor_;
    if (type_ == AllocatorType::Random) {
        rng_ ^= rng_ << 13;
        rng_ ^= rng_ >> 7;
        rng_ ^= rng_ << 17;
        from = range.begin + static_cast<uint32_t>(rng_ % (range.end - range.begin));
    }
    for (size_t tries = 0; tries < maxTries && tries < free_; ++tries) {
        auto off = nextFree(from, range);
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
