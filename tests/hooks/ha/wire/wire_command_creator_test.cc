// SPDX-License-Identifier: MPL-2.0
// The bodies a Kea 2.2 peer sent on the wire (docs/ha-wire.md, captured live) must come
// out byte for byte.
#include "command_creator.h"

#include <gtest/gtest.h>

namespace kahu::ha {

namespace {

std::string text(const PeerCommand& c) {
    return CommandCreator::bodyText(c.name, c.arguments);
}

Lease4 liveLease() {
    Lease4 l;
    l.address = *Ipv4Address::fromText("10.77.0.100");
    l.hwAddr = *HwAddr::fromText("02:00:00:00:00:01");
    l.clientId = *fromHexText("01:02:00:00:00:00:01");
    l.validLifetime = 3600;
    l.cltt = 1795404783 - 3600;
    l.subnetId = 1;
    return l;
}

} // namespace

TEST(WireCommandCreator, BodiesEqualKea22LiveCaptures) {
    CommandCreator c;
    EXPECT_EQ(text(c.heartbeat()), R"({ "command": "ha-heartbeat", "service": [ "dhcp4" ] })");
    EXPECT_EQ(text(c.dhcpDisable(60)),
              R"({ "arguments": { "max-period": 60, "origin": "ha-partner" }, )"
              R"("command": "dhcp-disable", "service": [ "dhcp4" ] })");
    EXPECT_EQ(text(c.leaseGetPage(std::nullopt, 1)),
              R"({ "arguments": { "from": "start", "limit": 1 }, )"
              R"("command": "lease4-get-page", "service": [ "dhcp4" ] })");
    EXPECT_EQ(text(c.leaseGetPage(Ipv4Address::fromText("10.77.0.50"), 1)),
              R"({ "arguments": { "from": "10.77.0.50", "limit": 1 }, )"
              R"("command": "lease4-get-page", "service": [ "dhcp4" ] })");
    EXPECT_EQ(text(c.syncCompleteNotify()),
              R"({ "command": "ha-sync-complete-notify", "service": [ "dhcp4" ] })");
    EXPECT_EQ(text(c.leaseUpdate(liveLease())),
              R"({ "arguments": { "client-id": "01:02:00:00:00:00:01", "expire": 1795404783, )"
              R"("force-create": true, "fqdn-fwd": false, "fqdn-rev": false, "hostname": "", )"
              R"("hw-address": "02:00:00:00:00:01", "ip-address": "10.77.0.100", )"
              R"("origin": "ha-partner", "state": 0, )"
              R"("subnet-id": 1, "valid-lft": 3600 }, "command": "lease4-update", )"
              R"("service": [ "dhcp4" ] })");
}

TEST(WireCommandCreator, DeclinedLeaseUpdateHasEmptyHwAddressAndState1) {
    Lease4 l;
    l.address = *Ipv4Address::fromText("10.77.0.101");
    l.validLifetime = 86400;
    l.cltt = 1795487594 - 86400;
    l.subnetId = 1;
    l.state = LeaseState::Declined;
    EXPECT_EQ(
        text(CommandCreator().leaseUpdate(l)),
        R"({ "arguments": { "expire": 1795487594, "force-create": true, "fqdn-fwd": false, )"
        R"("fqdn-rev": false, "hostname": "", "hw-address": "", "ip-address": "10.77.0.101", )"
        R"("origin": "ha-partner", "state": 1, "subnet-id": 1, "valid-lft": 86400 }, )"
        R"("command": "lease4-update", )"
        R"("service": [ "dhcp4" ] })");
}

TEST(WireCommandCreator, LeaseDeleteCarriesTheLeaseWithExpireAndNoForceCreate) {
    Lease4 l = liveLease();
    l.cltt = 1795404793 - 3600;
    auto c = CommandCreator().leaseDelete(l);
    EXPECT_EQ(c.name, "lease4-del");
    EXPECT_EQ(c.arguments["expire"], 1795404793);
    EXPECT_EQ(c.arguments["ip-address"], "10.77.0.100");
    EXPECT_EQ(c.arguments["client-id"], "01:02:00:00:00:00:01");
    EXPECT_FALSE(c.arguments.contains("cltt"));
    EXPECT_FALSE(c.arguments.contains("force-create"));
    EXPECT_FALSE(c.arguments.contains("origin"));
}

TEST(WireCommandCreator, OtherCommandsOfKea22) {
    CommandCreator c;
    EXPECT_EQ(text(c.dhcpEnable()), R"({ "arguments": { "origin": "ha-partner" }, )"
                                    R"("command": "dhcp-enable", "service": [ "dhcp4" ] })");
    EXPECT_EQ(text(c.haReset()), R"({ "command": "ha-reset", "service": [ "dhcp4" ] })");
    EXPECT_EQ(text(c.maintenanceNotify(true)),
              R"({ "arguments": { "cancel": true }, "command": "ha-maintenance-notify", )"
              R"("service": [ "dhcp4" ] })");
    EXPECT_EQ(c.dhcpDisable(0).arguments, nlohmann::json({{"origin", "ha-partner"}}));
}

TEST(WireCommandCreator, Kea26ExtrasOnlyWhenAsked) {
    CommandCreator c({.kea26 = true, .serverName = "server1", .originId = 2000});
    EXPECT_EQ(c.heartbeat().arguments, nlohmann::json({{"server-name", "server1"}}));
    EXPECT_EQ(c.haReset().arguments, nlohmann::json({{"server-name", "server1"}}));
    EXPECT_EQ(c.maintenanceNotify(false).arguments,
              nlohmann::json({{"server-name", "server1"}, {"cancel", false}}));
    EXPECT_EQ(c.dhcpDisable(5).arguments,
              nlohmann::json({{"origin", "ha-partner"}, {"origin-id", 2000}, {"max-period", 5}}));
    EXPECT_EQ(c.dhcpEnable().arguments,
              nlohmann::json({{"origin", "ha-partner"}, {"origin-id", 2000}}));
    EXPECT_EQ(c.syncCompleteNotify().arguments,
              nlohmann::json({{"server-name", "server1"}, {"origin-id", 2000}, {"origin", 2000}}));
    EXPECT_EQ(c.leaseUpdate(liveLease()).arguments["origin"], "ha-partner");
    EXPECT_EQ(c.leaseDelete(liveLease()).arguments["origin"], "ha-partner");
    EXPECT_EQ(c.leaseGetPage(std::nullopt, 7).arguments,
              nlohmann::json({{"from", "start"}, {"limit", 7}}));
}

TEST(WireCommandCreator, KeaTextOfEmptyContainersAndNesting) {
    EXPECT_EQ(keaText(nlohmann::json::array()), "[  ]");
    EXPECT_EQ(keaText(nlohmann::json::object()), "{  }");
    EXPECT_EQ(keaText({{"b", {1, 2}}, {"a", {{"x", "y\"z"}}}}),
              R"({ "a": { "x": "y\"z" }, "b": [ 1, 2 ] })");
}

