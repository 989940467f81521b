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

// The message of the HookError parsing `p` throws ("" when it parses).
std::string errorOf(const json& p) {
    try {
        parseHaConfig(p);
    } catch (const kahu::HookError& e) {
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
    r["unknown-key"] = "ignored, as Kea does";
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
    EXPECT_NE(errorOfRel(r).find("high-availability[0].peers[1].basic-auth-password-file: "
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
         "high-availability[0]: 'this-server-name' is required"},
        {"empty this-server-name", [](json& r) { r["this-server-name"] = ""; },
         "high-availability[0].this-server-name: must not be empty"},
        {"this-server-name not a peer", [](json& r) { r["this-server-name"] = "x"; },
         "high-availability[0].this-server-name: 'x' does not match"},
        {"this-server-name not a string", [](json& r) { r["this-server-name"] = 1; },
         "high-availability[0].this-server-name: must be a string"},
        {"no mode", [](json& r) { r.erase("mode"); }, "high-availability[0]: 'mode' is required"},
        {"bad mode", [](json& r) { r["mode"] = "active"; },
         "high-availability[0].mode: unsupported value 'active'"},
        {"heartbeat-delay too big", [](json& r) { r["heartbeat-delay"] = 65536; },
         "high-availability[0].heartbeat-delay: value 65536 is out of range 0..65535"},
        {"max-response-delay negative", [](json& r) { r["max-response-delay"] = -1; },
         "high-availability[0].max-response-delay: value -1 is out of range"},
        {"max-ack-delay too big", [](json& r) { r["max-ack-delay"] = 70000; },
         "high-availability[0].max-ack-delay: value 70000 is out of range"},
        {"max-unacked-clients a string", [](json& r) { r["max-unacked-clients"] = "1"; },
         "high-availability[0].max-unacked-clients: must be an integer"},
        {"max-rejected-lease-updates too big",
         [](json& r) { r["max-rejected-lease-updates"] = 4294967296LL; },
         "high-availability[0].max-rejected-lease-updates: value 4294967296 is out of range"},
        {"send-lease-updates not bool", [](json& r) { r["send-lease-updates"] = 1; },
         "high-availability[0].send-lease-updates: must be a boolean"},
        {"sync-leases not bool", [](json& r) { r["sync-leases"] = "yes"; },
         "high-availability[0].sync-leases: must be a boolean"},
        {"sync-timeout float", [](json& r) { r["sync-timeout"] = 1.5; },
         "high-availability[0].sync-timeout: must be an integer"},
        {"sync-page-limit zero", [](json& r) { r["sync-page-limit"] = 0; },
         "high-availability[0].sync-page-limit: must be greater than 0"},
        {"wait-backup-ack outside passive-backup", [](json& r) { r["wait-backup-ack"] = true; },
         "high-availability[0].wait-backup-ack: must be false"},
        {"TLS incomplete", [](json& r) { r["cert-file"] = "/c"; },
         "high-availability[0]: 'trust-anchor', 'cert-file' and 'key-file'"},
        {"TLS with http",
         [](json& r) {
             r["trust-anchor"] = "/a";
             r["cert-file"] = "/c";
             r["key-file"] = "/k";
         },
         "high-availability[0].peers[0].url: TLS is configured but the URL"},
        {"https without TLS", [](json& r) { r["peers"][1]["url"] = "https://192.0.2.2/"; },
         "high-availability[0].peers[1].url: an https URL requires TLS"},
        {"multi-threading not a map", [](json& r) { r["multi-threading"] = true; },
         "high-availability[0].multi-threading: must be a map"},
        {"mt threads negative",
         [](json& r) {
             r["multi-threading"] = {{"http-client-threads", -2}};
         },
         "high-availability[0].multi-threading.http-client-threads: value -2 is out of range"},
        {"state-machine states not a list",
         [](json& r) {
             r["state-machine"] = {{"states", 1}};
         },
         "high-availability[0].state-machine.states: must be a list"},
        {"unknown state",
         [](json& r) {
             r["state-machine"] = {{"states", {{{"state", "dancing"}}}}};
         },
         "high-availability[0].state-machine.states[0].state: unknown state 'dancing'"},
        {"duplicate state",
         [](json& r) {
             r["state-machine"] = {{"states", {{{"state", "ready"}}, {{"state", "ready"}}}}};
         },
         "high-availability[0].state-machine.states[1].state: duplicated configuration"},
        {"bad pause",
         [](json& r) {
             r["state-machine"] = {{"states", {{{"state", "ready"}, {"pause", "twice"}}}}};
         },
         "high-availability[0].state-machine.states[0].pause: unsupported value 'twice'"},
        {"no peers", [](json& r) { r.erase("peers"); },
         "high-availability[0]: 'peers' is required"},
        {"empty peers", [](json& r) { r["peers"] = json::array(); },
         "high-availability[0].peers: must be a non-empty list"},
        {"peer not a map", [](json& r) { r["peers"][1] = "server2"; },
         "high-availability[0].peers[1]: a peer must be a map"},
        {"peer without name", [](json& r) { r["peers"][1].erase("name"); },
         "high-availability[0].peers[1]: 'name' is required"},
        {"duplicate peer name", [](json& r) { r["peers"][1]["name"] = "server1"; },
         "high-availability[0].peers[1].name: peer with name 'server1' already specified"},
        {"peer without url", [](json& r) { r["peers"][1].erase("url"); },
         "high-availability[0].peers[1]: 'url' is required"},
        {"url with host name", [](json& r) { r["peers"][1]["url"] = "http://kea.example/"; },
         "high-availability[0].peers[1].url: invalid URL 'http://kea.example/': the host must "
         "be an IP address"},
        {"url with ftp", [](json& r) { r["peers"][1]["url"] = "ftp://192.0.2.2/"; },
         "high-availability[0].peers[1].url: invalid URL 'ftp://192.0.2.2/': the scheme"},
        {"url with bad port", [](json& r) { r["peers"][1]["url"] = "http://192.0.2.2:99999/"; },
         "high-availability[0].peers[1].url: invalid URL 'http://192.0.2.2:99999/': invalid "
         "port"},
        {"peer without role", [](json& r) { r["peers"][1].erase("role"); },
         "high-availability[0].peers[1]: 'role' is required"},
        {"bad role", [](json& r) { r["peers"][1]["role"] = "leader"; },
         "high-availability[0].peers[1].role: unsupported value 'leader'"},
        {"auto-failover not bool", [](json& r) { r["peers"][1]["auto-failover"] = "no"; },
         "high-availability[0].peers[1].auto-failover: must be a boolean"},
        {"user with colon", [](json& r) { r["peers"][1]["basic-auth-user"] = "a:b"; },
         "high-availability[0].peers[1].basic-auth-user: the user name must not contain"},
        {"both password keys",
         [](json& r) {
             r["peers"][1]["basic-auth-password"] = "x";
             r["peers"][1]["basic-auth-password-file"] = "/x";
         },
         "high-availability[0].peers[1]: only one of 'basic-auth-password' and"},
        {"two primaries", [](json& r) { r["peers"][1]["role"] = "primary"; },
         "high-availability[0].peers: multiple primary servers specified"},
        {"lb without secondary", [](json& r) { r["peers"][1]["role"] = "backup"; },
         "high-availability[0].peers: secondary server required in the load balancing"},
        {"lb with standby",
         [](json& r) {
             r["peers"].push_back(
                 {{"name", "s9"}, {"url", "http://192.0.2.9/"}, {"role", "standby"}});
         },
         "high-availability[0].peers: standby servers not allowed in the load balancing"},
        {"hs with secondary", [](json& r) { r["mode"] = "hot-standby"; },
         "high-availability[0].peers: standby server required in the hot standby"},
        {"delayed-updates-limit in hot-standby",
         [](json& r) {
             r["mode"] = "hot-standby";
             r["peers"][1]["role"] = "standby";
             r["delayed-updates-limit"] = 5;
         },
         "high-availability[0].delayed-updates-limit: must be 0 unless"},
        {"passive-backup with secondary", [](json& r) { r["mode"] = "passive-backup"; },
         "high-availability[0].peers: secondary servers not allowed in the passive backup"},
    };
    for (const auto& c : cases) {
        json r = relationship();
        c.change(r);
        std::string msg = errorOfRel(r);
        EXPECT_EQ(msg.rfind(c.expected, 0), 0u) << c.what << ": got '" << msg << "'";
    }
}

TEST(HaConfigParser, TheListMustHoldExactlyOneRelationship) {
    EXPECT_EQ(errorOf(json::object()), "parameters: 'high-availability' is required");
    EXPECT_EQ(errorOf({{"high-availability", json::object()}}),
              "high-availability: must be a list of relationships");
    EXPECT_EQ(errorOf({{"high-availability", json::array()}}),
              "high-availability: exactly one relationship is supported, 0 given");
    EXPECT_EQ(errorOf({{"high-availability", {relationship(), relationship()}}}),
              "high-availability: exactly one relationship is supported, 2 given");
    EXPECT_EQ(errorOf({{"high-availability", {1}}}),
              "high-availability[0]: a relationship must be a map");
}

TEST(HaConfigParser, WaitBackupAckIsAllowedInPassiveBackup) {
    json r = relationship("passive-backup");
    r["wait-backup-ack"] = true;
    EXPECT_TRUE(parseHaConfig(params(r)).waitBackupAck);
}
