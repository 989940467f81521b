// SPDX-License-Identifier: MPL-2.0
// libdhcp_host_cmds.so loaded through the hook framework into a test server: the configuration's
// reservations (applyConfig rebuilds the configuration from the changed JSON, as config-set
// does) and in-memory host stores. The commands' texts and result codes are Kea 2.6's.
#include "alloc/managed_leases.h"
#include "command/command_registry.h"
#include "config/config_loader.h"
#include "fake_host_store.h"
#include "hooks/hook_manager.h"
#include "hooks/hook_set.h"

#include <cstdlib>
#include <gtest/gtest.h>
#include <kahu/host/host_json.h>
#include <kahu/server_access.h>
#include <string>

namespace kahu::test {
namespace {

using nlohmann::json;

class TestServer : public ServerAccess {
public:
    Leases& leases() override { return leases_; }
    std::shared_ptr<const ServerConfig> config() const override { return config_; }
    void disableService(uint32_t) override {}
    void enableService(uint32_t) override {}
    bool serviceEnabled() const noexcept override { return true; }
    std::string applyConfig(const json& top) override {
        try {
            config_ = config::buildConfig(top).config;
        } catch (const std::exception& e) {
            return e.what();
        }
        ++applied;
        return {};
    }
    std::vector<std::shared_ptr<HostStore>> hostStores() const override { return stores; }

