// SPDX-License-Identifier: MPL-2.0
// lease4-add, -update, -del, -wipe, -write, -resend-ddns: answers, what is stored, statistics.
#include "lease_cmds_fixture.h"

#include <filesystem>
#include <fstream>
#include <thread>

namespace kahu::test {
namespace {

TEST_F(LeaseCmdsTest, AddStoresTheLeaseWithSubnetDefaultsAndCountsIt) {
    const int64_t before = std::time(nullptr);
    expect("lease4-add", lease("192.0.2.11", "1A:1B:1C:1D:1E:1F"), 0,
           "Lease for address 192.0.2.11, subnet-id 1 added.");
    auto stored = server_.leases_.get(ip("192.0.2.11"));
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->subnetId, 1u);
    EXPECT_EQ(stored->validLifetime, 4000u);
    EXPECT_GE(stored->cltt, before);
    EXPECT_LE(stored->cltt, std::time(nullptr));
    EXPECT_EQ(stored->hwAddr.str(), "1a:1b:1c:1d:1e:1f");
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 1);
    EXPECT_EQ(stat("subnet[1].pool[0].assigned-addresses"), 1);
    EXPECT_EQ(stat("subnet[1].declined-addresses"), 0);
}

TEST_F(LeaseCmdsTest, AddTakesEveryKeaFieldAndIgnoresUnknownKeys) {
    nlohmann::json args = {{"ip-address", "198.51.100.150"},
                           {"hw-address", "1a:1b:1c:1d:1e:1f"},
                           {"client-id", "01:1a:1b:1c:1d:1e:1f"},
                           {"subnet-id", 2},
                           {"pool-id", 7},
                           {"valid-lft", 1000},
                           {"expire", 1795400995 + 1000},
                           {"fqdn-fwd", true},
                           {"fqdn-rev", false},
                           {"hostname", "Host,One"},
                           {"state", 0},
                           {"user-context", {{"a", "b,c"}}},
                           {"comment", "lab"},
                           {"origin", "ha-partner"}};
    expect("lease4-add", args, 0, "Lease for address 198.51.100.150, subnet-id 2 added.");
    auto got = expect("lease4-get", {{"ip-address", "198.51.100.150"}}, 0, "IPv4 lease found.");
    const nlohmann::json want = {{"client-id", "01:1a:1b:1c:1d:1e:1f"},
                                 {"cltt", 1795400995},
                                 {"fqdn-fwd", true},
                                 {"fqdn-rev", false},
                                 {"hostname", "host,one"},
                                 {"hw-address", "1a:1b:1c:1d:1e:1f"},
                                 {"ip-address", "198.51.100.150"},
                                 {"pool-id", 7},
                                 {"state", 0},
                                 {"subnet-id", 2},
                                 {"user-context", {{"a", "b,c"}, {"comment", "lab"}}},
                                 {"valid-lft", 1000}};
    EXPECT_EQ(got["arguments"], want);
    // Kea's key order (sorted), as it reaches the wire.
    EXPECT_EQ(got["arguments"].dump().substr(0, 46),
              R"({"client-id":"01:1a:1b:1c:1d:1e:1f","cltt":179)");
    EXPECT_EQ(stat("subnet[2].pool[7].assigned-addresses"), 1);
}

TEST_F(LeaseCmdsTest, AddOfADeclinedLeaseCountsItAsAssignedAndDeclined) {
    const int64_t globalBefore = stat("declined-addresses");
    nlohmann::json args = {{"ip-address", "192.0.2.12"}, {"hw-address", ""}, {"state", 1}};
    expect("lease4-add", args, 0, "Lease for address 192.0.2.12, subnet-id 1 added.");
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 1);
    EXPECT_EQ(stat("subnet[1].declined-addresses"), 1);
    EXPECT_EQ(stat("declined-addresses"), globalBefore + 1);
    auto got = run("lease4-get", {{"ip-address", "192.0.2.12"}});
    EXPECT_EQ(got["arguments"]["hw-address"], "");
    EXPECT_FALSE(got["arguments"].contains("pool-id"));
    EXPECT_FALSE(got["arguments"].contains("client-id"));
    EXPECT_FALSE(got["arguments"].contains("user-context"));
}

