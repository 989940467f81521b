// SPDX-License-Identifier: MPL-2.0
#include "ha_config_parser.h"
#include "ha_test_util.h"

#include <cstdio>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <unistd.h>

using namespace kahu::ha;
using namespace kahu::ha::test;
using nlohmann::json;

namespace {

// The message of the ConfigError parsing `p` throws ("" when it parses).
std::string errorOf(const json& p) {
    try {
        parseHaConfig(p);
    } catch (const kahu::ConfigError& e) {
        return e.what();
    }
    return "";
}

std::string errorOfRel(const json& rel) {
    return errorOf(params(rel));
}

} // namespace

TEST(HaConfigParser, DefaultsAreKeas) {
    HaConfig c = config();
    EXPECT_EQ(c.thisServerName, "server1");
    EXPECT_EQ(c.mode, HaMode::LoadBalancing);
    EXPECT_EQ(c.heartbeatDelay.count(), 10000);
    EXPECT_EQ(c.maxResponseDelay.count(), 60000);
    EXPECT_EQ(c.maxAckDelay.count(), 10000);
    EXPECT_EQ(c.maxUnackedClients, 10u);
    EXPECT_EQ(c.maxRejectedLeaseUpdates, 10u);
    EXPECT_EQ(c.delayedUpdatesLimit, 100u);
    EXPECT_TRUE(c.sendLeaseUpdates);
    EXPECT_TRUE(c.syncLeases);
    EXPECT_EQ(c.syncTimeout.count(), 60000);
    EXPECT_EQ(c.syncPageLimit, 10000u);
    EXPECT_FALSE(c.waitBackupAck);
    EXPECT_TRUE(c.requireClientCerts);
    EXPECT_FALSE(c.restrictCommands);
    EXPECT_FALSE(c.multiThreading.enable);
    EXPECT_FALSE(c.multiThreading.dedicatedListener);
    EXPECT_EQ(c.multiThreading.listenerThreads, 0u);
    EXPECT_EQ(c.multiThreading.clientThreads, 0u);
    EXPECT_TRUE(c.statePauses.empty());
    ASSERT_EQ(c.peers.size(), 2u);
    EXPECT_EQ(c.peers[0].host, "192.0.2.1");
    EXPECT_EQ(c.peers[0].port, 8000);
    EXPECT_FALSE(c.peers[0].https);
    EXPECT_TRUE(c.peers[0].autoFailover);
    EXPECT_EQ(c.peers[1].role, PeerRole::Secondary);
}

TEST(HaConfigParser, DelayedUpdatesLimitDefaultsToZeroOutsideLoadBalancing) {
    EXPECT_EQ(config("hot-standby").delayedUpdatesLimit, 0u);
    EXPECT_EQ(config("passive-backup").delayedUpdatesLimit, 0u);
}

TEST(HaConfigParser, ReadsEveryKey) {
    json r = relationship();
    r["heartbeat-delay"] = 1000;
    r["max-response-delay"] = 3000;
    r["max-ack-delay"] = 500;
    r["max-unacked-clients"] = 0;
    r["max-rejected-lease-updates"] = 3;
    r["delayed-updates-limit"] = 0;
    r["send-lease-updates"] = false;
    r["sync-leases"] = false;
    r["sync-timeout"] = 5000;
    r["sync-page-limit"] = 7;
    r["require-client-certs"] = false;
    r["restrict-commands"] = true;
    r["multi-threading"] = {{"enable-multi-threading", true},
                            {"http-dedicated-listener", true},
                            {"http-listener-threads", 4},
                            {"http-client-threads", 2}};
    r["state-machine"] = {{"states",
                           {{{"state", "waiting"}, {"pause", "once"}},
                            {{"state", "ready"}, {"pause", "always"}},
                            {{"state", "syncing"}}}}};
    r["peers"][1]["auto-failover"] = false;
    r["peers"][1]["basic-auth-user"] = "admin";
    r["peers"][1]["basic-auth-password"] = "secret";
    HaConfig c = parseHaConfig(params(r));
    EXPECT_EQ(c.heartbeatDelay.count(), 1000);
    EXPECT_EQ(c.maxResponseDelay.count(), 3000);
    EXPECT_EQ(c.maxAckDelay.count(), 500);
    EXPECT_EQ(c.maxUnackedClients, 0u);
    EXPECT_EQ(c.maxRejectedLeaseUpdates, 3u);
    EXPECT_EQ(c.delayedUpdatesLimit, 0u);
    EXPECT_FALSE(c.sendLeaseUpdates);
    EXPECT_FALSE(c.syncLeases);
    EXPECT_EQ(c.syncTimeout.count(), 5000);
    EXPECT_EQ(c.syncPageLimit, 7u);
    EXPECT_FALSE(c.requireClientCerts);
    EXPECT_TRUE(c.restrictCommands);
    EXPECT_TRUE(c.multiThreading.enable);
    EXPECT_TRUE(c.multiThreading.dedicatedListener);
    EXPECT_EQ(c.multiThreading.listenerThreads, 4u);
    EXPECT_EQ(c.multiThreading.clientThreads, 2u);
    ASSERT_EQ(c.statePauses.size(), 3u);
    EXPECT_EQ(c.statePauses[0].pause, StatePause::Once);
    EXPECT_EQ(c.statePauses[1].pause, StatePause::Always);
    EXPECT_EQ(c.statePauses[2].pause, StatePause::Never);
    EXPECT_FALSE(c.peers[1].autoFailover);
    EXPECT_EQ(c.peers[1].basicAuthUser, "admin");
    EXPECT_EQ(c.peers[1].basicAuthPassword, "secret");
}

