// SPDX-License-Identifier: MPL-2.0
#include <gtest/gtest.h>
#include <kahu/dhcp/option_definition.h>
#include <kahu/error.h>

using namespace kahu;
using Bytes = std::vector<uint8_t>;

namespace {

const OptionDefinition* std4(const char* name) {
    const auto* d = OptionDefinitions::standard().byName(name);
    EXPECT_NE(d, nullptr) << name;
    return d;
}

Bytes enc(const char* name, std::string_view data, bool csv = true) {
    return encodeOptionData(std4(name), data, csv);
}

TEST(StandardOptionDefs, KnowsKeaNamesCodesAndTypes) {
    const auto& s = OptionDefinitions::standard();
    EXPECT_EQ(s.byName("routers")->code, 3);
    EXPECT_TRUE(s.byName("routers")->array);
    EXPECT_EQ(s.byCode(6)->name, "domain-name-servers");
    EXPECT_EQ(s.byCode(15)->type, OptionDataType::String);
    EXPECT_EQ(s.byCode(12)->name, "host-name");
    EXPECT_EQ(s.byCode(119)->type, OptionDataType::Fqdn);
    EXPECT_EQ(s.byCode(51)->type, OptionDataType::Uint32);
    EXPECT_EQ(s.byCode(43)->encapsulate, "vendor-encapsulated-options-space");
    EXPECT_EQ(s.byCode(121)->name, "classless-static-route");
    EXPECT_EQ(s.byName("link-selection", "dhcp-agent-options-space")->code, 5);
    EXPECT_EQ(s.byCode(1, "dhcp-agent-options-space")->name, "circuit-id");
}

TEST(StandardOptionDefs, RedefiningAStandardCodeIsRefused) {
    OptionDefinitions defs = OptionDefinitions::standard();
    EXPECT_THROW(defs.add(OptionDefinition{"my-routers", 3}), Error);
    EXPECT_THROW(defs.add(OptionDefinition{"routers", 250}), Error);
    EXPECT_NO_THROW(defs.add(OptionDefinition{"wpad", 252, "dhcp4", OptionDataType::String}));
}

TEST(OptionDataTypeNames, RoundTrip) {
    OptionDataType t;
    ASSERT_TRUE(optionDataTypeFromText("ipv4-address", t));
    EXPECT_EQ(t, OptionDataType::Ipv4Address);
    EXPECT_STREQ(toString(OptionDataType::Uint16), "uint16");
    EXPECT_FALSE(optionDataTypeFromText("internal", t));
    EXPECT_FALSE(optionDataTypeFromText("uint64", t));
}

TEST(OptionEncode, Ipv4ArrayAndScalar) {
    EXPECT_EQ(enc("routers", "10.0.0.1, 10.0.0.2"), (Bytes{10, 0, 0, 1, 10, 0, 0, 2}));
    EXPECT_EQ(enc("subnet-mask", "255.255.255.0"), (Bytes{255, 255, 255, 0}));
    // Kea 2.2 reads only as many values as the option has; the rest is ignored.
    EXPECT_EQ(enc("subnet-mask", "255.255.255.0, 1.2.3.4"), (Bytes{255, 255, 255, 0}));
    EXPECT_THROW(enc("routers", "10.0.0.256"), Error);
}

TEST(OptionEncode, Integers) {
    EXPECT_EQ(enc("dhcp-lease-time", "3600"), (Bytes{0, 0, 0x0e, 0x10}));
    EXPECT_EQ(enc("interface-mtu", "1500"), (Bytes{0x05, 0xdc}));
    EXPECT_EQ(enc("default-ip-ttl", "64"), (Bytes{64}));
    EXPECT_EQ(enc("time-offset", "-1"), (Bytes{0xff, 0xff, 0xff, 0xff}));
    EXPECT_EQ(enc("path-mtu-plateau-table", "68, 296"), (Bytes{0, 68, 1, 0x28}));
    EXPECT_THROW(enc("default-ip-ttl", "256"), Error);
    EXPECT_THROW(enc("interface-mtu", "-1"), Error);
    EXPECT_THROW(enc("dhcp-lease-time", "12x"), Error);
}

TEST(OptionEncode, BooleanStringAndEscapedComma) {
    EXPECT_EQ(enc("ip-forwarding", "true"), (Bytes{1}));
    EXPECT_EQ(enc("ip-forwarding", "false"), (Bytes{0}));
    EXPECT_THROW(enc("ip-forwarding", "yes"), Error);
    EXPECT_EQ(enc("domain-name", "oasis.local"),
              (Bytes{'o', 'a', 's', 'i', 's', '.', 'l', 'o', 'c', 'a', 'l'}));
    EXPECT_EQ(enc("host-name", "a\\,b"), (Bytes{'a', ',', 'b'}));
}

TEST(OptionEncode, FqdnListUsesDnsWireFormat) {
    EXPECT_EQ(enc("domain-search", "a.b, c."), (Bytes{1, 'a', 1, 'b', 0, 1, 'c', 0}));
    EXPECT_THROW(enc("domain-search", "a..b"), Error);
}

TEST(OptionEncode, HexWithCsvFormatFalseAndBinaryType) {
    EXPECT_EQ(enc("routers", "0A 00 00 01", false), (Bytes{10, 0, 0, 1}));
    EXPECT_EQ(encodeOptionData(nullptr, "0a:0b", false), (Bytes{10, 11}));
    EXPECT_EQ(encodeOptionData(nullptr, "0x0a0b", false), (Bytes{10, 11}));
    EXPECT_EQ(encodeOptionData(nullptr, "0a0b", false), (Bytes{10, 11}));
    EXPECT_THROW(encodeOptionData(nullptr, "zz", false), Error);
    EXPECT_THROW(encodeOptionData(nullptr, "1.2.3.4", true), Error);
    // A csv binary value is bare hex (whitespace ignored); Kea 2.2 refuses colons there.
    EXPECT_EQ(enc("dhcp-client-identifier", "01 02 03"), (Bytes{1, 2, 3}));
    EXPECT_THROW(enc("dhcp-client-identifier", "01:02:03"), Error);
}

TEST(OptionEncode, RecordsAndRecordArrays) {
    EXPECT_EQ(enc("client-ndi", "1, 2, 3"), (Bytes{1, 2, 3}));
    EXPECT_THROW(enc("client-ndi", "1, 2"), Error);
    // An array record repeats only its last field (Kea 2.2 refuses the second "false").
    EXPECT_EQ(enc("slp-directory-agent", "true, 10.0.0.1, 10.0.0.2"),
              (Bytes{1, 10, 0, 0, 1, 10, 0, 0, 2}));
    EXPECT_THROW(enc("slp-directory-agent", "true, 10.0.0.1, false, 10.0.0.2"), Error);
    // A single record ignores extra values; an escaped comma stays in the string.
    EXPECT_EQ(enc("status-code", "0, all, good"), (Bytes{0, 'a', 'l', 'l'}));
    EXPECT_EQ(enc("status-code", "0, all\\, good"),
              (Bytes{0, 'a', 'l', 'l', ',', ' ', 'g', 'o', 'o', 'd'}));
}

TEST(OptionEncode, ClasslessStaticRoutes) {
    EXPECT_EQ(enc("classless-static-route", "10.0.0.0/8 - 10.1.1.1, 0.0.0.0/0 - 192.168.0.1"),
              (Bytes{8, 10, 10, 1, 1, 1, 0, 192, 168, 0, 1}));
    EXPECT_THROW(enc("classless-static-route", "10.0.0.0/8"), Error);
}

TEST(OptionEncode, EmptyTypeAcceptsNoData) {
    EXPECT_TRUE(enc("dhcp-agent-options", "").empty());
    EXPECT_THROW(enc("vendor-encapsulated-options", "1"), Error);
}

TEST(OptionEncode, Ipv6TypesAndTupleAndPsid) {
    OptionDefinition v6{"x", 200, "dhcp4", OptionDataType::Ipv6Address};
    auto b = encodeOptionData(&v6, "2001:db8::1", true);
    ASSERT_EQ(b.size(), 16u);
    EXPECT_EQ(b[0], 0x20);
    EXPECT_EQ(b[15], 1);
    OptionDefinition pfx{"p", 201, "dhcp4", OptionDataType::Ipv6Prefix};
    EXPECT_EQ(encodeOptionData(&pfx, "2001:db8::/32", true), (Bytes{32, 0x20, 0x01, 0x0d, 0xb8}));
    OptionDefinition tup{"t", 202, "dhcp4", OptionDataType::Tuple};
    EXPECT_EQ(encodeOptionData(&tup, "ab", true), (Bytes{2, 'a', 'b'}));
    OptionDefinition psid{"s", 203, "dhcp4", OptionDataType::Psid};
    EXPECT_EQ(encodeOptionData(&psid, "4/3", true), (Bytes{4, 0x30, 0}));
}

struct RoundTrip {
    const char* name;
    const char* text;
};

class OptionDecode : public ::testing::TestWithParam<RoundTrip> {};

TEST_P(OptionDecode, DecodeGivesBackCanonicalText) {
    const auto* def = std4(GetParam().name);
    auto bytes = encodeOptionData(def, GetParam().text, true);
    EXPECT_EQ(decodeOptionData(def, bytes), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    EveryFormat, OptionDecode,
    ::testing::Values(RoundTrip{"routers", "10.0.0.1, 10.0.0.2"},
                      RoundTrip{"dhcp-lease-time", "3600"}, RoundTrip{"time-offset", "-7200"},
                      RoundTrip{"ip-forwarding", "true"}, RoundTrip{"domain-name", "oasis.local"},
                      RoundTrip{"domain-search", "oasis.local, example.org"},
                      RoundTrip{"dhcp-client-identifier", "0102AB"},
                      RoundTrip{"slp-directory-agent", "true, 10.0.0.1"},
                      RoundTrip{"fqdn", "1, 0, 0, host.example"},
                      RoundTrip{"classless-static-route", "10.0.0.0/8 - 10.1.1.1"},
                      RoundTrip{"path-mtu-plateau-table", "68, 296"}),
    [](const auto& paramInfo) {
        std::string n = paramInfo.param.name;
        for (auto& ch : n) {
            ch = ch == '-' ? '_' : ch;
        }
        return n;
    });

TEST(OptionDecodeFallback, MalformedBytesBecomeHex) {
    const auto* routers = std4("routers");
    EXPECT_EQ(decodeOptionData(routers, Bytes{10, 0, 0}), "0A0000");
    EXPECT_EQ(decodeOptionData(nullptr, Bytes{0xab, 1}), "AB01");
}

} // namespace