TEST_F(LeaseCmdsTest, AddOfAnExistingLeaseIsAConflictAndChangesNothing) {
    expect("lease4-add", lease("192.0.2.13", "02:00:00:00:00:01"), 0,
           "Lease for address 192.0.2.13, subnet-id 1 added.");
    auto other = lease("192.0.2.13", "02:00:00:00:00:02");
    expect("lease4-add", other, 4, "IPv4 lease already exists.");
    EXPECT_EQ(server_.leases_.get(ip("192.0.2.13"))->hwAddr.str(), "02:00:00:00:00:01");
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 1);
}

TEST_F(LeaseCmdsTest, LeasesOutsideTheConfiguredSubnetsAreRefused) {
    expect("lease4-add", lease("203.0.113.5", "02:00:00:00:00:01"), 4,
           "subnet-id not specified and failed to find a subnet for address 203.0.113.5");
    auto unknown = lease("192.0.2.14", "02:00:00:00:00:01");
    unknown["subnet-id"] = 99;
    expect("lease4-add", unknown, 4,
           "Invalid subnet-id: No IPv4 subnet with subnet-id=99 currently configured.");
    auto wrong = lease("192.0.2.14", "02:00:00:00:00:01");
    wrong["subnet-id"] = 2;
    expect("lease4-add", wrong, 4,
           "The address 192.0.2.14 does not belong to subnet 198.51.100.0/24, subnet-id=2");
    wrong["force-create"] = true;
    expect("lease4-update", wrong, 4,
           "The address 192.0.2.14 does not belong to subnet 198.51.100.0/24, subnet-id=2");
    EXPECT_EQ(server_.leases_.size(), 0u);
}

TEST_F(LeaseCmdsTest, UpdateReplacesTheWholeRecord) {
    auto first = lease("192.0.2.20", "02:00:00:00:00:01");
    first["hostname"] = "a.example.org";
    first["user-context"] = {{"x", 1}};
    expect("lease4-add", first, 0, "Lease for address 192.0.2.20, subnet-id 1 added.");

    nlohmann::json second = {{"ip-address", "192.0.2.20"},
                             {"hw-address", "02:00:00:00:00:02"},
                             {"valid-lft", 600},
                             {"expire", 2000000600}};
    expect("lease4-update", second, 0, "IPv4 lease updated.");
    auto stored = server_.leases_.get(ip("192.0.2.20"));
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->hwAddr.str(), "02:00:00:00:00:02");
    EXPECT_EQ(stored->hostname, "");
    EXPECT_TRUE(stored->userContext.is_null());
    EXPECT_EQ(stored->validLifetime, 600u);
    EXPECT_EQ(stored->cltt, 2000000000);
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 1);
}

TEST_F(LeaseCmdsTest, UpdateMovesStatisticsWithTheState) {
    expect("lease4-add", lease("192.0.2.21", "02:00:00:00:00:01"), 0,
           "Lease for address 192.0.2.21, subnet-id 1 added.");
    auto declined = lease("192.0.2.21", "");
    declined["state"] = 1;
    expect("lease4-update", declined, 0, "IPv4 lease updated.");
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 1);
    EXPECT_EQ(stat("subnet[1].declined-addresses"), 1);
    auto reclaimed = lease("192.0.2.21", "02:00:00:00:00:01");
    reclaimed["state"] = 2;
    expect("lease4-update", reclaimed, 0, "IPv4 lease updated.");
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 0);
    EXPECT_EQ(stat("subnet[1].declined-addresses"), 0);
}

TEST_F(LeaseCmdsTest, UpdateOfAMissingLeaseIsAConflictUnlessForceCreate) {
    auto args = lease("192.0.2.22", "02:00:00:00:00:01");
    expect("lease4-update", args, 4,
           "failed to update the lease with address 192.0.2.22 either because the lease has "
           "been deleted or it has changed in the database, in both cases a retry might "
           "succeed");
    EXPECT_FALSE(server_.leases_.get(ip("192.0.2.22")));
    args["force-create"] = true;
    expect("lease4-update", args, 0, "IPv4 lease added.");
    EXPECT_TRUE(server_.leases_.get(ip("192.0.2.22")));
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 1);
    expect("lease4-update", args, 0, "IPv4 lease updated.");
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 1);
}

