// SPDX-License-Identifier: MPL-2.0
// libdhcp_legal_log.so loaded for real through the hook framework: the lines an exchange,
// a RELEASE, a DECLINE and the lease commands write, the reply dropped when the line cannot be
// written, the subnets with "legal-logging": false, and the parameters it refuses.
#include "alloc/managed_leases.h"
#include "hooks/hook_set.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/server_access.h>
#include <regex>
#include <sstream>
#include <sys/stat.h>

namespace kahu::hooks {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

class TestServer : public ServerAccess {
public:
    Leases& leases() override { return leases_; }
    std::shared_ptr<const ServerConfig> config() const override { return config_; }
    void disableService(uint32_t) override {}
    void enableService(uint32_t) override {}
    bool serviceEnabled() const noexcept override { return true; }

    ManagedLeases leases_;
    std::shared_ptr<const ServerConfig> config_;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The lines of every file of the directory, timestamps checked (Kea's default form) and cut.
std::vector<std::string> entries(const fs::path& dir) {
    static const std::regex stamp(R"(^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [A-Z]+ )");
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (!e.is_regular_file() && !e.is_symlink()) {
            continue;
        }
        std::istringstream in(slurp(e.path()));
        for (std::string line; std::getline(in, line);) {
            std::smatch m;
            EXPECT_TRUE(std::regex_search(line, m, stamp)) << line;
            out.push_back(m.suffix());
        }
    }
    return out;
}

Lease4 lease(const char* addr, SubnetId subnet = 1) {
    Lease4 l;
    l.address = *Ipv4Address::fromText(addr);
    l.hwAddr = HwAddr{1, {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
    l.clientId = {0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    l.validLifetime = 4000;
    l.subnetId = subnet;
    return l;
}

const std::string kAssigned = "Address: 192.0.2.10 has been assigned for 1 hrs 6 mins 40 secs to "
                              "a device with hardware address: hwtype=1 52:54:00:12:34:56, "
                              "client-id: 01:52:54:00:12:34:56";

} // namespace

class LegalLogHook : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(
            fs::is_regular_file(std::string(KAHU_TEST_HOOKS_BUILD_DIR) + "/libdhcp_legal_log.so"));
        setenv("KAHU_HOOKS_PATH", KAHU_TEST_HOOKS_BUILD_DIR, 1);
        char tmpl[] = "/tmp/kahu-legal-log-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir = tmpl;
        scripts = dir / "scripts";
        fs::create_directory(scripts);
        setenv("KAHU_HOOK_SCRIPTS_PATH", scripts.c_str(), 1);
        logs = dir / "logs";
        fs::create_directory(logs);
        setenv("KAHU_LEGAL_LOG_DIR", logs.c_str(), 1);
        auto cfg = std::make_shared<ServerConfig>();
        Subnet s1;
        s1.id = 1;
        Subnet s2;
        s2.id = 2;
        s2.userContext = {{"legal-logging", false}};
        cfg->subnets = {s1, s2};
        server.config_ = cfg;
    }
    void TearDown() override {
        if (set) {
            set->unload();
        }
        fs::remove_all(dir);
        unsetenv("KAHU_LEGAL_LOG_DIR");
        unsetenv("KAHU_HOOK_SCRIPTS_PATH");
    }
    void load(json params) {
        if (!params.contains("path") && params.value("type", "") != "syslog") {
            params["path"] = logs.string();
        }
        HookSetOptions o;
        o.server = &server;
        set = loadHookSet({{"libdhcp_legal_log.so", std::move(params), "legal.json:3:7"}},
                          LoadMode::Load, true, o);
    }
    std::string loadError(json params) {
        try {
            load(std::move(params));
        } catch (const HookError& e) {
            return e.what();
        }
        return "";
    }
    // A REQUEST answered with an ACK for `l`: leases4_committed then pkt4_send.
    Verdict exchange(const Lease4& l, Packet4* query = nullptr) {
        Packet4 q, r;
        if (query != nullptr) {
            q = *query;
        }
        q.setMessageType(MessageType::Request);
        r.setMessageType(MessageType::Ack);
        auto ctx = std::make_shared<PacketContext>();
        std::vector<Lease4> leases{l}, deleted;
        Leases4CommittedArgs c{q, &r, leases, deleted};
        EXPECT_EQ(set->run<HookPoint::Leases4Committed>(c, ctx.get()), Verdict::Continue);
        Pkt4SendArgs s{q, r, nullptr};
        return set->run<HookPoint::Pkt4Send>(s, ctx.get());
    }
    void command(const std::string& name, const json& args, const json& response) {
        json answer = response;
        CommandProcessedArgs a{name, args, answer};
        set->run<HookPoint::CommandProcessed>(a);
    }

    TestServer server;
    std::shared_ptr<HookSet> set;
    fs::path dir, scripts, logs;
};

TEST_F(LegalLogHook, ExchangeReleaseDeclineAndCommands) {
    load(json::object());
    EXPECT_EQ(exchange(lease("192.0.2.10")), Verdict::Continue);

    Packet4 relayed;
    relayed.giaddr = *Ipv4Address::fromText("192.0.2.1");
    relayed.set(opt::kRelayAgentInfo, {1, 4, 'e', 't', 'h', '0'});
    EXPECT_EQ(exchange(lease("192.0.2.10"), &relayed), Verdict::Continue);

    Packet4 q;
    q.setMessageType(MessageType::Release);
    Lease4 l = lease("192.0.2.11");
    Lease4ReleaseArgs rel{q, l};
    EXPECT_EQ(set->run<HookPoint::Lease4Release>(rel), Verdict::Continue);
    q.setMessageType(MessageType::Decline);
    Lease4DeclineArgs dec{q, l};
    EXPECT_EQ(set->run<HookPoint::Lease4Decline>(dec), Verdict::Continue);

    const json ok = {{"result", 0}, {"text", "Lease for address 192.0.2.20, subnet-id 1 added."}};
    command("lease4-add",
            {{"ip-address", "192.0.2.20"}, {"hw-address", "1a:1b:1c:1d:1e:1f"}, {"subnet-id", 1}},
            ok);
    command("lease4-add", {{"ip-address", "192.0.2.21"}, {"hw-address", "1a:1b:1c:1d:1e:1f"}},
            {{"result", 1}, {"text", "failed"}});              // failed: not logged
    command("lease4-get", {{"ip-address", "192.0.2.20"}}, ok); // not a change
    command("lease4-del", {{"ip-address", "192.0.2.20"}}, ok);

    EXPECT_EQ(entries(logs),
              (std::vector<std::string>{
                  kAssigned,
                  kAssigned + " connected via relay at address: 192.0.2.1, identified "
                              "by circuit-id: 65:74:68:30 (eth0)",
                  "Address: 192.0.2.11 has been released from a device with hardware address: "
                  "hwtype=1 52:54:00:12:34:56, client-id: 01:52:54:00:12:34:56",
                  "Address: 192.0.2.11 has been released from a device with hardware address: "
                  "hwtype=1 52:54:00:12:34:56, client-id: 01:52:54:00:12:34:56",
                  "Administrator added a lease of address: 192.0.2.20 to a device with hardware "
                  "address: 1a:1b:1c:1d:1e:1f",
                  "Administrator deleted the lease for address: 192.0.2.20"}));
    struct stat st {};
    ASSERT_EQ(stat(fs::directory_iterator(logs)->path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640U);
}

TEST_F(LegalLogHook, SubnetWithLegalLoggingFalseIsNotLogged) {
    load(json::object());
    EXPECT_EQ(exchange(lease("10.0.0.5", 2)), Verdict::Continue);
    command("lease4-add",
            {{"ip-address", "10.0.0.6"}, {"hw-address", "1a:1b:1c:1d:1e:1f"}, {"subnet-id", 2}},
            {{"result", 0}});
    EXPECT_EQ(entries(logs), std::vector<std::string>{});
}

TEST_F(LegalLogHook, ReplyDroppedWhenTheLineCannotBeWritten) {
    // Today's file is /dev/full: every write fails with ENOSPC.
    char day[16];
    time_t now = time(nullptr);
    tm local{};
    localtime_r(&now, &local);
    strftime(day, sizeof day, "%Y%m%d", &local);
    fs::create_symlink("/dev/full", logs / (std::string("kea-legal.") + day + ".txt"));
    load(json::object());
    EXPECT_EQ(exchange(lease("192.0.2.10")), Verdict::Drop);
    Packet4 q;
    Lease4 l = lease("192.0.2.11");
    Lease4ReleaseArgs rel{q, l};
    EXPECT_EQ(set->run<HookPoint::Lease4Release>(rel), Verdict::Drop); // not released
    Lease4DeclineArgs dec{q, l};
    EXPECT_EQ(set->run<HookPoint::Lease4Decline>(dec), Verdict::Drop); // not declined
    // A lease of a subnet that is not logged is not held up.
    EXPECT_EQ(exchange(lease("10.0.0.5", 2)), Verdict::Continue);
}

TEST_F(LegalLogHook, CustomFormatAndTimestampFormat) {
    load({{"request-parser-format", "'host ' + option[12].text"},
          {"response-parser-format", "ifelse(pkt4.msgtype == 5, ' acked', '')"},
          {"timestamp-format", "%s"}});
    Packet4 q;
    q.set(opt::kHostName, {'p', 'c', '\n', 'X'});
    EXPECT_EQ(exchange(lease("192.0.2.10"), &q), Verdict::Continue);
    const std::string text = slurp(fs::directory_iterator(logs)->path());
    EXPECT_TRUE(std::regex_match(text, std::regex(R"(\d+ host pc\\x0aX acked\n)"))) << text;
}

TEST_F(LegalLogHook, SyslogTypeLoads) {
    load({{"type", "syslog"}, {"facility", "local7"}, {"pattern", "%m"}});
    EXPECT_EQ(exchange(lease("192.0.2.10")), Verdict::Continue);
    EXPECT_TRUE(fs::is_empty(logs));
}

TEST_F(LegalLogHook, ParameterErrorsWithTheirPosition) {
    const std::string at = "hook library 'libdhcp_legal_log.so' (legal.json:3:7): load() failed: ";
    auto check = [&](json params, const std::string& key, const std::string& text) {
        const std::string e = loadError(std::move(params));
        EXPECT_NE(e.find(at), std::string::npos) << e;
        EXPECT_NE(e.find("legal.json:3:7: Dhcp4.hooks-libraries[0].parameters" + key),
                  std::string::npos)
            << e;
        EXPECT_NE(e.find(text), std::string::npos) << e;
    };
    check({{"bogus", 1}}, "", "unknown key 'bogus'");
    check({{"time-unit", "week"}}, ".time-unit", "'week' is not one of: second, day, month, year");
    check({{"count", -1}}, ".count", "value -1 out of range 0..4294967295");
    check({{"count", "1"}}, ".count", "expected an integer, got string");
    check({{"path", "/etc"}}, ".path", "invalid path specified: '/etc'");
    check({{"base-name", "../x"}}, ".base-name", "'../x' is not a file name");
    check({{"base-name", ""}}, ".base-name", "'' is not a file name");
    check({{"type", "mysql"}}, ".type",
          "the forensic log in a database ('mysql') is not supported");
    check({{"type", "oracle"}}, ".type",
          "'oracle' is not one of: logfile, syslog, mysql, postgresql");
    check({{"prerotate", "/bin/sh"}}, ".prerotate", "invalid path specified: '/bin/sh'");
    check({{"postrotate", "missing.sh"}}, ".postrotate", "is not an executable file");
    check({{"request-parser-format", "substring('a', 0"}}, ".request-parser-format", "column");
    check({{"timestamp-format", std::string(200, 'x')}}, ".timestamp-format",
          "strftime returned 0");
    check({{"type", "syslog"}, {"path", "/var/log"}}, ".path", "is for \"type\": \"logfile\"");
    check({{"type", "syslog"}, {"facility", "local9"}}, ".facility", "unknown syslog facility");
    check({{"type", "syslog"}, {"pattern", "%d %m"}}, ".pattern", "unsupported conversion");
    // Nothing was created by the refused configurations.
    EXPECT_TRUE(fs::is_empty(logs));
}

TEST_F(LegalLogHook, ScriptsInTheScriptDirectoryAreAccepted) {
    std::ofstream(scripts / "rotated.sh") << "#!/bin/sh\n";
    fs::permissions(scripts / "rotated.sh", fs::perms::owner_all);
    load({{"prerotate", "rotated.sh"}, {"postrotate", (scripts / "rotated.sh").string()}});
    EXPECT_EQ(exchange(lease("192.0.2.10")), Verdict::Continue);
}

} // namespace kahu::hooks
