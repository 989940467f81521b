// SPDX-License-Identifier: MPL-2.0
// build-report, config-backend-pull, dhcp-disable, dhcp-enable, leases-reclaim, list-commands,
// server-tag-get, shutdown, status-get, version-get.
#include "control/builtin_commands.h"
#include "server/build_report.h"

#include <kahu/command/answer.h>
#include <kahu/metrics.h>
#include <optional>
#include <unistd.h>

namespace kahu::control {

namespace {

using nlohmann::json;

struct OriginResult {
    uint32_t origin = NetworkState::kUserCommand;
    std::string error;
};

// The origin arguments of dhcp-disable/dhcp-enable as Kea 2.6 reads them: "origin-id" (int)
// wins over "origin" (2.2's "user" / "ha-partner", or an int since 2.6).
OriginResult parseOrigin(const json& args) {
    OriginResult r;
    if (auto id = args.find("origin-id"); id != args.end()) {
        if (id->is_number_integer()) {
            r.origin = static_cast<uint32_t>(id->get<int64_t>());
        } else {
            r.error = "'origin-id' argument must be a number";
        }
        return r;
    }
    auto origin = args.find("origin");
    if (origin == args.end()) {
        return r;
    }
    if (origin->is_string()) {
        std::string name = origin->get<std::string>();
        if (name == "ha-partner") {
            r.origin = NetworkState::kHaRemoteCommand;
        } else if (name != "user") {
            r.error = "invalid value used for 'origin' parameter: " +
                      (name.empty() ? std::string("(empty string)") : name);
        }
    } else if (origin->is_number_integer()) {
        r.origin = static_cast<uint32_t>(origin->get<int64_t>());
    } else {
        r.error = "'origin' argument must be a string or a number";
    }
    return r;
}

json dhcpDisable(NetworkState& state, const json& args) {
    int64_t maxPeriod = 0;
    OriginResult origin;
    if (!args.is_null()) {
        if (!args.is_object()) {
            return errorAnswer("arguments for the 'dhcp-disable' command must be a map");
        }
        std::string error;
        if (auto mp = args.find("max-period"); mp != args.end()) {
            if (!mp->is_number_integer()) {
                error = "'max-period' argument must be a number";
            } else if ((maxPeriod = mp->get<int64_t>()) <= 0) {
                error = "'max-period' must be positive integer";
            }
        }
        origin = parseOrigin(args);
        // Kea appends both messages into one stream when both are wrong.
        error += origin.error;
        if (!error.empty()) {
            return errorAnswer(error);
        }
    }
    std::string text = "DHCPv4 service disabled";
    if (maxPeriod > 0) {
        text += " for " + std::to_string(maxPeriod) + " seconds";
        state.delayedEnable(origin.origin, static_cast<uint32_t>(maxPeriod));
    }
    state.disable(origin.origin);
    return successAnswer(text);
}

json dhcpEnable(NetworkState& state, const json& args) {
    OriginResult origin;
    if (!args.is_null()) {
        if (!args.is_object()) {
            return errorAnswer("arguments for the 'dhcp-enable' command must be a map");
        }
        origin = parseOrigin(args);
        if (!origin.error.empty()) {
            return errorAnswer(origin.error);
        }
    }
    state.enable(origin.origin);
    return successAnswer("DHCP service successfully enabled");
}

json leasesReclaim(ControlHost& host, const json& args) {
    if (args.is_null()) {
        return errorAnswer("Missing mandatory 'remove' parameter.");
    }
    if (!args.is_object()) {
        return nonMapArgumentsAnswer();
    }
    auto remove = args.find("remove");
    if (remove == args.end()) {
        return errorAnswer("Missing mandatory 'remove' parameter.");
    }
    if (!remove->is_boolean()) {
        return errorAnswer("'remove' parameter expected to be a boolean.");
    }
    host.reclaimNow(remove->get<bool>());
    return successAnswer("Reclamation of expired leases is complete.");
}

json shutdown(ControlHost& host, const json& args) {
    int exitValue = 0;
    if (!args.is_null()) {
        if (!args.is_object()) {
            return errorAnswer("Argument must be a map");
        }
        if (auto v = args.find("exit-value"); v != args.end()) {
            if (!v->is_number_integer()) {
                return errorAnswer("parameter 'exit-value' is not an integer");
            }
            exitValue = static_cast<int>(v->get<int64_t>());
        }
    }
    host.shutdown(exitValue);
    return successAnswer("Shutting down.");
}

json statusGet(const ControlHost& host, const NetworkState& state) {
    json status = {{"pid", static_cast<int>(getpid())},
                   {"uptime", host.uptimeSeconds()},
                   {"reload", host.secondsSinceReload()}};
    if (host.multiThreadingEnabled()) {
        status["multi-threading-enabled"] = true;
        status["thread-pool-size"] = host.threadPoolSize();
        status["packet-queue-size"] = host.packetQueueSize();
        status["packet-queue-statistics"] = host.packetQueueStatistics();
    } else {
        status["multi-threading-enabled"] = false;
    }
    status["sockets"] = host.socketStatus();
    status["dhcp-state"] = state.toJson(); // Kea 3.0
    return successAnswer("", std::move(status));
}

} // namespace

void registerServerCommands(CommandRegistry& registry, ControlHost& host, NetworkState& state) {
    registry.add("build-report", [](const json&) { return successAnswer(buildReportText()); });
    registry.add("config-backend-pull", [](const json&) {
        // Kahu has no configuration backend: Kea's answer when none is configured.
        return makeAnswer(CommandResult::Empty, "No config backend.");
    });
    registry.add("dhcp-disable", [&state](const json& args) { return dhcpDisable(state, args); });
    registry.add("dhcp-enable", [&state](const json& args) { return dhcpEnable(state, args); });
    registry.add("leases-reclaim", [&host](const json& args) { return leasesReclaim(host, args); });
    registry.add("list-commands",
                 [&registry](const json&) { return successAnswer("", json(registry.names())); });
    // Kahu's: the metrics GET /metrics serves, in Prometheus' text format (what kahu-ctrl-agent
    // serves on its own /metrics for the server behind it).
    registry.add("metrics-get", [](const json&) {
        return successAnswer("metrics in Prometheus' text format 0.0.4",
                             json{{"content-type", metrics::kContentType},
                                  {"metrics", metrics::Registry::instance().scrape()}});
    });
    registry.add("server-tag-get", [&host](const json&) {
        return successAnswer("", {{"server-tag", host.config()->serverTag}});
    });
    registry.add("shutdown", [&host](const json& args) { return shutdown(host, args); });
    registry.add("status-get", [&host, &state](const json&) { return statusGet(host, state); });
    registry.add("version-get", [](const json&) {
        return successAnswer(versionText(), {{"extended", extendedVersionText()}});
    });
}

} // namespace kahu::control
