// SPDX-License-Identifier: MPL-2.0
// libFuzzer target: what an HA partner sends (hooks/ha, docs/ha-wire.md).
//
// Input: a mode character, then records separated by a line holding only "%%". The mode's
// bit 2 picks the relationship (0: load-balancing, 1: hot-standby, both with a backup peer),
// bits 0-1 what is fuzzed:
//
//  0 session: record 0 is a list of operations (one character each, below), every further
//    record is the partner's HTTP answer to the next command this server sends: its body,
//    read by the peer channel's own interpret() (status 200, or NNN when the record starts
//    with "#NNN "). Commands find the answers in order; when they run out the partner is
//    unreachable (transport error). The operations drive the real HaService (state machine,
//    communication state with fake clocks, query filter, HA commands) and its wire side
//    (LeaseSync through SyncPort, LeaseUpdater with a backlog):
//      h heartbeat          m run the state machine   t +5 s    T +1 h   (both clocks)
//      u lease update       d lease delete            b send the backlog
//      U lease update of a lease whose host name is not UTF-8
//      q a query through the filter (secs 0-30)       s ha-sync command
//      S ha-maintenance-start   C ha-maintenance-cancel   n / N ha-maintenance-notify
//      r ha-reset    c ha-continue    y ha-sync-complete-notify    k ha-scopes [server2]
//  1 sync: LeaseSync alone; the records answer dhcp-disable, then lease4-get-page pages, then
//    ha-sync-complete-notify (dhcp-enable). After a successful sync every lease of the pages
//    that reads must be stored (or a newer local one kept); the statistics must match the
//    store.
//  2 listener: the rest of the input is raw HTTP (one or more pipelined requests) to the
//    dedicated listener (HttpListener), with basic auth (admin:secret12, whose base64 is
//    padded) and restrict-commands on in mode 6, serving the HA commands and lease4-update /
//    -del / -get-page / -get-all over the store. Every answer must be JSON: a one-element
//    list of a map with an integer result (200) or a map with the HTTP status; the right
//    credentials are never answered 401.
//  3 codec: each record is a lease map as the partner sends it: leaseFromJson, and a lease
//    that reads must survive CommandCreator's lease4-update / lease4-del arguments and Kea's
//    text form (keaText); each record also goes through interpret() and, as a JSON value,
//    through keaText and back.
#include "alloc/lease_manager.h"
#include "alloc/managed_leases.h"
#include "command_creator.h"
#include "config/config_loader.h"
#include "control/network_state.h"
#include "fuzz_common.h"
#include "ha_commands.h"
#include "ha_config_parser.h"
#include "ha_service.h"
#include "http_listener.h"
#include "lease/memfile_store.h"
#include "lease_cmds.h"
#include "lease_sync.h"
#include "lease_update_backlog.h"
#include "lease_updater.h"
#include "wire_adapters.h"

#include <deque>
#include <kahu/command/answer.h>
#include <kahu/error.h>
#include <kahu/kea_json.h>
#include <kahu/stats.h>
#include <map>
#include <tuple>

namespace kahu::ha::wirefuzz {
std::vector<std::tuple<unsigned, std::string, bool>>
respondToWire(const HttpListener::Options& options, const HttpListener::Executor& executor,
              std::string_view wire, const std::string& credentials);
} // namespace kahu::ha::wirefuzz

namespace {

using namespace kahu;
using namespace kahu::ha;
using nlohmann::json;

constexpr const char* kServerConfig = R"({"Dhcp4": {
  "interfaces-config": {"interfaces": []},
  "lease-database": {"type": "memfile", "persist": false, "lfc-interval": 0},
  "multi-threading": {"enable-multi-threading": false},
  "subnet4": [
    {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.200"}]},
    {"id": 2, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10 - 198.51.100.99"}]}
  ]
}})";

