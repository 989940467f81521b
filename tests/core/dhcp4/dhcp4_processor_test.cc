// SPDX-License-Identifier: MPL-2.0
#include "dhcp4/dhcp4_processor.h"
#include "fake_host_store.h"
#include "fake_lease_store.h"

#include <algorithm>
#include <functional>
#include <gtest/gtest.h>
#include <kahu/stats.h>
#include <optional>

namespace kahu {
namespace {

Ipv4Address ip(const char* t) {
    return *Ipv4Address::fromText(t);
}

OptionData option(uint8_t code, std::vector<uint8_t> data) {
    OptionData o;
    o.code = code;
    o.data = std::move(data);
    return o;
}

/// The Oasis standalone configuration, built by hand.
std::shared_ptr<ServerConfig> oasisConfig() {
    auto c = std::make_shared<ServerConfig>();
    c->interfaces.socketType = SocketType::Udp;
    c->options = {
        option(opt::kDnsServers, {172, 18, 20, 1}),
        option(opt::kDomainName, {'o', 'a', 's', 'i', 's', '.', 'l', 'o', 'c', 'a', 'l'})};
    Subnet s;
    s.id = 10;
    s.prefix = {ip("172.18.10.0"), 24};
    Pool p;
    p.first = ip("172.18.10.100");
    p.last = ip("172.18.10.200");
    s.pools.push_back(p);
    s.options = {option(opt::kRouters, {172, 18, 10, 254})};
    s.relayAddresses = {ip("172.18.10.254")};
    s.valid = {3600, 3600, 3600};
    s.renewTimer = 1800;
    s.rebindTimer = 3150;
    Reservation r;
    r.hwAddress = HwAddr::fromText("aa:bb:cc:dd:ee:ff");
    r.ipAddress = ip("172.18.10.101");
    r.hostname = "mon-client";
    s.reservations.push_back(r);
    c->subnets.push_back(s);
    return c;
}

class Dhcp4ProcessorTest : public ::testing::Test {
protected:
    void SetUp() override {
        config_ = oasisConfig();
        rebuild();
    }

    /// A fresh store and processor for the configuration (as a test may have changed it).
    void rebuild() {
        proc_.reset(); // it refers to the lease manager replaced below
        store_ = std::make_shared<test::FakeLeaseStore>();
        leases_ = std::make_unique<LeaseManager>(store_);
        leases_->configure(config_);
        InterfaceAddresses ens18{"ens18", 2, {{ip("172.18.20.20"), 24}}};
        proc_ = std::make_unique<Dhcp4Processor>(config_, *leases_,
                                                 std::vector<InterfaceAddresses>{ens18});
    }

    Packet4 query(MessageType type, uint8_t macLast, bool relayed = true) {
        Packet4 q;
        q.op = 1;
        q.xid = 0x1234;
        q.chaddr = {0x02, 0, 0, 0, 0, macLast};
        q.setMessageType(type);
        q.set(opt::kClientId, {1, 0x02, 0, 0, 0, 0, macLast});
        q.set(opt::kHostName, {'P', 'c', '1'});
        q.set(opt::kParamRequest, {1, 3, 6, 12, 15, 28, 51, 54, 58, 59});
        q.ifindex = 2;
        q.iface = "ens18";
        if (relayed) {
            q.giaddr = ip("172.18.10.254");
            q.remoteAddr = q.giaddr;
            q.remotePort = 67;
            q.localAddr = ip("172.18.20.20");
        }
        return q;
    }

    Packet4 dora(uint8_t macLast) {
        auto offer = proc_->process(query(MessageType::Discover, macLast), 1000);
        EXPECT_TRUE(offer.response);
        Packet4 req = query(MessageType::Request, macLast);
        req.setAddress(opt::kRequestedAddress, offer.response->yiaddr);
        req.setAddress(opt::kServerId, ip("172.18.20.20"));
        auto ack = proc_->process(req, 1000);
        EXPECT_TRUE(ack.response);
        return ack.response.value_or(Packet4{});
    }

