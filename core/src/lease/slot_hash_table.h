// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace kahu {

/// A 64-bit hash of a byte string (hardware address, client-id, hostname); quality enough
/// for linear probing, and cheap on the 6–20 byte keys it gets.
inline uint64_t hashBytes(const void* data, size_t size) noexcept {
    const auto* p = static_cast<const uint8_t*>(data);
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (size * 0xff51afd7ed558ccdull);
    while (size >= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
        p += 8;
        size -= 8;
    }
    uint64_t w = 0;
    if (size > 0) { // an empty key may come with a null pointer, which memcpy must not get
        std::memcpy(&w, p, size);
    }
    h = (h ^ w) * 0x94d049bb133111ebull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 32);
}

/// A multi-map from a key's hash to slot ids, by open addressing with linear probing: 8 bytes
/// an entry (slot + 32-bit hash) at a load of at most 80 %. Several slots may share a key (or
/// a hash); the caller's predicate tells a real match from a collision. Erasure shifts the
/// following run back, so there are no tombstones and probes stay short.
class SlotHashTable {
public:
    size_t size() const noexcept { return size_; }
    void clear() noexcept {
        entries_.clear();
        size_ = 0;
    }
    /// Sizes the table for n entries without further growth.
    void reserve(size_t n) {
        size_t cap = 16;
        while (cap * 4 < n * 5) {
            cap *= 2;
        }
        if (cap > entries_.size()) {
            rehash(cap);
        }
    }

    void insert(uint32_t hash, uint32_t slot) {
        if ((size_ + 1) * 5 > entries_.size() * 4) {
            rehash(entries_.empty() ? 16 : entries_.size() * 2);
        }
        place(hash, slot);
        ++size_;
    }

    /// Removes the entry of that slot (filed under that hash); false if there is none.
    bool erase(uint32_t hash, uint32_t slot) noexcept {
        if (entries_.empty()) {
            return false;
        }
        size_t mask = entries_.size() - 1;
        for (size_t i = hash & mask;; i = (i + 1) & mask) {
            Entry& e = entries_[i];
            if (e.slot1 == 0) {
                return false;
            }
            if (e.slot1 == slot + 1) {
                shiftBack(i);
                --size_;
                return true;
            }
        }
    }

    /// Calls visit(slot) for every entry with that hash for which matches(slot) holds.
    template <typename Match, typename Visit>
    void find(uint32_t hash, Match&& matches, Visit&& visit) const {
        if (entries_.empty()) {
            return;
        }
        size_t mask = entries_.size() - 1;
        for (size_t i = hash & mask;; i = (i + 1) & mask) {
            const Entry& e = entries_[i];
            if (e.slot1 == 0) {
                return;
            }
            if (e.hash == hash && matches(e.slot1 - 1)) {
                visit(e.slot1 - 1);
            }
        }
    }

private:
    struct Entry {
        uint32_t slot1 = 0; // slot + 1; 0 = empty
        uint32_t hash = 0;
    };

    void place(uint32_t hash, uint32_t slot) noexcept {
        size_t mask = entries_.size() - 1;
        size_t i = hash & mask;
        while (entries_[i].slot1 != 0) {
            i = (i + 1) & mask;
        }
        entries_[i] = Entry{slot + 1, hash};
    }

    // Backward-shift deletion: pull later entries of the run into the hole unless that would
    // move one before its home bucket.
    void shiftBack(size_t hole) noexcept {
        size_t mask = entries_.size() - 1;
        size_t j = hole;
        while (true) {
            j = (j + 1) & mask;
            if (entries_[j].slot1 == 0) {
                break;
            }
            size_t home = entries_[j].hash & mask;
            // Movable iff home is not in the cyclic range (hole, j].
            bool inRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!inRange) {
                entries_[hole] = entries_[j];
                hole = j;
            }
        }
        entries_[hole] = Entry{};
    }

    void rehash(size_t capacity) {
        std::vector<Entry> old(capacity);
        old.swap(entries_);
        for (const Entry& e : old) {
            if (e.slot1 != 0) {
                place(e.hash, e.slot1 - 1);
            }
        }
    }

    std::vector<Entry> entries_;
    size_t size_ = 0;
};

} // namespace kahu
