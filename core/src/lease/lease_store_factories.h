// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/lease/lease_store.h>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace kahu {

/// Lease store types by name. "memfile" is registered by the core; hooks register theirs in
/// load() through their LoadContext and lose them at unload.
class LeaseStoreFactories {
public:
    static LeaseStoreFactories& instance();

    /// Throws kahu::Error if the type is already registered.
    void add(const std::string& type, LeaseStoreFactory factory);
    void remove(const std::string& type);
    bool has(const std::string& type) const;
    std::unique_ptr<LeaseStore> create(const std::string& type, const LeaseStoreParams& p) const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, LeaseStoreFactory> factories_;
};

} // namespace kahu