    std::shared_ptr<ServerConfig> config_;
    std::shared_ptr<test::FakeLeaseStore> store_;
    std::unique_ptr<LeaseManager> leases_;
    std::unique_ptr<Dhcp4Processor> proc_;
};

TEST_F(Dhcp4ProcessorTest, RelayedDiscoverGetsFirstPoolAddressWithOasisOptions) {
    auto ex = proc_->process(query(MessageType::Discover, 1), 1000);
    ASSERT_TRUE(ex.response);
    const Packet4& r = *ex.response;
    EXPECT_EQ(r.messageType(), MessageType::Offer);
    EXPECT_EQ(r.yiaddr.str(), "172.18.10.100");
    EXPECT_EQ(r.remoteAddr.str(), "172.18.10.254");
    EXPECT_EQ(r.getAddress(opt::kServerId)->str(), "172.18.20.20");
    std::vector<uint8_t> codes;
    for (const auto& o : r.options()) {
        codes.push_back(o.code);
    }
    std::sort(codes.begin(), codes.end());
    EXPECT_EQ(codes, (std::vector<uint8_t>{1, 3, 6, 12, 15, 51, 53, 54, 58, 59, 61}));
    EXPECT_EQ(store_->size(), 0u) << "an offer writes no lease";
}

TEST_F(Dhcp4ProcessorTest, UseRoutingLeavesTheRelayedReplyToTheRoutingTable) {
    config_->interfaces.outboundUseRouting = true;
    auto relayed = proc_->process(query(MessageType::Discover, 1), 1000);
    ASSERT_TRUE(relayed.response);
    EXPECT_EQ(relayed.response->ifindex, 0) << "no interface index: the kernel routes it";
    EXPECT_TRUE(relayed.response->localAddr.isZero());
    EXPECT_EQ(relayed.response->iface, "ens18");
    EXPECT_EQ(relayed.response->remoteAddr.str(), "172.18.10.254");
    EXPECT_EQ(relayed.response->getAddress(opt::kServerId)->str(), "172.18.20.20");

    config_->interfaces.outboundUseRouting = false;
    auto inbound = proc_->process(query(MessageType::Discover, 2), 1000);
    ASSERT_TRUE(inbound.response);
    EXPECT_EQ(inbound.response->ifindex, 2) << "same-as-inbound: out where it came in";
    EXPECT_EQ(inbound.response->localAddr.str(), "172.18.20.20");
}

TEST_F(Dhcp4ProcessorTest, UseRoutingIsIgnoredWithRawSocketsAsInKea) {
    config_->interfaces.outboundUseRouting = true;
    config_->interfaces.socketType = SocketType::Raw;
    auto ex = proc_->process(query(MessageType::Discover, 1), 1000);
    ASSERT_TRUE(ex.response);
    EXPECT_EQ(ex.response->ifindex, 2);
    EXPECT_EQ(ex.response->localAddr.str(), "172.18.20.20");
}

TEST_F(Dhcp4ProcessorTest, RequestCommitsTheLeaseAndAcks) {
    Packet4 ack = dora(1);
    EXPECT_EQ(ack.messageType(), MessageType::Ack);
    auto lease = store_->get(ack.yiaddr);
    ASSERT_TRUE(lease);
    EXPECT_EQ(lease->hwAddr.str(), "02:00:00:00:00:01");
    EXPECT_EQ(lease->hostname, "pc1");
    EXPECT_EQ(lease->validLifetime, 3600u);
    EXPECT_EQ(lease->subnetId, 10u);
    EXPECT_EQ(Statistics::instance().get("subnet[10].assigned-addresses"), 1);
}

TEST_F(Dhcp4ProcessorTest, ReservedMacGetsItsAddressAndHostname) {
    Packet4 d = query(MessageType::Discover, 0);
    d.chaddr = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    auto ex = proc_->process(d, 1000);
    ASSERT_TRUE(ex.response);
    EXPECT_EQ(ex.response->yiaddr.str(), "172.18.10.101");
    const Option* hn = ex.response->get(opt::kHostName);
    ASSERT_TRUE(hn);
    EXPECT_EQ(std::string(hn->data.begin(), hn->data.end()), "mon-client");
}

TEST_F(Dhcp4ProcessorTest, OtherClientsNeverGetTheReservedAddress) {
    std::set<std::string> given;
    for (uint8_t i = 1; i <= 5; ++i) {
        given.insert(dora(i).yiaddr.str());
    }
    EXPECT_EQ(given.count("172.18.10.101"), 0u);
    EXPECT_EQ(given.size(), 5u);
}

TEST_F(Dhcp4ProcessorTest, RenewKeepsTheAddress) {
    Packet4 ack = dora(7);
    Packet4 renew = query(MessageType::Request, 7);
    renew.ciaddr = ack.yiaddr;
    auto ex = proc_->process(renew, 2000);
    ASSERT_TRUE(ex.response);
    EXPECT_EQ(ex.response->messageType(), MessageType::Ack);
    EXPECT_EQ(ex.response->yiaddr, ack.yiaddr);
    EXPECT_EQ(store_->get(ack.yiaddr)->cltt, 2000);
}

TEST_F(Dhcp4ProcessorTest, ReleaseFreesTheAddress) {
    Packet4 ack = dora(8);
    Packet4 rel = query(MessageType::Release, 8);
    rel.ciaddr = ack.yiaddr;
    auto ex = proc_->process(rel, 1100);
    EXPECT_FALSE(ex.response);
    EXPECT_FALSE(store_->get(ack.yiaddr));
    EXPECT_EQ(ex.deletedLeases.size(), 1u);
}

TEST_F(Dhcp4ProcessorTest, InitRebootForAnAddressOutsideTheNetworkIsNaked) {
    dora(9);
    Packet4 req = query(MessageType::Request, 9);
    req.setAddress(opt::kRequestedAddress, ip("10.99.0.5"));
    auto ex = proc_->process(req, 1200);
    ASSERT_TRUE(ex.response);
    EXPECT_EQ(ex.response->messageType(), MessageType::Nak);
    EXPECT_TRUE(ex.response->yiaddr.isZero());
}

TEST_F(Dhcp4ProcessorTest, InitRebootFromUnknownClientIsIgnoredUnlessAuthoritative) {
    Packet4 req = query(MessageType::Request, 20);
    req.setAddress(opt::kRequestedAddress, ip("10.99.0.5"));
    auto quiet = proc_->process(req, 1200);
    EXPECT_FALSE(quiet.response) << "Kea 2.2 stays silent when not authoritative";

    config_->subnets[0].authoritative = true;
    Dhcp4Processor authoritative(config_, *leases_, {});
    auto ex = authoritative.process(req, 1200);
    ASSERT_TRUE(ex.response);
    EXPECT_EQ(ex.response->messageType(), MessageType::Nak);
}

TEST_F(Dhcp4ProcessorTest, RequestForAnAddressHeldByAnotherClientIsNaked) {
    Packet4 ack = dora(10);
    Packet4 req = query(MessageType::Request, 11);
    req.setAddress(opt::kRequestedAddress, ack.yiaddr);
    req.setAddress(opt::kServerId, ip("172.18.20.20"));
    auto ex = proc_->process(req, 1200);
    ASSERT_TRUE(ex.response);
    EXPECT_EQ(ex.response->messageType(), MessageType::Nak);
}

TEST_F(Dhcp4ProcessorTest, DeclineHoldsTheAddressForProbation) {
    Packet4 ack = dora(12);
    Packet4 dec = query(MessageType::Decline, 12);
    dec.setAddress(opt::kRequestedAddress, ack.yiaddr);
    auto ex = proc_->process(dec, 1300);
    EXPECT_FALSE(ex.response);
    auto lease = store_->get(ack.yiaddr);
    ASSERT_TRUE(lease);
    EXPECT_EQ(lease->state, LeaseState::Declined);
    EXPECT_TRUE(lease->hwAddr.empty());
    EXPECT_EQ(lease->validLifetime, 86400u);
    EXPECT_EQ(Statistics::instance().get("subnet[10].declined-addresses"), 1);
}

TEST_F(Dhcp4ProcessorTest, OfferLifetimeHoldsTheOfferedAddressUntilTheRequest) {
    config_->subnets[0].offerLifetime = 60;
    InterfaceAddresses ens18{"ens18", 2, {{ip("172.18.20.20"), 24}}};
    Dhcp4Processor proc(config_, *leases_, {ens18});
    auto offer = proc.process(query(MessageType::Discover, 30), 1000);
    ASSERT_TRUE(offer.response);
    auto held = store_->get(offer.response->yiaddr);
    ASSERT_TRUE(held);
    EXPECT_EQ(held->validLifetime, 60u);
    EXPECT_EQ(offer.response->getAddress(opt::kLeaseTime)->value(), 3600u)
        << "the offer still announces the full lifetime";
    auto other = proc.process(query(MessageType::Discover, 31), 1001);
    ASSERT_TRUE(other.response);
    EXPECT_NE(other.response->yiaddr, offer.response->yiaddr);

    Packet4 req = query(MessageType::Request, 30);
    req.setAddress(opt::kRequestedAddress, offer.response->yiaddr);
    req.setAddress(opt::kServerId, ip("172.18.20.20"));
    auto ack = proc.process(req, 1002);
    ASSERT_TRUE(ack.response);
    EXPECT_EQ(ack.response->messageType(), MessageType::Ack);
    EXPECT_EQ(store_->get(offer.response->yiaddr)->validLifetime, 3600u);
}

TEST_F(Dhcp4ProcessorTest, QueryForAnotherServerIsDropped) {
    Packet4 req = query(MessageType::Request, 13);
    req.setAddress(opt::kRequestedAddress, ip("172.18.10.150"));
    req.setAddress(opt::kServerId, ip("172.18.20.21"));
    auto ex = proc_->process(req, 1300);
    EXPECT_TRUE(ex.drop);
    EXPECT_FALSE(ex.response);
}

TEST_F(Dhcp4ProcessorTest, ExhaustedPoolDropsTheDiscover) {
    for (uint32_t v = ip("172.18.10.100").value(); v <= ip("172.18.10.200").value(); ++v) {
        Lease4 l;
        l.address = Ipv4Address(v);
        l.hwAddr = *HwAddr::fromText("02:99:00:00:00:01");
        l.subnetId = 10;
        l.validLifetime = 3600;
        l.cltt = 1000;
        leases_->add(l);
    }
    auto ex = proc_->process(query(MessageType::Discover, 14), 1001);
    EXPECT_TRUE(ex.drop);
    EXPECT_FALSE(ex.response);
}

// Kea reuses a lease that has expired but is not reclaimed yet when no free address is left,
// and a declined address once its probation period is over, without waiting for reclamation.
TEST_F(Dhcp4ProcessorTest, FullPoolReusesAnExpiredUnreclaimedLeaseOnTheSpot) {
    const uint32_t first = ip("172.18.10.100").value();
    const uint32_t last = ip("172.18.10.200").value();
    for (uint32_t v = first; v <= last; ++v) {
        Lease4 l;
        l.address = Ipv4Address(v);
        l.hwAddr = *HwAddr::fromText("02:99:00:00:00:01");
        l.subnetId = 10;
        l.validLifetime = 3600;
        l.cltt = 1000;
        if (v == first + 42) {
            l.validLifetime = 10; // expired at 1010, never reclaimed
        }
        leases_->add(l);
    }
    const auto expired = Ipv4Address(first + 42);
    auto offer = proc_->process(query(MessageType::Discover, 15), 2000);
    ASSERT_TRUE(offer.response) << "Kea 2.2 offers the expired address";
    EXPECT_EQ(offer.response->yiaddr, expired);

    Packet4 req = query(MessageType::Request, 15);
    req.setAddress(opt::kRequestedAddress, expired);
    req.setAddress(opt::kServerId, ip("172.18.20.20"));
    auto ack = proc_->process(req, 2001);
    ASSERT_TRUE(ack.response);
    EXPECT_EQ(ack.response->messageType(), MessageType::Ack);
    auto lease = store_->get(expired);
    ASSERT_TRUE(lease);
    EXPECT_EQ(lease->hwAddr.str(), "02:00:00:00:00:0f");
    EXPECT_EQ(lease->state, LeaseState::Default);

    auto none = proc_->process(query(MessageType::Discover, 16), 2002);
    EXPECT_FALSE(none.response) << "nothing else has expired";
    EXPECT_STREQ(none.dropReason, "ALLOC_ENGINE_V4_ALLOC_FAIL");
}

TEST_F(Dhcp4ProcessorTest, DeclinedAddressIsOfferedAgainAfterProbation) {
    config_->subnets[0].pools[0].last = ip("172.18.10.100"); // a pool of one address
    config_->declineProbationPeriod = 60;
    rebuild();
    Packet4 ack = dora(17);
    ASSERT_EQ(ack.yiaddr, ip("172.18.10.100"));
    Packet4 dec = query(MessageType::Decline, 17);
    dec.setAddress(opt::kRequestedAddress, ack.yiaddr);
    dec.setAddress(opt::kServerId, ip("172.18.20.20"));
    proc_->process(dec, 1100);
    EXPECT_FALSE(proc_->process(query(MessageType::Discover, 18), 1150).response)
        << "held during probation";
    auto offer = proc_->process(query(MessageType::Discover, 18), 1161);
    ASSERT_TRUE(offer.response) << "offered once the probation is over, before reclamation";
    EXPECT_EQ(offer.response->yiaddr, ack.yiaddr);
}

// RFC 2131 asks for option 50 or ciaddr in a REQUEST; Kea answers one without either anyway.
TEST_F(Dhcp4ProcessorTest, RequestNamingNoAddressAcksTheClientsLease) {
    Packet4 ack = dora(19);
    Packet4 req = query(MessageType::Request, 19);
    req.setAddress(opt::kServerId, ip("172.18.20.20"));
    auto ex = proc_->process(req, 1500);
    ASSERT_TRUE(ex.response);
    EXPECT_EQ(ex.response->messageType(), MessageType::Ack);
    EXPECT_EQ(ex.response->yiaddr, ack.yiaddr);
    EXPECT_EQ(store_->get(ack.yiaddr)->cltt, 1500);

    Packet4 fresh = query(MessageType::Request, 21);
    fresh.setAddress(opt::kServerId, ip("172.18.20.20"));
    auto other = proc_->process(fresh, 1500);
    ASSERT_TRUE(other.response);
    EXPECT_EQ(other.response->messageType(), MessageType::Ack) << "a new client gets a new lease";
    EXPECT_NE(other.response->yiaddr, ack.yiaddr);
    EXPECT_TRUE(store_->get(other.response->yiaddr));
}

TEST_F(Dhcp4ProcessorTest, DeclineOfAnotherClientsAddressChangesNothing) {
    Packet4 ack = dora(22);
    Packet4 dec = query(MessageType::Decline, 23);
    dec.setAddress(opt::kRequestedAddress, ack.yiaddr);
    dec.setAddress(opt::kServerId, ip("172.18.20.20"));
    auto ex = proc_->process(dec, 1300);
    EXPECT_STREQ(ex.dropReason, "DHCP4_DECLINE_LEASE_MISMATCH");
    EXPECT_EQ(store_->get(ack.yiaddr)->state, LeaseState::Default);

    Packet4 none = query(MessageType::Decline, 22);
    auto noAddress = proc_->process(none, 1300);
    EXPECT_STREQ(noAddress.dropReason, "DHCP4_PACKET_DROP_0007") << "no option 50";
    EXPECT_EQ(store_->get(ack.yiaddr)->state, LeaseState::Default);
}

// Kea 2.2 stays silent when a REQUEST names an address in no pool of the client's network
// (DHCP4_UNKNOWN_ADDRESS_REQUESTED): it is not this server's to refuse.
TEST_F(Dhcp4ProcessorTest, RequestForAnAddressInNoPoolIsNotAnswered) {
    for (const char* address : {"172.18.10.20", "10.99.0.5"}) { // in the subnet; in no subnet
        Packet4 req = query(MessageType::Request, 24);
        req.setAddress(opt::kRequestedAddress, ip(address));
        req.setAddress(opt::kServerId, ip("172.18.20.20"));
        auto ex = proc_->process(req, 1200);
        EXPECT_FALSE(ex.response) << address;
        EXPECT_STREQ(ex.dropReason, "DHCP4_UNKNOWN_ADDRESS_REQUESTED") << address;
    }
}

TEST_F(Dhcp4ProcessorTest, WithoutMatchClientIdTheLeaseHasNoClientId) {
    config_->subnets[0].matchClientId = false;
    rebuild();
    Packet4 ack = dora(25);
    auto lease = store_->get(ack.yiaddr);
    ASSERT_TRUE(lease);
    EXPECT_TRUE(lease->clientId.empty()) << "as Kea writes it";
    EXPECT_EQ(lease->hwAddr.str(), "02:00:00:00:00:19");
}

// Without DDNS Kea 2.2 still answers option 81: N set, S clear, O when the client asked for
// S, E as the client's; the lease keeps the name, fully qualified.
TEST_F(Dhcp4ProcessorTest, ClientFqdnIsAnsweredAndKeptAsKeaDoesWithoutDdns) {
    Packet4 q = query(MessageType::Discover, 26);
    q.remove(opt::kHostName);
    q.set(81, {0x05, 0,   0,   4,   'H', 'o', 's', 't', 7,   'e', 'x',
               'a',  'm', 'p', 'l', 'e', 3,   'o', 'r', 'g', 0});
    auto offer = proc_->process(q, 1000);
    ASSERT_TRUE(offer.response);
    const Option* fqdn = offer.response->get(81);
    ASSERT_TRUE(fqdn);
    EXPECT_EQ(fqdn->data,
              (std::vector<uint8_t>{0x0e, 0,   0,   4,   'h', 'o', 's', 't', 7,   'e', 'x',
                                    'a',  'm', 'p', 'l', 'e', 3,   'o', 'r', 'g', 0}));
    EXPECT_FALSE(offer.response->get(opt::kHostName));

    Packet4 req = query(MessageType::Request, 26);
    req.remove(opt::kHostName);
    const std::string ascii = "host.example.org";
    std::vector<uint8_t> data{0, 0, 0};
    data.insert(data.end(), ascii.begin(), ascii.end());
    req.set(81, data);
    req.setAddress(opt::kRequestedAddress, offer.response->yiaddr);
    req.setAddress(opt::kServerId, ip("172.18.20.20"));
    auto ack = proc_->process(req, 1001);
    ASSERT_TRUE(ack.response);
    ASSERT_TRUE(ack.response->get(81));
    const std::string answer = "host.example.org.";
    std::vector<uint8_t> expected{0x08, 0, 0};
    expected.insert(expected.end(), answer.begin(), answer.end());
    EXPECT_EQ(ack.response->get(81)->data, expected);
    EXPECT_EQ(store_->get(offer.response->yiaddr)->hostname, "host.example.org.");
}

TEST_F(Dhcp4ProcessorTest, ClientIdShorterThanTwoBytesIsDroppedAsKeaDoes) {
    Packet4 q = query(MessageType::Discover, 27);
    q.set(opt::kClientId, {});
    auto ex = proc_->process(q, 1000);
    EXPECT_FALSE(ex.response);
    EXPECT_STREQ(ex.dropReason, "DHCP4_PACKET_DROP_0007");
}

TEST(Packet4Label, NamesTheClientAsKeaDoes) {
    Packet4 q;
    q.htype = 1;
    q.hlen = 6;
    q.xid = 0x4cef7c4;
    q.chaddr = {0x00, 0x40, 0xa6, 0x83, 0x51, 0xa6};
    EXPECT_EQ(q.label(), "[hwtype=1 00:40:a6:83:51:a6], cid=[no info], tid=0x4cef7c4");
    q.set(opt::kClientId, {0x01, 0x00, 0x40, 0xa6, 0x83, 0x51, 0xa6});
    EXPECT_EQ(q.label(), "[hwtype=1 00:40:a6:83:51:a6], cid=[01:00:40:a6:83:51:a6], tid=0x4cef7c4");
}

// A hook callout (HA in buffer4_receive) adds "HA_<scope>" to the query before the server
// classifies it: pools and subnets restricted to that class are usable only with it.
TEST_F(Dhcp4ProcessorTest, ClassesAddedToTheQueryOpenRestrictedPools) {
    config_->subnets[0].pools[0].clientClass = "HA_server1";
    Pool second;
    second.first = ip("172.18.10.210");
    second.last = ip("172.18.10.220");
    second.clientClass = "HA_server2";
    config_->subnets[0].pools.push_back(second);
    leases_->configure(config_);
    InterfaceAddresses ens18{"ens18", 2, {{ip("172.18.20.20"), 24}}};
    Dhcp4Processor proc(config_, *leases_, {ens18});

    auto none = proc.process(query(MessageType::Discover, 40), 1000);
    EXPECT_TRUE(none.drop);

    Packet4 q1 = query(MessageType::Discover, 41);
    q1.addClass("HA_server1");
    auto one = proc.process(q1, 1000);
    ASSERT_TRUE(one.response);
    EXPECT_GE(one.response->yiaddr.value(), ip("172.18.10.100").value());
    EXPECT_LE(one.response->yiaddr.value(), ip("172.18.10.200").value());
    EXPECT_EQ(one.query.classes(), (std::vector<std::string>{"HA_server1", "ALL", "UNKNOWN"}));

    Packet4 q2 = query(MessageType::Discover, 42);
    q2.addClass("HA_server2");
    auto two = proc.process(q2, 1000);
    ASSERT_TRUE(two.response);
    EXPECT_GE(two.response->yiaddr.value(), ip("172.18.10.210").value());
    EXPECT_LE(two.response->yiaddr.value(), ip("172.18.10.220").value());

    // A REQUEST for an address of the other scope's pool is refused.
    Packet4 req = query(MessageType::Request, 42);
    req.addClass("HA_server2");
    req.setAddress(opt::kRequestedAddress, ip("172.18.10.150"));
    req.setAddress(opt::kServerId, ip("172.18.20.20"));
    auto nak = proc.process(req, 1001);
    ASSERT_TRUE(nak.response);
    EXPECT_EQ(nak.response->messageType(), MessageType::Nak);
}

TEST_F(Dhcp4ProcessorTest, ClassesAddedToTheQueryOpenRestrictedSubnets) {
    config_->subnets[0].clientClass = "HA_server1";
    leases_->configure(config_);
    InterfaceAddresses ens18{"ens18", 2, {{ip("172.18.20.20"), 24}}};
    Dhcp4Processor proc(config_, *leases_, {ens18});

    auto none = proc.process(query(MessageType::Discover, 43), 1000);
    EXPECT_TRUE(none.drop);
    EXPECT_EQ(none.subnet, nullptr);

    Packet4 q = query(MessageType::Discover, 44);
    q.addClass("HA_server1");
    auto ex = proc.process(q, 1000);
    ASSERT_TRUE(ex.response);
    EXPECT_EQ(ex.response->messageType(), MessageType::Offer);
    ASSERT_NE(ex.subnet, nullptr);
    EXPECT_EQ(ex.subnet->id, 10u);
}

// ---------------------------------------------------------------------------------------------
// Reservations by every identifier of host-reservation-identifiers.

std::vector<uint8_t> bytes(const std::string& text) {
    return std::vector<uint8_t>(text.begin(), text.end());
}

/// Option 82 holding only a circuit-id (sub-option 1), as `dhcrelay -a` inserts it.
std::vector<uint8_t> agentInfo(const std::string& circuitId) {
    std::vector<uint8_t> o = {1, uint8_t(circuitId.size())};
    o.insert(o.end(), circuitId.begin(), circuitId.end());
    return o;
}

/// A client-id of type 255 (RFC 4361): IAID 00:00:00:07, then the DUID.
std::vector<uint8_t> duidClientId(const std::vector<uint8_t>& duid) {
    // Sized first: GCC 12 reports a false -Warray-bounds for insert() after a 5-byte init.
    std::vector<uint8_t> o(5 + duid.size());
    o[0] = 255;
    o[4] = 7;
    std::copy(duid.begin(), duid.end(), o.begin() + 5);
    return o;
}

const std::vector<uint8_t> kDuid = {0, 1, 0, 1, 0x2a, 0x2b, 0x2c, 0x2d, 2, 0, 0, 0, 0, 0x33};

class Dhcp4ReservationTest : public Dhcp4ProcessorTest {
protected:
    void SetUp() override {
        Dhcp4ProcessorTest::SetUp();
        config_->subnets[0].reservations.clear();
        config_->hostReservationIdentifiers = {
            IdentifierType::HwAddress, IdentifierType::Duid, IdentifierType::CircuitId,
            IdentifierType::ClientIdentifier, IdentifierType::FlexId};
    }

