// SPDX-License-Identifier: MPL-2.0
#include "lease/memfile_store.h"

#include "lease/csv_lease_codec.h"
#include "lease/lease_file_compactor.h"
#include "lease/lease_store_factories.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <kahu/error.h>
#include <kahu/log.h>
#include <kahu/paths.h>
#include <limits>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace kahu {

namespace {

const std::shared_ptr<spdlog::logger>& logger() {
    static const auto lg = log::get("kahu-dhcp4.dhcpsrv"); // Kea's logger for the lease store
    return lg;
}

bool exists(const std::string& path) {
    return ::access(path.c_str(), F_OK) == 0;
}

uint32_t readUint32(const nlohmann::json& map, const char* key, uint32_t fallback) {
    auto it = map.find(key);
    if (it == map.end()) {
        return fallback;
    }
    if (!it->is_number_integer() || it->get<int64_t>() < 0 ||
        it->get<int64_t>() > std::numeric_limits<uint32_t>::max()) {
        throw Error(std::string("lease-database: '") + key +
                    "' must be an integer between 0 and 4294967295");
    }
    return static_cast<uint32_t>(it->get<int64_t>());
}

void validate(const Lease4& lease) {
    if (lease.hwAddr.bytes.size() > 255 || lease.clientId.size() > 255) {
        throw StoreError("Lease4: " + lease.address.str() +
                         " has a hardware address or client id longer than 255 bytes");
    }
    if (lease.hwAddr.empty() && lease.clientId.empty() && lease.state != LeaseState::Declined) {
        throw StoreError("Lease4: " + lease.address.str() +
                         " has neither hardware address or client id");
    }
}

std::string deleteRow(Lease4 lease) {
    // Kea's deleteLeaseInternal: the stored lease with valid_lifetime 0 (so expire = cltt).
    lease.validLifetime = 0;
    return CsvLeaseCodec::formatRow(lease);
}

} // namespace

std::string MemfileConfig::defaultName() {
    return defaultDirectory(PathKind::Data) + "/" + kDefaultLeaseFileName;
}

MemfileConfig MemfileConfig::fromJson(const nlohmann::json& map) {
    MemfileConfig c;
    if (map.is_null()) {
        c.name = defaultName();
        return c;
    }
    if (!map.is_object()) {
        throw Error("lease-database must be a map");
    }
    if (auto it = map.find("name"); it != map.end()) {
        if (!it->is_string()) {
            throw Error("lease-database: 'name' must be a string");
        }
        c.name = it->get<std::string>();
    }
    if (auto it = map.find("persist"); it != map.end()) {
        if (!it->is_boolean()) {
            throw Error("lease-database: 'persist' must be a boolean");
        }
        c.persist = it->get<bool>();
    }
    c.lfcInterval = readUint32(map, "lfc-interval", c.lfcInterval);
    c.maxRowErrors = readUint32(map, "max-row-errors", c.maxRowErrors);
    // A file the server writes is confined to the data directories (kahu/paths.h); PathError
    // names the path and the directories. Without persist there is no file (Kea 2.6.3 too).
    if (c.name.empty()) {
        c.name = defaultName();
    } else if (c.persist) {
        c.name = confinePath(PathKind::Data, c.name);
    }
    return c;
}

MemfileStore::MemfileStore(MemfileConfig config) : config_(std::move(config)) {
    if (config_.name.empty()) {
        config_.name = MemfileConfig::defaultName();
    }
    if (!config_.persist) {
        return;
    }
    load();
    if (config_.lfcInterval > 0) {
        lfcThread_ = std::thread([this] { lfcLoop(); });
    }
}

MemfileStore::~MemfileStore() {
    {
        std::lock_guard lock(stopMutex_);
        stop_ = true;
    }
    stopCv_.notify_all();
    if (lfcThread_.joinable()) {
        lfcThread_.join();
    }
}

std::string MemfileStore::description() const {
    return "In memory database with leases stored in a CSV file.";
}

