// SPDX-License-Identifier: MPL-2.0
// Loads hooks/example's libdhcp_example.so: the in-tree build, or the out-of-tree one when
// KAHU_EXAMPLE_HOOK_DIR names its directory (the hooks.example_out_of_tree test does that).
#include "hooks/hook_set.h"

#include <cstdlib>
#include <filesystem>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/http/client.h>
#include <kahu/log.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sstream>
#include <string>
#include <thread>

namespace kahu::hooks {

namespace {

std::string exampleDir() {
    const char* env = std::getenv("KAHU_EXAMPLE_HOOK_DIR");
    return env != nullptr ? env : KAHU_TEST_HOOKS_BUILD_DIR;
}

HookLibraryConfig example(nlohmann::json params) {
    return {"libdhcp_example.so", std::move(params), "example.json:1:1"};
}

const nlohmann::json kRules = {
    {"rules", {{{"mac-prefix", "52:54:00"}, {"code", 15}, {"text", "lab.example.org"}}}}};

// Through options() (inline) so this binary links before the packet codec is merged.
const Option* option(const Packet4& p, uint8_t code) {
    for (const auto& o : p.options()) {
        if (o.code == code) {
            return &o;
        }
    }
    return nullptr;
}

} // namespace

// The library is part of the build (a dependency of this binary): missing, it fails the tests.
class ExampleHook : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string library = exampleDir() + "/libdhcp_example.so";
        ASSERT_TRUE(std::filesystem::is_regular_file(library))
            << library << " is not built (hooks/example)";
        setenv("KAHU_HOOKS_PATH", exampleDir().c_str(), 1);
    }
};

TEST_F(ExampleHook, SetsTheOptionForMatchingClientsAndCountsIt) {
    auto set = loadHookSet({example(kRules)}, LoadMode::Load, true);
    Packet4 query, response;
    query.chaddr = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    Pkt4SendArgs args{query, response, nullptr};
    EXPECT_EQ(set->run<HookPoint::Pkt4Send>(args), Verdict::Continue);
    ASSERT_NE(option(response, 15), nullptr);
    EXPECT_EQ(std::string(option(response, 15)->data.begin(), option(response, 15)->data.end()),
              "lab.example.org");

    Packet4 other, otherResponse;
    other.chaddr = {0x00, 0x16, 0x3e, 0x00, 0x00, 0x01};
    Pkt4SendArgs otherArgs{other, otherResponse, nullptr};
    set->run<HookPoint::Pkt4Send>(otherArgs);
    EXPECT_EQ(option(otherResponse, 15), nullptr);

    auto stats = set->commands().at("example-stats")(nullptr);
    EXPECT_EQ(stats["result"], 0);
    EXPECT_EQ(stats["arguments"]["rules"]["52:54:00 -> option 15"], 1);
}

// The text load() failed with ("" when it loaded).
std::string loadError(const nlohmann::json& params) {
    try {
        loadHookSet({example(params)}, LoadMode::Load, true)->unload();
    } catch (const HookError& e) {
        return e.what();
    }
    return "";
}

TEST_F(ExampleHook, BadParametersFailTheLoadWithAClearMessage) {
    // Parameters built in code have no positions: the message points at the entry.
    const std::string prefix = "hook library 'libdhcp_example.so' (example.json:1:1): load() "
                               "failed: example.json:1:1: Dhcp4.hooks-libraries[0].parameters";
    EXPECT_EQ(loadError({{"rules", {{{"mac-prefix", "52:5"}, {"code", 15}, {"text", "x"}}}}}),
              prefix + ".rules[0].mac-prefix: '52:5' is not a whole number of bytes");
    EXPECT_EQ(loadError({{"rules", {{{"mac-prefix", "52:54"}, {"code", 300}, {"text", "x"}}}}}),
              prefix + ".rules[0].code: value 300 out of range 1..254");
    EXPECT_EQ(loadError({{"rules", {{{"mac-prefix", "52:54"}, {"code", 15}}}}}),
              prefix + ".rules[0]: give exactly one of 'text' and 'hex'");
    EXPECT_EQ(loadError(nlohmann::json::object()), prefix + ": missing 'rules'");
}

