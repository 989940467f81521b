// SPDX-License-Identifier: MPL-2.0
#include "eval/parser.h"

#include "eval/lexer.h"

#include <algorithm>
#include <arpa/inet.h>
#include <charconv>
#include <kahu/dhcp/hw_addr.h>
#include <limits>
#include <string>

namespace kahu::eval::detail {

namespace {

// Deep enough for any expression a person writes, shallow enough for the parser's recursion.
constexpr int kMaxNesting = 200;

// Kea's priorities: 'or' < 'and' < 'not' (binding tightest), '+' inside the operands of '=='.
class Parser {
public:
    Parser(std::string_view text, const ParseOptions& options, Program& program)
        : tokens_(tokenize(text)), options_(options),
          definitions_(options.definitions ? *options.definitions : OptionDefinitions::standard()),
          program_(program) {}

    void parse(ResultType type) {
        const Token& start = peek();
        const ResultType got = orExpr();
        if (peek().kind != Tok::End) {
            if (got == ResultType::String) {
                fail(peek(), "expected '==' or '+' after the string, found " + describe(peek()));
            }
            fail(peek(), "expected 'and', 'or' or the end, found " + describe(peek()));
        }
        if (type == ResultType::Bool) {
            requireBool(got);
        } else if (got != ResultType::String) {
            fail(start, "a string expression is required here, not a boolean");
        }
        program_.type = type;
    }

private:
    std::vector<Token> tokens_;
    size_t pos_ = 0;
    const ParseOptions& options_;
    const OptionDefinitions& definitions_;
    Program& program_;
    size_t depth_ = 0; // values on the stack at this point of the program
    int nesting_ = 0;

    // --- tokens ---------------------------------------------------------------------

    const Token& peek() const { return tokens_[pos_]; }
    const Token& next() {
        const Token& t = tokens_[pos_];
        if (t.kind != Tok::End) {
            ++pos_;
        }
        return t;
    }
    bool at(Tok kind) const { return peek().kind == kind; }
    bool at(Kw keyword) const { return peek().kind == Tok::Keyword && peek().keyword == keyword; }

    [[noreturn]] static void fail(const Token& t, const std::string& msg) {
        throw ExpressionError(t.column, msg);
    }
    // `what` completes "expected ...": "')' after the substring length".
    const Token& expect(Tok kind, const char* what) {
        if (!at(kind)) {
            fail(peek(), std::string("expected ") + what + ", found " + describe(peek()));
        }
        return next();
    }
    const Token& expect(Kw keyword, const char* what) {
        if (!at(keyword)) {
            fail(peek(), std::string("expected ") + what + ", found " + describe(peek()));
        }
        return next();
    }

    // --- emitting -------------------------------------------------------------------

    void emit(const Instr& instr, size_t pops, size_t pushes = 1) {
        program_.code.push_back(instr);
        depth_ = depth_ - pops + pushes;
        program_.maxDepth = std::max(program_.maxDepth, depth_);
    }
    void emitLiteral(std::string_view bytes) {
        Instr i;
        i.op = Op::Literal;
        i.offset = uint32_t(program_.literals.size());
        i.length = uint32_t(bytes.size());
        program_.literals.append(bytes);
        emit(i, 0);
    }
    void emitOp(Op op, size_t pops) {
        Instr i;
        i.op = op;
        emit(i, pops);
    }
    int32_t keepDefinition(const OptionDefinition* def) {
        if (!def) {
            return -1;
        }
        program_.definitions.push_back(*def);
        return int32_t(program_.definitions.size() - 1);
    }

    // --- types ----------------------------------------------------------------------

    // A string where a boolean belongs: Kea's grammar then wanted '==' right after it.
    void requireBool(ResultType t) const {
        if (t != ResultType::Bool) {
            fail(peek(), "expected '==' after the string, found " + describe(peek()));
        }
    }
    static void requireString(ResultType t, const Token& start, const char* what) {
        if (t != ResultType::String) {
            fail(start, std::string(what) + " must be a string, not a boolean");
        }
    }

    // --- expressions ----------------------------------------------------------------

    // Counts the recursion of the two rules that nest ('(' and function arguments go
    // through orExpr, 'not' through notExpr).
    class Nested {
    public:
        explicit Nested(Parser& p) : p_(p) {
            if (++p_.nesting_ > kMaxNesting) {
                fail(p_.peek(), "the expression is nested too deeply");
            }
        }
        ~Nested() { --p_.nesting_; }
        Nested(const Nested&) = delete;
        Nested& operator=(const Nested&) = delete;

