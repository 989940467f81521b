// SPDX-License-Identifier: MPL-2.0
#include "config/config_loader.h"
#include "control/builtin_commands.h"
#include "control/config_json.h"
#include "fake_control_host.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <kahu/kea_json.h>
#include <unistd.h>

namespace kahu {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class ConfigCommandsTest : public ::testing::Test {
protected:
    ConfigCommandsTest() {
        registerBuiltinCommands(registry_, host_, state_);
        dir_ = fs::temp_directory_path() / ("kahu-control-" + std::to_string(getpid()));
        fs::create_directories(dir_ / "other");
        host_.configFile_ = (dir_ / "kahu-dhcp4.conf").string();
    }
    ~ConfigCommandsTest() override {
        unsetenv("KAHU_CONFIG_WRITE_ANY");
        fs::remove_all(dir_);
    }

    json run(const std::string& name, const json& args = nullptr) {
        return registry_.execute(name, args);
    }

    CommandRegistry registry_;
    test::FakeControlHost host_;
    NetworkState state_;
    fs::path dir_;
};

TEST(ConfigJson, UpperCaseSha256) {
    EXPECT_EQ(control::sha256Hex("abc"),
              "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
}

// Kea 2.2 turns reservation-mode into the reservations-* flags when it parses; config-get shows
// the flags, so its answer goes back into config-set (which refuses both in one map).
TEST(ConfigJson, ReservationModeIsShownAsTheFlagsItStandsFor) {
    auto r = config::parseConfigText(R"({"Dhcp4": {"reservation-mode": "global",
        "shared-networks": [{"name": "n", "reservation-mode": "disabled",
            "subnet4": [{"id": 2, "subnet": "10.2.0.0/24", "reservation-mode": "all"}]}],
        "subnet4": [{"id": 1, "subnet": "10.1.0.0/24", "reservation-mode": "out-of-pool"}]}})",
                                     "t.json");
    json d = control::configToJson(*r.config)["Dhcp4"];
    EXPECT_FALSE(d.contains("reservation-mode"));
    EXPECT_EQ(d["reservations-global"], true);
    EXPECT_EQ(d["reservations-in-subnet"], false);
    const json& s1 = d["subnet4"][0];
    EXPECT_FALSE(s1.contains("reservation-mode"));
    EXPECT_EQ(s1["reservations-in-subnet"], true);
    EXPECT_EQ(s1["reservations-out-of-pool"], true);
    const json& n = d["shared-networks"][0];
    EXPECT_EQ(n["reservations-in-subnet"], false);
    EXPECT_EQ(n["subnet4"][0]["reservations-in-subnet"], true);
    EXPECT_EQ(n["subnet4"][0]["reservations-out-of-pool"], false);
    EXPECT_NO_THROW(config::buildConfig(json{{"Dhcp4", d}}));
}

TEST_F(ConfigCommandsTest, ConfigGetHasDhcp4WithDefaultsAndHash) {
    auto answer = run("config-get");
    ASSERT_EQ(answer["result"], 0);
    EXPECT_FALSE(answer.contains("text"));
    const auto& args = answer["arguments"];
    ASSERT_TRUE(args.contains("Dhcp4"));
    ASSERT_TRUE(args.contains("hash"));
    EXPECT_EQ(args.size(), 2u);
    const auto& d = args["Dhcp4"];
    EXPECT_EQ(d["valid-lifetime"], 4000) << "what the file set wins";
    EXPECT_EQ(d["decline-probation-period"], 86400);
    EXPECT_EQ(d["match-client-id"], true);
    EXPECT_EQ(d["next-server"], "0.0.0.0");
    EXPECT_EQ(d["multi-threading"]["enable-multi-threading"], false);
    EXPECT_EQ(d["multi-threading"]["packet-queue-size"], 64);
    EXPECT_EQ(d["expired-leases-processing"]["reclaim-timer-wait-time"], 10);
    EXPECT_EQ(d["sanity-checks"]["lease-checks"], "warn");

    json top = args;
    top.erase("hash");
    EXPECT_EQ(args["hash"], control::sha256Hex(keaText(top)));
    EXPECT_EQ(run("config-hash-get"),
              json({{"result", 0}, {"arguments", {{"hash", args["hash"]}}}}));
}