// What a Kea 2.2 HA partner sends: the lease as Lease4::toElement prints it, plus expire,
// force-create and (2.4+) origin; declined leases with an empty hw-address.
TEST_F(LeaseCmdsTest, UpdateAcceptsWhatAKeaHaPartnerSends) {
    nlohmann::json partner = {{"client-id", "01:02:00:00:00:00:09"},
                              {"cltt", 1700000000},
                              {"expire", 1700004000},
                              {"fqdn-fwd", false},
                              {"fqdn-rev", false},
                              {"force-create", true},
                              {"hostname", ""},
                              {"hw-address", "02:00:00:00:00:09"},
                              {"ip-address", "192.0.2.30"},
                              {"origin", "ha-partner"},
                              {"state", 0},
                              {"subnet-id", 1},
                              {"valid-lft", 4000}};
    expect("lease4-update", partner, 0, "IPv4 lease added.");
    EXPECT_EQ(server_.leases_.get(ip("192.0.2.30"))->cltt, 1700000000);
    nlohmann::json declined = {{"expire", 1700090000}, {"force-create", true},
                               {"hw-address", ""},     {"ip-address", "192.0.2.31"},
                               {"state", 1},           {"subnet-id", 1},
                               {"valid-lft", 86400}};
    expect("lease4-update", declined, 0, "IPv4 lease added.");
    nlohmann::json del = partner;
    del.erase("force-create");
    expect("lease4-del", del, 0, "IPv4 lease deleted.");
    // A repeated delete is "not found" (3), which a partner counts as success.
    expect("lease4-del", del, 3, "IPv4 lease not found.");
}

TEST_F(LeaseCmdsTest, DelByAddressAndByIdentifier) {
    auto a = lease("192.0.2.40", "02:00:00:00:00:40");
    a["client-id"] = "01:02:00:00:00:00:40";
    expect("lease4-add", a, 0, "Lease for address 192.0.2.40, subnet-id 1 added.");
    expect("lease4-add", lease("192.0.2.41", "02:00:00:00:00:41"), 0,
           "Lease for address 192.0.2.41, subnet-id 1 added.");
    expect("lease4-add", lease("192.0.2.42", "02:00:00:00:00:42"), 0,
           "Lease for address 192.0.2.42, subnet-id 1 added.");
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 3);

    expect("lease4-del", {{"ip-address", "192.0.2.40"}, {"update-ddns", true}}, 0,
           "IPv4 lease deleted.");
    expect(
        "lease4-del",
        {{"identifier-type", "hw-address"}, {"identifier", "02:00:00:00:00:41"}, {"subnet-id", 2}},
        3, "IPv4 lease not found.");
    expect(
        "lease4-del",
        {{"identifier-type", "hw-address"}, {"identifier", "02:00:00:00:00:41"}, {"subnet-id", 1}},
        0, "IPv4 lease deleted.");
    expect("lease4-del", {{"ip-address", "192.0.2.40"}}, 3, "IPv4 lease not found.");
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 1);
    EXPECT_TRUE(server_.leases_.get(ip("192.0.2.42")));
}

TEST_F(LeaseCmdsTest, DelByClientIdAndOfADeclinedLeaseKeepsStatisticsRight) {
    auto a = lease("192.0.2.43", "02:00:00:00:00:43");
    a["client-id"] = "01:02:00:00:00:00:43";
    expect("lease4-add", a, 0, "Lease for address 192.0.2.43, subnet-id 1 added.");
    expect("lease4-del",
           {{"identifier-type", "client-id"},
            {"identifier", "01:02:00:00:00:00:43"},
            {"subnet-id", 1}},
           0, "IPv4 lease deleted.");
    const int64_t global = stat("declined-addresses");
    expect("lease4-add", {{"ip-address", "192.0.2.44"}, {"hw-address", ""}, {"state", 1}}, 0,
           "Lease for address 192.0.2.44, subnet-id 1 added.");
    expect("lease4-del", {{"ip-address", "192.0.2.44"}}, 0, "IPv4 lease deleted.");
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 0);
    EXPECT_EQ(stat("subnet[1].declined-addresses"), 0);
    EXPECT_EQ(stat("declined-addresses"), global);
}