TEST(HaConfigParser, PasswordFileIsReadWithoutTrailingNewline) {
    char path[] = "/tmp/kahu-ha-pwXXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "s3cret\n", 7), 7);
    close(fd);
    json r = relationship();
    r["peers"][1]["basic-auth-user"] = "admin";
    r["peers"][1]["basic-auth-password-file"] = path;
    EXPECT_EQ(parseHaConfig(params(r)).peers[1].basicAuthPassword, "s3cret");
    std::remove(path);
    EXPECT_NE(
        errorOfRel(r).find("parameters.high-availability[0].peers[1].basic-auth-password-file: "
                           "cannot read"),
        std::string::npos);
}

TEST(HaConfigParser, PeerTlsOverridesGlobalAndHttpsNeedsTls) {
    json r = relationship();
    r["peers"][0]["url"] = "https://192.0.2.1/";
    r["peers"][1]["url"] = "https://[2001:db8::2]:8443/";
    r["trust-anchor"] = "/ca";
    r["cert-file"] = "/cert";
    r["key-file"] = "/key";
    r["peers"][1]["trust-anchor"] = "/ca2";
    r["peers"][1]["cert-file"] = "/cert2";
    r["peers"][1]["key-file"] = "/key2";
    HaConfig c = parseHaConfig(params(r));
    EXPECT_TRUE(c.peers[0].https);
    EXPECT_EQ(c.peers[0].port, 443);
    EXPECT_EQ(c.peers[0].tls.certFile, "/cert");
    EXPECT_EQ(c.peers[1].host, "2001:db8::2");
    EXPECT_EQ(c.peers[1].port, 8443);
    EXPECT_EQ(c.peers[1].tls.certFile, "/cert2");
}

TEST(HaConfigParser, ThisServerPartnerAndPeer) {
    HaConfig lb = config("load-balancing", "server2", true);
    EXPECT_EQ(lb.thisServer().name, "server2");
    ASSERT_NE(lb.partner(), nullptr);
    EXPECT_EQ(lb.partner()->name, "server1");
    EXPECT_EQ(lb.peer("server3")->role, PeerRole::Backup);
    EXPECT_EQ(lb.peer("nobody"), nullptr);
    EXPECT_EQ(config("load-balancing", "server3", true).partner(), nullptr);
    EXPECT_EQ(config("passive-backup").partner(), nullptr);
    EXPECT_EQ(config("hot-standby", "server1").partner()->name, "server2");
}

struct BadCase {
    const char* what;
    std::function<void(json&)> change;
    const char* expected; // a prefix of the message
};

