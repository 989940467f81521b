// SPDX-License-Identifier: MPL-2.0
// Real sockets on a veth pair between two network namespaces this test creates and removes:
// ns A plays the client (a test-owned AF_PACKET socket, or plain UDP), ns B the server.
#include "net/raw_socket.h"
#include "net/socket_set.h"
#include "net/udp_socket.h"

#include <arpa/inet.h>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <future>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <type_traits>
#include <unistd.h>

namespace kahu::net {
namespace {

bool readable(int fd, int timeoutMs = 2000) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeoutMs) > 0;
}

/// Runs f on a thread that has joined namespace ns: sockets created there stay in ns and
/// can be used from any thread afterwards.
template <class F> std::invoke_result_t<F> in(const std::string& ns, F f) {
    return std::async(std::launch::async,
                      [&]() -> std::invoke_result_t<F> {
                          int fd = ::open(("/var/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
                          if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
                              throw Error("cannot enter namespace " + ns);
                          }
                          ::close(fd);
                          return f();
                      })
        .get();
}

class VethNamespaces : public ::testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) {
            GTEST_SKIP() << "needs root for network namespaces";
        }
        std::string id = std::to_string(getpid());
        nsA_ = "kahu-pkA-" + id;
        nsB_ = "kahu-pkB-" + id;
        vethA_ = "kpa" + id;
        vethB_ = "kpb" + id;
        created_ = true;
        ASSERT_TRUE(sh("ip netns add " + nsA_));
        ASSERT_TRUE(sh("ip netns add " + nsB_));
        ASSERT_TRUE(sh("ip link add " + vethA_ + " type veth peer name " + vethB_));
        ASSERT_TRUE(sh("ip link set " + vethA_ + " netns " + nsA_));
        ASSERT_TRUE(sh("ip link set " + vethB_ + " netns " + nsB_));
        ASSERT_TRUE(sh("ip -n " + nsB_ + " addr add 10.199.0.1/24 dev " + vethB_));
        ASSERT_TRUE(sh("ip -n " + nsA_ + " link set " + vethA_ + " up"));
        ASSERT_TRUE(sh("ip -n " + nsB_ + " link set " + vethB_ + " up"));
        a_ = in(nsA_, [&] { return *findInterface(vethA_); });
        b_ = in(nsB_, [&] { return *findInterface(vethB_); });
    }
    void TearDown() override {
        if (created_) {
            sh("ip netns del " + nsA_ + " 2>/dev/null");
            sh("ip netns del " + nsB_ + " 2>/dev/null");
        }
    }
    static bool sh(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }

    /// A plain AF_PACKET socket in ns A: the "client" that crafts and inspects whole frames.
    FileDescriptor clientPacketSocket() {
        return in(nsA_, [&] {
            FileDescriptor fd(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_IP)));
            sockaddr_ll sa{};
            sa.sll_family = AF_PACKET;
            sa.sll_protocol = htons(ETH_P_IP);
            sa.sll_ifindex = a_.ifindex;
            if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
                throw Error("client packet socket");
            }
            return fd;
        });
    }
    void sendFrame(int fd, const FrameAddressing& addr, const std::vector<uint8_t>& payload) {
        std::vector<uint8_t> frame;
        buildUdpFrame(addr, payload, frame);
        ASSERT_EQ(::send(fd, frame.data(), frame.size(), 0), ssize_t(frame.size()));
    }
    /// Next incoming UDP frame to port 68 on the client socket.
    bool receiveReply(int fd, FrameAddressing& addr, Packet4& reply) {
        uint8_t buf[4096];
        while (readable(fd)) {
            sockaddr_ll from{};
            socklen_t len = sizeof from;
            ssize_t n =
                ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
            if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING) {
                continue;
            }
            std::span<const uint8_t> payload;
            if (parseUdpFrame(std::span<const uint8_t>(buf, size_t(n)), true, addr, payload) ==
                    FrameError::Ok &&
                addr.dstPort == 68) {
                return reply.parse(payload) == ParseError::Ok;
            }
        }
        return false;
    }
    std::vector<uint8_t> discoverFrom(const std::array<uint8_t, 6>& mac, uint32_t xid) {
        Packet4 d;
        d.xid = xid;
        std::copy(mac.begin(), mac.end(), d.chaddr.begin());
        d.setMessageType(MessageType::Discover);
        std::vector<uint8_t> w;
        d.pack(w);
        return w;
    }
    FrameAddressing discoverAddressing(uint16_t serverPort) const {
        FrameAddressing f;
        f.srcMac = a_.mac;
        f.dstMac = kBroadcastMac;
        f.dstIp = Ipv4Address(0xffffffff);
        f.srcPort = 68;
        f.dstPort = serverPort;
        return f;
    }
    /// The reply an engine would build for a received DISCOVER.
    static Packet4 offerFor(const ReceivedPacket& rp, Ipv4Address yiaddr, bool broadcast) {
        Packet4 q;
        EXPECT_EQ(q.parse(rp.data), ParseError::Ok);
        Packet4 r;
        r.op = 2;
        r.xid = q.xid;
        r.chaddr = q.chaddr;
        r.flags = broadcast ? 0x8000 : 0;
        r.yiaddr = yiaddr;
        r.setMessageType(MessageType::Offer);
        r.remoteAddr = broadcast ? Ipv4Address(0xffffffff) : yiaddr;
        r.remotePort = 68;
        r.localAddr = rp.dst;
        r.localPort = rp.dstPort;
        r.ifindex = rp.ifindex;
        r.iface = rp.iface;
        r.remoteMac = rp.srcMac;
        return r;
    }

    std::string nsA_, nsB_, vethA_, vethB_;
    InterfaceInfo a_, b_;
    bool created_ = false;
    const Ipv4Address serverIp_ = *Ipv4Address::fromText("10.199.0.1");
    const Ipv4Address offered_ = *Ipv4Address::fromText("10.199.0.50");
};