TEST_F(LeaseCmdsTest, WipeOneSubnetOrAllWithKeaTexts) {
    for (int i = 0; i < 3; ++i) {
        run("lease4-add",
            lease("192.0.2." + std::to_string(50 + i), "02:00:00:00:01:0" + std::to_string(i)));
    }
    run("lease4-add", {{"ip-address", "192.0.2.60"}, {"hw-address", ""}, {"state", 1}});
    run("lease4-add", lease("198.51.100.20", "02:00:00:00:02:01"));
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 4);
    EXPECT_EQ(stat("subnet[1].declined-addresses"), 1);

    expect("lease4-wipe", {{"subnet-id", 1}}, 0,
           "Deleted 4 IPv4 lease(s) from subnet(s) 1 WARNING: lease4-wipe is deprecated!");
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 0);
    EXPECT_EQ(stat("subnet[1].declined-addresses"), 0);
    EXPECT_EQ(stat("subnet[2].assigned-addresses"), 1);
    expect("lease4-wipe", {{"subnet-id", 1}}, 3,
           "Deleted 0 IPv4 lease(s) from subnet(s) 1 WARNING: lease4-wipe is deprecated!");
    expect("lease4-wipe", nullptr, 0,
           "Deleted 1 IPv4 lease(s) from subnet(s) 1 2 WARNING: lease4-wipe is deprecated!");
    EXPECT_EQ(server_.leases_.size(), 0u);
    EXPECT_EQ(stat("subnet[2].assigned-addresses"), 0);
    expect("lease4-wipe", {{"subnet-id", "1"}}, 1,
           "invalid type specified for parameter 'subnet-id'");
}

