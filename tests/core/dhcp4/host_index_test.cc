// SPDX-License-Identifier: MPL-2.0
#include "dhcp4/host_index.h"
#include "fake_host_store.h"

#include <gtest/gtest.h>

namespace kahu {
namespace {

std::vector<uint8_t> bytes(const std::string& text) {
    return std::vector<uint8_t>(text.begin(), text.end());
}

Packet4 relayedQuery() {
    Packet4 q;
    q.op = 1;
    q.chaddr = {0x02, 0, 0, 0, 0, 0x50};
    q.setMessageType(MessageType::Discover);
    // Remote-id (2) before circuit-id (1): the circuit-id is found wherever it sits.
    q.set(opt::kRelayAgentInfo, {2, 3, 'r', 'i', 'd', 1, 4, 'b', 'r', '1', '0'});
    q.set(opt::kClientId, {255, 0, 0, 0, 7, 0, 1, 0, 1, 0xaa, 0xbb});
    return q;
}

ServerConfig configWith(std::vector<IdentifierType> order) {
    ServerConfig c;
    c.hostReservationIdentifiers = std::move(order);
    Subnet s;
    s.id = 10;
    Reservation byCircuit;
    byCircuit.circuitId = bytes("br10");
    byCircuit.ipAddress = Ipv4Address::fromText("10.0.0.1");
    Reservation byDuid;
    byDuid.duid = std::vector<uint8_t>{0, 1, 0, 1, 0xaa, 0xbb};
    byDuid.ipAddress = Ipv4Address::fromText("10.0.0.2");
    s.reservations = {byCircuit, byDuid};
    c.subnets.push_back(s);
    return c;
}

TEST(HostIndex, IdentifiersFollowTheConfiguredOrderAndSkipAbsentOnes) {
    ServerConfig c =
        configWith({IdentifierType::FlexId, IdentifierType::CircuitId, IdentifierType::Duid,
                    IdentifierType::HwAddress, IdentifierType::ClientIdentifier});
    HostIndex index(c);
    Packet4 q = relayedQuery();
    q.hlen = 6;
    auto ids = index.identifiers(q);
    ASSERT_EQ(ids.size(), 4u) << "no flex-id without a host4_identifier result";
    EXPECT_EQ(ids[0].type, IdentifierType::CircuitId);
    EXPECT_EQ(ids[0].bytes, bytes("br10"));
    EXPECT_EQ(ids[1].type, IdentifierType::Duid);
    EXPECT_EQ(ids[1].bytes, (std::vector<uint8_t>{0, 1, 0, 1, 0xaa, 0xbb}))
        << "the DUID without the type byte and the IAID";
    EXPECT_EQ(ids[2].type, IdentifierType::HwAddress);
    EXPECT_EQ(ids[2].bytes, (std::vector<uint8_t>{0x02, 0, 0, 0, 0, 0x50}));
    EXPECT_EQ(ids[3].type, IdentifierType::ClientIdentifier);
    EXPECT_EQ(ids[3].bytes.size(), 11u) << "client-id is option 61 as sent";

    auto withFlex = index.identifiers(q, bytes("rack-7"));
    ASSERT_EQ(withFlex.size(), 5u);
    EXPECT_EQ(withFlex[0].type, IdentifierType::FlexId);
}

TEST(HostIndex, FirstMatchingIdentifierWins) {
    Packet4 q = relayedQuery();
    // The index points into its configuration, which must outlive it.
    ServerConfig circuitThenDuid = configWith({IdentifierType::CircuitId, IdentifierType::Duid});
    HostIndex circuitFirst(circuitThenDuid);
    EXPECT_EQ(circuitFirst.find(10, q)->ipAddress->str(), "10.0.0.1");
    ServerConfig duidThenCircuit = configWith({IdentifierType::Duid, IdentifierType::CircuitId});
    HostIndex duidFirst(duidThenCircuit);
    EXPECT_EQ(duidFirst.find(10, q)->ipAddress->str(), "10.0.0.2");
    ServerConfig hwOnly = configWith({IdentifierType::HwAddress});
    HostIndex neither(hwOnly);
    EXPECT_EQ(neither.find(10, q), nullptr);
    EXPECT_EQ(circuitFirst.find(11, q), nullptr) << "another subnet";
}

TEST(HostIndex, AReservationNamesAClientByAnyOfItsIdentifiers) {
    ServerConfig c = configWith({IdentifierType::CircuitId, IdentifierType::Duid});
    HostIndex index(c);
    auto ids = index.identifiers(relayedQuery());
    EXPECT_TRUE(HostIndex::names(c.subnets[0].reservations[0], ids));
    EXPECT_TRUE(HostIndex::names(c.subnets[0].reservations[1], ids));

    Reservation sameBytesOtherType;
    sameBytesOtherType.clientId = bytes("br10");
    EXPECT_FALSE(HostIndex::names(sameBytesOtherType, ids)) << "types must agree";
}

TEST(HostIndex, ShortOrUntypedClientIdIsNoDuid) {
    ServerConfig c = configWith({IdentifierType::Duid});
    HostIndex index(c);
    Packet4 q = relayedQuery();
    q.set(opt::kClientId, {255, 0, 0, 0, 7});
    EXPECT_TRUE(index.identifiers(q).empty());
    q.set(opt::kClientId, {1, 0, 1, 0, 1, 0xaa, 0xbb});
    EXPECT_TRUE(index.identifiers(q).empty());
}

TEST(HostIndex, StoresComeAfterTheConfigurationForEachIdentifierInTurn) {
    Packet4 q = relayedQuery();
    q.hlen = 6;
    auto store = std::make_shared<test::FakeHostStore>();
    Reservation inStore;
    inStore.circuitId = bytes("br10");
    inStore.ipAddress = Ipv4Address::fromText("10.0.0.9");
    inStore.hostname = "from-the-database";
    store->add(10, inStore);
    Reservation mac;
    mac.hwAddress = HwAddr::fromText("02:00:00:00:00:50");
    mac.ipAddress = Ipv4Address::fromText("10.0.0.8");
    store->add(10, mac);

    // circuit-id first: the configuration has a circuit-id reservation, so it wins.
    ServerConfig circuitFirst = configWith({IdentifierType::CircuitId, IdentifierType::Duid});
    EXPECT_EQ(HostIndex(circuitFirst, {store}).find(10, q)->ipAddress->str(), "10.0.0.1");
    // hw-address first: the configuration has none for it, the store has: the store's wins
    // before the configuration's duid reservation is even looked at (Kea's order).
    ServerConfig hwFirst = configWith({IdentifierType::HwAddress, IdentifierType::Duid});
    HostIndex index(hwFirst, {store});
    auto found = index.find(10, q);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->ipAddress->str(), "10.0.0.8");
    EXPECT_EQ(index.byAddress(10, *Ipv4Address::fromText("10.0.0.9"))->hostname,
              "from-the-database");
    EXPECT_EQ(index.byAddress(10, *Ipv4Address::fromText("10.0.0.1"))->circuitId, bytes("br10"))
        << "an address the configuration reserves";
    EXPECT_EQ(index.byAddress(11, *Ipv4Address::fromText("10.0.0.9")), nullptr);

    // Only stores, no reservation in the file: lookups still happen.
    ServerConfig none;
    none.hostReservationIdentifiers = {IdentifierType::HwAddress};
    HostIndex onlyStore(none, {store});
    EXPECT_FALSE(onlyStore.empty());
    EXPECT_EQ(onlyStore.find(10, q)->ipAddress->str(), "10.0.0.8");

    // A store that fails makes the lookup fail (the query is dropped), not "no reservation".
    store->failing = true;
    EXPECT_THROW(onlyStore.find(10, q), StoreError);
}

} // namespace
} // namespace kahu
