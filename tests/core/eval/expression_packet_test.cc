// SPDX-License-Identifier: MPL-2.0
// What the packet-reading parts of the language yield on a parsed query: header fields,
// options as Kea's option classes hold them, the relay agent's and the vendors' options.
#include "eval_test_util.h"

#include <kahu/dhcp/option_definition.h>

namespace kahu::eval::test {
namespace {

using namespace std::string_literals;

TEST(ExpressionPacket, Pkt4Fields) {
    Packet4 q = query();
    q.ciaddr = *Ipv4Address::fromText("192.0.2.1");
    q.giaddr = *Ipv4Address::fromText("192.0.2.2");
    q.yiaddr = *Ipv4Address::fromText("192.0.2.3");
    q.siaddr = *Ipv4Address::fromText("192.0.2.4");
    EXPECT_EQ(str("pkt4.mac", q), "\x00\x0c\x01\x02\x03\x04"s);
    EXPECT_TRUE(test("pkt4.mac == 0x000c01020304", q));
    EXPECT_EQ(str("pkt4.hlen", q), "\0\0\0\x06"s);
    EXPECT_TRUE(test("pkt4.hlen == 6", q));
    EXPECT_TRUE(test("pkt4.htype == 1", q));
    EXPECT_TRUE(test("pkt4.ciaddr == 192.0.2.1", q));
    EXPECT_TRUE(test("pkt4.giaddr == 192.0.2.2", q));
    EXPECT_TRUE(test("pkt4.yiaddr == 192.0.2.3", q));
    EXPECT_TRUE(test("pkt4.siaddr == 192.0.2.4", q));
    EXPECT_TRUE(test("pkt4.msgtype == 1", q));
    EXPECT_TRUE(test("pkt4.transid == 12345", q));
    EXPECT_FALSE(test("pkt4.transid == 12346", q));
    EXPECT_EQ(str("addrtotext(pkt4.giaddr)", q), "192.0.2.2");
}

TEST(ExpressionPacket, Pkt4FieldsOfOtherShapes) {
    Packet4 q = query();
    q.hlen = 0;
    EXPECT_EQ(str("pkt4.mac", q), "");
    q.hlen = 16;
    EXPECT_EQ(str("pkt4.mac", q).size(), 16u);
    q.htype = 6;
    EXPECT_TRUE(test("pkt4.htype == 6", q));
    Packet4 bare; // built, not parsed: no option 53
    EXPECT_TRUE(test("pkt4.msgtype == 0", bare));
    bare.setMessageType(MessageType::Inform);
    EXPECT_TRUE(test("pkt4.msgtype == 8", bare));
}

TEST(ExpressionPacket, PktMetadata) {
    Packet4 q = query();
    q.iface = "eth0";
    q.remoteAddr = *Ipv4Address::fromText("10.1.2.3");
    q.localAddr = *Ipv4Address::fromText("255.255.255.255");
    EXPECT_TRUE(test("pkt.iface == 'eth0'", q));
    EXPECT_TRUE(test("pkt.src == 10.1.2.3", q));
    EXPECT_TRUE(test("pkt.dst == 255.255.255.255", q));
    EXPECT_EQ(str("pkt.iface"), "");
}

// Kea's Pkt4::len(): the 236-byte header and each option with its two header bytes, as its
// option object holds it; no cookie, END or padding.
TEST(ExpressionPacket, PktLen) {
    EXPECT_EQ(str("uint32totext(pkt.len)"), "239"); // 53 alone: 236 + 3
    const auto q = query({{12, bytes("host\0"s)}, {61, {1, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf}}});
    // 236 + 53 (3) + host-name trimmed of its NUL (6) + client-id (9).
    EXPECT_EQ(str("uint32totext(pkt.len)", q), "254");
    EXPECT_TRUE(test("pkt.len == 254", q));
    // A string option of NULs only is not there.
    EXPECT_EQ(str("uint32totext(pkt.len)", query({{12, {0, 0}}})), "239");
}

TEST(ExpressionPacket, OptionHexAndExists) {
    const auto q = query({{61, bytes("foobar")}, {230, {}}, {231, {0, 1, 0xff}}});
    EXPECT_EQ(str("option[61].hex", q), "foobar");
    EXPECT_TRUE(test("option[61].exists", q));
    EXPECT_EQ(str("option[231].hex", q), "\x00\x01\xff"s);
    // An empty option exists and is empty.
    EXPECT_TRUE(test("option[230].exists", q));
    EXPECT_EQ(str("option[230].hex", q), "");
    // An absent one: "" and false.
    EXPECT_FALSE(test("option[232].exists", q));
    EXPECT_EQ(str("option[232].hex", q), "");
    EXPECT_EQ(str("option[232].text", q), "");
    EXPECT_FALSE(test("option[0].exists", q));
    EXPECT_FALSE(test("option[255].exists", q));
}

TEST(ExpressionPacket, OptionByName) {
    const auto q = query({{12, bytes("myhost")}, {60, bytes("docsis3.0")}});
    EXPECT_EQ(str("option[host-name].text", q), "myhost");
    EXPECT_EQ(str("option[  vendor-class-identifier  ].hex", q), "docsis3.0");
    EXPECT_TRUE(test("option[dhcp-message-type].hex == 0x01", q));
    EXPECT_FALSE(test("option[vendor-encapsulated-options].exists", q));
}

// A string option is an OptionString: Kea drops trailing NULs, and one with nothing else is
// no option at all.
TEST(ExpressionPacket, StringOptions) {
    const auto q = query({{12, bytes("host\0\0"s)}, {15, bytes("a\0b"s)}});
    EXPECT_EQ(str("option[12].hex", q), "host");
    EXPECT_EQ(str("option[12].text", q), "host");
    EXPECT_EQ(str("option[15].text", q), "a\0b"s); // only trailing ones
    const auto nuls = query({{12, {0, 0, 0}}});
    EXPECT_FALSE(test("option[12].exists", nuls));
    EXPECT_EQ(str("option[12].hex", nuls), "");
    // An empty vendor-class-identifier is no option either.
    EXPECT_FALSE(test("option[60].exists", query({{60, {}}})));
    // A binary option keeps its NULs.
    EXPECT_EQ(str("option[61].hex", query({{61, {1, 0}}})), "\x01\x00"s);
}

// option[..].text is Kea's Option::toString(): a string option's text, the option's toText()
// for the other classes.
TEST(ExpressionPacket, OptionText) {
    const auto q = query({
        {61, {0x01, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f}}, // binary: Option
        {51, {0, 0, 0x0e, 0x10}},                         // uint32: OptionInt
        {55, {1, 3, 6}},                                  // uint8 array: OptionIntArray
        {6, {10, 0, 0, 1, 10, 0, 0, 2}},                  // addresses: Option4AddrLst
        {54, {10, 0, 0, 1}},                              // one address: OptionCustom
        {19, {1}},                                        // boolean: OptionCustom
        {230, bytes("ab")},                               // no definition: Option
        {231, {}},
    });
    EXPECT_EQ(str("option[61].text", q), "type=061, len=007: 01:0a:0b:0c:0d:0e:0f");
    EXPECT_EQ(str("option[51].text", q), "type=051, len=004: 3600 (uint32)");
    EXPECT_EQ(str("option[55].text", q), "type=055, len=003: 1(uint8) 3(uint8) 6(uint8)");
    EXPECT_EQ(str("option[6].text", q), "type=006, len=008: 10.0.0.1 10.0.0.2");
    EXPECT_EQ(str("option[54].text", q), "type=054, len=004: 10.0.0.1 (ipv4-address)");
    EXPECT_EQ(str("option[19].text", q), "type=019, len=001: true (boolean)");
    EXPECT_EQ(str("option[230].text", q), "type=230, len=002: 61:62");
    EXPECT_EQ(str("option[231].text", q), "type=231, len=000: ");
}

TEST(ExpressionPacket, OptionConfiguredDefinition) {
    OptionDefinitions defs = OptionDefinitions::standard();
    defs.add(OptionDefinition{"my-string", 200, "dhcp4", OptionDataType::String});
    ParseOptions options;
    options.definitions = &defs;
    const auto q = query({{200, bytes("abc\0"s)}});
    const auto e = Expression::parse("option[my-string].text", ResultType::String, options);
    EXPECT_EQ(e.evaluateString(q), "abc");
    // Without the definition the option is raw bytes.
    EXPECT_EQ(str("option[200].text", q), "type=200, len=004: 61:62:63:00");
}

// An integer option keeps what follows its value as sub-options (of its space, here none).
TEST(ExpressionPacket, IntegerOptionWithSubOptions) {
    const auto q = query({{51, {0, 0, 0x0e, 0x10, 2, 1, 'y', 1, 1, 'x'}}});
    EXPECT_TRUE(test("option[51].option[1].exists", q));
    EXPECT_EQ(str("option[51].option[1].hex", q), "x");
    // Packed again in code order, and printed so.
    EXPECT_EQ(str("option[51].hex", q), "\x00\x00\x0e\x10\x01\x01x\x02\x01y"s);
    EXPECT_EQ(str("option[51].text", q), "type=051, len=010: 3600 (uint32),\n"
                                         "options:\n"
                                         "  type=001, len=001: 78\n"
                                         "  type=002, len=001: 79");
}

TEST(ExpressionPacket, SubOptionsOfOptionsWithoutThem) {
    // No definition: Kea keeps the bytes and no sub-options, however they look.
    const auto q = query({{250, {1, 1, 'x'}}, {61, {1, 1, 'x'}}});
    EXPECT_FALSE(test("option[250].option[1].exists", q));
    EXPECT_EQ(str("option[250].option[1].hex", q), "");
    EXPECT_FALSE(test("option[61].option[1].exists", q));  // binary
    EXPECT_FALSE(test("option[249].option[1].exists", q)); // absent parent
    EXPECT_EQ(str("option[249].option[1].text", q), "");
}

TEST(ExpressionPacket, Relay4) {
    const std::vector<uint8_t> rai = {
        2, 2, 'x', 'y',           // remote-id
        1, 4, 'b', 'r', '1', '0', // circuit-id
        5, 4, 10,  1,   2,   3,   // link-selection
        6, 4, 's', 'u', 'b', 0,   // subscriber-id (a string)
    };
    const auto q = query({{82, rai}});
    EXPECT_EQ(str("relay4[1].hex", q), "br10");
    EXPECT_TRUE(test("relay4[1].hex == 'br10'", q));
    EXPECT_TRUE(test("relay4[2].exists", q));
    EXPECT_FALSE(test("relay4[3].exists", q));
    EXPECT_EQ(str("relay4[3].hex", q), "");
    EXPECT_EQ(str("relay4[1].text", q), "type=001, len=004: 62:72:31:30");
    EXPECT_EQ(str("relay4[5].text", q), "type=005, len=004: 10.1.2.3 (ipv4-address)");
    EXPECT_EQ(str("relay4[6].text", q), "sub");
    EXPECT_EQ(str("relay4[6].hex", q), "sub");
    EXPECT_TRUE(test("option[82].option[1].hex == relay4[1].hex", q));
    // Without option 82 nothing is there.
    EXPECT_FALSE(test("relay4[1].exists"));
    EXPECT_EQ(str("relay4[1].hex"), "");
}

// Option 82 is an OptionCustom holding its sub-options: packed and printed in code order.
TEST(ExpressionPacket, RelayAgentOption) {
    const auto q = query({{82, {2, 2, 'x', 'y', 1, 4, 'b', 'r', '1', '0'}}});
    EXPECT_EQ(str("option[82].hex", q), "\x01\x04"
                                        "br10\x02\x02xy");
    EXPECT_EQ(str("option[82].text", q), "type=082, len=010:,\n"
                                         "options:\n"
                                         "  type=001, len=004: 62:72:31:30\n"
                                         "  type=002, len=002: 78:79");
}

// Option 125 with one enterprise block.
std::vector<uint8_t> vivso(uint32_t enterprise, const std::vector<uint8_t>& subOptions) {
    std::vector<uint8_t> v;
    for (int shift = 24; shift >= 0; shift -= 8) {
        v.push_back(uint8_t(enterprise >> shift));
    }
    v.push_back(uint8_t(subOptions.size()));
    for (uint8_t b : subOptions) {
        v.push_back(b);
    }
    return v;
}

TEST(ExpressionPacket, Vendor) {
    std::vector<uint8_t> subs = {1, 9};
    for (char c : std::string("docsis3.0")) {
        subs.push_back(uint8_t(c));
    }
    const auto q = query({{125, vivso(4491, subs)}});
    EXPECT_TRUE(test("vendor[*].exists", q));
    EXPECT_TRUE(test("vendor[0].exists", q));
    EXPECT_TRUE(test("vendor[4491].exists", q));
    EXPECT_FALSE(test("vendor[1234].exists", q));
    EXPECT_TRUE(test("vendor.enterprise == 4491", q));
    EXPECT_EQ(str("vendor.enterprise", q), "\x00\x00\x11\x8b"s);
    EXPECT_TRUE(test("vendor[4491].option[1].exists", q));
    EXPECT_FALSE(test("vendor[4491].option[2].exists", q));
    EXPECT_EQ(str("vendor[4491].option[1].hex", q), "docsis3.0");
    EXPECT_EQ(str("vendor[*].option[1].hex", q), "docsis3.0");
    EXPECT_EQ(str("vendor[1234].option[1].hex", q), "");
    EXPECT_FALSE(test("vendor[1234].option[1].exists", q));
    // CableLabs' sub-option 1 is Kea's DOCSIS3 "oro", an array of uint8.
    EXPECT_EQ(str("vendor[4491].option[1].text", query({{125, vivso(4491, {1, 2, 5, 6})}})),
              "type=001, len=002: 5(uint8) 6(uint8)");
    // option[125] holds the same sub-options.
    EXPECT_TRUE(test("option[125].option[1].hex == vendor[4491].option[1].hex", q));
    // No option 125: "" and false.
    EXPECT_FALSE(test("vendor[*].exists"));
    EXPECT_EQ(str("vendor.enterprise"), "");
    EXPECT_EQ(str("vendor[*].option[1].hex"), "");
}

TEST(ExpressionPacket, VendorOfAnotherEnterprise) {
    const auto q = query({{125, vivso(9, {1, 2, 'a', 'b', 3, 0})}});
    EXPECT_TRUE(test("vendor[9].option[3].exists", q));
    EXPECT_EQ(str("vendor[9].option[3].hex", q), "");
    EXPECT_EQ(str("vendor[9].option[1].text", q), "type=001, len=002: 61:62");
    EXPECT_EQ(str("uint32totext(vendor.enterprise)", q), "9");
}

TEST(ExpressionPacket, VendorClass) {
    std::vector<uint8_t> one = {0, 0, 0x11, 0x8b, 9};
    for (char c : std::string("docsis3.0")) {
        one.push_back(uint8_t(c));
    }
    const auto q = query({{124, one}});
    EXPECT_TRUE(test("vendor-class[*].exists", q));
    EXPECT_TRUE(test("vendor-class[4491].exists", q));
    EXPECT_FALSE(test("vendor-class[1234].exists", q));
    EXPECT_TRUE(test("vendor-class.enterprise == 4491", q));
    EXPECT_EQ(str("vendor-class[4491].data", q), "docsis3.0");
    EXPECT_EQ(str("vendor-class[4491].data[0]", q), "docsis3.0");
    EXPECT_EQ(str("vendor-class[4491].data[1]", q), "");
    EXPECT_EQ(str("vendor-class[1234].data", q), "");
    EXPECT_EQ(str("vendor-class[*].data", q), "docsis3.0");
    // More tuples, each after an enterprise number (which Kea skips).
    const auto two = query({{124, {0, 0, 0x11, 0x8b, 3, 'a', 'b', 'c', 0, 0, 0, 9, 2, 'd', 'e'}}});
    EXPECT_EQ(str("vendor-class[4491].data[1]", two), "de");
    EXPECT_EQ(str("vendor-class[4491].data[2]", two), "");
    EXPECT_FALSE(test("vendor-class[*].exists"));
    EXPECT_EQ(str("vendor-class.enterprise"), "");
    EXPECT_EQ(str("vendor-class[*].data"), "");
}

TEST(ExpressionPacket, Member) {
    Packet4 q = query();
    q.addClass("foo");
    q.addClass("KNOWN");
    EXPECT_TRUE(test("member('foo')", q));
    EXPECT_FALSE(test("member('bar')", q));
    EXPECT_TRUE(test("member('KNOWN')", q));
    EXPECT_TRUE(test("not member('UNKNOWN')", q));
    EXPECT_FALSE(test("not member('KNOWN')", q));
    EXPECT_FALSE(test("member('foo')")); // a query without classes
    EXPECT_TRUE(test("member('foo') and pkt4.msgtype == 1", q));
}

TEST(ExpressionPacket, BooleanExpressionAsString) {
    // evaluateString of a test gives Kea's "true"/"false".
    const auto e = Expression::parse("option[61].exists", ResultType::Bool);
    EXPECT_EQ(e.evaluateString(query()), "false");
    EXPECT_EQ(e.evaluateString(query({{61, {1}}})), "true");
    // evaluateBool of a string expression: true only for exactly "true".
    const auto s = Expression::parse("option[60].text", ResultType::String);
    EXPECT_TRUE(s.evaluateBool(query({{60, bytes("true")}})));
    const char* why = nullptr;
    EXPECT_FALSE(s.evaluateBool(query({{60, bytes("yes")}}), why));
    ASSERT_NE(why, nullptr);
    EXPECT_STREQ(why, "Incorrect boolean. Expected exactly \"false\" or \"true\".");
}

TEST(ExpressionPacket, CopiesEvaluateAlike) {
    auto e = Expression::parse("option[12].text + '.' + pkt.iface", ResultType::String);
    const Expression copy = e;
    Expression moved = std::move(e);
    Packet4 q = query({{12, bytes("h")}});
    q.iface = "eth1";
    EXPECT_EQ(copy.evaluateString(q), "h.eth1");
    EXPECT_EQ(moved.evaluateString(q), "h.eth1");
    EXPECT_EQ(copy.text(), "option[12].text + '.' + pkt.iface");
    EXPECT_EQ(copy.type(), ResultType::String);
}

} // namespace
} // namespace kahu::eval::test