    Reservation& reserve(const char* address, std::vector<Reservation>* in = nullptr) {
        auto& list = in ? *in : config_->subnets[0].reservations;
        Reservation r;
        r.ipAddress = ip(address);
        list.push_back(r);
        return list.back();
    }

    /// Client 0x50 relayed with option 82 circuit-id "br10" (and its 01+MAC client-id).
    Packet4 reservedQuery(MessageType type) {
        Packet4 q = query(type, 0x50);
        q.set(opt::kRelayAgentInfo, agentInfo("br10"));
        return q;
    }

    /// DISCOVER then REQUEST of the offered address; flexId stands in for a host4_identifier
    /// callout's answer. Returns the ACK (or NAK), empty when either step got no answer.
    std::optional<Packet4> doraWith(const Packet4& discover,
                                    const std::vector<uint8_t>& flexId = {}) {
        auto run = [&](const Packet4& q) {
            auto ex = std::make_shared<Exchange>();
            ex->query = q;
            ex->now = 1000;
            ex->flexId = flexId;
            ExchangePtr result;
            proc_->process(ex, [&result](const ExchangePtr& done) { result = done; });
            return result && result->response ? result->response : std::nullopt;
        };
        auto offer = run(discover);
        if (!offer) {
            return std::nullopt;
        }
        Packet4 req = discover;
        req.setMessageType(MessageType::Request);
        req.setAddress(opt::kRequestedAddress, offer->yiaddr);
        req.setAddress(opt::kServerId, ip("172.18.20.20"));
        return run(req);
    }

