// SPDX-License-Identifier: MPL-2.0
// The peer channel, the commands and the sync against a real Kea 2.2 partner on loopback:
// kea-ctrl-agent (basic auth) forwarding to kea-dhcp4 with Kea's lease_cmds hook. Skipped when
// Kea is not installed.
#include "http_peer_channel.h"
#include "lease_sync.h"
#include "wire_test_util.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kahu::ha::test {

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const char* kKeaDhcp4 = "/usr/sbin/kea-dhcp4";
const char* kKeaAgent = "/usr/sbin/kea-ctrl-agent";
const char* kLeaseCmds = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so";

class WireKea : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(kKeaDhcp4) || !fs::exists(kKeaAgent) || !fs::exists(kLeaseCmds)) {
            GTEST_SKIP() << "Kea 2.2 (kea-dhcp4-server, kea-ctrl-agent, kea-common) not installed";
        }
        dir_ = fs::temp_directory_path() / ("kahu-ha-kea-" + std::to_string(getpid()));
        fs::create_directories(dir_);
        port_ = freePort();
        std::string sock = (dir_ / "kea4.sock").string();
        std::ofstream(dir_ / "kea-dhcp4.json") << R"({"Dhcp4": {
            "interfaces-config": {"interfaces": []},
            "control-socket": {"socket-type": "unix", "socket-name": ")"
                                               << sock << R"("},
            "lease-database": {"type": "memfile", "persist": true, "name": ")"
                                               << (dir_ / "leases4.csv").string() << R"("},
            "hooks-libraries": [{"library": ")" << kLeaseCmds
                                               << R"("}],
            "subnet4": [{"id": 1, "subnet": "10.77.0.0/24",
                         "pools": [{"pool": "10.77.0.100 - 10.77.0.200"}]}],
            "loggers": [{"name": "kea-dhcp4", "severity": "WARN",
                         "output_options": [{"output": "stdout"}]}]}})";
        std::ofstream(dir_ / "kea-ctrl-agent.json") << R"({"Control-agent": {
            "http-host": "127.0.0.1", "http-port": )"
                                                    << port_ << R"(,
            "authentication": {"type": "basic", "realm": "kea",
                               "clients": [{"user": "ha", "password": "secret"}]},
            "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": ")"
                                                    << sock << R"("}},
            "loggers": [{"name": "kea-ctrl-agent", "severity": "WARN",
                         "output_options": [{"output": "stdout"}]}]}})";
        dhcp4_ = spawn(kKeaDhcp4, (dir_ / "kea-dhcp4.json").string(), dir_, "dhcp4.log");
        agent_ = spawn(kKeaAgent, (dir_ / "kea-ctrl-agent.json").string(), dir_, "agent.log");
        kea_ = peer("kea", port_);
        kea_.basicAuthUser = "ha";
        kea_.basicAuthPassword = "secret";
        // Ready when the agent forwards a command to the server.
        for (int i = 0; i < 100; ++i) {
            if (call("list-commands").result() == 0) {
                return;
            }
            std::this_thread::sleep_for(100ms);
        }
        FAIL() << "Kea did not come up; see " << dir_;
    }
    void TearDown() override {
        for (pid_t p : {agent_, dhcp4_}) {
            if (p > 0) {
                kill(p, SIGTERM);
                waitpid(p, nullptr, 0);
            }
        }
        if (!dir_.empty() && !HasFailure()) {
            fs::remove_all(dir_);
        }
    }
    PeerAnswer call(const std::string& cmd, nlohmann::json args = nullptr) {
        Waiter<PeerAnswer> w;
        channel_.send(kea_, cmd, std::move(args), 5s, [&](PeerAnswer a) { w.set(std::move(a)); });
        auto a = w.wait();
        return a ? *a : PeerAnswer{};
    }
    PeerAnswer call(const PeerCommand& c) { return call(c.name, c.arguments); }

    fs::path dir_;
    uint16_t port_ = 0;
    pid_t dhcp4_ = -1, agent_ = -1;
    PeerConfig kea_;
    HttpPeerChannel channel_;
};

} // namespace

