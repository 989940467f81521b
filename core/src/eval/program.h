// SPDX-License-Identifier: MPL-2.0
// The compiled form of an expression: a flat list of instructions in reverse Polish order, as
// Kea's token list is, run by evaluator.cc over a stack of byte strings. Everything an
// instruction needs (literal bytes, option definitions, class names) lives in the program, so
// an evaluation reads nothing but the program and the packet.
#pragma once

#include <cstdint>
#include <kahu/dhcp/option_definition.h>
#include <kahu/eval/expression.h>
#include <string>
#include <vector>

namespace kahu::eval::detail {

enum class Op : uint8_t {
    Literal, ///< push literals[offset, offset + length)
    // Options. `code` is the option, `sub` the sub-option, `repr` hex, text or exists.
    Option,
    SubOption,
    Relay4, ///< sub-option `sub` of option 82
    // Vendor options: `enterprise` 0 matches any enterprise number (Kea's '*').
    VendorExists,          ///< vendor[e].exists (option 125)
    VendorOption,          ///< vendor[e].option[sub].<repr>
    VendorEnterprise,      ///< vendor.enterprise
    VendorClassExists,     ///< vendor-class[e].exists (option 124)
    VendorClassEnterprise, ///< vendor-class.enterprise
    VendorClassData,       ///< vendor-class[e].data[sub]
    // Packet fields.
    PktIface,
    PktSrc,
    PktDst,
    PktLen,
    Pkt4Mac,
    Pkt4Hlen,
    Pkt4Htype,
    Pkt4Ciaddr,
    Pkt4Giaddr,
    Pkt4Yiaddr,
    Pkt4Siaddr,
    Pkt4MsgType,
    Pkt4TransId,
    Member, ///< member(literals[offset, offset + length))
    // Operators, popping their operands.
    Equal,
    Not,
    And,
    Or,
    Substring, ///< start `first`, length `second` or the rest when `all`
    Split,     ///< field `first`
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
};

enum class Repr : uint8_t { Hex, Text, Exists };

struct Instr {
    Op op = Op::Literal;
    Repr repr = Repr::Hex;
    uint8_t code = 0;
    uint8_t sub = 0;
    uint32_t enterprise = 0;
    uint32_t offset = 0; ///< into Program::literals
    uint32_t length = 0;
    int64_t first = 0;
    int64_t second = 0;
    bool all = false;
    int32_t definition = -1; ///< index into Program::definitions; -1: the option has none
};

struct Program {
    ResultType type = ResultType::Bool;
    std::vector<Instr> code;
    std::string literals;
    /// Copies of the definitions of the options the program reads (the configuration's
    /// option-def entries may not outlive the expression).
    std::vector<OptionDefinition> definitions;
    std::vector<std::string> classes;
    size_t maxDepth = 0; ///< the deepest the value stack gets
};

} // namespace kahu::eval::detail
