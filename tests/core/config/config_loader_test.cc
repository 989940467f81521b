// SPDX-License-Identifier: MPL-2.0
#include "config/config_loader.h"
#include "config_test_util.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <kahu/error.h>

using namespace kahu;
using namespace kahu::config;
namespace fs = std::filesystem;

namespace {

// The Oasis operators' Kea files, byte for byte as they run them.
const fs::path kOasis = fs::path(KAHU_TEST_DATA_DIR) / "oasis";

std::string errorOfText(std::string_view text) {
    try {
        parseConfigText(text, "t.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

Ipv4Address ip(const char* s) {
    return *Ipv4Address::fromText(s);
}

TEST(OasisConfigs, EveryDhcp4FileParsesExceptTheAsWrittenOne) {
    ASSERT_TRUE(fs::is_directory(kOasis)) << kOasis << " missing";
    int parsed = 0;
    for (const auto& entry : fs::directory_iterator(kOasis)) {
        auto name = entry.path().filename().string();
        if (name.rfind("kea-dhcp4-", 0) != 0 || name.find("as-written") != std::string::npos) {
            continue;
        }
        SCOPED_TRACE(name);
        ConfigLoadResult r;
        ASSERT_NO_THROW(r = loadConfigFile(entry.path().string()));
        ASSERT_EQ(r.config->subnets.size(), 1u);
        ++parsed;
    }
    EXPECT_EQ(parsed, 6);
}

TEST(OasisConfigs, StandaloneValuesReachTheSubnet) {
    auto r = loadConfigFile((kOasis / "kea-dhcp4-standalone.conf").string());
    const auto& cfg = *r.config;
    const Subnet& s = cfg.subnets.at(0);
    EXPECT_EQ(s.id, 10u);
    EXPECT_EQ(s.prefix.str(), "172.18.10.0/24");
    ASSERT_EQ(s.pools.size(), 1u);
    EXPECT_EQ(s.pools[0].first, ip("172.18.10.100"));
    EXPECT_EQ(s.pools[0].last, ip("172.18.10.200"));
    EXPECT_EQ(s.valid.value, 3600u);
    EXPECT_EQ(s.renewTimer, 1800u);
    EXPECT_EQ(s.rebindTimer, 3150u);
    ASSERT_EQ(s.relayAddresses.size(), 1u);
    EXPECT_EQ(s.relayAddresses[0], ip("172.18.10.254"));
    ASSERT_EQ(s.reservations.size(), 1u);
    EXPECT_EQ(s.reservations[0].hwAddress->str(), "aa:bb:cc:dd:ee:ff");
    EXPECT_EQ(s.reservations[0].hostname, "mon-client");
    EXPECT_EQ(cfg.interfaces.socketType, SocketType::Udp);
    EXPECT_EQ(cfg.leaseDatabase.lfcInterval, 3600u);
    ASSERT_EQ(cfg.controlSockets.size(), 1u);
    EXPECT_EQ(cfg.controlSockets[0].name, "/run/kea/kea4-ctrl-socket");
    ASSERT_EQ(cfg.loggers.size(), 1u);
    EXPECT_EQ(cfg.loggers[0].outputs.at(0).output, "syslog");
    EXPECT_EQ(cfg.loggers[0].outputs.at(0).pattern, "%-5p %m\n");
    EXPECT_TRUE(cfg.json.contains("subnet4"));
    // domain-search is an fqdn list: "oasis.local" -> 5 oasis 5 local 0.
    bool sawSearch = false;
    for (const auto& o : cfg.options) {
        if (o.code == 119) {
            sawSearch = true;
            EXPECT_EQ(o.data, (std::vector<uint8_t>{5, 'o', 'a', 's', 'i', 's', 5, 'l', 'o', 'c',
                                                    'a', 'l', 0}));
        }
    }
    EXPECT_TRUE(sawSearch);
}

TEST(OasisConfigs, HaParametersAreKeptForTheHook) {
    auto r = loadConfigFile((kOasis / "kea-dhcp4-load-balancing-dhcp1.conf").string());
    ASSERT_EQ(r.config->hooksLibraries.size(), 2u);
    const auto& ha = r.config->hooksLibraries[1];
    EXPECT_NE(ha.library.find("libdhcp_ha.so"), std::string::npos);
    EXPECT_EQ(ha.parameters["high-availability"][0]["heartbeat-delay"], 10000);
    EXPECT_NE(ha.location.find("kea-dhcp4-load-balancing-dhcp1.conf:"), std::string::npos);
}

TEST(OasisConfigs, AsWrittenLoadBalancingFileIsRejectedAtTheMisplacedKey) {
    auto path = (kOasis / "kea-dhcp4-load-balancing-as-written.conf").string();
    try {
        loadConfigFile(path);
        FAIL() << "accepted";
    } catch (const ConfigError& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find(path + ":41:15: Dhcp4.hooks-libraries[2]: unknown key "
                                  "'heartbeat-delay'"),
                  std::string::npos)
            << msg;
        EXPECT_NE(msg.find("belongs in hooks-libraries[].parameters.high-availability[]"),
                  std::string::npos)
            << msg;
    }
}

class BadCorpus : public test::SourceRootCwd {};

TEST_F(BadCorpus, EveryBrokenFileFailsWithItsExpectedMessage) {
    int files = 0;
    for (const auto& entry : fs::directory_iterator("tests/data/config/bad")) {
        if (entry.path().extension() != ".json") {
            continue;
        }
        std::string text = test::readFile(entry.path());
        const std::string marker = "// expect: ";
        ASSERT_EQ(text.rfind(marker, 0), 0u) << entry.path();
        std::string expected = text.substr(marker.size(), text.find('\n') - marker.size());
        SCOPED_TRACE(entry.path().string());
        try {
            loadConfigFile(entry.path().string());
            ADD_FAILURE() << "accepted";
        } catch (const ConfigError& e) {
            std::string msg = e.what();
            EXPECT_NE(msg.find(expected), std::string::npos) << msg;
            EXPECT_EQ(msg.rfind("tests/data/config/bad/", 0), 0u) << msg; // file:line:col
        }
        ++files;
    }
    EXPECT_GE(files, 15);
}

class GoodConfigs : public test::SourceRootCwd {};

TEST_F(GoodConfigs, FullConfigSetsEveryArea) {
    auto r = loadConfigFile("tests/data/config/good/full.json");
    const ServerConfig& c = *r.config;
    EXPECT_TRUE(r.warnings.empty());
    ASSERT_EQ(c.interfaces.interfaces.size(), 2u);
    EXPECT_EQ(c.interfaces.interfaces[1].name, "eth1");
    EXPECT_EQ(c.interfaces.interfaces[1].address, ip("192.0.2.1"));
    EXPECT_FALSE(c.interfaces.outboundUseRouting);
    EXPECT_FALSE(c.interfaces.reDetect);
    EXPECT_EQ(c.interfaces.serviceSocketsMaxRetries, 3u);
    ASSERT_EQ(c.controlSockets.size(), 2u);
    EXPECT_EQ(c.controlSockets[1].type, "http");
    EXPECT_EQ(c.controlSockets[1].httpPort, 8004);
    EXPECT_TRUE(c.controlSockets[1].raw.contains("authentication"));
    EXPECT_FALSE(c.leaseDatabase.persist);
    EXPECT_EQ(c.leaseDatabase.maxRowErrors, 5u);
    EXPECT_EQ(c.expiredLeases.reclaimTimerWaitTime, 5u);
    EXPECT_EQ(c.expiredLeases.unwarnedReclaimCycles, 7u);
    EXPECT_FALSE(c.multiThreading.enabled);
    EXPECT_EQ(c.leaseChecks, "none");
    ASSERT_EQ(c.hostReservationIdentifiers.size(), 2u);
    EXPECT_EQ(c.hostReservationIdentifiers[0], IdentifierType::CircuitId);
    EXPECT_EQ(c.declineProbationPeriod, 600u);
    EXPECT_FALSE(c.echoClientId);
    EXPECT_TRUE(c.authoritative);
    EXPECT_EQ(c.serverTag, "lab");
    EXPECT_EQ(c.parkedPacketLimit, 128u);
    EXPECT_EQ(c.statisticDefaultSampleAge, 60u);
    EXPECT_EQ(c.loggers.at(0).severity, "DEBUG");
    EXPECT_EQ(c.loggers.at(0).outputs.at(0).maxver, 3u);
    ASSERT_EQ(c.globalReservations.size(), 1u);
    EXPECT_EQ(c.globalReservations[0].clientId->size(), 7u);
    ASSERT_NE(c.optionDefs->byName("wpad"), nullptr);
    ASSERT_EQ(c.options.size(), 4u);

    ASSERT_EQ(c.sharedNetworks.size(), 1u);
    EXPECT_EQ(c.sharedNetworks[0].relayAddresses.at(0), ip("10.9.0.1"));
    ASSERT_EQ(c.subnets.size(), 3u);
    const Subnet& own = c.subnets[0]; // global subnets come first
    EXPECT_EQ(own.id, 5u);
    EXPECT_EQ(own.valid.value, 4000u);
    EXPECT_EQ(own.valid.min, 3000u);
    EXPECT_EQ(own.valid.max, 5000u);
    EXPECT_EQ(own.allocator, AllocatorType::Random);
    EXPECT_TRUE(own.authoritative);
    EXPECT_FALSE(own.matchClientId);
    EXPECT_EQ(own.nextServer, ip("192.0.2.5"));
    EXPECT_TRUE(own.calculateTeeTimes);
    EXPECT_DOUBLE_EQ(own.t1Percent, 0.4);
    EXPECT_EQ(own.offerLifetime, 60u);
    EXPECT_TRUE(own.reservationsOutOfPool);
    EXPECT_EQ(own.interface, "eth1");
    EXPECT_EQ(own.relayAddresses.at(0), ip("192.0.2.254"));
    EXPECT_EQ(own.sharedNetwork, -1);
    EXPECT_EQ(own.userContext["site"], "lab");
    EXPECT_EQ(own.reservations.at(1).circuitId, (std::vector<uint8_t>{'p', 'o', 'r', 't', '1'}));

    const Subnet& inNet = c.subnets[1];
    EXPECT_EQ(inNet.id, 20u);
    EXPECT_EQ(inNet.sharedNetwork, 0);
    EXPECT_EQ(inNet.valid.value, 4500u); // from the shared network
    EXPECT_FALSE(inNet.authoritative);   // network overrides global
    EXPECT_EQ(inNet.pools.at(0).poolId, 3u);
    EXPECT_EQ(inNet.pools.at(0).first, ip("10.20.1.0"));
    EXPECT_EQ(inNet.pools.at(0).last, ip("10.20.1.255"));
    EXPECT_EQ(inNet.pools.at(0).options.at(0).code, 3);
    EXPECT_TRUE(inNet.relayAddresses.empty());

    const Subnet& autoId = c.subnets[2];
    EXPECT_EQ(autoId.id, 21u); // next above the highest configured id
    EXPECT_EQ(autoId.allocator, AllocatorType::Flq);
}

TEST_F(GoodConfigs, IncludeAndTrailingCommaWarning) {
    auto r = loadConfigFile("tests/data/config/good/with_include.json");
    ASSERT_EQ(r.config->subnets.size(), 1u);
    EXPECT_EQ(r.config->subnets[0].valid.value, 600u);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(
        r.warnings[0].rfind("tests/data/config/good/with_include.json:5:26: Extraneous comma", 0),
        0u)
        << r.warnings[0];
}

TEST(ConfigDefaults, EmptyDhcp4GetsKeaDefaults) {
    auto r = parseConfigText(R"({"Dhcp4": {"subnet4": [{"subnet": "10.0.0.0/8"}]}})", "t");
    const ServerConfig& c = *r.config;
    EXPECT_TRUE(c.multiThreading.enabled);
    EXPECT_EQ(c.multiThreading.packetQueueSize, 64u);
    EXPECT_EQ(c.declineProbationPeriod, 86400u);
    EXPECT_TRUE(c.echoClientId);
    EXPECT_EQ(c.leaseDatabase.type, "memfile");
    EXPECT_TRUE(c.leaseDatabase.persist);
    EXPECT_EQ(c.leaseDatabase.lfcInterval, 3600u);
    EXPECT_EQ(c.expiredLeases.flushReclaimedTimerWaitTime, 25u);
    EXPECT_EQ(c.parkedPacketLimit, 256u);
    EXPECT_EQ(c.leaseChecks, "warn");
    EXPECT_EQ(c.hostReservationIdentifiers.size(), 4u);
    EXPECT_TRUE(c.interfaces.reDetect);
    const Subnet& s = c.subnets.at(0);
    EXPECT_EQ(s.id, 1u);
    EXPECT_EQ(s.valid.value, 7200u);
    EXPECT_EQ(s.valid.min, 7200u);
    EXPECT_FALSE(s.renewTimer.has_value());
    EXPECT_FALSE(s.rebindTimer.has_value());
    EXPECT_FALSE(s.calculateTeeTimes);
    EXPECT_DOUBLE_EQ(s.t2Percent, 0.875);
    EXPECT_TRUE(s.matchClientId);
    EXPECT_FALSE(s.authoritative);
    EXPECT_TRUE(s.reservationsInSubnet);
    EXPECT_FALSE(s.reservationsGlobal);
    EXPECT_EQ(s.allocator, AllocatorType::Iterative);
    EXPECT_EQ(c.optionDefs->byName("routers")->code, 3);
}

TEST(ConfigInterfaces, OutboundInterfaceUseRoutingIsAcceptedAndSameAsInboundIsTheDefault) {
    auto routed = parseConfigText(R"({"Dhcp4": {"interfaces-config": {"interfaces": ["eth0"],
        "dhcp-socket-type": "udp", "outbound-interface": "use-routing"}}})",
                                  "t");
    EXPECT_TRUE(routed.config->interfaces.outboundUseRouting);
    EXPECT_TRUE(routed.warnings.empty());
    auto plain = parseConfigText(R"({"Dhcp4": {"interfaces-config": {"interfaces": ["eth0"],
        "outbound-interface": "same-as-inbound"}}})",
                                 "t");
    EXPECT_FALSE(plain.config->interfaces.outboundUseRouting);
    EXPECT_NE(errorOfText(R"({"Dhcp4": {"interfaces-config": {"outbound-interface": "eth1"}}})")
                  .find("outbound-interface"),
              std::string::npos);
}

