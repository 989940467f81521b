// SPDX-License-Identifier: MPL-2.0
//
// libdhcp_host_cmds.so — Kea's Host Commands hook library: host reservations read, added,
// changed and removed over the control channel, in the configuration ("memory") and in the
// hosts databases (hosts-database(s)). It takes no parameters:
//
//   "hooks-libraries": [{ "library": "libdhcp_host_cmds.so" }]
//
// Commands (Kea 2.6's names, arguments, texts and result codes): reservation-add, -get,
// -get-all, -get-page, -get-by-hostname, -get-by-id, -get-by-address, -del, -update.
// "operation-target" picks the sources: "memory", "database", "all" or "default" (add, del
// and update: database; the gets: all). Sources are asked in the server's order: the
// configuration first, then each database as listed; reservation-get-page walks them by
// "source-index" (0 = the configuration, 1.. = the databases).
//
// A database change is made at once and is durable. A configuration change is applied as
// config-set applies a configuration (ServerAccess::applyConfig: checked whole; anything
// wrong leaves the running one as it was) and, as in Kea, lives in memory: config-write saves
// it, config-reload or a restart goes back to the file. Either way the next query of the
// client sees it.

#include <algorithm>
#include <cctype>
#include <kahu/command/answer.h>
#include <kahu/error.h>
#include <kahu/hooks/library.h>
#include <kahu/host/host_json.h>
#include <kahu/log.h>
#include <kahu/server_access.h>
#include <string>

namespace {

using namespace kahu;
using namespace kahu::hooks;
using nlohmann::json;

constexpr auto kEmpty = CommandResult::Empty;
constexpr uint64_t kMaxSubnetId = 4294967294u;

enum class Target { Memory, Database, All };

bool hasMemory(Target t) {
    return t != Target::Database;
}
bool hasDatabase(Target t) {
    return t != Target::Memory;
}

/// Which host a get or del names: an address, or an identifier (both in one subnet).
struct HostKey {
    std::optional<Ipv4Address> address;
    IdentifierType type = IdentifierType::HwAddress;
    std::vector<uint8_t> identifier;

