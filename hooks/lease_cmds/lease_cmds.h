// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <functional>
#include <kahu/server_access.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <spdlog/logger.h>
#include <string>
#include <utility>
#include <vector>

namespace kahu::lease_cmds {

/// The lease4-* command handlers. Each takes the command's "arguments" (null when absent) and
/// returns a whole answer in Kea 2.6's shape, or throws CommandError(result, text) for Kea's
/// error answers (bad arguments 1, nothing found 3, a conflict 4). They run on the control thread,
/// concurrently with the packet path: reads are copies, every write is one Leases::modify() (or
/// wipe), so a command and a client's packet for the same address never interleave.
///
/// The server comes from LoadContext::server(); its lease store and configuration are asked
/// for per call, since they may change on reload. Without a running server (a configuration
/// check) every command answers result 1.
class LeaseCmds {
public:
    /// `server` is what LoadContext::server() gave (null for a configuration check).
    LeaseCmds(ServerAccess* server, std::shared_ptr<spdlog::logger> logger)
        : server_(server), logger_(std::move(logger)) {}

    // Reads (lease_get_cmds.cc).
    nlohmann::json get(const nlohmann::json& args) const;
    nlohmann::json getAll(const nlohmann::json& args) const;
    nlohmann::json getPage(const nlohmann::json& args) const;
    nlohmann::json getByHwAddress(const nlohmann::json& args) const;
    nlohmann::json getByClientId(const nlohmann::json& args) const;
    nlohmann::json getByHostname(const nlohmann::json& args) const;

    // Changes (lease_change_cmds.cc).
    nlohmann::json add(const nlohmann::json& args) const;
    nlohmann::json update(const nlohmann::json& args) const;
    nlohmann::json del(const nlohmann::json& args) const;
    nlohmann::json wipe(const nlohmann::json& args) const;
    nlohmann::json write(const nlohmann::json& args) const;
    nlohmann::json resendDdns(const nlohmann::json& args) const;

    /// Every command with its handler, for registration.
    using Handler = nlohmann::json (LeaseCmds::*)(const nlohmann::json&) const;
    static std::vector<std::pair<std::string, Handler>> commands();

    /// Runs `body`, logging what it throws (LEASE_CMDS_FAILED, LEASE_CMDS_CONFLICT) on its way
    /// to the command registry, which answers a CommandError with its result and text and
    /// anything else (a store failure) with result 1.
    nlohmann::json guarded(const char* command, const nlohmann::json& args,
                           const std::function<nlohmann::json()>& body) const;

private:
    /// The running server, or CommandError(1) when there is none.
    ServerAccess& server() const;

    ServerAccess* server_;
    std::shared_ptr<spdlog::logger> logger_;
};

struct LeaseSelector;
/// The lease a selector names: by address, or the lease of that hardware address or client-id
/// in the selector's subnet.
std::optional<Lease4> findLease(const Leases& leases, const LeaseSelector& selector);

} // namespace kahu::lease_cmds
