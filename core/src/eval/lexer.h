// SPDX-License-Identifier: MPL-2.0
// The tokens of Kea's expression language, split as Kea's flex scanner (lexer.ll) splits
// them: the longest match wins, a word followed by ']' is an option name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kahu::eval::detail {

enum class Tok : uint8_t {
    End,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Dot,
    Comma,
    Equal,
    Plus,
    Star,
    String,     ///< 'text' (text is what lies between the quotes; Kea has no escapes)
    Integer,    ///< -?[0-9]+ that fits 64 bits
    HexString,  ///< 0x... (text includes the 0x)
    IpAddress,  ///< a valid IPv4 or IPv6 address
    OptionName, ///< a name directly followed by ']'
    Keyword,
};

enum class Kw : uint8_t {
    None,
    Not,
    And,
    Or,
    Option,
    Relay4,
    Relay6,
    Member,
    PeerAddr,
    LinkAddr,
    Text,
    Hex,
    Exists,
    Pkt,
    Iface,
    Src,
    Dst,
    Len,
    Pkt4,
    Mac,
    Hlen,
    Htype,
    Ciaddr,
    Giaddr,
    Yiaddr,
    Siaddr,
    Pkt6,
    MsgType,
    TransId,
    Substring,
    Split,
    All,
    Concat,
    IfElse,
    HexString,
    AddrToText,
    Int8ToText,
    Int16ToText,
    Int32ToText,
    UInt8ToText,
    UInt16ToText,
    UInt32ToText,
    LowerCase,
    UpperCase,
    Vendor,
    VendorClass,
    Data,
    Enterprise,
};

struct Token {
    Tok kind = Tok::End;
    Kw keyword = Kw::None;
    size_t column = 1; ///< 1-based
    std::string_view text;
};

/// The tokens of `text`, ending with Tok::End. Throws ExpressionError for a character no
/// token starts with, an unterminated string, a number too large for 64 bits or an address
/// that is not one.
std::vector<Token> tokenize(std::string_view text);

/// How a token reads in a message: "'foo'", "')'", "the end".
std::string describe(const Token& t);

} // namespace kahu::eval::detail
