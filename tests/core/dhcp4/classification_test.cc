// SPDX-License-Identifier: MPL-2.0
// client-classes end to end inside the server: a configuration text with classes, parsed as an
// operator's file is, and queries through Dhcp4Processor (Kea's ARM, "Classification Steps").
#include "config/config_loader.h"
#include "dhcp4/dhcp4_processor.h"
#include "fake_lease_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/stats.h>
#include <string>

namespace kahu {
namespace {

using ::testing::HasSubstr;

Ipv4Address ip(const char* t) {
    return *Ipv4Address::fromText(t);
}

// One relayed subnet with a pool for PXE clients, one for phones (option 60 "phone"), one for
// the rest; a reservation; classes for PXE (option 93), phones, KNOWN/UNKNOWN, DROP and one
// required by the phone pool.
constexpr const char* kConfig = R"j({"Dhcp4": {
  "interfaces-config": {"interfaces": [], "dhcp-socket-type": "udp"},
  "valid-lifetime": 4000,
  "option-data": [{"name": "domain-name", "data": "global.example"},
                  {"name": "ntp-servers", "data": "192.0.2.123"}],
  "client-classes": [
    {"name": "pxe_efi", "test": "option[93].hex == 0x0007",
     "next-server": "192.0.2.254", "server-hostname": "tftp1", "boot-file-name": "ipxe.efi",
     "option-data": [{"name": "domain-name", "data": "pxe.example"}]},
    {"name": "phone", "test": "substring(option[60].hex,0,5) == 'phone'",
     "valid-lifetime": 600, "min-valid-lifetime": 300, "max-valid-lifetime": 900,
     "option-data": [{"name": "ntp-servers", "data": "192.0.2.200"}]},
    {"name": "phone_pool_extra", "only-if-required": true,
     "option-data": [{"name": "time-servers", "data": "192.0.2.201"}]},
    {"name": "registered", "test": "member('KNOWN')",
     "option-data": [{"name": "log-servers", "data": "192.0.2.77"}]},
    {"name": "stranger", "test": "member('UNKNOWN')",
     "option-data": [{"name": "cookie-servers", "data": "192.0.2.88"}]},
    {"name": "DROP", "test": "option[60].hex == 'evil'"}
  ],
  "subnet4": [{
    "id": 1, "subnet": "192.0.2.0/24", "relay": {"ip-addresses": ["192.0.2.1"]},
    "option-data": [{"name": "routers", "data": "192.0.2.1"}],
    "pools": [
      {"pool": "192.0.2.10 - 192.0.2.19", "client-class": "pxe_efi"},
      {"pool": "192.0.2.20 - 192.0.2.29", "client-class": "phone",
       "require-client-classes": ["phone_pool_extra"]},
      {"pool": "192.0.2.100 - 192.0.2.199"}
    ],
    "reservations": [{"hw-address": "02:00:00:00:00:99", "hostname": "known-host"}]
  }]
}})j";

class ClassificationTest : public ::testing::Test {
protected:
    void SetUp() override { build(kConfig); }

    void build(const std::string& text) {
        proc_.reset();
        config_ = config::parseConfigText(text, "classes.json").config;
        store_ = std::make_shared<test::FakeLeaseStore>();
        leases_ = std::make_unique<LeaseManager>(store_);
        leases_->configure(config_);
        proc_ =
            std::make_unique<Dhcp4Processor>(config_, *leases_, std::vector<InterfaceAddresses>{});
    }

    Packet4 discover(uint8_t macLast) {
        Packet4 q;
        q.op = 1;
        q.xid = 0x42;
        q.chaddr = {0x02, 0, 0, 0, 0, macLast};
        q.setMessageType(MessageType::Discover);
        q.set(opt::kParamRequest, {1, 3, 4, 7, 8, 15, 42, 51});
        q.giaddr = ip("192.0.2.1");
        q.remoteAddr = q.giaddr;
        q.remotePort = 67;
        q.localAddr = ip("192.0.2.2");
        return q;
    }

