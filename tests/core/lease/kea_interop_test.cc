// SPDX-License-Identifier: MPL-2.0
// Interoperation with a real Kea 2.2 (Debian's kea-dhcp4 + libdhcp_lease_cmds.so): Kea reads
// the lease file Kahu writes, and Kahu reads the one Kea writes. Kea opens no DHCP socket
// (interfaces []); it is driven over its unix control socket and killed by RAII on failure.
#include "lease/csv_lease_codec.h"
#include "lease/memfile_store.h"
#include "lease_test_util.h"

#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

using namespace kahu;
using kahu::test::fileExists;
using kahu::test::readFile;
using kahu::test::writeFile;

namespace {

constexpr const char* kKea = "/usr/sbin/kea-dhcp4";
constexpr const char* kLeaseCmds = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so";

/// A kea-dhcp4 process on a temp directory; terminated (then killed) when it goes out of scope.
class KeaProcess {
public:
    KeaProcess(const test::TempDir& dir, const std::string& leaseFile) : dir_(dir) {
        socket_ = dir.file("kea4.sock");
        nlohmann::json config = {
            {"Dhcp4",
             {{"interfaces-config", {{"interfaces", nlohmann::json::array()}}},
              {"control-socket", {{"socket-type", "unix"}, {"socket-name", socket_}}},
              {"lease-database", {{"type", "memfile"}, {"name", leaseFile}, {"lfc-interval", 0}}},
              {"hooks-libraries", {{{"library", kLeaseCmds}}}},
              {"valid-lifetime", 4000},
              {"subnet4",
               {{{"id", 1},
                 {"subnet", "10.77.0.0/24"},
                 {"pools", {{{"pool", "10.77.0.10 - 10.77.0.200"}}}}},
                {{"id", 2}, {"subnet", "10.77.1.0/24"}}}},
              {"loggers",
               {{{"name", "kea-dhcp4"},
                 {"output_options", {{{"output", "stdout"}}}},
                 {"severity", "INFO"}}}}}}};
        writeFile(dir.file("kea4.json"), config.dump(2));
    }

    ~KeaProcess() { stop(); }

