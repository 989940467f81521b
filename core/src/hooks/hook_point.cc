// SPDX-License-Identifier: MPL-2.0
#include <array>
#include <kahu/hooks/hook_point.h>
#include <kahu/hooks/verdict.h>

namespace kahu::hooks {

namespace {

constexpr std::array<std::string_view, kHookPointCount> kNames = {
    "buffer4_receive", "pkt4_receive",         "subnet4_select",    "host4_identifier",
    "lease4_select",   "lease4_renew",         "lease4_release",    "lease4_decline",
    "lease4_expire",   "lease4_recover",       "leases4_committed", "pkt4_send",
    "buffer4_send",    "dhcp4_srv_configured", "command_processed",
};

} // namespace

std::string_view toString(HookPoint point) noexcept {
    auto i = static_cast<std::size_t>(point);
    return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

std::optional<HookPoint> hookPointFromString(std::string_view name) noexcept {
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (kNames[i] == name) {
            return static_cast<HookPoint>(i);
        }
    }
    return std::nullopt;
}

std::string_view toString(Verdict verdict) noexcept {
    switch (verdict) {
    case Verdict::Continue:
        return "continue";
    case Verdict::Skip:
        return "skip";
    case Verdict::Drop:
        return "drop";
    case Verdict::Park:
        return "park";
    }
    return "unknown";
}

} // namespace kahu::hooks
