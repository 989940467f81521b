// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <any>
#include <cstddef>
#include <kahu/export.h>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kahu::hooks {

class CalloutContext;

/// Per-packet storage for hook libraries: each library (by its index in the hook set) has its
/// own name → value map, which lives from buffer4_receive to the send of the response and
/// across Park. Hooks use it through CalloutContext::get/set/erase; the server only creates it:
///
///     auto ctx = std::make_shared<kahu::hooks::PacketContext>();   // one per query
///
/// and passes it to every HookSet::run() for that query (with the same HookSet).
///
/// Each stored value keeps the library that stored it mapped (its destructor is the library's
/// code). Not thread-safe: a packet is processed by one thread at a time; a hook must not touch
/// the context from its own threads.
class KAHU_API PacketContext {
public:
    PacketContext() = default;
    ~PacketContext();
    PacketContext(const PacketContext&) = delete;
    PacketContext& operator=(const PacketContext&) = delete;

    /// Removes every value (e.g. when the server reuses the object for another query).
    void clear() noexcept;
    /// Number of values stored by every library.
    std::size_t size() const noexcept { return slots_.size(); }

private:
    // Hooks use these through CalloutContext::get/set/erase, which gives the library's index.
    friend class CalloutContext;
    std::any* find(std::size_t library, std::string_view name) noexcept;
    void put(std::size_t library, std::string_view name, std::any value,
             std::shared_ptr<const void> keepMapped);
    bool erase(std::size_t library, std::string_view name) noexcept;

    struct Slot {
        std::shared_ptr<const void> keepMapped; // declared first: destroyed after the value
        std::size_t library;
        std::string name;
        std::any value;
    };
    std::vector<Slot> slots_; // a handful of entries: a linear search beats a map
};

} // namespace kahu::hooks
