// SPDX-License-Identifier: MPL-2.0
#include "dhcp4/dhcp4_processor.h"
#include "fake_lease_store.h"

#include <gtest/gtest.h>
#include <kahu/stats.h>

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
    EXPECT_EQ(one.query.classes(), (std::vector<std::string>{"HA_server1", "ALL"}));

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

} // namespace
} // namespace kahu
