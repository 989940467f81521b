// SPDX-License-Identifier: MPL-2.0
#include "lease/lease_store_factories.h"

#include <kahu/error.h>
#include <kahu/lease/lease_store.h>

namespace kahu {

void LeaseStore::writeCsv(const std::string& path) const {
    throw Error("lease store '" + type() + "' cannot write a lease file to " + path);
}

LeaseStoreFactories& LeaseStoreFactories::instance() {
    static LeaseStoreFactories registry;
    return registry;
}

void LeaseStoreFactories::add(const std::string& type, LeaseStoreFactory factory) {
    std::lock_guard lock(mutex_);
    if (!factories_.emplace(type, std::move(factory)).second) {
        throw Error("lease store type '" + type + "' is already registered");
    }
}

void LeaseStoreFactories::remove(const std::string& type) {
    std::lock_guard lock(mutex_);
    factories_.erase(type);
}

bool LeaseStoreFactories::has(const std::string& type) const {
    std::lock_guard lock(mutex_);
    return factories_.count(type) != 0;
}

std::unique_ptr<LeaseStore> LeaseStoreFactories::create(const std::string& type,
                                                        const LeaseStoreParams& p) const {
    LeaseStoreFactory factory;
    {
        std::lock_guard lock(mutex_);
        auto it = factories_.find(type);
        if (it == factories_.end()) {
            throw Error("unknown lease-database type '" + type + "'");
        }
        factory = it->second;
    }
    return factory(p);
}

} // namespace kahu