TEST_F(VethNamespaces, RawSocketReceivesDiscoverAndUnicastsOfferToChaddr) {
    FileDescriptor client = clientPacketSocket();
    auto server = in(nsB_, [&] { return std::make_unique<RawSocket>(b_, 67); });
    ASSERT_EQ(server->interface().addresses.size(), 1u);

    sendFrame(client.get(), discoverAddressing(67), discoverFrom(a_.mac, 0xabcdef01));
    ASSERT_TRUE(readable(server->fd()));
    std::vector<ReceivedPacket> batch(8);
    ASSERT_EQ(server->receive(batch), 1u);
    const ReceivedPacket& rp = batch[0];
    EXPECT_EQ(rp.src, Ipv4Address());
    EXPECT_TRUE(rp.dst.isBroadcast());
    EXPECT_EQ(rp.srcPort, 68);
    EXPECT_EQ(rp.dstPort, 67);
    EXPECT_EQ(rp.srcMac, a_.mac);
    EXPECT_EQ(rp.ifindex, b_.ifindex);
    EXPECT_EQ(rp.iface, vethB_);
    Packet4 query;
    ASSERT_EQ(query.parse(rp.data), ParseError::Ok);
    EXPECT_EQ(query.xid, 0xabcdef01u);
    rp.fillTransport(query);
    EXPECT_EQ(query.remoteMac, a_.mac);

    Packet4 offer = offerFor(rp, offered_, false);
    std::vector<uint8_t> wire;
    offer.pack(wire);
    ASSERT_TRUE(server->send(offer, wire));

    FrameAddressing got;
    Packet4 reply;
    ASSERT_TRUE(receiveReply(client.get(), got, reply));
    EXPECT_EQ(got.dstMac, a_.mac) << "unicast to chaddr";
    EXPECT_EQ(got.srcMac, b_.mac);
    EXPECT_EQ(got.srcIp, serverIp_) << "from the interface address";
    EXPECT_EQ(got.dstIp, offered_);
    EXPECT_EQ(got.srcPort, 67);
    EXPECT_EQ(got.dstPort, 68);
    EXPECT_EQ(reply.xid, 0xabcdef01u);
    EXPECT_EQ(reply.messageType(), MessageType::Offer);
    EXPECT_EQ(server->dropped(), 0u);
}

