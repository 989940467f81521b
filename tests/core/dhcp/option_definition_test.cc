// SPDX-License-Identifier: MPL-2.0
// Pins Kahu's standard DHCPv4 option definitions to Kea's. kKea22 is every entry of
// STANDARD_V4_OPTION_DEFINITIONS as compiled into Debian's Kea 2.2.0 (libkea-dhcp++.so.54),
// read out of the library's data; the later entries come from Kea's std_option_defs.h
// (2.4+: agent sub-options and bulk leasequery, 2.6: classless-static-route).
#include <gtest/gtest.h>
#include <kahu/dhcp/option_definition.h>
#include <kahu/error.h>

using namespace kahu;

namespace {

using T = OptionDataType;

struct Expected {
    const char* name;
    int code;
    OptionDataType type;
    bool array;
    std::vector<OptionDataType> record;
    const char* encapsulate;
};

const std::vector<Expected> kKea22 = {
    {"subnet-mask", 1, T::Ipv4Address, false, {}, ""},
    {"time-offset", 2, T::Int32, false, {}, ""},
    {"routers", 3, T::Ipv4Address, true, {}, ""},
    {"time-servers", 4, T::Ipv4Address, true, {}, ""},
    {"name-servers", 5, T::Ipv4Address, true, {}, ""},
    {"domain-name-servers", 6, T::Ipv4Address, true, {}, ""},
    {"log-servers", 7, T::Ipv4Address, true, {}, ""},
    {"cookie-servers", 8, T::Ipv4Address, true, {}, ""},
    {"lpr-servers", 9, T::Ipv4Address, true, {}, ""},
    {"impress-servers", 10, T::Ipv4Address, true, {}, ""},
    {"resource-location-servers", 11, T::Ipv4Address, true, {}, ""},
    {"host-name", 12, T::String, false, {}, ""},
    {"boot-size", 13, T::Uint16, false, {}, ""},
    {"merit-dump", 14, T::String, false, {}, ""},
    {"domain-name", 15, T::String, false, {}, ""},
    {"swap-server", 16, T::Ipv4Address, false, {}, ""},
    {"root-path", 17, T::String, false, {}, ""},
    {"extensions-path", 18, T::String, false, {}, ""},
    {"ip-forwarding", 19, T::Boolean, false, {}, ""},
    {"non-local-source-routing", 20, T::Boolean, false, {}, ""},
    {"policy-filter", 21, T::Ipv4Address, true, {}, ""},
    {"max-dgram-reassembly", 22, T::Uint16, false, {}, ""},
    {"default-ip-ttl", 23, T::Uint8, false, {}, ""},
    {"path-mtu-aging-timeout", 24, T::Uint32, false, {}, ""},
    {"path-mtu-plateau-table", 25, T::Uint16, true, {}, ""},
    {"interface-mtu", 26, T::Uint16, false, {}, ""},
    {"all-subnets-local", 27, T::Boolean, false, {}, ""},
    {"broadcast-address", 28, T::Ipv4Address, false, {}, ""},
    {"perform-mask-discovery", 29, T::Boolean, false, {}, ""},
    {"mask-supplier", 30, T::Boolean, false, {}, ""},
    {"router-discovery", 31, T::Boolean, false, {}, ""},
    {"router-solicitation-address", 32, T::Ipv4Address, false, {}, ""},
    {"static-routes", 33, T::Ipv4Address, true, {}, ""},
    {"trailer-encapsulation", 34, T::Boolean, false, {}, ""},
    {"arp-cache-timeout", 35, T::Uint32, false, {}, ""},
    {"ieee802-3-encapsulation", 36, T::Boolean, false, {}, ""},
    {"default-tcp-ttl", 37, T::Uint8, false, {}, ""},
    {"tcp-keepalive-interval", 38, T::Uint32, false, {}, ""},
    {"tcp-keepalive-garbage", 39, T::Boolean, false, {}, ""},
    {"nis-domain", 40, T::String, false, {}, ""},
    {"nis-servers", 41, T::Ipv4Address, true, {}, ""},
    {"ntp-servers", 42, T::Ipv4Address, true, {}, ""},
    {"netbios-name-servers", 44, T::Ipv4Address, true, {}, ""},
    {"netbios-dd-server", 45, T::Ipv4Address, true, {}, ""},
    {"netbios-node-type", 46, T::Uint8, false, {}, ""},
    {"netbios-scope", 47, T::String, false, {}, ""},
    {"font-servers", 48, T::Ipv4Address, true, {}, ""},
    {"x-display-manager", 49, T::Ipv4Address, true, {}, ""},
    {"dhcp-requested-address", 50, T::Ipv4Address, false, {}, ""},
    {"dhcp-lease-time", 51, T::Uint32, false, {}, ""},
    {"dhcp-option-overload", 52, T::Uint8, false, {}, ""},
    {"dhcp-message-type", 53, T::Uint8, false, {}, ""},
    {"dhcp-server-identifier", 54, T::Ipv4Address, false, {}, ""},
    {"dhcp-parameter-request-list", 55, T::Uint8, true, {}, ""},
    {"dhcp-message", 56, T::String, false, {}, ""},
    {"dhcp-max-message-size", 57, T::Uint16, false, {}, ""},
    {"dhcp-renewal-time", 58, T::Uint32, false, {}, ""},
    {"dhcp-rebinding-time", 59, T::Uint32, false, {}, ""},
    {"vendor-class-identifier", 60, T::String, false, {}, ""},
    {"dhcp-client-identifier", 61, T::Binary, false, {}, ""},
    {"nwip-domain-name", 62, T::String, false, {}, ""},
    {"nwip-suboptions", 63, T::Binary, false, {}, ""},
    {"nisplus-domain-name", 64, T::String, false, {}, ""},
    {"nisplus-servers", 65, T::Ipv4Address, true, {}, ""},
    {"tftp-server-name", 66, T::String, false, {}, ""},
    {"boot-file-name", 67, T::String, false, {}, ""},
    {"mobile-ip-home-agent", 68, T::Ipv4Address, true, {}, ""},
    {"smtp-server", 69, T::Ipv4Address, true, {}, ""},
    {"pop-server", 70, T::Ipv4Address, true, {}, ""},
    {"nntp-server", 71, T::Ipv4Address, true, {}, ""},
    {"www-server", 72, T::Ipv4Address, true, {}, ""},
    {"finger-server", 73, T::Ipv4Address, true, {}, ""},
    {"irc-server", 74, T::Ipv4Address, true, {}, ""},
    {"streettalk-server", 75, T::Ipv4Address, true, {}, ""},
    {"streettalk-directory-assistance-server", 76, T::Ipv4Address, true, {}, ""},
    {"user-class", 77, T::Binary, false, {}, ""},
    {"slp-directory-agent", 78, T::Record, true, {T::Boolean, T::Ipv4Address}, ""},
    {"slp-service-scope", 79, T::Record, false, {T::Boolean, T::String}, ""},
    {"fqdn", 81, T::Record, false, {T::Uint8, T::Uint8, T::Uint8, T::Fqdn}, ""},
    {"dhcp-agent-options", 82, T::Empty, false, {}, "dhcp-agent-options-space"},
    {"nds-servers", 85, T::Ipv4Address, true, {}, ""},
    {"nds-tree-name", 86, T::String, false, {}, ""},
    {"nds-context", 87, T::String, false, {}, ""},
    {"bcms-controller-names", 88, T::Fqdn, true, {}, ""},
    {"bcms-controller-address", 89, T::Ipv4Address, true, {}, ""},
    {"authenticate", 90, T::Binary, false, {}, ""},
    {"client-last-transaction-time", 91, T::Uint32, false, {}, ""},
    {"associated-ip", 92, T::Ipv4Address, true, {}, ""},
    {"client-system", 93, T::Uint16, true, {}, ""},
    {"client-ndi", 94, T::Record, false, {T::Uint8, T::Uint8, T::Uint8}, ""},
    {"uuid-guid", 97, T::Record, false, {T::Uint8, T::Binary}, ""},
    {"uap-servers", 98, T::String, false, {}, ""},
    {"geoconf-civic", 99, T::Binary, false, {}, ""},
    {"pcode", 100, T::String, false, {}, ""},
    {"tcode", 101, T::String, false, {}, ""},
    {"v6-only-preferred", 108, T::Uint32, false, {}, ""},
    {"netinfo-server-address", 112, T::Ipv4Address, true, {}, ""},
    {"netinfo-server-tag", 113, T::String, false, {}, ""},
    {"v4-captive-portal", 114, T::String, false, {}, ""},
    {"auto-config", 116, T::Uint8, false, {}, ""},
    {"name-service-search", 117, T::Uint16, true, {}, ""},
    {"subnet-selection", 118, T::Ipv4Address, false, {}, ""},
    {"domain-search", 119, T::Fqdn, true, {}, ""},
    {"vivco-suboptions", 124, T::Record, false, {T::Uint32, T::Binary}, ""},
    {"vivso-suboptions", 125, T::Uint32, false, {}, ""},
    {"pana-agent", 136, T::Ipv4Address, true, {}, ""},
    {"v4-lost", 137, T::Fqdn, false, {}, ""},
    {"capwap-ac-v4", 138, T::Ipv4Address, true, {}, ""},
    {"sip-ua-cs-domains", 141, T::Fqdn, true, {}, ""},
    {"rdnss-selection",
     146,
     T::Record,
     true,
     {T::Uint8, T::Ipv4Address, T::Ipv4Address, T::Fqdn},
     ""},
    {"v4-portparams", 159, T::Record, false, {T::Uint8, T::Psid}, ""},
    {"option-6rd", 212, T::Record, true, {T::Uint8, T::Uint8, T::Ipv6Address, T::Ipv4Address}, ""},
    {"v4-access-domain", 213, T::Fqdn, false, {}, ""},
};

// Not in Kea 2.2's table; added by later Kea versions.
const std::vector<Expected> kLaterDhcp4 = {
    {"vendor-encapsulated-options", 43, T::Empty, false, {}, "vendor-encapsulated-options-space"},
    {"classless-static-route", 121, T::InternalPrefixList, false, {}, ""},
    {"status-code", 151, T::Record, false, {T::Uint8, T::String}, ""},
    {"base-time", 152, T::Uint32, false, {}, ""},
    {"start-time-of-state", 153, T::Uint32, false, {}, ""},
    {"query-start-time", 154, T::Uint32, false, {}, ""},
    {"query-end-time", 155, T::Uint32, false, {}, ""},
    {"dhcp-state", 156, T::Uint8, false, {}, ""},
    {"data-source", 157, T::Uint8, false, {}, ""},
};

const std::vector<Expected> kAgent = {
    {"circuit-id", 1, T::Binary, false, {}, ""},
    {"remote-id", 2, T::Binary, false, {}, ""},
    {"docsis-device-class", 4, T::Uint32, false, {}, ""},
    {"link-selection", 5, T::Ipv4Address, false, {}, ""},
    {"subscriber-id", 6, T::String, false, {}, ""},
    {"radius", 7, T::Binary, false, {}, ""},
    {"auth", 8, T::Binary, false, {}, ""},
    {"vendor-specific-info", 9, T::Binary, false, {}, ""},
    {"relay-flags", 10, T::Uint8, false, {}, ""},
    {"server-id-override", 11, T::Ipv4Address, false, {}, ""},
    {"relay-id", 12, T::Binary, false, {}, ""},
    {"access-techno-type", 13, T::Uint16, false, {}, ""},
    {"access-network-name", 14, T::String, false, {}, ""},
    {"access-point-name", 15, T::String, false, {}, ""},
    {"access-point-bssid", 16, T::Binary, false, {}, ""},
    {"operator-id", 17, T::Uint32, false, {}, ""},
    {"operator-realm", 18, T::String, false, {}, ""},
    {"relay-port", 19, T::Uint16, false, {}, ""},
    {"virtual-subnet-select", 151, T::Binary, false, {}, ""},
    {"virtual-subnet-select-ctrl", 152, T::Empty, false, {}, ""},
};

void expectSame(const std::vector<Expected>& table, const char* space) {
    const auto& s = OptionDefinitions::standard();
    for (const auto& e : table) {
        SCOPED_TRACE(std::string(space) + "." + e.name);
        const OptionDefinition* d = s.byName(e.name, space);
        ASSERT_NE(d, nullptr);
        EXPECT_EQ(d->code, e.code);
        EXPECT_EQ(s.byCode(uint8_t(e.code), space), d);
        EXPECT_STREQ(toString(d->type), toString(e.type));
        EXPECT_EQ(d->array, e.array);
        EXPECT_EQ(d->recordTypes, e.record);
        EXPECT_EQ(d->encapsulate, e.encapsulate);
    }
}

size_t countInSpace(const char* space) {
    size_t n = 0;
    for (const auto& d : OptionDefinitions::standard().all()) {
        n += d.space == space;
    }
    return n;
}

TEST(KeaStandardOptions, EveryKea22EntryHasKeasNameCodeTypeArrayRecordAndSpace) {
    ASSERT_EQ(kKea22.size(), 113u);
    expectSame(kKea22, "dhcp4");
}

TEST(KeaStandardOptions, LaterKeaEntriesMatchKeasSource) {
    expectSame(kLaterDhcp4, "dhcp4");
}

TEST(KeaStandardOptions, RelayAgentSubOptionsMatchKeasSource) {
    expectSame(kAgent, "dhcp-agent-options-space");
    EXPECT_EQ(countInSpace("dhcp-agent-options-space"), kAgent.size());
}

TEST(KeaStandardOptions, Dhcp4SpaceHoldsNothingElse) {
    EXPECT_EQ(countInSpace("dhcp4"), kKea22.size() + kLaterDhcp4.size());
}

// docsis3_option_defs.h: DOCSIS3_V4_OPTION_DEFINITIONS, known to Kea 2.2 as the vendor
// options of enterprise 4491 ("vendor-4491") and under the space name "docsis3-v4".
TEST(KeaStandardOptions, DocsisV4OptionsMatchKeasSource) {
    for (const char* space : {"vendor-4491", "docsis3-v4"}) {
        SCOPED_TRACE(space);
        const auto& defs = OptionDefinitions::standard();
        ASSERT_NE(defs.byCode(1, space), nullptr);
        EXPECT_EQ(defs.byCode(1, space)->name, "oro");
        EXPECT_EQ(defs.byCode(1, space)->type, T::Uint8);
        EXPECT_TRUE(defs.byCode(1, space)->array);
        ASSERT_NE(defs.byName("tftp-servers", space), nullptr);
        EXPECT_EQ(defs.byName("tftp-servers", space)->code, 2);
        EXPECT_EQ(defs.byName("tftp-servers", space)->type, T::Ipv4Address);
        EXPECT_TRUE(defs.byName("tftp-servers", space)->array);
        EXPECT_EQ(countInSpace(space), 2u);
    }
}

TEST(KeaStandardOptions, OnlyOptions43And82Encapsulate) {
    for (const auto& d : OptionDefinitions::standard().all()) {
        if (d.code == 43 && d.space == "dhcp4") {
            EXPECT_EQ(d.encapsulate, "vendor-encapsulated-options-space");
        } else if (d.code == 82 && d.space == "dhcp4") {
            EXPECT_EQ(d.encapsulate, "dhcp-agent-options-space");
        } else {
            EXPECT_EQ(d.encapsulate, "") << d.name;
        }
    }
}

// Kea 2.2: "unable to override definition of option '6' in standard option space 'dhcp4'".
TEST(KeaStandardOptions, RedefiningAKea22OptionIsRefusedWithKeasMessage) {
    OptionDefinitions defs = OptionDefinitions::standard();
    try {
        defs.add(OptionDefinition{"my6", 6, "dhcp4", T::Binary});
        FAIL() << "code 6 redefined";
    } catch (const Error& e) {
        EXPECT_STREQ(
            e.what(),
            "unable to override definition of option '6' in standard option space 'dhcp4'");
    }
    try {
        defs.add(OptionDefinition{"routers", 200, "dhcp4", T::Binary});
        FAIL() << "name routers redefined";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "unable to override definition of option 'routers' in standard "
                               "option space 'dhcp4'");
    }
}

// Kea 2.2 configs commonly define 121, 43 or RAI sub-options themselves; that must keep working.
TEST(KeaStandardOptions, ConfigMayRedefineWhatKea22DidNotDefine) {
    OptionDefinitions defs = OptionDefinitions::standard();
    defs.add(OptionDefinition{"rfc3442-routes", 121, "dhcp4", T::Uint8, true});
    defs.add(OptionDefinition{"my43", 43, "dhcp4", T::Binary});
    defs.add(OptionDefinition{"circuit-id", 1, "dhcp-agent-options-space", T::String});
    EXPECT_EQ(defs.byCode(121)->name, "rfc3442-routes");
    EXPECT_EQ(defs.byName("classless-static-route"), nullptr);
    EXPECT_EQ(defs.byCode(43)->type, T::Binary);
    EXPECT_EQ(defs.byCode(1, "dhcp-agent-options-space")->type, T::String);
    // A second user definition of the same code is a plain duplicate again.
    EXPECT_THROW(defs.add(OptionDefinition{"again", 121, "dhcp4", T::Binary}), Error);
}

} // namespace
