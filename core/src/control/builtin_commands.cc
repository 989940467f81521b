// SPDX-License-Identifier: MPL-2.0
#include "control/builtin_commands.h"

#include <kahu/command/answer.h>

namespace kahu {

namespace control {

nlohmann::json nonMapArgumentsAnswer() {
    return errorAnswer("Error during command processing: "
                       "get(string) called on a non-map Element");
}

} // namespace control

void registerBuiltinCommands(CommandRegistry& registry, ControlHost& host, NetworkState& state) {
    control::registerConfigCommands(registry, host);
    control::registerServerCommands(registry, host, state);
    control::registerStatCommands(registry);
}

void unregisterBuiltinCommands(CommandRegistry& registry) {
    for (const auto& name : builtinCommandNames()) {
        registry.remove(name);
    }
}

std::vector<std::string> builtinCommandNames() {
    // Kea 2.6's list (libreload is gone there too), and Kahu's metrics-get.
    return {"build-report",
            "config-backend-pull",
            "config-get",
            "config-hash-get",
            "config-reload",
            "config-set",
            "config-test",
            "config-write",
            "dhcp-disable",
            "dhcp-enable",
            "leases-reclaim",
            "list-commands",
            "metrics-get",
            "server-tag-get",
            "shutdown",
            "statistic-get",
            "statistic-get-all",
            "statistic-remove",
            "statistic-remove-all",
            "statistic-reset",
            "statistic-reset-all",
            "statistic-sample-age-set",
            "statistic-sample-age-set-all",
            "statistic-sample-count-set",
            "statistic-sample-count-set-all",
            "status-get",
            "version-get"};
}

} // namespace kahu
