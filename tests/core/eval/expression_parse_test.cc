// SPDX-License-Identifier: MPL-2.0
// What parse() refuses, with the column and the message, and what it accepts that looks odd.
#include "eval_test_util.h"

#include <kahu/dhcp/option_definition.h>

namespace kahu::eval::test {
namespace {

struct Refusal {
    size_t column = 0;
    std::string message;
};

Refusal refusal(std::string_view text, ResultType type = ResultType::Bool,
                const ParseOptions& options = {}) {
    try {
        Expression::parse(text, type, options);
    } catch (const ExpressionError& e) {
        return {e.column(), e.what()};
    }
    ADD_FAILURE() << "accepted: " << text;
    return {};
}

#define EXPECT_REFUSED(text, col, msg)                                                             \
    do {                                                                                           \
        const Refusal got = refusal(text);                                                         \
        EXPECT_EQ(got.column, size_t(col)) << (text);                                              \
        EXPECT_EQ(got.message, msg) << (text);                                                     \
    } while (0)

TEST(ExpressionParse, SyntaxNamesWhatWasExpected) {
    EXPECT_REFUSED("substring(option[61].hex,0,3", 29,
                   "expected ')' after the substring length, found the end");
    EXPECT_REFUSED("substring(option[61].hex,0,3 == 'foo'", 30,
                   "expected ')' after the substring length, found '=='");
    EXPECT_REFUSED("substring('foobar') == 'f'", 19,
                   "expected ',' after the substring value, found ')'");
    EXPECT_REFUSED("substring('foobar',all,1) == 'foo'", 20,
                   "expected an integer start after the substring value, found 'all'");
    EXPECT_REFUSED("substring('foobar','3',3) == 'bar'", 20,
                   "expected an integer start after the substring value, found the string '3'");
    EXPECT_REFUSED("split('a.b', '.') == 'a'", 17,
                   "expected ',' after the split delimiters, found ')'");
    EXPECT_REFUSED("option[123]", 12, "expected '.' after 'option[...]', found the end");
    EXPECT_REFUSED("option[123].bin == 'x'", 13, "'bin' is not a word of the expression language");
    EXPECT_REFUSED("option[123].option == 'x'", 20, "expected '[' after '.option', found '=='");
    EXPECT_REFUSED("option 'ab'", 8, "expected '[' after option, found the string 'ab'");
    EXPECT_REFUSED("option['ab'].text == 'foo'", 8,
                   "expected an option code or name after 'option[', found the string 'ab'");
    EXPECT_REFUSED("option[0xa].text == 'ab'", 8,
                   "expected an option code or name after 'option[', found '0xa'");
    EXPECT_REFUSED("'foo''bar'", 6,
                   "expected '==' or '+' after the string, found the string "
                   "'bar'");
    EXPECT_REFUSED("== 'ab'", 1,
                   "expected a value (a string, a number, an option, a packet field, a function "
                   "or a test), found '=='");
    EXPECT_REFUSED("'foo' ==", 9,
                   "expected a value (a string, a number, an option, a packet field, a function "
                   "or a test), found the end");
    EXPECT_REFUSED("", 1,
                   "expected a value (a string, a number, an option, a packet field, a function "
                   "or a test), found the end");
    EXPECT_REFUSED("('a' == 'a'", 12, "expected ')' to close the '(' at column 1, found the end");
    EXPECT_REFUSED("vendor[4491].data == 'x'", 14,
                   "expected exists or option after 'vendor[...].', found 'data'");
    EXPECT_REFUSED("vendor-class[4491].option[1].hex == 'x'", 20,
                   "expected exists or data after 'vendor-class[...].', found 'option'");
    EXPECT_REFUSED("pkt4.chaddr == 0x01", 6, "'chaddr' is not a word of the expression language");
    EXPECT_REFUSED("pkt.mac == 0x01", 5,
                   "expected iface, src, dst or len after 'pkt.', found 'mac'");
    EXPECT_REFUSED("relay4[circuit-id].hex == 'x'", 8,
                   "expected a sub-option code after 'relay4[', found 'circuit-id'");
    EXPECT_REFUSED("member(foo) and 'a' == 'a'", 8,
                   "'foo' is not a word of the expression language");
}

TEST(ExpressionParse, ScannerErrors) {
    EXPECT_REFUSED("'abc", 1, "unterminated string: a string runs from ' to ' on one line");
    EXPECT_REFUSED("'ab\nc' == 'x'", 1,
                   "unterminated string: a string runs from ' to ' on one line");
    EXPECT_REFUSED("'a' = 'b'", 5, "invalid character '='");
    EXPECT_REFUSED("option[123].text < 'foo'", 18, "invalid character '<'");
    EXPECT_REFUSED("12345678901234567890 == 'x'", 1,
                   "Failed to convert 12345678901234567890 to an integer.");
    EXPECT_REFUSED("1.2.3.256 == 'x'", 1, "Failed to convert 1.2.3.256 to an IP address.");
    EXPECT_REFUSED("1:2:3:4:5:6:7:8:9 == 'x'", 1,
                   "Failed to convert 1:2:3:4:5:6:7:8:9 to an IP address.");
    EXPECT_REFUSED("foo", 1, "'foo' is not a word of the expression language");
}

// Kea's manual lists `known` and `unknown`; Kea's scanner has no such words and refuses them.
TEST(ExpressionParse, KnownAndUnknownAreNotKeas) {
    EXPECT_REFUSED("known", 1,
                   "'known' is not in Kea's expression language (its manual lists it, its parser "
                   "refuses it): write member('KNOWN')");
    EXPECT_REFUSED("option[1].exists or unknown", 21,
                   "'unknown' is not in Kea's expression language (its manual lists it, its "
                   "parser refuses it): write not member('KNOWN')");
}

TEST(ExpressionParse, NumbersOutOfRange) {
    EXPECT_REFUSED("option[256].hex == 'x'", 8,
                   "Option code has invalid value in 256. Allowed range: 0..255");
    EXPECT_REFUSED("option[-1].hex == 'x'", 8,
                   "Option code has invalid value in -1. Allowed range: 0..255");
    EXPECT_REFUSED("option[12].option[300].exists", 19,
                   "Option code has invalid value in 300. Allowed range: 0..255");
    EXPECT_REFUSED("relay4[256].exists", 8,
                   "Option code has invalid value in 256. Allowed range: 0..255");
    EXPECT_REFUSED("4294967296 == 'x'", 1,
                   "Invalid value in 4294967296. Allowed range: 0..4294967295");
    EXPECT_REFUSED("-1 == 'x'", 1, "Invalid value in -1. Allowed range: 0..4294967295");
    EXPECT_REFUSED("vendor[4294967296].exists", 8,
                   "Invalid value in 4294967296. Allowed range: 0..4294967295");
    EXPECT_REFUSED("vendor-class[4491].data[256] == 'x'", 25,
                   "Invalid value in 256. Allowed range: 0..255");
}

TEST(ExpressionParse, UnknownOptionName) {
    EXPECT_REFUSED("option[foo].hex == 'x'", 8, "option 'foo' is not defined");
    EXPECT_REFUSED("option[ my-string ].hex == 'x'", 9, "option 'my-string' is not defined");
    // A configured definition makes the name known.
    OptionDefinitions defs = OptionDefinitions::standard();
    defs.add(OptionDefinition{"my-string", 200, "dhcp4", OptionDataType::String});
    ParseOptions options;
    options.definitions = &defs;
    EXPECT_NO_THROW(Expression::parse("option[my-string].exists", ResultType::Bool, options));
    // Any word before ']' is a name, also a keyword.
    EXPECT_REFUSED("option[exists].exists", 8, "option 'exists' is not defined");
}

TEST(ExpressionParse, Dhcp6OnlyConstructs) {
    EXPECT_REFUSED("relay6[0].option[1].hex == 'x'", 1, "relay6 can only be used in DHCPv6.");
    EXPECT_REFUSED("pkt6.msgtype == 1", 1, "pkt6 can only be used in DHCPv6.");
}

TEST(ExpressionParse, ResultTypes) {
    // A test must be a boolean: a string wants '==' after it.
    EXPECT_REFUSED("option[60].hex", 15, "expected '==' after the string, found the end");
    EXPECT_REFUSED("'a' and 'b' == 'b'", 5, "expected '==' after the string, found 'and'");
    EXPECT_REFUSED("not 'a'", 8, "expected '==' after the string, found the end");
    EXPECT_REFUSED("ifelse('a', 'b', 'c') == 'b'", 11, "expected '==' after the string, found ','");
    EXPECT_REFUSED("('a' == 'b') == 'c'", 14,
                   "'==' compares strings, and its left side is a boolean");
    EXPECT_REFUSED("'a' == 'b' == 'c'", 12, "expected 'and', 'or' or the end, found '=='");
    EXPECT_REFUSED("option[1].exists == 'true'", 18,
                   "'==' compares strings, and its left side is a boolean");
    EXPECT_REFUSED("'a' == option[1].exists", 8,
                   "the right side of '==' must be a string, not a boolean");
    EXPECT_REFUSED("'a' + not 'b' == 'c'", 7,
                   "'not' applies to a test; it cannot start a string value");
    // A string expression (flex-option, flex-id) must not be a test.
    const Refusal r = refusal("option[60].exists", ResultType::String);
    EXPECT_EQ(r.column, 1u);
    EXPECT_EQ(r.message, "a string expression is required here, not a boolean");
    const Refusal arg = refusal("hexstring('a' == 'a', ':')", ResultType::String);
    EXPECT_EQ(arg.column, 11u);
    EXPECT_EQ(arg.message, "the value of hexstring must be a string, not a boolean");
    const Refusal cat = refusal("'x' + ('a' == 'a')", ResultType::String);
    EXPECT_EQ(cat.column, 7u);
    EXPECT_EQ(cat.message, "the right side of '+' must be a string, not a boolean");
    EXPECT_NO_THROW(Expression::parse("ifelse(option[1].exists, 'a', 'b')", ResultType::String));
    EXPECT_NO_THROW(Expression::parse("('a')", ResultType::String));
}

TEST(ExpressionParse, MemberNeedsADefinedClass) {
    ParseOptions options;
    options.classDefined = [](std::string_view name) { return name == "defined"; };
    const Refusal r = refusal("member('bar')", ResultType::Bool, options);
    EXPECT_EQ(r.column, 8u);
    EXPECT_EQ(r.message, "Not defined client class 'bar'");
    EXPECT_NO_THROW(Expression::parse("member('defined')", ResultType::Bool, options));
    // Kea's built-in names and prefixes need no definition; DROP does.
    for (const char* name : {"ALL", "KNOWN", "UNKNOWN", "BOOTP", "VENDOR_CLASS_docsis3.0",
                             "HA_server1", "AFTER_x", "EXTERNAL_y"}) {
        EXPECT_NO_THROW(
            Expression::parse("member('" + std::string(name) + "')", ResultType::Bool, options))
            << name;
    }
    for (const char* name : {"DROP", "HA_", "VENDOR_CLASS_", "SKIP_DDNS", "all"}) {
        EXPECT_THROW(
            Expression::parse("member('" + std::string(name) + "')", ResultType::Bool, options),
            ExpressionError)
            << name;
    }
    // Without a check any name goes.
    EXPECT_NO_THROW(Expression::parse("member('anything')", ResultType::Bool));
    EXPECT_REFUSED("member('x'", 11, "expected ')' after the class name, found the end");
}

TEST(ExpressionParse, ReferencedClasses) {
    const auto e = Expression::parse("member('A') or member('B') and not member('A') or "
                                     "member('KNOWN')",
                                     ResultType::Bool);
    EXPECT_EQ(e.referencedClasses(), (std::vector<std::string>{"A", "B", "KNOWN"}));
    EXPECT_TRUE(Expression::parse("'a' == 'a'", ResultType::Bool).referencedClasses().empty());
}

TEST(ExpressionParse, Whitespace) {
    EXPECT_TRUE(test("option[\n host-name \n ].text == \n'foo'", query({{12, bytes("foo")}})));
    EXPECT_TRUE(test("\t'a'=='a'\n"));
    // Columns count bytes from the start, newlines included.
    EXPECT_REFUSED("'a'\n== 'b' 'c'", 12, "expected 'and', 'or' or the end, found the string 'c'");
}

TEST(ExpressionParse, NestingHasALimit) {
    const std::string deep = std::string(300, '(') + "'a' == 'a'" + std::string(300, ')');
    const Refusal r = refusal(deep);
    EXPECT_EQ(r.message, "the expression is nested too deeply");
    std::string nots;
    for (int i = 0; i < 300; ++i) {
        nots += "not ";
    }
    EXPECT_EQ(refusal(nots + "'a' == 'a'").message, "the expression is nested too deeply");
    const std::string fine = std::string(50, '(') + "'a' == 'a'" + std::string(50, ')');
    EXPECT_TRUE(test(fine));
}

TEST(ExpressionParse, BuiltinClasses) {
    EXPECT_TRUE(isBuiltinClass("ALL"));
    EXPECT_TRUE(isBuiltinClass("VENDOR_CLASS_x"));
    EXPECT_FALSE(isBuiltinClass("VENDOR_CLASS_"));
    EXPECT_FALSE(isBuiltinClass("DROP"));
    EXPECT_FALSE(isBuiltinClass("SPAWN_x"));
    EXPECT_FALSE(isBuiltinClass("known"));
}

} // namespace
} // namespace kahu::eval::test