// As Kea 2.2: the IP destination is the broadcast address, the frame goes to the client's MAC.
TEST_F(VethNamespaces, RawSocketBroadcastsOfferWhenClientAsks) {
    FileDescriptor client = clientPacketSocket();
    auto server = in(nsB_, [&] { return std::make_unique<RawSocket>(b_, 67); });
    sendFrame(client.get(), discoverAddressing(67), discoverFrom(a_.mac, 7));
    ASSERT_TRUE(readable(server->fd()));
    std::vector<ReceivedPacket> batch(4);
    ASSERT_EQ(server->receive(batch), 1u);

    Packet4 offer = offerFor(batch[0], offered_, true);
    std::vector<uint8_t> wire;
    offer.pack(wire);
    ASSERT_TRUE(server->send(offer, wire));
    FrameAddressing got;
    Packet4 reply;
    ASSERT_TRUE(receiveReply(client.get(), got, reply));
    EXPECT_EQ(got.dstMac, a_.mac) << "the MAC the DISCOVER came from";
    EXPECT_TRUE(got.dstIp.isBroadcast());
    EXPECT_EQ(reply.xid, 7u);
}

TEST_F(VethNamespaces, RawSocketIgnoresOtherPortsAndDropsBadChecksums) {
    FileDescriptor client = clientPacketSocket();
    auto server = in(nsB_, [&] { return std::make_unique<RawSocket>(b_, 67); });
    sendFrame(client.get(), discoverAddressing(16999), discoverFrom(a_.mac, 1));
    std::vector<uint8_t> frame;
    buildUdpFrame(discoverAddressing(67), discoverFrom(a_.mac, 2), frame);
    frame.back() ^= 0x5a; // payload damaged after the UDP checksum was computed
    ASSERT_EQ(::send(client.get(), frame.data(), frame.size(), 0), ssize_t(frame.size()));
    sendFrame(client.get(), discoverAddressing(67), discoverFrom(a_.mac, 3));

    std::vector<ReceivedPacket> batch(8);
    size_t n = 0;
    for (int i = 0; i < 20 && n == 0; ++i) {
        readable(server->fd(), 100);
        n = server->receive(batch);
    }
    ASSERT_EQ(n, 1u) << "only the intact DISCOVER to port 67 is delivered";
    Packet4 q;
    ASSERT_EQ(q.parse(batch[0].data), ParseError::Ok);
    EXPECT_EQ(q.xid, 3u);
    EXPECT_EQ(server->dropped(), 1u);
}

TEST_F(VethNamespaces, UdpSocketReportsBroadcastDestinationAndRepliesFromInterfaceAddress) {
    ASSERT_TRUE(sh("ip -n " + nsA_ + " addr add 10.199.0.2/24 dev " + vethA_));
    auto server =
        in(nsB_, [&] { return std::make_unique<UdpSocket>(vethB_, Ipv4Address(), 16767); });
    auto client =
        in(nsA_, [&] { return std::make_unique<UdpSocket>(vethA_, Ipv4Address(), 16768); });

    const std::vector<uint8_t> hello{'h', 'i'};
    ASSERT_TRUE(client->send(hello, Ipv4Address(0xffffffff), 16767, Ipv4Address(), a_.ifindex));
    ASSERT_TRUE(readable(server->fd()));
    std::vector<ReceivedPacket> batch(4);
    ASSERT_EQ(server->receive(batch), 1u);
    EXPECT_EQ(batch[0].data, hello);
    EXPECT_TRUE(batch[0].dst.isBroadcast());
    EXPECT_EQ(batch[0].src.str(), "10.199.0.2");
    EXPECT_EQ(batch[0].srcPort, 16768);
    EXPECT_EQ(batch[0].dstPort, 16767);
    EXPECT_EQ(batch[0].ifindex, b_.ifindex);
    EXPECT_EQ(batch[0].iface, vethB_);

    Packet4 reply;
    reply.remoteAddr = batch[0].src;
    reply.remotePort = batch[0].srcPort;
    reply.localAddr = serverIp_;
    reply.ifindex = batch[0].ifindex;
    const std::vector<uint8_t> answer{'o', 'k'};
    ASSERT_TRUE(server->send(reply, answer));
    ASSERT_TRUE(readable(client->fd()));
    ASSERT_EQ(client->receive(batch), 1u);
    EXPECT_EQ(batch[0].data, answer);
    EXPECT_EQ(batch[0].src, serverIp_);
    EXPECT_EQ(batch[0].srcPort, 16767);
}

