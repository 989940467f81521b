// SPDX-License-Identifier: MPL-2.0
// Which vendor options a reply carries (Kea 2.2's appendRequestedOptions and
// appendRequestedVendorOptions); expected bytes are kea-dhcp4 2.2.0's on the same config.
#include "config/config_loader.h"
#include "dhcp4/reply_options.h"

#include <gtest/gtest.h>
#include <kahu/dhcp/hw_addr.h>

namespace kahu {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes hex(std::string_view h) {
    return fromHexText(h).value(); // Kea's hex text: "0a0b" or "0a:0b"
}

class VendorReplyOptions : public ::testing::Test {
protected:
    void load(const std::string& data) {
        config_ = config::parseConfigText(
                      R"({"Dhcp4": {"option-def": [
            {"name": "acs-url", "code": 1, "space": "vendor-encapsulated-options-space",
             "type": "string"},
            {"name": "dls", "code": 3, "space": "vendor-339", "type": "string"}],
          "option-data": [)" +
                          data + R"(],
          "subnet4": [{"id": 1, "subnet": "10.0.0.0/8"}]}})",
                      "t.json")
                      .config;
    }
    Packet4 reply(const Packet4& query, bool withSubnet = true) {
        Packet4 r;
        r.setMessageType(MessageType::Offer);
        addConfiguredOptions(r, query, *config_, withSubnet ? &config_->subnets[0] : nullptr,
                             nullptr, nullptr);
        return r;
    }
    static Packet4 query(Bytes prl, Bytes vivso = {}) {
        Packet4 q;
        q.setMessageType(MessageType::Discover);
        q.set(opt::kParamRequest, std::move(prl));
        if (!vivso.empty()) {
            q.set(125, std::move(vivso));
        }
        return q;
    }
    static Bytes data(const Packet4& p, uint8_t code) {
        const Option* o = p.get(code);
        return o ? o->data : Bytes{0xde, 0xad};
    }

    std::shared_ptr<const ServerConfig> config_;
};

const char* kDocsis = R"({"name": "tftp-servers", "space": "vendor-4491",
                          "data": "172.18.20.5, 172.18.20.6"},
                         {"name": "tftp-servers", "space": "docsis3-v4", "data": "172.18.20.7"})";

TEST_F(VendorReplyOptions, DocsisOroInTheClientsOption125GetsTheCableLabsOptions) {
    load(kDocsis);
    Packet4 r = reply(query({1}, hex("0000118b03010102")));
    EXPECT_EQ(data(r, 125), hex("0000118b0a0208ac121405ac121406"));
}

TEST_F(VendorReplyOptions, NoVendorOptionWithoutTheClientsOption125OrAnOroEntry) {
    load(kDocsis);
    EXPECT_EQ(reply(query({1, 43, 125})).get(125), nullptr) << "nothing names an enterprise";
    EXPECT_EQ(reply(query({1}, hex("0000118b0401020304"))).get(125), nullptr)
        << "no ORO, nothing always-send";
    EXPECT_EQ(reply(query({1}, hex("0000118b03010102")), false).get(125), nullptr)
        << "Kea needs a subnet";
}

TEST_F(VendorReplyOptions, AlwaysSendVendorOptionsFollowTheClientsEnterprise) {
    load(R"({"name": "dls", "space": "vendor-339", "data": "sdlp://x", "always-send": true},
            {"name": "tftp-servers", "space": "vendor-4491", "data": "172.18.20.5",
             "always-send": true})");
    EXPECT_EQ(data(reply(query({1}, hex("00000153020100"))), 125),
              hex("000001530a030873646c703a2f2f78"));
    EXPECT_EQ(data(reply(query({1}, hex("0000118b0401020304"))), 125),
              hex("0000118b060204ac121405"));
}

TEST_F(VendorReplyOptions, RequestedConfiguredOption125IsSentAsConfigured) {
    load(std::string(kDocsis) + R"(, {"name": "vivso-suboptions", "data": "4491"})");
    EXPECT_EQ(data(reply(query({125})), 125), hex("0000118b00"));
    load(R"({"code": 125, "csv-format": false, "data": "0000015303030178"},
            {"name": "dls", "space": "vendor-339", "data": "sdlp://x", "always-send": true})");
    EXPECT_EQ(data(reply(query({125})), 125), hex("0000015303030178"))
        << "its own sub-option 3 is kept";
}

TEST_F(VendorReplyOptions, Option43IsSentWithItsSubOptionsWhenRequested) {
    load(R"({"name": "vendor-encapsulated-options"},
            {"name": "acs-url", "space": "vendor-encapsulated-options-space", "data": "x"})");
    EXPECT_EQ(data(reply(query({43})), 43), hex("010178"));
    EXPECT_EQ(reply(query({1})).get(43), nullptr);
    EXPECT_EQ(reply(query({1})).get(1), nullptr) << "sub-options never leak into dhcp4";
}

} // namespace
} // namespace kahu

namespace kahu {
namespace {

// Not a vendor option, but the same path: Kahu puts no options in sname/file, so a configured
// option 52 is never sent, requested or always-send (docs/compatibility.md).
TEST_F(VendorReplyOptions, ConfiguredOptionOverloadIsNeverSent) {
    load(R"({"name": "dhcp-option-overload", "data": "1", "always-send": true},
            {"name": "domain-name", "data": "example.org", "always-send": true})");
    Packet4 r = reply(query({52, 15}));
    EXPECT_EQ(r.get(52), nullptr);
    EXPECT_NE(r.get(15), nullptr) << "the other configured options still go";
}

} // namespace
} // namespace kahu