TEST(ConfigHostsDatabases, EitherFormInOrderWithItsPath) {
    auto one = parseConfigText(R"({"Dhcp4": {"hosts-database": {"type": "mysql",
        "name": "kea", "user": "kea", "password": "secret", "host": "127.0.0.1",
        "readonly": true}}})",
                               "t.json")
                   .config;
    ASSERT_EQ(one->hostsDatabases.size(), 1u);
    EXPECT_EQ(one->hostsDatabases[0].type, "mysql");
    EXPECT_TRUE(one->hostsDatabases[0].readOnly);
    EXPECT_EQ(one->hostsDatabases[0].path, "Dhcp4.hosts-database");
    EXPECT_EQ(one->hostsDatabases[0].raw["user"], "kea");
    ASSERT_TRUE(one->hostsDatabases[0].source);

    auto two = parseConfigText(R"({"Dhcp4": {"hosts-databases": [
        {"type": "mysql", "name": "a"}, {"type": "mysql", "name": "b", "host": "db2"}]}})",
                               "t.json")
                   .config;
    ASSERT_EQ(two->hostsDatabases.size(), 2u);
    EXPECT_EQ(two->hostsDatabases[1].type, "mysql");
    EXPECT_FALSE(two->hostsDatabases[1].readOnly);
    EXPECT_EQ(two->hostsDatabases[1].path, "Dhcp4.hosts-databases[1]");
    auto pg = parseConfigText(R"({"Dhcp4": {"hosts-databases": [{"type": "mysql", "name": "a"},
        {"type": "postgresql", "name": "b", "host": "db2", "readonly": true}]}})",
                              "t.json")
                  .config;
    ASSERT_EQ(pg->hostsDatabases.size(), 2u);
    EXPECT_EQ(pg->hostsDatabases[1].type, "postgresql") << "libdhcp_pgsql.so's host store";
    EXPECT_TRUE(pg->hostsDatabases[1].readOnly);
    EXPECT_EQ(pg->hostsDatabases[1].path, "Dhcp4.hosts-databases[1]");

    // digest-refresh-time, the stores' Kahu key, passes the core's check within its range.
    auto digest = parseConfigText(R"({"Dhcp4": {"hosts-database": {"type": "mysql",
        "name": "a", "digest-refresh-time": 0}}})",
                                  "t.json")
                      .config;
    EXPECT_EQ(digest->hostsDatabases[0].raw["digest-refresh-time"], 0);
    EXPECT_NE(errorOfText(R"({"Dhcp4": {"hosts-database": {"type": "mysql", "name": "a",
        "digest-refresh-time": 3600001}}})")
                  .find("Dhcp4.hosts-database.digest-refresh-time"),
              std::string::npos);

    EXPECT_NE(errorOfText(R"({"Dhcp4": {"hosts-database": {"type": "mysql", "name": "a"},
        "hosts-databases": [{"type": "mysql", "name": "b"}]}})")
                  .find("use either hosts-database or hosts-databases"),
              std::string::npos);
    EXPECT_EQ(errorOfText(R"({"Dhcp4": {"hosts-database": {"name": "a"}}})"),
              "t.json:1:12: Dhcp4.hosts-database: missing 'type'");
    EXPECT_NE(errorOfText(R"({"Dhcp4": {"hosts-database": {"type": "memfile", "name": "a"}}})")
                  .find("Dhcp4.hosts-database.type"),
              std::string::npos);
    EXPECT_NE(errorOfText(R"({"Dhcp4": {"hosts-database": {"type": "mysql"}}})")
                  .find("must specify a name for the database"),
              std::string::npos);
    EXPECT_NE(errorOfText(R"({"Dhcp4": {"hosts-database": {"type": "mysql", "name": "a",
        "readonly": "yes"}}})")
                  .find("Dhcp4.hosts-database.readonly"),
              std::string::npos);
}