    ManagedLeases leases_;
    std::shared_ptr<const ServerConfig> config_;
    std::vector<std::shared_ptr<HostStore>> stores;
    int applied = 0;
};

const char* const kConfig = R"({"Dhcp4": {
  "option-def": [{"name": "site-motd", "code": 224, "type": "string"}],
  "reservations": [{"hw-address": "02:00:00:00:00:01", "hostname": "global-one"}],
  "subnet4": [
    {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}],
     "reservations": [{"hw-address": "02:00:00:00:01:01", "ip-address": "192.0.2.101",
                       "hostname": "file-one"},
                      {"client-id": "01:02:03", "ip-address": "192.0.2.102"}]}],
  "shared-networks": [{"name": "net", "subnet4": [
    {"id": 2, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10 - 198.51.100.99"}]}]}]
}})";

class HostCmdsTest : public ::testing::Test {
protected:
    void SetUp() override {
        setenv("KAHU_HOOKS_PATH", KAHU_TEST_HOOKS_BUILD_DIR, 1);
        server_.config_ = config::parseConfigText(kConfig, "host-cmds.json").config;
        hooks::HookSetOptions o;
        o.server = &server_;
        auto set = hooks::loadHookSet({{"libdhcp_host_cmds.so", nullptr, "test.json:1:1"}},
                                      hooks::LoadMode::Load, true, o);
        hooks::HookManager::instance().activate(set);
    }
    void TearDown() override { hooks::HookManager::instance().clear(); }

    std::shared_ptr<FakeHostStore> addStore() {
        auto s = std::make_shared<FakeHostStore>();
        server_.stores.push_back(s);
        return s;
    }

    json run(const std::string& command, const json& args) {
        return CommandRegistry::instance().execute(command, args);
    }
    json expect(const std::string& command, const json& args, int result, const std::string& text) {
        json answer = run(command, args);
        EXPECT_EQ(answer.value("result", -1), result)
            << command << " " << args.dump() << " -> " << answer.dump();
        EXPECT_EQ(answer.value("text", ""), text) << command << " " << args.dump();
        return answer;
    }
    static json host(const std::string& mac, const std::string& address, int subnet = 1) {
        return {{"subnet-id", subnet}, {"hw-address", mac}, {"ip-address", address}};
    }

    TestServer server_;
};

TEST_F(HostCmdsTest, AddGoesToTheDatabaseByDefaultAndNeedsOne) {
    expect("reservation-add", {{"reservation", host("02:00:00:00:09:01", "192.0.2.150")}}, 1,
           "Host database not available, cannot add host.");
    auto db = addStore();
    expect("reservation-add",
           {{"reservation",
             {{"subnet-id", 1},
              {"hw-address", "02:00:00:00:09:01"},
              {"ip-address", "192.0.2.150"},
              {"option-data", {{{"name", "site-motd"}, {"data", "hello"}}}}}}},
           0, "Host added.");
    ASSERT_EQ(db->getAll(1).size(), 1u);
    const auto& stored = *db->getAll(1)[0].host;
    ASSERT_EQ(stored.options.size(), 1u);
    EXPECT_EQ(stored.options[0].code, 224) << "the configuration's option-def is used";
    EXPECT_EQ(stored.options[0].data, (std::vector<uint8_t>{'h', 'e', 'l', 'l', 'o'}));
    EXPECT_EQ(server_.applied, 0) << "a database add leaves the configuration alone";
}

TEST_F(HostCmdsTest, MemoryAddChangesTheConfigurationAndRefusesClashes) {
    expect("reservation-add",
           {{"reservation", host("02:00:00:00:09:02", "198.51.100.150", 2)},
            {"operation-target", "memory"}},
           0, "Host added.");
    const Subnet* s2 = server_.config_->subnetById(2);
    ASSERT_EQ(s2->reservations.size(), 1u) << "a subnet inside a shared network";
    EXPECT_EQ(s2->reservations[0].ipAddress->str(), "198.51.100.150");
    EXPECT_FALSE(
        server_.config_->json["shared-networks"][0]["subnet4"][0]["reservations"][0].contains(
            "subnet-id"));
    expect(
        "reservation-add",
        {{"reservation", host("02:00:00:00:01:01", "192.0.2.160")}, {"operation-target", "memory"}},
        1,
        "failed to add new host using the hw-address '02:00:00:00:01:01' to the IPv4 subnet "
        "id '1' as this host has already been added");
    expect(
        "reservation-add",
        {{"reservation", host("02:00:00:00:09:09", "192.0.2.101")}, {"operation-target", "memory"}},
        1,
        "failed to add new host using the hw-address '02:00:00:00:09:09' to the IPv4 subnet "
        "id '1' for the address 192.0.2.101: There's already a reservation for this address");
    EXPECT_EQ(server_.applied, 1);
}

TEST_F(HostCmdsTest, AddChecksSubnetAndArguments) {
    addStore();
    expect("reservation-add", nullptr, 1, "Parameters missing or are not a map.");
    expect("reservation-add", json::object(), 1, "reservation must be specified");
    expect("reservation-add", {{"reservation", host("02:00:00:00:09:01", "192.0.2.1", 7)}}, 1,
           "IPv4 subnet with ID of '7' is not configured");
    expect("reservation-add", {{"reservation", host("02:00:00:00:09:01", "10.0.0.1")}}, 1,
           "specified reservation '10.0.0.1' is not matching the IPv4 subnet prefix "
           "'192.0.2.0/24'");
    expect("reservation-add",
           {{"reservation", {{"hw-address", "02:00:00:00:09:01"}, {"ip-address", "192.0.2.7"}}}}, 1,
           "Mandatory 'subnet-id' parameter missing. The address '192.0.2.7' belongs to subnet "
           "'192.0.2.0/24' id 1.");
    expect("reservation-add", {{"reservation", {{"hw-address", "02:00:00:00:09:01"}}}}, 0,
           "Host added. subnet-id not specified, assumed global (subnet-id 0).");
    expect("reservation-add",
           {{"reservation", {{"subnet-id", "1"}, {"hw-address", "02:00:00:00:09:01"}}}}, 1,
           "'subnet-id' parameter is not integer.");
    auto bad = run("reservation-add", {{"reservation", {{"subnet-id", 1}}}});
    EXPECT_EQ(bad["result"], 1);
    EXPECT_EQ(bad["text"],
              "reservation: a reservation needs exactly one of hw-address, duid, circuit-id, "
              "client-id, flex-id");
    bad = run("reservation-add", {{"reservation", host("02:00:00:00:09:01", "192.0.2.7")},
                                  {"operation-target", "everywhere"}});
    EXPECT_EQ(bad["text"], "The 'operation-target' value (everywhere) is not within expected "
                           "set: (memory, database, all, default)");
}

TEST_F(HostCmdsTest, ReadOnlyOrFailingStoreRefusesTheAdd) {
    struct ReadOnly : FakeHostStore {
        bool readOnly() const noexcept override { return true; }
        void add(SubnetId, const Reservation&) override {
            throw Error("the hosts database fake is read-only");
        }
    };
    server_.stores.push_back(std::make_shared<ReadOnly>());
    expect("reservation-add", {{"reservation", host("02:00:00:00:09:01", "192.0.2.150")}}, 1,
           "the hosts database fake is read-only");
}

TEST_F(HostCmdsTest, GetAsksTheConfigurationThenEachStore) {
    addStore();
    auto db2 = addStore();
    Reservation r = reservationFromJson(
        {{"hw-address", "02:00:00:00:09:03"}, {"ip-address", "192.0.2.170"}}, *server_.config_);
    db2->add(1, r);
    auto answer = expect(
        "reservation-get",
        {{"subnet-id", 1}, {"identifier-type", "hw-address"}, {"identifier", "020000000903"}}, 0,
        "Host found.");
    EXPECT_EQ(answer["arguments"]["ip-address"], "192.0.2.170");
    EXPECT_EQ(answer["arguments"]["subnet-id"], 1);
    answer = expect("reservation-get", {{"subnet-id", 1}, {"ip-address", "192.0.2.102"}}, 0,
                    "Host found.");
    EXPECT_EQ(answer["arguments"]["client-id"], "010203") << "Kea's upper hex, no colons";
    expect("reservation-get",
           {{"subnet-id", 1}, {"ip-address", "192.0.2.102"}, {"operation-target", "database"}}, 3,
           "Host not found.");
    expect("reservation-get",
           {{"subnet-id", 1}, {"ip-address", "192.0.2.170"}, {"operation-target", "memory"}}, 3,
           "Host not found.");
    expect("reservation-get",
           {{"subnet-id", 1}, {"identifier-type", "hw-address"}, {"identifier", "zz"}}, 1,
           "Unable to parse 'identifier' value.");
    expect("reservation-get",
           {{"subnet-id", 1}, {"identifier-type", "mac"}, {"identifier", "01:02"}}, 1,
           "Value of 'identifier-type' was not recognized.");
    expect("reservation-get", {{"subnet-id", 1}, {"identifier", "01:02"}}, 1,
           "No 'ip-address' provided and 'identifier-type' is either missing or not a string.");
    expect("reservation-get", {{"identifier-type", "client-id"}, {"identifier", "01:02:03"}}, 1,
           "missing parameter 'subnet-id', use 'reservation-get-by-id' with 'identifier-type' "
           "set to \"client-id\" and 'identifier' to \"010203\" to get the list of reservations "
           "with this identifier");
}

TEST_F(HostCmdsTest, ListsAndPages) {
    auto db = addStore();
    for (int i = 1; i <= 3; ++i) {
        db->add(1, reservationFromJson({{"hw-address", "02:00:00:00:0a:0" + std::to_string(i)},
                                        {"hostname", "File-One"}},
                                       *server_.config_));
    }
    auto all = expect("reservation-get-all", {{"subnet-id", 1}}, 0, "5 IPv4 host(s) found.");
    EXPECT_EQ(all["arguments"]["hosts"][0]["hostname"], "file-one");
    expect("reservation-get-all", {{"subnet-id", 2}}, 3, "0 IPv4 host(s) found.");
    expect("reservation-get-all", json::object(), 1, "missing parameter 'subnet-id'");
    expect("reservation-get-all", {{"subnet-id", 0}, {"operation-target", "memory"}}, 0,
           "1 IPv4 host(s) found.");
    expect("reservation-get-by-hostname", {{"hostname", "FILE-ONE"}}, 0, "4 IPv4 host(s) found.");
    expect("reservation-get-by-hostname", {{"hostname", ""}}, 1, "Empty hostname");
    expect("reservation-get-by-id",
           {{"identifier-type", "hw-address"}, {"identifier", "02:00:00:00:0a:02"}}, 0,
           "1 IPv4 host(s) found.");
    expect(
        "reservation-get-by-id",
        {{"identifier-type", "hw-address"}, {"identifier", "02:00:00:00:0a:02"}, {"subnet-id", 1}},
        1, "'subnet-id' is forbidden in reservation-get-by-id");
    expect("reservation-get-by-address", {{"ip-address", "192.0.2.101"}}, 0,
           "1 IPv4 host(s) found.");

    // Pages of two: the configuration's three (global first), then the store's three.
    std::vector<std::string> seen;
    json args = {{"limit", 2}};
    for (int page = 0; page < 10; ++page) {
        json a = run("reservation-get-page", args);
        if (a["result"] == 3) {
            EXPECT_EQ(a["text"], "0 IPv4 host(s) found.");
            EXPECT_EQ(a["arguments"], (json{{"count", 0}, {"hosts", json::array()}}));
            break;
        }
        ASSERT_EQ(a["result"], 0) << a.dump();
        EXPECT_EQ(a["arguments"]["count"], a["arguments"]["hosts"].size());
        for (const auto& h : a["arguments"]["hosts"]) {
            seen.push_back(h.contains("hw-address") ? h["hw-address"].get<std::string>()
                                                    : h["client-id"].get<std::string>());
        }
        args["from"] = a["arguments"]["next"]["from"];
        args["source-index"] = a["arguments"]["next"]["source-index"];
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"02:00:00:00:00:01", "02:00:00:00:01:01", "010203",
                                              "02:00:00:00:0a:01", "02:00:00:00:0a:02",
                                              "02:00:00:00:0a:03"}));
    expect("reservation-get-page", json::object(), 1, "missing parameter 'limit'");
}

