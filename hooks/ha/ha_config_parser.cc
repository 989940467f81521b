// SPDX-License-Identifier: MPL-2.0
#include "ha_config_parser.h"

#include "ha_state.h"

#include <arpa/inet.h>
#include <fstream>
#include <kahu/error.h>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

namespace kahu::ha {

namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& text) {
    throw HookError(path + ": " + text);
}

const json* find(const json& map, const char* key) {
    auto it = map.find(key);
    return it == map.end() ? nullptr : &*it;
}

std::string keyPath(const std::string& at, const char* key) {
    return at + "." + key;
}

std::string getString(const json& map, const std::string& at, const char* key, bool required,
                      std::string def = {}) {
    const json* v = find(map, key);
    if (v == nullptr) {
        if (required) {
            fail(at, std::string("'") + key + "' is required");
        }
        return def;
    }
    if (!v->is_string()) {
        fail(keyPath(at, key), "must be a string");
    }
    return v->get<std::string>();
}

bool getBool(const json& map, const std::string& at, const char* key, bool def) {
    const json* v = find(map, key);
    if (v == nullptr) {
        return def;
    }
    if (!v->is_boolean()) {
        fail(keyPath(at, key), "must be a boolean");
    }
    return v->get<bool>();
}

uint64_t getUint(const json& map, const std::string& at, const char* key, uint64_t def,
                 uint64_t max) {
    const json* v = find(map, key);
    if (v == nullptr) {
        return def;
    }
    if (!v->is_number_integer()) {
        fail(keyPath(at, key), "must be an integer");
    }
    if (v->is_number_unsigned()) {
        uint64_t u = v->get<uint64_t>();
        if (u <= max) {
            return u;
        }
    } else if (int64_t i = v->get<int64_t>(); i >= 0 && static_cast<uint64_t>(i) <= max) {
        return static_cast<uint64_t>(i);
    }
    fail(keyPath(at, key), "value " + v->dump() + " is out of range 0.." + std::to_string(max));
}

constexpr uint64_t kU16 = std::numeric_limits<uint16_t>::max();
constexpr uint64_t kU32 = std::numeric_limits<uint32_t>::max();

TlsFiles getTls(const json& map, const std::string& at) {
    TlsFiles t;
    t.trustAnchor = getString(map, at, "trust-anchor", false);
    t.certFile = getString(map, at, "cert-file", false);
    t.keyFile = getString(map, at, "key-file", false);
    return t;
}

void checkTls(const TlsFiles& t, const std::string& at) {
    if (t.empty()) {
        return;
    }
    if (t.trustAnchor.empty() || t.certFile.empty() || t.keyFile.empty()) {
        fail(at, "'trust-anchor', 'cert-file' and 'key-file' must be given all three or none");
    }
}

std::string readPasswordFile(const std::string& file, const std::string& at) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        fail(at, "cannot read the password file '" + file + "'");
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

std::optional<PeerRole> roleFromString(const std::string& s) {
    if (s == "primary") {
        return PeerRole::Primary;
    }
    if (s == "secondary") {
        return PeerRole::Secondary;
    }
    if (s == "standby") {
        return PeerRole::Standby;
    }
    if (s == "backup") {
        return PeerRole::Backup;
    }
    return std::nullopt;
}