    /// Starts Kea and waits until its control socket answers.
    ::testing::AssertionResult start() {
        std::vector<std::string> envStrings;
        for (char** e = environ; *e; ++e) {
            envStrings.emplace_back(*e);
        }
        envStrings.push_back("KEA_PIDFILE_DIR=" + dir_.path());
        envStrings.push_back("KEA_LOCKFILE_DIR=" + dir_.path());
        std::vector<char*> env;
        for (auto& s : envStrings) {
            env.push_back(s.data());
        }
        env.push_back(nullptr);
        std::string config = dir_.file("kea4.json");
        std::string log = dir_.file("kea4.log");
        char* argv[] = {const_cast<char*>(kKea), const_cast<char*>("-c"), config.data(), nullptr};
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        int rc = posix_spawn(&pid_, kKea, &actions, nullptr, argv, env.data());
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            pid_ = -1;
            return ::testing::AssertionFailure() << "cannot start kea-dhcp4: " << strerror(rc);
        }
        for (int i = 0; i < 100; ++i) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return ::testing::AssertionFailure() << "kea-dhcp4 exited:\n" << this->log();
            }
            if (fileExists(socket_)) {
                auto answer = command({{"command", "version-get"}});
                if (answer.is_object()) {
                    return ::testing::AssertionSuccess();
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return ::testing::AssertionFailure() << "kea-dhcp4 did not come up:\n" << this->log();
    }

    /// Sends one command; null on any transport failure.
    nlohmann::json command(const nlohmann::json& cmd) {
        int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, socket_.c_str(), sizeof addr.sun_path - 1);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(fd);
            return nullptr;
        }
        std::string text = cmd.dump();
        if (::write(fd, text.data(), text.size()) != ssize_t(text.size())) {
            ::close(fd);
            return nullptr;
        }
        std::string reply;
        char buf[65536];
        while (true) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 5000) <= 0) {
                break;
            }
            ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0) {
                break;
            }
            reply.append(buf, size_t(n));
            // Kea closes after one answer; stop early once the JSON is complete.
            auto parsed = nlohmann::json::parse(reply, nullptr, false);
            if (!parsed.is_discarded()) {
                ::close(fd);
                return parsed;
            }
        }
        ::close(fd);
        return nullptr;
    }

    void stop() {
        if (pid_ <= 0) {
            return;
        }
        ::kill(pid_, SIGTERM);
        for (int i = 0; i < 50; ++i) {
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

    std::string log() const { return readFile(dir_.file("kea4.log")); }

private:
    const test::TempDir& dir_;
    std::string socket_;
    pid_t pid_ = -1;
};

/// Lease4::toElement's JSON (Kea 2.2: no pool-id).
nlohmann::json keaJson(const Lease4& l) {
    nlohmann::json j = {{"ip-address", l.address.str()},
                        {"hw-address", l.hwAddr.str()},
                        {"valid-lft", l.validLifetime},
                        {"cltt", l.cltt},
                        {"subnet-id", l.subnetId},
                        {"fqdn-fwd", l.fqdnFwd},
                        {"fqdn-rev", l.fqdnRev},
                        {"hostname", l.hostname},
                        {"state", static_cast<uint32_t>(l.state)}};
    if (!l.clientId.empty()) {
        j["client-id"] = toColonHex(l.clientId);
    }
    if (!l.userContext.is_null()) {
        j["user-context"] = l.userContext;
    }
    return j;
}

nlohmann::json sortedLeases(const nlohmann::json& answer) {
    std::map<std::string, nlohmann::json> byAddress;
    for (const auto& l : answer["arguments"]["leases"]) {
        byAddress[l["ip-address"].get<std::string>()] = l;
    }
    nlohmann::json out = nlohmann::json::array();
    for (auto& [a, l] : byAddress) {
        out.push_back(l);
    }
    return out;
}

class KeaInteropTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (::access(kKea, X_OK) != 0 || ::access(kLeaseCmds, R_OK) != 0) {
            GTEST_SKIP() << "kea-dhcp4 or libdhcp_lease_cmds.so is not installed";
        }
    }
    test::TempDir dir;
};

} // namespace

TEST_F(KeaInteropTest, KeaReadsTheLeaseFileKahuWrites) {
    const std::string file = dir.file("leases4.csv");
    const int64_t now = ::time(nullptr);
    std::vector<Lease4> leases;
    {
        Lease4 a = test::makeLease(11, now - 100);
        a.hostname = "host,one&two.example.org";
        a.userContext = {{"a", "b,c"}, {"n", {1, 2}}, {"m", {{"x", true}}}};
        a.fqdnRev = true;
        Lease4 declined;
        declined.address = *Ipv4Address::fromText("10.77.0.12");
        declined.validLifetime = 86400;
        declined.cltt = now;
        declined.subnetId = 1;
        declined.state = LeaseState::Declined;
        Lease4 reclaimed = test::makeLease(13, now - 90000);
        reclaimed.state = LeaseState::ExpiredReclaimed;
        reclaimed.hostname = "";
        reclaimed.fqdnFwd = false;
        Lease4 clientIdOnly = test::makeLease(14, now);
        clientIdOnly.hwAddr = HwAddr{};
        Lease4 otherSubnet = test::makeLease(256 + 5, now);
        otherSubnet.subnetId = 2;
        otherSubnet.clientId.clear();
        Lease4 deletedLater = test::makeLease(15, now);

        MemfileConfig c;
        c.name = file;
        c.lfcInterval = 0;
        MemfileStore store(c);
        for (const auto& l : {a, declined, reclaimed, clientIdOnly, otherSubnet, deletedLater}) {
            ASSERT_TRUE(store.add(l));
        }
        a.validLifetime = 7200; // an update row after the add row
        ASSERT_TRUE(store.update(a, 0));
        ASSERT_TRUE(store.remove(deletedLater));
        leases = store.getAll();
    }
    ASSERT_EQ(leases.size(), 5u);

    KeaProcess kea(dir, file);
    ASSERT_TRUE(kea.start());
    auto answer = kea.command({{"command", "lease4-get-all"}});
    ASSERT_EQ(answer["result"], 0) << answer.dump() << "\n" << kea.log();
    nlohmann::json expected = nlohmann::json::array();
    for (const auto& l : leases) {
        expected.push_back(keaJson(l));
    }
    EXPECT_EQ(sortedLeases(answer), expected) << kea.log();
}

