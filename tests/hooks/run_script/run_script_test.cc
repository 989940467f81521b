// SPDX-License-Identifier: MPL-2.0
// libdhcp_run_script.so: the environment of each DHCPv4 hook point (Kea 2.2's names, values
// and order), the runner that starts the program off the packet path, and the library's
// parameters and path confinement through the hook framework.
#include "hooks/hook_set.h"
#include "run_script_env.h"
#include "script_runner.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/log.h>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace kahu::run_script {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

Ipv4Address ip(const char* t) {
    return *Ipv4Address::fromText(t);
}

// A relayed REQUEST as a UDP socket delivers it: no link-layer addresses, option 82 with the
// remote-id before the circuit-id on the wire.
Packet4 relayedRequest() {
    Packet4 q;
    q.setMessageType(MessageType::Request);
    q.xid = 0x01020304;
    q.localAddr = ip("192.0.2.1");
    q.localPort = 67;
    q.remoteAddr = ip("192.0.2.254");
    q.remotePort = 67;
    q.ifindex = 7;
    q.iface = "eth1";
    q.hops = 1;
    q.secs = 5;
    q.flags = 0x8000;
    q.ciaddr = ip("10.0.0.5");
    q.giaddr = ip("192.0.2.254");
    q.hlen = 6;
    q.chaddr = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
    q.set(opt::kRelayAgentInfo, {2, 2, 0xbe, 0xef, 1, 3, 'e', 't', '0'});
    return q;
}

Lease4 lease(const char* address) {
    Lease4 l;
    l.address = ip(address);
    l.hwAddr = *HwAddr::fromText("52:54:00:ab:cd:ef");
    l.clientId = {0x01, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
    l.validLifetime = 3600;
    l.cltt = 1767225600;
    l.subnetId = 10;
    l.hostname = "pc1.example.org";
    return l;
}

const Env kQuery = {
    "QUERY4_TYPE=DHCPREQUEST",
    "QUERY4_TXID=16909060",
    "QUERY4_LOCAL_ADDR=192.0.2.1",
    "QUERY4_LOCAL_PORT=67",
    "QUERY4_REMOTE_ADDR=192.0.2.254",
    "QUERY4_REMOTE_PORT=67",
    "QUERY4_IFACE_INDEX=7",
    "QUERY4_IFACE_NAME=eth1",
    "QUERY4_HOPS=1",
    "QUERY4_SECS=5",
    "QUERY4_FLAGS=32768",
    "QUERY4_CIADDR=10.0.0.5",
    "QUERY4_SIADDR=0.0.0.0",
    "QUERY4_YIADDR=0.0.0.0",
    "QUERY4_GIADDR=192.0.2.254",
    "QUERY4_RELAYED=true",
    "QUERY4_HWADDR=52:54:00:ab:cd:ef",
    "QUERY4_HWADDR_TYPE=1",
    "QUERY4_LOCAL_HWADDR=",
    "QUERY4_LOCAL_HWADDR_TYPE=",
    "QUERY4_REMOTE_HWADDR=",
    "QUERY4_REMOTE_HWADDR_TYPE=",
    "QUERY4_OPTION_82=0x01036574300202BEEF", // sub-options in code order, as Kea packs them
    "QUERY4_OPTION_82_SUB_OPTION_1=0x657430",
    "QUERY4_OPTION_82_SUB_OPTION_2=0xBEEF",
};

Env expectedLease(const std::string& p, const char* address, const char* state = "default") {
    return {p + "_ADDRESS=" + address,
            p + "_CLTT=1767225600",
            p + "_HOSTNAME=pc1.example.org",
            p + "_HWADDR=52:54:00:ab:cd:ef",
            p + "_HWADDR_TYPE=1",
            p + "_STATE=" + state,
            p + "_SUBNET_ID=10",
            p + "_VALID_LIFETIME=3600",
            p + "_CLIENT_ID=01:52:54:00:ab:cd:ef"};
}

Env concat(std::initializer_list<Env> parts) {
    Env all;
    for (const Env& p : parts) {
        all.insert(all.end(), p.begin(), p.end());
    }
    return all;
}

} // namespace

