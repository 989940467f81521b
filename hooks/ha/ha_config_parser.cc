// SPDX-License-Identifier: MPL-2.0
#include "ha_config_parser.h"

#include "ha_state.h"

#include <fstream>
#include <kahu/error.h>
#include <kahu/http/client.h>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

namespace kahu::ha {

namespace {

using hooks::ParamReader;

TlsFiles getTls(ParamReader& r) {
    TlsFiles t;
    t.trustAnchor = r.string("trust-anchor", "");
    t.certFile = r.string("cert-file", "");
    t.keyFile = r.string("key-file", "");
    return t;
}

void checkTls(const TlsFiles& t, const ParamReader& r) {
    if (t.empty()) {
        return;
    }
    if (t.trustAnchor.empty() || t.certFile.empty() || t.keyFile.empty()) {
        r.fail("'trust-anchor', 'cert-file' and 'key-file' must be given all three or none");
    }
}

std::string readPasswordFile(const std::string& file, const ParamReader& peer) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        peer.fail("basic-auth-password-file", "cannot read the password file '" + file + "'");
    }
    std::ostringstream s;
    s << in.rdbuf();
    std::string pw = s.str();
    // A file written by an editor ends with a newline that is not part of the password.
    while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) {
        pw.pop_back();
    }
    return pw;
}

PeerRole roleFromString(const std::string& s) {
    return s == "primary"     ? PeerRole::Primary
           : s == "secondary" ? PeerRole::Secondary
           : s == "standby"   ? PeerRole::Standby
                              : PeerRole::Backup;
}

PeerConfig parsePeer(ParamReader& p, const TlsFiles& globalTls) {
    PeerConfig peer;
    peer.name = p.nonEmptyString("name");
    peer.url = p.string("url");
    try {
        const http::Url u = http::parseUrl(peer.url);
        peer.host = u.target.host;
        peer.port = u.target.port;
        peer.https = u.target.https;
    } catch (const std::invalid_argument& e) {
        p.fail("url", "invalid URL '" + peer.url + "': " + e.what());
    }
    peer.role = roleFromString(p.oneOf("role", {"primary", "secondary", "standby", "backup"}));
    peer.autoFailover = p.boolean("auto-failover", true);

    peer.basicAuthUser = p.string("basic-auth-user", "");
    if (peer.basicAuthUser.find(':') != std::string::npos) {
        p.fail("basic-auth-user", "the user name must not contain a ':'");
    }
    if (p.has("basic-auth-password") && p.has("basic-auth-password-file")) {
        p.fail("only one of 'basic-auth-password' and 'basic-auth-password-file' may be given");
    }
    peer.basicAuthPassword = p.string("basic-auth-password", "");
    std::string file = p.string("basic-auth-password-file", "");
    if (p.has("basic-auth-password-file")) {
        peer.basicAuthPassword = readPasswordFile(file, p);
    }

    TlsFiles own = getTls(p);
    checkTls(own, p);
    peer.tls = own.empty() ? globalTls : own;
    if (peer.https && peer.tls.empty()) {
        p.fail("url", "an https URL requires TLS ('trust-anchor', 'cert-file', 'key-file' "
                      "globally or for the peer)");
    }
    if (!peer.https && !peer.tls.empty()) {
        p.fail("url", "TLS is configured but the URL '" + peer.url + "' is not https");
    }
    return peer;
}

void checkRoles(const HaConfig& c, const ParamReader& r) {
    int primaries = 0, secondaries = 0, standbys = 0;
    for (const auto& p : c.peers) {
        primaries += p.role == PeerRole::Primary;
        secondaries += p.role == PeerRole::Secondary;
        standbys += p.role == PeerRole::Standby;
    }
    auto fail = [&](const char* text) { r.fail("peers", text); };
    if (primaries > 1) {
        fail("multiple primary servers specified");
    }
    if (secondaries > 1) {
        fail("multiple secondary servers specified");
    }
    if (standbys > 1) {
        fail("multiple standby servers specified");
    }
    switch (c.mode) {
    case HaMode::LoadBalancing:
        if (primaries == 0) {
            fail("primary server required in the load balancing configuration");
        }
        if (secondaries == 0) {
            fail("secondary server required in the load balancing configuration");
        }
        if (standbys > 0) {
            fail("standby servers not allowed in the load balancing configuration");
        }
        break;
    case HaMode::HotStandby:
        if (primaries == 0) {
            fail("primary server required in the hot standby configuration");
        }
        if (standbys == 0) {
            fail("standby server required in the hot standby configuration");
        }
        if (secondaries > 0) {
            fail("secondary servers not allowed in the hot standby configuration");
        }
        break;
    case HaMode::PassiveBackup:
        if (primaries == 0) {
            fail("primary server required in the passive backup configuration");
        }
        if (secondaries > 0) {
            fail("secondary servers not allowed in the passive backup configuration");
        }
        if (standbys > 0) {
            fail("standby servers not allowed in the passive backup configuration");
        }
        break;
    }
}

void parseStateMachine(ParamReader& r, HaConfig& c) {
    ParamReader sm = r.optionalMap("state-machine");
    std::set<std::string> seen;
    for (ParamReader& s : sm.optionalList("states")) {
        StatePauseConfig pc;
        pc.state = s.string("state");
        if (!stateFromWire(pc.state)) {
            s.fail("state", "unknown state '" + pc.state + "'");
        }
        if (!seen.insert(pc.state).second) {
            s.fail("state", "duplicated configuration for the '" + pc.state + "' state");
        }
        std::string pause = s.oneOf("pause", {"always", "never", "once"}, "never");
        pc.pause = pause == "always" ? StatePause::Always
                   : pause == "once" ? StatePause::Once
                                     : StatePause::Never;
        c.statePauses.push_back(pc);
    }
}

