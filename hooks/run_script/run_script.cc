// SPDX-License-Identifier: MPL-2.0
//
// libdhcp_run_script.so — Kea's Run Script hook library: an external program is started on
// lease events, with the event's details in its environment.
//
//   "hooks-libraries": [{
//       "library": "libdhcp_run_script.so",
//       "parameters": { "name": "/usr/share/kea/scripts/leases.sh", "sync": false }
//   }]
//
// "name" (required) is the program. It must sit in a hook script directory (KAHU_HOOK_SCRIPTS_PATH,
// default /usr/share/kahu/scripts, or KEA_HOOK_SCRIPTS_PATH, default /usr/share/kea/scripts:
// Kea 2.6.3's rule) and be an executable file when the library loads. "sync" (default false)
// is accepted as Kea 2.2 accepts it; as in Kea, a program is never waited for (Kea's manual:
// synchronous calls are not supported), so true only earns a warning.
//
// On lease4_renew, lease4_expire, lease4_recover, leases4_committed, lease4_release and
// lease4_decline the program runs as `<name> <hook point>` with Kea's variables
// (run_script_env.h) as its whole environment. Like Kea's callouts, these do nothing when an
// earlier callout of the hook point answered Skip or Drop, and never change the server's course.

#include "run_script_env.h"
#include "script_runner.h"

#include <kahu/hooks/library.h>
#include <kahu/log.h>
#include <kahu/paths.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using namespace kahu;
using namespace kahu::hooks;
using namespace kahu::run_script;

// Kea's callouts return at once when an earlier callout set SKIP or DROP (PARK still runs).
bool skipped(const CalloutContext& c) {
    return c.verdict() == Verdict::Skip || c.verdict() == Verdict::Drop;
}

template <HookPoint P, Env (*Build)(const ArgsFor<P>&)>
void on(LoadContext& ctx, const std::shared_ptr<ScriptRunner>& runner, const char* name) {
    ctx.registerCallout<P>([runner, name](ArgsFor<P>& args, CalloutContext& c) {
        if (!skipped(c)) {
            runner->submit(name, Build(args));
        }
        return Verdict::Continue;
    });
}

void load(LoadContext& ctx) {
    ParamReader params(ctx);
    const std::string name = params.nonEmptyString("name");
    const bool sync = params.boolean("sync", false);
    params.finish();

    std::string program;
    try {
        program = confinePath(PathKind::HookScript, name);
    } catch (const PathError& e) {
        params.fail("name", e.what());
    }
    struct stat st {};
    if (::stat(program.c_str(), &st) != 0) {
        params.fail("name", "'" + program + "' does not exist");
    }
    if (!S_ISREG(st.st_mode)) {
        params.fail("name", "'" + program + "' is not a regular file");
    }
    if (::access(program.c_str(), X_OK) != 0) {
        params.fail("name", "'" + program + "' is not executable");
    }
    if (sync) {
        KAHU_WARN(ctx.logger(), "RUN_SCRIPT_SYNC_NOT_SUPPORTED",
                  "'sync': true is not supported (as in Kea): {} runs without being waited for",
                  program);
    }

    auto runner = std::make_shared<ScriptRunner>(program, ctx.logger());
    on<HookPoint::Lease4Renew, renewEnv>(ctx, runner, "lease4_renew");
    on<HookPoint::Lease4Expire, expireEnv>(ctx, runner, "lease4_expire");
    on<HookPoint::Lease4Recover, recoverEnv>(ctx, runner, "lease4_recover");
    on<HookPoint::Leases4Committed, committedEnv>(ctx, runner, "leases4_committed");
    on<HookPoint::Lease4Release, releaseEnv>(ctx, runner, "lease4_release");
    on<HookPoint::Lease4Decline, declineEnv>(ctx, runner, "lease4_decline");
    KAHU_INFO(ctx.logger(), "RUN_SCRIPT_LOAD", "Run Script hooks library has been loaded: {}",
              program);
}

void unload() {
    KAHU_INFO(log::get("kahu-dhcp4.run-script-hooks"), "RUN_SCRIPT_UNLOAD",
              "Run Script hooks library has been unloaded");
}

} // namespace

KAHU_HOOK_LIBRARY(load, unload)
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