    bool matches(const Reservation& r) const {
        if (address) {
            return r.ipAddress == address;
        }
        const auto* mine = identifierOf(r, type);
        return mine && *mine == identifier;
    }
};

/// A reservation of the configuration, with the position reservation-get-page counts from.
struct MemoryHost {
    SubnetId subnet = 0;
    uint64_t position = 0; ///< 1-based, global reservations first, then subnets in order
    const Reservation* host = nullptr;
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

const json& argsMap(const json& args) {
    if (!args.is_object()) {
        throw CommandError("Parameters missing or are not a map.");
    }
    return args;
}

Target targetArg(const json& args, Target byDefault) {
    auto it = args.find("operation-target");
    if (it == args.end()) {
        return byDefault;
    }
    const std::string v = it->is_string() ? it->get<std::string>() : it->dump();
    if (v == "memory") {
        return Target::Memory;
    }
    if (v == "database") {
        return Target::Database;
    }
    if (v == "all") {
        return Target::All;
    }
    if (v == "default") {
        return byDefault;
    }
    throw CommandError("The 'operation-target' value (" + v +
                       ") is not within expected set: (memory, database, all, default)");
}

std::optional<SubnetId> subnetArg(const json& args) {
    auto it = args.find("subnet-id");
    if (it == args.end()) {
        return std::nullopt;
    }
    if (!it->is_number_integer()) {
        throw CommandError("'subnet-id' parameter is not integer.");
    }
    const int64_t v = it->get<int64_t>();
    if (v < 0 || static_cast<uint64_t>(v) > kMaxSubnetId) {
        throw CommandError("subnet-id: " + std::to_string(v) +
                           " is invalid, must be between 0 and 4294967294 (inclusive).");
    }
    return static_cast<SubnetId>(v);
}

SubnetId requiredSubnet(const json& args) {
    auto s = subnetArg(args);
    if (!s) {
        throw CommandError("missing parameter 'subnet-id'");
    }
    return *s;
}

Ipv4Address addressArg(const json& v) {
    if (!v.is_string()) {
        throw CommandError("'ip-address' is not a string.");
    }
    auto a = Ipv4Address::fromText(v.get<std::string>());
    if (!a) {
        throw CommandError("Failed to convert string to address '" + v.get<std::string>() +
                           "': Invalid argument");
    }
    return *a;
}

/// identifier-type and identifier, checked in Kea's order.
std::pair<IdentifierType, std::vector<uint8_t>> identifierArgs(const json& args,
                                                               const char* missingPrefix) {
    auto t = args.find("identifier-type");
    if (t == args.end() || !t->is_string()) {
        throw CommandError(std::string(missingPrefix) +
                           "'identifier-type' is either missing or not a string.");
    }
    auto i = args.find("identifier");
    if (i == args.end() || !i->is_string()) {
        throw CommandError(std::string(missingPrefix) +
                           "'identifier' is either missing or not a string.");
    }
    const std::string text = i->get<std::string>();
    if (text.empty()) {
        throw CommandError("Unable to query for empty 'identifier'.");
    }
    auto type = identifierTypeFromName(t->get<std::string>());
    auto bytes = identifierFromText(text, type.value_or(IdentifierType::FlexId));
    if (!bytes) {
        throw CommandError("Unable to parse 'identifier' value.");
    }
    if (!type) {
        throw CommandError("Value of 'identifier-type' was not recognized.");
    }
    return {*type, *bytes};
}

/// reservation-get and reservation-del: an address, or an identifier.
HostKey keyArgs(const json& args) {
    HostKey k;
    if (auto a = args.find("ip-address"); a != args.end()) {
        k.address = addressArg(*a);
        return k;
    }
    std::tie(k.type, k.identifier) = identifierArgs(args, "No 'ip-address' provided and ");
    return k;
}

json hostsAnswer(const json& hosts) {
    return makeAnswer(hosts.empty() ? kEmpty : CommandResult::Success,
                      std::to_string(hosts.size()) + " IPv4 host(s) found.", {{"hosts", hosts}});
}

struct HostCmds {
    ServerAccess* server = nullptr;
    std::shared_ptr<spdlog::logger> logger;

    std::shared_ptr<const ServerConfig> config() const {
        auto cfg = server->config();
        if (!cfg) {
            throw CommandError("the server has no configuration yet");
        }
        return cfg;
    }

    static void checkSubnet(const ServerConfig& cfg, SubnetId subnet) {
        if (subnet != 0 && !cfg.subnetById(subnet)) {
            throw CommandError("IPv4 subnet with ID of '" + std::to_string(subnet) +
                               "' is not configured");
        }
    }

    /// The optional "subnet-id" of a list command, which must be configured when given.
    std::optional<SubnetId> configuredSubnetArg(const json& args) const {
        auto subnet = subnetArg(args);
        if (subnet) {
            checkSubnet(*config(), *subnet);
        }
        return subnet;
    }

    static json render(SubnetId subnet, const Reservation& r) {
        json j = reservationToJson(r);
        j["subnet-id"] = subnet;
        return j;
    }

    /// Every reservation of the configuration, global ones first, then by subnet.
    static std::vector<MemoryHost> memoryHosts(const ServerConfig& cfg) {
        std::vector<MemoryHost> out;
        for (const auto& r : cfg.globalReservations) {
            out.push_back({0, out.size() + 1, &r});
        }
        for (const auto& s : cfg.subnets) {
            for (const auto& r : s.reservations) {
                out.push_back({s.id, out.size() + 1, &r});
            }
        }
        return out;
    }

    std::vector<std::shared_ptr<HostStore>> stores(Target t) const {
        return hasDatabase(t) ? server->hostStores() : std::vector<std::shared_ptr<HostStore>>{};
    }

