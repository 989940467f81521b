// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "hooks/hook_set.h"
#include "lease/lease_store_factories.h"

#include <atomic>
#include <memory>
#include <mutex>

namespace kahu::hooks {

/// Holds the active hook set and swaps in a new one on reconfiguration.
///
/// The packet path takes `auto hooks = HookManager::instance().current();` once per packet and
/// keeps it until the packet is sent or dropped, so a reload never changes the libraries under a
/// packet in flight. Control-plane methods are serialised by a mutex.
class HookManager {
public:
    static HookManager& instance();

    /// The active set; never null (an empty set before the first activation).
    std::shared_ptr<HookSet> current() const noexcept {
        return current_.load(std::memory_order_acquire);
    }

    /// Makes `next` (from loadHookSet(..., LoadMode::Load, ...)) the active set: publishes its
    /// commands to CommandRegistry::instance() and its lease-store types to
    /// LeaseStoreFactories::instance() in place of the old set's, swaps it in, starts its
    /// timers, then unloads the old set (which drops the packets it parked). Throws
    /// kahu::HookError, changing nothing, when a command name or store type conflicts.
    void activate(const std::shared_ptr<HookSet>& next);

    /// Unloads the active set and activates an empty one (shutdown).
    void clear() noexcept;

    HookManager();

private:
    std::mutex mutex_;
    std::atomic<std::shared_ptr<HookSet>> current_;
};

} // namespace kahu::hooks