json relationship(bool hotStandby) {
    json peers = json::array();
    peers.push_back({{"name", "server1"},
                     {"url", "http://192.0.2.1:8000/"},
                     {"role", "primary"},
                     {"basic-auth-user", "admin"},
                     {"basic-auth-password", "secret12"}});
    peers.push_back({{"name", "server2"},
                     {"url", "http://192.0.2.2:8000/"},
                     {"role", hotStandby ? "standby" : "secondary"}});
    peers.push_back({{"name", "server3"}, {"url", "http://192.0.2.3:8000/"}, {"role", "backup"}});
    json rel = {
        {"high-availability", json::array({{{"this-server-name", "server1"},
                                            {"mode", hotStandby ? "hot-standby" : "load-balancing"},
                                            {"heartbeat-delay", 10000},
                                            {"max-response-delay", 30000},
                                            {"max-ack-delay", 5000},
                                            {"max-unacked-clients", 2},
                                            {"max-rejected-lease-updates", 3},
                                            {"sync-page-limit", 3},
                                            {"wait-backup-ack", false},
                                            {"peers", peers}}})}};
    if (!hotStandby) {
        rel["high-availability"][0]["delayed-updates-limit"] = 4;
    }
    return rel;
}

// The fake clocks: the partner's date-time in the seeds is this wall time.
constexpr int64_t kWallEpoch = 1704067200; // Mon, 01 Jan 2024 00:00:00 GMT
int64_t clockOffset = 0;                   // seconds since the start of the input

std::chrono::steady_clock::time_point steadyNow() {
    return std::chrono::steady_clock::time_point(std::chrono::seconds(1000000 + clockOffset));
}
std::chrono::system_clock::time_point wallNow() {
    return std::chrono::system_clock::time_point(std::chrono::seconds(kWallEpoch + clockOffset));
}

/// The partner: answers each command with the next record, synchronously.
class ScriptedChannel final : public PeerChannel {
public:
    explicit ScriptedChannel(std::deque<std::string_view> answers) : answers_(std::move(answers)) {}

    void send(const PeerConfig& to, const std::string& command, json arguments,
              std::chrono::milliseconds, Callback done) override {
        // What the real channel puts on the wire must be printable.
        (void)CommandCreator::bodyText(command, arguments);
        if (++sent_ > 256) {
            kahu::fuzz::fail("more than 256 commands to the partner: a loop?", command);
        }
        PeerAnswer a;
        if (answers_.empty()) {
            a.transportError = "connection refused";
        } else {
            std::string_view rec = answers_.front();
            answers_.pop_front();
            unsigned status = 200;
            if (rec.size() >= 5 && rec[0] == '#') {
                status = static_cast<unsigned>((rec[1] - '0') * 100 + (rec[2] - '0') * 10 +
                                               (rec[3] - '0'));
                rec.remove_prefix(5);
            }
            a = interpretAnswer(status, std::string(rec));
        }
        if (std::getenv("KAHU_FUZZ_TRACE") != nullptr) {
            std::fprintf(stderr, "  -> %s: %s\n", command.c_str(),
                         a.ok() ? kahu::fuzz::text(a.answer).substr(0, 120).c_str()
                                : a.transportError.c_str());
        }
        log.emplace_back(command, a);
        done(std::move(a));
    }
    void stop() override {}

    /// Each command sent and the answer it got.
    std::vector<std::pair<std::string, PeerAnswer>> log;

private:
    std::deque<std::string_view> answers_;
    int sent_ = 0;
};

/// kahu-dhcp4 as the HA hook sees it: leases over an in-memory memfile store.
class FuzzServer final : public ServerAccess {
public:
    explicit FuzzServer(std::shared_ptr<const ServerConfig> config) : config_(std::move(config)) {
        MemfileConfig mc;
        mc.persist = false;
        mc.lfcInterval = 0;
        store_ = std::make_shared<MemfileStore>(mc);
        manager_ = std::make_shared<LeaseManager>(store_);
        manager_->configure(config_);
        leases_.set(manager_);
    }
    Leases& leases() override { return leases_; }
    std::shared_ptr<const ServerConfig> config() const override { return config_; }
    void disableService(uint32_t origin) override { state_.disable(origin); }
    void enableService(uint32_t origin) override { state_.enable(origin); }
    bool serviceEnabled() const noexcept override { return state_.isEnabled(); }