TEST_F(HostCmdsTest, UpdateReplacesTheWholeHostWhereItIs) {
    auto db = addStore();
    db->add(1, reservationFromJson({{"hw-address", "02:00:00:00:0b:01"}, {"hostname", "old"}},
                                   *server_.config_));
    expect(
        "reservation-update",
        {{"reservation",
          {{"subnet-id", 1}, {"hw-address", "02:00:00:00:0b:01"}, {"ip-address", "192.0.2.180"}}}},
        0, "Host updated.");
    auto h = db->get(1, IdentifierType::HwAddress, {2, 0, 0, 0, 0x0b, 1});
    ASSERT_TRUE(h);
    EXPECT_EQ(h->host->ipAddress->str(), "192.0.2.180");
    EXPECT_EQ(h->host->hostname, "") << "fields left out are removed";

    expect("reservation-update",
           {{"reservation",
             {{"subnet-id", 1}, {"hw-address", "02:00:00:00:01:01"}, {"hostname", "renamed"}}},
            {"operation-target", "memory"}},
           0, "Host updated.");
    const auto& file = server_.config_->subnetById(1)->reservations;
    ASSERT_EQ(file.size(), 2u);
    EXPECT_EQ(file[0].hostname, "renamed") << "it keeps its place in the list";
    EXPECT_FALSE(file[0].ipAddress);
    expect("reservation-update", {{"reservation", {{"hw-address", "02:00:00:00:01:01"}}}}, 1,
           "Mandatory 'subnet-id' parameter missing. Use 'reservation-get-by-id' or "
           "'reservation-get-by-address' to get the list of reservations with given identifier "
           "or address.");
    expect("reservation-update", nullptr, 1,
           "invalid command: does not contain mandatory 'arguments'");
    expect("reservation-update",
           {{"reservation", {{"subnet-id", 1}, {"hw-address", "02:00:00:00:0f:0f"}}}}, 1,
           "Host not updated (not found).");
}

