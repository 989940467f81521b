// SPDX-License-Identifier: MPL-2.0
// option-data text -> wire bytes, pinned to what kea-dhcp4 2.2 accepts and refuses
// (each accept/refuse case here was checked with `kea-dhcp4 -t` on Kea 2.2.0).
#include <gtest/gtest.h>
#include <kahu/dhcp/option_definition.h>
#include <kahu/error.h>

using namespace kahu;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes enc(const char* name, std::string_view data, bool csv = true, const char* space = "dhcp4") {
    const auto* d = OptionDefinitions::standard().byName(name, space);
    EXPECT_NE(d, nullptr) << name;
    return encodeOptionData(d, data, csv);
}

TEST(KeaOptionEncoding, DomainSearchIsUncompressedDnsLabels) {
    EXPECT_EQ(enc("domain-search", "example.com, b.org."),
              (Bytes{7,   'e', 'x', 'a', 'm', 'p', 'l', 'e', 3,   'c',
                     'o', 'm', 0,   1,   'b', 3,   'o', 'r', 'g', 0}));
    EXPECT_EQ(enc("domain-search", "."), (Bytes{0}));
    EXPECT_THROW(enc("domain-search", "a..b"), Error);
    EXPECT_THROW(enc("domain-search", std::string(64, 'a') + ".com"), Error);
    EXPECT_THROW(enc("domain-search", ""), Error);
    EXPECT_EQ(enc("v4-lost", "lost.example"),
              (Bytes{4, 'l', 'o', 's', 't', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0}));
}

TEST(KeaOptionEncoding, BooleanTextIsCaseInsensitiveOrZeroOne) {
    EXPECT_EQ(enc("ip-forwarding", "true"), Bytes{1});
    EXPECT_EQ(enc("ip-forwarding", "TRUE"), Bytes{1});
    EXPECT_EQ(enc("ip-forwarding", "False"), Bytes{0});
    EXPECT_EQ(enc("ip-forwarding", " 1 "), Bytes{1});
    EXPECT_EQ(enc("ip-forwarding", "0"), Bytes{0});
    EXPECT_THROW(enc("ip-forwarding", "yes"), Error);
    EXPECT_THROW(enc("ip-forwarding", "2"), Error);
}

TEST(KeaOptionEncoding, StringsAreTrimmedFirstValueWithoutTrailingNuls) {
    EXPECT_EQ(enc("domain-name", "  example.org "),
              (Bytes{'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g'}));
    EXPECT_EQ(enc("domain-name", "a.com,b"), (Bytes{'a', '.', 'c', 'o', 'm'}));
    EXPECT_EQ(enc("boot-file-name", "a\\,b"), (Bytes{'a', ',', 'b'}));
    EXPECT_THROW(enc("domain-name", ""), Error);
    EXPECT_THROW(enc("domain-name", "   "), Error);
    // Hex for a string option: trailing NULs go, only NULs is refused.
    EXPECT_EQ(enc("domain-name", "616200", false), (Bytes{'a', 'b'}));
    EXPECT_THROW(enc("domain-name", "00", false), Error);
}