    NetworkState state_;
    std::shared_ptr<const ServerConfig> config_;
    std::shared_ptr<MemfileStore> store_;
    std::shared_ptr<LeaseManager> manager_;
    ManagedLeases leases_;
};

/// UpdaterPort's decisions without the callout context (which only the hook framework can
/// build): the updater and the backlog, reporting to the service as UpdaterPort does.
class FuzzUpdates final : public LeaseUpdatesPort {
public:
    FuzzUpdates(const HaConfig& config, PeerChannel& channel, LeaseUpdateObserver& observer)
        : partner_(config.partner()), backlog_(config.delayedUpdatesLimit),
          updater_(channel, LeaseUpdater::Options{}, [&observer](const PeerUpdateReport& r) {
              if (r.backup) {
                  return;
              }
              if (r.failed) {
                  observer.partnerFailed();
              }
              for (const auto& l : r.rejected) {
                  observer.leaseUpdateRejected(l, r.error);
              }
              for (const auto& l : r.updated) {
                  observer.leaseUpdateSucceeded(l.hwAddr.str(), toColonHex(l.clientId));
              }
          }) {
        for (const auto& p : config.peers) {
            if (p.role == PeerRole::Backup && p.name != config.thisServerName) {
                backups_.push_back({p, true});
            }
        }
    }

    /// leases4_committed for one exchange in the service's state `s`.
    void committed(HaState s, const std::vector<Lease4>& leases,
                   const std::vector<Lease4>& deleted) {
        std::vector<UpdateTarget> targets;
        if (partner_) {
            if (sendsLeaseUpdatesToPartner(s)) {
                targets.push_back({*partner_, false});
            } else if (s == HaState::CommunicationRecovery) {
                LeaseUpdater::queue(backlog_, leases, deleted);
            } else {
                updater_.noteUnsent();
            }
        }
        targets.insert(targets.end(), backups_.begin(), backups_.end());
        if (targets.empty()) {
            return;
        }
        bool resolved = false;
        updater_.send(targets, leases, deleted, [&resolved](bool) {
            FUZZ_CHECK(!resolved, "an exchange resolved twice");
            resolved = true;
        });
        FUZZ_CHECK(resolved || !updater_.mustWait(targets, leases, deleted),
                   "a parked exchange was never resolved");
    }

    hooks::Verdict leases4Committed(hooks::Leases4CommittedArgs&, hooks::CalloutContext&, bool,
                                    bool) override {
        return hooks::Verdict::Continue;
    }
    uint64_t unsentUpdateCount() const override { return updater_.unsentUpdateCount(); }
    bool backlogOverflowed() const override { return backlog_.overflown(); }
    void sendBacklog(std::function<void(bool ok)> done) override {
        if (!partner_) {
            done(true);
            return;
        }
        updater_.sendBacklog(backlog_, *partner_,
                             [done = std::move(done)](bool ok, const std::string&) { done(ok); });
    }
    void clearBacklog() override { backlog_.clear(); }

private:
    const PeerConfig* partner_;
    std::vector<UpdateTarget> backups_;
    LeaseUpdateBacklog backlog_;
    LeaseUpdater updater_;
};

struct Env {
    std::shared_ptr<const ServerConfig> server;
    HaConfig lb, hs;
};

const Env& env() {
    static const Env e = [] {
        kahu::fuzz::quietLogging();
        kahu::fuzz::oneSampleStatistics();
        registerMemfileStore();
        Env e;
        try {
            e.server = config::parseConfigText(kServerConfig, "fuzz").config;
            e.lb = parseHaConfig(relationship(false));
            e.hs = parseHaConfig(relationship(true));
        } catch (const std::exception& ex) {
            kahu::fuzz::fail("the fuzzer's configuration does not load", ex.what());
        }
        return e;
    }();
    return e;
}