TEST(ConfigMessages, UnknownKeyNamesPathAndWhereItBelongs) {
    EXPECT_EQ(errorOfText("{\"Dhcp4\": {\"subnet4\": [{\"subnet\": \"10.0.0.0/8\",\n"
                          "  \"lease-checks\": \"warn\"}]}}"),
              "t.json:2:3: Dhcp4.subnet4[0]: unknown key 'lease-checks' ('lease-checks' "
              "belongs in sanity-checks)");
    EXPECT_EQ(errorOfText("{\"Dhcp4\": {\"foo\": 1}}"), "t.json:1:12: Dhcp4: unknown key 'foo'");
}

// Kea 2.2 refuses these (checked against kea-dhcp4 -t; tests/diff runs the comparison).
TEST(ConfigMessages, RenewAboveRebindIsRefusedAsKeaDoes) {
    EXPECT_NE(errorOfText(R"({"Dhcp4": {"renew-timer": 50, "rebind-timer": 40,
        "subnet4": [{"id": 3, "subnet": "10.0.0.0/8"}]}})")
                  .find("the value of renew-timer (50) is greater than the value of rebind-timer "
                        "(40)"),
              std::string::npos);
}

TEST(ConfigMessages, OptionDefinitionsKeaRefuses) {
    auto def = [](const std::string& body) {
        return errorOfText(R"({"Dhcp4": {"option-def": [)" + body + "]}}");
    };
    EXPECT_NE(def(R"({"name": "my option", "code": 222, "type": "uint8"})")
                  .find("invalid option name 'my option'"),
              std::string::npos);
    EXPECT_NE(def(R"({"name": "-foo", "code": 222, "type": "uint8"})").find("invalid option name"),
              std::string::npos);
    EXPECT_NE(def(R"({"name": "foo", "code": 222, "type": "string", "array": true})")
                  .find("array of strings is not a valid option definition"),
              std::string::npos);
    EXPECT_NE(def(R"({"name": "foo", "code": 0, "type": "uint8"})").find("reserved"),
              std::string::npos);
    EXPECT_NE(def(R"({"name": "foo", "code": 3, "type": "uint8"})").find("unable to override"),
              std::string::npos);
}

