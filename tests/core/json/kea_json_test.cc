// SPDX-License-Identifier: MPL-2.0
// kahu/kea_json.h beyond the golden cases: values Kea cannot hold, the indented layout, and
// reading Kea's text.
#include <cmath>
#include <gtest/gtest.h>
#include <kahu/kea_json.h>
#include <limits>

using namespace kahu;
using json = nlohmann::json;

TEST(KeaText, ScalarsAtTheTop) {
    EXPECT_EQ(keaText(json()), "null");
    EXPECT_EQ(keaText(true), "true");
    EXPECT_EQ(keaText(-5), "-5");
    EXPECT_EQ(keaText(std::numeric_limits<uint64_t>::max()), "18446744073709551615");
    EXPECT_EQ(keaText(std::numeric_limits<int64_t>::min()), "-9223372036854775808");
    EXPECT_EQ(keaText(2.0), "2.0");
    EXPECT_EQ(keaText(0.1234567), "0.123457");
    EXPECT_EQ(keaText(1e21), "1e+21");
    EXPECT_EQ(keaText(std::nan("")), "null");
    EXPECT_EQ(keaText(std::numeric_limits<double>::infinity()), "null");
    EXPECT_EQ(keaText("caf\xc3\xa9"), "\"caf\\u00c3\\u00a9\"");
    EXPECT_EQ(keaText(json::array()), "[  ]");
    EXPECT_EQ(keaText(json::object()), "{  }");
}

TEST(KeaText, StringBytesThatAreNotUtf8AreEscapedNotReplaced) {
    // A host name from a lease file or a client may hold any bytes: Kea escapes each one.
    EXPECT_EQ(keaText(std::string("a\xff\xc3(\x80", 5)), "\"a\\u00ff\\u00c3(\\u0080\"");
    EXPECT_EQ(keaText(std::string("\0z", 2)), "\"\\u0000z\"");
}

TEST(KeaText, KeysAreKeasButAlwaysJson) {
    json j = json::object();
    j["caf\xc3\xa9"] = 1;               // UTF-8: raw, as Kea
    j["\xf0\x9f\x98\x80"] = 2;          // 4-byte UTF-8: raw
    j["\xed\xa0\x80"] = 3;              // a surrogate is not UTF-8: escaped
    j["\xc0\xaf"] = 4;                  // overlong: escaped
    j["q\"\\\n\x01\x7f/"] = 5;          // Kea: raw; here as in strings (DEL and '/' raw)
    j[std::string("a\xe2\x82", 3)] = 6; // cut short
    EXPECT_EQ(keaText(j), "{ \"a\\u00e2\\u0082\": 6, \"caf\xc3\xa9\": 1, "
                          "\"q\\\"\\\\\\n\\u0001\x7f/\": 5, \"\\u00c0\\u00af\": 4, "
                          "\"\\u00ed\\u00a0\\u0080\": 3, \"\xf0\x9f\x98\x80\": 2 }");
    EXPECT_FALSE(json::parse(keaText(j), nullptr, false).is_discarded());
}

TEST(KeaText, IndentedIsNlohmannsLayoutWithKeasScalars) {
    json j = {{"b", {1, "\xc3\xa9\x01", std::string("\xff\x7f")}},
              {"a", json::object()},
              {"c", json::array()},
              {"d", {{"x", 0.5}, {"y", 3.0}}}};
    EXPECT_EQ(keaTextIndented(j, 2), "{\n"
                                     "  \"a\": {},\n"
                                     "  \"b\": [\n"
                                     "    1,\n"
                                     "    \"\xc3\xa9\\u0001\",\n"
                                     "    \"\\u00ff\x7f\"\n"
                                     "  ],\n"
                                     "  \"c\": [],\n"
                                     "  \"d\": {\n"
                                     "    \"x\": 0.5,\n"
                                     "    \"y\": 3.0\n"
                                     "  }\n"
                                     "}");
    // Without doubles or bytes that are not UTF-8 it is exactly nlohmann's dump(indent).
    json plain = {{"z", {{"k", {true, nullptr, -1}}}},
                  {"s", "a\"b\\c\n\x1f\x7f/ caf\xc3\xa9 \xf0\x9f\x98\x80"},
                  {"e", json::object()}};
    EXPECT_EQ(keaTextIndented(plain, 4), plain.dump(4));
    EXPECT_EQ(keaTextIndented(json::array(), 2), "[]");
    EXPECT_EQ(keaTextIndented(7, 2), "7");
}

TEST(ParseKeaText, ByteEscapesAreBytes) {
    // Kea sends UTF-8 one escape per byte; a standard parser would make "Ã©" of it.
    EXPECT_EQ(parseKeaText(R"({"h": "caf\u00c3\u00a9", "\u00e2\u0082\u00ac": 1})"),
              json({{"h", "caf\xc3\xa9"}, {"\xe2\x82\xac", 1}}));
    // Raw UTF-8 (keys as Kea prints them), mixed with escapes of the same character.
    EXPECT_EQ(parseKeaText("{\"caf\xc3\xa9\": \"\xc3\\u00a9\"}"),
              json({{"caf\xc3\xa9", "\xc3\xa9"}}));
    // Escapes below 0x80 and of other code points read as standard JSON.
    EXPECT_EQ(parseKeaText(R"(["\u0041\u007f", "\u20ac", "\ud83d\ude00"])"),
              json({"A\x7f", "\xe2\x82\xac", "\xf0\x9f\x98\x80"}));
}

TEST(ParseKeaText, EscapedBackslashIsNoByteEscape) {
    EXPECT_EQ(parseKeaText(R"(["\\u00e9", "\\\u00c3\u00a9"])"), json({"\\u00e9", "\\\xc3\xa9"}));
}

TEST(ParseKeaText, BytesThatAreNotUtf8BecomeReplacementCharacters) {
    const std::string r = "\xef\xbf\xbd";
    EXPECT_EQ(parseKeaText(R"(["\u00ff", "caf\u00e9", "\u00e2\u0082x"])"),
              json({r, "caf" + r, r + r + "x"}));
    EXPECT_EQ(parseKeaText("{\"\xff\": \"a\xc3\"}"), json({{r, "a" + r}})); // raw bytes
}

TEST(ParseKeaText, WhatIsNotJsonFails) {
    EXPECT_THROW(parseKeaText("{ \"a\"b\": 1 }"), json::parse_error);
    EXPECT_TRUE(parseKeaText("{ \"a\": 1e+20.0 }", false).is_discarded());
    EXPECT_TRUE(parseKeaText("\xff", false).is_discarded());
    EXPECT_TRUE(parseKeaText("", false).is_discarded());
}

TEST(ParseKeaText, ReadsBackWhatKeaTextPrints) {
    json j = {{"s", "\x01\"\\/\n\t caf\xc3\xa9 \xe6\xbc\xa2 \xf0\x9f\x98\x80"},
              {"caf\xc3\xa9 key", {1, -2, true, nullptr, json::object(), json::array()}},
              {"n", {{"1.5", 1.5}, {"big", std::numeric_limits<uint64_t>::max()}}}};
    EXPECT_EQ(parseKeaText(keaText(j)), j);
    EXPECT_EQ(parseKeaText(keaTextIndented(j, 2)), j);
}