TEST_F(ConfigCommandsTest, ConfigGetOutputIsAcceptedByConfigSet) {
    json args = run("config-get")["arguments"];
    std::string hash = args["hash"];
    args.erase("hash");
    auto answer = run("config-set", args);
    EXPECT_EQ(answer["result"], 0) << answer.dump();
    EXPECT_EQ(answer["text"], "Configuration successful.");
    EXPECT_EQ(answer["arguments"]["hash"], hash) << "defaults are a fixed point";
}

TEST_F(ConfigCommandsTest, ConfigSetAppliesAndAnswersTheNewHash) {
    json top = test::smallConfig();
    top["Dhcp4"]["valid-lifetime"] = 5000;
    auto answer = run("config-set", top);
    ASSERT_EQ(answer["result"], 0);
    EXPECT_EQ(host_.config()->json["valid-lifetime"], 5000);
    EXPECT_EQ(answer["arguments"]["hash"], run("config-hash-get")["arguments"]["hash"]);
}

TEST_F(ConfigCommandsTest, ConfigSetAndTestArgumentErrors) {
    for (const char* name : {"config-set", "config-test"}) {
        EXPECT_EQ(run(name), errorAnswer("Missing mandatory 'arguments' parameter.")) << name;
        EXPECT_EQ(run(name, json::object()), errorAnswer("Missing mandatory 'Dhcp4' parameter."));
        EXPECT_EQ(run(name, {{"Dhcp4", 1}}),
                  errorAnswer("'Dhcp4' parameter expected to be a map."));
        json extra = test::smallConfig();
        extra["Logging"] = json::object();
        extra["Dhcp6"] = json::object();
        EXPECT_EQ(run(name, extra), errorAnswer("Unsupported 'Dhcp6' parameter (and 'Logging')."));
        EXPECT_EQ(run(name, json::array())["result"], 1);
    }
}

TEST_F(ConfigCommandsTest, BrokenConfigSetKeepsTheRunningConfig) {
    auto before = host_.config();
    auto answer = run("config-set", {{"Dhcp4", {{"bogus-key", 1}}}});
    EXPECT_EQ(answer["result"], 1);
    EXPECT_NE(answer["text"].get<std::string>().find("bogus-key"), std::string::npos);
    EXPECT_EQ(host_.config(), before);
}

TEST_F(ConfigCommandsTest, ConfigTestChangesNothing) {
    auto before = host_.config();
    json top = test::smallConfig();
    top["Dhcp4"]["valid-lifetime"] = 100;
    auto answer = run("config-test", top);
    EXPECT_EQ(answer, successAnswer("Configuration seems sane. Control-socket, hook-libraries, "
                                    "and D2 configuration were sanity checked, but not applied."));
    EXPECT_EQ(host_.config(), before);
}

TEST_F(ConfigCommandsTest, ConfigReloadSuccessAndFailure) {
    auto failed = run("config-reload");
    EXPECT_EQ(failed["result"], 1);
    EXPECT_EQ(
        failed["text"].get<std::string>().rfind(
            "Config reload failed: configuration error using file '" + host_.configFile_ + "': ",
            0),
        0u)
        << failed.dump();

    std::ofstream(host_.configFile_) << R"({"Dhcp4": {"valid-lifetime": 600}})";
    auto ok = run("config-reload");
    EXPECT_EQ(ok["result"], 0);
    EXPECT_EQ(ok["text"], "Configuration successful.");
    EXPECT_EQ(host_.config()->json["valid-lifetime"], 600);
}