TEST_F(HostCmdsTest, ARefusedUpdateLosesNothing) {
    // A store that refuses a second host on an address, as the MySQL store does.
    struct Unique : FakeHostStore {
        void add(SubnetId subnet, const Reservation& r) override {
            if (r.ipAddress && getByAddress(subnet, *r.ipAddress)) {
                throw Error("Database duplicate entry error: address taken");
            }
            FakeHostStore::add(subnet, r);
        }
    };
    auto db = std::make_shared<Unique>();
    server_.stores.push_back(db);
    db->add(1, reservationFromJson({{"hw-address", "02:00:00:00:0c:01"},
                                    {"ip-address", "192.0.2.191"},
                                    {"hostname", "first"}},
                                   *server_.config_));
    db->add(
        1, reservationFromJson({{"hw-address", "02:00:00:00:0c:02"}, {"ip-address", "192.0.2.192"}},
                               *server_.config_));
    expect(
        "reservation-update",
        {{"reservation",
          {{"subnet-id", 1}, {"hw-address", "02:00:00:00:0c:01"}, {"ip-address", "192.0.2.192"}}}},
        1, "Database duplicate entry error: address taken");
    auto kept = db->get(1, IdentifierType::HwAddress, {2, 0, 0, 0, 0x0c, 1});
    ASSERT_TRUE(kept) << "the host is still there";
    EXPECT_EQ(kept->host->ipAddress->str(), "192.0.2.191");
    EXPECT_EQ(kept->host->hostname, "first");
}

