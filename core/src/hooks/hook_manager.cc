// SPDX-License-Identifier: MPL-2.0
#include "hooks/hook_manager.h"

#include "command/command_registry.h"
#include "lease/lease_store_factories.h"

#include <kahu/error.h>
#include <kahu/lease/lease_store.h>

namespace kahu::hooks {

HookManager& HookManager::instance() {
    static HookManager manager;
    return manager;
}

HookManager::HookManager() {
    current_.store(loadHookSet({}, LoadMode::Load, false));
}

void HookManager::activate(const std::shared_ptr<HookSet>& next) {
    if (!next) {
        throw HookError("cannot activate a null hook set");
    }
    std::lock_guard lock(mutex_);
    auto old = current_.load(std::memory_order_acquire);
    if (old == next) {
        return;
    }
    auto& stores = LeaseStoreFactories::instance();
    // Check the store types before touching anything; replaceGroup checks the commands
    // and changes nothing when it throws.
    for (const auto& [type, factory] : next->leaseStoreFactories()) {
        if (stores.has(type) && old->leaseStoreFactory(type) == nullptr) {
            throw HookError("lease store type '" + type + "' is already registered by the server");
        }
    }
    CommandRegistry::instance().replaceGroup(old.get(), next.get(), next->commands());
    for (const auto& [type, factory] : old->leaseStoreFactories()) {
        stores.remove(type);
    }
    for (const auto& [type, factory] : next->leaseStoreFactories()) {
        stores.add(type, factory);
    }
    current_.store(next, std::memory_order_release);
    next->startTimers();
    old->unload();
}

void HookManager::clear() noexcept {
    try {
        activate(loadHookSet({}, LoadMode::Load, false));
    } catch (...) {
        // An empty set cannot conflict with anything.
    }
}

} // namespace kahu::hooks
