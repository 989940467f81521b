// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "lease/address_block_index.h"
#include "lease/slot_hash_table.h"

#include <kahu/lease/lease4.h>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kahu {

/// The in-memory lease set, compact (about 100 bytes a lease with 1M leases): a slab of
/// fixed-size records, an ordered block index by address, open-addressing hash tables of slot
/// ids for hw-address, client-id and hostname, and a parallel expire array for the reclaimer's
/// scan. Rare variable-size parts (long hw+client-id, hostname, user-context) live in side
/// tables the record refers to by id. There is no subnet index: getBySubnet and wipe scan.
/// Not thread-safe: MemfileStore guards it. Copyable (a snapshot for writing the file).
class LeaseIndex {
public:
    size_t size() const noexcept { return byAddress_.size(); }
    bool contains(Ipv4Address address) const noexcept {
        return byAddress_.find(address.value()).has_value();
    }
    std::optional<Lease4> get(Ipv4Address address) const;

    /// Room for n leases in the slab (untouched pages cost no memory) and the hash tables.
    void reserve(size_t n);
    void clear();
    /// False if the address is taken.
    bool insert(const Lease4& lease);
    /// False if the address is unknown.
    bool replace(const Lease4& lease);
    /// Inserts or replaces (loading a file: the last row wins).
    void upsert(const Lease4& lease);
    /// The removed lease, or std::nullopt if the address is unknown.
    std::optional<Lease4> erase(Ipv4Address address);
    /// Removes without building the lease; false if the address is unknown.
    bool discard(Ipv4Address address);

    /// Results ascend by address.
    std::vector<Lease4> byHwAddr(const HwAddr& hw) const;
    std::vector<Lease4> byClientId(const ClientId& id) const;
    std::vector<Lease4> byHostname(std::string_view hostname) const;
    std::vector<Lease4> bySubnet(SubnetId id) const;
    /// Addresses of the leases of a subnet (0 = all), ascending.
    std::vector<Ipv4Address> addressesOfSubnet(SubnetId id) const;
    std::vector<Lease4> all() const;
    std::vector<Lease4> page(Ipv4Address after, size_t limit) const;
    /// Not reclaimed, finite, expire < now; oldest first (then by address); max 0 = no limit.
    std::vector<Lease4> expired(int64_t now, size_t max) const;
    /// Reclaimed leases with expire < before.
    std::vector<Ipv4Address> reclaimedBefore(int64_t before) const;

    /// Visits every lease ascending by address. The reference is to one scratch lease reused
    /// for each visit (no allocation per lease): copy it to keep it.
    template <typename Visit> void forEach(Visit&& visit) const {
        Lease4 scratch;
        byAddress_.visitAll([&](uint32_t, uint32_t slot) {
            materialize(slot, scratch);
            visit(static_cast<const Lease4&>(scratch));
        });
    }

private:
    static constexpr uint8_t kFree = 0xff; // Record::state of a slot on the free list
    static constexpr uint8_t kFqdnFwd = 1; // Record::flags
    static constexpr uint8_t kFqdnRev = 2;
    static constexpr uint8_t kOverflow = 4;  // hw + client-id in overflow_, ids holds the id
    static constexpr size_t kInlineIds = 24; // hw + client-id bytes kept in the record

    // One lease in 64 bytes; the common case (hw 6 + client-id 7, no hostname) needs nothing
    // else.
    struct Record {
        uint32_t address;
        uint32_t validLifetime; // of a free slot: the next free slot + 1 (0 = end)
        int64_t cltt;
        uint32_t subnetId;
        uint32_t poolId;
        uint32_t hostname; // id in hostnames_, 0 = none
        uint32_t context;  // id in contexts_, 0 = none
        uint8_t state;
        uint8_t flags;
        uint8_t htype;
        uint8_t hwLen;
        uint8_t cidLen;
        uint8_t pad[3];
        uint8_t ids[kInlineIds];
    };
    static_assert(sizeof(Record) == 64);

    // Expire-scan kinds (parallel to the slab).
    enum : uint8_t { kNone = 0, kActive = 1, kReclaimed = 2 };

    /// Variable-size values by id (1-based), with a free list so ids are reused.
    template <typename T> class SideTable {
    public:
        uint32_t put(T value) {
            if (!free_.empty()) {
                uint32_t id = free_.back();
                free_.pop_back();
                items_[id - 1] = std::move(value);
                return id;
            }
            items_.push_back(std::move(value));
            return static_cast<uint32_t>(items_.size());
        }
        const T& at(uint32_t id) const { return items_[id - 1]; }
        void release(uint32_t id) {
            items_[id - 1] = T{};
            free_.push_back(id);
        }
        void clear() {
            items_.clear();
            free_.clear();
        }

    private:
        std::vector<T> items_;
        std::vector<uint32_t> free_;
    };

    const uint8_t* hwBytes(const Record& r) const noexcept;
    const uint8_t* cidBytes(const Record& r) const noexcept;
    uint32_t allocSlot();
    void freeSlot(uint32_t slot);
    /// Fills the slot from the lease; the hash tables and side tables are updated from old
    /// (the slot's previous content) when it is given, so unchanged keys cost nothing.
    void store(uint32_t slot, const Lease4& lease, bool fresh);
    void unlinkAll(uint32_t slot);
    void materialize(uint32_t slot, Lease4& out) const;
    Lease4 leaseAt(uint32_t slot) const {
        Lease4 l;
        materialize(slot, l);
        return l;
    }
    std::vector<Lease4> sortedLeases(std::vector<uint32_t> slots) const;

    std::vector<Record> slab_;
    std::vector<int64_t> expire_; // per slot, for the expire scans
    std::vector<uint8_t> kind_;   // per slot: kNone, kActive, kReclaimed
    uint32_t freeHead_ = 0;       // first free slot + 1; 0 = none
    AddressBlockIndex byAddress_;
    SlotHashTable byHw_;
    SlotHashTable byClientId_;
    SlotHashTable byHostname_;
    SideTable<std::vector<uint8_t>> overflow_; // hw ++ client-id when longer than kInlineIds
    SideTable<std::string> hostnames_;
    SideTable<nlohmann::json> contexts_;
};

} // namespace kahu