// Option bytes (csv-format false, or what csv values encode to) that do not fit the option's
// definition: Kea 2.2's option factory refuses them (each case checked with kea-dhcp4 -t). The
// error names the "data" key; Kea's own message points at its value.
TEST(ConfigMessages, OptionDataThatDoesNotFitItsDefinitionIsRefusedAsKeaDoes) {
    EXPECT_EQ(errorOfText(R"({"Dhcp4": {"option-data": [{ "code": 50, "csv-format": false, )"
                          R"("data": "0A 0B" }]}})"),
              "t.json:1:63: Dhcp4.option-data[0].data: option data does not match option "
              "definition (space: dhcp4, code: 50): option buffer truncated");
    // A leading zero is read as decimal, as Kea's JSON reader does.
    EXPECT_EQ(errorOfText(R"({"Dhcp4": {"option-data": [{ "code": 050, "csv-format": false, )"
                          R"("data": "0A 0B" }]}})"),
              "t.json:1:64: Dhcp4.option-data[0].data: option data does not match option "
              "definition (space: dhcp4, code: 50): option buffer truncated");
    EXPECT_EQ(errorOfText("{\"Dhcp4\": {\"subnet4\": [{\"id\": 1, \"subnet\": \"10.0.0.0/8\",\n"
                          "  \"option-data\": [{\"name\": \"routers\", \"csv-format\": false,\n"
                          "                   \"data\": \"0A0000010A\"}]}]}}"),
              "t.json:3:20: Dhcp4.subnet4[0].option-data[0].data: option data does not match "
              "option definition (space: dhcp4, code: 3): DHCPv4 Option4AddrLst 3 has invalid "
              "length=5, must be divisible by 4.");
    EXPECT_EQ(errorOfText(R"({"Dhcp4": {"option-data": [{"code": 57, "csv-format": false,
        "data": "05"}]}})"),
              "t.json:2:9: Dhcp4.option-data[0].data: option data does not match option definition "
              "(space: dhcp4, code: 57): OptionInt 57 truncated");
    // No "data": the position of the entry.
    EXPECT_EQ(errorOfText(R"({"Dhcp4": {"option-data": [{"code": 51, "csv-format": false}]}})"),
              "t.json:1:28: Dhcp4.option-data[0]: option data does not match option definition "
              "(space: dhcp4, code: 51): OptionInt 51 truncated");
    // A space of its own and a csv value that encodes to bytes Kea then refuses.
    EXPECT_EQ(errorOfText(R"({"Dhcp4": {"option-def": [{"name": "p", "code": 1, "space": "s",
        "type": "uint16", "array": true}], "option-data": [{"code": 1, "space": "s",
        "csv-format": false, "data": "010203"}]}})"),
              "t.json:3:30: Dhcp4.option-data[0].data: option data does not match option "
              "definition (space: s, code: 1): OptionIntArray 1 truncated");
    EXPECT_EQ(errorOfText(R"({"Dhcp4": {"option-data": [{"name": "v4-lost", "data": "."}]}})"),
              "t.json:1:48: Dhcp4.option-data[0].data: option data does not match option "
              "definition (space: dhcp4, code: 137): option buffer truncated");
}

