// SPDX-License-Identifier: MPL-2.0
#include "lease_cmds.h"

#include "lease_args.h"

#include <kahu/command/answer.h>
#include <kahu/log.h>

namespace kahu::lease_cmds {

ServerAccess& LeaseCmds::server() const {
    if (server_ == nullptr) {
        // Kea's LeaseMgrFactory text, plus why.
        throw CommandError(CommandResult::Error,
                           "no current lease manager is available (the DHCP server is not "
                           "running)");
    }
    return *server_;
}

std::vector<std::pair<std::string, LeaseCmds::Handler>> LeaseCmds::commands() {
    return {
        {"lease4-add", &LeaseCmds::add},
        {"lease4-del", &LeaseCmds::del},
        {"lease4-get", &LeaseCmds::get},
        {"lease4-get-all", &LeaseCmds::getAll},
        {"lease4-get-by-client-id", &LeaseCmds::getByClientId},
        {"lease4-get-by-hostname", &LeaseCmds::getByHostname},
        {"lease4-get-by-hw-address", &LeaseCmds::getByHwAddress},
        {"lease4-get-page", &LeaseCmds::getPage},
        {"lease4-resend-ddns", &LeaseCmds::resendDdns},
        {"lease4-update", &LeaseCmds::update},
        {"lease4-wipe", &LeaseCmds::wipe},
        {"lease4-write", &LeaseCmds::write},
    };
}

nlohmann::json LeaseCmds::guarded(const char* command, const nlohmann::json& args,
                                  const std::function<nlohmann::json()>& body) const {
    try {
        return body();
    } catch (const CommandError& e) {
        if (e.result() == CommandResult::Conflict) {
            KAHU_WARN(logger_, "LEASE_CMDS_CONFLICT", "{} {}: {}", command,
                      args.is_null() ? "<no args>" : args.dump(), e.what());
        } else if (e.result() == CommandResult::Error) {
            KAHU_ERROR(logger_, "LEASE_CMDS_FAILED", "{} {}: {}", command,
                       args.is_null() ? "<no args>" : args.dump(), e.what());
        }
        throw;
    } catch (const std::exception& e) {
        KAHU_ERROR(logger_, "LEASE_CMDS_FAILED", "{} {}: {}", command,
                   args.is_null() ? "<no args>" : args.dump(), e.what());
        throw;
    }
}

} // namespace kahu::lease_cmds