TEST(RunScriptEnv, Lease4RenewHasTheQuerySubnetClientAndLease) {
    Packet4 q = relayedRequest();
    Subnet s;
    s.id = 10;
    s.prefix = {ip("10.0.0.0"), 24};
    ClientId cid = {0x01, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
    HwAddr hw = q.hwAddr();
    Lease4 l = lease("10.0.0.5");
    hooks::Lease4RenewArgs args{q, s, &cid, hw, l};
    EXPECT_EQ(renewEnv(args),
              concat({kQuery,
                      {"SUBNET4_ID=10", "SUBNET4_NAME=10.0.0.0/24", "SUBNET4_PREFIX=10.0.0.0",
                       "SUBNET4_PREFIX_LEN=24", "PKT4_CLIENT_ID=01:52:54:00:ab:cd:ef",
                       "PKT4_HWADDR=52:54:00:ab:cd:ef", "PKT4_HWADDR_TYPE=1"},
                      expectedLease("LEASE4", "10.0.0.5")}));
    // match-client-id false: the server passes no client identifier.
    hooks::Lease4RenewArgs noCid{q, s, nullptr, hw, l};
    EXPECT_EQ(renewEnv(noCid)[29], "PKT4_CLIENT_ID=");
}

TEST(RunScriptEnv, RawSocketQueryHasLinkLayerAddressesAndNoOption82) {
    Packet4 q;
    q.setMessageType(MessageType::Release);
    q.localAddr = ip("10.0.0.1");
    q.remoteAddr = ip("10.0.0.5");
    q.remotePort = 68;
    q.giaddr = ip("255.255.255.255"); // Kea: not relayed
    q.chaddr = {0x02, 0, 0, 0, 0, 0x01};
    q.localMac = {0x02, 0, 0, 0, 0, 0xfe};
    q.remoteMac = {0x02, 0, 0, 0, 0, 0x01};
    Lease4 l = lease("10.0.0.5");
    Env env = releaseEnv(hooks::Lease4ReleaseArgs{q, l});
    ASSERT_EQ(env.size(), 22u + 9u) << "no QUERY4_OPTION_82* without option 82";
    EXPECT_EQ(env[0], "QUERY4_TYPE=DHCPRELEASE");
    EXPECT_EQ(env[15], "QUERY4_RELAYED=false");
    EXPECT_EQ(env[16], "QUERY4_HWADDR=02:00:00:00:00:01");
    EXPECT_EQ(env[18], "QUERY4_LOCAL_HWADDR=02:00:00:00:00:fe");
    EXPECT_EQ(env[19], "QUERY4_LOCAL_HWADDR_TYPE=1");
    EXPECT_EQ(env[20], "QUERY4_REMOTE_HWADDR=02:00:00:00:00:01");
    EXPECT_EQ(env[21], "QUERY4_REMOTE_HWADDR_TYPE=1");
    EXPECT_EQ(Env(env.begin() + 22, env.end()), expectedLease("LEASE4", "10.0.0.5"));
}

TEST(RunScriptEnv, Leases4CommittedNumbersEachLease) {
    Packet4 q = relayedRequest();
    Packet4 response;
    std::vector<Lease4> leases = {lease("10.0.0.5"), lease("10.0.0.6")};
    Lease4 old = lease("10.0.0.9");
    old.clientId.clear();
    old.hostname.clear();
    std::vector<Lease4> deleted = {old};
    Env env = committedEnv(hooks::Leases4CommittedArgs{q, &response, leases, deleted});
    Env oldEnv = expectedLease("DELETED_LEASES4_AT0", "10.0.0.9");
    oldEnv[2] = "DELETED_LEASES4_AT0_HOSTNAME=";
    oldEnv[8] = "DELETED_LEASES4_AT0_CLIENT_ID=";
    EXPECT_EQ(env, concat({kQuery,
                           {"LEASES4_SIZE=2"},
                           expectedLease("LEASES4_AT0", "10.0.0.5"),
                           expectedLease("LEASES4_AT1", "10.0.0.6"),
                           {"DELETED_LEASES4_SIZE=1"},
                           oldEnv}));
    std::vector<Lease4> none;
    Env empty = committedEnv(hooks::Leases4CommittedArgs{q, nullptr, none, none});
    EXPECT_EQ(Env(empty.end() - 2, empty.end()), (Env{"LEASES4_SIZE=0", "DELETED_LEASES4_SIZE=0"}));
}

TEST(RunScriptEnv, ExpireRecoverAndDeclineCarryTheLease) {
    Lease4 l = lease("10.0.0.7");
    bool remove = true;
    EXPECT_EQ(expireEnv(hooks::Lease4ExpireArgs{l, remove}),
              concat({expectedLease("LEASE4", "10.0.0.7"), {"REMOVE_LEASE=true"}}));
    remove = false;
    EXPECT_EQ(expireEnv(hooks::Lease4ExpireArgs{l, remove}).back(), "REMOVE_LEASE=false");

    // A declined lease as the server keeps it: no identity left but the hardware type.
    Lease4 declined = l;
    declined.state = LeaseState::Declined;
    declined.hwAddr = HwAddr{};
    declined.clientId.clear();
    declined.hostname.clear();
    Env env = recoverEnv(hooks::Lease4RecoverArgs{declined});
    EXPECT_EQ(env, (Env{"LEASE4_ADDRESS=10.0.0.7", "LEASE4_CLTT=1767225600", "LEASE4_HOSTNAME=",
                        "LEASE4_HWADDR=", "LEASE4_HWADDR_TYPE=1", "LEASE4_STATE=declined",
                        "LEASE4_SUBNET_ID=10", "LEASE4_VALID_LIFETIME=3600", "LEASE4_CLIENT_ID="}));

    Packet4 q = relayedRequest();
    q.setMessageType(MessageType::Decline);
    Env dec = declineEnv(hooks::Lease4DeclineArgs{q, l});
    EXPECT_EQ(dec.front(), "QUERY4_TYPE=DHCPDECLINE");
    EXPECT_EQ(Env(dec.end() - 9, dec.end()), expectedLease("LEASE4", "10.0.0.7"));
}

TEST(RunScriptEnv, KeaTextsOfStatesAndOptionData) {
    EXPECT_EQ(leaseStateText(LeaseState::ExpiredReclaimed), "expired-reclaimed");
    EXPECT_EQ(leaseStateText(static_cast<LeaseState>(7)), "unknown (7)");
    const uint8_t data[] = {0x00, 0xab, 0x0f};
    EXPECT_EQ(optionHex(data, 3), "0x00AB0F");
    EXPECT_EQ(optionHex(data, 0), "");
    // Option 82 whose content is not sub-options is printed as it came.
    Packet4 q = relayedRequest();
    q.set(opt::kRelayAgentInfo, {1, 9, 'x'});
    Lease4 l = lease("10.0.0.5");
    Env env = releaseEnv(hooks::Lease4ReleaseArgs{q, l});
    EXPECT_EQ(env[22], "QUERY4_OPTION_82=0x010978");
}

// ---------------------------------------------------------------------------------------------
// The runner and the library, with real programs in a temporary script directory.

class RunScriptProgram : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/kahu-run-script-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        out_ = dir_ + "/out";
        setenv("KAHU_HOOK_SCRIPTS_PATH", dir_.c_str(), 1);
        setenv("KEA_HOOK_SCRIPTS_PATH", (dir_ + "/kea").c_str(), 1);
        setenv("KAHU_HOOKS_PATH", KAHU_TEST_HOOKS_BUILD_DIR, 1);
        // Records its arguments and its whole environment (but PWD, which the shell adds).
        recorder_ = script("record.sh", "#!/bin/sh\nunset PWD\n"
                                        "{ echo \"argc=$# $1\"; /usr/bin/env | /usr/bin/sort; "
                                        "echo end; } >> " +
                                            out_ + "\n");
    }
    void TearDown() override {
        for (pid_t pid : hung_) {
            ::kill(pid, SIGKILL);
        }
        fs::remove_all(dir_);
    }
    std::string script(const std::string& name, const std::string& text, mode_t mode = 0750) {
        std::string path = dir_ + "/" + name;
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path;
    }
    std::string waitFor(const std::string& path, const std::string& marker,
                        std::chrono::milliseconds limit = 5s) {
        auto until = std::chrono::steady_clock::now() + limit;
        std::string text;
        while (std::chrono::steady_clock::now() < until) {
            std::ifstream f(path);
            std::stringstream ss;
            ss << f.rdbuf();
            text = ss.str();
            if (text.find(marker) != std::string::npos) {
                break;
            }
            std::this_thread::sleep_for(10ms);
        }
        return text;
    }
    std::string loadError(const nlohmann::json& params) {
        try {
            hooks::loadHookSet({{"libdhcp_run_script.so", params, "rs.json:3:9"}},
                               hooks::LoadMode::Load, true)
                ->unload();
        } catch (const HookError& e) {
            return e.what();
        }
        return "";
    }

    std::string dir_, out_, recorder_;
    std::vector<pid_t> hung_;
};