    // --- the configuration's reservations, as JSON -------------------------------------

    /// The running Dhcp4 map.
    json running() const {
        auto cfg = config();
        return cfg->json.is_object() ? cfg->json : json::object();
    }

    /// The "reservations" list of subnet `subnet` (0 = the global one) in `dhcp4`.
    static json& reservationsOf(json& dhcp4, const ServerConfig& cfg, SubnetId subnet) {
        auto listOf = [](json& map) -> json& {
            json& list = map["reservations"];
            if (!list.is_array()) {
                list = json::array();
            }
            return list;
        };
        if (subnet == 0) {
            return listOf(dhcp4);
        }
        auto inList = [&](json& subnets) -> json* {
            if (!subnets.is_array()) {
                return nullptr;
            }
            for (auto& s : subnets) {
                if (s.is_object() && s.contains("id") && s["id"] == subnet) {
                    return &s;
                }
            }
            return nullptr;
        };
        json* found = dhcp4.contains("subnet4") ? inList(dhcp4["subnet4"]) : nullptr;
        if (!found && dhcp4.contains("shared-networks") && dhcp4["shared-networks"].is_array()) {
            for (auto& n : dhcp4["shared-networks"]) {
                if (n.is_object() && n.contains("subnet4") && (found = inList(n["subnet4"]))) {
                    break;
                }
            }
        }
        if (!found) {
            checkSubnet(cfg, subnet);
            throw CommandError("subnet " + std::to_string(subnet) +
                               " has no \"id\" in the configuration; give it one to change its "
                               "reservations with host commands");
        }
        return listOf(*found);
    }

    /// Whether a configured reservation map is the host `key` names.
    static bool jsonMatches(const json& entry, const HostKey& key) {
        if (!entry.is_object()) {
            return false;
        }
        if (key.address) {
            auto a = entry.find("ip-address");
            return a != entry.end() && a->is_string() &&
                   Ipv4Address::fromText(a->get<std::string>()) == key.address;
        }
        auto i = entry.find(std::string(identifierTypeName(key.type)));
        if (i == entry.end() || !i->is_string()) {
            return false;
        }
        return identifierFromText(i->get<std::string>(), key.type) == key.identifier;
    }

    void apply(json dhcp4) const {
        if (std::string error = server->applyConfig(json{{"Dhcp4", std::move(dhcp4)}});
            !error.empty()) {
            throw CommandError(error);
        }
    }

    // --- reservation-add / -update -------------------------------------------------------

    /// The "reservation" map of add and update, its subnet-id taken out, checked and read.
    struct NewHost {
        SubnetId subnet = 0;
        json map;
        Reservation host;
        bool subnetAssumed = false;
    };

    NewHost newHost(const json& args, bool subnetRequired) const {
        auto r = args.find("reservation");
        if (r == args.end()) {
            throw CommandError("reservation must be specified");
        }
        if (!r->is_object()) {
            throw CommandError("invalid command: expected 'reservation' to be a map, got " +
                               std::string(r->type_name()) + " instead");
        }
        auto cfg = config();
        NewHost h;
        h.map = *r;
        auto subnet = subnetArg(h.map);
        h.map.erase("subnet-id");
        h.host = reservationFromJson(h.map, *cfg);
        if (!subnet) {
            if (subnetRequired) {
                throw CommandError("Mandatory 'subnet-id' parameter missing. Use "
                                   "'reservation-get-by-id' or 'reservation-get-by-address' to "
                                   "get the list of reservations with given identifier or "
                                   "address.");
            }
            if (h.host.ipAddress) {
                const std::string a = h.host.ipAddress->str();
                for (const auto& s : cfg->subnets) {
                    if (s.prefix.contains(*h.host.ipAddress)) {
                        throw CommandError(
                            "Mandatory 'subnet-id' parameter missing. The address '" + a +
                            "' belongs to subnet '" + s.prefix.str() + "' id " +
                            std::to_string(s.id) + ".");
                    }
                }
                throw CommandError("Mandatory 'subnet-id' parameter missing. The address '" + a +
                                   "' belongs to no configured subnet.");
            }
            h.subnetAssumed = true;
            subnet = 0;
        }
        h.subnet = *subnet;
        checkSubnet(*cfg, h.subnet);
        if (h.subnet != 0 && h.host.ipAddress &&
            !cfg->subnetById(h.subnet)->prefix.contains(*h.host.ipAddress)) {
            throw CommandError("specified reservation '" + h.host.ipAddress->str() +
                               "' is not matching the IPv4 subnet prefix '" +
                               cfg->subnetById(h.subnet)->prefix.str() + "'");
        }
        return h;
    }