TEST(HaConfigParser, EveryErrorNamesItsKeyPath) {
    const std::vector<BadCase> cases = {
        {"no this-server-name", [](json& r) { r.erase("this-server-name"); },
         "parameters.high-availability[0]: missing 'this-server-name'"},
        {"empty this-server-name", [](json& r) { r["this-server-name"] = ""; },
         "parameters.high-availability[0].this-server-name: must not be empty"},
        {"this-server-name not a peer", [](json& r) { r["this-server-name"] = "x"; },
         "parameters.high-availability[0].this-server-name: 'x' does not match"},
        {"this-server-name not a string", [](json& r) { r["this-server-name"] = 1; },
         "parameters.high-availability[0].this-server-name: expected a string, got number"},
        {"no mode", [](json& r) { r.erase("mode"); },
         "parameters.high-availability[0]: missing 'mode'"},
        {"bad mode", [](json& r) { r["mode"] = "active"; },
         "parameters.high-availability[0].mode: 'active' is not one of: load-balancing, "
         "hot-standby, passive-backup"},
        {"heartbeat-delay too big", [](json& r) { r["heartbeat-delay"] = 65536; },
         "parameters.high-availability[0].heartbeat-delay: value 65536 out of range 0..65535"},
        {"max-response-delay negative", [](json& r) { r["max-response-delay"] = -1; },
         "parameters.high-availability[0].max-response-delay: value -1 out of range 0..65535"},
        {"max-ack-delay too big", [](json& r) { r["max-ack-delay"] = 70000; },
         "parameters.high-availability[0].max-ack-delay: value 70000 out of range 0..65535"},
        {"max-unacked-clients a string", [](json& r) { r["max-unacked-clients"] = "1"; },
         "parameters.high-availability[0].max-unacked-clients: expected an integer, got string"},
        {"max-rejected-lease-updates too big",
         [](json& r) { r["max-rejected-lease-updates"] = 4294967296LL; },
         "parameters.high-availability[0].max-rejected-lease-updates: value 4294967296 out of "
         "range 0..4294967295"},
        {"send-lease-updates not bool", [](json& r) { r["send-lease-updates"] = 1; },
         "parameters.high-availability[0].send-lease-updates: expected a boolean, got number"},
        {"sync-leases not bool", [](json& r) { r["sync-leases"] = "yes"; },
         "parameters.high-availability[0].sync-leases: expected a boolean, got string"},
        {"sync-timeout float", [](json& r) { r["sync-timeout"] = 1.5; },
         "parameters.high-availability[0].sync-timeout: expected an integer, got number"},
        {"sync-page-limit zero", [](json& r) { r["sync-page-limit"] = 0; },
         "parameters.high-availability[0].sync-page-limit: must be greater than 0"},
        {"wait-backup-ack outside passive-backup", [](json& r) { r["wait-backup-ack"] = true; },
         "parameters.high-availability[0].wait-backup-ack: must be false"},
        {"TLS incomplete", [](json& r) { r["cert-file"] = "/c"; },
         "parameters.high-availability[0]: 'trust-anchor', 'cert-file' and 'key-file'"},
        {"TLS with http",
         [](json& r) {
             r["trust-anchor"] = "/a";
             r["cert-file"] = "/c";
             r["key-file"] = "/k";
         },
         "parameters.high-availability[0].peers[0].url: TLS is configured but the URL"},
        {"https without TLS", [](json& r) { r["peers"][1]["url"] = "https://192.0.2.2/"; },
         "parameters.high-availability[0].peers[1].url: an https URL requires TLS"},
        {"multi-threading not a map", [](json& r) { r["multi-threading"] = true; },
         "parameters.high-availability[0].multi-threading: expected a map, got boolean"},
        {"mt threads negative",
         [](json& r) {
             r["multi-threading"] = {{"http-client-threads", -2}};
         },
         "parameters.high-availability[0].multi-threading.http-client-threads: value -2 out of "
         "range 0..4294967295"},
        {"state-machine states not a list",
         [](json& r) {
             r["state-machine"] = {{"states", 1}};
         },
         "parameters.high-availability[0].state-machine.states: expected a list, got number"},
        {"unknown state",
         [](json& r) {
             r["state-machine"] = {{"states", {{{"state", "dancing"}}}}};
         },
         "parameters.high-availability[0].state-machine.states[0].state: unknown state 'dancing'"},
        {"duplicate state",
         [](json& r) {
             r["state-machine"] = {{"states", {{{"state", "ready"}}, {{"state", "ready"}}}}};
         },
         "parameters.high-availability[0].state-machine.states[1].state: duplicated configuration"},
        {"bad pause",
         [](json& r) {
             r["state-machine"] = {{"states", {{{"state", "ready"}, {"pause", "twice"}}}}};
         },
         "parameters.high-availability[0].state-machine.states[0].pause: 'twice' is not one of: "
         "always, never, once"},
        {"no peers", [](json& r) { r.erase("peers"); },
         "parameters.high-availability[0]: missing 'peers'"},
        {"empty peers", [](json& r) { r["peers"] = json::array(); },
         "parameters.high-availability[0].peers: must be a non-empty list"},
        {"peer not a map", [](json& r) { r["peers"][1] = "server2"; },
         "parameters.high-availability[0].peers[1]: expected a map, got string"},
        {"peer without name", [](json& r) { r["peers"][1].erase("name"); },
         "parameters.high-availability[0].peers[1]: missing 'name'"},
        {"duplicate peer name", [](json& r) { r["peers"][1]["name"] = "server1"; },
         "parameters.high-availability[0].peers[1].name: peer with name 'server1' already "
         "specified"},
        {"peer without url", [](json& r) { r["peers"][1].erase("url"); },
         "parameters.high-availability[0].peers[1]: missing 'url'"},
        {"url with host name", [](json& r) { r["peers"][1]["url"] = "http://kea.example/"; },
         "parameters.high-availability[0].peers[1].url: invalid URL 'http://kea.example/': the "
         "host must "
         "be an IP address"},
        {"url with ftp", [](json& r) { r["peers"][1]["url"] = "ftp://192.0.2.2/"; },
         "parameters.high-availability[0].peers[1].url: invalid URL 'ftp://192.0.2.2/': the "
         "scheme"},
        {"url with bad port", [](json& r) { r["peers"][1]["url"] = "http://192.0.2.2:99999/"; },
         "parameters.high-availability[0].peers[1].url: invalid URL 'http://192.0.2.2:99999/': "
         "invalid "
         "port"},
        {"peer without role", [](json& r) { r["peers"][1].erase("role"); },
         "parameters.high-availability[0].peers[1]: missing 'role'"},
        {"bad role", [](json& r) { r["peers"][1]["role"] = "leader"; },
         "parameters.high-availability[0].peers[1].role: 'leader' is not one of: primary, "
         "secondary, standby, backup"},
        {"auto-failover not bool", [](json& r) { r["peers"][1]["auto-failover"] = "no"; },
         "parameters.high-availability[0].peers[1].auto-failover: expected a boolean, got string"},
        {"user with colon", [](json& r) { r["peers"][1]["basic-auth-user"] = "a:b"; },
         "parameters.high-availability[0].peers[1].basic-auth-user: the user name must not "
         "contain"},
        {"both password keys",
         [](json& r) {
             r["peers"][1]["basic-auth-password"] = "x";
             r["peers"][1]["basic-auth-password-file"] = "/x";
         },
         "parameters.high-availability[0].peers[1]: only one of 'basic-auth-password' and"},
        {"two primaries", [](json& r) { r["peers"][1]["role"] = "primary"; },
         "parameters.high-availability[0].peers: multiple primary servers specified"},
        {"lb without secondary", [](json& r) { r["peers"][1]["role"] = "backup"; },
         "parameters.high-availability[0].peers: secondary server required in the load balancing"},
        {"lb with standby",
         [](json& r) {
             r["peers"].push_back(
                 {{"name", "s9"}, {"url", "http://192.0.2.9/"}, {"role", "standby"}});
         },
         "parameters.high-availability[0].peers: standby servers not allowed in the load "
         "balancing"},
        {"hs with secondary", [](json& r) { r["mode"] = "hot-standby"; },
         "parameters.high-availability[0].peers: standby server required in the hot standby"},
        {"delayed-updates-limit in hot-standby",
         [](json& r) {
             r["mode"] = "hot-standby";
             r["peers"][1]["role"] = "standby";
             r["delayed-updates-limit"] = 5;
         },
         "parameters.high-availability[0].delayed-updates-limit: must be 0 unless"},
        {"passive-backup with secondary", [](json& r) { r["mode"] = "passive-backup"; },
         "parameters.high-availability[0].peers: secondary servers not allowed in the passive "
         "backup"},
    };
    for (const auto& c : cases) {
        json r = relationship();
        c.change(r);
        std::string msg = errorOfRel(r);
        EXPECT_EQ(msg.rfind(c.expected, 0), 0u) << c.what << ": got '" << msg << "'";
    }
}

