// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "dhcp4/exchange.h"
#include "hooks/hook_set.h"

#include <cstdint>
#include <exception>
#include <kahu/hooks/hook_args.h>
#include <kahu/hooks/hook_point.h>
#include <kahu/hooks/verdict.h>

namespace kahu {

/// What became of an exchange at a hook point that may park it.
enum class HookStep : uint8_t {
    Continue, ///< go on now
    Skip,     ///< go on now without the server's own step (what that is depends on the point)
    Parked,   ///< the callouts hold the exchange: `resume` or `drop` runs once they let go
    Dropped,  ///< a callout dropped the exchange; `drop` has run
};

/// Runs the hook points of the packet path for one exchange, with the exchange's hook set and
/// per-library context. The server's stages (buffer4_receive, pkt4_receive, leases4_committed,
/// pkt4_send, buffer4_send) and the protocol's decisions (subnet4_select, host4_identifier,
/// lease4_select, lease4_renew, lease4_release, lease4_decline) all come here, so no other code
/// touches Exchange::hooks and parking is written once, in runOrPark().
///
/// Without hook libraries, or without a callout on the point, a call is a null test and a bit
/// test: nothing is allocated and no callable is converted to a std::function.
class PacketHooks {
public:
    /// True when some callout is registered for the point in the exchange's hook set.
    static bool has(const Exchange& ex, hooks::HookPoint point) noexcept {
        return ex.hooks && ex.hooks->has(point);
    }

    /// Runs a hook point that cannot park and returns the callouts' combined verdict (Continue
    /// when none ran). What Skip and Drop mean there is the caller's to say.
    template <hooks::HookPoint P>
    static hooks::Verdict run(Exchange& ex, hooks::ArgsFor<P>& args) noexcept {
        static_assert(!hooks::canPark(P), "a hook point that may park goes through runOrPark");
        if (!has(ex, P)) {
            return hooks::Verdict::Continue;
        }
        return ex.hooks->run<P>(args, ex.context.get());
    }

    /// Runs a hook point that may park (pkt4_receive, subnet4_select, lease4_select,
    /// leases4_committed): the one place that decides what a verdict does to the exchange.
    ///
    /// `resume(ex)` goes on with the exchange; `drop(ex, reason)` ends it, `reason` being the
    /// message ID of why (the protocol keeps it in Exchange::dropReason). Both are copied only
    /// when the exchange parks.
    /// - Continue, Skip: neither has run; the caller goes on now.
    /// - Dropped: a callout dropped the exchange; `drop(ex, "DHCP4_HOOK_DROP")` has run.
    /// - Parked: the exchange belongs to the callouts. When the last of them lets go, exactly
    ///   one of `resume(ex)` or (a callout dropped it) `drop(ex, "HOOKS_PARKED_PACKET_DROPPED")`
    ///   runs, on the thread that let go, possibly before runOrPark returns. An exception out
    ///   of `resume` is logged (DHCP4_PACKET_PROCESS_STD_EXCEPTION) and ends in
    ///   `drop(ex, "DHCP4_PACKET_PROCESS_EXCEPTION")`: the exchange is dropped, never lost.
    template <hooks::HookPoint P, class Resume, class Drop>
    static HookStep runOrPark(const ExchangePtr& ex, hooks::ArgsFor<P>& args, const Resume& resume,
                              const Drop& drop) {
        static_assert(hooks::canPark(P), "runOrPark is for the hook points that may park");
        if (!has(*ex, P)) {
            return HookStep::Continue;
        }
        auto verdict = ex->hooks->run<P>(args, ex->context.get(), [ex, resume, drop](bool go) {
            if (!go) {
                drop(ex, "HOOKS_PARKED_PACKET_DROPPED");
                return;
            }
            try {
                resume(ex);
            } catch (const std::exception& e) {
                logResumeFailure(*ex, e);
                drop(ex, "DHCP4_PACKET_PROCESS_EXCEPTION");
            }
        });
        switch (verdict) {
        case hooks::Verdict::Park:
            return HookStep::Parked;
        case hooks::Verdict::Drop:
            drop(ex, "DHCP4_HOOK_DROP");
            return HookStep::Dropped;
        case hooks::Verdict::Skip:
            return HookStep::Skip;
        default:
            return HookStep::Continue;
        }
    }

private:
    static void logResumeFailure(const Exchange& ex, const std::exception& e) noexcept;
};

} // namespace kahu