TEST(ConfigMessages, OptionDataBytesKeaAcceptsAreKeptAsKeaSendsThem) {
    auto options = [](const std::string& data) {
        return parseConfigText(R"({"Dhcp4": {"option-data": [)" + data + "]}}", "t.json")
            .config->options;
    };
    // Bytes after a single value are dropped; an integer reads them as sub-options.
    EXPECT_EQ(options(R"({"code": 50, "csv-format": false, "data": "0A0B0C0D0E"})").at(0).data,
              (std::vector<uint8_t>{10, 11, 12, 13}));
    EXPECT_EQ(options(R"({"code": 57, "csv-format": false, "data": "05DC0100"})").at(0).data,
              (std::vector<uint8_t>{5, 0xdc, 1, 0}));
    EXPECT_EQ(options(R"({"code": 57, "csv-format": false, "data": "05DC01"})").at(0).data,
              (std::vector<uint8_t>{5, 0xdc}));
    // Truncated sub-options of 43 are dropped, not refused; codes Kea 2.2 does not define
    // take any bytes.
    EXPECT_TRUE(options(R"({"code": 43, "csv-format": false, "data": "0102"})").at(0).data.empty());
    EXPECT_EQ(options(R"({"code": 152, "csv-format": false, "data": "01"})").at(0).data,
              std::vector<uint8_t>{1});
}

