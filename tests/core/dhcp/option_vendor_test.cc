// SPDX-License-Identifier: MPL-2.0
// Sub-option packing and the vendor option formats (124, 125), pinned to the bytes Kea 2.2
// sends (captured from kea-dhcp4 2.2.0 by tests/integration/vendor_options_kea.sh).
#include "dhcp/option_vendor.h"

#include <gtest/gtest.h>
#include <kahu/dhcp/hw_addr.h>
#include <kahu/error.h>

namespace kahu {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes hex(std::string_view h) {
    return fromHexText(h).value(); // Kea's hex text: "0a0b" or "0a:0b"
}

std::string error(void (*f)()) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(SubOptions, ArePackedInCodeOrderKeepingEqualCodesInOrder) {
    std::vector<SubOption> subs = {{3, {0xaa}}, {1, {1}}, {3, {0xbb}}, {2, {}}};
    EXPECT_EQ(packSubOptions(subs), hex("01010102000301aa0301bb"));
}

TEST(SubOptions, ParseSkipsPadStopsAtEndAndRefusesOverruns) {
    std::vector<SubOption> subs;
    ASSERT_TRUE(parseSubOptions(hex("000102abcdff0501"), subs));
    ASSERT_EQ(subs.size(), 1u);
    EXPECT_EQ(subs[0].code, 1);
    EXPECT_EQ(subs[0].data, hex("abcd"));
    subs.clear();
    EXPECT_FALSE(parseSubOptions(hex("0105abcd"), subs));
}

TEST(SubOptions, LongerThan255BytesIsRefused) {
    EXPECT_THROW(packSubOptions({{1, Bytes(256, 0)}}), Error);
}

TEST(Vivso, CarriesEnterpriseDataLenAndSubOptions) {
    // Kea 2.2, DOCSIS ORO asking for tftp-servers "172.18.20.5, 172.18.20.6".
    EXPECT_EQ(packVivso(4491, {{2, hex("ac121405ac121406")}}),
              hex("0000118b0a0208ac121405ac121406"));
    EXPECT_EQ(packVivso(4491, {}), hex("0000118b00"));
    EXPECT_EQ(vendorSpace(4491), "vendor-4491");
}

TEST(Vivso, ConfiguredBytesAreReadAndWrittenBackAsKeaDoes) {
    EXPECT_EQ(normalizeVivso(hex("0000118b")), hex("0000118b00")) << "data-len added";
    EXPECT_EQ(normalizeVivso(hex("0000015303030178")), hex("0000015303030178"));
    EXPECT_EQ(normalizeVivso(hex("00000153090301780204aabbccdd")),
              hex("00000153090204aabbccdd030178"))
        << "sub-options re-packed in code order";
    EXPECT_EQ(normalizeVivso(hex("000001530203000401")), hex("00000153020300"))
        << "only the first data-len block is read";
    EXPECT_THROW(normalizeVivso(hex("0000015363030178")), Error) << "data-len past the end";
    EXPECT_THROW(normalizeVivso(hex("000001")), Error);
    EXPECT_THROW(normalizeVivso(hex("00000153050309aa")), Error);
}

TEST(Vivco, EnterpriseAndLengthPrefixedDataPassesKeasCheck) {
    EXPECT_NO_THROW(checkVivco(hex("0000118b030a0b0c")));
    EXPECT_NO_THROW(checkVivco(hex("0000118b030a0b0c000001530178")));
    EXPECT_NO_THROW(checkVivco(hex("0000118b")));
}

TEST(Vivco, MalformedDataFailsWithKeasReason) {
    // kea-dhcp4 2.2 on "vivco-suboptions" data "4491, 0a0b0c".
    EXPECT_EQ(error([] { checkVivco(hex("0000118b0a0b0c")); }),
              "unable to parse the opaque data tuple, the buffer length is 2, but the tuple "
              "length is 10");
    EXPECT_EQ(error([] { checkVivco(hex("0000118b0178000001")); }),
              "truncated DHCPv4 V-I Vendor Class option - it should contain enterprise id "
              "followed by opaque data field tuple");
    EXPECT_EQ(error([] { checkVivco(hex("0011")); }),
              "parsed Vendor Class option data truncated to size 2");
}

} // namespace
} // namespace kahu