    private:
        Parser& p_;
    };

    ResultType orExpr() {
        const Nested nested(*this);
        ResultType t = andExpr();
        while (at(Kw::Or)) {
            requireBool(t);
            next();
            requireBool(andExpr());
            emitOp(Op::Or, 2);
        }
        return t;
    }

    ResultType andExpr() {
        ResultType t = notExpr();
        while (at(Kw::And)) {
            requireBool(t);
            next();
            requireBool(notExpr());
            emitOp(Op::And, 2);
        }
        return t;
    }

    ResultType notExpr() {
        if (!at(Kw::Not)) {
            return compareExpr();
        }
        next();
        const Nested nested(*this);
        requireBool(notExpr());
        emitOp(Op::Not, 1);
        return ResultType::Bool;
    }

    ResultType compareExpr() {
        const ResultType t = concatExpr();
        if (!at(Tok::Equal)) {
            return t;
        }
        if (t != ResultType::String) {
            fail(peek(), "'==' compares strings, and its left side is a boolean");
        }
        next();
        const Token& right = peek();
        requireString(concatExpr(), right, "the right side of '=='");
        emitOp(Op::Equal, 2);
        return ResultType::Bool;
    }

    ResultType concatExpr() {
        const Token& left = peek();
        ResultType t = primary();
        while (at(Tok::Plus)) {
            requireString(t, left, "the left side of '+'");
            next();
            const Token& right = peek();
            requireString(primary(), right, "the right side of '+'");
            emitOp(Op::Concat, 2);
        }
        return t;
    }

    // A string argument of a function, then the token after it.
    void stringArgument(const char* what, Tok after, const char* afterWhat) {
        const Token& start = peek();
        requireString(orExpr(), start, what);
        expect(after, afterWhat);
    }