TEST(HaConfigParser, TheListMustHoldExactlyOneRelationship) {
    EXPECT_EQ(errorOf(json::object()), "parameters: missing 'high-availability'");
    EXPECT_EQ(errorOf({{"high-availability", json::object()}}),
              "parameters.high-availability: expected a list, got object");
    EXPECT_EQ(errorOf({{"high-availability", json::array()}}),
              "parameters.high-availability: exactly one relationship is supported, 0 given");
    EXPECT_EQ(errorOf({{"high-availability", {relationship(), relationship()}}}),
              "parameters.high-availability: exactly one relationship is supported, 2 given");
    EXPECT_EQ(errorOf({{"high-availability", {1}}}),
              "parameters.high-availability[0]: expected a map, got number");
    EXPECT_EQ(errorOf(json::array()), "parameters: expected a map, got array");
}

TEST(HaConfigParser, UnknownKeysAreRefusedWhereTheyAre) {
    json r = relationship();
    r["heartbeat-dely"] = 1000;
    EXPECT_EQ(errorOfRel(r), "parameters.high-availability[0]: unknown key 'heartbeat-dely'");
    r = relationship();
    r["peers"][1]["auto-failvoer"] = false;
    EXPECT_EQ(errorOfRel(r),
              "parameters.high-availability[0].peers[1]: unknown key 'auto-failvoer'");
    r = relationship();
    r["multi-threading"] = {{"enable-multi-threading", true}, {"http-threads", 2}};
    EXPECT_EQ(errorOfRel(r),
              "parameters.high-availability[0].multi-threading: unknown key 'http-threads'");
    r = relationship();
    r["state-machine"] = {{"states", {{{"state", "ready"}, {"paused", "once"}}}}};
    EXPECT_EQ(errorOfRel(r),
              "parameters.high-availability[0].state-machine.states[0]: unknown key 'paused'");
    EXPECT_EQ(errorOf({{"high-availability", {relationship()}}, {"sync", true}}),
              "parameters: unknown key 'sync'");
}

