// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/export.h>
#include <memory>

namespace kahu::hooks {

namespace detail {
struct ParkTicket;
struct ParkSite;
} // namespace detail

/// A callout's hold on a parked packet, taken with CalloutContext::park().
///
/// The packet stays parked until every callout that took a handle in that hook point has
/// resolved its handle; then the server's continuation runs, exactly once, on the thread that
/// resolved last: it continues the packet if nobody dropped it, and drops it otherwise.
///
/// Copies share one hold: the first resume() or drop() on any copy counts, later calls are
/// ignored. Destroying the last copy without resolving counts as drop(), so a lost handle
/// cannot leak a parked packet. Unloading the library that took the handle drops it too.
/// Thread-safe: resolve from any thread. A handle keeps its library mapped while it lives.
class KAHU_API ParkHandle {
public:
    ParkHandle() noexcept = default;

    /// False for an empty handle: the hook point cannot park, or the parked-packet limit was
    /// reached (return Verdict::Drop then, or Park: the server drops the packet either way).
    explicit operator bool() const noexcept { return ticket_ != nullptr; }

    /// Lets the packet continue (once every other holder has resolved too).
    void resume() noexcept;
    /// Drops the packet (the continuation runs with resume = false).
    void drop() noexcept;
    /// True once resume() or drop() was called on any copy (or the library was unloaded).
    bool resolved() const noexcept;

private:
    friend struct detail::ParkSite;
    explicit ParkHandle(std::shared_ptr<detail::ParkTicket> ticket) noexcept
        : ticket_(std::move(ticket)) {}
    std::shared_ptr<detail::ParkTicket> ticket_;
};

} // namespace kahu::hooks