const std::string kLoadFailed = "hook library 'libdhcp_run_script.so' (rs.json:3:9): load() "
                                "failed: rs.json:3:9: Dhcp4.hooks-libraries[0].parameters";

TEST_F(RunScriptProgram, RunnerGivesExactlyTheEnvironmentAndTheHookPoint) {
    auto runner = std::make_unique<ScriptRunner>(recorder_, log::get("kahu-dhcp4.test"));
    runner->submit("lease4_expire", {"LEASE4_ADDRESS=10.0.0.7", "REMOVE_LEASE=false", "A=b c"});
    ASSERT_TRUE(runner->waitStarted(5s));
    EXPECT_EQ(waitFor(out_, "end\n"),
              "argc=1 lease4_expire\nA=b c\nLEASE4_ADDRESS=10.0.0.7\nREMOVE_LEASE=false\nend\n");
    EXPECT_EQ(runner->failures(), 0u);
    // The program was never this process's child: nothing is left to reap.
    EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
}

TEST_F(RunScriptProgram, ProgramInheritsNoDescriptorButTheStandardOnes) {
    int fd = ::open("/dev/null", O_RDONLY); // no O_CLOEXEC: a careless server descriptor
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::dup2(fd, 57), 57);
    std::string probe =
        script("fds.sh", "#!/bin/sh\n"
                         "if [ -e /proc/$$/fd/57 ]; then r=leaked; else r=closed; fi\n"
                         "if [ -e /proc/$$/fd/2 ]; then e=stderr; fi\n"
                         "echo \"$r $e\" > " +
                             out_ + "\n");
    auto runner = std::make_unique<ScriptRunner>(probe, log::get("kahu-dhcp4.test"));
    runner->submit("lease4_release", {});
    ASSERT_TRUE(runner->waitStarted(5s));
    EXPECT_EQ(waitFor(out_, "\n"), "closed stderr\n");
    ::close(57);
    ::close(fd);
}