    /// Refuses a memory add that clashes with a configured reservation of the same subnet
    /// (`except` is the one an update replaces).
    void checkMemoryClash(const NewHost& h, const Reservation* except) const {
        auto cfg = config();
        const IdentifierType type = *identifierTypeOf(h.host);
        const std::string idText = std::string(identifierTypeName(type)) + " '" +
                                   identifierToText(type, *identifierOf(h.host, type)) + "'";
        for (const auto& m : memoryHosts(*cfg)) {
            if (m.subnet != h.subnet || m.host == except) {
                continue;
            }
            const auto* mine = identifierOf(*m.host, type);
            if (mine && *mine == *identifierOf(h.host, type)) {
                throw CommandError("failed to add new host using the " + idText +
                                   " to the IPv4 subnet id '" + std::to_string(h.subnet) +
                                   "' as this host has already been added");
            }
            if (h.host.ipAddress && m.host->ipAddress == h.host.ipAddress) {
                throw CommandError("failed to add new host using the " + idText +
                                   " to the IPv4 subnet id '" + std::to_string(h.subnet) +
                                   "' for the address " + h.host.ipAddress->str() +
                                   ": There's already a reservation for this address");
            }
        }
    }

    json add(const json& args) const {
        argsMap(args);
        const Target target = targetArg(args, Target::Database);
        NewHost h = newHost(args, false);
        auto dbs = stores(target);
        if (target == Target::Database && dbs.empty()) {
            throw CommandError("Host database not available, cannot add host.");
        }
        if (hasMemory(target)) {
            checkMemoryClash(h, nullptr);
        }
        for (const auto& s : dbs) {
            s->add(h.subnet, h.host);
        }
        if (hasMemory(target)) {
            auto cfg = config();
            json dhcp4 = running();
            reservationsOf(dhcp4, *cfg, h.subnet).push_back(h.map);
            apply(std::move(dhcp4));
        }
        return successAnswer(h.subnetAssumed ? "Host added. subnet-id not specified, assumed "
                                               "global (subnet-id 0)."
                                             : "Host added.");
    }

    json update(const json& args) const {
        if (args.is_null()) {
            throw CommandError("invalid command: does not contain mandatory 'arguments'");
        }
        if (!args.is_object()) {
            throw CommandError("invalid command: expected 'arguments' to be a map, got " +
                               std::string(args.type_name()) + " instead");
        }
        if (!args.contains("reservation")) {
            throw CommandError("invalid command: expected 'reservation' as the sole parameter "
                               "inside the 'arguments' map, didn't get it instead");
        }
        const Target target = targetArg(args, Target::Database);
        NewHost h = newHost(args, true);
        const IdentifierType type = *identifierTypeOf(h.host);
        HostKey key{std::nullopt, type, *identifierOf(h.host, type)};
        auto dbs = stores(target);
        if (target == Target::Database && dbs.empty()) {
            throw CommandError("host database not available, cannot update host");
        }
        bool updated = false;
        if (hasMemory(target)) {
            auto cfg = config();
            const Reservation* old = nullptr;
            for (const auto& m : memoryHosts(*cfg)) {
                if (m.subnet == h.subnet && key.matches(*m.host)) {
                    old = m.host;
                }
            }
            if (old) {
                checkMemoryClash(h, old);
                json dhcp4 = running();
                json& list = reservationsOf(dhcp4, *cfg, h.subnet);
                for (auto& entry : list) {
                    if (jsonMatches(entry, key)) {
                        entry = h.map; // keeps its place in the list
                        break;
                    }
                }
                apply(std::move(dhcp4));
                updated = true;
            }
        }
        for (const auto& s : dbs) {
            if (auto old = s->get(h.subnet, key.type, key.identifier)) {
                // A store has no update: remove and add, putting the old host back when the
                // new one is refused (its address taken by another host, say), so that a
                // refused update loses nothing.
                s->remove(h.subnet, key.type, key.identifier);
                try {
                    s->add(h.subnet, h.host);
                } catch (...) {
                    s->add(h.subnet, *old->host);
                    throw;
                }
                updated = true;
            }
        }
        if (!updated) {
            throw CommandError("Host not updated (not found).");
        }
        return successAnswer("Host updated.");
    }

