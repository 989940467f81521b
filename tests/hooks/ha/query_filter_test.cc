// SPDX-License-Identifier: MPL-2.0
#include "ha_test_util.h"
#include "query_filter.h"

#include <gtest/gtest.h>
#include <kahu/error.h>

using namespace kahu;
using namespace kahu::ha;
using namespace kahu::ha::test;

namespace {

Packet4 query(uint8_t lastMacByte, MessageType type = MessageType::Discover) {
    Packet4 p;
    p.setMessageType(type);
    p.hlen = 6;
    p.chaddr = {0x02, 0, 0, 0, 0, lastMacByte};
    return p;
}

Packet4 queryWithClientId(uint8_t lastByte) {
    Packet4 p = query(0x99);
    p.set(opt::kClientId, {0x01, 0x02, 0, 0, 0, 0, lastByte});
    return p;
}

} // namespace

// Values checked against a live Kea 2.2 load-balancing pair (Kea's ha/query_filter.cc).
TEST(QueryFilter, HashOfMacsMatchesKea) {
    const uint8_t mac10[] = {0x02, 0, 0, 0, 0, 0x10};
    const uint8_t mac11[] = {0x02, 0, 0, 0, 0, 0x11};
    const uint8_t mac12[] = {0x02, 0, 0, 0, 0, 0x12};
    const uint8_t mac13[] = {0x02, 0, 0, 0, 0, 0x13};
    EXPECT_EQ(loadBalancingHash(mac10), 134);
    EXPECT_EQ(loadBalancingHash(mac11), 61);
    EXPECT_EQ(loadBalancingHash(mac12), 9);
    EXPECT_EQ(loadBalancingHash(mac13), 38);
}

TEST(QueryFilter, HashOfClientIdsIncludesTheTypeByte) {
    const uint8_t cid10[] = {0x01, 0x02, 0, 0, 0, 0, 0x10};
    const uint8_t cid11[] = {0x01, 0x02, 0, 0, 0, 0, 0x11};
    EXPECT_EQ(loadBalancingHash(cid10), 209);
    EXPECT_EQ(loadBalancingHash(cid11), 214);
}

TEST(QueryFilter, PrimaryServesEvenHashesByMac) {
    QueryFilter f(config("load-balancing", "server1"));
    EXPECT_TRUE(f.inScope(query(0x10)).inScope);
    EXPECT_FALSE(f.inScope(query(0x11)).inScope);
    EXPECT_FALSE(f.inScope(query(0x12)).inScope);
    EXPECT_TRUE(f.inScope(query(0x13)).inScope);
    EXPECT_EQ(f.inScope(query(0x10)).scopeClass(), "HA_server1");
    EXPECT_EQ(f.inScope(query(0x11)).scopeClass(), "HA_server2");
}

TEST(QueryFilter, ClientIdWinsOverMac) {
    QueryFilter primary(config("load-balancing", "server1"));
    EXPECT_FALSE(primary.inScope(queryWithClientId(0x10)).inScope);
    EXPECT_TRUE(primary.inScope(queryWithClientId(0x11)).inScope);
    QueryFilter secondary(config("load-balancing", "server2"));
    EXPECT_TRUE(secondary.inScope(queryWithClientId(0x10)).inScope);
    EXPECT_FALSE(secondary.inScope(queryWithClientId(0x11)).inScope);
}

TEST(QueryFilter, EmptyClientIdFallsBackToMac) {
    QueryFilter f(config());
    Packet4 p = query(0x10);
    p.set(opt::kClientId, std::vector<uint8_t>{});
    EXPECT_TRUE(f.inScope(p).inScope);
}

TEST(QueryFilter, NoKeyIsNotInScope) {
    QueryFilter f(config());
    f.serveFailoverScopes();
    Packet4 p = query(0x10);
    p.hlen = 0;
    auto d = f.inScope(p);
    EXPECT_FALSE(d.inScope);
    EXPECT_EQ(d.scopeClass(), "");
}

TEST(QueryFilter, OnlyHaTypesAreFiltered) {
    QueryFilter f(config("load-balancing", "server1"));
    for (auto t : {MessageType::Discover, MessageType::Request, MessageType::Decline,
                   MessageType::Release, MessageType::Inform}) {
        EXPECT_FALSE(f.inScope(query(0x11, t)).inScope) << toString(t);
    }
    f.serveNoScopes();
    EXPECT_TRUE(f.inScope(query(0x11, MessageType::Ack)).inScope);
}

TEST(QueryFilter, HotStandbyAndPassiveBackupUseThePrimaryScope) {
    QueryFilter primary(config("hot-standby", "server1"));
    QueryFilter standby(config("hot-standby", "server2"));
    for (uint8_t b : {0x10, 0x11, 0x12, 0x13}) {
        EXPECT_TRUE(primary.inScope(query(b)).inScope);
        EXPECT_FALSE(standby.inScope(query(b)).inScope);
        EXPECT_EQ(standby.inScope(query(b)).scope, "server1");
    }
    standby.serveFailoverScopes();
    EXPECT_TRUE(standby.inScope(query(0x11)).inScope);
    EXPECT_EQ(standby.servedScopes(), std::vector<std::string>{"server1"});
    QueryFilter pb(config("passive-backup", "server1"));
    EXPECT_TRUE(pb.inScope(query(0x11)).inScope);
}

TEST(QueryFilter, DefaultFailoverAndCommandScopes) {
    QueryFilter f(config("load-balancing", "server2", true));
    EXPECT_EQ(f.servedScopes(), std::vector<std::string>{"server2"});
    f.serveFailoverScopes();
    EXPECT_EQ(f.servedScopes(), (std::vector<std::string>{"server1", "server2"}));
    f.serveNoScopes();
    EXPECT_TRUE(f.servedScopes().empty());
    f.serveScopes({"server2", "server1"});
    EXPECT_EQ(f.servedScopes(), (std::vector<std::string>{"server1", "server2"}));
    try {
        f.serveScopes({"server1", "bogus"});
        FAIL();
    } catch (const kahu::CommandError& e) {
        EXPECT_STREQ(e.what(),
                     "invalid server name specified 'bogus' while enabling/disabling HA scopes");
    }
    EXPECT_EQ(f.servedScopes().size(), 2u); // unchanged
    QueryFilter backup(config("load-balancing", "server3", true));
    EXPECT_TRUE(backup.servedScopes().empty());
}