TEST_F(LeaseCmdsTest, WriteDumpsTheLeasesInMemfileFormat) {
    run("lease4-add", lease("192.0.2.70", "02:00:00:00:00:70"));
    auto dir =
        std::filesystem::temp_directory_path() / ("kahu-lease-write-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    ::setenv("KAHU_DHCP_DATA_DIR", dir.c_str(), 1); // the data directory lease4-write may use
    auto file = (dir / "dump.csv").string();
    expect("lease4-write", {{"filename", file}}, 0, "IPv4 lease database into '" + file + "'.");
    std::ifstream in(file);
    std::string header, row;
    std::getline(in, header);
    std::getline(in, row);
    EXPECT_EQ(header.substr(0, 25), "address,hwaddr,client_id,");
    EXPECT_EQ(row.substr(0, 29), "192.0.2.70,02:00:00:00:00:70,");
    // A bare name goes into the data directory.
    expect("lease4-write", {{"filename", "bare.csv"}}, 0, "IPv4 lease database into 'bare.csv'.");
    EXPECT_TRUE(std::filesystem::exists(dir / "bare.csv"));

    expect("lease4-write", nullptr, 1, "no parameters specified for the command");
    expect("lease4-write", nlohmann::json::object(), 1, "'filename' parameter not specified");
    expect("lease4-write", {{"filename", 5}}, 1, "'filename' parameter must be a string");
    expect("lease4-write", {{"filename", ""}}, 1, "'filename' parameter is empty");
    // Outside the data directories nothing is written (Kea 2.6.3, CVE-2025-32802).
    for (const std::string& outside :
         std::vector<std::string>{"/etc/kahu-lease-write-test.csv", (dir / "sub/x.csv").string(),
                                  (dir / "../kahu-lease-write-escape.csv").string()}) {
        auto refused = run("lease4-write", {{"filename", outside}});
        EXPECT_EQ(refused["result"], 1) << outside;
        EXPECT_EQ(refused["text"].get<std::string>().rfind("invalid path specified: '" + outside +
                                                               "', supported path is '" +
                                                               dir.string() + "'",
                                                           0),
                  0u)
            << refused.dump();
        EXPECT_FALSE(std::filesystem::exists(outside)) << outside;
    }
    std::filesystem::remove_all(dir);
    auto failed = run("lease4-write", {{"filename", (dir / "x.csv").string()}}); // dir is gone
    EXPECT_EQ(failed["result"], 1);
    EXPECT_NE(failed["text"].get<std::string>().find(dir.string() + "/x.csv"), std::string::npos)
        << failed.dump();
    ::unsetenv("KAHU_DHCP_DATA_DIR");
}

// With dhcp-ddns on: Kea 2.2's texts (result 4 where Kea 2.6 answers a conflict).
TEST_F(LeaseCmdsTest, ResendDdnsAndDeleteWithUpdateDdnsQueueRequests) {
    auto config = std::make_shared<ServerConfig>(*server_.config_);
    config->dhcpDdns.enableUpdates = true;
    server_.config_ = config;
    auto named = lease("192.0.2.81", "02:00:00:00:00:81");
    named["hostname"] = "pc.example.org.";
    named["fqdn-fwd"] = true;
    named["fqdn-rev"] = true;
    run("lease4-add", named);
    auto noDirection = lease("192.0.2.82", "02:00:00:00:00:82");
    noDirection["hostname"] = "nodir.example.org.";
    run("lease4-add", noDirection);
    run("lease4-add", lease("192.0.2.83", "02:00:00:00:00:83"));
    expect("lease4-resend-ddns", {{"ip-address", "192.0.2.81"}}, 0,
           "NCR generated for: 192.0.2.81, hostname: pc.example.org.");
    expect("lease4-resend-ddns", {{"ip-address", "192.0.2.82"}}, 4,
           "Neither forward nor reverse updates enabled for lease for: 192.0.2.82");
    expect("lease4-resend-ddns", {{"ip-address", "192.0.2.83"}}, 4,
           "Lease for: 192.0.2.83, has no hostname, nothing to update");
    expect("lease4-resend-ddns", {{"ip-address", "192.0.2.84"}}, 3,
           "No lease found for: 192.0.2.84");
    ASSERT_EQ(server_.nameChanges.size(), 1u);
    EXPECT_TRUE(server_.nameChanges[0].first);
    EXPECT_EQ(server_.nameChanges[0].second.address.str(), "192.0.2.81");

    expect("lease4-del", {{"ip-address", "192.0.2.83"}}, 0, "IPv4 lease deleted.");
    EXPECT_EQ(server_.nameChanges.size(), 1u) << "no update-ddns: nothing queued";
    expect("lease4-del", {{"ip-address", "192.0.2.81"}, {"update-ddns", true}}, 0,
           "IPv4 lease deleted.");
    ASSERT_EQ(server_.nameChanges.size(), 2u);
    EXPECT_FALSE(server_.nameChanges[1].first);
    EXPECT_EQ(server_.nameChanges[1].second.hostname, "pc.example.org.");
    EXPECT_TRUE(server_.nameChanges[1].second.fqdnFwd);
}

TEST_F(LeaseCmdsTest, ResendDdnsAnswersAsKeaWithDdnsDisabled) {
    run("lease4-add", lease("192.0.2.80", "02:00:00:00:00:80"));
    expect("lease4-resend-ddns", {{"ip-address", "192.0.2.80"}}, 4, "DDNS updating is not enabled");
    expect("lease4-resend-ddns", nlohmann::json::object(), 1, "'ip-address' parameter is missing.");
    expect("lease4-resend-ddns", {{"ip-address", 1}}, 1, "'ip-address' is not a string.");
    expect("lease4-resend-ddns", {{"ip-address", "nope"}}, 1, "'nope' is not a valid IP address.");
    expect("lease4-resend-ddns", {{"ip-address", "2001:db8::1"}}, 1,
           "Invalid IPv4 address specified: 2001:db8::1");
}

// Commands on the control thread against writers elsewhere: every write goes through the
// address locks, so the statistics end equal to what the store holds.
TEST_F(LeaseCmdsTest, ConcurrentCommandsKeepStatisticsConsistent) {
    auto worker = [this](int seed) {
        for (int i = 0; i < 300; ++i) {
            std::string a = "192.0.2." + std::to_string(10 + (i * 7 + seed) % 50);
            auto args = lease(a, "02:00:00:00:00:" + std::to_string(10 + seed));
            args["force-create"] = true;
            args["state"] = (i + seed) % 3;
            run("lease4-update", args);
            if (i % 5 == seed % 5) {
                run("lease4-del", {{"ip-address", a}});
            }
        }
    };
    std::thread t1(worker, 1), t2(worker, 2), t3(worker, 3);
    t1.join();
    t2.join();
    t3.join();
    int64_t assigned = 0, declined = 0;
    for (const auto& l : server_.leases_.getAll()) {
        assigned += l.state != LeaseState::ExpiredReclaimed;
        declined += l.state == LeaseState::Declined;
    }
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), assigned);
    EXPECT_EQ(stat("subnet[1].declined-addresses"), declined);
}