/// Statistics as LeaseManager::account keeps them: leases of a configured subnet id.
void checkStatistics(const FuzzServer& s) {
    std::map<SubnetId, int64_t> assigned;
    s.store_->forEach([&](const Lease4& l) {
        if (l.state != LeaseState::ExpiredReclaimed) {
            ++assigned[l.subnetId];
        }
    });
    for (const auto& sub : s.config_->subnets) {
        const std::string name = "subnet[" + std::to_string(sub.id) + "].assigned-addresses";
        int64_t stat = Statistics::instance().get(name);
        FUZZ_CHECK(stat == assigned[sub.id], "assigned-addresses differs from the store",
                   name + " = " + std::to_string(stat) + ", store " +
                       std::to_string(assigned[sub.id]));
    }
}

Lease4 sampleLease(int k, int64_t cltt) {
    Lease4 l;
    l.address = Ipv4Address(0xc0000200u + 10 + uint32_t(k % 50)); // 192.0.2.10 ...
    l.hwAddr = HwAddr{1, {0x02, 0, 0, 0, 0, uint8_t(k)}};
    l.clientId = {1, 0x02, 0, 0, 0, 0, uint8_t(k)};
    l.validLifetime = 3600;
    l.cltt = cltt;
    l.subnetId = 1;
    l.hostname = "host" + std::to_string(k);
    return l;
}

/// What the command registry answers for a handler: a CommandError becomes {"result": its
/// result, "text": its text}.
template <class F> json answerOf(F&& handler) {
    try {
        return handler();
    } catch (const CommandError& e) {
        return makeAnswer(e.result(), e.what());
    }
}

void checkJsonAnswer(const json& a, const char* what) {
    FUZZ_CHECK(a.is_object() && a.contains("result") && a["result"].is_number_integer(), what,
               a.dump(-1, ' ', false, json::error_handler_t::replace));
    (void)kahu::fuzz::serialise(a, what);
}

// ---- mode 0 ----------------------------------------------------------------------------------

