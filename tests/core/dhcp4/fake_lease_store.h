// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <algorithm>
#include <kahu/lease/lease_store.h>
#include <map>
#include <mutex>

namespace kahu::test {

/// A map-backed LeaseStore for unit tests of the protocol: no file, no indexes.
class FakeLeaseStore : public LeaseStore {
public:
    std::string type() const override { return "fake"; }
    std::string description() const override { return "fake"; }
    bool add(const Lease4& l) override {
        std::lock_guard g(m_);
        return leases_.emplace(l.address.value(), l).second;
    }
    bool update(const Lease4& l, int64_t /*storedExpire*/) override {
        std::lock_guard g(m_);
        auto it = leases_.find(l.address.value());
        if (it == leases_.end()) {
            return false;
        }
        it->second = l;
        return true;
    }
    bool remove(const Lease4& l) override {
        std::lock_guard g(m_);
        return leases_.erase(l.address.value()) > 0;
    }
    std::optional<Lease4> get(Ipv4Address a) const override {
        std::lock_guard g(m_);
        auto it = leases_.find(a.value());
        return it == leases_.end() ? std::nullopt : std::optional(it->second);
    }
    std::vector<Lease4> filter(const std::function<bool(const Lease4&)>& f) const {
        std::lock_guard g(m_);
        std::vector<Lease4> out;
        for (auto& [k, l] : leases_) {
            if (f(l)) {
                out.push_back(l);
            }
        }
        return out;
    }
    std::vector<Lease4> getByHwAddr(const HwAddr& hw) const override {
        return filter([&](const Lease4& l) { return l.hwAddr.bytes == hw.bytes; });
    }
    std::vector<Lease4> getByClientId(const ClientId& id) const override {
        return filter([&](const Lease4& l) { return !id.empty() && l.clientId == id; });
    }
    std::vector<Lease4> getByHostname(std::string_view h) const override {
        return filter([&](const Lease4& l) { return l.hostname == h; });
    }
    std::vector<Lease4> getBySubnet(SubnetId id) const override {
        return filter([&](const Lease4& l) { return l.subnetId == id; });
    }
    std::vector<Lease4> getAll() const override {
        return filter([](const Lease4&) { return true; });
    }
    std::vector<Lease4> getPage(Ipv4Address after, size_t limit) const override {
        auto all = filter([&](const Lease4& l) { return l.address > after; });
        all.resize(std::min(all.size(), limit));
        return all;
    }
    std::vector<Lease4> getExpired(int64_t now, size_t max) const override {
        auto all = filter([&](const Lease4& l) {
            return l.state != LeaseState::ExpiredReclaimed && l.expire() < now;
        });
        std::sort(all.begin(), all.end(),
                  [](const Lease4& a, const Lease4& b) { return a.expire() < b.expire(); });
        if (max && all.size() > max) {
            all.resize(max);
        }
        return all;
    }
    size_t flushReclaimed(int64_t before) override {
        std::lock_guard g(m_);
        return std::erase_if(leases_, [&](const auto& kv) {
            return kv.second.state == LeaseState::ExpiredReclaimed && kv.second.expire() < before;
        });
    }
    size_t wipe(SubnetId id) override {
        std::lock_guard g(m_);
        return std::erase_if(leases_,
                             [&](const auto& kv) { return !id || kv.second.subnetId == id; });
    }
    void forEach(const std::function<void(const Lease4&)>& visit) const override {
        for (const auto& l : getAll()) {
            visit(l);
        }
    }
    size_t size() const override {
        std::lock_guard g(m_);
        return leases_.size();
    }

private:
    mutable std::mutex m_;
    std::map<uint32_t, Lease4> leases_;
};

} // namespace kahu::test