PeerConfig parsePeer(const json& p, const std::string& at, const TlsFiles& globalTls) {
    if (!p.is_object()) {
        fail(at, "a peer must be a map");
    }
    PeerConfig peer;
    peer.name = getString(p, at, "name", true);
    if (peer.name.empty()) {
        fail(keyPath(at, "name"), "must not be empty");
    }
    peer.url = getString(p, at, "url", true);
    try {
        ParsedUrl u = parsePeerUrl(peer.url);
        peer.host = u.host;
        peer.port = u.port;
        peer.https = u.https;
    } catch (const std::invalid_argument& e) {
        fail(keyPath(at, "url"), "invalid URL '" + peer.url + "': " + e.what());
    }
    std::string role = getString(p, at, "role", true);
    auto r = roleFromString(role);
    if (!r) {
        fail(keyPath(at, "role"),
             "unsupported value '" + role + "', expected primary, secondary, standby or backup");
    }
    peer.role = *r;
    peer.autoFailover = getBool(p, at, "auto-failover", true);

    peer.basicAuthUser = getString(p, at, "basic-auth-user", false);
    if (peer.basicAuthUser.find(':') != std::string::npos) {
        fail(keyPath(at, "basic-auth-user"), "the user name must not contain a ':'");
    }
    bool hasPw = find(p, "basic-auth-password") != nullptr;
    bool hasPwFile = find(p, "basic-auth-password-file") != nullptr;
    if (hasPw && hasPwFile) {
        fail(at, "only one of 'basic-auth-password' and 'basic-auth-password-file' may be given");
    }
    if (hasPw) {
        peer.basicAuthPassword = getString(p, at, "basic-auth-password", false);
    } else if (hasPwFile) {
        std::string file = getString(p, at, "basic-auth-password-file", false);
        peer.basicAuthPassword = readPasswordFile(file, keyPath(at, "basic-auth-password-file"));
    }

    TlsFiles own = getTls(p, at);
    checkTls(own, at);
    peer.tls = own.empty() ? globalTls : own;
    if (peer.https && peer.tls.empty()) {
        fail(keyPath(at, "url"), "an https URL requires TLS ('trust-anchor', 'cert-file', "
                                 "'key-file' globally or for the peer)");
    }
    if (!peer.https && !peer.tls.empty()) {
        fail(keyPath(at, "url"), "TLS is configured but the URL '" + peer.url + "' is not https");
    }
    return peer;
}

void checkRoles(const HaConfig& c, const std::string& at) {
    int primaries = 0, secondaries = 0, standbys = 0;
    for (const auto& p : c.peers) {
        primaries += p.role == PeerRole::Primary;
        secondaries += p.role == PeerRole::Secondary;
        standbys += p.role == PeerRole::Standby;
    }
    const std::string peers = keyPath(at, "peers");
    if (primaries > 1) {
        fail(peers, "multiple primary servers specified");
    }
    if (secondaries > 1) {
        fail(peers, "multiple secondary servers specified");
    }
    if (standbys > 1) {
        fail(peers, "multiple standby servers specified");
    }
    switch (c.mode) {
    case HaMode::LoadBalancing:
        if (primaries == 0) {
            fail(peers, "primary server required in the load balancing configuration");
        }
        if (secondaries == 0) {
            fail(peers, "secondary server required in the load balancing configuration");
        }
        if (standbys > 0) {
            fail(peers, "standby servers not allowed in the load balancing configuration");
        }
        break;
    case HaMode::HotStandby:
        if (primaries == 0) {
            fail(peers, "primary server required in the hot standby configuration");
        }
        if (standbys == 0) {
            fail(peers, "standby server required in the hot standby configuration");
        }
        if (secondaries > 0) {
            fail(peers, "secondary servers not allowed in the hot standby configuration");
        }
        break;
    case HaMode::PassiveBackup:
        if (primaries == 0) {
            fail(peers, "primary server required in the passive backup configuration");
        }
        if (secondaries > 0) {
            fail(peers, "secondary servers not allowed in the passive backup configuration");
        }
        if (standbys > 0) {
            fail(peers, "standby servers not allowed in the passive backup configuration");
        }
        break;
    }
}