void session(const HaConfig& cfg, std::string_view ops, std::deque<std::string_view> answers) {
    FuzzServer server(env().server);
    {
        auto channel = std::make_shared<ScriptedChannel>(std::move(answers));
        HaService service(cfg, channel, makeServerLocalDhcp(&server), nullptr, steadyNow, wallNow);
        auto updates = std::make_shared<FuzzUpdates>(cfg, *channel, service);
        service.setLeaseUpdates(updates);
        service.setLeaseSync(std::make_shared<SyncPort>(cfg, channel, &server));
        HaCommands commands(service);
        // KAHU_FUZZ_TRACE=1: the states after each operation on stderr.
        static const bool trace = std::getenv("KAHU_FUZZ_TRACE") != nullptr;
        int k = 0;
        for (char op : ops.substr(0, 48)) {
            ++k;
            const int64_t now = kWallEpoch + clockOffset;
            switch (op) {
            case 'h':
                service.heartbeatOnce();
                break;
            case 'm':
                service.runModel();
                break;
            case 't':
                clockOffset += 5;
                break;
            case 'T':
                clockOffset += 3600;
                break;
            case 'u':
            case 'U':
            case 'd': {
                Lease4 l = sampleLease(k, now);
                if (op == 'U') {
                    // A host name that is not UTF-8, as a Kea lease file (&#xff) or a
                    // lease4-add over the unix socket can bring.
                    l.hostname = "h\xff\xfe";
                }
                std::vector<Lease4> leases, deleted;
                if (op != 'd') {
                    server.leases_.modify(l.address, [&](std::optional<Lease4>& cur) {
                        cur = l;
                        return Leases::Action::Store;
                    });
                    leases.push_back(l);
                } else {
                    deleted.push_back(l);
                }
                updates->committed(service.state(), leases, deleted);
                break;
            }
            case 'b':
                updates->sendBacklog([](bool) {});
                break;
            case 'q': {
                Packet4 q;
                q.op = 1;
                q.xid = uint32_t(k);
                q.secs = uint16_t(k % 31);
                q.chaddr = {0x02, 0x10, 0, 0, 0, uint8_t(k)};
                q.setMessageType(MessageType::Discover);
                auto d = service.filterQuery(q);
                FUZZ_CHECK(!d.inScope || !d.scope.empty(), "in scope without a scope");
                break;
            }
            case 's':
                checkJsonAnswer(
                    answerOf([&] {
                        return commands.sync({{"server-name", "server2"}, {"max-period", 10}});
                    }),
                    "ha-sync");
                break;
            case 'S':
                checkJsonAnswer(answerOf([&] { return commands.maintenanceStart(nullptr); }),
                                "ha-maintenance-start");
                break;
            case 'C':
                checkJsonAnswer(answerOf([&] { return commands.maintenanceCancel(nullptr); }),
                                "ha-maintenance-cancel");
                break;
            case 'n':
            case 'N':
                checkJsonAnswer(answerOf([&] {
                                    return commands.maintenanceNotify({{"cancel", op == 'N'}});
                                }),
                                "ha-maintenance-notify");
                break;
            case 'r':
                checkJsonAnswer(answerOf([&] { return commands.reset(nullptr); }), "ha-reset");
                break;
            case 'c':
                checkJsonAnswer(answerOf([&] { return commands.continueMachine(nullptr); }),
                                "ha-continue");
                break;
            case 'y':
                checkJsonAnswer(answerOf([&] { return commands.syncCompleteNotify(nullptr); }),
                                "ha-sync-complete-notify");
                break;
            case 'k':
                checkJsonAnswer(answerOf([&] {
                                    return commands.scopes({{"scopes", {"server2"}}});
                                }),
                                "ha-scopes");
                break;
            default:
                break;
            }
            if (trace) {
                std::fprintf(stderr, "op %c: state %s, partner %s, t=%lld\n", op,
                             std::string(wireName(service.state())).c_str(),
                             std::string(wireName(service.communication().partnerState())).c_str(),
                             static_cast<long long>(clockOffset));
            }
            if (op == 'h' || op == 'm') {
                // What the partner and status-get would see now.
                (void)kahu::fuzz::serialise(commands.heartbeat(nullptr), "ha-heartbeat");
                (void)kahu::fuzz::serialise(service.statusJson(), "status-get");
            }
            checkStatistics(server);
        }
        (void)kahu::fuzz::serialise(commands.heartbeat(nullptr), "ha-heartbeat");
        (void)kahu::fuzz::serialise(service.statusJson(), "status-get");
        service.stop();
    }
}

// ---- mode 1 ----------------------------------------------------------------------------------

void sync(const HaConfig& cfg, std::deque<std::string_view> answers) {
    FuzzServer server(env().server);
    // Local leases the partner's may meet: older and newer ones, one of another client.
    const int64_t now = kWallEpoch;
    for (int k = 0; k < 4; ++k) {
        Lease4 l = sampleLease(k, now - 100 + 100 * (k & 1));
        server.leases_.add(l);
    }
    ScriptedChannel channel(std::move(answers));
    LeaseSync::Options o;
    o.pageLimit = cfg.syncPageLimit;
    o.leases = &server.leases_;
    bool finished = false, ok = false;
    auto s =
        std::make_shared<LeaseSync>(channel, cfg.peers[1], o, [&](bool good, const std::string&) {
            FUZZ_CHECK(!finished, "sync finished twice");
            finished = true;
            ok = good;
        });
    s->start();
    FUZZ_CHECK(finished, "the sync never finished");
    if (ok) {
        auto st = s->stats();
        FUZZ_CHECK(st.received == st.added + st.updated + st.kept + st.skipped,
                   "sync statistics do not add up");
    }
    // After a successful sync, every lease of every page it took must be here, or a newer
    // local one. (A failed sync stops in the middle of a page: a lease the store refuses,
    // e.g. with neither hw-address nor client-id, ends it, where Kea skips that lease.)
    for (const auto& [command, a] : channel.log) {
        if (!ok) {
            break;
        }
        if (command != "lease4-get-page" || a.result() != 0) {
            continue;
        }
        auto args = a.answer.find("arguments");
        if (args == a.answer.end() || !args->is_object() || !args->contains("leases") ||
            !(*args)["leases"].is_array()) {
            continue;
        }
        for (const auto& lj : (*args)["leases"]) {
            if (auto l = leaseFromJson(lj)) {
                auto local = server.leases_.get(l->address);
                FUZZ_CHECK(local.has_value(), "a synchronized lease is missing", l->address.str());
                FUZZ_CHECK(local->cltt >= l->cltt, "an older lease won the sync", l->address.str());
            }
        }
    }
    checkStatistics(server);
}