TEST_F(VethNamespaces, SocketSetOpensRawSocketsAndRoutesRepliesByIfindex) {
    FileDescriptor client = clientPacketSocket();
    InterfacesConfig cfg;
    cfg.interfaces.push_back({"*", std::nullopt});
    cfg.socketType = SocketType::Raw;
    auto set = in(nsB_, [&] {
        auto s = std::make_unique<SocketSet>();
        s->open(cfg, 16767);
        return s;
    });
    ASSERT_EQ(set->interfaces().size(), 1u) << "'*' skips loopback";
    EXPECT_EQ(set->interfaces()[0].name, vethB_);
    EXPECT_EQ(set->fds().size(), 2u) << "raw socket + drained UDP companion";

    sendFrame(client.get(), discoverAddressing(16767), discoverFrom(a_.mac, 99));
    ASSERT_TRUE(set->wait(2000));
    std::vector<ReceivedPacket> batch(8);
    size_t n = 0;
    for (int i = 0; i < 20 && n == 0; ++i) {
        set->wait(100);
        n = set->receive(batch);
    }
    ASSERT_EQ(n, 1u);
    EXPECT_EQ(batch[0].dstPort, 16767);

    Packet4 offer = offerFor(batch[0], offered_, false);
    offer.iface.clear(); // chosen by ifindex alone
    std::vector<uint8_t> wire;
    offer.pack(wire);
    ASSERT_TRUE(set->send(offer, wire));
    FrameAddressing got;
    Packet4 reply;
    ASSERT_TRUE(receiveReply(client.get(), got, reply));
    EXPECT_EQ(reply.xid, 99u);
    EXPECT_EQ(got.srcIp, serverIp_);
    EXPECT_EQ(got.srcPort, 16767);

    offer.ifindex = 12345;
    EXPECT_FALSE(set->send(offer, wire)) << "no socket for an unknown interface";
}

/// Frames the namespace sends out of an interface, as a packet socket on it sees them (only
/// an ETH_P_ALL socket is shown outgoing frames).
FileDescriptor outgoingTap(int ifindex) {
    FileDescriptor fd(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL)));
    sockaddr_ll sa{};
    sa.sll_family = AF_PACKET;
    sa.sll_protocol = htons(ETH_P_ALL);
    sa.sll_ifindex = ifindex;
    if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        throw Error("tap socket");
    }
    return fd;
}

/// The next UDP frame sent out of the tapped interface to dstPort, if one comes in time.
bool outgoingFrame(int fd, uint16_t dstPort, FrameAddressing& addr, int timeoutMs = 1000) {
    uint8_t buf[4096];
    while (readable(fd, timeoutMs)) {
        sockaddr_ll from{};
        socklen_t len = sizeof from;
        ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
        std::span<const uint8_t> payload;
        if (n > 0 && from.sll_pkttype == PACKET_OUTGOING &&
            parseUdpFrame(std::span<const uint8_t>(buf, size_t(n)), false, addr, payload) ==
                FrameError::Ok &&
            addr.dstPort == dstPort) {
            return true;
        }
    }
    return false;
}

