// SPDX-License-Identifier: MPL-2.0
//
// libdhcp_stat_cmds.so — Kea's Statistics Commands hook library: stat-lease4-get, lease
// statistics per subnet read from the lease store itself (not from the server's counters), so
// that servers sharing a database agree. It takes no parameters:
//
//   "hooks-libraries": [{ "library": "libdhcp_stat_cmds.so" }]
//
//   {"command": "stat-lease4-get"}                                   every subnet
//   {"command": "stat-lease4-get", "arguments": {"subnet-id": 10}}
//   {"command": "stat-lease4-get",
//    "arguments": {"subnet-range": {"first-subnet-id": 10, "last-subnet-id": 50}}}
//
// The answer is Kea 2.2's, texts included: a result-set with the columns subnet-id,
// total-addresses (the subnet's pools), cumulative-assigned-addresses (the server's counter),
// assigned-addresses (leases in the default state, expired or not) and declined-addresses.

#include <chrono>
#include <ctime>
#include <kahu/command/answer.h>
#include <kahu/error.h>
#include <kahu/hooks/library.h>
#include <kahu/server_access.h>
#include <kahu/stats.h>
#include <map>
#include <optional>
#include <string>

namespace {

using namespace kahu;
using namespace kahu::hooks;
using nlohmann::json;

/// Kea's timestamp: local time with microseconds, "2026-12-03 18:07:04.697900".
std::string timestamp() {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()) %
              std::chrono::seconds(1);
    std::tm tm{};
    localtime_r(&t, &tm);
    char head[32];
    std::strftime(head, sizeof head, "%Y-%m-%d %H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%06lld", head, static_cast<long long>(us.count()));
    return out;
}

/// A positive subnet id from `args[key]`, with Kea's texts.
SubnetId idArg(const json& args, const char* key, const std::string& missing) {
    auto it = args.find(key);
    if (it == args.end() || !it->is_number_integer()) {
        throw CommandError(missing);
    }
    if (it->get<int64_t>() <= 0) {
        throw CommandError(std::string("'") + key + "' parameter must be > 0");
    }
    if (it->get<int64_t>() > UINT32_MAX) {
        throw CommandError(std::string("'") + key + "' parameter is out of range");
    }
    return static_cast<SubnetId>(it->get<int64_t>());
}

struct StatCmds {
    ServerAccess* server = nullptr;

    json leaseGet(const json& args) const {
        if (!args.is_null() && !args.is_object()) {
            throw CommandError("'arguments' parameter is not a map");
        }
        std::optional<SubnetId> only, first, last;
        const bool hasId = args.is_object() && args.contains("subnet-id");
        const bool hasRange = args.is_object() && args.contains("subnet-range");
        if (hasId && hasRange) {
            throw CommandError("cannot specify both subnet-id and subnet-range");
        }
        std::string label = "all subnets";
        if (hasId) {
            if (!args["subnet-id"].is_number_integer()) {
                throw CommandError("'subnet-id' parameter is not integer");
            }
            only = idArg(args, "subnet-id", "'subnet-id' parameter is not integer");
            label = "subnet-id=" + std::to_string(*only);
        } else if (hasRange) {
            const json& range = args["subnet-range"];
            if (!range.is_object()) {
                throw CommandError("subnet-range parameter is not a map");
            }
            first = idArg(range, "first-subnet-id",
                          "'first-subnet-id' parameter missing or not an integer");
            last = idArg(range, "last-subnet-id",
                         "'last-subnet-id' parameter missing or not an integer");
            if (*last < *first) {
                throw CommandError("'last-subnet-id' must be greater than 'first-subnet-id'");
            }
            if (*last == *first) {
                // Kea's lease statistics query refuses a one-id range, in its own words.
                throw CommandError("LeaseStatsQuery: last_subnet_id_must be > first_subnet_id_");
            }
            label = "subnets " + std::to_string(*first) + " through " + std::to_string(*last);
        }
        auto cfg = server->config();
        if (!cfg) {
            throw CommandError("the server has no configuration yet");
        }
        // The subnets asked for, by id (rows come in ascending id order, as Kea's).
        std::map<SubnetId, const Subnet*> subnets;
        for (const auto& s : cfg->subnets) {
            if ((!only || s.id == *only) && (!first || (s.id >= *first && s.id <= *last))) {
                subnets.emplace(s.id, &s);
            }
        }
        const std::string prefix = "stat-lease4-get[" + label + "]: ";
        if (subnets.empty()) {
            const std::string why = only ? "subnet-id: " + std::to_string(*only) + " does not exist"
                                    : first ? "selected ID range: " + std::to_string(*first) +
                                                  " through " + std::to_string(*last) +
                                                  " includes no known subnets"
                                            : "no subnets are configured";
            return makeAnswer(CommandResult::Empty, prefix + "no matching data, " + why,
                              json::object());
        }
        json rows = json::array();
        for (const auto& [id, s] : subnets) {
            uint64_t total = 0;
            for (const auto& p : s->pools) {
                total += p.size();
            }
            int64_t assigned = 0, declined = 0;
            for (const auto& l : server->leases().getBySubnet(id)) {
                assigned += l.state == LeaseState::Default ? 1 : 0;
                declined += l.state == LeaseState::Declined ? 1 : 0;
            }
            const int64_t cumulative = Statistics::instance().get(
                "subnet[" + std::to_string(id) + "].cumulative-assigned-addresses");
            rows.push_back({id, total, cumulative, assigned, declined});
        }
        json set = {{"columns",
                     {"subnet-id", "total-addresses", "cumulative-assigned-addresses",
                      "assigned-addresses", "declined-addresses"}},
                    {"rows", rows},
                    {"timestamp", timestamp()}};
        return successAnswer(prefix + std::to_string(rows.size()) + " rows found",
                             {{"result-set", set}});
    }
};

void load(LoadContext& ctx) {
    ParamReader params(ctx);
    params.finish(); // Kea's library takes no parameters
    auto self = std::make_shared<StatCmds>();
    self->server = ctx.server();
    if (self->server == nullptr) {
        return; // a configuration check (-t): nothing to serve
    }
    ctx.registerCommand("stat-lease4-get",
                        [self](const json& args) { return self->leaseGet(args); });
}

void unload() {}

} // namespace

KAHU_HOOK_LIBRARY(load, unload)
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
