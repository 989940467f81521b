// SPDX-License-Identifier: MPL-2.0
// option-data for vendor options (43 with sub-options, DOCSIS3, 124, 125) -> the bytes a level
// holds, pinned to what kea-dhcp4 2.2.0 sends for the same configuration.
#include "config/config_loader.h"

#include <gtest/gtest.h>
#include <kahu/error.h>

using namespace kahu;
using namespace kahu::config;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes hex(std::string_view h) {
    Bytes out;
    for (size_t i = 0; i + 1 < h.size(); i += 2) {
        out.push_back(uint8_t(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

std::shared_ptr<const ServerConfig> load(const std::string& defs, const std::string& data) {
    return parseConfigText(R"({"Dhcp4": {"option-def": [)" + defs + R"(], "option-data": [)" +
                               data + R"(], "subnet4": [{"id": 1, "subnet": "10.0.0.0/8"}]}})",
                           "t.json")
        .config;
}

std::string errorOf(const std::string& defs, const std::string& data) {
    try {
        load(defs, data);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

const OptionData* find(const OptionSet& set, uint8_t code, std::string_view space = "dhcp4") {
    for (const auto& o : set) {
        if (o.code == code && o.space == space) {
            return &o;
        }
    }
    return nullptr;
}

const std::string kSubDefs =
    R"({"name": "acs-url", "code": 1, "space": "vendor-encapsulated-options-space",
        "type": "string"},
       {"name": "vlan", "code": 2, "space": "vendor-encapsulated-options-space",
        "type": "uint32"})";

TEST(VendorOptionConfig, Option43WithoutDataIsBuiltFromItsSubOptionsInCodeOrder) {
    auto c = load(kSubDefs, R"({"name": "vendor-encapsulated-options"},
        {"name": "vlan", "space": "vendor-encapsulated-options-space", "data": "123"},
        {"name": "acs-url", "space": "vendor-encapsulated-options-space",
         "data": "http://acs.example/"})");
    const OptionData* o43 = find(c->options, 43);
    ASSERT_NE(o43, nullptr);
    EXPECT_EQ(o43->data, hex("0113687474703a2f2f6163732e6578616d706c652f02040000007b"));
    EXPECT_EQ(find(c->options, 2, "vendor-encapsulated-options-space")->data, hex("0000007b"))
        << "the sub-option itself is unchanged";
}

TEST(VendorOptionConfig, Option43HexDataIsMergedWithConfiguredSubOptions) {
    auto c = load(kSubDefs, R"({"name": "vendor-encapsulated-options", "csv-format": false,
         "data": "0302aabb"},
        {"name": "vlan", "space": "vendor-encapsulated-options-space", "data": "123"})");
    EXPECT_EQ(find(c->options, 43)->data, hex("02040000007b0302aabb"));
}

TEST(VendorOptionConfig, Option43HexDataDropsATruncatedSubOptionAsKeaDoes) {
    auto c = load(kSubDefs, R"({"name": "vendor-encapsulated-options", "csv-format": false,
         "data": "0302aabb02"},
        {"name": "vlan", "space": "vendor-encapsulated-options-space", "data": "123"})");
    EXPECT_EQ(find(c->options, 43)->data, hex("02040000007b0302aabb"));
    EXPECT_NE(errorOf(kSubDefs, R"({"name": "vendor-encapsulated-options", "csv-format": false,
         "data": "0202aabb"})")
                  .find("(space: dhcp4, code: 43): OptionInt 2 truncated"),
              std::string::npos)
        << "a sub-option is read with its space's definition";
}

// Kea adds configured sub-options to integer and single-value options with an encapsulated
// space (after the sub-options their bytes hold, all in code order), not to binary or string
// ones.
TEST(VendorOptionConfig, HexDataOfAnEncapsulatingOptionIsMergedWithConfiguredSubOptions) {
    const std::string defs =
        R"({"name": "x", "code": 222, "type": "uint32", "encapsulate": "foo"},
           {"name": "y", "code": 223, "type": "binary", "encapsulate": "foo"},
           {"name": "z", "code": 224, "type": "string", "encapsulate": "foo"},
           {"name": "s1", "code": 1, "space": "foo", "type": "uint8"},
           {"name": "s2", "code": 2, "space": "foo", "type": "uint8"})";
    auto c = load(defs, R"({"code": 222, "csv-format": false, "data": "00000005030155"},
        {"code": 223, "csv-format": false, "data": "aabb"}, {"code": 224, "data": "AB"},
        {"code": 1, "space": "foo", "data": "7"}, {"code": 2, "space": "foo", "data": "8"})");
    EXPECT_EQ(find(c->options, 222)->data, hex("00000005010107020108030155"));
    EXPECT_EQ(find(c->options, 223)->data, hex("aabb"));
    EXPECT_EQ(find(c->options, 224)->data, hex("4142"));
}

