// SPDX-License-Identifier: MPL-2.0
#include "config/json_reader.h"
#include "config_test_util.h"

#include <gtest/gtest.h>
#include <kahu/error.h>

using namespace kahu::config;

namespace {

std::string errorOf(std::string_view text, const JsonReadOptions& o = {}) {
    try {
        readJsonText(text, "t.json", o);
    } catch (const kahu::ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(JsonReader, AcceptsAllThreeCommentStyles) {
    auto doc = readJsonText("# hash\n{ // slash\n \"a\": /* block\n */ 1 }", "t.json");
    EXPECT_EQ(doc.value["a"], 1);
    EXPECT_TRUE(doc.warnings.empty());
}

// Found by the config fuzzer: 100,000 '[' overflowed the recursive parser's stack.
TEST(JsonReader, NestingIsLimitedInsteadOfOverflowingTheStack) {
    const std::string deep(100000, '[');
    EXPECT_EQ(errorOf(deep).rfind("t.json:1:129: nesting deeper than 128 levels (in [0]", 0), 0u)
        << errorOf(deep).substr(0, 120);
    std::string maps; // the control channel's reader: {"a": {"a": ... 5,000 deep
    for (int i = 0; i < 5000; ++i) {
        maps += "{\"a\": ";
    }
    try {
        readJsonStrict(maps);
        ADD_FAILURE() << "5,000 nested maps accepted";
    } catch (const kahu::ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("nesting deeper than 128 levels"), std::string::npos)
            << e.what();
    }
    // 128 levels are fine.
    auto doc = readJsonText(std::string(128, '[') + std::string(128, ']'), "t.json");
    EXPECT_TRUE(doc.value.is_array());
}

TEST(JsonReader, UnterminatedBlockCommentNamesItsLine) {
    EXPECT_EQ(errorOf("{\n  /* open\n}"), "t.json:2:3: Comment not closed. (/* in line 2)");
}

TEST(JsonReader, TrailingCommaIsAcceptedWithWarningNamingPosition) {
    auto doc = readJsonText("{\"a\": [1, 2,],\n \"b\": 3,\n}", "t.json");
    EXPECT_EQ(doc.value["a"].size(), 2u);
    ASSERT_EQ(doc.warnings.size(), 2u);
    EXPECT_EQ(doc.warnings[0].rfind("t.json:1:12: Extraneous comma", 0), 0u) << doc.warnings[0];
    EXPECT_EQ(doc.warnings[1].rfind("t.json:2:8: Extraneous comma", 0), 0u) << doc.warnings[1];
}

TEST(JsonReader, StrictModeRejectsTrailingCommaButKeepsComments) {
    EXPECT_THROW(readJsonStrict("{\"command\": \"list-commands\",}"), kahu::ConfigError);
    auto doc = readJsonStrict("// hi\n{\"command\": \"x\"} # done");
    EXPECT_EQ(doc.value["command"], "x");
}

TEST(JsonReader, StrictModeRejectsIncludes) {
    EXPECT_THROW(readJsonStrict("<?include \"/etc/passwd\"?>"), kahu::ConfigError);
}

TEST(JsonReader, DuplicateKeyIsAnError) {
    EXPECT_EQ(errorOf("{\"a\": {\"x\": 1,\n \"x\": 2}}"), "t.json:2:2: a: duplicate key 'x'");
}

TEST(JsonReader, RecordsLocationOfEveryElement) {
    auto doc = readJsonText("{\n  \"l\": [\n    {\"k\": true}\n  ]\n}", "t.json");
    EXPECT_EQ(doc.locations.at("l").str(), "t.json:2:3");
    EXPECT_EQ(doc.locations.at("l[0]").str(), "t.json:3:5");
    EXPECT_EQ(doc.locations.at("l[0].k").str(), "t.json:3:6");
}

TEST(JsonReader, ParsesNumbersStringsAndEscapes) {
    auto doc = readJsonText(R"({"i": -5, "u": 18446744073709551615, "d": 1.5e2,
        "s": "a\"b\\c\u00e9\n", "n": null, "f": false})",
                            "t.json");
    EXPECT_EQ(doc.value["i"].get<int64_t>(), -5);
    EXPECT_EQ(doc.value["u"].get<uint64_t>(), 18446744073709551615ull);
    EXPECT_DOUBLE_EQ(doc.value["d"].get<double>(), 150.0);
    EXPECT_EQ(doc.value["s"], "a\"b\\c\xc3\xa9\n");
    EXPECT_TRUE(doc.value["n"].is_null());
    EXPECT_EQ(doc.value["f"], false);
}

TEST(JsonReader, RejectsMalformedInputWithPosition) {
    EXPECT_EQ(errorOf("{\"a\": tru}"), "t.json:1:7: invalid token 'tru'");
    EXPECT_NE(errorOf("{\"a\": 1 \"b\": 2}").find("t.json:1:9: syntax error"), std::string::npos);
    EXPECT_NE(errorOf("{\"a\": 01x}").find("t.json:1:"), std::string::npos);
    EXPECT_NE(errorOf("[1] [2]").find("after the end"), std::string::npos);
    EXPECT_NE(errorOf("").find("empty document"), std::string::npos);
    // Found by the config fuzzer: a float out of double's range escaped as std::out_of_range.
    EXPECT_EQ(errorOf("{\"a\": 2e1222}"), "t.json:1:7: number out of range: 2e1222");
}

TEST(JsonReader, KeyObserverSeesPathOfEachKey) {
    std::vector<std::string> seen;
    JsonReadOptions o;
    o.onKey = [&](const std::vector<PathSegment>& p, const std::string& k, const Location& at) {
        seen.push_back(pathToString(p) + "|" + k + "|" + at.str());
    };
    readJsonText("{\"a\": [{\"b\": 1}]}", "t.json", o);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0], "|a|t.json:1:2");
    EXPECT_EQ(seen[1], "a[0]|b|t.json:1:9");
}

class JsonReaderInclude : public kahu::test::SourceRootCwd {};

TEST_F(JsonReaderInclude, IncludesTextAnywhereATokenMayAppearAndKeepsItsFileName) {
    auto doc =
        readJsonText("{\"s\": [ <?include \"tests/data/config/good/subnet.inc\"?> ]}", "main.json");
    EXPECT_EQ(doc.value["s"][0]["id"], 1);
    EXPECT_EQ(doc.locations.at("s[0].subnet").file, "tests/data/config/good/subnet.inc");
    EXPECT_EQ(doc.locations.at("s[0].subnet").line, 2);
}

TEST_F(JsonReaderInclude, MissingIncludeFileIsAnErrorAtTheDirective) {
    EXPECT_EQ(errorOf("[\n <?include \"no/such/file\"?>]"),
              "t.json:2:2: cannot open 'no/such/file'");
}

TEST_F(JsonReaderInclude, UnclosedDirectiveIsAnError) {
    EXPECT_NE(errorOf("[<?include \"x\" ]").find("Directive not closed."), std::string::npos);
}

} // namespace