TEST(ConfigMessages, WhatKeaAcceptsIsAccepted) {
    // Code 0 outside space dhcp4, subnet id 0 (Kea 2.2 assigns one).
    auto r = parseConfigText(R"({"Dhcp4": {"option-def": [
        {"name": "zero", "code": 0, "type": "uint8", "space": "my-space"}],
        "subnet4": [{"id": 0, "subnet": "10.0.0.0/8"}]}})",
                             "t");
    ASSERT_EQ(r.config->subnets.size(), 1u);
    EXPECT_NE(r.config->subnets[0].id, 0u);
}

// Kea 2.2's deprecated reservation-mode, mapped as Kea 2.2 maps it, at every level, with a
// warning that names where it was read.
TEST(ConfigReservationMode, EachModeMapsToTheReservationFlags) {
    struct Case {
        const char* mode;
        bool global, inSubnet, outOfPool;
    };
    for (const Case& c :
         {Case{"disabled", false, false, false}, Case{"out-of-pool", false, true, true},
          Case{"global", true, false, false}, Case{"all", false, true, false}}) {
        SCOPED_TRACE(c.mode);
        auto r = parseConfigText(std::string(R"({"Dhcp4": {"reservation-mode": ")") + c.mode +
                                     R"(", "subnet4": [{"id": 1, "subnet": "10.0.0.0/8"}]}})",
                                 "t.json");
        const Subnet& s = r.config->subnets.at(0);
        EXPECT_EQ(s.reservationsGlobal, c.global);
        EXPECT_EQ(s.reservationsInSubnet, c.inSubnet);
        EXPECT_EQ(s.reservationsOutOfPool, c.outOfPool);
        ASSERT_EQ(r.warnings.size(), 1u);
        EXPECT_EQ(r.warnings[0].rfind("t.json:1:12: Dhcp4.reservation-mode: 'reservation-mode' "
                                      "is deprecated",
                                      0),
                  0u)
            << r.warnings[0];
    }
}

TEST(ConfigReservationMode, AcceptedAtSharedNetworkAndSubnetLevel) {
    auto r = parseConfigText(R"({"Dhcp4": {"reservations-global": true,
        "shared-networks": [{"name": "n", "reservation-mode": "out-of-pool",
            "subnet4": [{"id": 2, "subnet": "10.2.0.0/24"},
                        {"id": 3, "subnet": "10.3.0.0/24", "reservation-mode": "global"}]}],
        "subnet4": [{"id": 1, "subnet": "10.1.0.0/24", "reservation-mode": "disabled"}]}})",
                             "t.json");
    const auto& c = *r.config;
    EXPECT_FALSE(c.subnetById(1)->reservationsGlobal);
    EXPECT_FALSE(c.subnetById(1)->reservationsInSubnet);
    EXPECT_FALSE(c.subnetById(2)->reservationsGlobal) << "out-of-pool sets global off";
    EXPECT_TRUE(c.subnetById(2)->reservationsInSubnet);
    EXPECT_TRUE(c.subnetById(2)->reservationsOutOfPool);
    EXPECT_TRUE(c.subnetById(3)->reservationsGlobal);
    EXPECT_FALSE(c.subnetById(3)->reservationsInSubnet);
    EXPECT_TRUE(c.subnetById(3)->reservationsOutOfPool)
        << "\"global\" leaves out-of-pool to inherit, as Kea 2.2";
    EXPECT_EQ(r.warnings.size(), 3u);
}