    static std::string text(const Packet4& p, uint8_t code) {
        const Option* o = p.get(code);
        return o ? std::string(o->data.begin(), o->data.end()) : std::string("<none>");
    }
    static std::string address(const Packet4& p, uint8_t code) {
        auto a = p.getAddress(code);
        return a ? a->str() : "<none>";
    }
    static std::string field(const auto& bytes) {
        return std::string(reinterpret_cast<const char*>(bytes.data()));
    }

    std::shared_ptr<const ServerConfig> config_;
    std::shared_ptr<test::FakeLeaseStore> store_;
    std::unique_ptr<LeaseManager> leases_;
    std::unique_ptr<Dhcp4Processor> proc_;
};

TEST_F(ClassificationTest, PxeClientGetsItsPoolBootFieldsAndClassOption) {
    Packet4 q = discover(1);
    q.set(93, {0x00, 0x07});
    auto ex = proc_->process(q, 1000);
    ASSERT_TRUE(ex.response) << ex.dropReason;
    const Packet4& r = *ex.response;
    EXPECT_EQ(r.yiaddr.str(), "192.0.2.10");
    EXPECT_EQ(r.siaddr.str(), "192.0.2.254");
    EXPECT_EQ(field(r.sname), "tftp1");
    EXPECT_EQ(field(r.file), "ipxe.efi");
    // The class's domain-name beats the global one; the global ntp-servers still comes.
    EXPECT_EQ(text(r, opt::kDomainName), "pxe.example");
    EXPECT_EQ(address(r, 42), "192.0.2.123");
    EXPECT_EQ(address(r, opt::kRouters), "192.0.2.1");
    EXPECT_TRUE(ex.query.inClass("pxe_efi"));
}

TEST_F(ClassificationTest, PlainClientGetsTheOpenPoolAndNoBootFields) {
    auto ex = proc_->process(discover(2), 1000);
    ASSERT_TRUE(ex.response);
    const Packet4& r = *ex.response;
    EXPECT_EQ(r.yiaddr.str(), "192.0.2.100");
    EXPECT_EQ(r.siaddr.str(), "0.0.0.0");
    EXPECT_EQ(field(r.file), "");
    EXPECT_EQ(text(r, opt::kDomainName), "global.example");
    EXPECT_EQ(r.getAddress(opt::kLeaseTime) ? r.getAddress(opt::kLeaseTime)->value() : 0, 4000u);
}

TEST_F(ClassificationTest, PhoneGetsItsPoolLifetimeAndTheRequiredClassOfThatPool) {
    Packet4 q = discover(3);
    q.set(opt::kVendorClass, {'p', 'h', 'o', 'n', 'e', '-', 'x'});
    auto ex = proc_->process(q, 1000);
    ASSERT_TRUE(ex.response);
    const Packet4& r = *ex.response;
    EXPECT_EQ(r.yiaddr.str(), "192.0.2.20");
    EXPECT_EQ(address(r, 42), "192.0.2.200"); // the class's beats the global
    EXPECT_EQ(address(r, 4), "192.0.2.201");  // only from the pool's required class
    EXPECT_EQ(r.getAddress(opt::kLeaseTime)->value(), 600u);
    EXPECT_TRUE(ex.query.inClass("VENDOR_CLASS_phone-x"));
    EXPECT_TRUE(ex.query.inClass("phone_pool_extra"));

    // A requested lifetime is bounded by the class's min/max.
    Packet4 longer = discover(4);
    longer.set(opt::kVendorClass, {'p', 'h', 'o', 'n', 'e'});
    longer.setUint32(opt::kLeaseTime, 5000);
    auto ex2 = proc_->process(longer, 1000);
    ASSERT_TRUE(ex2.response);
    EXPECT_EQ(ex2.response->getAddress(opt::kLeaseTime)->value(), 900u);
}