// ---- mode 2 ----------------------------------------------------------------------------------

void listener(const HaConfig& cfg, bool secured, std::string_view wire) {
    FuzzServer server(env().server);
    {
        auto channel = std::make_shared<ScriptedChannel>(std::deque<std::string_view>{});
        HaService service(cfg, channel, makeServerLocalDhcp(&server), nullptr, steadyNow, wallNow);
        service.setLeaseSync(std::make_shared<SyncPort>(cfg, channel, &server));
        HaCommands commands(service);
        lease_cmds::LeaseCmds leaseCmds(&server, log::get("kahu-dhcp4.lease-cmds-hooks"));
        std::map<std::string, std::function<json(const json&)>> handlers = {
            {"ha-heartbeat", [&](const json& a) { return commands.heartbeat(a); }},
            {"ha-sync-complete-notify",
             [&](const json& a) { return commands.syncCompleteNotify(a); }},
            {"ha-maintenance-notify", [&](const json& a) { return commands.maintenanceNotify(a); }},
            {"ha-reset", [&](const json& a) { return commands.reset(a); }},
            {"ha-scopes", [&](const json& a) { return commands.scopes(a); }},
            {"ha-continue", [&](const json& a) { return commands.continueMachine(a); }},
            {"lease4-update", [&](const json& a) { return leaseCmds.update(a); }},
            {"lease4-del", [&](const json& a) { return leaseCmds.del(a); }},
            {"lease4-get-page", [&](const json& a) { return leaseCmds.getPage(a); }},
            {"lease4-get-all", [&](const json& a) { return leaseCmds.getAll(a); }},
            {"dhcp-disable",
             [&](const json&) {
                 server.disableService(ServerAccess::kOriginHaRemote);
                 return successAnswer("DHCPv4 service disabled");
             }},
            {"dhcp-enable",
             [&](const json&) {
                 server.enableService(ServerAccess::kOriginHaRemote);
                 return successAnswer("DHCP service successfully enabled");
             }},
        };
        HttpListener::Executor exec = [&](const std::string& name, const json& args) {
            auto it = handlers.find(name);
            if (it == handlers.end()) {
                return makeAnswer(CommandResult::Unsupported,
                                  "'" + name + "' command not supported.");
            }
            return answerOf([&] { return it->second(args); });
        };
        HttpListener::Options options;
        options.host = "192.0.2.1";
        options.restrictCommands = secured;
        if (secured) {
            // "admin:secret12": its base64 ends in "=" padding.
            options.basicAuthUser = "admin";
            options.basicAuthPassword = "secret12";
        }
        for (const auto& [status, body, rightCredentials] :
             wirefuzz::respondToWire(options, exec, wire, "YWRtaW46c2VjcmV0MTI=")) {
            FUZZ_CHECK(!(secured && rightCredentials && status == 401),
                       "the listener refused the right credentials", body);
            if (std::getenv("KAHU_FUZZ_TRACE") != nullptr) {
                std::fprintf(stderr, "HTTP %u %s\n", status, body.substr(0, 150).c_str());
            }
            json parsed = parseKeaText(body, false);
            FUZZ_CHECK(!parsed.is_discarded(), "the listener answered something not JSON", body);
            if (status == 200) {
                FUZZ_CHECK(parsed.is_array() && parsed.size() == 1,
                           "a 200 answer is not a one-element list", body);
                checkJsonAnswer(parsed[0], "listener answer");
            } else {
                FUZZ_CHECK(parsed.is_object() && parsed.value("result", 0) == int(status),
                           "an error answer does not carry its status", body);
            }
        }
        checkStatistics(server);
        service.stop();
    }
}

