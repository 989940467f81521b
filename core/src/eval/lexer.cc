// SPDX-License-Identifier: MPL-2.0
#include "eval/lexer.h"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <charconv>
#include <kahu/eval/expression.h>
#include <string>

namespace kahu::eval::detail {

namespace {

struct KeywordName {
    std::string_view text;
    Kw keyword;
};

// Kea's keyword rules (lexer.ll). "known" and "unknown" are not among them: Kea's manual
// lists them as shorthands, but its scanner has no such token and refuses them.
constexpr std::array<KeywordName, 47> kKeywords = {{
    {"not", Kw::Not},
    {"and", Kw::And},
    {"or", Kw::Or},
    {"option", Kw::Option},
    {"relay4", Kw::Relay4},
    {"relay6", Kw::Relay6},
    {"member", Kw::Member},
    {"peeraddr", Kw::PeerAddr},
    {"linkaddr", Kw::LinkAddr},
    {"text", Kw::Text},
    {"hex", Kw::Hex},
    {"exists", Kw::Exists},
    {"pkt", Kw::Pkt},
    {"iface", Kw::Iface},
    {"src", Kw::Src},
    {"dst", Kw::Dst},
    {"len", Kw::Len},
    {"pkt4", Kw::Pkt4},
    {"mac", Kw::Mac},
    {"hlen", Kw::Hlen},
    {"htype", Kw::Htype},
    {"ciaddr", Kw::Ciaddr},
    {"giaddr", Kw::Giaddr},
    {"yiaddr", Kw::Yiaddr},
    {"siaddr", Kw::Siaddr},
    {"pkt6", Kw::Pkt6},
    {"msgtype", Kw::MsgType},
    {"transid", Kw::TransId},
    {"substring", Kw::Substring},
    {"split", Kw::Split},
    {"all", Kw::All},
    {"concat", Kw::Concat},
    {"ifelse", Kw::IfElse},
    {"hexstring", Kw::HexString},
    {"addrtotext", Kw::AddrToText},
    {"int8totext", Kw::Int8ToText},
    {"int16totext", Kw::Int16ToText},
    {"int32totext", Kw::Int32ToText},
    {"uint8totext", Kw::UInt8ToText},
    {"uint16totext", Kw::UInt16ToText},
    {"uint32totext", Kw::UInt32ToText},
    {"lcase", Kw::LowerCase},
    {"ucase", Kw::UpperCase},
    {"vendor", Kw::Vendor},
    {"vendor-class", Kw::VendorClass},
    {"data", Kw::Data},
    {"enterprise", Kw::Enterprise},
}};

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isHexDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isNameChar(char c) {
    return isLetter(c) || isDigit(c) || c == '-' || c == '_';
}
bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\n';
}

size_t run(std::string_view s, size_t pos, bool (*accept)(char)) {
    size_t end = pos;
    while (end < s.size() && accept(s[end])) {
        ++end;
    }
    return end - pos;
}

// addr4: [0-9]+ '.' [0-9]+ '.' [0-9]+ '.' [0-9]+
size_t matchAddr4(std::string_view s, size_t pos) {
    size_t i = pos;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (i >= s.size() || s[i] != '.') {
                return 0;
            }
            ++i;
        }
        const size_t digits = run(s, i, isDigit);
        if (digits == 0) {
            return 0;
        }
        i += digits;
    }
    return i - pos;
}

// addr6: [0-9a-fA-F]* ':' [0-9a-fA-F]* ':' [0-9a-fA-F:.]*
size_t matchAddr6(std::string_view s, size_t pos) {
    size_t i = pos;
    for (int colon = 0; colon < 2; ++colon) {
        i += run(s, i, isHexDigit);
        if (i >= s.size() || s[i] != ':') {
            return 0;
        }
        ++i;
    }
    i += run(s, i, [](char c) { return isHexDigit(c) || c == ':' || c == '.'; });
    return i - pos;
}

[[noreturn]] void fail(size_t pos, const std::string& msg) {
    throw ExpressionError(pos + 1, msg);
}

} // namespace

std::string describe(const Token& t) {
    if (t.kind == Tok::End) {
        return "the end";
    }
    if (t.kind == Tok::String) {
        return "the string '" + std::string(t.text) + "'";
    }
    return "'" + std::string(t.text) + "'";
}