TEST_F(ConfigCommandsTest, ConfigWriteDefaultsToTheConfigFile) {
    auto answer = run("config-write");
    ASSERT_EQ(answer["result"], 0) << answer.dump();
    EXPECT_EQ(answer["text"], "Configuration written to " + host_.configFile_ + " successful");
    EXPECT_EQ(answer["arguments"]["filename"], host_.configFile_);
    EXPECT_EQ(answer["arguments"]["size"], fs::file_size(host_.configFile_));
    // What it wrote loads back.
    EXPECT_EQ(config::loadConfigFile(host_.configFile_).config->json["valid-lifetime"], 4000);
}

// config-write prints keys and values with kahu::keaTextIndented: UTF-8 text as it is (so that
// both Kahu's reader and Kea's read it back unchanged), doubles as Kea prints them, and a
// string that is not UTF-8 no longer fails the command.
TEST_F(ConfigCommandsTest, ConfigWriteTextReadsBackAndIsNlohmannsLayout) {
    json top = test::smallConfig();
    top["Dhcp4"]["user-context"] = {{"caf\xc3\xa9", "na\xc3\xafve \xe2\x82\xac \"q\"\n"},
                                    {"ratio", 0.875}};
    ASSERT_EQ(run("config-set", top)["result"], 0);
    auto answer = run("config-write");
    ASSERT_EQ(answer["result"], 0) << answer.dump();
    std::ifstream in(host_.configFile_);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("\"caf\xc3\xa9\": \"na\xc3\xafve \xe2\x82\xac \\\"q\\\"\\n\""),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("\"ratio\": 0.875"), std::string::npos) << text;
    EXPECT_EQ(config::loadConfigFile(host_.configFile_).config->json["user-context"],
              top["Dhcp4"]["user-context"]);

    top["Dhcp4"]["user-context"] = {{"latin1", std::string("caf\xe9")}};
    ASSERT_EQ(run("config-set", top)["result"], 0);
    answer = run("config-write");
    ASSERT_EQ(answer["result"], 0) << answer.dump();
    std::ifstream in2(host_.configFile_);
    text.assign(std::istreambuf_iterator<char>(in2), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("\"latin1\": \"caf\\u00e9\""), std::string::npos) << text;
}

TEST_F(ConfigCommandsTest, ConfigWriteBareNameGoesNextToTheConfigFile) {
    auto answer = run("config-write", {{"filename", "copy.json"}});
    ASSERT_EQ(answer["result"], 0) << answer.dump();
    EXPECT_TRUE(fs::exists(dir_ / "copy.json"));
}

TEST_F(ConfigCommandsTest, ConfigWriteElsewhereIsRefusedUnlessAllowed) {
    std::string other = (dir_ / "other" / "x.json").string();
    auto answer = run("config-write", {{"filename", other}});
    EXPECT_EQ(answer, errorAnswer("not allowed to write config into " + other + ": file " + other +
                                  " must be in the same directory as the config file (" +
                                  host_.configFile_ + ")"));
    EXPECT_FALSE(fs::exists(other));
    std::string sneaky = (dir_ / "other" / ".." / ".." / "x.json").string();
    EXPECT_EQ(run("config-write", {{"filename", sneaky}})["result"], 1);

    setenv("KAHU_CONFIG_WRITE_ANY", "1", 1);
    EXPECT_EQ(run("config-write", {{"filename", other}})["result"], 0);
    EXPECT_TRUE(fs::exists(other));
}

TEST_F(ConfigCommandsTest, ConfigWriteArgumentErrors) {
    EXPECT_EQ(run("config-write", json::array()), errorAnswer("Argument must be a map"));
    EXPECT_EQ(run("config-write", {{"filename", 3}}),
              errorAnswer("passed parameter 'filename' is not a string"));
    host_.configFile_ = (dir_ / "missing-dir" / "k.conf").string();
    auto answer = run("config-write");
    EXPECT_EQ(answer["result"], 1);
    EXPECT_EQ(answer["text"], "Error during write-config: Unable to open file " +
                                  host_.configFile_ + " for writing");
}

} // namespace
} // namespace kahu
