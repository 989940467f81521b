// SPDX-License-Identifier: MPL-2.0
// libdhcp_mysql.so: registers the "mysql" lease-store and host-store types. The core loads this
// library by itself when "lease-database" or a hosts-database entry says "type": "mysql" and
// hooks-libraries does not list it.
#include "db_recovery.h"
#include "mysql_host_store.h"
#include "mysql_lease_store.h"
#include "mysql_params.h"

#include <kahu/hooks/library.h>
#include <kahu/log.h>
#include <mysql.h>

using namespace kahu;
using namespace kahu::hooks;

namespace {

void load(LoadContext& ctx) {
    // Thread-safe use of libmariadb needs one mysql_library_init before any thread connects.
    if (mysql_library_init(0, nullptr, nullptr)) {
        throw HookError("mysql_library_init failed");
    }
    auto logger = ctx.logger();
    ctx.registerLeaseStoreFactory(
        "mysql", [logger, server = ctx.server()](const LeaseStoreParams& p) {
            ParamReader reader(p);
            auto params = mysql::MySqlParams::read(reader);
            // A configuration check still connects: a wrong password or a missing schema must fail
            // config-test as it would fail the real configuration. Nothing is written.
            return std::make_unique<mysql::MySqlLeaseStore>(std::move(params), logger, !p.checkOnly,
                                                            p.checkOnly ? nullptr : server);
        });
    ctx.registerHostStoreFactory(
        "mysql", [logger, server = ctx.server()](const HostStoreParams& p) {
            ParamReader reader(p);
            auto params = mysql::MySqlParams::read(reader, true);
            sql::warnHostRecoveryKeys(p.config, reader.path(), logger,
                                      "MYSQL_HOST_DB_RECOVERY_NOT_APPLIED");
            return std::make_unique<mysql::MySqlHostStore>(
                std::move(params), logger, p.checkOnly ? nullptr : server, !p.checkOnly);
        });
}

void unload() {}

} // namespace

KAHU_HOOK_LIBRARY(load, unload)
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