void MemfileStore::load() {
    const std::string& name = config_.name;
    if (LeaseFileCompactor::lfcRunning(name)) {
        throw StoreError("unable to load leases from files while the lease file cleanup is in "
                         "progress (" +
                         name + ".pid)");
    }
    LeaseIndex leases;
    if (exists(name + ".completed")) {
        CsvLeaseFile::load(name + ".completed", leases, loadReport_, config_.maxRowErrors);
    } else {
        CsvLeaseFile::load(name + ".2", leases, loadReport_, config_.maxRowErrors);
        CsvLeaseFile::load(name + ".1", leases, loadReport_, config_.maxRowErrors);
    }
    CsvLeaseFile::load(name, leases, loadReport_, config_.maxRowErrors);
    for (const auto& w : loadReport_.warnings) {
        logger()->warn("DHCPSRV_MEMFILE_READ_ERROR {}", w);
    }
    logger()->info("DHCPSRV_MEMFILE_LEASES_LOADED {} lease(s) from {} ({} row(s), {} skipped)",
                   leases.size(), name, loadReport_.rows, loadReport_.badRows);
    index_ = std::move(leases);
    file_ = std::make_unique<CsvLeaseFile>(name);
    if (!file_->hasCurrentHeader()) {
        // Another schema's file (Kea 2.2's, or a newer one): our rows would not match its
        // header, so compact it away first, as Kea does on a schema conversion. The first
        // run may only finish an interrupted LFC; the second then rotates the live file.
        logger()->info("DHCPSRV_MEMFILE_NEEDS_UPGRADING {} has another schema; compacting", name);
        compactNow();
        if (!file_->hasCurrentHeader()) {
            compactNow();
        }
    }
}

void MemfileStore::rotateLiveFile() {
    const std::string& name = config_.name;
    std::lock_guard lock(fileMutex_);
    file_.reset();
    if (std::rename(name.c_str(), (name + ".1").c_str()) != 0) {
        int err = errno;
        file_ = std::make_unique<CsvLeaseFile>(name);
        throw StoreError("cannot rename " + name + " for LFC: " + std::strerror(err));
    }
    file_ = std::make_unique<CsvLeaseFile>(name);
}

void MemfileStore::compactNow() {
    if (!config_.persist) {
        return;
    }
    std::lock_guard lock(lfcMutex_);
    const std::string& name = config_.name;
    // An earlier run that stopped half-way left .1 or .completed: finish that one first.
    if (!exists(name + ".completed") && !exists(name + ".1")) {
        rotateLiveFile();
    }
    auto report = LeaseFileCompactor(name).run();
    for (const auto& w : report.warnings) {
        logger()->warn("LFC_READ_ERROR {}", w);
    }
}

void MemfileStore::lfcLoop() {
    std::unique_lock lock(stopMutex_);
    const auto interval = std::chrono::seconds(config_.lfcInterval);
    while (!stopCv_.wait_for(lock, interval, [this] { return stop_; })) {
        lock.unlock();
        try {
            compactNow();
        } catch (const std::exception& e) {
            logger()->error("DHCPSRV_MEMFILE_LFC_EXECUTE_FAILED {}", e.what());
        }
        lock.lock();
    }
}

void MemfileStore::commit(std::unique_lock<std::shared_mutex>& indexLock, std::string_view rows) {
    if (!config_.persist) {
        return;
    }
    std::lock_guard fileLock(fileMutex_);
    indexLock.unlock();
    appendLocked(rows);
}

void MemfileStore::appendLocked(std::string_view rows) {
    if (!file_) {
        // Only after a failed LFC reopen; memory already holds the change.
        throw StoreError("lease file " + config_.name + " is not open");
    }
    file_->append(rows);
}

bool MemfileStore::add(const Lease4& lease) {
    validate(lease);
    std::string row = config_.persist ? CsvLeaseCodec::formatRow(lease) : std::string();
    std::unique_lock lock(mutex_);
    if (!index_.insert(lease)) {
        return false;
    }
    commit(lock, row);
    return true;
}