    std::string addressOf(const std::optional<Packet4>& ack) {
        if (!ack || ack->messageType() != MessageType::Ack) {
            return "no lease";
        }
        return ack->yiaddr.str();
    }
};

TEST_F(Dhcp4ReservationTest, AHostStoreReservationIsServedAndKeptFromOthers) {
    auto hosts = std::make_shared<test::FakeHostStore>();
    Reservation r;
    r.hwAddress = HwAddr::fromText("02:00:00:00:00:50");
    r.ipAddress = ip("172.18.10.150");
    r.hostname = "db-host";
    hosts->add(10, r);
    InterfaceAddresses ens18{"ens18", 2, {{ip("172.18.20.20"), 24}}};
    proc_ =
        std::make_unique<Dhcp4Processor>(config_, *leases_, std::vector<InterfaceAddresses>{ens18},
                                         nullptr, std::vector<std::shared_ptr<HostStore>>{hosts});
    auto ack = doraWith(reservedQuery(MessageType::Discover));
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->messageType(), MessageType::Ack);
    EXPECT_EQ(ack->yiaddr.str(), "172.18.10.150");
    const Option* name = ack->get(opt::kHostName);
    ASSERT_TRUE(name);
    EXPECT_EQ(std::string(name->data.begin(), name->data.end()), "db-host")
        << "the store's reservation lives as long as the exchange needs it";
    EXPECT_GT(hosts->lookups, 0);