TEST(ConfigReservationMode, MixingWithTheFlagsInOneMapIsRefused) {
    const std::string both = "invalid use of both 'reservation-mode' and one of "
                             "'reservations-global', 'reservations-in-subnet' or "
                             "'reservations-out-of-pool' parameters";
    EXPECT_EQ(errorOfText(R"({"Dhcp4": {"reservation-mode": "all", "reservations-global": true}})"),
              "t.json:1:12: Dhcp4.reservation-mode: " + both);
    EXPECT_EQ(errorOfText(R"({"Dhcp4": {"subnet4": [{"subnet": "10.0.0.0/8",)"
                          R"( "reservations-out-of-pool": false, "reservation-mode": "all"}]}})"),
              "t.json:1:84: Dhcp4.subnet4[0].reservation-mode: " + both);
    // Different levels do not clash: the subnet's flag overrides the global mode.
    auto r = parseConfigText(R"({"Dhcp4": {"reservation-mode": "disabled",
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "reservations-in-subnet": true}]}})",
                             "t.json");
    EXPECT_TRUE(r.config->subnets[0].reservationsInSubnet);
    EXPECT_FALSE(r.config->subnets[0].reservationsGlobal);
}

TEST(ConfigReservationMode, UnknownModeIsRefused) {
    EXPECT_NE(errorOfText(R"({"Dhcp4": {"reservation-mode": "off"}})").find("reservation-mode"),
              std::string::npos);
}

TEST(ConfigFromJson, WireConfigUsesWireLocationsAndSameChecks) {
    nlohmann::json top = {{"Dhcp4", {{"subnet4", {{{"subnet", "10.0.0.0/8"}, {"bogus", 1}}}}}}};
    try {
        buildConfig(top);
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), "<wire>:0:0: Dhcp4.subnet4[0]: unknown key 'bogus'");
    }
    nlohmann::json ok = {{"Dhcp4", {{"valid-lifetime", 99}}}};
    EXPECT_EQ(buildConfig(ok).config->json["valid-lifetime"], 99);
}

TEST(ConfigMessages, MysqlDatabaseNeedsName) {
    EXPECT_NE(errorOfText(R"({"Dhcp4": {"lease-database": {"type": "mysql"}}})")
                  .find("must specify a name for the database"),
              std::string::npos);
    auto r = parseConfigText(
        R"({"Dhcp4": {"lease-database": {"type": "mysql", "name": "kea", "host": "db",
            "on-fail": "serve-retry-continue", "retry-on-startup": true}}})",
        "t");
    EXPECT_EQ(r.config->leaseDatabase.raw["host"], "db");
}

} // namespace

namespace {

TEST(UtilizationAlerts, InheritedFromGlobalThroughTheNetworkToSubnetAndPool) {
    auto r = parseConfigText(R"({"Dhcp4": {
  "user-context": {"utilization-alerts": {"warning": 70, "critical": 90, "hysteresis": 3,
                                          "command": "/usr/local/sbin/alert",
                                          "webhook": "https://hooks.example/dhcp"}},
  "shared-networks": [{"name": "campus", "user-context": {"utilization-alerts": {"warning": 60}},
    "subnet4": [{"id": 1, "subnet": "10.1.0.0/24",
                 "pools": [{"pool": "10.1.0.10 - 10.1.0.20",
                            "user-context": {"utilization-alerts": {"critical": 85}}},
                           {"pool": "10.1.0.30 - 10.1.0.40",
                            "user-context": {"utilization-alerts": false}}]}]}],
  "subnet4": [{"id": 2, "subnet": "10.2.0.0/24", "pools": [{"pool": "10.2.0.10 - 10.2.0.20"}]}]
}})",
                             "t.json");
    const ServerConfig& c = *r.config;
    EXPECT_EQ(c.utilizationNotify.command, "/usr/local/sbin/alert");
    EXPECT_EQ(c.utilizationNotify.webhook, "https://hooks.example/dhcp");
    EXPECT_EQ(c.sharedNetworks.at(0).utilization, (UtilizationThresholds{true, 60, 90, 3}));
    const Subnet* s1 = nullptr;
    const Subnet* s2 = nullptr;
    for (const auto& s : c.subnets) {
        (s.id == 1 ? s1 : s2) = &s;
    }
    ASSERT_TRUE(s1 && s2);
    EXPECT_EQ(s1->utilization, (UtilizationThresholds{true, 60, 90, 3}));
    EXPECT_EQ(s1->pools.at(0).utilization, (UtilizationThresholds{true, 60, 85, 3}));
    EXPECT_FALSE(s1->pools.at(1).utilization.enabled);
    EXPECT_EQ(s2->utilization, (UtilizationThresholds{true, 70, 90, 3})) << "outside the network";
    auto defaults = parseConfigText(R"({"Dhcp4": {}})", "t.json");
    EXPECT_EQ(defaults.config->utilization, (UtilizationThresholds{true, 80, 95, 5}));
}