TEST_F(WireKea, KeaTakesOurLeaseUpdatesAndDeletes) {
    CommandCreator c;
    Lease4 l = lease("10.77.0.100", 1795400995, 1);
    l.clientId = {1, 2, 0, 0, 0, 0, 1};
    auto a = call(c.leaseUpdate(l));
    ASSERT_TRUE(a.ok()) << a.transportError;
    EXPECT_EQ(a.result(), 0) << a.answer.dump();
    EXPECT_EQ(a.answer["text"], "IPv4 lease added.");
    a = call(c.leaseUpdate(l));
    EXPECT_EQ(a.answer["text"], "IPv4 lease updated.");
    a = call("lease4-get", {{"ip-address", "10.77.0.100"}});
    ASSERT_EQ(a.result(), 0) << a.answer.dump();
    auto back = leaseFromJson(a.answer["arguments"]);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, l);
    a = call(c.leaseDelete(l));
    EXPECT_EQ(a.result(), 0) << a.answer.dump();
    a = call(c.leaseDelete(l));
    EXPECT_EQ(a.result(), 3); // gone: what the updater counts as success
}

// Text beyond ASCII crosses as Kea writes it, both ways: Kea answers UTF-8 as one \u00xx per
// byte, which the channel reads back as those bytes (a plain JSON parser made "Ã©" of "é"), and
// a host name byte that is not UTF-8 reaches Kea as that very byte (it used to be replaced).
TEST_F(WireKea, TextBeyondAsciiCrossesBothWaysAsKeaWritesIt) {
    CommandCreator c;
    Lease4 l = lease("10.77.0.101", 1795400995, 2);
    l.hostname = "caf\xc3\xa9.example.org";
    l.userContext = {{"n\xc3\xa4me", "\xe2\x82\xac 5"}};
    auto a = call(c.leaseUpdate(l));
    ASSERT_EQ(a.result(), 0) << a.answer.dump();
    a = call("lease4-get", {{"ip-address", "10.77.0.101"}});
    ASSERT_EQ(a.result(), 0) << a.answer.dump();
    auto back = leaseFromJson(a.answer["arguments"]);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, l);

    Lease4 bytes = lease("10.77.0.102", 1795400995, 3);
    bytes.hostname = "h\xf6st\xff";
    a = call(c.leaseUpdate(bytes));
    ASSERT_EQ(a.result(), 0) << a.answer.dump();
    std::ifstream in(dir_ / "leases4.csv", std::ios::binary);
    std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(
        file.find(",caf\xc3\xa9.example.org,0,{ \"n\xc3\xa4me\": \"\\u00e2\\u0082\\u00ac 5\" }"),
        std::string::npos)
        << file;
    EXPECT_NE(file.find(",h\xf6st\xff,0,"), std::string::npos) << file;
}

TEST_F(WireKea, WrongCredentialsGiveTheAgentsMapAsAnError) {
    PeerConfig wrong = kea_;
    wrong.basicAuthPassword = "nope";
    Waiter<PeerAnswer> w;
    channel_.send(wrong, "list-commands", nullptr, 5s, [&](PeerAnswer a) { w.set(a); });
    auto a = w.wait();
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->ok()) << a->transportError;
    EXPECT_EQ(a->result(), 1);
    EXPECT_EQ(a->answer["text"], "Unauthorized");
}

TEST_F(WireKea, SyncsFromKeaAndFallsBackToDhcpEnable) {
    CommandCreator c;
    for (int i = 0; i < 25; ++i) {
        Lease4 l = lease("10.77.0." + std::to_string(100 + i), 1795400000 + i, uint8_t(i));
        ASSERT_EQ(call(c.leaseUpdate(l)).result(), 0);
    }
    FakeLeases local;
    local.add(lease("10.77.0.105", 1795500000, 99)); // newer here: kept
    LeaseSync::Options o;
    o.pageLimit = 10;
    o.leases = &local;
    Waiter<std::pair<bool, std::string>> done;
    auto sync = std::make_shared<LeaseSync>(channel_, kea_, o, [&](bool ok, std::string e) {
        done.set({ok, e});
    });
    sync->start();
    auto r = done.wait(20s);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->first) << r->second;
    EXPECT_EQ(local.size(), 25u);
    EXPECT_EQ(local.get(*Ipv4Address::fromText("10.77.0.105"))->cltt, 1795500000);
    EXPECT_EQ(local.get(*Ipv4Address::fromText("10.77.0.124"))->cltt, 1795400024);
    EXPECT_EQ(sync->stats().pages, 3u);
    // Kea without HA answered ha-sync-complete-notify with 2; dhcp-enable went instead and
    // left the server enabled.
    auto st = call("status-get");
    EXPECT_EQ(st.result(), 0);
    auto a = call(c.dhcpEnable());
    EXPECT_EQ(a.result(), 0) << a.answer.dump();
}

} // namespace kahu::ha::test