TEST(WireLeaseJson, ToJsonMatchesKea22Example) {
    Lease4 l;
    l.address = *Ipv4Address::fromText("192.0.2.11");
    l.hwAddr = *HwAddr::fromText("1a:1b:1c:1d:1e:1f");
    l.clientId = *fromHexText("01:1a:1b:1c:1d:1e:1f");
    l.cltt = 1795400995;
    l.validLifetime = 4000;
    l.subnetId = 1;
    l.hostname = "host,one";
    l.userContext = {{"a", "b,c"}};
    EXPECT_EQ(keaText(leaseToJson(l)),
              R"({ "client-id": "01:1a:1b:1c:1d:1e:1f", "cltt": 1795400995, "fqdn-fwd": false, )"
              R"("fqdn-rev": false, "hostname": "host,one", "hw-address": "1a:1b:1c:1d:1e:1f", )"
              R"("ip-address": "192.0.2.11", "state": 0, "subnet-id": 1, )"
              R"("user-context": { "a": "b,c" }, "valid-lft": 4000 })");
    l.poolId = 3;
    EXPECT_EQ(leaseToJson(l)["pool-id"], 3);
}

TEST(WireLeaseJson, RoundTripAndExpireForm) {
    Lease4 l = liveLease();
    l.fqdnFwd = true;
    l.hostname = "a.example.org";
    l.state = LeaseState::ExpiredReclaimed;
    l.poolId = 2;
    l.userContext = {{"k", 1}};
    auto back = leaseFromJson(leaseToJson(l));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, l);
    // lease4-update's form: expire instead of cltt.
    auto fromUpdate = leaseFromJson(CommandCreator().leaseUpdate(l).arguments);
    ASSERT_TRUE(fromUpdate);
    EXPECT_EQ(fromUpdate->cltt, l.cltt);
}

TEST(WireLeaseJson, MissingOrBadFieldsAreRefusedWithAReason) {
    std::string error;
    auto j = leaseToJson(liveLease());
    j.erase("hw-address");
    EXPECT_FALSE(leaseFromJson(j, &error));
    EXPECT_EQ(error, "missing parameter 'hw-address'");
    j = leaseToJson(liveLease());
    j["ip-address"] = "10.0.0.300";
    EXPECT_FALSE(leaseFromJson(j, &error));
    EXPECT_EQ(error, "invalid ip-address '10.0.0.300'");
    j = leaseToJson(liveLease());
    j["valid-lft"] = "x";
    EXPECT_FALSE(leaseFromJson(j, &error));
    EXPECT_EQ(error, "invalid type of parameter 'valid-lft'");
    j = leaseToJson(liveLease());
    j.erase("cltt");
    EXPECT_FALSE(leaseFromJson(j, &error));
    EXPECT_EQ(error, "missing parameter 'cltt'");
}

} // namespace kahu::ha