TEST_F(RunScriptProgram, AHangingProgramHoldsNeitherTheQueueNorTheShutdown) {
    std::string pidFile = dir_ + "/hung.pid";
    std::string hang = script("hang.sh", "#!/bin/sh\necho $$ > " + pidFile + "\nexec sleep 60\n");
    auto runner = std::make_unique<ScriptRunner>(hang, log::get("kahu-dhcp4.test"));
    auto before = std::chrono::steady_clock::now();
    runner->submit("lease4_renew", {});
    ASSERT_TRUE(runner->waitStarted(5s));
    std::string pid = waitFor(pidFile, "\n");
    ASSERT_FALSE(pid.empty());
    hung_.push_back(std::stoi(pid));
    runner.reset(); // the destructor returns while the program still runs
    EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
    EXPECT_EQ(::kill(hung_.back(), 0), 0) << "still running, and not ours to wait for";
}

TEST_F(RunScriptProgram, RunnerReportsAProgramThatCannotStart) {
    auto runner = std::make_unique<ScriptRunner>(dir_ + "/gone.sh", log::get("kahu-dhcp4.test"));
    runner->submit("lease4_renew", {});
    ASSERT_TRUE(runner->waitStarted(5s));
    EXPECT_EQ(runner->failures(), 1u);
}