TEST_F(KeaInteropTest, KahuReadsTheLeaseFileKeaWrites) {
    const std::string file = dir.file("kea-leases4.csv");
    const int64_t expire = ::time(nullptr) + 3000;
    nlohmann::json keaLeases;
    {
        KeaProcess kea(dir, file);
        ASSERT_TRUE(kea.start());
        const std::vector<nlohmann::json> adds = {
            {{"ip-address", "10.77.0.21"},
             {"hw-address", "1a:1b:1c:1d:1e:1f"},
             {"client-id", "01:1a:1b:1c:1d:1e:1f"},
             {"hostname", "host,one&two"},
             {"fqdn-fwd", true},
             {"fqdn-rev", true},
             {"user-context", {{"a", "b,c"}, {"list", {1, "x&y"}}, {"m", {{"k", false}}}}},
             {"valid-lft", 4000},
             {"expire", expire}},
            {{"ip-address", "10.77.0.22"}, {"hw-address", ""}, {"state", 1}, {"valid-lft", 86400}},
            {{"ip-address", "10.77.0.23"}, {"hw-address", "02:00:00:00:00:23"}},
            {{"ip-address", "10.77.0.24"}, {"hw-address", "02:00:00:00:00:24"}},
            {{"ip-address", "10.77.1.9"},
             {"hw-address", "02:00:00:00:01:09"},
             {"subnet-id", 2},
             {"state", 2}},
        };
        for (const auto& args : adds) {
            auto r = kea.command({{"command", "lease4-add"}, {"arguments", args}});
            ASSERT_EQ(r["result"], 0) << r.dump();
        }
        auto r = kea.command({{"command", "lease4-update"},
                              {"arguments",
                               {{"ip-address", "10.77.0.23"},
                                {"hw-address", "02:00:00:00:00:33"},
                                {"hostname", "updated"}}}});
        ASSERT_EQ(r["result"], 0) << r.dump();
        r = kea.command({{"command", "lease4-del"}, {"arguments", {{"ip-address", "10.77.0.24"}}}});
        ASSERT_EQ(r["result"], 0) << r.dump();
        auto all = kea.command({{"command", "lease4-get-all"}});
        ASSERT_EQ(all["result"], 0) << all.dump();
        keaLeases = sortedLeases(all);
        ASSERT_EQ(keaLeases.size(), 4u);
    }

    // Every row Kea wrote (11 columns in 2.2) must be re-created byte for byte by our codec.
    std::istringstream rows(readFile(file));
    std::string line;
    ASSERT_TRUE(std::getline(rows, line));
    std::string error;
    ASSERT_EQ(CsvLeaseCodec::parseHeader(line, &error), 11u) << line;
    size_t dataRows = 0;
    while (std::getline(rows, line)) {
        ++dataRows;
        auto lease = CsvLeaseCodec::parseRow(line, 11, &error);
        ASSERT_TRUE(lease) << error << ": " << line;
        std::string ours = CsvLeaseCodec::formatRow(*lease);
        EXPECT_EQ(ours.substr(0, ours.rfind(',')), line); // minus our pool_id column
    }
    EXPECT_EQ(dataRows, 7u);

    MemfileConfig c;
    c.name = file;
    c.lfcInterval = 0;
    MemfileStore store(c);
    EXPECT_EQ(store.loadReport().badRows, 0u);
    nlohmann::json ours = nlohmann::json::array();
    for (const auto& l : store.getAll()) {
        ours.push_back(keaJson(l));
    }
    EXPECT_EQ(ours, keaLeases);
    EXPECT_EQ(store.get(*Ipv4Address::fromText("10.77.0.21"))->hostname, "host,one&two");
    EXPECT_EQ(store.get(*Ipv4Address::fromText("10.77.0.22"))->state, LeaseState::Declined);
}