TEST(UtilizationAlerts, ErrorsNameTheFileLineColumnAndKey) {
    EXPECT_EQ(errorOfText("{\"Dhcp4\": {\"subnet4\": [{\"id\": 1, \"subnet\": \"10.1.0.0/24\",\n"
                          "  \"user-context\": {\"utilization-alerts\": {\"warning\": 101}}}]}}"),
              "t.json:2:43: Dhcp4.subnet4[0].user-context.utilization-alerts.warning: value 101 "
              "out of range");
    EXPECT_NE(errorOfText(R"({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "10.1.0.0/24",
  "user-context": {"utilization-alerts": {"command": "/bin/true"}}}]}})")
                  .find("'command' is set at the global level only"),
              std::string::npos);
    EXPECT_NE(
        errorOfText(
            R"({"Dhcp4": {"user-context": {"utilization-alerts": {"warning": 90, "critical": 80}}}})")
            .find("warning (90) is above critical (80)"),
        std::string::npos);
    EXPECT_NE(errorOfText(
                  R"({"Dhcp4": {"user-context": {"utilization-alerts": {"webhook": "ftp://x"}}}})")
                  .find("invalid URL 'ftp://x': the scheme must be http or https"),
              std::string::npos);
    EXPECT_NE(
        errorOfText(
            R"({"Dhcp4": {"user-context": {"utilization-alerts": {"webhook": "http://a b/"}}}})")
            .find("a space or a control character"),
        std::string::npos);
    EXPECT_NE(
        errorOfText(
            R"({"Dhcp4": {"user-context": {"utilization-alerts": {"webhook": "http://h:99999/"}}}})")
            .find("invalid port '99999'"),
        std::string::npos);
    EXPECT_NE(errorOfText(R"({"Dhcp4": {"user-context": {"utilization-alerts": {"warnng": 70}}}})")
                  .find("unknown key 'warnng'"),
              std::string::npos);
}

} // namespace

namespace {

TEST(ConfigLoaderReservations, DuplicatesAreRefusedWithTheFirstHolder) {
    EXPECT_EQ(errorOfText(R"({"Dhcp4": {"reservations": [
        {"hw-address": "02:00:00:00:00:01"}, {"hw-address": "02:00:00:00:00:01"}]}})"),
              "t.json:2:46: Dhcp4.reservations[1]: duplicate reservation for hw-address "
              "02:00:00:00:00:01");
    EXPECT_EQ(errorOfText(R"({"Dhcp4": {"reservations": [
        {"hw-address": "02:00:00:00:00:01", "ip-address": "10.0.0.1"},
        {"client-id": "01:02", "ip-address": "10.0.0.2"},
        {"flex-id": "'x'", "ip-address": "10.0.0.1"}]}})"),
              "t.json:4:9: Dhcp4.reservations[2]: address 10.0.0.1 is already reserved for "
              "hw-address 02:00:00:00:00:01");
}

TEST(ConfigLoaderReservations, ManyAreReadInLinearTime) {
    // 20,000 reservations: a quadratic duplicate check would take seconds here.
    std::string text =
        R"({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "reservations": [)";
    for (int i = 0; i < 20000; ++i) {
        char entry[96];
        std::snprintf(entry, sizeof entry,
                      R"(%s{"hw-address": "02:00:00:00:%02x:%02x", "ip-address": "10.1.%d.%d"})",
                      i ? "," : "", i >> 8, i & 255, i >> 8, i & 255);
        text += entry;
    }
    text += "]}]}}";
    auto cfg = parseConfigText(text, "t.json").config;
    ASSERT_EQ(cfg->subnets[0].reservations.size(), 20000u);
    EXPECT_EQ(cfg->subnets[0].reservations[19999].ipAddress->str(), "10.1.78.31");
}

} // namespace
