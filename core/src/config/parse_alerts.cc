// SPDX-License-Identifier: MPL-2.0
// Kahu's pool-utilisation alert settings, read from the "utilization-alerts" entry of a
// user-context (global, shared network, subnet, pool): the place Kea's own hooks read their
// per-scope settings from (limits, ddns-tuning), so the same file still loads in Kea.
#include "config/config_drafts.h"

#include <kahu/http/client.h>
#include <stdexcept>

namespace kahu::config {

void applyUtilizationAlerts(ParseContext& ctx, const nlohmann::json& userContext,
                            const std::string& path, UtilizationThresholds& t,
                            UtilizationNotify* notify) {
    if (!userContext.is_object() || !userContext.contains("utilization-alerts")) {
        return;
    }
    const Node n{userContext.at("utilization-alerts"), path + ".utilization-alerts"};
    if (n.value.is_boolean()) { // shorthand: false turns alerts off for the scope
        t.enabled = n.value.get<bool>();
        return;
    }
    if (!n.value.is_object()) {
        ctx.fail(n, "expected a map (or a boolean)");
    }
    for (const auto& [key, value] : n.value.items()) {
        Node k = n.child(key);
        if (key == "enabled") {
            t.enabled = getBool(ctx, k);
        } else if (key == "warning") {
            t.warning = getDouble(ctx, k, 0, 100);
        } else if (key == "critical") {
            t.critical = getDouble(ctx, k, 0, 100);
        } else if (key == "hysteresis") {
            t.hysteresis = getDouble(ctx, k, 0, 50);
        } else if ((key == "command" || key == "webhook") && notify == nullptr) {
            ctx.fail(k, "'" + key + "' is set at the global level only (Dhcp4.user-context)");
        } else if (key == "command") {
            notify->command = getString(ctx, k, false);
            if (notify->command.front() != '/') {
                ctx.fail(k, "the command must be an absolute path");
            }
        } else if (key == "webhook") {
            notify->webhook = getString(ctx, k, false);
            try {
                (void)http::parseUrl(notify->webhook, true);
            } catch (const std::invalid_argument& e) {
                ctx.fail(k, "invalid URL '" + notify->webhook + "': " + e.what());
            }
        } else if (key != "comment") {
            ctx.fail(k, "unknown key '" + key +
                            "' (expected one of: enabled, warning, critical, hysteresis" +
                            (notify ? ", command, webhook)" : ")"));
        }
    }
    if (t.warning > t.critical) {
        ctx.fail(n, "warning (" + n.value.value("warning", nlohmann::json(t.warning)).dump() +
                        ") is above critical (" +
                        n.value.value("critical", nlohmann::json(t.critical)).dump() + ")");
    }
}

} // namespace kahu::config
