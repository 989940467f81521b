// SPDX-License-Identifier: MPL-2.0
// kahu::hooks::ParamReader: the core parser's rules and texts for hook parameters, with the
// positions the config loader records for them.
#include "config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/hooks/param_reader.h>
#include <kahu/lease/lease_store.h>

namespace kahu::hooks {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Line numbers below count from the first line of the text.
constexpr const char* kConfig = R"({"Dhcp4": {
  "hooks-libraries": [
    {"library": "libdhcp_lease_cmds.so"},
    {"library": "libdhcp_x.so",
     "parameters": {
       "name": "x",
       "port": 70000,
       "mode": "fast",
       "tags": ["a", 1],
       "rules": [
         {"code": 15, "text": "lab"},
         {"code": "15", "url": "http://192.0.2.1/"}
       ],
       "peer": {"url": "http://192.0.2.2/", "colour": "red"},
       "comment": "accepted everywhere",
       "user-context": {"also": true}
     }}
  ]}})";

class ParamReaderTest : public ::testing::Test {
protected:
    void SetUp() override {
        cfg = config::parseConfigText(kConfig, "kahu.conf").config;
        ASSERT_EQ(cfg->hooksLibraries.size(), 2u);
    }
    ParamReader reader(std::size_t i = 1) {
        const auto& h = cfg->hooksLibraries.at(i);
        return ParamReader(h.parameters.is_null() ? empty : h.parameters, *h.source);
    }
    static std::string errorOf(const std::function<void()>& f) {
        try {
            f();
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "no error";
    }

    std::shared_ptr<ServerConfig> cfg;
    json empty = json::object();
};

TEST_F(ParamReaderTest, ValuesAndDefaults) {
    ParamReader r = reader();
    EXPECT_EQ(r.path(), "Dhcp4.hooks-libraries[1].parameters");
    EXPECT_EQ(r.string("name"), "x");
    EXPECT_EQ(r.nonEmptyString("name"), "x");
    EXPECT_EQ(r.string("absent", "dflt"), "dflt");
    EXPECT_TRUE(r.boolean("absent-flag", true));
    EXPECT_EQ(r.integer<uint32_t>("port", 0, 100000), 70000u);
    EXPECT_EQ(r.integer<int>("absent-int", -5, 5, -3), -3);
    EXPECT_DOUBLE_EQ(r.number("port", 0, 1e6), 70000.0);
    EXPECT_EQ(r.oneOf("mode", {"fast", "slow"}), "fast");
    EXPECT_EQ(r.oneOf("absent-mode", {"fast", "slow"}, "slow"), "slow");
    EXPECT_EQ(r.strings("absent-list", {"z"}), std::vector<std::string>{"z"});
    EXPECT_TRUE(r.raw("absent-raw").is_null());
    EXPECT_EQ(r.raw("tags").size(), 2u);
    EXPECT_TRUE(r.has("rules"));
    EXPECT_FALSE(r.has("absent"));

    ParamReader peer = r.map("peer");
    EXPECT_TRUE(peer.present());
    EXPECT_EQ(peer.path(), "Dhcp4.hooks-libraries[1].parameters.peer");
    EXPECT_EQ(peer.string("url"), "http://192.0.2.2/");
    ParamReader none = r.optionalMap("absent-map");
    EXPECT_FALSE(none.present());
    EXPECT_EQ(none.integer<int>("n", 0, 9, 7), 7);
    EXPECT_TRUE(r.optionalList("absent-maps").empty());

    auto rules = r.list("rules");
    ASSERT_EQ(rules.size(), 2u);
    EXPECT_EQ(rules[0].path(), "Dhcp4.hooks-libraries[1].parameters.rules[0]");
    EXPECT_EQ(rules[0].integer<uint8_t>("code", 1, 254), 15);
}

TEST_F(ParamReaderTest, ErrorsCarryPositionAndPathInTheCoreForm) {
    ParamReader r = reader();
    EXPECT_EQ(errorOf([&] { r.integer<uint16_t>("port", 0, 65535); }),
              "kahu.conf:7:8: Dhcp4.hooks-libraries[1].parameters.port: value 70000 out of range "
              "0..65535");
    EXPECT_EQ(errorOf([&] { r.string("port"); }),
              "kahu.conf:7:8: Dhcp4.hooks-libraries[1].parameters.port: expected a string, got "
              "number");
    EXPECT_EQ(errorOf([&] { r.boolean("name"); }),
              "kahu.conf:6:8: Dhcp4.hooks-libraries[1].parameters.name: expected a boolean, got "
              "string");
    EXPECT_EQ(errorOf([&] {
                  r.oneOf("mode", {"slow", "steady"});
              }),
              "kahu.conf:8:8: Dhcp4.hooks-libraries[1].parameters.mode: 'fast' is not one of: "
              "slow, steady");
    // A missing key is reported at its map, as the core does ("missing 'library'").
    EXPECT_EQ(errorOf([&] { r.string("host"); }),
              "kahu.conf:5:6: Dhcp4.hooks-libraries[1].parameters: missing 'host'");
    EXPECT_EQ(errorOf([&] { r.strings("tags"); }),
              "kahu.conf:9:22: Dhcp4.hooks-libraries[1].parameters.tags[1]: expected a string, "
              "got number");
    EXPECT_EQ(errorOf([&] { r.map("name"); }),
              "kahu.conf:6:8: Dhcp4.hooks-libraries[1].parameters.name: expected a map, got "
              "string");
    EXPECT_EQ(errorOf([&] { r.list("peer"); }),
              "kahu.conf:14:8: Dhcp4.hooks-libraries[1].parameters.peer: expected a list, got "
              "object");
    auto rules = r.list("rules");
    EXPECT_EQ(errorOf([&] { rules[1].integer<uint8_t>("code", 1, 254); }),
              "kahu.conf:12:11: Dhcp4.hooks-libraries[1].parameters.rules[1].code: expected an "
              "integer, got string");
    EXPECT_EQ(errorOf([&] { rules[0].fail("give one of 'text' and 'hex'"); }),
              "kahu.conf:11:10: Dhcp4.hooks-libraries[1].parameters.rules[0]: give one of 'text' "
              "and 'hex'");
    EXPECT_EQ(errorOf([&] { rules[0].fail("text", "too short"); }),
              "kahu.conf:11:23: Dhcp4.hooks-libraries[1].parameters.rules[0].text: too short");
}

TEST_F(ParamReaderTest, NumbersOutOfTheTypesRange) {
    json v = {{"big", 18446744073709551615ULL}, {"neg", -1}, {"f", 1.5}, {"nan", "x"}};
    ParamReader r(v, SourceMap{"p", {}, ""});
    EXPECT_EQ(errorOf([&] { r.integer<int64_t>("big", 0, INT64_MAX); }),
              "p.big: value 18446744073709551615 out of range 0..9223372036854775807");
    EXPECT_EQ(errorOf([&] { r.integer<uint8_t>("neg", 0, 255); }),
              "p.neg: value -1 out of range 0..255");
    EXPECT_EQ(errorOf([&] { r.integer<int>("f", 0, 9); }), "p.f: expected an integer, got number");
    EXPECT_EQ(errorOf([&] { r.number("f", 2, 3); }), "p.f: value 1.5 out of range");
    EXPECT_EQ(errorOf([&] { r.number("nan", 0, 1); }), "p.nan: expected a number, got string");
}

TEST_F(ParamReaderTest, FinishRefusesTheFirstUnknownKeyInFileOrderWithAHint) {
    ParamReader r = reader();
    r.string("name");
    r.raw("port");
    r.accept({"mode", "tags"});
    for (ParamReader& rule : r.list("rules")) {
        rule.raw("code");
        rule.raw("text");
    }
    r.map("peer").string("url");
    // rules[1].url (line 12) comes before peer.colour (line 14) in the file.
    EXPECT_EQ(errorOf([&] { r.finish(); }),
              "kahu.conf:12:25: Dhcp4.hooks-libraries[1].parameters.rules[1]: unknown key 'url' "
              "('url' belongs in hooks-libraries[].parameters.peer)");
}

TEST_F(ParamReaderTest, FinishChecksOnlyTheMapsBelowTheReader) {
    ParamReader r = reader();
    ParamReader peer = r.map("peer");
    peer.string("url");
    EXPECT_EQ(errorOf([&] { peer.finish(); }),
              "kahu.conf:14:45: Dhcp4.hooks-libraries[1].parameters.peer: unknown key 'colour'");
    peer.accept({"colour"});
    EXPECT_EQ(errorOf([&] { peer.finish(); }), "no error");
    // The root sees everything nobody read, "name" first.
    EXPECT_EQ(errorOf([&] { r.finish(); }),
              "kahu.conf:6:8: Dhcp4.hooks-libraries[1].parameters: unknown key 'name'");
}

TEST_F(ParamReaderTest, CommentAndUserContextAreAcceptedButChecked) {
    json ok = {{"comment", "c"}, {"user-context", {{"a", 1}}}, {"m", {{"comment", "x"}}}};
    ParamReader r(ok, SourceMap{"p", {}, ""});
    r.map("m");
    EXPECT_EQ(errorOf([&] { r.finish(); }), "no error");

    json bad = {{"comment", 1}};
    EXPECT_EQ(errorOf([&] {
                  ParamReader(bad, SourceMap{"p", {}, ""}).finish();
              }),
              "p.comment: expected a string, got number");
    json badContext = {{"user-context", "x"}};
    EXPECT_EQ(errorOf([&] {
                  ParamReader(badContext, SourceMap{"p", {}, ""}).finish();
              }),
              "p.user-context: expected a map, got string");
}

TEST_F(ParamReaderTest, AbsentParametersReadAsAnEmptyMapPositionedAtTheEntry) {
    ParamReader r = reader(0);
    EXPECT_EQ(r.path(), "Dhcp4.hooks-libraries[0].parameters");
    EXPECT_EQ(errorOf([&] { r.string("x"); }),
              "kahu.conf:3:5: Dhcp4.hooks-libraries[0].parameters: missing 'x'");
}

TEST_F(ParamReaderTest, TheValueMustBeAMap) {
    EXPECT_EQ(errorOf([] {
                  ParamReader(json::array(), SourceMap{"p", {{"", "f:1:2"}}, ""});
              }),
              "f:1:2: p: expected a map, got array");
}

TEST_F(ParamReaderTest, WithoutPositionsMessagesStartWithThePath) {
    json v = {{"a", {{"b", "x"}}}};
    ParamReader r(v, SourceMap{});
    EXPECT_EQ(errorOf([&] { r.map("a").integer<int>("b", 0, 1); }),
              "a.b: expected an integer, got string");
    EXPECT_EQ(errorOf([&] { r.string("c"); }), "missing 'c'");
}

TEST_F(ParamReaderTest, LeaseDatabaseMapWithItsPositions) {
    auto c = config::parseConfigText(R"({"Dhcp4": {
  "lease-database": {"type": "mysql", "name": "kea",
                     "port": 3306}}})",
                                     "db.conf")
                 .config;
    LeaseStoreParams p{c->leaseDatabase.raw, true, c->leaseDatabase.source};
    ParamReader r(p);
    EXPECT_EQ(errorOf([&] { r.integer<uint16_t>("port", 0, 100); }),
              "db.conf:3:22: Dhcp4.lease-database.port: value 3306 out of range 0..100");
    // Without a source (a store created in code) the path is still the lease-database's.
    LeaseStoreParams bare{{{"port", 1}}, true};
    EXPECT_EQ(errorOf([&] { ParamReader(bare).string("port"); }),
              "Dhcp4.lease-database.port: expected a string, got number");
}

TEST_F(ParamReaderTest, ConfigSetValuesHaveTheOriginAsPosition) {
    auto c =
        config::buildConfig({{"Dhcp4",
                              {{"hooks-libraries",
                                {{{"library", "libdhcp_x.so"}, {"parameters", {{"n", "1"}}}}}}}}})
            .config;
    ParamReader r(c->hooksLibraries[0].parameters, *c->hooksLibraries[0].source);
    EXPECT_EQ(errorOf([&] { r.integer<int>("n", 0, 1); }),
              "<wire>:0:0: Dhcp4.hooks-libraries[0].parameters.n: expected an integer, got "
              "string");
}

} // namespace
} // namespace kahu::hooks
