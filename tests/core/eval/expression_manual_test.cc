// SPDX-License-Identifier: MPL-2.0
// Every example of the expression section of Kea's manual (classify.rst), with the value
// Kea's tokens (token.cc) give. Where the manual and Kea's code disagree, the code wins and
// the test says so.
#include "eval_test_util.h"

namespace kahu::eval::test {
namespace {

using namespace std::string_literals;

TEST(ExpressionManual, LiteralValues) {
    EXPECT_EQ(str("'example'"), "example");
    EXPECT_EQ(str("0x5a7d"), "Z}");
    EXPECT_EQ(str("0X7"), "\x07"); // an odd count of digits gets a leading 0
    EXPECT_EQ(str("0x0"), "\0"s);
    EXPECT_EQ(str("10.0.0.1"), "\x0a\x00\x00\x01"s);
    EXPECT_EQ(str("123"), "\x00\x00\x00\x7b"s); // four bytes, network order
    EXPECT_EQ(str("2001:db8::1").size(), 16u);
    EXPECT_EQ(str("2001:db8::1"), "\x20\x01\x0d\xb8" + std::string(11, '\0') + "\x01");
    // No escapes: a backslash is a byte like any other.
    EXPECT_EQ(str("'a\\b'"), "a\\b");
    EXPECT_EQ(str("''"), "");
}

TEST(ExpressionManual, Substring) {
    EXPECT_EQ(str("substring('foobar', 0, 6)"), "foobar");
    EXPECT_EQ(str("substring('foobar', 3, 3)"), "bar");
    EXPECT_EQ(str("substring('foobar', 3, all)"), "bar");
    EXPECT_EQ(str("substring('foobar', 1, 4)"), "ooba");
    EXPECT_EQ(str("substring('foobar', -5, 4)"), "ooba");
    EXPECT_EQ(str("substring('foobar', -1, -3)"), "oba");
    EXPECT_EQ(str("substring('foobar', 4, -2)"), "ob");
    EXPECT_EQ(str("substring('foobar', 10, 2)"), "");
    // The tests as the manual writes them.
    EXPECT_TRUE(test("substring('foobar', 0, 6) == 'foobar'"));
    EXPECT_TRUE(test("substring('foobar', -1, -3) == 'oba'"));
    EXPECT_FALSE(test("substring('foobar', 4, -2) == 'oba'"));
}

TEST(ExpressionManual, SubstringEdges) {
    EXPECT_EQ(str("substring('foobar', -6, 2)"), "fo");
    EXPECT_EQ(str("substring('foobar', -7, 2)"), ""); // before the start
    EXPECT_EQ(str("substring('foobar', 6, 1)"), "");
    EXPECT_EQ(str("substring('foobar', 2, 100)"), "obar");
    EXPECT_EQ(str("substring('foobar', 2, -100)"), "fo"); // back to the start
    EXPECT_EQ(str("substring('foobar', 0, -1)"), "");
    EXPECT_EQ(str("substring('foobar', 0, 0)"), "");
    EXPECT_EQ(str("substring('', 0, all)"), "");
    EXPECT_EQ(str("substring(substring('foobar', 1, all), 1, all)"), "obar");
}

TEST(ExpressionManual, Concat) {
    EXPECT_EQ(str("concat('foo', 'bar')"), "foobar");
    EXPECT_TRUE(test("concat('foo', 'bar') == 'foobar'"));
    EXPECT_EQ(str("'abc' + 'def' + 'ghi' + 'jkl' + '...'"), "abcdefghijkl...");
    EXPECT_EQ(str("concat(concat(concat(concat('abc', 'def'), 'ghi'), 'jkl'), '...')"),
              "abcdefghijkl...");
    EXPECT_EQ(str("concat('abc', concat('def', concat('ghi', concat('jkl', '...'))))"),
              "abcdefghijkl...");
    EXPECT_TRUE(test("'abc' + 'def' + 'ghi' + 'jkl' + '...' == 'abcdefghijkl...'"));
    EXPECT_TRUE(test("'a' == 'b' + 'c' or 'ab' + 'c' == 'abc'"));
}

TEST(ExpressionManual, Split) {
    EXPECT_EQ(str("split ('one.two..four', '.', 1)"), "one");
    EXPECT_EQ(str("split ('one.two..four', '.', 2)"), "two");
    EXPECT_EQ(str("split ('one.two..four', '.', 3)"), "");
    EXPECT_EQ(str("split ('one.two..four', '.', 4)"), "four");
    EXPECT_EQ(str("split ('one.two..four', '.', 5)"), "");
    EXPECT_TRUE(test("split ('one.two..four', '.', 4) == 'four'"));
}

TEST(ExpressionManual, SplitEdges) {
    EXPECT_EQ(str("split('', '.', 1)"), "");
    EXPECT_EQ(str("split('a.b', '', 2)"), "a.b"); // no delimiters: the value
    EXPECT_EQ(str("split('a.b', '.', 0)"), "");
    EXPECT_EQ(str("split('a.b', '.', -1)"), "");
    EXPECT_EQ(str("split('a.b:c', '.:', 3)"), "c"); // any of the delimiters
    EXPECT_EQ(str("split('.a.', '.', 1)"), "");
    EXPECT_EQ(str("split('.a.', '.', 3)"), "");
    EXPECT_EQ(str("split('.a.', '.', 2)"), "a");
    EXPECT_EQ(str("split('x' + 0x27 + 'y', 0x27, 2)"), "y"); // the manual's hex delimiter
}

TEST(ExpressionManual, IfElse) {
    const char* e = "ifelse(option[230].exists, option[230].hex, 'none')";
    EXPECT_EQ(str(e), "none");
    EXPECT_EQ(str(e, query({{230, bytes("yes")}})), "yes");
    EXPECT_EQ(str("ifelse('foo' == 'bar', 'us', 'them')"), "them");
    EXPECT_EQ(str("ifelse('foo' == 'foo', 'us', 'them')"), "us");
}

TEST(ExpressionManual, HexString) {
    EXPECT_EQ(str("hexstring(pkt4.mac, ':')"), "00:0c:01:02:03:04");
    // Kea prints lower-case digits (the manual's table shows upper case).
    EXPECT_EQ(str("hexstring('foo', '-')"), "66-6f-6f");
    EXPECT_EQ(str("hexstring(0x0a1b2c3e, ':')"), "0a:1b:2c:3e");
    EXPECT_EQ(str("hexstring(0x0a1b, '')"), "0a1b");
    EXPECT_EQ(str("hexstring(0x0a1b, ' :: ')"), "0a :: 1b");
    EXPECT_EQ(str("hexstring('', ':')"), "");
}

TEST(ExpressionManual, Conversions) {
    EXPECT_EQ(str("addrtotext (192.10.0.1)"), "192.10.0.1");
    EXPECT_EQ(str("addrtotext (2003:db8::)"), "2003:db8::");
    EXPECT_EQ(str("addrtotext(::ffff:10.1.2.3)"), "::ffff:10.1.2.3");
    // The manual writes int8totext (-1); Kea refuses a negative integer literal, so the
    // byte is written in hex.
    EXPECT_EQ(str("int8totext (0xff)"), "-1");
    EXPECT_EQ(str("int8totext (0x7f)"), "127");
    EXPECT_EQ(str("int16totext (0xffff)"), "-1");
    EXPECT_EQ(str("int16totext (0x8000)"), "-32768");
    EXPECT_EQ(str("int32totext (0xffffffff)"), "-1");
    EXPECT_EQ(str("int32totext (-0)"), "0");
    EXPECT_EQ(str("uint8totext (0xff)"), "255");
    EXPECT_EQ(str("uint16totext (0xffff)"), "65535");
    EXPECT_EQ(str("uint16totext (0x0102)"), "258"); // network order
    EXPECT_EQ(str("uint32totext (4294967295)"), "4294967295");
    EXPECT_EQ(str("uint32totext (pkt4.transid)"), "12345");
    EXPECT_EQ(str("uint32totext (pkt4.htype)"), "1");
}

TEST(ExpressionManual, ConversionsOfEmptyAndWrongSizes) {
    // An empty value stays empty.
    EXPECT_EQ(str("addrtotext('')"), "");
    EXPECT_EQ(str("uint8totext(option[230].hex)"), "");
    EXPECT_EQ(failure("uint8totext('')"), "");
    // A value of the wrong size is an evaluation error, with Kea's text.
    EXPECT_EQ(failure("addrtotext(0x010203)"), "Can not convert to valid address.");
    EXPECT_EQ(failure("int8totext(0x0102)"), "Can not convert to valid int8.");
    EXPECT_EQ(failure("int16totext(0x01)"), "Can not convert to valid int16.");
    EXPECT_EQ(failure("int32totext(0x01)"), "Can not convert to valid int32.");
    EXPECT_EQ(failure("uint8totext(0x0102)"), "Can not convert to valid uint8.");
    EXPECT_EQ(failure("uint16totext(0x01)"), "Can not convert to valid uint16.");
    EXPECT_EQ(failure("uint32totext(0x01)"), "Can not convert to valid uint32.");
    EXPECT_EQ(str("int8totext(0x0102)"), ""); // the value of a failed evaluation
    // A failed test is not a match.
    EXPECT_FALSE(test("int8totext(0x0102) == '' or 'a' == 'a'"));
}

TEST(ExpressionManual, CaseConversions) {
    EXPECT_EQ(str("lcase('LoWeR')"), "lower");
    EXPECT_EQ(str("ucase('uPpEr')"), "UPPER");
    EXPECT_EQ(str("ucase(0xe9 + 'a1-_')"), "\xe9"
                                           "A1-_"); // ASCII letters only
    EXPECT_TRUE(test("lcase(option[60].text) == 'msft 5.0'", query({{60, bytes("MSFT 5.0")}})));
}

TEST(ExpressionManual, Equality) {
    EXPECT_TRUE(test("'foo' == 'foo'"));
    EXPECT_FALSE(test("'foo' == 'bar'"));
    EXPECT_FALSE(test("'foo' == 'foo '"));
    EXPECT_TRUE(test("0x666f6f == 'foo'")); // bytes are compared, whatever their source
    EXPECT_TRUE(test("1 == 0x00000001"));
    EXPECT_FALSE(test("1 == 0x01")); // integers are four bytes
    EXPECT_TRUE(test("10.0.0.1 == 0x0a000001"));
    EXPECT_TRUE(test("'' == option[230].hex"));
}

TEST(ExpressionManual, LogicalOperators) {
    EXPECT_TRUE(test("not ('foo' == 'bar')"));
    EXPECT_FALSE(test("('foo' == 'bar') and ('bar' == 'foo')"));
    EXPECT_FALSE(test("('foo' == 'bar') or ('bar' == 'foo')"));
    EXPECT_TRUE(test("('foo' == 'foo') or ('bar' == 'foo')"));
    EXPECT_TRUE(test("('foo' == 'foo') and ('bar' == 'bar')"));
}

// "Not has the highest precedence and Or the lowest ... A and B or C means (A and B) or C."
TEST(ExpressionManual, Precedence) {
    const std::string t = "'1' == '1'";
    const std::string f = "'1' == '0'";
    // A and B or C = (A and B) or C: F and F or T is true (F and (F or T) would be false).
    EXPECT_TRUE(test(f + " and " + f + " or " + t));
    // T or F and F = T or (F and F): true ((T or F) and F would be false).
    EXPECT_TRUE(test(t + " or " + f + " and " + f));
    // not binds tighter than and/or: not T or T is (not T) or T.
    EXPECT_TRUE(test("not " + t + " or " + t));
    EXPECT_FALSE(test("not " + t + " and " + t));
    EXPECT_FALSE(test("not (" + t + " or " + t + ")"));
    EXPECT_TRUE(test("not not " + t));
    // A and (B or C) with the brackets.
    EXPECT_FALSE(test(f + " and (" + f + " or " + t + ")"));
    // Left associativity does not change and/or, but it does the grouping of '+'.
    EXPECT_EQ(str("substring('ab' + 'cd', 1, 2) + 'x'"), "bcx");
}

TEST(ExpressionManual, ClientFooExample) {
    const char* e = "substring(option[61].hex,0,3) == 'foo'";
    EXPECT_TRUE(test(e, query({{61, bytes("foobar")}})));
    EXPECT_FALSE(test(e, query({{61, bytes("fobar")}})));
    EXPECT_FALSE(test(e));
}

TEST(ExpressionManual, InfrastructureExample) {
    // option[82].option[2].hex == pkt4.mac: a relay's remote-id equal to the client's MAC.
    const char* e = "option[82].option[2].hex == pkt4.mac";
    const std::vector<uint8_t> mac = {0x00, 0x0c, 0x01, 0x02, 0x03, 0x04};
    std::vector<uint8_t> rai = {1, 2, 'x', 'y', 2, 6};
    rai.insert(rai.end(), mac.begin(), mac.end());
    EXPECT_TRUE(test(e, query({{82, rai}})));
    rai.back() = 5;
    EXPECT_FALSE(test(e, query({{82, rai}})));
}

} // namespace
} // namespace kahu::eval::test