bool MemfileStore::update(const Lease4& lease, int64_t /*storedExpire*/) {
    validate(lease);
    std::string row = config_.persist ? CsvLeaseCodec::formatRow(lease) : std::string();
    std::unique_lock lock(mutex_);
    if (!index_.replace(lease)) {
        return false;
    }
    commit(lock, row);
    return true;
}

bool MemfileStore::remove(const Lease4& lease) {
    std::unique_lock lock(mutex_);
    auto removed = index_.erase(lease.address);
    if (!removed) {
        return false;
    }
    if (config_.persist) {
        std::lock_guard fileLock(fileMutex_);
        lock.unlock();
        appendLocked(deleteRow(std::move(*removed)));
    }
    return true;
}

size_t MemfileStore::removeWhere(const std::function<std::vector<Ipv4Address>()>& select) {
    std::unique_lock lock(mutex_);
    std::string rows;
    size_t count = 0;
    for (Ipv4Address a : select()) {
        auto removed = index_.erase(a);
        if (removed) {
            ++count;
            if (config_.persist) {
                rows += deleteRow(std::move(*removed));
            }
        }
    }
    if (count) {
        commit(lock, rows);
    }
    return count;
}

size_t MemfileStore::flushReclaimed(int64_t before) {
    return removeWhere([&] { return index_.reclaimedBefore(before); });
}

size_t MemfileStore::wipe(SubnetId id) {
    return removeWhere([&] { return index_.addressesOfSubnet(id); });
}

std::optional<Lease4> MemfileStore::get(Ipv4Address address) const {
    std::shared_lock lock(mutex_);
    return index_.get(address);
}

std::vector<Lease4> MemfileStore::getByHwAddr(const HwAddr& hw) const {
    std::shared_lock lock(mutex_);
    return index_.byHwAddr(hw);
}

std::vector<Lease4> MemfileStore::getByClientId(const ClientId& id) const {
    std::shared_lock lock(mutex_);
    return index_.byClientId(id);
}

std::vector<Lease4> MemfileStore::getByHostname(std::string_view hostname) const {
    std::shared_lock lock(mutex_);
    return index_.byHostname(hostname);
}

std::vector<Lease4> MemfileStore::getBySubnet(SubnetId id) const {
    std::shared_lock lock(mutex_);
    return index_.bySubnet(id);
}

std::vector<Lease4> MemfileStore::getAll() const {
    std::shared_lock lock(mutex_);
    return index_.all();
}

std::vector<Lease4> MemfileStore::getPage(Ipv4Address after, size_t limit) const {
    std::shared_lock lock(mutex_);
    return index_.page(after, limit);
}

std::vector<Lease4> MemfileStore::getExpired(int64_t now, size_t max) const {
    std::shared_lock lock(mutex_);
    return index_.expired(now, max);
}

void MemfileStore::forEach(const std::function<void(const Lease4&)>& visit) const {
    std::shared_lock lock(mutex_);
    index_.forEach(visit);
}

size_t MemfileStore::size() const {
    std::shared_lock lock(mutex_);
    return index_.size();
}

void MemfileStore::writeCsv(const std::string& path) const {
    LeaseIndex copy;
    {
        // A snapshot is a few flat copies: much shorter than formatting every row under the
        // lock.
        std::shared_lock lock(mutex_);
        copy = index_;
    }
    CsvLeaseFile::writeAll(path, copy);
}

void registerMemfileStore() {
    auto& factories = LeaseStoreFactories::instance();
    if (factories.has("memfile")) {
        return;
    }
    try {
        factories.add("memfile", [](const LeaseStoreParams& p) -> std::unique_ptr<LeaseStore> {
            MemfileConfig config = MemfileConfig::fromJson(p.config);
            if (p.checkOnly) {
                // A configuration check must not read, create or rotate any file.
                config.persist = false;
                config.lfcInterval = 0;
            }
            return std::make_unique<MemfileStore>(std::move(config));
        });
    } catch (const Error&) {
        if (!factories.has("memfile")) {
            throw; // not the benign race of two registrations
        }
    }
}

} // namespace kahu
