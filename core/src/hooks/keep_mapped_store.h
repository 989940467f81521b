// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/lease/lease_store.h>
#include <memory>
#include <string>
#include <utility>

namespace kahu::hooks::detail {

/// A lease store made by a hook library, wrapped so the library stays mapped until the store is
/// destroyed (its vtable and destructor are the library's code). Forwards everything.
class KeepMappedStore final : public LeaseStore {
public:
    KeepMappedStore(std::shared_ptr<const void> keep, std::unique_ptr<LeaseStore> inner)
        : keep_(std::move(keep)), inner_(std::move(inner)) {}

    std::string type() const override { return inner_->type(); }
    std::string description() const override { return inner_->description(); }
    bool add(const Lease4& l) override { return inner_->add(l); }
    bool update(const Lease4& l, int64_t storedExpire) override {
        return inner_->update(l, storedExpire);
    }
    bool remove(const Lease4& l) override { return inner_->remove(l); }
    std::optional<Lease4> get(Ipv4Address a) const override { return inner_->get(a); }
    std::vector<Lease4> getByHwAddr(const HwAddr& hw) const override {
        return inner_->getByHwAddr(hw);
    }
    std::vector<Lease4> getByClientId(const ClientId& id) const override {
        return inner_->getByClientId(id);
    }
    std::vector<Lease4> getByHostname(std::string_view h) const override {
        return inner_->getByHostname(h);
    }
    std::vector<Lease4> getBySubnet(SubnetId id) const override { return inner_->getBySubnet(id); }
    std::vector<Lease4> getAll() const override { return inner_->getAll(); }
    std::vector<Lease4> getPage(Ipv4Address after, size_t limit) const override {
        return inner_->getPage(after, limit);
    }
    std::vector<Lease4> getExpired(int64_t now, size_t max) const override {
        return inner_->getExpired(now, max);
    }
    size_t flushReclaimed(int64_t before) override { return inner_->flushReclaimed(before); }
    size_t wipe(SubnetId id) override { return inner_->wipe(id); }
    void forEach(const std::function<void(const Lease4&)>& visit) const override {
        inner_->forEach(visit);
    }
    size_t size() const override { return inner_->size(); }
    void writeCsv(const std::string& path) const override { inner_->writeCsv(path); }
    bool mayBlock() const noexcept override { return inner_->mayBlock(); }
    bool available() const noexcept override { return inner_->available(); }

    /// The store the library made (tests, diagnostics).
    LeaseStore& inner() const noexcept { return *inner_; }

private:
    std::shared_ptr<const void> keep_; // first: released after the store is destroyed
    std::unique_ptr<LeaseStore> inner_;
};

} // namespace kahu::hooks::detail
