// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <bit>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>

namespace kahu {

/// Address → slot id, ordered, without a node per address: an ordered map of 64-address
/// blocks (key = address >> 6), each an occupancy bitmap plus 64 slot ids. A dense pool costs
/// about 5 bytes per address; a lone address in a block costs one block (~300 bytes).
class AddressBlockIndex {
public:
    size_t size() const noexcept { return size_; }
    void clear() noexcept {
        blocks_.clear();
        size_ = 0;
    }

    std::optional<uint32_t> find(uint32_t address) const noexcept {
        auto it = blocks_.find(address >> 6);
        if (it == blocks_.end() || !(it->second.used & bit(address))) {
            return std::nullopt;
        }
        return it->second.slots[address & 63];
    }

    /// False (and no change) if the address is present.
    bool insert(uint32_t address, uint32_t slot) {
        Block& b = blocks_[address >> 6];
        if (b.used & bit(address)) {
            return false;
        }
        b.used |= bit(address);
        b.slots[address & 63] = slot;
        ++size_;
        return true;
    }

    /// The slot entry of the address, and whether it was added (its slot then unset): one
    /// lookup where find + insert would take two. The reference stays valid until the
    /// address's block is erased.
    std::pair<uint32_t&, bool> emplace(uint32_t address) {
        Block& b = blocks_[address >> 6];
        bool added = !(b.used & bit(address));
        if (added) {
            b.used |= bit(address);
            ++size_;
        }
        return {b.slots[address & 63], added};
    }

    /// The slot the address had, or std::nullopt if it was absent.
    std::optional<uint32_t> erase(uint32_t address) {
        auto it = blocks_.find(address >> 6);
        if (it == blocks_.end() || !(it->second.used & bit(address))) {
            return std::nullopt;
        }
        uint32_t slot = it->second.slots[address & 63];
        it->second.used &= ~bit(address);
        if (it->second.used == 0) {
            blocks_.erase(it);
        }
        --size_;
        return slot;
    }

    /// Calls visit(address, slot) for every address >= first, ascending, until it returns false.
    /// first is 64-bit so that "after 255.255.255.255" (2^32) visits nothing.
    template <typename Visit> void visitFrom(uint64_t first, Visit&& visit) const {
        if (first > 0xffffffffu) {
            return;
        }
        auto it = blocks_.lower_bound(static_cast<uint32_t>(first >> 6));
        for (; it != blocks_.end(); ++it) {
            uint64_t used = it->second.used;
            if (it->first == (first >> 6)) {
                used &= ~uint64_t(0) << (first & 63); // addresses below first in its block
            }
            while (used) {
                unsigned i = static_cast<unsigned>(std::countr_zero(used));
                used &= used - 1;
                if (!visit(static_cast<uint32_t>(it->first << 6 | i), it->second.slots[i])) {
                    return;
                }
            }
        }
    }

    template <typename Visit> void visitAll(Visit&& visit) const {
        visitFrom(0, [&](uint32_t a, uint32_t s) {
            visit(a, s);
            return true;
        });
    }

private:
    struct Block {
        uint64_t used = 0;
        uint32_t slots[64];
    };
    static constexpr uint64_t bit(uint32_t address) noexcept {
        return uint64_t(1) << (address & 63);
    }

    std::map<uint32_t, Block> blocks_;
    size_t size_ = 0;
};

} // namespace kahu