    ResultType primary() {
        const Token& t = next();
        switch (t.kind) {
        case Tok::LParen: {
            const ResultType inner = orExpr();
            if (!at(Tok::RParen)) {
                if (inner == ResultType::String) {
                    fail(peek(),
                         "expected ')' or '==' after the string, found " + describe(peek()));
                }
                fail(peek(), "expected ')' to close the '(' at column " + std::to_string(t.column) +
                                 ", found " + describe(peek()));
            }
            next();
            return inner;
        }
        case Tok::String:
            emitLiteral(t.text);
            return ResultType::String;
        case Tok::HexString:
            emitLiteral(hexLiteral(t.text));
            return ResultType::String;
        case Tok::IpAddress:
            emitLiteral(addressLiteral(t.text));
            return ResultType::String;
        case Tok::Integer: {
            const uint32_t v = uint32(t, 0xffffffffu);
            const char bytes[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
            emitLiteral(std::string_view(bytes, 4));
            return ResultType::String;
        }
        case Tok::Keyword:
            return keyword(t);
        default:
            break;
        }
        fail(t, "expected a value (a string, a number, an option, a packet field, a function "
                "or a test), found " +
                    describe(t));
    }

    ResultType keyword(const Token& t) {
        switch (t.keyword) {
        case Kw::Option:
            return option();
        case Kw::Relay4:
            return relay4();
        case Kw::Relay6:
            fail(t, "relay6 can only be used in DHCPv6.");
        case Kw::Pkt6:
            fail(t, "pkt6 can only be used in DHCPv6.");
        case Kw::Member:
            return member();
        case Kw::Pkt:
            return pkt();
        case Kw::Pkt4:
            return pkt4();
        case Kw::Vendor:
            return vendor();
        case Kw::VendorClass:
            return vendorClass();
        case Kw::Substring:
            return substring();
        case Kw::Split:
            return split();
        case Kw::Concat:
            expect(Tok::LParen, "'(' after concat");
            stringArgument("the first value of concat", Tok::Comma,
                           "',' after concat's first value");
            stringArgument("the second value of concat", Tok::RParen,
                           "')' after concat's second value");
            emitOp(Op::Concat, 2);
            return ResultType::String;
        case Kw::IfElse: {
            expect(Tok::LParen, "'(' after ifelse");
            requireBool(orExpr());
            expect(Tok::Comma, "',' after ifelse's condition");
            stringArgument("the value of ifelse when true", Tok::Comma,
                           "',' after ifelse's value when true");
            stringArgument("the value of ifelse when false", Tok::RParen,
                           "')' after ifelse's value when false");
            emitOp(Op::IfElse, 3);
            return ResultType::String;
        }
        case Kw::HexString:
            expect(Tok::LParen, "'(' after hexstring");
            stringArgument("the value of hexstring", Tok::Comma, "',' after hexstring's value");
            stringArgument("the separator of hexstring", Tok::RParen,
                           "')' after hexstring's separator");
            emitOp(Op::HexString, 2);
            return ResultType::String;
        case Kw::AddrToText:
            return unary(Op::AddrToText, "addrtotext");
        case Kw::Int8ToText:
            return unary(Op::Int8ToText, "int8totext");
        case Kw::Int16ToText:
            return unary(Op::Int16ToText, "int16totext");
        case Kw::Int32ToText:
            return unary(Op::Int32ToText, "int32totext");
        case Kw::UInt8ToText:
            return unary(Op::UInt8ToText, "uint8totext");
        case Kw::UInt16ToText:
            return unary(Op::UInt16ToText, "uint16totext");
        case Kw::UInt32ToText:
            return unary(Op::UInt32ToText, "uint32totext");
        case Kw::LowerCase:
            return unary(Op::LowerCase, "lcase");
        case Kw::UpperCase:
            return unary(Op::UpperCase, "ucase");
        case Kw::Not:
            // 'not' binds tighter than 'and' but applies to tests only: `'a' + not ...`.
            fail(t, "'not' applies to a test; it cannot start a string value");
        default:
            break;
        }
        fail(t, "expected a value (a string, a number, an option, a packet field, a function "
                "or a test), found " +
                    describe(t));
    }

    ResultType unary(Op op, const char* name) {
        const std::string open = std::string("'(' after ") + name;
        const std::string what = std::string("the value of ") + name;
        const std::string close = std::string("')' after ") + name + "'s value";
        expect(Tok::LParen, open.c_str());
        stringArgument(what.c_str(), Tok::RParen, close.c_str());
        emitOp(op, 1);
        return ResultType::String;
    }

    // --- numbers --------------------------------------------------------------------

    static int64_t integer(const Token& t) {
        int64_t v = 0;
        std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
        return v; // the scanner checked that it fits
    }
    // Kea's EvalContext::convertUint32 / convertUint8 with their messages.
    static uint32_t uint32(const Token& t, uint32_t max) {
        const int64_t v = integer(t);
        if (v < 0 || v > int64_t(max)) {
            fail(t, "Invalid value in " + std::string(t.text) + ". Allowed range: 0.." +
                        std::to_string(max));
        }
        return uint32_t(v);
    }
    // EvalContext::convertOptionCode.
    static uint8_t optionCode(const Token& t) {
        const int64_t v = integer(t);
        if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
            fail(t, "Option code has invalid value in " + std::string(t.text));
        }
        if (v < 0 || v > 255) {
            fail(t, "Option code has invalid value in " + std::string(t.text) +
                        ". Allowed range: 0..255");
        }
        return uint8_t(v);
    }

    // TokenHexString: the digits after 0x, a leading 0 added to an odd count.
    static std::string hexLiteral(std::string_view text) {
        std::string digits(text.substr(2));
        if (digits.size() % 2) {
            digits.insert(digits.begin(), '0');
        }
        std::string out;
        for (size_t i = 0; i < digits.size(); i += 2) {
            out += char(hexNibble(digits[i]) << 4 | hexNibble(digits[i + 1]));
        }
        return out;
    }

    static std::string addressLiteral(std::string_view text) {
        const std::string s(text);
        unsigned char bytes[16];
        if (inet_pton(AF_INET, s.c_str(), bytes) == 1) {
            return std::string(reinterpret_cast<const char*>(bytes), 4);
        }
        inet_pton(AF_INET6, s.c_str(), bytes); // the scanner checked it
        return std::string(reinterpret_cast<const char*>(bytes), 16);
    }

    // --- options --------------------------------------------------------------------

    Repr representation(const char* after) {
        const Token& t = peek();
        if (at(Kw::Hex) || at(Kw::Text) || at(Kw::Exists)) {
            next();
            return t.keyword == Kw::Hex ? Repr::Hex
                                        : (t.keyword == Kw::Text ? Repr::Text : Repr::Exists);
        }
        fail(t,
             std::string("expected hex, text or exists after ") + after + ", found " + describe(t));
    }
    static ResultType typeOf(Repr r) {
        return r == Repr::Exists ? ResultType::Bool : ResultType::String;
    }