    // --- reservation-get / -del -----------------------------------------------------------

    /// For get and del: the subnet, with Kea 2.6's hints when it is missing.
    static SubnetId keySubnet(const json& args, const HostKey& key) {
        if (auto s = subnetArg(args)) {
            return *s;
        }
        if (key.address) {
            throw CommandError("missing parameter 'subnet-id', use 'reservation-get-by-address' "
                               "with 'ip-address' set to \"" +
                               key.address->str() +
                               "\" to get the list of reservations with this address");
        }
        throw CommandError("missing parameter 'subnet-id', use 'reservation-get-by-id' with "
                           "'identifier-type' set to \"" +
                           std::string(identifierTypeName(key.type)) + "\" and 'identifier' to \"" +
                           identifierToText(key.type, key.identifier) +
                           "\" to get the list of reservations with this identifier");
    }

    json get(const json& args) const {
        argsMap(args);
        const Target target = targetArg(args, Target::All);
        HostKey key = keyArgs(args);
        const SubnetId subnet = keySubnet(args, key);
        if (hasMemory(target)) {
            auto cfg = config();
            for (const auto& m : memoryHosts(*cfg)) {
                if (m.subnet == subnet && key.matches(*m.host)) {
                    return successAnswer("Host found.", render(subnet, *m.host));
                }
            }
        }
        for (const auto& s : stores(target)) {
            auto found = key.address ? s->getByAddress(subnet, *key.address)
                                     : s->get(subnet, key.type, key.identifier);
            if (found) {
                return successAnswer("Host found.", render(found->subnet, *found->host));
            }
        }
        throw CommandError(kEmpty, "Host not found.");
    }

    json del(const json& args) const {
        argsMap(args);
        const Target target = targetArg(args, Target::Database);
        HostKey key = keyArgs(args);
        const SubnetId subnet = keySubnet(args, key);
        auto dbs = stores(target);
        if (target == Target::Database && dbs.empty()) {
            throw CommandError(
                "Unable to delete a host because there is no hosts-database configured.");
        }
        if (hasMemory(target)) {
            auto cfg = config();
            bool there = false;
            for (const auto& m : memoryHosts(*cfg)) {
                there = there || (m.subnet == subnet && key.matches(*m.host));
            }
            if (there) {
                json dhcp4 = running();
                json& list = reservationsOf(dhcp4, *cfg, subnet);
                for (auto it = list.begin(); it != list.end(); ++it) {
                    if (jsonMatches(*it, key)) {
                        list.erase(it);
                        break;
                    }
                }
                apply(std::move(dhcp4));
                return successAnswer("Host deleted.");
            }
        }
        for (const auto& s : dbs) {
            const bool gone = key.address ? s->remove(subnet, *key.address)
                                          : s->remove(subnet, key.type, key.identifier);
            if (gone) {
                return successAnswer("Host deleted.");
            }
        }
        throw CommandError(kEmpty, "Host not deleted (not found).");
    }

