// SPDX-License-Identifier: MPL-2.0
#include <gtest/gtest.h>
#include <kahu/dhcp/ipv4_address.h>

namespace kahu {

TEST(Ipv4Address, ParsesAndPrintsDottedQuad) {
    auto a = Ipv4Address::fromText("172.18.10.254");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->str(), "172.18.10.254");
    EXPECT_FALSE(Ipv4Address::fromText("172.18.10.256"));
    EXPECT_FALSE(Ipv4Address::fromText("172.18.10"));
    EXPECT_LT(*Ipv4Address::fromText("10.0.0.9"), *Ipv4Address::fromText("10.0.0.10"));
}

} // namespace kahu