TEST_F(VethNamespaces, SocketSetWithUseRoutingSendsRelayRepliesByTheRoutingTable) {
    // The relay (10.55.0.9, a static neighbour so no ARP holds the frame back) is reached
    // through a second interface of the server's namespace, not the one the query came in on.
    std::string dummy = "kpd" + std::to_string(getpid());
    std::string peer = "kpe" + std::to_string(getpid());
    ASSERT_TRUE(sh("ip -n " + nsB_ + " link add " + dummy + " type veth peer name " + peer));
    ASSERT_TRUE(sh("ip -n " + nsB_ + " addr add 10.55.0.1/24 dev " + dummy));
    ASSERT_TRUE(sh("ip -n " + nsB_ + " link set " + peer + " up"));
    ASSERT_TRUE(sh("ip -n " + nsB_ + " link set " + dummy + " up"));
    ASSERT_TRUE(sh("ip -n " + nsB_ + " neigh add 10.55.0.9 lladdr 02:00:00:00:00:09 dev " + dummy));
    ASSERT_TRUE(sh("ip -n " + nsA_ + " addr add 10.199.0.2/24 dev " + vethA_));
    InterfaceInfo d = in(nsB_, [&] { return *findInterface(dummy); });
    FileDescriptor tap = in(nsB_, [&] { return outgoingTap(d.ifindex); });

    InterfacesConfig cfg;
    cfg.interfaces.push_back({vethB_, std::nullopt});
    cfg.socketType = SocketType::Udp;
    cfg.outboundUseRouting = true;
    auto set = in(nsB_, [&] {
        auto s = std::make_unique<SocketSet>();
        s->open(cfg, 16767);
        return s;
    });
    EXPECT_EQ(set->fds().size(), 1u) << "the routing socket is never polled";
    auto client =
        in(nsA_, [&] { return std::make_unique<UdpSocket>(vethA_, Ipv4Address(), 16768); });
    const std::vector<uint8_t> hello{'h', 'i'};
    ASSERT_TRUE(client->send(hello, serverIp_, 16767, Ipv4Address(), a_.ifindex));
    std::vector<ReceivedPacket> batch(4);
    size_t n = 0;
    for (int i = 0; i < 20 && n == 0; ++i) {
        set->wait(100);
        n = set->receive(batch);
    }
    ASSERT_EQ(n, 1u) << "the interface socket still gets the query";
    EXPECT_EQ(batch[0].iface, vethB_);

    Packet4 reply;
    reply.remoteAddr = *Ipv4Address::fromText("10.55.0.9");
    reply.remotePort = 16769;
    reply.localPort = 16767;
    reply.iface = vethB_;
    reply.ifindex = 0; // what the processor leaves for use-routing
    const std::vector<uint8_t> answer{'o', 'k'};
    ASSERT_TRUE(set->send(reply, answer));
    FrameAddressing got;
    ASSERT_TRUE(outgoingFrame(tap.get(), 16769, got)) << "left by the routed interface";
    EXPECT_EQ(got.srcIp.str(), "10.55.0.1") << "from the routed interface's address, as Kea";
    EXPECT_EQ(got.srcPort, 16767);
    EXPECT_EQ(got.dstIp.str(), "10.55.0.9");

    reply.ifindex = b_.ifindex; // same-as-inbound: tied to the receiving interface
    set->send(reply, answer);
    EXPECT_FALSE(outgoingFrame(tap.get(), 16769, got, 300));
}

TEST_F(VethNamespaces, SocketSetNamesAMissingInterface) {
    InterfacesConfig cfg;
    cfg.interfaces.push_back({"nosuch0", std::nullopt});
    try {
        in(nsB_, [&] {
            SocketSet s;
            s.open(cfg, 16767);
            return 0;
        });
        FAIL() << "expected kahu::Error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("nosuch0"), std::string::npos) << e.what();
    }
}

TEST(UdpSocketLoopback, ReportsDestinationAndInterfaceViaPktinfo) {
    UdpSocket server("", Ipv4Address(), 0); // ephemeral port: no clash with anything
    ASSERT_NE(server.port(), 0);
    FileDescriptor client(::socket(AF_INET, SOCK_DGRAM, 0));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(server.port());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const char msg[] = "dhcp";
    ASSERT_EQ(::sendto(client.get(), msg, 4, 0, reinterpret_cast<sockaddr*>(&to), sizeof to), 4);
    ASSERT_TRUE(readable(server.fd()));
    std::vector<ReceivedPacket> batch(2);
    ASSERT_EQ(server.receive(batch), 1u);
    EXPECT_EQ(batch[0].data.size(), 4u);
    EXPECT_EQ(batch[0].dst.str(), "127.0.0.1");
    EXPECT_EQ(batch[0].src.str(), "127.0.0.1");
    EXPECT_EQ(batch[0].ifindex, int(if_nametoindex("lo")));
    EXPECT_EQ(batch[0].iface, "lo");
    EXPECT_EQ(server.receive(batch), 0u) << "non-blocking when empty";
}

} // namespace
} // namespace kahu::net
