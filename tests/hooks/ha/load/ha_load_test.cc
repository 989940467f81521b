// SPDX-License-Identifier: MPL-2.0
// Loads the real libdhcp_ha.so through the hook framework with real parameters.
#include "config/config_loader.h"
#include "hooks/hook_set.h"

#include <cstdlib>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/hooks/packet_context.h>

namespace kahu::hooks {

namespace {

nlohmann::json haParameters(const std::string& self = "server1") {
    return {
        {"high-availability",
         {{{"this-server-name", self},
           {"mode", "load-balancing"},
           {"heartbeat-delay", 1000},
           {"peers",
            {{{"name", "server1"}, {"url", "http://127.0.0.1:18001/"}, {"role", "primary"}},
             {{"name", "server2"}, {"url", "http://127.0.0.1:18002/"}, {"role", "secondary"}}}}}}}};
}

HookLibraryConfig ha(nlohmann::json params) {
    return {"libdhcp_ha.so", std::move(params), "ha.json:1:1"};
}

std::vector<uint8_t> discover(uint8_t lastMacByte) {
    Packet4 p;
    p.setMessageType(MessageType::Discover);
    p.hlen = 6;
    p.chaddr = {0x02, 0, 0, 0, 0, lastMacByte};
    std::vector<uint8_t> out;
    p.pack(out);
    return out;
}

Verdict receive(HookSet& set, uint8_t lastMacByte, Packet4& query) {
    std::vector<uint8_t> buffer = discover(lastMacByte);
    Buffer4ReceiveArgs args{buffer, query};
    PacketContext ctx;
    return set.run<HookPoint::Buffer4Receive>(args, &ctx);
}

class HaLoad : public ::testing::Test {
protected:
    void SetUp() override { setenv("KAHU_HOOKS_PATH", KAHU_TEST_HOOKS_BUILD_DIR, 1); }
};

} // namespace

TEST_F(HaLoad, RegistersTheHaCommandsAndCallouts) {
    auto set = loadHookSet({ha(haParameters())}, LoadMode::Load, true);
    for (const char* c :
         {"ha-heartbeat", "ha-sync", "ha-scopes", "ha-continue", "ha-maintenance-notify",
          "ha-maintenance-start", "ha-maintenance-cancel", "ha-reset", "ha-sync-complete-notify"}) {
        EXPECT_EQ(set->commands().count(c), 1u) << c;
    }
    for (HookPoint p : {HookPoint::Buffer4Receive, HookPoint::Leases4Committed,
                        HookPoint::Dhcp4SrvConfigured, HookPoint::CommandProcessed}) {
        EXPECT_EQ(set->calloutCount(p), 1u) << toString(p);
    }
    auto hb = set->commands().at("ha-heartbeat")(nullptr);
    EXPECT_EQ(hb["result"], 0);
    EXPECT_EQ(hb["arguments"]["state"], "waiting");
    set->unload();
}

TEST_F(HaLoad, Buffer4ReceiveParsesAndFiltersByTheHash) {
    auto set = loadHookSet({ha(haParameters())}, LoadMode::Load, false);
    // Serve both scopes, as partner-down would.
    auto a = set->commands().at("ha-scopes")({{"scopes", {"server1", "server2"}}});
    ASSERT_EQ(a["result"], 0);
    Packet4 q;
    EXPECT_EQ(receive(*set, 0x11, q), Verdict::Skip);
    EXPECT_EQ(q.chaddr[5], 0x11); // the library parsed the query for the server
    set->commands().at("ha-scopes")({{"scopes", {"server1"}}});
    Packet4 mine, theirs;
    EXPECT_EQ(receive(*set, 0x10, mine), Verdict::Skip);   // hash 134: the primary's
    EXPECT_EQ(receive(*set, 0x11, theirs), Verdict::Drop); // hash 61: the secondary's
    set->unload();
}

TEST_F(HaLoad, StatusGetGetsHighAvailability) {
    auto set = loadHookSet({ha(haParameters("server2"))}, LoadMode::Load, false);
    std::string name = "status-get";
    nlohmann::json arguments;
    nlohmann::json response = {{"result", 0}, {"arguments", {{"pid", 1}}}};
    CommandProcessedArgs args{name, arguments, response};
    set->run<HookPoint::CommandProcessed>(args);
    auto hae = response["arguments"]["high-availability"];
    ASSERT_TRUE(hae.is_array());
    EXPECT_EQ(hae[0]["ha-servers"]["local"]["role"], "secondary");
    EXPECT_EQ(hae[0]["ha-servers"]["remote"]["role"], "primary");
    set->unload();
}

TEST_F(HaLoad, BadParametersFailTheLoadNamingTheKey) {
    auto p = haParameters();
    p["high-availability"][0]["peers"][1]["url"] = "http://server2.example:8000/";
    try {
        loadHookSet({ha(p)}, LoadMode::Load, false);
        FAIL() << "loaded with a host name in a peer url";
    } catch (const HookError& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("high-availability[0].peers[1].url"));
    }
    try {
        loadHookSet({ha(nullptr)}, LoadMode::Load, false);
        FAIL() << "loaded without parameters";
    } catch (const HookError& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("missing 'high-availability'"));
    }
}

TEST_F(HaLoad, ParameterErrorsCarryTheirPositionInTheFileAndTheKeyPath) {
    // The positions of the parameters' keys reach the library through what load() gets.
    auto cfg = config::parseConfigText(R"({"Dhcp4": {"hooks-libraries": [
  {"library": "libdhcp_ha.so",
   "parameters": {"high-availability": [{
     "this-server-name": "server1", "mode": "load-balancing",
     "heartbeat-dely": 1000,
     "peers": [
       {"name": "server1", "url": "http://127.0.0.1:18001/", "role": "primary"},
       {"name": "server2", "url": "http://127.0.0.1:18002/", "role": "secondary"}]}]}}]}})",
                                       "ha.conf")
                   .config;
    try {
        loadHookSet(cfg->hooksLibraries, LoadMode::Load, false);
        FAIL() << "loaded with a misspelt key";
    } catch (const HookError& e) {
        EXPECT_STREQ(e.what(), "hook library 'libdhcp_ha.so' (ha.conf:2:3): load() failed: "
                               "ha.conf:5:6: Dhcp4.hooks-libraries[0].parameters."
                               "high-availability[0]: unknown key 'heartbeat-dely'");
    }
}

} // namespace kahu::hooks