std::vector<Token> tokenize(std::string_view s) {
    std::vector<Token> out;
    size_t i = 0;
    auto push = [&](Tok kind, size_t len, Kw kw = Kw::None) {
        out.push_back(Token{kind, kw, i + 1, s.substr(i, len)});
        i += len;
    };
    while (i < s.size()) {
        const char c = s[i];
        if (isBlank(c)) {
            ++i;
            continue;
        }
        if (c == '\'') {
            const size_t close = s.find_first_of("'\n", i + 1);
            if (close == std::string_view::npos || s[close] != '\'') {
                fail(i, "unterminated string: a string runs from ' to ' on one line");
            }
            out.push_back(Token{Tok::String, Kw::None, i + 1, s.substr(i + 1, close - i - 1)});
            i = close + 1;
            continue;
        }
        // The number, address and word rules compete; flex takes the longest match and,
        // between equal lengths, the rule written first (hex, integer, name, address).
        size_t hexLen = 0;
        if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
            const size_t digits = run(s, i + 2, isHexDigit);
            hexLen = digits ? digits + 2 : 0;
        }
        size_t intLen = 0;
        if (isDigit(c) || (c == '-' && i + 1 < s.size() && isDigit(s[i + 1]))) {
            intLen = (c == '-' ? 1 : 0) + run(s, i + (c == '-' ? 1 : 0), isDigit);
        }
        const size_t wordLen = isLetter(c) ? run(s, i, isNameChar) : 0;
        const size_t addrLen = std::max(matchAddr4(s, i), matchAddr6(s, i));
        const size_t longest = std::max({hexLen, intLen, wordLen, addrLen});
        if (longest == 0) {
            if (c == '=' && i + 1 < s.size() && s[i + 1] == '=') {
                push(Tok::Equal, 2);
                continue;
            }
            Tok kind = Tok::End;
            switch (c) {
            case '(':
                kind = Tok::LParen;
                break;
            case ')':
                kind = Tok::RParen;
                break;
            case '[':
                kind = Tok::LBracket;
                break;
            case ']':
                kind = Tok::RBracket;
                break;
            case '.':
                kind = Tok::Dot;
                break;
            case ',':
                kind = Tok::Comma;
                break;
            case '+':
                kind = Tok::Plus;
                break;
            case '*':
                kind = Tok::Star;
                break;
            default:
                fail(i, std::string("invalid character '") + c + "'");
            }
            push(kind, 1);
            continue;
        }
        if (hexLen == longest) {
            push(Tok::HexString, hexLen);
            continue;
        }
        if (intLen == longest) {
            int64_t v = 0;
            const char* first = s.data() + i;
            const auto [end, ec] = std::from_chars(first, first + intLen, v);
            if (ec != std::errc() || end != first + intLen) {
                fail(i,
                     "Failed to convert " + std::string(s.substr(i, intLen)) + " to an integer.");
            }
            push(Tok::Integer, intLen);
            continue;
        }
        if (wordLen == longest) {
            const std::string_view word = s.substr(i, wordLen);
            // A name ending in a letter or digit and followed by ']' (blanks between) is an
            // option name, whatever the word: flex counts the trailing context in the match.
            size_t next = i + wordLen;
            while (next < s.size() && isBlank(s[next])) {
                ++next;
            }
            const char last = word.back();
            if (next < s.size() && s[next] == ']' && last != '-' && last != '_') {
                push(Tok::OptionName, wordLen);
                continue;
            }
            const auto kw = std::find_if(kKeywords.begin(), kKeywords.end(),
                                         [&](const KeywordName& k) { return k.text == word; });
            if (kw != kKeywords.end()) {
                push(Tok::Keyword, wordLen, kw->keyword);
                continue;
            }
            if (word == "known" || word == "unknown") {
                fail(i, "'" + std::string(word) +
                            "' is not in Kea's expression language (its manual lists it, its "
                            "parser refuses it): write " +
                            (word == "known" ? "member('KNOWN')" : "not member('KNOWN')"));
            }
            fail(i, "'" + std::string(word) + "' is not a word of the expression language");
        }
        const std::string addr(s.substr(i, addrLen));
        unsigned char bytes[16];
        if (inet_pton(AF_INET, addr.c_str(), bytes) != 1 &&
            inet_pton(AF_INET6, addr.c_str(), bytes) != 1) {
            fail(i, "Failed to convert " + addr + " to an IP address.");
        }
        push(Tok::IpAddress, addrLen);
    }
    out.push_back(Token{Tok::End, Kw::None, s.size() + 1, {}});
    return out;
}

} // namespace kahu::eval::detail