void parseStateMachine(const json& r, const std::string& at, HaConfig& c) {
    const json* sm = find(r, "state-machine");
    if (sm == nullptr) {
        return;
    }
    const std::string smAt = keyPath(at, "state-machine");
    if (!sm->is_object()) {
        fail(smAt, "must be a map");
    }
    const json* states = find(*sm, "states");
    if (states == nullptr) {
        return;
    }
    if (!states->is_array()) {
        fail(keyPath(smAt, "states"), "must be a list");
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < states->size(); ++i) {
        const json& s = (*states)[i];
        const std::string sAt = smAt + ".states[" + std::to_string(i) + "]";
        if (!s.is_object()) {
            fail(sAt, "must be a map");
        }
        StatePauseConfig pc;
        pc.state = getString(s, sAt, "state", true);
        auto st = stateFromWire(pc.state);
        if (!st) {
            fail(keyPath(sAt, "state"), "unknown state '" + pc.state + "'");
        }
        if (!seen.insert(pc.state).second) {
            fail(keyPath(sAt, "state"),
                 "duplicated configuration for the '" + pc.state + "' state");
        }
        std::string pause = getString(s, sAt, "pause", false, "never");
        if (pause == "always") {
            pc.pause = StatePause::Always;
        } else if (pause == "never") {
            pc.pause = StatePause::Never;
        } else if (pause == "once") {
            pc.pause = StatePause::Once;
        } else {
            fail(keyPath(sAt, "pause"),
                 "unsupported value '" + pause + "', expected always, never or once");
        }
        c.statePauses.push_back(pc);
    }
}

HaConfig parseRelationship(const json& r, const std::string& at) {
    if (!r.is_object()) {
        fail(at, "a relationship must be a map");
    }
    HaConfig c;
    c.thisServerName = getString(r, at, "this-server-name", true);
    if (c.thisServerName.empty()) {
        fail(keyPath(at, "this-server-name"), "must not be empty");
    }
    std::string mode = getString(r, at, "mode", true);
    if (mode == "load-balancing") {
        c.mode = HaMode::LoadBalancing;
    } else if (mode == "hot-standby") {
        c.mode = HaMode::HotStandby;
    } else if (mode == "passive-backup") {
        c.mode = HaMode::PassiveBackup;
    } else {
        fail(keyPath(at, "mode"), "unsupported value '" + mode +
                                      "', expected load-balancing, hot-standby or "
                                      "passive-backup");
    }
    using ms = std::chrono::milliseconds;
    c.heartbeatDelay = ms(getUint(r, at, "heartbeat-delay", 10000, kU16));
    c.maxResponseDelay = ms(getUint(r, at, "max-response-delay", 60000, kU16));
    c.maxAckDelay = ms(getUint(r, at, "max-ack-delay", 10000, kU16));
    c.maxUnackedClients = static_cast<uint32_t>(getUint(r, at, "max-unacked-clients", 10, kU32));
    c.maxRejectedLeaseUpdates =
        static_cast<uint32_t>(getUint(r, at, "max-rejected-lease-updates", 10, kU32));
    const bool lb = c.mode == HaMode::LoadBalancing;
    c.delayedUpdatesLimit =
        static_cast<uint32_t>(getUint(r, at, "delayed-updates-limit", lb ? 100 : 0, kU32));
    if (!lb && c.delayedUpdatesLimit != 0) {
        fail(keyPath(at, "delayed-updates-limit"),
             "must be 0 unless the mode is load-balancing (communication-recovery exists "
             "only there)");
    }
    c.sendLeaseUpdates = getBool(r, at, "send-lease-updates", true);
    c.syncLeases = getBool(r, at, "sync-leases", true);
    c.syncTimeout = ms(getUint(r, at, "sync-timeout", 60000, kU32));
    c.syncPageLimit = static_cast<uint32_t>(getUint(r, at, "sync-page-limit", 10000, kU32));
    if (c.syncPageLimit == 0) {
        fail(keyPath(at, "sync-page-limit"), "must be greater than 0");
    }
    c.waitBackupAck = getBool(r, at, "wait-backup-ack", false);
    if (c.waitBackupAck && c.mode != HaMode::PassiveBackup) {
        fail(keyPath(at, "wait-backup-ack"),
             "must be false in the load-balancing and hot-standby modes");
    }
    c.requireClientCerts = getBool(r, at, "require-client-certs", true);
    c.restrictCommands = getBool(r, at, "restrict-commands", false);
    c.tls = getTls(r, at);
    checkTls(c.tls, at);

    if (const json* mt = find(r, "multi-threading")) {
        const std::string mtAt = keyPath(at, "multi-threading");
        if (!mt->is_object()) {
            fail(mtAt, "must be a map");
        }
        c.multiThreading.enable = getBool(*mt, mtAt, "enable-multi-threading", false);
        c.multiThreading.dedicatedListener = getBool(*mt, mtAt, "http-dedicated-listener", false);
        c.multiThreading.listenerThreads =
            static_cast<uint32_t>(getUint(*mt, mtAt, "http-listener-threads", 0, kU32));
        c.multiThreading.clientThreads =
            static_cast<uint32_t>(getUint(*mt, mtAt, "http-client-threads", 0, kU32));
    }
    parseStateMachine(r, at, c);

    const json* peers = find(r, "peers");
    if (peers == nullptr) {
        fail(at, "'peers' is required");
    }
    if (!peers->is_array() || peers->empty()) {
        fail(keyPath(at, "peers"), "must be a non-empty list");
    }
    std::set<std::string> names;
    for (size_t i = 0; i < peers->size(); ++i) {
        const std::string pAt = at + ".peers[" + std::to_string(i) + "]";
        PeerConfig p = parsePeer((*peers)[i], pAt, c.tls);
        if (!names.insert(p.name).second) {
            fail(keyPath(pAt, "name"), "peer with name '" + p.name + "' already specified");
        }
        c.peers.push_back(std::move(p));
    }
    if (c.peer(c.thisServerName) == nullptr) {
        fail(keyPath(at, "this-server-name"),
             "'" + c.thisServerName + "' does not match any of the configured peers");
    }
    checkRoles(c, at);
    return c;
}

} // namespace

