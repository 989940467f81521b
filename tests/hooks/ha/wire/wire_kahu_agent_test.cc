// SPDX-License-Identifier: MPL-2.0
// The peer channel through the real kahu-ctrl-agent to kahu-dhcp4 (what a Kahu partner without
// the dedicated listener exposes), and Kea's own kea-shell against our dedicated listener.
#include "http_listener.h"
#include "http_peer_channel.h"
#include "lease_sync.h"
#include "wire_test_util.h"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/wait.h>

namespace kahu::ha::test {

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class WireKahuAgent : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("kahu-ha-agent-" + std::to_string(getpid()));
        fs::create_directories(dir_);
        port_ = freePort();
        std::string sock = (dir_ / "kahu4.sock").string();
        std::ofstream(dir_ / "dhcp4.json") << R"({"Dhcp4": {
            "interfaces-config": {"interfaces": []},
            "control-socket": {"socket-type": "unix", "socket-name": ")"
                                           << sock << R"("},
            "lease-database": {"type": "memfile", "persist": true, "name": ")"
                                           << (dir_ / "leases4.csv").string() << R"("},
            "subnet4": [{"id": 1, "subnet": "10.77.0.0/24"}]}})";
        std::ofstream(dir_ / "agent.json") << R"({"Control-agent": {
            "http-host": "127.0.0.1", "http-port": )"
                                           << port_ << R"(,
            "authentication": {"type": "basic", "realm": "kahu",
                               "clients": [{"user": "ha", "password": "secret"}]},
            "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": ")"
                                           << sock << R"("}}}})";
        dhcp4_ = spawn(KAHU_TEST_DHCP4, (dir_ / "dhcp4.json").string(), dir_, "dhcp4.log");
        agent_ = spawn(KAHU_TEST_AGENT, (dir_ / "agent.json").string(), dir_, "agent.log");
        partner_ = peer("kahu", port_);
        partner_.basicAuthUser = "ha";
        partner_.basicAuthPassword = "secret";
        for (int i = 0; i < 100; ++i) {
            if (call("status-get").result() == 0) {
                return;
            }
            std::this_thread::sleep_for(100ms);
        }
        FAIL() << "kahu-dhcp4/kahu-ctrl-agent did not come up; see " << dir_;
    }
    void TearDown() override {
        for (pid_t p : {agent_, dhcp4_}) {
            if (p > 0) {
                kill(p, SIGTERM);
                waitpid(p, nullptr, 0);
            }
        }
        if (!HasFailure()) {
            fs::remove_all(dir_);
        }
    }
    PeerAnswer call(const std::string& cmd, nlohmann::json args = nullptr) {
        Waiter<PeerAnswer> w;
        channel_.send(partner_, cmd, std::move(args), 5s,
                      [&](PeerAnswer a) { w.set(std::move(a)); });
        auto a = w.wait();
        return a ? *a : PeerAnswer{};
    }

    fs::path dir_;
    uint16_t port_ = 0;
    pid_t dhcp4_ = -1, agent_ = -1;
    PeerConfig partner_;
    HttpPeerChannel channel_;
};

} // namespace

TEST_F(WireKahuAgent, PartnerDisableAndEnableGoThroughTheAgent) {
    CommandCreator c;
    auto a = call(c.dhcpDisable(60).name, c.dhcpDisable(60).arguments);
    ASSERT_TRUE(a.ok()) << a.transportError;
    EXPECT_EQ(a.result(), 0) << a.answer.dump();
    a = call(c.dhcpEnable().name, c.dhcpEnable().arguments);
    EXPECT_EQ(a.result(), 0) << a.answer.dump();
    // Without the HA library the server does not know the HA commands: result 2, which the
    // sync turns into dhcp-enable.
    a = call(c.syncCompleteNotify().name, c.syncCompleteNotify().arguments);
    EXPECT_EQ(a.result(), 2);
}

TEST_F(WireKahuAgent, SyncAgainstAPartnerWithoutLeaseCommandsFailsWithItsText) {
    FakeLeases local;
    LeaseSync::Options o;
    o.leases = &local;
    Waiter<std::pair<bool, std::string>> done;
    auto sync = std::make_shared<LeaseSync>(channel_, partner_, o, [&](bool ok, std::string e) {
        done.set({ok, e});
    });
    sync->start();
    auto r = done.wait();
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->first);
    EXPECT_EQ(r->second,
              "lease4-get-page to kahu failed: result 2: 'lease4-get-page' command not supported.");
}

TEST(WireKeaShell, KeaShellTalksToOurDedicatedListener) {
    if (!fs::exists("/usr/sbin/kea-shell")) {
        GTEST_SKIP() << "kea-shell not installed";
    }
    HttpListener::Options o;
    o.host = "127.0.0.1";
    o.basicAuthUser = "ha";
    o.basicAuthPassword = "secret";
    o.restrictCommands = true;
    HttpListener l(o, [](const std::string& name, const nlohmann::json& args) {
        return nlohmann::json{{"result", 0}, {"text", "ran " + name}, {"arguments", args}};
    });
    l.start();
    auto run = [&](const std::string& cmd, const std::string& args) {
        std::string line = "echo '" + args + "' | /usr/sbin/kea-shell --host 127.0.0.1 --port " +
                           std::to_string(l.port()) +
                           " --auth-user ha --auth-password secret --service dhcp4 " + cmd +
                           " 2>&1";
        std::string out;
        FILE* f = popen(line.c_str(), "r");
        char buf[512];
        while (f && fgets(buf, sizeof(buf), f)) {
            out += buf;
        }
        if (f) {
            pclose(f);
        }
        return out;
    };
    std::string out = run("lease4-del", R"("ip-address": "10.0.0.1")");
    auto j = nlohmann::json::parse(out, nullptr, false);
    ASSERT_TRUE(j.is_array()) << out;
    EXPECT_EQ(j[0]["text"], "ran lease4-del");
    EXPECT_EQ(j[0]["arguments"]["ip-address"], "10.0.0.1");
    out = run("config-get", "");
    EXPECT_NE(out.find("403"), std::string::npos) << out; // urllib: HTTP Error 403: Forbidden
}

} // namespace kahu::ha::test