TEST_F(ClassificationTest, RequiredClassIsNotJoinedOutsideThePoolThatRequiresIt) {
    auto ex = proc_->process(discover(5), 1000);
    ASSERT_TRUE(ex.response);
    EXPECT_FALSE(ex.query.inClass("phone_pool_extra"));
    EXPECT_EQ(address(*ex.response, 4), "<none>");
}

TEST_F(ClassificationTest, KnownAndUnknownFollowTheReservation) {
    auto known = proc_->process(discover(0x99), 1000);
    ASSERT_TRUE(known.response);
    EXPECT_TRUE(known.query.inClass("KNOWN"));
    EXPECT_TRUE(known.query.inClass("registered"));
    EXPECT_FALSE(known.query.inClass("stranger"));
    EXPECT_EQ(address(*known.response, 7), "192.0.2.77");
    EXPECT_EQ(address(*known.response, 8), "<none>");

    auto unknown = proc_->process(discover(6), 1000);
    ASSERT_TRUE(unknown.response);
    EXPECT_TRUE(unknown.query.inClass("UNKNOWN"));
    EXPECT_TRUE(unknown.query.inClass("stranger"));
    EXPECT_EQ(address(*unknown.response, 7), "<none>");
    EXPECT_EQ(address(*unknown.response, 8), "192.0.2.88");
}

TEST_F(ClassificationTest, DropClassDropsAndCounts) {
    Counter& drops = Statistics::instance().counter("pkt4-receive-drop");
    const int64_t before = drops.value();
    Packet4 q = discover(7);
    q.set(opt::kVendorClass, {'e', 'v', 'i', 'l'});
    auto ex = proc_->process(q, 1000);
    EXPECT_FALSE(ex.response);
    EXPECT_STREQ(ex.dropReason, "DHCP4_PACKET_DROP_0010");
    EXPECT_EQ(drops.value(), before + 1);
}

TEST_F(ClassificationTest, DropMayDependOnKnown) {
    std::string text = kConfig;
    text.replace(text.find(R"j("test": "option[60].hex == 'evil'")j"),
                 std::string(R"j("test": "option[60].hex == 'evil'")j").size(),
                 R"j("test": "member('UNKNOWN')")j");
    build(text);
    EXPECT_FALSE(proc_->process(discover(8), 1000).response);
    EXPECT_TRUE(proc_->process(discover(0x99), 1000).response);
}

TEST_F(ClassificationTest, TemplateClassSpawnsAClassPerValue) {
    build(R"j({"Dhcp4": {
      "interfaces-config": {"interfaces": [], "dhcp-socket-type": "udp"},
      "client-classes": [{"name": "by_vendor", "template-test": "substring(option[60].hex,0,3)"}],
      "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "relay": {"ip-addresses": ["192.0.2.1"]},
        "pools": [{"pool": "192.0.2.10 - 192.0.2.19", "client-class": "SPAWN_by_vendor_abc"},
                  {"pool": "192.0.2.20 - 192.0.2.29", "client-class": "SPAWN_by_vendor_xyz"}]}]
    }})j");
    Packet4 abc = discover(10);
    abc.set(opt::kVendorClass, {'a', 'b', 'c', 'd'});
    auto one = proc_->process(abc, 1000);
    ASSERT_TRUE(one.response);
    EXPECT_EQ(one.response->yiaddr.str(), "192.0.2.10");
    EXPECT_TRUE(one.query.inClass("by_vendor"));
    EXPECT_TRUE(one.query.inClass("SPAWN_by_vendor_abc"));

    Packet4 xyz = discover(11);
    xyz.set(opt::kVendorClass, {'x', 'y', 'z'});
    auto two = proc_->process(xyz, 1000);
    ASSERT_TRUE(two.response);
    EXPECT_EQ(two.response->yiaddr.str(), "192.0.2.20");

    // No value, no class: and no pool is open to it.
    auto none = proc_->process(discover(12), 1000);
    EXPECT_FALSE(none.query.inClass("by_vendor"));
    EXPECT_FALSE(none.response);
}