TEST(VendorOptionConfig, SubOptionsOfAnotherLevelAreNotEncapsulated) {
    auto c = parseConfigText(R"({"Dhcp4": {"option-def": [)" + kSubDefs + R"(],
        "option-data": [{"name": "vlan", "space": "vendor-encapsulated-options-space",
                         "data": "7"}],
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8",
                     "option-data": [{"name": "vendor-encapsulated-options"}]}]}})",
                             "t.json")
                 .config;
    EXPECT_EQ(find(c->subnets[0].options, 43)->data, Bytes{}) << "Kea encapsulates per level";
}

TEST(VendorOptionConfig, RedefinedOption43EncapsulatesTheSpaceItNames) {
    // Kea's vendor-specific.json: 43 redefined to encapsulate space "339".
    auto c = load(R"({"name": "vendor-encapsulated-options", "code": 43, "type": "empty",
                      "encapsulate": "339"},
                     {"name": "vlanid", "code": 2, "space": "339", "type": "uint32"},
                     {"name": "dls", "code": 3, "space": "339", "type": "string"})",
                  R"({"name": "vendor-encapsulated-options"},
                     {"name": "dls", "space": "339", "data": "sdlp://192.0.2.11:18443"},
                     {"name": "vlanid", "space": "339", "data": "123"})");
    EXPECT_EQ(find(c->options, 43)->data,
              hex("02040000007b031773646c703a2f2f3139322e302e322e31313a3138343433"));
}

TEST(VendorOptionConfig, DocsisTftpServersAreKnownInBothOfKeasSpaces) {
    auto c = load("", R"({"name": "tftp-servers", "space": "vendor-4491",
                          "data": "172.18.20.5, 172.18.20.6"},
                         {"name": "tftp-servers", "space": "docsis3-v4", "data": "172.18.20.7"},
                         {"code": 1, "space": "vendor-4491", "data": "2, 3"})");
    EXPECT_EQ(find(c->options, 2, "vendor-4491")->data, hex("ac121405ac121406"));
    EXPECT_EQ(find(c->options, 2, "docsis3-v4")->data, hex("ac121407"));
    EXPECT_EQ(find(c->options, 1, "vendor-4491")->data, hex("0203"));
}

TEST(VendorOptionConfig, Option125GetsDataLenAndSortedSubOptions) {
    EXPECT_EQ(find(load("", R"({"name": "vivso-suboptions", "data": "4491"})")->options, 125)->data,
              hex("0000118b00"));
    EXPECT_EQ(find(load("", R"({"code": 125, "csv-format": false,
                                "data": "0000015303030178"})")
                       ->options,
                   125)
                  ->data,
              hex("0000015303030178"));
    EXPECT_NE(errorOf("", R"({"code": 125, "csv-format": false, "data": "00000153050309aa"})")
                  .find("truncated"),
              std::string::npos);
}

TEST(VendorOptionConfig, Option124MustBeEnterpriseAndLengthPrefixedData) {
    EXPECT_EQ(
        find(load("", R"({"name": "vivco-suboptions", "data": "4491, 030a0b0c"})")->options, 124)
            ->data,
        hex("0000118b030a0b0c"));
    EXPECT_NE(errorOf("", R"({"name": "vivco-suboptions", "data": "4491, 0a0b0c"})")
                  .find("unable to parse the opaque data tuple, the buffer length is 2, but the "
                        "tuple length is 10"),
              std::string::npos);
}

} // namespace