    ResultType option() {
        expect(Tok::LBracket, "'[' after option");
        const Token& c = next();
        uint8_t code = 0;
        const OptionDefinition* def = nullptr;
        if (c.kind == Tok::Integer) {
            code = optionCode(c);
            def = definitions_.byCode(code, "dhcp4");
        } else if (c.kind == Tok::OptionName) {
            // EvalContext::convertOptionName: the standard, then the configured definitions
            // (both in `definitions_`), 43 being Kea's last-resort one.
            def = definitions_.byName(c.text, "dhcp4");
            if (!def) {
                fail(c, "option '" + std::string(c.text) + "' is not defined");
            }
            code = def->code;
        } else {
            fail(c, "expected an option code or name after 'option[', found " + describe(c));
        }
        expect(Tok::RBracket, "']' after the option code");
        expect(Tok::Dot, "'.' after 'option[...]'");
        Instr i;
        i.code = code;
        i.definition = keepDefinition(def);
        if (at(Kw::Option)) {
            next();
            expect(Tok::LBracket, "'[' after '.option'");
            i.sub = optionCode(expect(Tok::Integer, "a sub-option code after '.option['"));
            expect(Tok::RBracket, "']' after the sub-option code");
            expect(Tok::Dot, "'.' after '.option[...]'");
            i.op = Op::SubOption;
            i.repr = representation("the sub-option");
        } else {
            i.op = Op::Option;
            i.repr = representation("'option[...].'");
        }
        emit(i, 0);
        return typeOf(i.repr);
    }

    ResultType relay4() {
        expect(Tok::LBracket, "'[' after relay4");
        Instr i;
        i.op = Op::Relay4;
        i.sub = optionCode(expect(Tok::Integer, "a sub-option code after 'relay4['"));
        expect(Tok::RBracket, "']' after the sub-option code");
        expect(Tok::Dot, "'.' after 'relay4[...]'");
        i.repr = representation("'relay4[...].'");
        emit(i, 0);
        return typeOf(i.repr);
    }

    ResultType member() {
        expect(Tok::LParen, "'(' after member");
        const Token& name = expect(Tok::String, "a class name in quotes after 'member('");
        const std::string_view cls = name.text;
        if (!isBuiltinClass(cls) && options_.classDefined && !options_.classDefined(cls)) {
            fail(name, "Not defined client class '" + std::string(cls) + "'");
        }
        expect(Tok::RParen, "')' after the class name");
        Instr i;
        i.op = Op::Member;
        i.offset = uint32_t(program_.literals.size());
        i.length = uint32_t(cls.size());
        program_.literals.append(cls);
        emit(i, 0);
        auto& classes = program_.classes;
        if (std::find(classes.begin(), classes.end(), cls) == classes.end()) {
            classes.emplace_back(cls);
        }
        return ResultType::Bool;
    }

    ResultType pkt() {
        expect(Tok::Dot, "'.' after pkt");
        const Token& f = next();
        Instr i;
        switch (f.kind == Tok::Keyword ? f.keyword : Kw::None) {
        case Kw::Iface:
            i.op = Op::PktIface;
            break;
        case Kw::Src:
            i.op = Op::PktSrc;
            break;
        case Kw::Dst:
            i.op = Op::PktDst;
            break;
        case Kw::Len:
            i.op = Op::PktLen;
            break;
        default:
            fail(f, "expected iface, src, dst or len after 'pkt.', found " + describe(f));
        }
        emit(i, 0);
        return ResultType::String;
    }

    ResultType pkt4() {
        expect(Tok::Dot, "'.' after pkt4");
        const Token& f = next();
        Instr i;
        switch (f.kind == Tok::Keyword ? f.keyword : Kw::None) {
        case Kw::Mac:
            i.op = Op::Pkt4Mac;
            break;
        case Kw::Hlen:
            i.op = Op::Pkt4Hlen;
            break;
        case Kw::Htype:
            i.op = Op::Pkt4Htype;
            break;
        case Kw::Ciaddr:
            i.op = Op::Pkt4Ciaddr;
            break;
        case Kw::Giaddr:
            i.op = Op::Pkt4Giaddr;
            break;
        case Kw::Yiaddr:
            i.op = Op::Pkt4Yiaddr;
            break;
        case Kw::Siaddr:
            i.op = Op::Pkt4Siaddr;
            break;
        case Kw::MsgType:
            i.op = Op::Pkt4MsgType;
            break;
        case Kw::TransId:
            i.op = Op::Pkt4TransId;
            break;
        default:
            fail(f, "expected mac, hlen, htype, ciaddr, giaddr, yiaddr, siaddr, msgtype or "
                    "transid after 'pkt4.', found " +
                        describe(f));
        }
        emit(i, 0);
        return ResultType::String;
    }