    // --- the lists ------------------------------------------------------------------------

    /// The configuration's matches then each store's, rendered.
    json collect(Target target, const std::function<bool(const MemoryHost&)>& inMemory,
                 const std::function<std::vector<StoredHost>(const HostStore&)>& inStore) const {
        json hosts = json::array();
        if (hasMemory(target)) {
            auto cfg = config();
            for (const auto& m : memoryHosts(*cfg)) {
                if (inMemory(m)) {
                    hosts.push_back(render(m.subnet, *m.host));
                }
            }
        }
        for (const auto& s : stores(target)) {
            for (const auto& h : inStore(*s)) {
                hosts.push_back(render(h.subnet, *h.host));
            }
        }
        return hosts;
    }

    json getAll(const json& args) const {
        argsMap(args);
        const Target target = targetArg(args, Target::All);
        const SubnetId subnet = requiredSubnet(args);
        checkSubnet(*config(), subnet);
        return hostsAnswer(collect(
            target, [&](const MemoryHost& m) { return m.subnet == subnet; },
            [&](const HostStore& s) { return s.getAll(subnet); }));
    }

    json getByHostname(const json& args) const {
        argsMap(args);
        const Target target = targetArg(args, Target::All);
        auto it = args.find("hostname");
        if (it == args.end()) {
            throw CommandError("missing parameter 'hostname'");
        }
        if (!it->is_string()) {
            throw CommandError("invalid type specified for parameter 'hostname'");
        }
        const std::string name = lower(it->get<std::string>());
        if (name.empty()) {
            throw CommandError("Empty hostname");
        }
        auto subnet = configuredSubnetArg(args);
        return hostsAnswer(collect(
            target,
            [&](const MemoryHost& m) {
                return (!subnet || m.subnet == *subnet) && lower(m.host->hostname) == name;
            },
            [&](const HostStore& s) { return s.getByHostname(name, subnet); }));
    }

    json getById(const json& args) const {
        argsMap(args);
        const Target target = targetArg(args, Target::All);
        if (args.contains("subnet-id")) {
            throw CommandError("'subnet-id' is forbidden in reservation-get-by-id");
        }
        auto [type, id] = identifierArgs(args, "");
        HostKey key{std::nullopt, type, id};
        return hostsAnswer(collect(
            target, [&](const MemoryHost& m) { return key.matches(*m.host); },
            [&](const HostStore& s) { return s.getById(key.type, key.identifier); }));
    }

    json getByAddress(const json& args) const {
        argsMap(args);
        const Target target = targetArg(args, Target::All);
        auto it = args.find("ip-address");
        if (it == args.end()) {
            throw CommandError("missing parameter 'ip-address'");
        }
        const Ipv4Address address = addressArg(*it);
        auto subnet = configuredSubnetArg(args);
        return hostsAnswer(collect(
            target,
            [&](const MemoryHost& m) {
                return (!subnet || m.subnet == *subnet) && m.host->ipAddress == address;
            },
            [&](const HostStore& s) { return s.getAllByAddress(address, subnet); }));
    }

