// SPDX-License-Identifier: MPL-2.0
#include <algorithm>
#include <kahu/hooks/packet_context.h>

namespace kahu::hooks {

PacketContext::~PacketContext() {
    clear();
}

void PacketContext::clear() noexcept {
    // Values first, each before the mapping it may need (Slot's member order does that).
    slots_.clear();
}

std::any* PacketContext::find(std::size_t library, std::string_view name) noexcept {
    for (auto& slot : slots_) {
        if (slot.library == library && slot.name == name) {
            return &slot.value;
        }
    }
    return nullptr;
}

void PacketContext::put(std::size_t library, std::string_view name, std::any value,
                        std::shared_ptr<const void> keepMapped) {
    if (std::any* existing = find(library, name)) {
        *existing = std::move(value);
        return;
    }
    slots_.push_back({std::move(keepMapped), library, std::string(name), std::move(value)});
}

bool PacketContext::erase(std::size_t library, std::string_view name) noexcept {
    auto it = std::find_if(slots_.begin(), slots_.end(),
                           [&](const Slot& s) { return s.library == library && s.name == name; });
    if (it == slots_.end()) {
        return false;
    }
    slots_.erase(it);
    return true;
}

} // namespace kahu::hooks
