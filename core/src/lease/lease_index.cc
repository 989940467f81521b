// SPDX-License-Identifier: MPL-2.0
#include "lease/lease_index.h"

#include <algorithm>
#include <cstring>
#include <tuple>

namespace kahu {

namespace {

uint32_t keyHash(const uint8_t* data, size_t size) noexcept {
    return static_cast<uint32_t>(hashBytes(data, size));
}

uint32_t keyHash(std::string_view s) noexcept {
    return static_cast<uint32_t>(hashBytes(s.data(), s.size()));
}

bool sameBytes(const uint8_t* a, size_t aSize, const uint8_t* b, size_t bSize) noexcept {
    return aSize == bSize && (aSize == 0 || std::memcmp(a, b, aSize) == 0);
}

} // namespace

const uint8_t* LeaseIndex::hwBytes(const Record& r) const noexcept {
    if (r.flags & kOverflow) {
        uint32_t id;
        std::memcpy(&id, r.ids, sizeof id);
        return overflow_.at(id).data();
    }
    return r.ids;
}

const uint8_t* LeaseIndex::cidBytes(const Record& r) const noexcept {
    return hwBytes(r) + r.hwLen;
}

uint32_t LeaseIndex::allocSlot() {
    if (freeHead_ != 0) {
        uint32_t slot = freeHead_ - 1;
        freeHead_ = slab_[slot].validLifetime;
        return slot;
    }
    slab_.push_back(Record{});
    expire_.push_back(0);
    kind_.push_back(kNone);
    return static_cast<uint32_t>(slab_.size() - 1);
}

void LeaseIndex::freeSlot(uint32_t slot) {
    Record& r = slab_[slot];
    r = Record{};
    r.state = kFree;
    r.validLifetime = freeHead_;
    freeHead_ = slot + 1;
    kind_[slot] = kNone;
}

void LeaseIndex::reserve(size_t n) {
    slab_.reserve(n);
    expire_.reserve(n);
    kind_.reserve(n);
}

void LeaseIndex::clear() {
    *this = LeaseIndex();
}

void LeaseIndex::store(uint32_t slot, const Lease4& l, bool fresh) {
    Record& r = slab_[slot];
    const auto& hw = l.hwAddr.bytes;
    const auto& cid = l.clientId;
    bool hwSame = false, cidSame = false;
    if (fresh) {
        r = Record{};
    } else {
        // An update usually keeps the client's keys: leave their hash entries alone then.
        const uint8_t* oldHw = hwBytes(r);
        const uint8_t* oldCid = oldHw + r.hwLen;
        hwSame = sameBytes(oldHw, r.hwLen, hw.data(), hw.size());
        cidSame = sameBytes(oldCid, r.cidLen, cid.data(), cid.size());
        if (!hwSame && r.hwLen) {
            byHw_.erase(keyHash(oldHw, r.hwLen), slot);
        }
        if (!cidSame && r.cidLen) {
            byClientId_.erase(keyHash(oldCid, r.cidLen), slot);
        }
        if (r.flags & kOverflow) {
            uint32_t id;
            std::memcpy(&id, r.ids, sizeof id);
            overflow_.release(id);
        }
        if (r.hostname && hostnames_.at(r.hostname) != l.hostname) {
            byHostname_.erase(keyHash(hostnames_.at(r.hostname)), slot);
            hostnames_.release(r.hostname);
            r.hostname = 0;
        }
        if (r.context && contexts_.at(r.context) != l.userContext) {
            contexts_.release(r.context);
            r.context = 0;
        }
    }
    r.address = l.address.value();
    r.validLifetime = l.validLifetime;
    r.cltt = l.cltt;
    r.subnetId = l.subnetId;
    r.poolId = l.poolId;
    r.state = static_cast<uint8_t>(l.state);
    r.flags = (l.fqdnFwd ? kFqdnFwd : 0) | (l.fqdnRev ? kFqdnRev : 0);
    r.htype = l.hwAddr.htype;
    r.hwLen = static_cast<uint8_t>(hw.size());
    r.cidLen = static_cast<uint8_t>(cid.size());
    if (hw.size() + cid.size() <= kInlineIds) {
        if (!hw.empty()) {
            std::memcpy(r.ids, hw.data(), hw.size());
        }
        if (!cid.empty()) {
            std::memcpy(r.ids + hw.size(), cid.data(), cid.size());
        }
    } else {
        std::vector<uint8_t> both(hw);
        both.insert(both.end(), cid.begin(), cid.end());
        uint32_t id = overflow_.put(std::move(both));
        std::memcpy(r.ids, &id, sizeof id);
        r.flags |= kOverflow;
    }
    if (!hwSame && !hw.empty()) {
        byHw_.insert(keyHash(hw.data(), hw.size()), slot);
    }
    if (!cidSame && !cid.empty()) {
        byClientId_.insert(keyHash(cid.data(), cid.size()), slot);
    }
    if (r.hostname == 0 && !l.hostname.empty()) {
        r.hostname = hostnames_.put(l.hostname);
        byHostname_.insert(keyHash(l.hostname), slot);
    }
    if (r.context == 0 && !l.userContext.is_null()) {
        r.context = contexts_.put(l.userContext);
    }
    expire_[slot] = l.expire();
    kind_[slot] = l.state == LeaseState::ExpiredReclaimed ? kReclaimed
                  : l.validLifetime != Lease4::kInfinite  ? kActive
                                                          : kNone;
}

void LeaseIndex::unlinkAll(uint32_t slot) {
    Record& r = slab_[slot];
    const uint8_t* hw = hwBytes(r);
    if (r.hwLen) {
        byHw_.erase(keyHash(hw, r.hwLen), slot);
    }
    if (r.cidLen) {
        byClientId_.erase(keyHash(hw + r.hwLen, r.cidLen), slot);
    }
    if (r.flags & kOverflow) {
        uint32_t id;
        std::memcpy(&id, r.ids, sizeof id);
        overflow_.release(id);
    }
    if (r.hostname) {
        byHostname_.erase(keyHash(hostnames_.at(r.hostname)), slot);
        hostnames_.release(r.hostname);
    }
    if (r.context) {
        contexts_.release(r.context);
    }
}

void LeaseIndex::materialize(uint32_t slot, Lease4& out) const {
    const Record& r = slab_[slot];
    const uint8_t* hw = hwBytes(r);
    out.address = Ipv4Address(r.address);
    out.hwAddr.htype = r.htype;
    out.hwAddr.bytes.assign(hw, hw + r.hwLen);
    out.clientId.assign(hw + r.hwLen, hw + r.hwLen + r.cidLen);
    out.validLifetime = r.validLifetime;
    out.cltt = r.cltt;
    out.subnetId = r.subnetId;
    out.fqdnFwd = r.flags & kFqdnFwd;
    out.fqdnRev = r.flags & kFqdnRev;
    if (r.hostname) {
        out.hostname = hostnames_.at(r.hostname);
    } else {
        out.hostname.clear();
    }
    out.state = static_cast<LeaseState>(r.state);
    if (r.context) {
        out.userContext = contexts_.at(r.context);
    } else if (!out.userContext.is_null()) {
        out.userContext = nullptr;
    }
    out.poolId = r.poolId;
}

std::optional<Lease4> LeaseIndex::get(Ipv4Address address) const {
    auto slot = byAddress_.find(address.value());
    if (!slot) {
        return std::nullopt;
    }
    return leaseAt(*slot);
}

bool LeaseIndex::insert(const Lease4& lease) {
    if (byAddress_.find(lease.address.value())) {
        return false;
    }
    uint32_t slot = allocSlot();
    store(slot, lease, true);
    byAddress_.insert(lease.address.value(), slot);
    return true;
}

bool LeaseIndex::replace(const Lease4& lease) {
    auto slot = byAddress_.find(lease.address.value());
    if (!slot) {
        return false;
    }
    store(*slot, lease, false);
    return true;
}

void LeaseIndex::upsert(const Lease4& lease) {
    auto [slot, added] = byAddress_.emplace(lease.address.value());
    if (added) {
        slot = allocSlot();
    }
    store(slot, lease, added);
}

std::optional<Lease4> LeaseIndex::erase(Ipv4Address address) {
    auto slot = byAddress_.erase(address.value());
    if (!slot) {
        return std::nullopt;
    }
    std::optional<Lease4> removed = leaseAt(*slot);
    unlinkAll(*slot);
    freeSlot(*slot);
    return removed;
}

bool LeaseIndex::discard(Ipv4Address address) {
    auto slot = byAddress_.erase(address.value());
    if (!slot) {
        return false;
    }
    unlinkAll(*slot);
    freeSlot(*slot);
    return true;
}

std::vector<Lease4> LeaseIndex::sortedLeases(std::vector<uint32_t> slots) const {
    std::sort(slots.begin(), slots.end(),
              [&](uint32_t a, uint32_t b) { return slab_[a].address < slab_[b].address; });
    std::vector<Lease4> out;
    out.reserve(slots.size());
    for (uint32_t s : slots) {
        out.push_back(leaseAt(s));
    }
    return out;
}

std::vector<Lease4> LeaseIndex::byHwAddr(const HwAddr& hw) const {
    std::vector<uint32_t> slots;
    const auto& key = hw.bytes;
    byHw_.find(
        keyHash(key.data(), key.size()),
        [&](uint32_t s) {
            return sameBytes(hwBytes(slab_[s]), slab_[s].hwLen, key.data(), key.size());
        },
        [&](uint32_t s) { slots.push_back(s); });
    return sortedLeases(std::move(slots));
}

std::vector<Lease4> LeaseIndex::byClientId(const ClientId& id) const {
    std::vector<uint32_t> slots;
    byClientId_.find(
        keyHash(id.data(), id.size()),
        [&](uint32_t s) {
            return sameBytes(cidBytes(slab_[s]), slab_[s].cidLen, id.data(), id.size());
        },
        [&](uint32_t s) { slots.push_back(s); });
    return sortedLeases(std::move(slots));
}

std::vector<Lease4> LeaseIndex::byHostname(std::string_view hostname) const {
    std::vector<uint32_t> slots;
    byHostname_.find(
        keyHash(hostname), [&](uint32_t s) { return hostnames_.at(slab_[s].hostname) == hostname; },
        [&](uint32_t s) { slots.push_back(s); });
    return sortedLeases(std::move(slots));
}

std::vector<Lease4> LeaseIndex::bySubnet(SubnetId id) const {
    std::vector<Lease4> out;
    byAddress_.visitAll([&](uint32_t, uint32_t slot) {
        if (slab_[slot].subnetId == id) {
            out.push_back(leaseAt(slot));
        }
    });
    return out;
}

std::vector<Ipv4Address> LeaseIndex::addressesOfSubnet(SubnetId id) const {
    std::vector<Ipv4Address> out;
    if (id == 0) {
        out.reserve(size());
    }
    byAddress_.visitAll([&](uint32_t address, uint32_t slot) {
        if (id == 0 || slab_[slot].subnetId == id) {
            out.emplace_back(address);
        }
    });
    return out;
}

std::vector<Lease4> LeaseIndex::all() const {
    std::vector<Lease4> out;
    out.reserve(size());
    byAddress_.visitAll([&](uint32_t, uint32_t slot) { out.push_back(leaseAt(slot)); });
    return out;
}

std::vector<Lease4> LeaseIndex::page(Ipv4Address after, size_t limit) const {
    std::vector<Lease4> out;
    if (limit == 0) {
        return out;
    }
    byAddress_.visitFrom(uint64_t(after.value()) + 1, [&](uint32_t, uint32_t slot) {
        out.push_back(leaseAt(slot));
        return out.size() < limit;
    });
    return out;
}

std::vector<Lease4> LeaseIndex::expired(int64_t now, size_t max) const {
    // One pass over the compact parallel arrays; records are touched only for candidates.
    struct Candidate {
        int64_t expire;
        uint32_t address;
        uint32_t slot;
        bool operator<(const Candidate& o) const noexcept {
            return std::tie(expire, address) < std::tie(o.expire, o.address);
        }
    };
    std::vector<Candidate> found;
    const size_t n = kind_.size();
    for (size_t s = 0; s < n; ++s) {
        if (kind_[s] == kActive && expire_[s] < now) {
            found.push_back({expire_[s], slab_[s].address, static_cast<uint32_t>(s)});
        }
    }
    if (max != 0 && found.size() > max) {
        std::partial_sort(found.begin(), found.begin() + static_cast<ptrdiff_t>(max), found.end());
        found.resize(max);
    } else {
        std::sort(found.begin(), found.end());
    }
    std::vector<Lease4> out;
    out.reserve(found.size());
    for (const Candidate& c : found) {
        out.push_back(leaseAt(c.slot));
    }
    return out;
}

std::vector<Ipv4Address> LeaseIndex::reclaimedBefore(int64_t before) const {
    std::vector<std::pair<int64_t, uint32_t>> found;
    const size_t n = kind_.size();
    for (size_t s = 0; s < n; ++s) {
        if (kind_[s] == kReclaimed && expire_[s] < before) {
            found.emplace_back(expire_[s], slab_[s].address);
        }
    }
    std::sort(found.begin(), found.end());
    std::vector<Ipv4Address> out;
    out.reserve(found.size());
    for (const auto& [expire, address] : found) {
        out.emplace_back(address);
    }
    return out;
}

} // namespace kahu