constexpr uint32_t kU32 = std::numeric_limits<uint32_t>::max();

/// Reads one relationship; `params` is finished once every key is read, before the checks
/// across keys, so that a misspelt key is reported as such rather than as what it left out.
HaConfig parseRelationship(ParamReader& r, ParamReader& params) {
    HaConfig c;
    c.thisServerName = r.nonEmptyString("this-server-name");
    const std::string mode = r.oneOf("mode", {"load-balancing", "hot-standby", "passive-backup"});
    c.mode = mode == "load-balancing" ? HaMode::LoadBalancing
             : mode == "hot-standby"  ? HaMode::HotStandby
                                      : HaMode::PassiveBackup;
    using ms = std::chrono::milliseconds;
    c.heartbeatDelay = ms(r.integer<uint16_t>("heartbeat-delay", 0, 65535, 10000));
    c.maxResponseDelay = ms(r.integer<uint16_t>("max-response-delay", 0, 65535, 60000));
    c.maxAckDelay = ms(r.integer<uint16_t>("max-ack-delay", 0, 65535, 10000));
    c.maxUnackedClients = r.integer<uint32_t>("max-unacked-clients", 0, kU32, 10);
    c.maxRejectedLeaseUpdates = r.integer<uint32_t>("max-rejected-lease-updates", 0, kU32, 10);
    const bool lb = c.mode == HaMode::LoadBalancing;
    c.delayedUpdatesLimit = r.integer<uint32_t>("delayed-updates-limit", 0, kU32, lb ? 100 : 0);
    if (!lb && c.delayedUpdatesLimit != 0) {
        r.fail("delayed-updates-limit", "must be 0 unless the mode is load-balancing "
                                        "(communication-recovery exists only there)");
    }
    c.sendLeaseUpdates = r.boolean("send-lease-updates", true);
    c.syncLeases = r.boolean("sync-leases", true);
    c.syncTimeout = ms(r.integer<uint32_t>("sync-timeout", 0, kU32, 60000));
    c.syncPageLimit = r.integer<uint32_t>("sync-page-limit", 0, kU32, 10000);
    if (c.syncPageLimit == 0) {
        r.fail("sync-page-limit", "must be greater than 0");
    }
    c.waitBackupAck = r.boolean("wait-backup-ack", false);
    if (c.waitBackupAck && c.mode != HaMode::PassiveBackup) {
        r.fail("wait-backup-ack", "must be false in the load-balancing and hot-standby modes");
    }
    c.requireClientCerts = r.boolean("require-client-certs", true);
    c.restrictCommands = r.boolean("restrict-commands", false);
    c.tls = getTls(r);
    checkTls(c.tls, r);

    ParamReader mt = r.optionalMap("multi-threading");
    c.multiThreading.enable = mt.boolean("enable-multi-threading", false);
    c.multiThreading.dedicatedListener = mt.boolean("http-dedicated-listener", false);
    c.multiThreading.listenerThreads = mt.integer<uint32_t>("http-listener-threads", 0, kU32, 0);
    c.multiThreading.clientThreads = mt.integer<uint32_t>("http-client-threads", 0, kU32, 0);
    parseStateMachine(r, c);

    std::vector<ParamReader> peers = r.list("peers");
    if (peers.empty()) {
        r.fail("peers", "must be a non-empty list");
    }
    std::set<std::string> names;
    for (ParamReader& p : peers) {
        PeerConfig peer = parsePeer(p, c.tls);
        if (!names.insert(peer.name).second) {
            p.fail("name", "peer with name '" + peer.name + "' already specified");
        }
        c.peers.push_back(std::move(peer));
    }
    params.finish();
    if (c.peer(c.thisServerName) == nullptr) {
        r.fail("this-server-name",
               "'" + c.thisServerName + "' does not match any of the configured peers");
    }
    checkRoles(c, r);
    return c;
}

} // namespace

HaConfig parseHaConfig(hooks::ParamReader& parameters) {
    std::vector<ParamReader> list = parameters.list("high-availability");
    if (list.size() != 1) {
        parameters.fail("high-availability", "exactly one relationship is supported, " +
                                                 std::to_string(list.size()) + " given");
    }
    return parseRelationship(list[0], parameters);
}

HaConfig parseHaConfig(const nlohmann::json& parameters) {
    ParamReader r(parameters, SourceMap{"parameters", {}, ""});
    return parseHaConfig(r);
}

const PeerConfig& HaConfig::thisServer() const {
    const PeerConfig* p = peer(thisServerName);
    if (p == nullptr) {
        throw HookError("HA: this server '" + thisServerName + "' is not among the peers");
    }
    return *p;
}

const PeerConfig* HaConfig::partner() const {
    if (mode == HaMode::PassiveBackup) {
        return nullptr;
    }
    const PeerConfig& self = thisServer();
    if (self.role == PeerRole::Backup) {
        return nullptr;
    }
    for (const auto& p : peers) {
        if (p.name != self.name && p.role != PeerRole::Backup) {
            return &p;
        }
    }
    return nullptr;
}

const PeerConfig* HaConfig::peer(const std::string& name) const {
    for (const auto& p : peers) {
        if (p.name == name) {
            return &p;
        }
    }
    return nullptr;
}

} // namespace kahu::ha