    // Another client asking for the reserved address is refused.
    Packet4 req = query(MessageType::Request, 0x51);
    req.setAddress(opt::kRequestedAddress, ip("172.18.10.150"));
    req.setAddress(opt::kServerId, ip("172.18.20.20"));
    auto nak = proc_->process(req, 1000);
    ASSERT_TRUE(nak.response);
    EXPECT_EQ(nak.response->messageType(), MessageType::Nak);

    // The database gone: the query is dropped, not served as a client without reservation.
    hosts->failing = true;
    auto dropped = proc_->process(query(MessageType::Discover, 0x52), 1000);
    EXPECT_FALSE(dropped.response);
    EXPECT_TRUE(dropped.drop);
}

TEST_F(Dhcp4ReservationTest, CircuitIdReservationIsGrantedThroughTheRelay) {
    reserve("172.18.10.150").circuitId = bytes("br10");
    rebuild();
    auto ack = doraWith(reservedQuery(MessageType::Discover));
    EXPECT_EQ(addressOf(ack), "172.18.10.150");
    ASSERT_TRUE(store_->get(ip("172.18.10.150")));
    EXPECT_EQ(store_->get(ip("172.18.10.150"))->hwAddr.str(), "02:00:00:00:00:50");
}

TEST_F(Dhcp4ReservationTest, ClientIdReservationIsGranted) {
    reserve("172.18.10.151").clientId = std::vector<uint8_t>{0, 'k', 'a', 'h', 'u'};
    rebuild();
    Packet4 d = query(MessageType::Discover, 0x51);
    d.set(opt::kClientId, {0, 'k', 'a', 'h', 'u'});
    EXPECT_EQ(addressOf(doraWith(d)), "172.18.10.151");
}

TEST_F(Dhcp4ReservationTest, DuidReservationMatchesTheDuidInsideAType255ClientId) {
    reserve("172.18.10.152").duid = kDuid;
    rebuild();
    Packet4 d = query(MessageType::Discover, 0x52);
    d.set(opt::kClientId, duidClientId(kDuid));
    EXPECT_EQ(addressOf(doraWith(d)), "172.18.10.152");

    // The same bytes without the type-255 framing are not a DUID.
    Packet4 plain = query(MessageType::Discover, 0x53);
    plain.set(opt::kClientId, kDuid);
    EXPECT_NE(addressOf(doraWith(plain)), "172.18.10.152");
}

TEST_F(Dhcp4ReservationTest, FlexIdReservationUsesTheHost4IdentifierResult) {
    reserve("172.18.10.153").flexId = bytes("rack-7");
    rebuild();
    EXPECT_EQ(addressOf(doraWith(query(MessageType::Discover, 0x54), bytes("rack-7"))),
              "172.18.10.153");
    EXPECT_NE(addressOf(doraWith(query(MessageType::Discover, 0x55), bytes("rack-8"))),
              "172.18.10.153");
}

TEST_F(Dhcp4ReservationTest, HwAddressReservationIsGranted) {
    reserve("172.18.10.154").hwAddress = HwAddr::fromText("02:00:00:00:00:56");
    rebuild();
    EXPECT_EQ(addressOf(doraWith(query(MessageType::Discover, 0x56))), "172.18.10.154");
}

// For each identifier type: a reservation of the pool's first address (which the iterative
// allocator would hand out first) is skipped for every other client, DISCOVER and REQUEST
// alike, and its owner still gets it afterwards.
TEST_F(Dhcp4ReservationTest, AnotherClientNeverGetsAReservedAddressOfAnyIdentifierType) {
    struct Case {
        const char* name;
        std::function<void(Reservation&)> set;
        std::function<void(Packet4&)> owner;
        std::vector<uint8_t> flexId;
    };
    std::vector<Case> cases = {
        {"hw-address",
         [](Reservation& r) { r.hwAddress = HwAddr::fromText("02:00:00:00:00:60"); },
         [](Packet4& q) { q.chaddr = {0x02, 0, 0, 0, 0, 0x60}; },
         {}},
        {"duid",
         [](Reservation& r) { r.duid = kDuid; },
         [](Packet4& q) { q.set(opt::kClientId, duidClientId(kDuid)); },
         {}},
        {"circuit-id",
         [](Reservation& r) { r.circuitId = bytes("br10"); },
         [](Packet4& q) { q.set(opt::kRelayAgentInfo, agentInfo("br10")); },
         {}},
        {"client-id",
         [](Reservation& r) {
             r.clientId = std::vector<uint8_t>{0, 'k', 'a', 'h', 'u'};
         },
         [](Packet4& q) {
             q.set(opt::kClientId, {0, 'k', 'a', 'h', 'u'});
         },
         {}},
        {"flex-id", [](Reservation& r) { r.flexId = bytes("rack-7"); }, [](Packet4&) {},
         bytes("rack-7")},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        config_->subnets[0].reservations.clear();
        c.set(reserve("172.18.10.100"));
        rebuild();

        // Others: a plain client, and one relayed with another circuit-id.
        EXPECT_EQ(addressOf(doraWith(query(MessageType::Discover, 0x61))), "172.18.10.101");
        Packet4 other = query(MessageType::Discover, 0x62);
        other.set(opt::kRelayAgentInfo, agentInfo("br11"));
        EXPECT_EQ(addressOf(doraWith(other)), "172.18.10.102");
        Packet4 grab = query(MessageType::Request, 0x63);
        grab.setAddress(opt::kRequestedAddress, ip("172.18.10.100"));
        grab.setAddress(opt::kServerId, ip("172.18.20.20"));
        auto nak = proc_->process(grab, 1000);
        ASSERT_TRUE(nak.response);
        EXPECT_EQ(nak.response->messageType(), MessageType::Nak);

        Packet4 owner = query(MessageType::Discover, 0x64);
        c.owner(owner);
        EXPECT_EQ(addressOf(doraWith(owner, c.flexId)), "172.18.10.100");
    }
}

TEST_F(Dhcp4ReservationTest, FirstIdentifierInConfiguredOrderDecides) {
    reserve("172.18.10.170").hwAddress = HwAddr::fromText("02:00:00:00:00:50");
    reserve("172.18.10.171").circuitId = bytes("br10");
    reserve("172.18.10.172").clientId = std::vector<uint8_t>{1, 2, 0, 0, 0, 0, 0x50};

    config_->hostReservationIdentifiers = {IdentifierType::CircuitId, IdentifierType::HwAddress,
                                           IdentifierType::ClientIdentifier};
    rebuild();
    EXPECT_EQ(addressOf(doraWith(reservedQuery(MessageType::Discover))), "172.18.10.171");

    config_->hostReservationIdentifiers = {IdentifierType::ClientIdentifier,
                                           IdentifierType::CircuitId};
    rebuild();
    EXPECT_EQ(addressOf(doraWith(reservedQuery(MessageType::Discover))), "172.18.10.172");

    config_->hostReservationIdentifiers = {IdentifierType::HwAddress, IdentifierType::CircuitId};
    rebuild();
    EXPECT_EQ(addressOf(doraWith(reservedQuery(MessageType::Discover))), "172.18.10.170");
}

TEST_F(Dhcp4ReservationTest, IdentifierTypesNotConfiguredAreNotMatched) {
    reserve("172.18.10.100").circuitId = bytes("br10");
    config_->hostReservationIdentifiers = {IdentifierType::HwAddress};
    rebuild();
    // The reservation names nobody the server can recognise: its address is nobody's.
    EXPECT_EQ(addressOf(doraWith(query(MessageType::Discover, 0x65))), "172.18.10.101");
    EXPECT_EQ(addressOf(doraWith(reservedQuery(MessageType::Discover))), "172.18.10.102");
}

TEST_F(Dhcp4ReservationTest, OutOfPoolReservationIsGranted) {
    config_->subnets[0].reservationsOutOfPool = true;
    reserve("172.18.10.20").circuitId = bytes("br10");
    rebuild();
    EXPECT_EQ(addressOf(doraWith(reservedQuery(MessageType::Discover))), "172.18.10.20");
}

// reservations-out-of-pool promises that no reservation lies in a pool: as Kea, the server
// then neither offers an in-pool reserved address to its owner nor keeps it from others.
TEST_F(Dhcp4ReservationTest, OutOfPoolModeIgnoresReservedAddressesInsideThePool) {
    config_->subnets[0].reservationsOutOfPool = true;
    Reservation& r = reserve("172.18.10.150");
    r.circuitId = bytes("br10");
    r.hostname = "port-10";
    rebuild();
    auto ack = doraWith(reservedQuery(MessageType::Discover));
    EXPECT_EQ(addressOf(ack), "172.18.10.100");
    ASSERT_TRUE(ack && ack->get(opt::kHostName));
    const Option* hn = ack->get(opt::kHostName);
    EXPECT_EQ(std::string(hn->data.begin(), hn->data.end()), "port-10")
        << "the reservation's other parameters still apply";
}

TEST_F(Dhcp4ReservationTest, InPoolReservationIsGrantedWhenNotOutOfPool) {
    reserve("172.18.10.150").circuitId = bytes("br10");
    rebuild();
    EXPECT_EQ(addressOf(doraWith(reservedQuery(MessageType::Discover))), "172.18.10.150");
}

TEST_F(Dhcp4ReservationTest, GlobalReservationIsGrantedAndKeptFromOthers) {
    config_->subnets[0].reservationsGlobal = true;
    config_->subnets[0].reservationsInSubnet = false;
    reserve("172.18.10.100", &config_->globalReservations).clientId =
        std::vector<uint8_t>{0, 'g', 'l', 'o', 'b'};
    reserve("172.18.10.30", &config_->globalReservations).circuitId = bytes("br10");
    rebuild();
    EXPECT_EQ(addressOf(doraWith(query(MessageType::Discover, 0x66))), "172.18.10.101");
    Packet4 g = query(MessageType::Discover, 0x67);
    g.set(opt::kClientId, {0, 'g', 'l', 'o', 'b'});
    EXPECT_EQ(addressOf(doraWith(g)), "172.18.10.100");
    EXPECT_EQ(addressOf(doraWith(reservedQuery(MessageType::Discover))), "172.18.10.30")
        << "a global reservation outside the pool";
}

TEST_F(Dhcp4ReservationTest, GlobalReservationsAreIgnoredUnlessEnabled) {
    reserve("172.18.10.30", &config_->globalReservations).circuitId = bytes("br10");
    rebuild();
    EXPECT_EQ(addressOf(doraWith(reservedQuery(MessageType::Discover))), "172.18.10.100");
}

TEST_F(Dhcp4ReservationTest, SubnetReservationsAreIgnoredWhenInSubnetIsOff) {
    config_->subnets[0].reservationsInSubnet = false;
    reserve("172.18.10.100").circuitId = bytes("br10");
    rebuild();
    EXPECT_EQ(addressOf(doraWith(query(MessageType::Discover, 0x68))), "172.18.10.100");
    EXPECT_EQ(addressOf(doraWith(reservedQuery(MessageType::Discover))), "172.18.10.101");
}

TEST_F(Dhcp4ReservationTest, SubnetReservationWinsOverGlobalForHostName) {
    config_->subnets[0].reservationsGlobal = true;
    reserve("172.18.10.40", &config_->globalReservations).circuitId = bytes("br10");
    reserve("172.18.10.41").circuitId = bytes("br10");
    config_->subnets[0].reservations.back().hostname = "in-subnet";
    rebuild();
    auto ack = doraWith(reservedQuery(MessageType::Discover));
    // Kea takes a global reservation's address first, the subnet's host for everything else.
    EXPECT_EQ(addressOf(ack), "172.18.10.40");
    ASSERT_TRUE(ack && ack->get(opt::kHostName));
    const Option* hn = ack->get(opt::kHostName);
    EXPECT_EQ(std::string(hn->data.begin(), hn->data.end()), "in-subnet");
}

TEST_F(Dhcp4ReservationTest, ClientKeepsItsReservedAddressOnRenew) {
    reserve("172.18.10.150").circuitId = bytes("br10");
    rebuild();
    auto ack = doraWith(reservedQuery(MessageType::Discover));
    ASSERT_EQ(addressOf(ack), "172.18.10.150");
    Packet4 renew = reservedQuery(MessageType::Request);
    renew.ciaddr = ip("172.18.10.150");
    auto ex = proc_->process(renew, 2000);
    ASSERT_TRUE(ex.response);
    EXPECT_EQ(ex.response->messageType(), MessageType::Ack);
    EXPECT_EQ(ex.response->yiaddr.str(), "172.18.10.150");
}

} // namespace
} // namespace kahu
