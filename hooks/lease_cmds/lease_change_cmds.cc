// SPDX-License-Identifier: MPL-2.0
// lease4-add, lease4-update, lease4-del, lease4-wipe, lease4-write, lease4-resend-ddns.
// Every change is one Leases::modify() (or wipe): the lease store write and the statistics
// happen under the address's lock, as for the DHCP path.
#include "lease_args.h"
#include "lease_cmds.h"
#include "lease_json.h"

#include <ctime>
#include <filesystem>
#include <kahu/command/answer.h>
#include <kahu/log.h>
#include <kahu/paths.h>
#include <kahu/stats.h>

namespace kahu::lease_cmds {

namespace {

// Kea's DBGLVL_COMMAND_DATA.
constexpr int kDbgCommandData = 55;

[[noreturn]] void conflict(const std::string& text) {
    throw CommandError(CommandResult::Conflict, text);
}

std::shared_ptr<const ServerConfig> activeConfig(ServerAccess& srv) {
    auto config = srv.config();
    if (!config) {
        throw CommandError(CommandResult::Error, "no configuration is active yet");
    }
    return config;
}

int64_t now() {
    return static_cast<int64_t>(std::time(nullptr));
}

/// "hw-address aa:.., client-id 01:.." of a lease, for refusal texts.
std::string holderText(const Lease4& l) {
    std::string t = "hw-address " + (l.hwAddr.empty() ? std::string("none") : l.hwAddr.str());
    if (!l.clientId.empty()) {
        t += ", client-id " + toColonHex(l.clientId);
    }
    return t;
}

/// "valid until <local time>", or "with an infinite lifetime".
std::string validityText(const Lease4& l) {
    if (l.validLifetime == Lease4::kInfinite) {
        return "with an infinite lifetime";
    }
    std::time_t t = static_cast<std::time_t>(l.expire());
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return std::string("valid until ") + buf;
}

/// For the identifier forms of lease4-del: the lease found is still the client's.
bool stillSelected(const Lease4& lease, const LeaseSelector& sel) {
    switch (sel.kind) {
    case LeaseSelector::Kind::Address:
        return true;
    case LeaseSelector::Kind::HwAddress:
        return lease.subnetId == sel.subnetId && lease.hwAddr == sel.hwAddr;
    case LeaseSelector::Kind::ClientId:
        return lease.subnetId == sel.subnetId && lease.clientId == sel.clientId;
    }
    return false;
}

std::string updateFailedText(Ipv4Address address) {
    return "failed to update the lease with address " + address.str() +
           " either because the lease has been deleted or it has changed in the database, in "
           "both cases a retry might succeed";
}

} // namespace

nlohmann::json LeaseCmds::add(const nlohmann::json& args) const {
    return guarded("lease4-add", args, [&] {
        if (args.is_null()) {
            argError("no parameters specified for the command");
        }
        ServerAccess& srv = server();
        const Lease4 lease = parseLease(args, *activeConfig(srv), now()).lease;
        bool existed = false;
        bool stored = srv.leases().modify(lease.address, [&](std::optional<Lease4>& current) {
            if (current) {
                existed = true;
                return Leases::Action::Keep;
            }
            current = lease;
            return Leases::Action::Store;
        });
        if (existed || !stored) {
            conflict("IPv4 lease already exists.");
        }
        KAHU_DEBUG(logger_, kDbgCommandData, "LEASE_CMDS_ADD4", "lease4-add added {}",
                   lease.address.str());
        return successAnswer("Lease for address " + lease.address.str() + ", subnet-id " +
                             std::to_string(lease.subnetId) + " added.");
    });
}

nlohmann::json LeaseCmds::update(const nlohmann::json& args) const {
    return guarded("lease4-update", args, [&] {
        if (args.is_null()) {
            argError("no parameters specified for lease4-update command");
        }
        ServerAccess& srv = server();
        const ParsedLease parsed = parseLease(args, *activeConfig(srv), now());
        const Lease4& lease = parsed.lease;
        const int64_t at = now();
        enum class Outcome { Updated, Added, Missing, Held } outcome = Outcome::Missing;
        std::optional<Lease4> holder;
        bool stored = srv.leases().modify(lease.address, [&](std::optional<Lease4>& current) {
            if (!current && !parsed.forceCreate) {
                outcome = Outcome::Missing;
                return Leases::Action::Keep;
            }
            // An HA partner's update must not take an address this server has given to
            // another client: both clients would hold it. Refused, so that the partner
            // withholds its ACK and rolls its row back.
            if (current && parsed.fromHaPartner && current->conflictsWith(lease, at)) {
                outcome = Outcome::Held;
                holder = current;
                return Leases::Action::Keep;
            }
            outcome = current ? Outcome::Updated : Outcome::Added;
            current = lease; // the whole record is replaced
            return Leases::Action::Store;
        });
        if (outcome == Outcome::Held) {
            Statistics::instance().add("v4-lease-update-conflicts", 1);
            Statistics::instance().add(
                "subnet[" + std::to_string(holder->subnetId) + "].v4-lease-update-conflicts", 1);
            std::string text = "IPv4 lease " + lease.address.str() +
                               " is held by another client (" + holderText(*holder) + ", " +
                               validityText(*holder) + ")" + "; the partner's update for " +
                               holderText(lease) + " is refused";
            KAHU_WARN(logger_, "LEASE_CMDS_UPDATE4_CONFLICT", "lease4-update refused: {}", text);
            conflict(text);
        }
        if (outcome == Outcome::Added && !stored) {
            conflict("lost race between calls to get and add");
        }
        if (outcome == Outcome::Missing || !stored) {
            conflict(updateFailedText(lease.address));
        }
        KAHU_DEBUG(logger_, kDbgCommandData, "LEASE_CMDS_UPDATE4", "lease4-update {} {}",
                   outcome == Outcome::Added ? "added" : "updated", lease.address.str());
        return successAnswer(outcome == Outcome::Added ? "IPv4 lease added."
                                                       : "IPv4 lease updated.");
    });
}

nlohmann::json LeaseCmds::del(const nlohmann::json& args) const {
    return guarded("lease4-del", args, [&] {
        const LeaseSelector sel = parseSelector(args, "Delete");
        Leases& leases = server().leases();
        auto target = findLease(leases, sel);
        if (!target) {
            return makeAnswer(CommandResult::Empty, "IPv4 lease not found.");
        }
        std::optional<Lease4> removed;
        bool ok = leases.modify(target->address, [&](std::optional<Lease4>& current) {
            if (!current || !stillSelected(*current, sel)) {
                return Leases::Action::Keep;
            }
            removed = *current;
            return Leases::Action::Remove;
        });
        if (!ok || !removed) {
            return makeAnswer(CommandResult::Empty, "IPv4 lease not found.");
        }
        if (sel.updateDdns) {
            server().queueNameChange(false, *removed); // its DNS records go too
        }
        KAHU_DEBUG(logger_, kDbgCommandData, "LEASE_CMDS_DEL4", "lease4-del deleted {}",
                   target->address.str());
        return successAnswer("IPv4 lease deleted.");
    });
}

nlohmann::json LeaseCmds::wipe(const nlohmann::json& args) const {
    return guarded("lease4-wipe", args, [&] {
        KAHU_WARN(logger_, "LEASE_CMDS_WIPE4_DEPRECATED",
                  "lease4-wipe command is deprecated and it will be removed in the future.");
        if (!args.is_null() && !args.is_object()) {
            argError("Parameters missing or are not a map.");
        }
        SubnetId id = 0;
        if (args.is_object() && args.contains("subnet-id")) {
            id = getUint32(args, "subnet-id");
        }
        ServerAccess& srv = server();
        size_t count = 0;
        std::string ids;
        if (id != 0) {
            count = srv.leases().wipe(id);
            ids = " " + std::to_string(id);
        } else {
            // Like Kea: every configured subnet (leases of unknown subnets stay).
            for (const auto& subnet : activeConfig(srv)->subnets) {
                count += srv.leases().wipe(subnet.id);
                ids += " " + std::to_string(subnet.id);
            }
        }
        KAHU_INFO(logger_, "LEASE_CMDS_WIPE4", "lease4-wipe deleted {} lease(s) from subnet(s){}",
                  count, ids);
        return makeAnswer(count ? CommandResult::Success : CommandResult::Empty,
                          "Deleted " + std::to_string(count) + " IPv4 lease(s) from subnet(s)" +
                              ids + " WARNING: lease4-wipe is deprecated!");
    });
}

nlohmann::json LeaseCmds::write(const nlohmann::json& args) const {
    return guarded("lease4-write", args, [&] {
        if (args.is_null()) {
            argError("no parameters specified for the command");
        }
        auto file = args.is_object() ? args.find("filename") : args.end();
        if (!args.is_object() || file == args.end()) {
            argError("'filename' parameter not specified");
        }
        if (!file->is_string()) {
            argError("'filename' parameter must be a string");
        }
        const std::string requested = file->get<std::string>();
        if (requested.empty()) {
            argError("'filename' parameter is empty");
        }
        // Only into the data directories (Kea 2.6.3, CVE-2025-32802): a bare name goes into
        // Kahu's; anything else is refused before a byte is written.
        std::string filename;
        try {
            filename = confinePath(PathKind::Data, requested);
        } catch (const PathError& e) {
            argError(e.what());
        }
        ServerAccess& srv = server();
        const auto& db = activeConfig(srv)->leaseDatabase;
        if (db.type == "memfile" && db.persist) {
            std::error_code ec;
            const std::string inUse =
                confinePath(PathKind::Data, db.name.empty() ? kDefaultLeaseFileName : db.name);
            if (std::filesystem::weakly_canonical(filename, ec) ==
                std::filesystem::weakly_canonical(inUse, ec)) {
                argError("'" + filename +
                         "' is the lease file in use; lease4-write needs another file name");
            }
        }
        srv.leases().writeCsv(filename);
        return successAnswer("IPv4 lease database into '" + requested + "'.");
    });
}

nlohmann::json LeaseCmds::resendDdns(const nlohmann::json& args) const {
    return guarded("lease4-resend-ddns", args, [&]() -> nlohmann::json {
        auto param = args.is_object() ? args.find("ip-address") : args.end();
        if (!args.is_object() || param == args.end()) {
            argError("'ip-address' parameter is missing.");
        }
        if (!param->is_string()) {
            argError("'ip-address' is not a string.");
        }
        const auto text = param->get<std::string>();
        Ipv4Address address;
        switch (classifyAddress(text, address)) {
        case AddressText::Valid:
            break;
        case AddressText::Ipv6:
            argError("Invalid IPv4 address specified: " + text);
        case AddressText::Invalid:
            argError("'" + text + "' is not a valid IP address.");
        }
        ServerAccess& srv = server();
        auto config = activeConfig(srv);
        if (!config->dhcpDdns.enableUpdates) {
            conflict("DDNS updating is not enabled");
        }
        auto lease = srv.leases().get(address);
        if (!lease) {
            return makeAnswer(CommandResult::Empty, "No lease found for: " + text);
        }
        if (lease->hostname.empty()) {
            conflict("Lease for: " + text + ", has no hostname, nothing to update");
        }
        if (!lease->fqdnFwd && !lease->fqdnRev) {
            conflict("Neither forward nor reverse updates enabled for lease for: " + text);
        }
        if (srv.queueNameChange(true, *lease) != ServerAccess::NameChange::Queued) {
            throw CommandError(CommandResult::Error,
                               "the NameChangeRequest for " + text + " could not be queued");
        }
        KAHU_INFO(logger_, "LEASE_CMDS_RESEND_DDNS4",
                  "lease4-resend-ddns command successful: NCR generated for: {}, hostname: {}",
                  text, lease->hostname);
        return successAnswer("NCR generated for: " + text + ", hostname: " + lease->hostname);
    });
}

} // namespace kahu::lease_cmds
