// SPDX-License-Identifier: MPL-2.0
//
// libdhcp_lease_cmds.so: Kea's lease4-* commands (lease4-add, -get, -get-all, -get-page,
// -get-by-hw-address, -get-by-client-id, -get-by-hostname, -del, -update, -wipe, -write,
// -resend-ddns) with Kea 2.6's arguments, answers and result codes. No parameters:
//
//   "hooks-libraries": [{ "library": "libdhcp_lease_cmds.so" }]
//
// The commands work on the running server's leases through kahu/server_access.h, so they
// behave the same over every lease store and keep statistics and the allocator consistent.
#include "lease_cmds.h"

#include <kahu/hooks/library.h>
#include <kahu/log.h>

namespace {

using namespace kahu;
using namespace kahu::hooks;

void load(LoadContext& ctx) {
    auto cmds = std::make_shared<lease_cmds::LeaseCmds>(ctx.server(), ctx.logger());
    for (const auto& [name, handler] : lease_cmds::LeaseCmds::commands()) {
        ctx.registerCommand(name, [cmds, handler = handler](const nlohmann::json& args) {
            return ((*cmds).*handler)(args);
        });
    }
    KAHU_INFO(ctx.logger(), "LEASE_CMDS_INIT_OK",
              "loading Lease Commands hooks library successful");
}

void unload() {}

} // namespace

KAHU_HOOK_LIBRARY(load, unload)
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