TEST_F(HostCmdsTest, DelStopsAtTheFirstSourceThatHadIt) {
    expect("reservation-del", {{"subnet-id", 1}, {"ip-address", "192.0.2.101"}}, 1,
           "Unable to delete a host because there is no hosts-database configured.");
    auto db = addStore();
    db->add(
        1, reservationFromJson({{"hw-address", "02:00:00:00:01:01"}, {"ip-address", "192.0.2.101"}},
                               *server_.config_));
    expect("reservation-del",
           {{"subnet-id", 1}, {"ip-address", "192.0.2.101"}, {"operation-target", "all"}}, 0,
           "Host deleted.");
    EXPECT_EQ(server_.config_->subnetById(1)->reservations.size(), 1u) << "gone from memory";
    EXPECT_EQ(db->getAll(1).size(), 1u) << "the database's copy stays, as in Kea";
    expect("reservation-del", {{"subnet-id", 1}, {"ip-address", "192.0.2.101"}}, 0,
           "Host deleted.");
    expect("reservation-del", {{"subnet-id", 1}, {"ip-address", "192.0.2.101"}}, 3,
           "Host not deleted (not found).");
}

TEST(HostJson, RendersAsKeaAndReadsBack) {
    auto cfg = config::parseConfigText(kConfig, "host-cmds.json").config;
    json in = {{"flex-id", "'abc'"},
               {"ip-address", "192.0.2.5"},
               {"next-server", "192.0.2.1"},
               {"boot-file-name", "pxe.efi"},
               {"client-classes", {"lab"}},
               {"user-context", {{"rack", 4}}},
               {"option-data",
                {{{"code", 6}, {"data", "192.0.2.53"}},
                 {{"code", 224}, {"csv-format", false}, {"data", "6869"}, {"always-send", true}}}}};
    Reservation r = reservationFromJson(in, *cfg);
    EXPECT_EQ(identifierTypeOf(r), IdentifierType::FlexId);
    json out = reservationToJson(r);
    EXPECT_EQ(out.dump(),
              R"({"boot-file-name":"pxe.efi","client-classes":["lab"],"flex-id":"616263",)"
              R"("hostname":"","ip-address":"192.0.2.5","next-server":"192.0.2.1","option-data":)"
              R"([{"always-send":false,"code":6,"csv-format":true,"data":"192.0.2.53",)"
              R"("name":"domain-name-servers","never-send":false,"space":"dhcp4"},)"
              R"({"always-send":true,"code":224,"csv-format":false,"data":"6869",)"
              R"("name":"site-motd","never-send":false,"space":"dhcp4"}],)"
              R"("server-hostname":"","user-context":{"rack":4}})");
    Reservation again = reservationFromJson(out, *cfg);
    EXPECT_EQ(reservationToJson(again), out) << "what the commands print, they read";

    EXPECT_EQ(identifierFromText("01:0a", IdentifierType::Duid), (std::vector<uint8_t>{1, 10}));
    EXPECT_FALSE(identifierFromText("'abc'", IdentifierType::HwAddress));
    EXPECT_FALSE(identifierFromText("", IdentifierType::FlexId));
    EXPECT_EQ(identifierToText(IdentifierType::Duid, {0, 0x0a}), "00:0a");
    EXPECT_EQ(identifierToText(IdentifierType::CircuitId, {0, 0x0a}), "000A");
    EXPECT_EQ(identifierTypeFromName("circuit-id"), IdentifierType::CircuitId);
    EXPECT_FALSE(identifierTypeFromName("mac"));
    try {
        reservationFromJson({{"hw-address", "02:00:00:00:00:01"}, {"ip-address", "300.1.1.1"}},
                            *cfg);
        FAIL() << "a bad address is refused";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("reservation.ip-address: ", 0), 0u) << e.what();
    }
}

} // namespace
} // namespace kahu::test