    // enterprise_id: a number or '*' (0 also matches any).
    uint32_t enterpriseId(const char* after) {
        const Token& t = next();
        if (t.kind == Tok::Star) {
            return 0;
        }
        if (t.kind != Tok::Integer) {
            fail(t, std::string("expected an enterprise number or '*' after '") + after +
                        "[', found " + describe(t));
        }
        return uint32(t, 0xffffffffu);
    }

    ResultType vendor() {
        Instr i;
        if (at(Tok::Dot)) {
            next();
            expect(Kw::Enterprise, "enterprise after 'vendor.'");
            i.op = Op::VendorEnterprise;
            emit(i, 0);
            return ResultType::String;
        }
        expect(Tok::LBracket, "'[' or '.enterprise' after vendor");
        i.enterprise = enterpriseId("vendor");
        expect(Tok::RBracket, "']' after the enterprise number");
        expect(Tok::Dot, "'.' after 'vendor[...]'");
        if (at(Kw::Exists)) {
            next();
            i.op = Op::VendorExists;
            emit(i, 0);
            return ResultType::Bool;
        }
        expect(Kw::Option, "exists or option after 'vendor[...].'");
        expect(Tok::LBracket, "'[' after '.option'");
        i.sub = optionCode(expect(Tok::Integer, "a sub-option code after '.option['"));
        expect(Tok::RBracket, "']' after the sub-option code");
        expect(Tok::Dot, "'.' after '.option[...]'");
        i.op = Op::VendorOption;
        i.repr = representation("the vendor sub-option");
        emit(i, 0);
        return typeOf(i.repr);
    }

    ResultType vendorClass() {
        Instr i;
        if (at(Tok::Dot)) {
            next();
            expect(Kw::Enterprise, "enterprise after 'vendor-class.'");
            i.op = Op::VendorClassEnterprise;
            emit(i, 0);
            return ResultType::String;
        }
        expect(Tok::LBracket, "'[' or '.enterprise' after vendor-class");
        i.enterprise = enterpriseId("vendor-class");
        expect(Tok::RBracket, "']' after the enterprise number");
        expect(Tok::Dot, "'.' after 'vendor-class[...]'");
        if (at(Kw::Exists)) {
            next();
            i.op = Op::VendorClassExists;
            emit(i, 0);
            return ResultType::Bool;
        }
        expect(Kw::Data, "exists or data after 'vendor-class[...].'");
        i.op = Op::VendorClassData;
        if (at(Tok::LBracket)) {
            next();
            i.sub = uint8_t(uint32(expect(Tok::Integer, "a data index after 'data['"), 255));
            expect(Tok::RBracket, "']' after the data index");
        }
        emit(i, 0);
        return ResultType::String;
    }

    // --- functions with literal arguments -------------------------------------------

    ResultType substring() {
        expect(Tok::LParen, "'(' after substring");
        stringArgument("the value of substring", Tok::Comma, "',' after the substring value");
        Instr i;
        i.op = Op::Substring;
        i.first = integer(expect(Tok::Integer, "an integer start after the substring value"));
        expect(Tok::Comma, "',' after the substring start");
        if (at(Kw::All)) {
            next();
            i.all = true;
        } else {
            i.second =
                integer(expect(Tok::Integer, "an integer length or all after the substring start"));
        }
        expect(Tok::RParen, "')' after the substring length");
        emit(i, 1);
        return ResultType::String;
    }

    ResultType split() {
        expect(Tok::LParen, "'(' after split");
        stringArgument("the value of split", Tok::Comma, "',' after the split value");
        stringArgument("the delimiters of split", Tok::Comma, "',' after the split delimiters");
        Instr i;
        i.op = Op::Split;
        i.first = integer(expect(Tok::Integer, "an integer field number after the delimiters"));
        expect(Tok::RParen, "')' after the split field number");
        emit(i, 2);
        return ResultType::String;
    }
};

} // namespace

Program compile(std::string_view text, ResultType type, const ParseOptions& options) {
    Program program;
    Parser(text, options, program).parse(type);
    return program;
}

} // namespace kahu::eval::detail
