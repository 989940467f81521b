// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <any>
#include <cstddef>
#include <kahu/export.h>
#include <kahu/hooks/hook_point.h>
#include <kahu/hooks/packet_context.h>
#include <kahu/hooks/park_handle.h>
#include <kahu/hooks/verdict.h>
#include <memory>
#include <spdlog/logger.h>
#include <string>
#include <string_view>

namespace kahu::hooks {

namespace detail {
struct ParkSite;
struct LibraryEntry;
} // namespace detail

/// What a callout gets besides its arguments: the verdict so far, its library's per-packet
/// storage and, where the hook point allows it, a way to park the packet.
///
/// Built by the server for each callout call; valid only during the call.
class KAHU_API CalloutContext {
public:
    /// The hook point being run.
    HookPoint hookPoint() const noexcept { return point_; }
    /// The combined verdict of the callouts that ran before this one (Continue for the first).
    /// Verdicts only get stronger (see Verdict), so return early when this is Drop.
    Verdict verdict() const noexcept { return verdict_; }
    /// This library's name ("dhcp_example" for libdhcp_example.so).
    const std::string& libraryName() const noexcept;
    /// This library's logger ("kahu-dhcp4.<name>").
    spdlog::logger& logger() const noexcept;

    /// The value this library stored under `name` for this packet, nullptr when absent or of
    /// another type.
    template <class T> T* get(std::string_view name) noexcept {
        std::any* a = packet_->find(libraryIndex_, name);
        return a != nullptr ? std::any_cast<T>(a) : nullptr;
    }
    /// Stores (or replaces) a value for this packet, private to this library.
    template <class T> void set(std::string_view name, T value) {
        packet_->put(libraryIndex_, name, std::any(std::move(value)), keepMapped());
    }
    /// Removes a value; false when it was absent.
    bool erase(std::string_view name) noexcept { return packet_->erase(libraryIndex_, name); }

    /// Parks the packet: take the handle, return Verdict::Park, and later call resume() or
    /// drop() on it from any thread. Returns an empty handle when this hook point cannot park
    /// or the parked-packet limit is reached (the server then drops the packet and counts it
    /// in pkt4-receive-drop). Several callouts may park the same packet; it continues when
    /// all of them have resolved their handles.
    ParkHandle park() noexcept;

    /// Built by the server only.
    CalloutContext(HookPoint point, Verdict verdict, std::size_t libraryIndex,
                   const detail::LibraryEntry& library, PacketContext& packet,
                   detail::ParkSite* park) noexcept
        : point_(point), verdict_(verdict), libraryIndex_(libraryIndex), library_(library),
          packet_(&packet), park_(park) {}

private:
    std::shared_ptr<const void> keepMapped() const noexcept;

    HookPoint point_;
    Verdict verdict_;
    std::size_t libraryIndex_;
    const detail::LibraryEntry& library_;
    PacketContext* packet_;
    detail::ParkSite* park_;
};

} // namespace kahu::hooks
