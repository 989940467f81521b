// SPDX-License-Identifier: MPL-2.0
// lease4-get, lease4-get-all, lease4-get-page, lease4-get-by-{hw-address,client-id,hostname}.
#include "lease_args.h"
#include "lease_cmds.h"
#include "lease_json.h"

#include <algorithm>
#include <cctype>
#include <kahu/command/answer.h>
#include <limits>

namespace kahu::lease_cmds {

namespace {

void sortByAddress(std::vector<Lease4>& leases) {
    std::sort(leases.begin(), leases.end(),
              [](const Lease4& a, const Lease4& b) { return a.address < b.address; });
}

/// The answer of every list-shaped get: "N IPv4 lease(s) found.", result 3 when N = 0.
nlohmann::json listAnswer(const std::vector<Lease4>& leases, bool withCount = false) {
    nlohmann::json args = leaseList(leases);
    if (withCount) {
        args["count"] = static_cast<int64_t>(leases.size());
    }
    return makeAnswer(leases.empty() ? CommandResult::Empty : CommandResult::Success,
                      std::to_string(leases.size()) + " IPv4 lease(s) found.", std::move(args));
}

/// The one string argument of the get-by-* commands, with Kea's texts.
std::string stringArgument(const nlohmann::json& args, const std::string& name) {
    if (!args.is_object()) {
        argError("Command arguments missing or a not a map.");
    }
    auto it = args.find(name);
    if (it == args.end()) {
        argError("'" + name + "' parameter not specified");
    }
    if (!it->is_string()) {
        argError("'" + name + "' parameter must be a string");
    }
    return it->get<std::string>();
}

} // namespace

std::optional<Lease4> findLease(const Leases& leases, const LeaseSelector& sel) {
    switch (sel.kind) {
    case LeaseSelector::Kind::Address:
        return leases.get(sel.address);
    case LeaseSelector::Kind::HwAddress:
        for (auto& l : leases.getByHwAddr(sel.hwAddr)) {
            if (l.subnetId == sel.subnetId) {
                return l;
            }
        }
        return std::nullopt;
    case LeaseSelector::Kind::ClientId:
        for (auto& l : leases.getByClientId(sel.clientId)) {
            if (l.subnetId == sel.subnetId) {
                return l;
            }
        }
        return std::nullopt;
    }
    return std::nullopt;
}

nlohmann::json LeaseCmds::get(const nlohmann::json& args) const {
    return guarded("lease4-get", args, [&] {
        LeaseSelector sel = parseSelector(args, "Query");
        if (auto lease = findLease(server().leases(), sel)) {
            return makeAnswer(CommandResult::Success, "IPv4 lease found.", leaseToJson(*lease));
        }
        return makeAnswer(CommandResult::Empty, "Lease not found.");
    });
}

nlohmann::json LeaseCmds::getAll(const nlohmann::json& args) const {
    return guarded("lease4-get-all", args, [&] {
        std::vector<Lease4> found;
        if (args.is_null()) {
            found = server().leases().getAll();
            sortByAddress(found);
            return listAnswer(found);
        }
        auto subnets = args.is_object() ? args.find("subnets") : args.end();
        if (!args.is_object() || subnets == args.end()) {
            argError("'subnets' parameter not specified");
        }
        if (!subnets->is_array()) {
            argError("'subnets' parameter must be a list");
        }
        for (const auto& id : *subnets) {
            if (!id.is_number_integer()) {
                argError("listed subnet identifiers must be numbers");
            }
        }
        Leases& leases = server().leases();
        for (const auto& id : *subnets) {
            auto some = leases.getBySubnet(static_cast<SubnetId>(id.get<int64_t>()));
            sortByAddress(some);
            found.insert(found.end(), std::make_move_iterator(some.begin()),
                         std::make_move_iterator(some.end()));
        }
        return listAnswer(found);
    });
}

nlohmann::json LeaseCmds::getPage(const nlohmann::json& args) const {
    return guarded("lease4-get-page", args, [&] {
        if (args.is_null()) {
            argError("no parameters specified for the lease4-get-page command");
        }
        auto from = args.is_object() ? args.find("from") : args.end();
        if (!args.is_object() || from == args.end()) {
            argError("'from' parameter not specified");
        }
        if (!from->is_string()) {
            argError("'from' parameter must be a string");
        }
        Ipv4Address after;
        const auto text = from->get<std::string>();
        if (text != "start") {
            switch (classifyAddress(text, after)) {
            case AddressText::Valid:
                break;
            case AddressText::Ipv6:
                argError("'from' parameter value " + text + " is not an IPv4 address");
            case AddressText::Invalid:
                argError("'from' parameter value is neither 'start' keyword nor a valid IPv4 "
                         "address");
            }
        }
        auto limit = args.find("limit");
        if (limit == args.end()) {
            argError("'limit' parameter not specified");
        }
        if (!limit->is_number_integer()) {
            argError("'limit' parameter must be a number");
        }
        // Kea converts to an unsigned size, so a negative limit reads as a huge one.
        const bool negative = limit->is_number_unsigned() ? false : limit->get<int64_t>() < 0;
        const uint64_t size =
            negative ? std::numeric_limits<uint64_t>::max() : limit->get<uint64_t>();
        if (size == 0) {
            argError("page size of retrieved leases must not be 0");
        }
        if (size > std::numeric_limits<uint32_t>::max()) {
            argError("page size of retrieved leases must not be greater than " +
                     std::to_string(std::numeric_limits<uint32_t>::max()));
        }
        return listAnswer(server().leases().getPage(after, size_t(size)), true);
    });
}

nlohmann::json LeaseCmds::getByHwAddress(const nlohmann::json& args) const {
    return guarded("lease4-get-by-hw-address", args, [&] {
        HwAddr hw = parseHwAddr(stringArgument(args, "hw-address"), "hw-address");
        auto found = server().leases().getByHwAddr(hw);
        sortByAddress(found);
        return listAnswer(found);
    });
}

nlohmann::json LeaseCmds::getByClientId(const nlohmann::json& args) const {
    return guarded("lease4-get-by-client-id", args, [&] {
        ClientId id = parseClientId(stringArgument(args, "client-id"));
        auto found = server().leases().getByClientId(id);
        sortByAddress(found);
        return listAnswer(found);
    });
}

nlohmann::json LeaseCmds::getByHostname(const nlohmann::json& args) const {
    return guarded("lease4-get-by-hostname", args, [&] {
        std::string hostname = stringArgument(args, "hostname");
        if (hostname.empty()) {
            argError("'hostname' parameter is empty");
        }
        std::transform(hostname.begin(), hostname.end(), hostname.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        auto found = server().leases().getByHostname(hostname);
        sortByAddress(found);
        return listAnswer(found);
    });
}

} // namespace kahu::lease_cmds
