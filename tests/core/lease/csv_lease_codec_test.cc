// SPDX-License-Identifier: MPL-2.0
#include "lease/csv_lease_codec.h"
#include "lease_test_util.h"

#include <gtest/gtest.h>
#include <kahu/error.h>

using namespace kahu;

namespace {

Lease4 parseOk(std::string_view row, size_t columns = CsvLeaseCodec::kColumns) {
    std::string error;
    auto lease = CsvLeaseCodec::parseRow(row, columns, &error);
    EXPECT_TRUE(lease) << error;
    return lease ? *lease : Lease4{};
}

std::string parseError(std::string_view row, size_t columns = CsvLeaseCodec::kColumns) {
    std::string error;
    auto lease = CsvLeaseCodec::parseRow(row, columns, &error);
    EXPECT_FALSE(lease) << "row was accepted: " << row;
    return error;
}

} // namespace

TEST(CsvLeaseCodec, WritesKeaRowExactly) {
    Lease4 l;
    l.address = *Ipv4Address::fromText("192.0.2.11");
    l.hwAddr = *HwAddr::fromText("1a:1b:1c:1d:1e:1f");
    l.clientId = {0x01, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
    l.validLifetime = 4000;
    l.cltt = 1795400995;
    l.subnetId = 1;
    l.hostname = "host,one&two";
    l.userContext = {{"a", "b,c"}, {"list", {1, 2}}, {"m", nlohmann::json::object()}};
    EXPECT_EQ(CsvLeaseCodec::formatRow(l),
              "192.0.2.11,1a:1b:1c:1d:1e:1f,01:1a:1b:1c:1d:1e:1f,4000,1795404995,1,0,0,"
              "host&#x2cone&#x26two,0,{ \"a\": \"b&#x2cc\"&#x2c \"list\": [ 1&#x2c 2 ]&#x2c "
              "\"m\": {  } },0\n");
}

TEST(CsvLeaseCodec, DeclinedRowMatchesKea) {
    Lease4 l;
    l.address = *Ipv4Address::fromText("10.77.0.101");
    l.validLifetime = 86400;
    l.cltt = 1795487594 - 86400;
    l.subnetId = 1;
    l.state = LeaseState::Declined;
    EXPECT_EQ(CsvLeaseCodec::formatRow(l), "10.77.0.101,,,86400,1795487594,1,0,0,,1,,0\n");
}

TEST(CsvLeaseCodec, RefusesLeaseWithoutIdentity) {
    Lease4 l;
    l.address = *Ipv4Address::fromText("10.77.0.5");
    l.validLifetime = 10;
    EXPECT_THROW(CsvLeaseCodec::formatRow(l), StoreError);
}

TEST(CsvLeaseCodec, RoundTripKeepsEveryField) {
    Lease4 l = test::makeLease(7);
    l.hostname = "a,b&c&#x2c"; // the escape text itself must survive
    l.userContext = {{"comment", "x,y & z"}, {"nested", {{"k", {1, "two", false}}}}};
    l.poolId = 3;
    l.state = LeaseState::ExpiredReclaimed;
    l.fqdnRev = true;
    std::string row = CsvLeaseCodec::formatRow(l);
    ASSERT_EQ(row.back(), '\n');
    row.pop_back();
    EXPECT_EQ(parseOk(row), l);
}

TEST(CsvLeaseCodec, UnescapeOnlyDecodesWellFormedSequences) {
    EXPECT_EQ(CsvLeaseCodec::unescape("a&#x2cb&#x26c&#xzz&#x2"), "a,b&c&#xzz&#x2");
}

TEST(CsvLeaseCodec, AcceptsHeaderVariants) {
    std::string error;
    EXPECT_EQ(CsvLeaseCodec::parseHeader(CsvLeaseCodec::kHeader, &error), 12u);
    EXPECT_EQ(CsvLeaseCodec::parseHeader("address,hwaddr,client_id,valid_lifetime,expire,"
                                         "subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context",
                                         &error),
              11u);
    EXPECT_EQ(
        CsvLeaseCodec::parseHeader(std::string(CsvLeaseCodec::kHeader) + ",future,more", &error),
        14u);
    EXPECT_FALSE(CsvLeaseCodec::parseHeader("address,hwaddr,client_id", &error));
    EXPECT_FALSE(CsvLeaseCodec::parseHeader("address,duid,client_id,valid_lifetime,expire,"
                                            "subnet_id,fqdn_fwd,fqdn_rev,hostname",
                                            &error));
    EXPECT_NE(error.find("duid"), std::string::npos);
}

TEST(CsvLeaseCodec, ReadsKea22RowWithDefaultsForMissingColumns) {
    Lease4 l = parseOk("10.77.0.100,02:00:00:00:00:01,01:02:00:00:00:00:01,3600,1795401193,1,"
                       "0,0,h&#x2c1,1,{ \"a\": 1 }",
                       11);
    EXPECT_EQ(l.address.str(), "10.77.0.100");
    EXPECT_EQ(l.cltt, 1795401193 - 3600);
    EXPECT_EQ(l.hostname, "h,1");
    EXPECT_EQ(l.state, LeaseState::Declined);
    EXPECT_EQ(l.userContext, nlohmann::json({{"a", 1}}));
    EXPECT_EQ(l.poolId, 0u);
}

TEST(CsvLeaseCodec, IgnoresExtraTrailingColumns) {
    Lease4 l = parseOk("10.77.0.1,02:00:00:00:00:01,,3600,1795401193,4,1,1,h,0,,2,x,y", 14);
    EXPECT_EQ(l.subnetId, 4u);
    EXPECT_EQ(l.poolId, 2u);
    EXPECT_TRUE(l.fqdnFwd);
}

TEST(CsvLeaseCodec, RejectsEachKindOfBadField) {
    const std::string good = "10.77.0.1,02:00:00:00:00:01,01:02,3600,1795401193,1,0,0,h,0,,0";
    parseOk(good);
    EXPECT_NE(
        parseError("10.77.0.256,02:00:00:00:00:01,,3600,1795401193,1,0,0,h,0,,0").find("address"),
        std::string::npos);
    EXPECT_NE(parseError("10.77.0.1,02:zz,,3600,1795401193,1,0,0,h,0,,0").find("hwaddr"),
              std::string::npos);
    EXPECT_NE(parseError("10.77.0.1,02:00:00:00:00:01,,-1,1795401193,1,0,0,h,0,,0")
                  .find("valid_lifetime"),
              std::string::npos);
    EXPECT_NE(parseError("10.77.0.1,02:00:00:00:00:01,,3600,17x,1,0,0,h,0,,0").find("expire"),
              std::string::npos);
    EXPECT_NE(
        parseError("10.77.0.1,02:00:00:00:00:01,,3600,1795401193,1,true,0,h,0,,0").find("fqdn_fwd"),
        std::string::npos);
    EXPECT_NE(parseError("10.77.0.1,02:00:00:00:00:01,,3600,1795401193,1,0,0,h,7,,0").find("state"),
              std::string::npos);
    EXPECT_NE(parseError("10.77.0.1,02:00:00:00:00:01,,3600,1795401193,1,0,0,h,0,[1],0")
                  .find("user_context"),
              std::string::npos);
    EXPECT_NE(parseError("10.77.0.1,02:00:00:00:00:01,,3600,1795401193,1,0,0,h,0,,0,extra")
                  .find("columns"),
              std::string::npos);
    EXPECT_NE(parseError("10.77.0.1,02:00:00:00:00:01,,3600").find("columns"), std::string::npos);
    EXPECT_NE(parseError("10.77.0.1,,,3600,1795401193,1,0,0,h,0,,0").find("neither"),
              std::string::npos);
}