// Configuration errors name the file position and the key path, and for an expression the
// column inside it.
std::string loadError(const std::string& classes) {
    std::string text = R"j({"Dhcp4": {"client-classes": )j" + classes + "}}";
    try {
        config::parseConfigText(text, "bad.json");
    } catch (const Error& e) {
        return e.what();
    }
    return "accepted";
}

TEST(ClassificationConfig, MemberOfALaterClassIsRefusedWithItsColumn) {
    std::string e = loadError(R"j([{"name": "a", "test": "member('b')"}, {"name": "b"}])j");
    EXPECT_THAT(e, HasSubstr("bad.json:1:"));
    EXPECT_THAT(e, HasSubstr("Dhcp4.client-classes[0].test"));
    EXPECT_THAT(e, HasSubstr("column 8"));
    EXPECT_THAT(e, HasSubstr("Not defined client class 'b'"));
}

TEST(ClassificationConfig, BadSyntaxIsRefused) {
    std::string e = loadError(R"j([{"name": "a", "test": "option[60].hex"}])j");
    EXPECT_THAT(e, HasSubstr("Dhcp4.client-classes[0].test"));
    EXPECT_THAT(e, HasSubstr("expression 'option[60].hex'"));
}

TEST(ClassificationConfig, BuiltInClassMayNotHaveATest) {
    EXPECT_THAT(loadError(R"j([{"name": "KNOWN", "test": "option[60].exists"}])j"),
                HasSubstr("built-in class 'KNOWN' test expression must be empty"));
}

TEST(ClassificationConfig, DuplicateNameIsRefused) {
    EXPECT_THAT(loadError(R"j([{"name": "a"}, {"name": "a"}])j"),
                HasSubstr("client class 'a' is already defined"));
}

TEST(ClassificationConfig, UnknownKeyIsRefusedByName) {
    EXPECT_THAT(loadError(R"j([{"name": "a", "tset": "x"}])j"), HasSubstr("unknown key 'tset'"));
}

TEST(ClassificationConfig, ClassOptionDefDefinesItsOwnOptions) {
    auto cfg = config::parseConfigText(R"j({"Dhcp4": {"client-classes": [
        {"name": "voip", "option-def": [{"name": "tftp-list", "code": 222, "type": "ipv4-address",
                                         "array": true}],
         "option-data": [{"name": "tftp-list", "data": "192.0.2.5, 192.0.2.6"}]}]}})j",
                                       "defs.json")
                   .config;
    ASSERT_EQ(cfg->clientClasses.size(), 1u);
    const auto& opts = cfg->clientClasses[0].options;
    ASSERT_EQ(opts.size(), 1u);
    EXPECT_EQ(opts[0].code, 222);
    EXPECT_EQ(opts[0].data, (std::vector<uint8_t>{192, 0, 2, 5, 192, 0, 2, 6}));
    // The definition is the class's own: the global level does not know the name.
    EXPECT_THAT(
        loadError(
            R"j([{"name": "a"}], "option-data": [{"name": "tftp-list", "data": "1.2.3.4"}])j"),
        HasSubstr("unknown option 'tftp-list'"));
}

TEST(ClassificationConfig, KnownDependenceIsInheritedThroughMember) {
    auto cfg = config::parseConfigText(R"j({"Dhcp4": {"client-classes": [
        {"name": "k", "test": "member('KNOWN')"},
        {"name": "via", "test": "member('k') or option[60].exists"},
        {"name": "plain", "test": "option[60].exists"}]}})j",
                                       "deps.json")
                   .config;
    ASSERT_EQ(cfg->clientClasses.size(), 3u);
    EXPECT_TRUE(cfg->clientClasses[0].dependsOnKnown);
    EXPECT_TRUE(cfg->clientClasses[1].dependsOnKnown);
    EXPECT_FALSE(cfg->clientClasses[2].dependsOnKnown);
}

} // namespace
} // namespace kahu
