// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <algorithm>
#include <cctype>
#include <kahu/error.h>
#include <kahu/host/host_json.h>
#include <kahu/host/host_store.h>
#include <mutex>

namespace kahu::test {

/// A host store in memory, for tests of what the server does with hosts-database(s).
class FakeHostStore : public HostStore {
public:
    /// Lookups fail with kahu::StoreError while set (a database that went away).
    bool failing = false;
    mutable int lookups = 0;

    std::string type() const override { return "fake"; }
    std::string description() const override { return "fake host store"; }
    bool readOnly() const noexcept override { return false; }
    bool mayBlock() const noexcept override { return false; }

    std::optional<StoredHost> get(SubnetId subnet, IdentifierType type,
                                  const std::vector<uint8_t>& id) const override {
        return first([&](const StoredHost& h) {
            return h.subnet == subnet && bytesOf(*h.host, type) == id;
        });
    }
    std::optional<StoredHost> getByAddress(SubnetId subnet, Ipv4Address a) const override {
        return first([&](const StoredHost& h) {
            return h.subnet == subnet && h.host->ipAddress && *h.host->ipAddress == a;
        });
    }
    std::vector<StoredHost> getAll(SubnetId subnet) const override {
        return all([&](const StoredHost& h) { return h.subnet == subnet; });
    }
    std::vector<StoredHost> getPage(std::optional<SubnetId> subnet, uint64_t after,
                                    size_t limit) const override {
        auto out = all(
            [&](const StoredHost& h) { return h.id > after && (!subnet || h.subnet == *subnet); });
        out.resize(std::min(out.size(), limit));
        return out;
    }
    std::vector<StoredHost> getByHostname(std::string_view name,
                                          std::optional<SubnetId> subnet) const override {
        return all([&](const StoredHost& h) {
            // case-insensitive, as HostStore promises
            auto lower = [](std::string_view v) {
                std::string s(v);
                std::transform(s.begin(), s.end(), s.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                return s;
            };
            return lower(h.host->hostname) == lower(name) && (!subnet || h.subnet == *subnet);
        });
    }
    std::vector<StoredHost> getById(IdentifierType type,
                                    const std::vector<uint8_t>& id) const override {
        return all([&](const StoredHost& h) { return bytesOf(*h.host, type) == id; });
    }
    std::vector<StoredHost> getAllByAddress(Ipv4Address a,
                                            std::optional<SubnetId> subnet) const override {
        return all([&](const StoredHost& h) {
            return h.host->ipAddress && *h.host->ipAddress == a && (!subnet || h.subnet == *subnet);
        });
    }
    void add(SubnetId subnet, const Reservation& r) override {
        std::lock_guard lock(mutex_);
        hosts_.push_back({subnet, ++lastId_, std::make_shared<const Reservation>(r)});
    }
    bool remove(SubnetId subnet, Ipv4Address a) override {
        return erase([&](const StoredHost& h) {
            return h.subnet == subnet && h.host->ipAddress && *h.host->ipAddress == a;
        });
    }
    bool remove(SubnetId subnet, IdentifierType type, const std::vector<uint8_t>& id) override {
        return erase([&](const StoredHost& h) {
            return h.subnet == subnet && bytesOf(*h.host, type) == id;
        });
    }

private:
    static std::vector<uint8_t> bytesOf(const Reservation& r, IdentifierType t) {
        const auto* id = kahu::identifierOf(r, t);
        return id ? *id : std::vector<uint8_t>{};
    }
    template <class P> std::optional<StoredHost> first(P match) const {
        auto v = all(match);
        return v.empty() ? std::nullopt : std::optional<StoredHost>(v.front());
    }
    template <class P> std::vector<StoredHost> all(P match) const {
        std::lock_guard lock(mutex_);
        ++lookups;
        if (failing) {
            throw StoreError("fake host store: the database went away");
        }
        std::vector<StoredHost> out;
        std::copy_if(hosts_.begin(), hosts_.end(), std::back_inserter(out), match);
        return out;
    }
    template <class P> bool erase(P match) {
        std::lock_guard lock(mutex_);
        auto it = std::remove_if(hosts_.begin(), hosts_.end(), match);
        bool any = it != hosts_.end();
        hosts_.erase(it, hosts_.end());
        return any;
    }

    mutable std::mutex mutex_;
    std::vector<StoredHost> hosts_;
    uint64_t lastId_ = 0;
};

} // namespace kahu::test
