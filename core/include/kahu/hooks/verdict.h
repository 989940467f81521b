// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <kahu/export.h>
#include <string_view>

namespace kahu::hooks {

/// What a callout asks the server to do next. The meaning of Skip, Drop and Park depends on the
/// hook point (see docs/hooks.md, "Verdicts per hook point").
///
/// Verdicts of several callouts on one hook point combine by severity:
/// Continue < Skip < Park < Drop. A later callout can therefore make the verdict stronger but
/// never weaker; CalloutContext::verdict() shows the verdict so far, so a callout can return
/// early when an earlier one already dropped the packet. The numeric values are Kea's
/// CalloutNextStep values.
enum class Verdict : uint8_t {
    Continue = 0, ///< go on normally
    Skip = 1,     ///< skip the server's own step (e.g. do not allocate, do not pack)
    Drop = 2,     ///< drop the packet (or: fail the reconfiguration, for dhcp4_srv_configured)
    Park = 3,     ///< hold the packet until the hook resumes or drops it (see ParkHandle)
};

/// "continue", "skip", "drop", "park".
KAHU_API std::string_view toString(Verdict verdict) noexcept;

/// The stronger of two verdicts, by Continue < Skip < Park < Drop.
constexpr Verdict combine(Verdict a, Verdict b) noexcept {
    constexpr auto rank = [](Verdict v) {
        switch (v) {
        case Verdict::Continue:
            return 0;
        case Verdict::Skip:
            return 1;
        case Verdict::Park:
            return 2;
        case Verdict::Drop:
            return 3;
        }
        return 0;
    };
    return rank(b) > rank(a) ? b : a;
}

} // namespace kahu::hooks