ParsedUrl parsePeerUrl(const std::string& url) {
    ParsedUrl u;
    std::string rest;
    if (url.rfind("http://", 0) == 0) {
        rest = url.substr(7);
    } else if (url.rfind("https://", 0) == 0) {
        u.https = true;
        rest = url.substr(8);
    } else {
        throw std::invalid_argument("the scheme must be http or https");
    }
    size_t slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    u.path = slash == std::string::npos ? "/" : rest.substr(slash);
    std::string host, port;
    if (!authority.empty() && authority.front() == '[') {
        size_t close = authority.find(']');
        if (close == std::string::npos) {
            throw std::invalid_argument("unterminated IPv6 address");
        }
        host = authority.substr(1, close - 1);
        std::string after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                throw std::invalid_argument("unexpected text after the IPv6 address");
            }
            port = after.substr(1);
        }
        in6_addr a6{};
        if (inet_pton(AF_INET6, host.c_str(), &a6) != 1) {
            throw std::invalid_argument("the host must be an IP address");
        }
    } else {
        size_t colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string::npos) {
            port = authority.substr(colon + 1);
        }
        in_addr a4{};
        if (host.empty() || inet_pton(AF_INET, host.c_str(), &a4) != 1) {
            throw std::invalid_argument("the host must be an IP address");
        }
    }
    u.host = host;
    if (port.empty()) {
        u.port = u.https ? 443 : 80;
    } else {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
            throw std::invalid_argument("invalid port '" + port + "'");
        }
        unsigned long p = std::stoul(port);
        if (p == 0 || p > 65535) {
            throw std::invalid_argument("invalid port '" + port + "'");
        }
        u.port = static_cast<uint16_t>(p);
    }
    return u;
}

HaConfig parseHaConfig(const nlohmann::json& parameters) {
    if (!parameters.is_object()) {
        fail("parameters", "must be a map");
    }
    const json* list = find(parameters, "high-availability");
    if (list == nullptr) {
        fail("parameters", "'high-availability' is required");
    }
    if (!list->is_array()) {
        fail("high-availability", "must be a list of relationships");
    }
    if (list->size() != 1) {
        fail("high-availability",
             "exactly one relationship is supported, " + std::to_string(list->size()) + " given");
    }
    return parseRelationship((*list)[0], "high-availability[0]");
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
