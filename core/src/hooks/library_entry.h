// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstddef>
#include <kahu/hooks/load_context.h>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>
#include <string>
#include <vector>

namespace kahu::hooks::detail {

struct ParkTicket;

/// An open shared object. Every object made from the library's code holds a shared_ptr to it
/// (directly or through KeepMapped), so dlclose runs only when the last of them is gone.
struct DlHandle {
    void* handle = nullptr;
    std::string path;
    DlHandle(void* h, std::string p) : handle(h), path(std::move(p)) {}
    ~DlHandle();
    DlHandle(const DlHandle&) = delete;
    DlHandle& operator=(const DlHandle&) = delete;
};

using LoadFn = int (*)(LoadContext&, std::string&) noexcept;
using UnloadFn = int (*)(std::string&) noexcept;

/// One "hooks-libraries" entry of a hook set (the same file listed twice is two entries).
struct LibraryEntry {
    std::size_t index = 0;  ///< position in the set, from 0 (Kea counts from 1)
    std::string configured; ///< "library" as written
    std::string location;   ///< "file:line:col" of the entry, may be empty
    std::string path;       ///< resolved file
    std::string name;       ///< "dhcp_example" for libdhcp_example.so
    nlohmann::json parameters;
    std::shared_ptr<const SourceMap> source; ///< where parameters were written; never null
    std::shared_ptr<const DlHandle> dl;
    std::shared_ptr<spdlog::logger> logger;
    LoadFn load = nullptr;
    UnloadFn unload = nullptr;
    bool loaded = false;

    /// Remembers a park hold the library took, so unloading can drop it.
    void track(const std::shared_ptr<ParkTicket>& ticket);
    /// Drops every hold the library still has (unload).
    void dropParked() noexcept;

    /// What the messages call it: "'libx.so' (file:1:2)".
    std::string describe() const;

private:
    std::mutex ticketsMutex_;
    std::vector<std::weak_ptr<ParkTicket>> tickets_;
    std::size_t pruneAt_ = 64;
};

/// Wraps a callable made by a library so that the library stays mapped as long as the callable
/// exists. `keep` is declared first, so it is released after the callable is destroyed.
template <class F> struct KeepMapped {
    std::shared_ptr<const void> keep;
    F fn;
    template <class... A> decltype(auto) operator()(A&&... a) const {
        return fn(std::forward<A>(a)...);
    }
};

} // namespace kahu::hooks::detail
