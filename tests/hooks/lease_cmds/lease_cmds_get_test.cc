// SPDX-License-Identifier: MPL-2.0
// lease4-get, -get-all, -get-page, -get-by-hw-address, -get-by-client-id, -get-by-hostname.
#include "lease_cmds_fixture.h"

#include <set>

namespace kahu::test {
namespace {

class LeaseCmdsGetTest : public LeaseCmdsTest {
protected:
    void SetUp() override {
        LeaseCmdsTest::SetUp();
        auto a = lease("192.0.2.10", "02:00:00:00:00:01");
        a["client-id"] = "01:02:00:00:00:00:01";
        a["hostname"] = "Alpha.Example.ORG";
        add(a);
        add(lease("192.0.2.9", "02:00:00:00:00:02")); // out of pool, in subnet: fine
        auto b = lease("198.51.100.10", "02:00:00:00:00:01");
        b["client-id"] = "01:02:00:00:00:00:01";
        add(b);
    }
    void add(const nlohmann::json& args) {
        ASSERT_EQ(run("lease4-add", args)["result"], 0) << args.dump();
    }
    static std::vector<std::string> addresses(const nlohmann::json& answer) {
        std::vector<std::string> out;
        for (const auto& l : answer["arguments"]["leases"]) {
            out.push_back(l["ip-address"]);
        }
        return out;
    }
};

using Strings = std::vector<std::string>;

TEST_F(LeaseCmdsGetTest, GetByAddressOrIdentifierInASubnet) {
    auto found = expect("lease4-get", {{"ip-address", "192.0.2.10"}}, 0, "IPv4 lease found.");
    EXPECT_EQ(found["arguments"]["hostname"], "alpha.example.org");
    expect("lease4-get", {{"ip-address", "192.0.2.99"}}, 3, "Lease not found.");

    auto byHw = expect(
        "lease4-get",
        {{"identifier-type", "hw-address"}, {"identifier", "02:00:00:00:00:01"}, {"subnet-id", 2}},
        0, "IPv4 lease found.");
    EXPECT_EQ(byHw["arguments"]["ip-address"], "198.51.100.10");
    auto byCid = expect("lease4-get",
                        {{"identifier-type", "client-id"},
                         {"identifier", "01:02:00:00:00:00:01"},
                         {"subnet-id", 1}},
                        0, "IPv4 lease found.");
    EXPECT_EQ(byCid["arguments"]["ip-address"], "192.0.2.10");
    expect(
        "lease4-get",
        {{"identifier-type", "hw-address"}, {"identifier", "02:00:00:00:00:02"}, {"subnet-id", 2}},
        3, "Lease not found.");
}

TEST_F(LeaseCmdsGetTest, GetAllEveryLeaseOrSomeSubnetsAscending) {
    auto all = expect("lease4-get-all", nullptr, 0, "3 IPv4 lease(s) found.");
    EXPECT_EQ(addresses(all), (Strings{"192.0.2.9", "192.0.2.10", "198.51.100.10"}));
    EXPECT_FALSE(all["arguments"].contains("count"));
    auto two = expect("lease4-get-all", {{"subnets", {2}}}, 0, "1 IPv4 lease(s) found.");
    EXPECT_EQ(addresses(two), (Strings{"198.51.100.10"}));
    auto both = expect("lease4-get-all", {{"subnets", {2, 1}}}, 0, "3 IPv4 lease(s) found.");
    EXPECT_EQ(addresses(both), (Strings{"198.51.100.10", "192.0.2.9", "192.0.2.10"}));
    auto none = expect("lease4-get-all", {{"subnets", {5}}}, 3, "0 IPv4 lease(s) found.");
    EXPECT_EQ(none["arguments"]["leases"], nlohmann::json::array());

    expect("lease4-get-all", nlohmann::json::object(), 1, "'subnets' parameter not specified");
    expect("lease4-get-all", {{"subnets", 1}}, 1, "'subnets' parameter must be a list");
    expect("lease4-get-all", {{"subnets", {"1"}}}, 1, "listed subnet identifiers must be numbers");
}

TEST_F(LeaseCmdsGetTest, GetByHwAddressClientIdAndHostnameAcrossSubnets) {
    auto hw = expect("lease4-get-by-hw-address", {{"hw-address", "02:00:00:00:00:01"}}, 0,
                     "2 IPv4 lease(s) found.");
    EXPECT_EQ(addresses(hw), (Strings{"192.0.2.10", "198.51.100.10"}));
    expect("lease4-get-by-hw-address", {{"hw-address", "02:00:00:00:00:99"}}, 3,
           "0 IPv4 lease(s) found.");
    auto cid = expect("lease4-get-by-client-id", {{"client-id", "01:02:00:00:00:00:01"}}, 0,
                      "2 IPv4 lease(s) found.");
    EXPECT_EQ(addresses(cid), (Strings{"192.0.2.10", "198.51.100.10"}));
    auto host = expect("lease4-get-by-hostname", {{"hostname", "ALPHA.example.org"}}, 0,
                       "1 IPv4 lease(s) found.");
    EXPECT_EQ(addresses(host), (Strings{"192.0.2.10"}));
    expect("lease4-get-by-hostname", {{"hostname", "beta"}}, 3, "0 IPv4 lease(s) found.");

    for (const char* cmd :
         {"lease4-get-by-hw-address", "lease4-get-by-client-id", "lease4-get-by-hostname"}) {
        expect(cmd, nullptr, 1, "Command arguments missing or a not a map.");
        expect(cmd, nlohmann::json::array(), 1, "Command arguments missing or a not a map.");
    }
    expect("lease4-get-by-hw-address", nlohmann::json::object(), 1,
           "'hw-address' parameter not specified");
    expect("lease4-get-by-hw-address", {{"hw-address", 1}}, 1,
           "'hw-address' parameter must be a string");
    expect("lease4-get-by-client-id", nlohmann::json::object(), 1,
           "'client-id' parameter not specified");
    expect("lease4-get-by-client-id", {{"client-id", true}}, 1,
           "'client-id' parameter must be a string");
    expect("lease4-get-by-hostname", nlohmann::json::object(), 1,
           "'hostname' parameter not specified");
    expect("lease4-get-by-hostname", {{"hostname", 3}}, 1, "'hostname' parameter must be a string");
    expect("lease4-get-by-hostname", {{"hostname", ""}}, 1, "'hostname' parameter is empty");
    auto bad = run("lease4-get-by-hw-address", {{"hw-address", "zz:01"}});
    EXPECT_EQ(bad["result"], 1);
    EXPECT_NE(bad["text"].get<std::string>().find("'hw-address'"), std::string::npos);
}

TEST_F(LeaseCmdsGetTest, GetPageArgumentsAreCheckedWithKeaTexts) {
    expect("lease4-get-page", nullptr, 1,
           "no parameters specified for the lease4-get-page command");
    expect("lease4-get-page", {{"limit", 5}}, 1, "'from' parameter not specified");
    expect("lease4-get-page", {{"from", 0}, {"limit", 5}}, 1, "'from' parameter must be a string");
    expect("lease4-get-page", {{"from", "first"}, {"limit", 5}}, 1,
           "'from' parameter value is neither 'start' keyword nor a valid IPv4 address");
    expect("lease4-get-page", {{"from", "2001:db8::1"}, {"limit", 5}}, 1,
           "'from' parameter value 2001:db8::1 is not an IPv4 address");
    expect("lease4-get-page", {{"from", "start"}}, 1, "'limit' parameter not specified");
    expect("lease4-get-page", {{"from", "start"}, {"limit", "5"}}, 1,
           "'limit' parameter must be a number");
    expect("lease4-get-page", {{"from", "start"}, {"limit", 0}}, 1,
           "page size of retrieved leases must not be 0");
    expect("lease4-get-page", {{"from", "start"}, {"limit", -1}}, 1,
           "page size of retrieved leases must not be greater than 4294967295");
    expect("lease4-get-page", {{"from", "start"}, {"limit", 5000000000}}, 1,
           "page size of retrieved leases must not be greater than 4294967295");
}

TEST_F(LeaseCmdsGetTest, GetPageStartsAfterFromAndCountsThePage) {
    auto first =
        expect("lease4-get-page", {{"from", "start"}, {"limit", 2}}, 0, "2 IPv4 lease(s) found.");
    EXPECT_EQ(first["arguments"]["count"], 2);
    EXPECT_EQ(addresses(first), (Strings{"192.0.2.9", "192.0.2.10"}));
    auto next = expect("lease4-get-page", {{"from", "192.0.2.10"}, {"limit", 2}}, 0,
                       "1 IPv4 lease(s) found.");
    EXPECT_EQ(addresses(next), (Strings{"198.51.100.10"}));
    auto end = expect("lease4-get-page", {{"from", "198.51.100.10"}, {"limit", 2}}, 3,
                      "0 IPv4 lease(s) found.");
    EXPECT_EQ(end["arguments"]["count"], 0);
    EXPECT_EQ(end["arguments"]["leases"], nlohmann::json::array());
    auto zero =
        expect("lease4-get-page", {{"from", "0.0.0.0"}, {"limit", 1}}, 0, "1 IPv4 lease(s) found.");
    EXPECT_EQ(addresses(zero), (Strings{"192.0.2.9"}));
}

TEST_F(LeaseCmdsTest, GetPageWalksTenThousandLeasesReturningEachOnce) {
    // 10,000 leases in every state, half expired long ago, written straight to the server's
    // leases (their subnet need not be configured for paging).
    std::set<std::string> added;
    for (int i = 0; i < 10000; ++i) {
        Lease4 l;
        l.address = Ipv4Address(ip("10.0.0.0").value() + uint32_t(i) * 3 + 1);
        l.hwAddr = *HwAddr::fromText("02:00:00:00:00:01");
        l.subnetId = 3;
        l.validLifetime = 100;
        l.cltt = i % 2 ? 1000 : std::time(nullptr);
        l.state = static_cast<LeaseState>(i % 3);
        ASSERT_TRUE(server_.leases_.add(l));
        added.insert(l.address.str());
    }
    std::set<std::string> seen;
    std::string from = "start";
    int pages = 0;
    Ipv4Address last;
    for (;;) {
        auto page = run("lease4-get-page", {{"from", from}, {"limit", 777}});
        if (page["result"] == 3) {
            EXPECT_EQ(page["text"], "0 IPv4 lease(s) found.");
            break;
        }
        ASSERT_EQ(page["result"], 0) << page.dump();
        ASSERT_EQ(page["arguments"]["count"], page["arguments"]["leases"].size());
        for (const auto& l : page["arguments"]["leases"]) {
            const std::string a = l["ip-address"];
            EXPECT_TRUE(seen.insert(a).second) << a << " returned twice";
            EXPECT_LT(last, ip(a)) << "not ascending at " << a;
            last = ip(a);
        }
        from = page["arguments"]["leases"].back()["ip-address"];
        ASSERT_LT(++pages, 100);
    }
    EXPECT_EQ(pages, 13); // 12 full pages of 777 and one of 676
    EXPECT_EQ(seen, added);
}

} // namespace
} // namespace kahu::test
