// SPDX-License-Identifier: MPL-2.0
// option-data text -> wire bytes, pinned to what kea-dhcp4 2.2 accepts and refuses
// (each accept/refuse case here was checked with `kea-dhcp4 -t` on Kea 2.2.0, and the bytes
// it keeps with its config-get).
#include "dhcp/option_wire.h"

#include <gtest/gtest.h>
#include <kahu/dhcp/hw_addr.h>
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

// Kea's option factory on the bytes of `hex`: the bytes Kea keeps (what its config-get shows
// for csv-format false), or "! " and its reason (what -t prints after "option data does not
// match option definition (space: S, code: C): ").
std::string fromWire(const OptionDefinition& def, std::string_view hex,
                     const OptionDefinitions& defs = OptionDefinitions::standard()) {
    try {
        Bytes kept = keaOptionFromWire(def, fromHexText(hex).value(), defs);
        std::string out;
        for (uint8_t b : kept) {
            out += "0123456789ABCDEF"[b >> 4];
            out += "0123456789ABCDEF"[b & 15];
        }
        return out;
    } catch (const Error& e) {
        return std::string("! ") + e.what();
    }
}

std::string wire(uint8_t code, std::string_view hex, const char* space = "dhcp4") {
    const auto* d = OptionDefinitions::standard().byCode(code, space);
    EXPECT_NE(d, nullptr) << int(code);
    return d ? fromWire(*d, hex) : "(no definition)";
}