TEST_F(RunScriptProgram, RunnerDropsBeyondItsQueue) {
    std::string slow = script("slow.sh", "#!/bin/sh\nexit 0\n");
    auto runner = std::make_unique<ScriptRunner>(slow, log::get("kahu-dhcp4.test"), 1);
    for (int i = 0; i < 50; ++i) {
        runner->submit("lease4_renew", {});
    }
    ASSERT_TRUE(runner->waitStarted(10s));
    EXPECT_GT(runner->failures(), 0u) << "50 runs submitted at once into a queue of 1";
}

TEST_F(RunScriptProgram, LibraryRunsTheProgramOnLease4Expire) {
    auto set = hooks::loadHookSet({{"libdhcp_run_script.so", {{"name", recorder_}}, "rs.json:3:9"}},
                                  hooks::LoadMode::Load, true);
    Lease4 l = lease("10.0.0.7");
    bool remove = false;
    hooks::Lease4ExpireArgs args{l, remove};
    EXPECT_EQ(set->run<hooks::HookPoint::Lease4Expire>(args), hooks::Verdict::Continue);
    // What the program saw is exactly what expireEnv() builds (env(1) prints it, sort sorts).
    EXPECT_EQ(waitFor(out_, "end\n"), [&] {
        Env sorted = expireEnv(args);
        std::sort(sorted.begin(), sorted.end());
        std::string s = "argc=1 lease4_expire\n";
        for (const auto& v : sorted) {
            s += v + "\n";
        }
        return s + "end\n";
    }());
    set->unload();
}

TEST_F(RunScriptProgram, ParametersAreCheckedAtLoad) {
    EXPECT_EQ(loadError(nlohmann::json::object()), kLoadFailed + ": missing 'name'");
    EXPECT_EQ(loadError({{"name", 5}}), kLoadFailed + ".name: expected a string, got number");
    EXPECT_EQ(loadError({{"name", ""}}), kLoadFailed + ".name: must not be empty");
    EXPECT_EQ(loadError({{"name", recorder_}, {"sync", "no"}}),
              kLoadFailed + ".sync: expected a boolean, got string");
    EXPECT_EQ(loadError({{"name", recorder_}, {"timeout", 5}}),
              kLoadFailed + ": unknown key 'timeout'");
    EXPECT_EQ(loadError({{"name", dir_ + "/missing.sh"}}),
              kLoadFailed + ".name: '" + dir_ + "/missing.sh' does not exist");
    std::string plain = script("plain.sh", "#!/bin/sh\n", 0640);
    EXPECT_EQ(loadError({{"name", plain}}),
              kLoadFailed + ".name: '" + plain + "' is not executable");
    fs::create_directory(dir_ + "/sub.sh");
    EXPECT_EQ(loadError({{"name", dir_ + "/sub.sh"}}),
              kLoadFailed + ".name: '" + dir_ + "/sub.sh' is not a regular file");
    // Kea 2.2 accepts sync true (and still does not wait).
    EXPECT_EQ(loadError({{"name", recorder_}, {"sync", true}}), "");
    // A bare name is looked for in Kahu's script directory.
    EXPECT_EQ(loadError({{"name", "record.sh"}}), "");
}

TEST_F(RunScriptProgram, ProgramOutsideTheScriptDirectoriesIsRefused) {
    std::string error = loadError({{"name", "/bin/true"}});
    EXPECT_EQ(error, kLoadFailed +
                         ".name: invalid path specified: '/bin/true', supported path "
                         "is '" +
                         dir_ + "' or '" + dir_ +
                         "/kea' (KAHU_HOOK_SCRIPTS_PATH or KEA_HOOK_SCRIPTS_PATH name another "
                         "directory)");
    std::string escape = dir_ + "/../" + fs::path(dir_).filename().string() + "/../record.sh";
    EXPECT_NE(loadError({{"name", escape}}), "");
    fs::create_directory(dir_ + "/kea");
    std::string kea = dir_ + "/kea/kea.sh";
    std::ofstream(kea) << "#!/bin/sh\n";
    ::chmod(kea.c_str(), 0750);
    EXPECT_EQ(loadError({{"name", kea}}), "") << "Kea's script directory is allowed too";
}

} // namespace kahu::run_script