// HA load balancing: a partner's update (origin ha-partner) must not take an address held by
// another client with a valid lease; an operator's update (no origin) still replaces it, as
// in Kea.
TEST_F(LeaseCmdsTest, PartnerUpdateOfAnAddressHeldByAnotherClientIsRefused) {
    const int64_t now = std::time(nullptr);
    nlohmann::json mine = lease("192.0.2.60", "02:00:00:00:00:aa");
    mine["expire"] = now + 3000;
    mine["valid-lft"] = 4000;
    expect("lease4-add", mine, 0, "Lease for address 192.0.2.60, subnet-id 1 added.");
    const int64_t refusedBefore = stat("v4-lease-update-conflicts");

    nlohmann::json theirs = lease("192.0.2.60", "02:00:00:00:00:bb");
    theirs["force-create"] = true;
    theirs["origin"] = "ha-partner";
    auto answer = run("lease4-update", theirs);
    EXPECT_EQ(answer["result"], 4);
    const std::string text = answer["text"];
    EXPECT_NE(text.find("192.0.2.60 is held by another client (hw-address 02:00:00:00:00:aa"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("update for hw-address 02:00:00:00:00:bb is refused"), std::string::npos)
        << text;
    EXPECT_EQ(server_.leases_.get(ip("192.0.2.60"))->hwAddr.str(), "02:00:00:00:00:aa");
    EXPECT_EQ(stat("v4-lease-update-conflicts"), refusedBefore + 1);
    EXPECT_GE(stat("subnet[1].v4-lease-update-conflicts"), 1);
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 1);

    // The same client's lease (a renewal the partner handed out) is taken.
    nlohmann::json renewal = mine;
    renewal["force-create"] = true;
    renewal["origin"] = "ha-partner";
    renewal["expire"] = now + 3500;
    expect("lease4-update", renewal, 0, "IPv4 lease updated.");

    // Without origin (an operator, or a Kea 2.2 partner over the control agent): Kea's rule.
    theirs.erase("origin");
    expect("lease4-update", theirs, 0, "IPv4 lease updated.");
    EXPECT_EQ(server_.leases_.get(ip("192.0.2.60"))->hwAddr.str(), "02:00:00:00:00:bb");
    EXPECT_EQ(stat("v4-lease-update-conflicts"), refusedBefore + 1);
}

TEST_F(LeaseCmdsTest, PartnerUpdateOfAnExpiredOrReclaimedLeaseIsTaken) {
    const int64_t now = std::time(nullptr);
    nlohmann::json old = lease("192.0.2.61", "02:00:00:00:00:aa");
    old["valid-lft"] = 100;
    old["expire"] = now - 10;
    expect("lease4-add", old, 0, "Lease for address 192.0.2.61, subnet-id 1 added.");
    nlohmann::json reclaimed = lease("192.0.2.62", "02:00:00:00:00:ab");
    reclaimed["state"] = 2;
    expect("lease4-add", reclaimed, 0, "Lease for address 192.0.2.62, subnet-id 1 added.");
    for (const char* a : {"192.0.2.61", "192.0.2.62"}) {
        nlohmann::json theirs = lease(a, "02:00:00:00:00:bb");
        theirs["force-create"] = true;
        theirs["origin"] = "ha-partner";
        expect("lease4-update", theirs, 0, "IPv4 lease updated.");
        EXPECT_EQ(server_.leases_.get(ip(a))->hwAddr.str(), "02:00:00:00:00:bb");
    }
}

} // namespace
} // namespace kahu::test