// ---- mode 3 ----------------------------------------------------------------------------------

void codec(std::string_view rec) {
    const std::string text(rec);
    PeerAnswer a = interpretAnswer(200, text);
    FUZZ_CHECK(a.ok() == a.transportError.empty(), "PeerAnswer ok() inconsistent");
    if (a.ok()) {
        FUZZ_CHECK(a.answer.is_object(), "an accepted answer is not a map");
        (void)a.result();
        (void)LeaseUpdater::classify("lease4-update", a);
        (void)LeaseUpdater::classify("lease4-del", a);
    }
    (void)interpretAnswer(401, text);

    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) {
        return;
    }
    // Kea's text form reads back as the same value (floats aside: Kea prints them its way).
    std::string kt = keaText(j);
    json back = parseKeaText(kt, false);
    FUZZ_CHECK(!back.is_discarded(), "keaText printed something not JSON", kt);
    if (kt.find_first_of(".eE") == std::string::npos) {
        FUZZ_CHECK(back == j, "keaText changed the value", kt);
    }
    std::string error;
    auto lease = leaseFromJson(j, &error);
    if (!lease) {
        FUZZ_CHECK(!error.empty(), "a lease refused without a reason");
        return;
    }
    CommandCreator creator;
    for (const PeerCommand& c : {creator.leaseUpdate(*lease), creator.leaseDelete(*lease)}) {
        std::string body = CommandCreator::bodyText(c.name, c.arguments);
        json parsed = parseKeaText(body, false);
        FUZZ_CHECK(!parsed.is_discarded(), "a lease command body is not JSON", body);
        std::string e2;
        auto again = leaseFromJson(parsed["arguments"], &e2);
        FUZZ_CHECK(again.has_value(), "a lease the partner sent does not survive the wire",
                   body + " -> " + e2);
        Lease4 expected = *lease; // doubles in the user context keep Kea's six digits
        if (!expected.userContext.is_null()) {
            expected.userContext = parseKeaText(keaText(expected.userContext));
        }
        FUZZ_CHECK(*again == expected, "a lease changed on the wire", body);
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    env();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const Env& e = env();
    const uint8_t mode = data[0];
    const HaConfig& cfg = (mode & 4) ? e.hs : e.lb;
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (!rest.empty() && rest.front() == '\n') {
        rest.remove_prefix(1);
    }
    clockOffset = 0;
    switch (mode & 3) {
    case 0: {
        auto recs = kahu::fuzz::split(rest, kahu::fuzz::kRecordSeparator);
        std::string_view ops = recs.front();
        std::deque<std::string_view> answers(recs.begin() + 1, recs.end());
        session(cfg, ops, std::move(answers));
        break;
    }
    case 1: {
        auto recs = kahu::fuzz::split(rest, kahu::fuzz::kRecordSeparator);
        sync(cfg, std::deque<std::string_view>(recs.begin(), recs.end()));
        break;
    }
    case 2:
        listener(cfg, (mode & 4) != 0, rest);
        break;
    default:
        for (auto rec : kahu::fuzz::split(rest, kahu::fuzz::kRecordSeparator)) {
            codec(rec);
        }
        break;
    }
    return 0;
}