TEST_F(ExampleHook, UnknownKeysAreRefused) {
    const std::string prefix = "hook library 'libdhcp_example.so' (example.json:1:1): load() "
                               "failed: example.json:1:1: Dhcp4.hooks-libraries[0].parameters";
    nlohmann::json p = kRules;
    p["rules"][0]["colour"] = "red";
    EXPECT_EQ(loadError(p), prefix + ".rules[0]: unknown key 'colour'");
    p = kRules;
    p["rule"] = nlohmann::json::array();
    EXPECT_EQ(loadError(p), prefix + ": unknown key 'rule'");
    p = kRules;
    p["comment"] = "lab rules";
    EXPECT_EQ(loadError(p), "");
}

// The HTTP endpoint: served from dhcp4_srv_configured on, gone once the library is unloaded.
TEST_F(ExampleHook, ServesItsCountsOverHttpUntilUnloaded) {
    // A free port: bind one, let it go, hand it over.
    http::Server probe({}, [](const http::Request&) { return http::Response{}; });
    probe.start();
    const uint16_t port = probe.port();
    probe.stop();

    nlohmann::json p = kRules;
    p["http"] = {{"port", port}};
    auto set = loadHookSet({example(p)}, LoadMode::Load, true);
    http::Target t;
    t.port = port;
    http::ClientRequest get;
    get.method = "GET";
    get.path = "/example-stats";
    EXPECT_THROW(http::request(t, get), Error); // not started before the configuration is in

    ServerConfig config;
    std::string error;
    Dhcp4SrvConfiguredArgs configured{config, error};
    ASSERT_EQ(set->run<HookPoint::Dhcp4SrvConfigured>(configured), Verdict::Continue) << error;
    Packet4 query, response;
    query.chaddr = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    Pkt4SendArgs args{query, response, nullptr};
    set->run<HookPoint::Pkt4Send>(args);

    http::ClientResponse r = http::request(t, get);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(nlohmann::json::parse(r.body)["rules"]["52:54:00 -> option 15"], 1);
    get.path = "/other";
    EXPECT_EQ(http::request(t, get).status, 404);

    // A second configuration whose port is taken fails with the reason, as the server reports it.
    auto second = loadHookSet({example(p)}, LoadMode::Load, true);
    std::string error2;
    Dhcp4SrvConfiguredArgs configured2{config, error2};
    EXPECT_EQ(second->run<HookPoint::Dhcp4SrvConfigured>(configured2), Verdict::Drop);
    EXPECT_THAT(error2, ::testing::HasSubstr("example: example HTTP endpoint: cannot listen on"));
    second->unload();

    set->unload();
    get.path = "/example-stats";
    EXPECT_THROW(http::request(t, get), Error);
}

// The timer: the counts are logged every report-interval seconds, from activation on.
TEST_F(ExampleHook, ReportsFromATimer) {
    std::ostringstream lines;
    auto logger = log::get("kahu-dhcp4.example-hooks");
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines);
    logger->sinks().push_back(sink);
    nlohmann::json p = kRules;
    p["report-interval"] = 1;
    auto set = loadHookSet({example(p)}, LoadMode::Load, true);
    set->startTimers();
    for (int i = 0; i < 40 && lines.str().find("EXAMPLE_REPORT") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    set->unload();
    std::erase(logger->sinks(), sink);
    EXPECT_THAT(lines.str(), ::testing::HasSubstr("EXAMPLE_REPORT {\"52:54:00 -> option 15\":0}"));
    p["report-interval"] = 86401;
    EXPECT_THAT(loadError(p), ::testing::HasSubstr(".report-interval: value 86401 out of range"));
}

} // namespace kahu::hooks