TEST(KeaOptionEncoding, AddressListsToleratesSpacesAndEmptyItems) {
    EXPECT_EQ(enc("domain-name-servers", "10.0.0.1 , 10.0.0.2,10.0.0.3"),
              (Bytes{10, 0, 0, 1, 10, 0, 0, 2, 10, 0, 0, 3}));
    EXPECT_EQ(enc("routers", "1.2.3.4,,5.6.7.8"), (Bytes{1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(enc("routers", ""), Bytes{});
    EXPECT_THROW(enc("routers", "1.2.3"), Error);
    // Other arrays may not be empty.
    EXPECT_THROW(enc("path-mtu-plateau-table", ""), Error);
    EXPECT_THROW(enc("client-system", ""), Error);
}

TEST(KeaOptionEncoding, IntegersAcceptDecimalThenHex) {
    EXPECT_EQ(enc("default-ip-ttl", "ff"), Bytes{255});
    EXPECT_EQ(enc("default-ip-ttl", "0xff"), Bytes{255});
    EXPECT_EQ(enc("default-ip-ttl", "+5"), Bytes{5});
    EXPECT_EQ(enc("default-ip-ttl", "10"), Bytes{10});
    EXPECT_EQ(enc("dhcp-lease-time", "0x10"), (Bytes{0, 0, 0, 16}));
    EXPECT_EQ(enc("time-offset", "-0x10"), (Bytes{0xff, 0xff, 0xff, 0xf0}));
    EXPECT_THROW(enc("default-ip-ttl", "256"), Error);
    EXPECT_THROW(enc("dhcp-lease-time", "-1"), Error);
}

TEST(KeaOptionEncoding, HexFormsWithCsvFormatFalse) {
    EXPECT_EQ(encodeOptionData(nullptr, "0A:0B", false), (Bytes{10, 11}));
    EXPECT_EQ(encodeOptionData(nullptr, "0a:b", false), (Bytes{10, 11}));
    EXPECT_EQ(encodeOptionData(nullptr, "0a 0b", false), (Bytes{10, 11}));
    EXPECT_EQ(encodeOptionData(nullptr, "a b c", false), (Bytes{10, 11, 12}));
    EXPECT_EQ(encodeOptionData(nullptr, "0x0a0b", false), (Bytes{10, 11}));
    EXPECT_EQ(encodeOptionData(nullptr, "abc", false), (Bytes{0x0a, 0xbc}));
    EXPECT_EQ(encodeOptionData(nullptr, "", false), Bytes{});
    for (const char* badHex :
         {"0A-0B", "0x", "0X0A", "0a  0b", "0x0a:0b", "0a:0b 0c", "0a:", "abc:0b"}) {
        EXPECT_THROW(encodeOptionData(nullptr, badHex, false), Error) << badHex;
    }
    // Without a definition csv-format must be false, even for empty data.
    EXPECT_THROW(encodeOptionData(nullptr, "", true), Error);
}

TEST(KeaOptionEncoding, BinaryCsvValueIsBareEvenHex) {
    EXPECT_EQ(enc("user-class", "0a0b"), (Bytes{10, 11}));
    EXPECT_EQ(enc("dhcp-client-identifier", "0 1"), Bytes{1});
    EXPECT_THROW(enc("user-class", "abc"), Error);
    EXPECT_THROW(enc("user-class", "0x0a0b"), Error);
    EXPECT_THROW(enc("user-class", "0a:0b"), Error);
    EXPECT_THROW(enc("user-class", ""), Error);
}

TEST(KeaOptionEncoding, RecordsNeedAllFieldsAndIgnoreExtras) {
    EXPECT_EQ(enc("uuid-guid", "0, 0102"), (Bytes{0, 1, 2}));
    EXPECT_EQ(enc("uuid-guid", "0, 01, 02"), (Bytes{0, 1}));
    EXPECT_THROW(enc("uuid-guid", "0"), Error);
    EXPECT_EQ(enc("client-ndi", "1, 2, 3, 4"), (Bytes{1, 2, 3}));
    EXPECT_THROW(enc("client-ndi", "1, 2"), Error);
    EXPECT_THROW(enc("slp-directory-agent", ""), Error);
    EXPECT_EQ(enc("v4-portparams", "2, 3/5"), (Bytes{2, 3, 0xa0, 0}));
}

TEST(KeaOptionEncoding, EncapsulatingOptionsTakeNoCsvData) {
    EXPECT_EQ(enc("dhcp-agent-options", ""), Bytes{});
    EXPECT_THROW(enc("dhcp-agent-options", "01"), Error);
    EXPECT_EQ(enc("vendor-encapsulated-options", ""), Bytes{});
    EXPECT_THROW(enc("vendor-encapsulated-options", "0102"), Error);
}

TEST(KeaOptionEncoding, RelayAgentSubOptions) {
    EXPECT_EQ(enc("circuit-id", "0a0b", true, "dhcp-agent-options-space"), (Bytes{10, 11}));
    EXPECT_EQ(enc("link-selection", "10.1.2.0", true, "dhcp-agent-options-space"),
              (Bytes{10, 1, 2, 0}));
    EXPECT_EQ(enc("subscriber-id", "sub1", true, "dhcp-agent-options-space"),
              (Bytes{'s', 'u', 'b', '1'}));
    EXPECT_EQ(enc("relay-port", "1067", true, "dhcp-agent-options-space"), (Bytes{4, 0x2b}));
}

// Kea 2.6 text form "prefix/len - router, ..."; RFC 3442 wire: width, significant
// destination octets, router.
TEST(KeaOptionEncoding, ClasslessStaticRouteText) {
    EXPECT_EQ(enc("classless-static-route", "10.229.0.128/25 - 10.229.0.1, 0.0.0.0/0 - 10.0.0.1"),
              (Bytes{25, 10, 229, 0, 128, 10, 229, 0, 1, 0, 10, 0, 0, 1}));
    EXPECT_EQ(enc("classless-static-route", "10.0.0.0/8 - 10.0.0.254"),
              (Bytes{8, 10, 10, 0, 0, 254}));
    EXPECT_THROW(enc("classless-static-route", "10.0.0.0/8 10.0.0.254"), Error);
    EXPECT_THROW(enc("classless-static-route", "10.0.0.0/33 - 10.0.0.254"), Error);
}

} // namespace
