// SPDX-License-Identifier: MPL-2.0
// libdhcp_pgsql.so: registers the "postgresql" lease-store and host-store types. The core loads
// this library by itself when "lease-database" or a hosts-database entry says "type":
// "postgresql" and hooks-libraries does not list it.
#include "db_recovery.h"
#include "pgsql_host_store.h"
#include "pgsql_lease_store.h"
#include "pgsql_params.h"

#include <kahu/hooks/library.h>
#include <kahu/log.h>
#include <libpq-fe.h>

using namespace kahu;
using namespace kahu::hooks;

namespace {

void load(LoadContext& ctx) {
    // The store runs one connection per worker thread at a time, which needs a thread-safe
    // libpq (Debian's is).
    if (!PQisthreadsafe()) {
        throw HookError("libpq was built without thread safety");
    }
    auto logger = ctx.logger();
    ctx.registerLeaseStoreFactory(
        "postgresql", [logger, server = ctx.server()](const LeaseStoreParams& p) {
            ParamReader reader(p);
            auto params = pgsql::PgSqlParams::read(reader);
            // A configuration check still connects: a wrong password or a missing schema must fail
            // config-test as it would fail the real configuration. Nothing is written.
            return std::make_unique<pgsql::PgSqlLeaseStore>(std::move(params), logger, !p.checkOnly,
                                                            p.checkOnly ? nullptr : server);
        });
    ctx.registerHostStoreFactory(
        "postgresql", [logger, server = ctx.server()](const HostStoreParams& p) {
            ParamReader reader(p);
            auto params = pgsql::PgSqlParams::read(reader, true);
            sql::warnHostRecoveryKeys(p.config, reader.path(), logger,
                                      "PGSQL_HOST_DB_RECOVERY_NOT_APPLIED");
            return std::make_unique<pgsql::PgSqlHostStore>(
                std::move(params), logger, p.checkOnly ? nullptr : server, !p.checkOnly);
        });
}

void unload() {}

} // namespace

KAHU_HOOK_LIBRARY(load, unload)
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
