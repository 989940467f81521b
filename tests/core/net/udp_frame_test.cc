// SPDX-License-Identifier: MPL-2.0
#include "net/udp_frame.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kahu::net {
namespace {

FrameAddressing sample() {
    FrameAddressing a;
    a.srcMac = {0x02, 0, 0, 0, 0, 1};
    a.dstMac = kBroadcastMac;
    a.srcIp = *Ipv4Address::fromText("10.0.0.1");
    a.dstIp = *Ipv4Address::fromText("255.255.255.255");
    a.srcPort = 67;
    a.dstPort = 68;
    return a;
}

const std::vector<uint8_t> kPayload{1, 2, 3, 4, 5, 6, 7}; // odd length exercises the last byte

TEST(UdpFrame, BuildsHeadersThatVerify) {
    std::vector<uint8_t> f;
    buildUdpFrame(sample(), kPayload, f);
    ASSERT_EQ(f.size(), kFrameOverhead + kPayload.size());
    EXPECT_EQ(f[12], 0x08);
    EXPECT_EQ(f[13], 0x00);
    EXPECT_EQ(f[14], 0x45);
    EXPECT_EQ(f[14 + 8], 128) << "TTL";
    EXPECT_EQ(f[14 + 9], 17);
    EXPECT_EQ(internetChecksum(f.data() + 14, 20), 0) << "IPv4 header checksum verifies";
    EXPECT_EQ((f[16] << 8 | f[17]), 20 + 8 + 7) << "IPv4 total length";
    EXPECT_EQ((f[38] << 8 | f[39]), 8 + 7) << "UDP length";
    EXPECT_NE((f[40] << 8 | f[41]), 0) << "UDP checksum is filled in";

    FrameAddressing back;
    std::span<const uint8_t> payload;
    ASSERT_EQ(parseUdpFrame(f, true, back, payload), FrameError::Ok);
    EXPECT_EQ(back.srcMac, sample().srcMac);
    EXPECT_EQ(back.dstMac, kBroadcastMac);
    EXPECT_EQ(back.srcIp, sample().srcIp);
    EXPECT_EQ(back.dstIp, sample().dstIp);
    EXPECT_EQ(back.srcPort, 67);
    EXPECT_EQ(back.dstPort, 68);
    EXPECT_EQ(std::vector<uint8_t>(payload.begin(), payload.end()), kPayload);
}

TEST(UdpFrame, ChecksumMatchesKnownIpv4Header) {
    // The classic example header from RFC 1071 discussions (checksum 0xb861).
    const uint8_t h[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                         0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    EXPECT_EQ(internetChecksum(h, sizeof h), 0xb861);
}

TEST(UdpFrame, AcceptsEthernetPaddingAfterDatagram) {
    std::vector<uint8_t> f;
    buildUdpFrame(sample(), kPayload, f);
    f.resize(f.size() + 10, 0);
    FrameAddressing a;
    std::span<const uint8_t> payload;
    ASSERT_EQ(parseUdpFrame(f, true, a, payload), FrameError::Ok);
    EXPECT_EQ(payload.size(), kPayload.size());
}

TEST(UdpFrame, RejectsDamagedFrames) {
    std::vector<uint8_t> good;
    buildUdpFrame(sample(), kPayload, good);
    FrameAddressing a;
    std::span<const uint8_t> p;

    EXPECT_EQ(parseUdpFrame(std::span(good.data(), 41), true, a, p), FrameError::Truncated);

    auto ipChecksum = good;
    ipChecksum[14 + 12] ^= 1; // source address changed, checksum not
    EXPECT_EQ(parseUdpFrame(ipChecksum, true, a, p), FrameError::BadIpChecksum);

    auto udpChecksum = good;
    udpChecksum.back() ^= 0xff;
    EXPECT_EQ(parseUdpFrame(udpChecksum, true, a, p), FrameError::BadUdpChecksum);
    EXPECT_EQ(parseUdpFrame(udpChecksum, false, a, p), FrameError::Ok)
        << "an offloaded checksum is not verified";

    auto noChecksum = udpChecksum;
    noChecksum[40] = noChecksum[41] = 0;
    EXPECT_EQ(parseUdpFrame(noChecksum, true, a, p), FrameError::Ok) << "0 = no UDP checksum";

    auto longIp = good;
    longIp[17] += 1; // IPv4 total length past the frame
    EXPECT_EQ(parseUdpFrame(longIp, true, a, p), FrameError::BadIpHeader);

    auto fragment = good;
    fragment[14 + 6] = 0x20; // MF
    fragment[14 + 10] = fragment[14 + 11] = 0;
    uint16_t c = internetChecksum(fragment.data() + 14, 20);
    fragment[24] = uint8_t(c >> 8), fragment[25] = uint8_t(c);
    EXPECT_EQ(parseUdpFrame(fragment, true, a, p), FrameError::Fragment);

    auto udpLength = good;
    udpLength[39] += 1; // UDP length past the IP payload
    EXPECT_EQ(parseUdpFrame(udpLength, false, a, p), FrameError::BadUdpLength);

    auto arp = good;
    arp[12] = 0x08, arp[13] = 0x06;
    EXPECT_EQ(parseUdpFrame(arp, true, a, p), FrameError::NotIpv4);
}

// Kea 2.2 (tests/diff): the frame goes to the MAC the query came from whenever it is known,
// broadcast IP destination included; chaddr or broadcast only without one.
TEST(ReplyDestinationMac, AnswersTheFrameSourceAsKeaDoes) {
    Packet4 reply;
    reply.chaddr = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    reply.yiaddr = *Ipv4Address::fromText("10.0.0.50");
    reply.remoteMac = {0x02, 0, 0, 0, 0, 9};
    const std::array<uint8_t, 6> chaddrMac{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

    EXPECT_EQ(replyDestinationMac(reply, Ipv4Address(0xffffffff)), reply.remoteMac)
        << "a broadcast-flag reply or NAK still goes to the sender's MAC";
    EXPECT_EQ(replyDestinationMac(reply, reply.yiaddr), reply.remoteMac)
        << "the frame source, even when chaddr differs";
    reply.remoteMac = {};
    EXPECT_EQ(replyDestinationMac(reply, reply.yiaddr), chaddrMac) << "no frame source: chaddr";
    EXPECT_EQ(replyDestinationMac(reply, Ipv4Address(0xffffffff)), kBroadcastMac);
    reply.remoteMac = {0x02, 0, 0, 0, 0, 9};

    reply.ciaddr = reply.yiaddr;
    EXPECT_EQ(replyDestinationMac(reply, reply.yiaddr), reply.remoteMac)
        << "a renewing client is answered where it spoke from";
    reply.ciaddr = Ipv4Address();
    reply.giaddr = *Ipv4Address::fromText("10.0.0.254");
    EXPECT_EQ(replyDestinationMac(reply, reply.giaddr), reply.remoteMac) << "to the relay";
    reply.remoteMac = {};
    EXPECT_EQ(replyDestinationMac(reply, reply.giaddr), kBroadcastMac) << "unknown MAC";
}

// The filter is run by the kernel itself: a socket filter also applies to AF_UNIX datagrams,
// where the data starts at offset 0 just like an Ethernet frame on a packet socket.
class BpfFilter : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, fds_), 0);
        auto filter = dhcpServerFilter(67);
        sock_fprog prog{static_cast<unsigned short>(filter.size()), filter.data()};
        ASSERT_EQ(setsockopt(fds_[1], SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog), 0);
    }
    void TearDown() override {
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    bool passes(const std::vector<uint8_t>& frame) {
        EXPECT_EQ(::send(fds_[0], frame.data(), frame.size(), 0), ssize_t(frame.size()));
        uint8_t buf[2048];
        ssize_t n = ::recv(fds_[1], buf, sizeof buf, 0);
        if (n >= 0) {
            EXPECT_EQ(size_t(n), frame.size()) << "accepted frames are not truncated";
        }
        return n >= 0;
    }
    int fds_[2] = {-1, -1};
};

TEST_F(BpfFilter, AcceptsOnlyUnfragmentedUdpToServerPort) {
    FrameAddressing a = sample();
    a.srcPort = 68;
    a.dstPort = 67;
    std::vector<uint8_t> f;
    buildUdpFrame(a, kPayload, f);
    EXPECT_TRUE(passes(f));

    auto otherPort = f;
    otherPort[37] = 68;
    EXPECT_FALSE(passes(otherPort));

    auto tcp = f;
    tcp[23] = 6;
    EXPECT_FALSE(passes(tcp));

    auto arp = f;
    arp[13] = 0x06;
    EXPECT_FALSE(passes(arp));

    auto fragment = f;
    fragment[21] = 0x10; // fragment offset
    EXPECT_FALSE(passes(fragment));

    // An IP header with options moves the UDP header; the filter follows IHL.
    std::vector<uint8_t> withOptions(f.begin(), f.begin() + 34);
    withOptions[14] = 0x46;
    withOptions.insert(withOptions.end(), {1, 1, 1, 0});
    withOptions.insert(withOptions.end(), f.begin() + 34, f.end());
    EXPECT_TRUE(passes(withOptions));
}

} // namespace
} // namespace kahu::net