TEST(HaConfigParser, AMisplacedKeySaysWhereItBelongs) {
    json r = relationship();
    r["auto-failover"] = false;
    EXPECT_EQ(errorOfRel(r), "parameters.high-availability[0]: unknown key 'auto-failover' "
                             "('auto-failover' belongs in parameters.high-availability[].peers[])");
    r = relationship();
    r["peers"][0]["heartbeat-delay"] = 1000;
    EXPECT_EQ(errorOfRel(r), "parameters.high-availability[0].peers[0]: unknown key "
                             "'heartbeat-delay' ('heartbeat-delay' belongs in "
                             "parameters.high-availability[])");
}

TEST(HaConfigParser, CommentAndUserContextAreAcceptedInEveryMap) {
    json r = relationship();
    r["comment"] = "the pair in building A";
    r["user-context"] = {{"rack", 4}};
    r["peers"][0]["comment"] = "this server";
    r["multi-threading"] = {{"comment", "defaults"}};
    EXPECT_EQ(errorOfRel(r), "");
    json p = params(relationship());
    p["comment"] = "HA";
    EXPECT_EQ(errorOf(p), "");
}

TEST(HaConfigParser, AnUnknownKeyIsReportedBeforeTheChecksAcrossKeys) {
    // The misspelt key is the mistake to show, not a consequence checked after the reading.
    json r = relationship();
    r["this-server-name"] = "nobody";
    r["heartbeat"] = 1;
    EXPECT_EQ(errorOfRel(r), "parameters.high-availability[0]: unknown key 'heartbeat'");
}

TEST(HaConfigParser, WaitBackupAckIsAllowedInPassiveBackup) {
    json r = relationship("passive-backup");
    r["wait-backup-ack"] = true;
    EXPECT_TRUE(parseHaConfig(params(r)).waitBackupAck);
}