// A configuration's option-def as code 222 of space dhcp4.
std::string custom(const char* type, std::string_view hex, bool array = false,
                   std::vector<OptionDataType> record = {}) {
    OptionDefinition def{"x", 222, "dhcp4", OptionDataType::Binary, array, std::move(record), ""};
    EXPECT_TRUE(optionDataTypeFromText(type, def.type)) << type;
    return fromWire(def, hex);
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
    // Hex for a string option is decoded as it is; Kea's OptionString then drops trailing
    // NULs and refuses only NULs (keaOptionFromWire, pinned in the test below).
    EXPECT_EQ(enc("domain-name", "616200", false), (Bytes{'a', 'b', 0}));
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

// csv-format false: what Kea's option classes do with bytes for each kind of definition.
TEST(KeaOptionFromWire, SingleValuesNeedTheirSizeAndDropTheRest) {
    // ipv4-address (OptionCustom): 4 bytes, more are dropped.
    EXPECT_EQ(wire(50, ""), "! option buffer truncated");
    EXPECT_EQ(wire(50, "0A0B"), "! option buffer truncated");
    EXPECT_EQ(wire(50, "0A0B0C"), "! option buffer truncated");
    EXPECT_EQ(wire(50, "0A0B0C0D"), "0A0B0C0D");
    EXPECT_EQ(wire(50, "0A0B0C0D0E0F1011"), "0A0B0C0D");
    EXPECT_EQ(wire(118, "0A0B0C"), "! option buffer truncated");
    // Booleans are one byte of any value.
    EXPECT_EQ(wire(19, ""), "! option buffer truncated");
    EXPECT_EQ(wire(19, "02"), "02");
    EXPECT_EQ(wire(19, "0100"), "01");
    EXPECT_EQ(custom("ipv6-address", "20010db8"), "! option buffer truncated");
    EXPECT_EQ(custom("psid", "0001"), "! option buffer truncated");
    EXPECT_EQ(custom("psid", "00010203"), "000102");
}

TEST(KeaOptionFromWire, IntegersReadWhatFollowsAsSubOptions) {
    // OptionInt: the value, then code-length-value sub-options (no PAD or END outside space
    // dhcp4), sorted by code; a truncated one ends them silently.
    EXPECT_EQ(wire(51, ""), "! OptionInt 51 truncated");
    EXPECT_EQ(wire(51, "000001"), "! OptionInt 51 truncated");
    EXPECT_EQ(wire(57, "05"), "! OptionInt 57 truncated");
    EXPECT_EQ(wire(53, "0102"), "01");
    EXPECT_EQ(wire(51, "0000000105"), "00000001");
    EXPECT_EQ(wire(51, "000000010500"), "000000010500");
    EXPECT_EQ(wire(51, "000000010201AA0101BB"), "000000010101BB0201AA");
    EXPECT_EQ(wire(57, "05DC00"), "05DC");
    EXPECT_EQ(custom("int16", "01020304"), "0102");
}

TEST(KeaOptionFromWire, ArraysMustBeWholeElementsOrDropAPartialLastOne) {
    // Option4AddrLst and OptionIntArray refuse a partial element (an address list may be
    // empty, an integer array may not).
    EXPECT_EQ(wire(3, ""), "");
    EXPECT_EQ(wire(3, "0A0B0C"),
              "! DHCPv4 Option4AddrLst 3 has invalid length=3, must be divisible by 4.");
    EXPECT_EQ(wire(3, "0A0B0C0D0E0F"),
              "! DHCPv4 Option4AddrLst 3 has invalid length=6, must be divisible by 4.");
    EXPECT_EQ(wire(3, "0A0B0C0D0E0F1011"), "0A0B0C0D0E0F1011");
    EXPECT_EQ(wire(25, ""), "! option 25 empty");
    EXPECT_EQ(wire(25, "010203"), "! OptionIntArray 25 truncated");
    EXPECT_EQ(wire(25, "01020304"), "01020304");
    EXPECT_EQ(custom("ipv6-address", "20010db800000000000000000000000100", true),
              "! Option 222 malformed: len=17 is not divisible by 16.");
    // OptionCustom arrays (boolean, psid, records) keep whole elements only.
    EXPECT_EQ(custom("boolean", "", true), "! option buffer truncated");
    EXPECT_EQ(custom("psid", "00010203", true), "000102");
    EXPECT_EQ(wire(78, "010A0B0C0D000A0B0C0D"), "010A0B0C0D000A0B0C");
}

TEST(KeaOptionFromWire, RecordsNeedTheirFields) {
    EXPECT_EQ(wire(94, "0102"), "! option buffer truncated");
    EXPECT_EQ(wire(94, "01020304"), "010203");
    EXPECT_EQ(wire(78, "010A0B0C"), "! option buffer truncated");
    EXPECT_EQ(wire(97, "00"), "00") << "the binary field may be empty";
    EXPECT_EQ(wire(159, "000102"), "! option buffer truncated");
    EXPECT_EQ(wire(212, "0000" + std::string(32, '0') + "0A0B0C"), "! option buffer truncated");
    EXPECT_EQ(custom("record", "01000201", false, {OptionDataType::Uint8, OptionDataType::Uint16}),
              "010002");
    EXPECT_EQ(custom("record", "0100020003", true, {OptionDataType::Uint8, OptionDataType::Uint16}),
              "0100020003");
}

TEST(KeaOptionFromWire, StringsTuplesAndPrefixes) {
    EXPECT_EQ(wire(12, ""), "! failed to parse an option '12' holding string value' was empty "
                            "or contained only nuls");
    EXPECT_EQ(wire(12, "00"), "! failed to parse an option '12' holding string value' was empty "
                              "or contained only nuls");
    EXPECT_EQ(wire(12, "410000"), "41");
    EXPECT_EQ(wire(12, "0041"), "0041");
    EXPECT_EQ(custom("tuple", "0241"),
              "! unable to read data from the buffer as tuple (length 2). Invalid buffer size: 2");
    EXPECT_EQ(custom("tuple", "014142"), "0141");
    EXPECT_EQ(custom("tuple", "00", true), "! parsed data tuples option data truncated to size 1");
    EXPECT_EQ(custom("tuple", "014101", true),
              "! unable to parse the opaque data tuple, the buffer length is 0, but the tuple "
              "length is 1");
    EXPECT_EQ(custom("ipv6-prefix", "20"),
              "! unable to read a prefix having length of 32 from a truncated buffer");
    EXPECT_EQ(custom("ipv6-prefix", "2020010DB800"), "2020010DB8");
}

TEST(KeaOptionFromWire, FqdnsAreWireFormatNames) {
    EXPECT_EQ(wire(137, ""), "! unable to read FQDN from a buffer. The buffer is empty.");
    EXPECT_EQ(wire(137, "03616263"), "! incomplete wire-format name");
    EXPECT_EQ(wire(137, "40"), "! unknown label character: 64");
    EXPECT_EQ(wire(137, "C000"), "! bad compression pointer (out of range): 0");
    EXPECT_EQ(wire(137, "0361626300FF"), "0361626300");
    // Kea sizes the field as the name's text plus one: the root name ("." = 2) does not fit
    // its one byte, a label with a dot ("a\.b.") takes one byte more than it has.
    EXPECT_EQ(wire(137, "00"), "! option buffer truncated");
    EXPECT_EQ(wire(137, "03612E620003612E6200"), "03612E620003");
    // Lists: compression pointers to earlier names are expanded, the root name is dropped.
    EXPECT_EQ(wire(119, ""), "! FQDN list option has invalid length of 0");
    EXPECT_EQ(wire(119, "00"), "");
    EXPECT_EQ(wire(119, "0361626300C000"), "03616263000361626300");
    EXPECT_EQ(wire(119, "03616263C000"), "! bad compression pointer (out of range): 0");
    EXPECT_EQ(wire(119, "000361626300"), "! unknown label character: 97");
    EXPECT_EQ(wire(146, "010A0B0C0D0A0B0C0D00"), "! option buffer truncated");
}

TEST(KeaOptionFromWire, OptionsWithAClassOfTheirOwn) {
    EXPECT_EQ(wire(79, ""), "! SLP Service Scope option (79) truncated");
    EXPECT_EQ(wire(79, "02"), "! unable to read the buffer as boolean value. Invalid value 2");
    EXPECT_EQ(wire(79, "014100"), "014100");
    // 81: flags, RCODEs, then a wire name (E flag) or text, which Kea writes back as text.
    EXPECT_EQ(wire(81, "0000"), "! DHCPv4 Client FQDN Option (81) is truncated");
    EXPECT_EQ(wire(81, "FF0000"),
              "! both N and S flag of the DHCPv4 Client FQDN Option are set. According to RFC "
              "4702, if the N bit is 1 the S bit MUST be 0");
    EXPECT_EQ(wire(81, "0400000100"), "! failed to parse the domain-name in DHCPv4 Client FQDN "
                                      "Option: incomplete wire-format name");
    EXPECT_EQ(wire(81, "000000612E2E62"), "! failed to parse the domain-name in DHCPv4 Client "
                                          "FQDN Option: duplicate period in a..b");
    EXPECT_EQ(wire(81, "04000003414243"), "04000003616263");
    EXPECT_EQ(wire(81, "040000036162630001"), "04000003616263");
    EXPECT_EQ(wire(81, "000000412E422E"), "000000612E622E");
    EXPECT_EQ(wire(81, "0000000161"), "0000005C30303161");
    // 124 and 125.
    EXPECT_EQ(wire(124, ""), "! parsed Vendor Class option data truncated to size 0");
    EXPECT_EQ(wire(124, "000000010141000000020141"), "000000010141000000010141");
    EXPECT_EQ(wire(125, ""), "! Truncated vendor-specific information option, length=0");
    EXPECT_EQ(wire(125, "0000000102"), "! Attempt to parse truncated vendor option");
    EXPECT_EQ(wire(125, "000000010201000200"), "00000001020100");
    EXPECT_EQ(wire(125, "0000118B060201AA0101BB"),
              "! DHCPv4 Option4AddrLst 2 has invalid length=1, must be divisible by 4.");
}

TEST(KeaOptionFromWire, EncapsulatingOptionsReadTheirSubOptions) {
    // 43: PAD and END count (no option-def for codes 0 and 255 in its space).
    EXPECT_EQ(wire(43, "0000"), "");
    EXPECT_EQ(wire(43, "01020A0B03"), "01020A0B");
    // 82: they do not.
    EXPECT_EQ(wire(82, "0000"), "0000");
    EXPECT_EQ(wire(82, "0102"), "");
    // Sub-options are built with their space's definitions.
    OptionDefinitions defs = OptionDefinitions::standard();
    defs.add({"x", 222, "dhcp4", OptionDataType::Uint32, false, {}, "foo"});
    defs.add({"s1", 1, "foo", OptionDataType::Uint32, false, {}, ""});
    EXPECT_EQ(fromWire(*defs.byCode(222), "000000010102AAAA", defs), "! OptionInt 1 truncated");
    EXPECT_EQ(fromWire(*defs.byCode(222), "000000010002AAAA", defs), "000000010002AAAA");
    // An empty option without a space ignores its data.
    EXPECT_EQ(custom("empty", "0102"), "");
}

TEST(KeaOptionFromWire, CodesKea22DoesNotDefineTakeAnyBytes) {
    const auto& s = OptionDefinitions::standard();
    EXPECT_FALSE(kea22KnowsDefinition(*s.byCode(152)));
    EXPECT_FALSE(kea22KnowsDefinition(*s.byCode(121)));
    EXPECT_FALSE(kea22KnowsDefinition(*s.byCode(5, "dhcp-agent-options-space")));
    EXPECT_TRUE(kea22KnowsDefinition(*s.byCode(43)));
    EXPECT_TRUE(kea22KnowsDefinition(*s.byCode(50)));
    EXPECT_TRUE(kea22KnowsDefinition(*s.byCode(2, "vendor-4491")));
}

} // namespace
