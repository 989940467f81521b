// SPDX-License-Identifier: MPL-2.0
#include <gtest/gtest.h>
#include <kahu/dhcp/packet4.h>
#include <vector>

namespace kahu {
namespace {

// A minimal BOOTREQUEST header + cookie; options are appended by the tests.
std::vector<uint8_t> header(uint8_t op = 1) {
    std::vector<uint8_t> b(240, 0);
    b[0] = op;
    b[1] = 1;
    b[2] = 6;
    b[4] = 0x12, b[5] = 0x34, b[6] = 0x56, b[7] = 0x78;
    for (int i = 0; i < 6; ++i) {
        b[28 + i] = uint8_t(0xa0 + i);
    }
    b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99;
    return b;
}

std::vector<uint8_t> discover(std::vector<uint8_t> extra = {}) {
    auto b = header();
    b.insert(b.end(), {53, 1, 1});
    b.insert(b.end(), extra.begin(), extra.end());
    b.push_back(255);
    return b;
}

// Option codes in the order they appear on the wire.
std::vector<uint8_t> wireCodes(const std::vector<uint8_t>& w) {
    std::vector<uint8_t> codes;
    for (size_t i = 240; i < w.size();) {
        if (w[i] == 0) {
            ++i;
            continue;
        }
        codes.push_back(w[i]);
        if (w[i] == 255) {
            break;
        }
        i += 2 + w[i + 1];
    }
    return codes;
}

TEST(Packet4Parse, ReadsHeaderFieldsAndOptions) {
    auto b = discover({50, 4, 10, 0, 0, 7, 12, 3, 'f', 'o', 'o'});
    b[3] = 2;                                    // hops
    b[8] = 0, b[9] = 5;                          // secs
    b[10] = 0x80;                                // broadcast flag
    b[12] = 1, b[13] = 2, b[14] = 3, b[15] = 4;  // ciaddr
    b[24] = 10, b[25] = 1, b[26] = 0, b[27] = 1; // giaddr
    Packet4 p;
    ASSERT_EQ(p.parse(b), ParseError::Ok);
    EXPECT_EQ(p.op, 1);
    EXPECT_EQ(p.hops, 2);
    EXPECT_EQ(p.xid, 0x12345678u);
    EXPECT_EQ(p.secs, 5);
    EXPECT_TRUE(p.broadcastFlag());
    EXPECT_EQ(p.ciaddr.str(), "1.2.3.4");
    EXPECT_TRUE(p.isRelayed());
    EXPECT_EQ(p.giaddr.str(), "10.1.0.1");
    EXPECT_EQ(p.messageType(), MessageType::Discover);
    EXPECT_EQ(p.getAddress(opt::kRequestedAddress)->str(), "10.0.0.7");
    ASSERT_TRUE(p.get(opt::kHostName));
    EXPECT_EQ(std::string(p.get(12)->data.begin(), p.get(12)->data.end()), "foo");
    EXPECT_EQ(p.hwAddr().str(), "a0:a1:a2:a3:a4:a5");
    EXPECT_EQ(p.options().size(), 3u);
}

TEST(Packet4Parse, RejectsShortPacket) {
    auto b = discover();
    Packet4 p;
    EXPECT_EQ(p.parse(std::span(b.data(), 239)), ParseError::TooShort);
    EXPECT_EQ(p.parse({}), ParseError::TooShort);
}

TEST(Packet4Parse, RejectsBadMagicCookie) {
    auto b = discover();
    b[239] = 98;
    Packet4 p;
    EXPECT_EQ(p.parse(b), ParseError::BadMagicCookie);
}

TEST(Packet4Parse, RejectsBadOp) {
    auto b = discover();
    b[0] = 3;
    Packet4 p;
    EXPECT_EQ(p.parse(b), ParseError::BadOp);
}

TEST(Packet4Parse, RejectsHlenAbove16) {
    auto b = discover();
    b[2] = 17;
    Packet4 p;
    EXPECT_EQ(p.parse(b), ParseError::BadHlen);
    b[2] = 16;
    EXPECT_EQ(p.parse(b), ParseError::Ok);
}

TEST(Packet4Parse, RejectsOptionRunningPastTheEnd) {
    auto b = header();
    b.insert(b.end(), {53, 1, 1, 12, 10, 'a', 'b'});
    Packet4 p;
    EXPECT_EQ(p.parse(b), ParseError::OptionOverrun);
    auto c = header();
    c.insert(c.end(), {53, 1, 1, 12}); // code without a length byte
    EXPECT_EQ(p.parse(c), ParseError::OptionOverrun);
}

TEST(Packet4Parse, RejectsMissingOrInvalidMessageType) {
    Packet4 p;
    auto none = header();
    none.insert(none.end(), {12, 1, 'x', 255});
    EXPECT_EQ(p.parse(none), ParseError::NoMessageType);
    auto twoBytes = header();
    twoBytes.insert(twoBytes.end(), {53, 2, 1, 1, 255});
    EXPECT_EQ(p.parse(twoBytes), ParseError::NoMessageType);
    auto zero = header();
    zero.insert(zero.end(), {53, 1, 0, 255});
    EXPECT_EQ(p.parse(zero), ParseError::NoMessageType);
}

// Kea drops a packet whose fixed-size options are shorter than their type
// (DHCP4_PACKET_DROP_0001 "option buffer truncated").
TEST(Packet4Parse, RejectsTruncatedFixedSizeOptions) {
    Packet4 p;
    for (std::vector<uint8_t> bad :
         {std::vector<uint8_t>{50, 3, 10, 0, 0}, std::vector<uint8_t>{54, 2, 10, 0},
          std::vector<uint8_t>{51, 1, 0}, std::vector<uint8_t>{57, 1, 2}}) {
        auto b = header();
        b.insert(b.end(), {53, 1, 1});
        b.insert(b.end(), bad.begin(), bad.end());
        b.push_back(255);
        EXPECT_EQ(p.parse(b), ParseError::OptionTooShort) << int(bad[0]);
    }
    auto good = header();
    good.insert(good.end(), {53, 1, 1, 50, 4, 10, 0, 0, 1, 57, 2, 2, 64, 255});
    EXPECT_EQ(p.parse(good), ParseError::Ok);
}

TEST(Packet4Parse, SkipsPadAndStopsAtEnd) {
    auto b = header();
    b.insert(b.end(), {0, 0, 53, 1, 3, 0, 255, 12, 50, 'j', 'u', 'n', 'k'});
    Packet4 p;
    ASSERT_EQ(p.parse(b), ParseError::Ok);
    EXPECT_EQ(p.messageType(), MessageType::Request);
    EXPECT_FALSE(p.get(12));
}

TEST(Packet4Parse, ReadsOverloadedFileThenSname) {
    auto b = header();
    // file (offset 108) holds 12 "ab", sname (offset 44) holds 12 "cd": concatenated in order
    // options, file, sname (RFC 3396 / RFC 2131 §4.1).
    uint8_t fileOpts[] = {12, 2, 'a', 'b', 66, 1, 'x', 255};
    uint8_t snameOpts[] = {12, 2, 'c', 'd', 255};
    std::copy(std::begin(fileOpts), std::end(fileOpts), b.begin() + 108);
    std::copy(std::begin(snameOpts), std::end(snameOpts), b.begin() + 44);
    b.insert(b.end(), {53, 1, 1, 52, 1, 3, 12, 1, '0', 255});
    Packet4 p;
    ASSERT_EQ(p.parse(b), ParseError::Ok);
    ASSERT_TRUE(p.get(12));
    EXPECT_EQ(std::string(p.get(12)->data.begin(), p.get(12)->data.end()), "0abcd");
    ASSERT_TRUE(p.get(66));
    EXPECT_FALSE(p.get(opt::kOverload)) << "option 52 is consumed by the parser";
    EXPECT_EQ(p.file[0], 0) << "an overloaded field no longer holds a name";
    EXPECT_EQ(p.sname[0], 0);
}

TEST(Packet4Parse, OverloadOfFileOnlyKeepsSname) {
    auto b = header();
    b[44] = 's';
    uint8_t fileOpts[] = {66, 1, 'x', 255};
    std::copy(std::begin(fileOpts), std::end(fileOpts), b.begin() + 108);
    b.insert(b.end(), {53, 1, 1, 52, 1, 1, 255});
    Packet4 p;
    ASSERT_EQ(p.parse(b), ParseError::Ok);
    EXPECT_TRUE(p.get(66));
    EXPECT_EQ(p.sname[0], 's');
}

TEST(Packet4Parse, RejectsMalformedOverload) {
    Packet4 p;
    auto badValue = discover({52, 1, 4});
    EXPECT_EQ(p.parse(badValue), ParseError::BadOverload);
    auto badLength = discover({52, 2, 1, 1});
    EXPECT_EQ(p.parse(badLength), ParseError::BadOverload);
}

TEST(Packet4Parse, RejectsOverloadLoopInsideFile) {
    auto b = header();
    uint8_t fileOpts[] = {52, 1, 3, 255};
    std::copy(std::begin(fileOpts), std::end(fileOpts), b.begin() + 108);
    b.insert(b.end(), {53, 1, 1, 52, 1, 1, 255});
    Packet4 p;
    EXPECT_EQ(p.parse(b), ParseError::BadOverload);
}

TEST(Packet4Parse, RejectsOverrunInsideOverloadedSname) {
    auto b = header();
    b[44 + 62] = 12;
    b[44 + 63] = 5; // runs past the 64-byte sname
    b.insert(b.end(), {53, 1, 1, 52, 1, 2, 255});
    Packet4 p;
    EXPECT_EQ(p.parse(b), ParseError::OptionOverrun);
}

TEST(Packet4Parse, ConcatenatesRepeatedOptions) {
    auto b = discover({43, 2, 1, 2, 12, 1, 'h', 43, 1, 3});
    Packet4 p;
    ASSERT_EQ(p.parse(b), ParseError::Ok);
    EXPECT_EQ(p.get(43)->data, (std::vector<uint8_t>{1, 2, 3}));
    EXPECT_EQ(p.options().size(), 3u);
}

TEST(Packet4Parse, ReusedPacketForgetsPreviousOptions) {
    Packet4 p;
    auto first = discover({12, 1, 'a', 60, 1, 'b', 61, 2, 1, 2});
    ASSERT_EQ(p.parse(first), ParseError::Ok);
    auto second = discover({50, 4, 1, 2, 3, 4});
    ASSERT_EQ(p.parse(second), ParseError::Ok);
    EXPECT_EQ(p.options().size(), 2u);
    EXPECT_FALSE(p.get(12));
    EXPECT_FALSE(p.get(61));
    EXPECT_EQ(p.getAddress(50)->str(), "1.2.3.4");
}

TEST(Packet4Pack, WritesOptionsInKeaOrder) {
    Packet4 p;
    p.set(82, std::vector<uint8_t>{1, 1, 'c'});
    p.setAddress(opt::kServerId, Ipv4Address(0x0a000001));
    p.setUint32(opt::kLeaseTime, 3600);
    p.setMessageType(MessageType::Offer);
    p.setAddress(opt::kSubnetMask, Ipv4Address(0xffffff00));
    p.set(121, std::vector<uint8_t>{});
    std::vector<uint8_t> w;
    p.pack(w);
    EXPECT_EQ(wireCodes(w), (std::vector<uint8_t>{53, 1, 51, 54, 121, 82, 255}));
}

TEST(Packet4Pack, PadsToBootpMinimum) {
    Packet4 p;
    p.setMessageType(MessageType::Ack);
    std::vector<uint8_t> w{9, 9, 9};
    p.pack(w);
    ASSERT_EQ(w.size(), 300u);
    EXPECT_EQ(w[243], 255);
    EXPECT_EQ(w[299], 0);
}

TEST(Packet4Pack, SplitsLongOptionsAndParseJoinsThem) {
    Packet4 p;
    p.setMessageType(MessageType::Ack);
    std::vector<uint8_t> big(600);
    for (size_t i = 0; i < big.size(); ++i) {
        big[i] = uint8_t(i * 7);
    }
    p.set(77, big);
    std::vector<uint8_t> w;
    p.pack(w);
    EXPECT_EQ(wireCodes(w), (std::vector<uint8_t>{53, 77, 77, 77, 255}));
    EXPECT_EQ(w[243 + 1], 255);
    EXPECT_EQ(w.size(), 240u + 3 + (600 + 6) + 1);
    Packet4 q;
    ASSERT_EQ(q.parse(w), ParseError::Ok);
    EXPECT_EQ(q.get(77)->data, big);
}

TEST(Packet4Pack, RoundTripKeepsHeaderAndOptions) {
    Packet4 p;
    p.op = 2;
    p.hops = 1;
    p.xid = 0xdeadbeef;
    p.secs = 9;
    p.flags = 0x8000;
    p.ciaddr = Ipv4Address(1);
    p.yiaddr = Ipv4Address(0x0a000064);
    p.siaddr = Ipv4Address(3);
    p.giaddr = Ipv4Address(4);
    p.chaddr = {1, 2, 3, 4, 5, 6};
    p.sname[0] = 'n';
    p.file[0] = 'f';
    p.setMessageType(MessageType::Ack);
    p.set(12, std::vector<uint8_t>{'h'});
    std::vector<uint8_t> w;
    p.pack(w);
    Packet4 q;
    ASSERT_EQ(q.parse(w), ParseError::Ok);
    EXPECT_EQ(q.op, 2);
    EXPECT_EQ(q.hops, 1);
    EXPECT_EQ(q.xid, 0xdeadbeefu);
    EXPECT_EQ(q.secs, 9);
    EXPECT_EQ(q.flags, 0x8000);
    EXPECT_EQ(q.ciaddr, p.ciaddr);
    EXPECT_EQ(q.yiaddr, p.yiaddr);
    EXPECT_EQ(q.siaddr, p.siaddr);
    EXPECT_EQ(q.giaddr, p.giaddr);
    EXPECT_EQ(q.chaddr, p.chaddr);
    EXPECT_EQ(q.sname, p.sname);
    EXPECT_EQ(q.file, p.file);
    EXPECT_EQ(q.messageType(), MessageType::Ack);
    EXPECT_EQ(q.get(12)->data, p.get(12)->data);
    std::vector<uint8_t> w2;
    q.pack(w2);
    EXPECT_EQ(w, w2);
}

TEST(Packet4Options, RemoveKeepsIndexConsistent) {
    Packet4 p;
    p.set(1, std::vector<uint8_t>{1});
    p.set(2, std::vector<uint8_t>{2});
    p.set(3, std::vector<uint8_t>{3});
    p.remove(1);
    p.remove(1); // absent: no-op
    ASSERT_TRUE(p.get(2));
    EXPECT_EQ(p.get(2)->data[0], 2);
    EXPECT_EQ(p.get(3)->data[0], 3);
    EXPECT_FALSE(p.get(1));
    p.set(2, std::vector<uint8_t>{22});
    EXPECT_EQ(p.options().size(), 2u);
    EXPECT_EQ(p.get(2)->data[0], 22);
    p.clearOptions();
    EXPECT_FALSE(p.get(3));
    EXPECT_TRUE(p.options().empty());
}

TEST(Packet4Options, FindsRelayAgentSubOptions) {
    Packet4 p;
    p.set(opt::kRelayAgentInfo, std::vector<uint8_t>{1, 2, 'e', '0', 2, 3, 'r', 'i', 'd'});
    auto circuit = p.relaySubOption(1);
    ASSERT_TRUE(circuit);
    EXPECT_EQ(std::string(circuit->begin(), circuit->end()), "e0");
    auto remote = p.relaySubOption(2);
    ASSERT_TRUE(remote);
    EXPECT_EQ(remote->size(), 3u);
    EXPECT_FALSE(p.relaySubOption(5));
    p.set(opt::kRelayAgentInfo, std::vector<uint8_t>{1, 9, 'x'});
    EXPECT_FALSE(p.relaySubOption(1)) << "a truncated sub-option is not returned";
}

TEST(Packet4Options, SummaryNamesTypeXidAndAddresses) {
    auto b = discover();
    Packet4 p;
    ASSERT_EQ(p.parse(b), ParseError::Ok);
    p.iface = "eth1";
    EXPECT_EQ(p.summary(), "DHCPDISCOVER xid=0x12345678 hwaddr=a0:a1:a2:a3:a4:a5 "
                           "ciaddr=0.0.0.0 yiaddr=0.0.0.0 giaddr=0.0.0.0 iface=eth1");
    EXPECT_STREQ(toString(ParseError::BadMagicCookie), "bad DHCP magic cookie");
}

TEST(Packet4Classes, AddedOnceInOrderAndKeptByParse) {
    Packet4 p;
    p.addClass("HA_server1");
    p.addClass("ALL");
    p.addClass("HA_server1");
    EXPECT_EQ(p.classes(), (std::vector<std::string>{"HA_server1", "ALL"}));
    EXPECT_TRUE(p.inClass("ALL"));
    EXPECT_FALSE(p.inClass("HA_server2"));

    Packet4 q;
    q.setMessageType(MessageType::Discover);
    std::vector<uint8_t> wire;
    q.pack(wire);
    ASSERT_EQ(p.parse(wire), ParseError::Ok);
    EXPECT_TRUE(p.inClass("HA_server1"));
}

} // namespace
} // namespace kahu