    json getPage(const json& args) const {
        argsMap(args);
        auto l = args.find("limit");
        if (l == args.end()) {
            throw CommandError("missing parameter 'limit'");
        }
        if (!l->is_number_unsigned() && !(l->is_number_integer() && l->get<int64_t>() >= 0)) {
            throw CommandError("'limit' parameter must be a non-negative integer");
        }
        const auto limit = static_cast<size_t>(l->get<uint64_t>());
        auto subnet = configuredSubnetArg(args);
        auto cfg = config();
        uint64_t from = 0;
        if (auto f = args.find("from"); f != args.end()) {
            if (!f->is_number_integer() || f->get<int64_t>() < 0) {
                throw CommandError("'from' parameter must be a non-negative integer");
            }
            from = f->get<uint64_t>();
        }
        size_t source = 0;
        if (auto s = args.find("source-index"); s != args.end()) {
            if (!s->is_number_integer() || s->get<int64_t>() < 0 || s->get<int64_t>() > 10) {
                throw CommandError("'source-index' parameter must be an integer from 0 to 10");
            }
            source = s->get<size_t>();
        }
        auto dbs = server->hostStores();
        for (; source <= dbs.size(); ++source, from = 0) {
            json hosts = json::array();
            uint64_t last = from;
            if (source == 0) {
                for (const auto& m : memoryHosts(*cfg)) {
                    if (m.position > from && (!subnet || m.subnet == *subnet) &&
                        hosts.size() < limit) {
                        hosts.push_back(render(m.subnet, *m.host));
                        last = m.position;
                    }
                }
            } else {
                for (const auto& h : dbs[source - 1]->getPage(subnet, from, limit)) {
                    hosts.push_back(render(h.subnet, *h.host));
                    last = h.id;
                }
            }
            if (!hosts.empty()) {
                const size_t n = hosts.size();
                return successAnswer(std::to_string(n) + " IPv4 host(s) found.",
                                     {{"count", n},
                                      {"hosts", std::move(hosts)},
                                      {"next", {{"from", last}, {"source-index", source}}}});
            }
        }
        return makeAnswer(kEmpty, "0 IPv4 host(s) found.",
                          {{"count", 0}, {"hosts", json::array()}});
    }
};

void load(LoadContext& ctx) {
    ParamReader params(ctx);
    params.finish(); // Kea's library takes no parameters
    auto self = std::make_shared<HostCmds>();
    self->server = ctx.server();
    self->logger = ctx.logger();
    if (self->server == nullptr) {
        return; // a configuration check (-t): nothing to serve
    }
    // Kea's log messages: HOST_CMDS_RESERV_<X> when called, then _SUCCESS (also for an empty
    // result) or _FAILED, where <X> is the command without "reservation-" (GET_BY_ID, ...).
    auto bind = [self](const std::string& name, json (HostCmds::*fn)(const json&) const) {
        std::string id = "HOST_CMDS_RESERV_" + name.substr(std::string("reservation-").size());
        std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) {
            return c == '-' ? '_' : static_cast<char>(std::toupper(c));
        });
        return [self, fn, name, id](const json& args) {
            const auto& lg = self->logger;
            const std::string text = args.dump();
            lg->info("{} {} command called (parameters: {})", id, name, text);
            try {
                json answer = ((*self).*fn)(args);
                lg->info("{}_SUCCESS {} command success (parameters: {})", id, name, text);
                return answer;
            } catch (const CommandError& e) {
                if (e.result() == kEmpty) {
                    lg->info("{}_SUCCESS {} command success (parameters: {})", id, name, text);
                } else {
                    lg->error("{}_FAILED {} command failed (parameters: {}, reason: {})", id, name,
                              text, e.what());
                }
                throw;
            } catch (const std::exception& e) {
                lg->error("{}_FAILED {} command failed (parameters: {}, reason: {})", id, name,
                          text, e.what());
                throw;
            }
        };
    };
    for (const auto& [name, fn] :
         std::initializer_list<std::pair<const char*, json (HostCmds::*)(const json&) const>>{
             {"reservation-add", &HostCmds::add},
             {"reservation-get", &HostCmds::get},
             {"reservation-get-all", &HostCmds::getAll},
             {"reservation-get-page", &HostCmds::getPage},
             {"reservation-get-by-hostname", &HostCmds::getByHostname},
             {"reservation-get-by-id", &HostCmds::getById},
             {"reservation-get-by-address", &HostCmds::getByAddress},
             {"reservation-del", &HostCmds::del},
             {"reservation-update", &HostCmds::update}}) {
        ctx.registerCommand(name, bind(name, fn));
    }
    KAHU_INFO(self->logger, "HOST_CMDS_INIT_OK", "loading Host Commands hooks library successful");
}

void unload() {}

} // namespace

KAHU_HOOK_LIBRARY(load, unload)
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
