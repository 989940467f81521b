// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "lease/csv_lease_file.h"
#include "lease/lease_index.h"
#include "lease/lease_store_factories.h"

#include <condition_variable>
#include <kahu/lease/lease_store.h>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

namespace kahu {

/// The memfile parameters of "lease-database" (Kea's names and defaults).
struct MemfileConfig {
    std::string name; ///< "" = <data directory>/kahu-leases4.csv (kahu/paths.h)
    bool persist = true;
    uint32_t lfcInterval = 3600; ///< seconds; 0 = no periodic LFC
    uint32_t maxRowErrors = 0;   ///< per file; 0 = unlimited

    /// Reads name, persist, lfc-interval and max-row-errors from the lease-database map (other
    /// keys are left to the config parser). Throws kahu::Error naming the bad key.
    static MemfileConfig fromJson(const nlohmann::json& map);
    /// The lease file used when "name" is empty or absent.
    static std::string defaultName();
};

/// The built-in lease store: every lease in memory, every change appended to a Kea-format CSV
/// file before the call returns, compacted in the background every lfc-interval seconds.
///
/// Threading: lookups share a reader lock; a change holds the writer lock only to update the
/// indexes and then writes its row under a separate file lock (taken before the writer lock is
/// released, so rows reach the file in the order changes reached memory). LFC swaps the live
/// file under the file lock alone and merges old files without any store lock.
class MemfileStore : public LeaseStore {
public:
    /// Loads the lease files (Kea's order: .completed, else .2 then .1; then the file itself)
    /// and opens the file for appending. Throws kahu::StoreError if loading fails (bad header,
    /// more than max-row-errors bad rows, LFC in progress) or the file cannot be opened.
    explicit MemfileStore(MemfileConfig config);
    /// Stops the LFC timer (waiting for a running compaction) and closes the file.
    ~MemfileStore() override;

    std::string type() const override { return "memfile"; }
    std::string description() const override;

    bool add(const Lease4& lease) override;
    bool update(const Lease4& lease, int64_t storedExpire) override;
    bool remove(const Lease4& lease) override;

    std::optional<Lease4> get(Ipv4Address address) const override;
    std::vector<Lease4> getByHwAddr(const HwAddr& hw) const override;
    std::vector<Lease4> getByClientId(const ClientId& id) const override;
    std::vector<Lease4> getByHostname(std::string_view hostname) const override;
    std::vector<Lease4> getBySubnet(SubnetId id) const override;
    std::vector<Lease4> getAll() const override;
    std::vector<Lease4> getPage(Ipv4Address after, size_t limit) const override;
    std::vector<Lease4> getExpired(int64_t now, size_t max) const override;
    size_t flushReclaimed(int64_t before) override;
    size_t wipe(SubnetId id) override;
    /// Runs under the reader lock: the visitor must not call back into this store's writes.
    /// The lease passed is a scratch object reused for every visit: copy it to keep it.
    void forEach(const std::function<void(const Lease4&)>& visit) const override;
    size_t size() const override;
    void writeCsv(const std::string& path) const override;

    /// What the start-up load found (bad rows and their warnings).
    const LeaseLoadReport& loadReport() const noexcept { return loadReport_; }
    /// Runs one LFC now (in the calling thread); no-op without persistence. Throws
    /// kahu::StoreError.
    void compactNow();
    const MemfileConfig& config() const noexcept { return config_; }

private:
    void load();
    void rotateLiveFile();
    /// Writes rows after a change: takes the file lock, then releases the index lock.
    void commit(std::unique_lock<std::shared_mutex>& indexLock, std::string_view rows);
    void appendLocked(std::string_view rows); // fileMutex_ held
    void lfcLoop();
    size_t removeWhere(const std::function<std::vector<Ipv4Address>()>& select);

    MemfileConfig config_;
    LeaseLoadReport loadReport_;

    mutable std::shared_mutex mutex_; // guards index_
    LeaseIndex index_;

    std::mutex fileMutex_; // guards file_ (appends and the LFC swap)
    std::unique_ptr<CsvLeaseFile> file_;

    std::mutex lfcMutex_; // one compaction at a time
    std::mutex stopMutex_;
    std::condition_variable stopCv_;
    bool stop_ = false;
    std::thread lfcThread_;
};

/// Registers the "memfile" type with LeaseStoreFactories::instance(); calling it again is a
/// no-op.
void registerMemfileStore();

} // namespace kahu
