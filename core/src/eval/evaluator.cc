// SPDX-License-Identifier: MPL-2.0
// The operators follow Kea's tokens (token.cc) value for value, including where Kea gives
// up: an empty string where a value is missing, "false" where an option is.
#include "eval/evaluator.h"

#include "eval/option_view.h"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <charconv>
#include <kahu/dhcp/packet4.h>
#include <limits>
#include <string>
#include <vector>

namespace kahu::eval::detail {

namespace {

constexpr std::string_view kTrue = "true";
constexpr std::string_view kFalse = "false";
constexpr std::string_view kEmpty = "";

// A value: `external` bytes (literals, the packet, "true"/"false") or a slice of the scratch
// buffer, kept as an offset because the buffer may move when it grows.
struct Value {
    const char* external = nullptr;
    uint32_t offset = 0;
    uint32_t length = 0;
};

struct Scratch {
    std::string bytes;
    std::vector<Value> stack;
};

Scratch& scratch() {
    static thread_local Scratch s;
    return s;
}

// The standard DHCPv4 definitions by code, looked up once (option 82, pkt.len).
const std::array<const OptionDefinition*, 256>& standardByCode() {
    static const auto table = [] {
        std::array<const OptionDefinition*, 256> t{};
        for (unsigned c = 0; c < 256; ++c) {
            t[c] = OptionDefinitions::standard().byCode(uint8_t(c), "dhcp4");
        }
        return t;
    }();
    return table;
}

Bytes bytesOf(const std::vector<uint8_t>& v) {
    return Bytes(v.data(), v.size());
}

class Machine {
public:
    Machine(const Program& p, const Packet4& q, Scratch& s) : p_(p), q_(q), s_(s) {}

    const char* failure = nullptr;

    std::string_view run() {
        s_.bytes.clear();
        s_.stack.clear();
        s_.stack.reserve(p_.maxDepth);
        for (const Instr& i : p_.code) {
            step(i);
            if (failure) {
                return {};
            }
        }
        return view(s_.stack.back());
    }

private:
    const Program& p_;
    const Packet4& q_;
    Scratch& s_;

    std::string_view view(const Value& v) const {
        return v.external ? std::string_view(v.external, v.length)
                          : std::string_view(s_.bytes.data() + v.offset, v.length);
    }
    Value pop() {
        const Value v = s_.stack.back();
        s_.stack.pop_back();
        return v;
    }
    void push(std::string_view external) {
        // Every external value points somewhere, so that it is never taken for an offset.
        const char* data = external.empty() ? kEmpty.data() : external.data();
        s_.stack.push_back(Value{data, 0, uint32_t(external.size())});
    }
    void push(bool b) { push(b ? kTrue : kFalse); }
    void pushBytes(Bytes b) {
        push(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
    }
    // A value written to the scratch buffer by `write`, which appends to it.
    template <typename F> void pushWritten(F&& write) {
        const size_t start = s_.bytes.size();
        write(s_.bytes);
        s_.stack.push_back(Value{nullptr, uint32_t(start), uint32_t(s_.bytes.size() - start)});
    }
    void pushUint32(uint32_t v) {
        pushWritten([v](std::string& out) {
            out += char(v >> 24);
            out += char(v >> 16);
            out += char(v >> 8);
            out += char(v);
        });
    }
    void pushAddress(Ipv4Address a) { pushUint32(a.value()); }
    // A slice of a value already on the stack (substring, split).
    static Value slice(const Value& v, size_t from, size_t length) {
        Value r = v;
        if (r.external) {
            r.external += from;
        } else {
            r.offset += uint32_t(from);
        }
        r.length = uint32_t(length);
        return r;
    }
    bool popBool() { return view(pop()) == kTrue; }

    // The option's definition from the program, its holder and whether Kea has it.
    struct Found {
        const OptionDefinition* def = nullptr;
        Holder holder = Holder::Generic;
        Bytes data;
        bool present = false;
    };
    Found topOption(uint8_t code, int32_t definition) const {
        Found f;
        f.def = definition >= 0 ? &p_.definitions[size_t(definition)] : nullptr;
        f.holder = holderOf(f.def, code, true);
        if (const Option* o = q_.get(code)) {
            f.data = bytesOf(o->data);
            f.present = keaHolds(f.holder, f.data);
        }
        return f;
    }

    void pushOption(Repr repr, uint8_t code, const OptionDefinition* def, Holder holder, Bytes data,
                    bool present) {
        switch (repr) {
        case Repr::Exists:
            push(present);
            return;
        case Repr::Hex:
            if (!present) {
                push(kEmpty);
                return;
            }
            if (holder == Holder::Generic) {
                pushBytes(data); // the packet's bytes as they are: no copy
                return;
            }
            pushWritten([&](std::string& out) { appendKeaBytes(out, def, holder, data); });
            return;
        case Repr::Text:
            if (!present) {
                push(kEmpty);
                return;
            }
            pushWritten([&](std::string& out) { appendKeaText(out, code, def, holder, data); });
            return;
        }
    }
    void pushSubOption(Repr repr, uint8_t sub, const std::optional<SubOptionView>& found) {
        if (!found) {
            pushOption(repr, sub, nullptr, Holder::Generic, {}, false);
            return;
        }
        const Holder holder = holderOf(found->def, sub, false);
        pushOption(repr, sub, found->def, holder, found->data, keaHolds(holder, found->data));
    }

    std::optional<VendorView> vendor(uint32_t enterprise) const {
        const Option* o = q_.get(125);
        if (!o) {
            return std::nullopt;
        }
        auto v = keaVendor(bytesOf(o->data));
        if (v && enterprise && v->enterprise != enterprise) {
            return std::nullopt;
        }
        return v;
    }
    std::optional<Bytes> vendorClass(uint32_t enterprise) const {
        const Option* o = q_.get(124);
        if (!o) {
            return std::nullopt;
        }
        const Bytes data = bytesOf(o->data);
        const auto e = keaVendorClassEnterprise(data);
        if (!e || (enterprise && *e != enterprise)) {
            return std::nullopt;
        }
        return data;
    }

    // Kea's Pkt4::len(): the fixed header and each option as its object counts it; the
    // magic cookie, END and padding are not counted.
    uint32_t packetLength() const {
        size_t n = Packet4::kHeaderSize;
        const auto& defs = standardByCode();
        for (const Option& o : q_.options()) {
            const Holder h = holderOf(defs[o.code], o.code, true);
            const Bytes data = bytesOf(o.data);
            if (keaHolds(h, data)) {
                n += 2 + keaDataLength(h, data);
            }
        }
        return uint32_t(n);
    }

    void substring(const Instr& i) {
        const Value v = pop();
        const auto n = int64_t(v.length);
        if (n == 0) {
            push(kEmpty);
            return;
        }
        // Kea converts the literals with lexical_cast<int> when it evaluates.
        constexpr int64_t kMin = std::numeric_limits<int>::min();
        constexpr int64_t kMax = std::numeric_limits<int>::max();
        if (i.first < kMin || i.first > kMax) {
            failure = "the parameter for the starting position of the substring couldn't be "
                      "converted to an integer.";
            return;
        }
        if (!i.all && (i.second < kMin || i.second > kMax)) {
            failure = "the parameter for the length of the substring couldn't be converted to an "
                      "integer.";
            return;
        }
        int64_t start = i.first;
        int64_t length = i.all ? n : i.second;
        if (start < -n || start >= n) {
            push(kEmpty);
            return;
        }
        if (start < 0) {
            start += n;
        }
        if (length < 0) {
            // Counting back from start, the byte at start excluded.
            length = -length;
            if (length <= start) {
                start -= length;
            } else {
                length = start;
                start = 0;
            }
        }
        s_.stack.push_back(slice(v, size_t(start), size_t(std::min(length, n - start))));
    }

    void split(const Instr& i) {
        const Value delims = pop();
        const Value v = pop();
        if (v.length == 0) {
            push(kEmpty);
            return;
        }
        if (i.first < std::numeric_limits<int>::min() ||
            i.first > std::numeric_limits<int>::max()) {
            failure = "the parameter for the field field for split couldn't be converted to an "
                      "integer.";
            return;
        }
        if (delims.length == 0) {
            s_.stack.push_back(v);
            return;
        }
        // boost::split with is_any_of and no compression: every delimiter ends a field.
        const std::string_view text = view(v);
        const std::string_view d = view(delims);
        int64_t field = 1;
        size_t begin = 0;
        for (size_t k = 0; k <= text.size(); ++k) {
            if (k < text.size() && d.find(text[k]) == std::string_view::npos) {
                continue;
            }
            if (field == i.first) {
                s_.stack.push_back(slice(v, begin, k - begin));
                return;
            }
            ++field;
            begin = k + 1;
        }
        push(kEmpty);
    }

    void concat() {
        const Value b = pop();
        const Value a = pop();
        // Reserve first: the operands may live in the buffer that grows.
        s_.bytes.reserve(s_.bytes.size() + a.length + b.length);
        pushWritten([&](std::string& out) {
            out.append(view(a));
            out.append(view(b));
        });
    }

    void hexString() {
        const Value sep = pop();
        const Value bin = pop();
        const size_t seps = bin.length ? bin.length - 1 : 0;
        s_.bytes.reserve(s_.bytes.size() + 2 * size_t(bin.length) + seps * sep.length);
        pushWritten([&](std::string& out) {
            static constexpr char kHex[] = "0123456789abcdef";
            const std::string_view b = view(bin);
            const std::string_view s = view(sep);
            for (size_t k = 0; k < b.size(); ++k) {
                if (k) {
                    out.append(s);
                }
                const auto x = uint8_t(b[k]);
                out += kHex[x >> 4];
                out += kHex[x & 0xf];
            }
        });
    }

    void changeCase(bool upper) {
        const Value v = pop();
        s_.bytes.reserve(s_.bytes.size() + v.length);
        pushWritten([&](std::string& out) {
            // boost's to_lower_copy/to_upper_copy in the classic locale: ASCII letters only.
            for (const char c : view(v)) {
                if (upper && c >= 'a' && c <= 'z') {
                    out += char(c - 'a' + 'A');
                } else if (!upper && c >= 'A' && c <= 'Z') {
                    out += char(c - 'A' + 'a');
                } else {
                    out += c;
                }
            }
        });
    }

    // The integer conversions: the width they take, their sign, Kea's error text.
    struct Conversion {
        size_t width;
        bool isSigned;
        const char* error;
    };
    static Conversion conversionOf(Op op) {
        switch (op) {
        case Op::Int8ToText:
            return {1, true, "Can not convert to valid int8."};
        case Op::Int16ToText:
            return {2, true, "Can not convert to valid int16."};
        case Op::Int32ToText:
            return {4, true, "Can not convert to valid int32."};
        case Op::UInt8ToText:
            return {1, false, "Can not convert to valid uint8."};
        case Op::UInt16ToText:
            return {2, false, "Can not convert to valid uint16."};
        default:
            return {4, false, "Can not convert to valid uint32."};
        }
    }

    // addrtotext and the integer conversions: an empty value stays empty; a value of the
    // wrong size is an error.
    void toText(Op op) {
        const Value v = s_.stack.back();
        if (v.length == 0) {
            return;
        }
        const std::string_view b = view(v);
        char buf[INET6_ADDRSTRLEN] = {};
        size_t len = 0;
        if (op == Op::AddrToText) {
            if (b.size() != 4 && b.size() != 16) {
                failure = "Can not convert to valid address.";
                return;
            }
            inet_ntop(b.size() == 4 ? AF_INET : AF_INET6, b.data(), buf, sizeof buf);
            len = std::string_view(buf).size();
        } else {
            const Conversion c = conversionOf(op);
            if (b.size() != c.width) {
                failure = c.error;
                return;
            }
            // Network order; a signed value's top bit is its sign.
            int64_t number = 0;
            for (const char ch : b) {
                number = number << 8 | int64_t(uint8_t(ch));
            }
            if (c.isSigned && (number >> (8 * c.width - 1)) != 0) {
                number -= int64_t(1) << (8 * c.width);
            }
            len = size_t(std::to_chars(buf, buf + sizeof buf, number).ptr - buf);
        }
        s_.stack.pop_back();
        pushWritten([&](std::string& out) { out.append(buf, len); });
    }

    void step(const Instr& i) {
        switch (i.op) {
        case Op::Literal:
            push(std::string_view(p_.literals.data() + i.offset, i.length));
            return;
        case Op::Option: {
            const Found f = topOption(i.code, i.definition);
            pushOption(i.repr, i.code, f.def, f.holder, f.data, f.present);
            return;
        }
        case Op::SubOption: {
            const Found f = topOption(i.code, i.definition);
            if (!f.present) {
                pushSubOption(i.repr, i.sub, std::nullopt);
            } else if (i.code == 125) {
                // OptionVendor holds the sub-options of its (first) enterprise.
                const auto v = keaVendor(f.data);
                pushSubOption(i.repr, i.sub, v ? keaVendorSubOption(*v, i.sub) : std::nullopt);
            } else {
                pushSubOption(i.repr, i.sub, keaSubOption(f.def, f.holder, f.data, i.sub));
            }
            return;
        }
        case Op::Relay4: {
            const OptionDefinition* rai = standardByCode()[82];
            const Option* o = q_.get(82);
            pushSubOption(i.repr, i.sub,
                          o ? keaSubOption(rai, holderOf(rai, 82, true), bytesOf(o->data), i.sub)
                            : std::nullopt);
            return;
        }
        case Op::VendorExists:
            push(vendor(i.enterprise).has_value());
            return;
        case Op::VendorOption: {
            const auto v = vendor(i.enterprise);
            pushSubOption(i.repr, i.sub, v ? keaVendorSubOption(*v, i.sub) : std::nullopt);
            return;
        }
        case Op::VendorEnterprise:
            if (const auto v = vendor(0)) {
                pushUint32(v->enterprise);
            } else {
                push(kEmpty);
            }
            return;
        case Op::VendorClassExists:
            push(vendorClass(i.enterprise).has_value());
            return;
        case Op::VendorClassEnterprise:
            if (const auto data = vendorClass(0)) {
                pushUint32(*keaVendorClassEnterprise(*data));
            } else {
                push(kEmpty);
            }
            return;
        case Op::VendorClassData: {
            const auto data = vendorClass(i.enterprise);
            const auto tuple = data ? keaVendorClassTuple(*data, i.sub) : std::nullopt;
            pushBytes(tuple ? *tuple : Bytes());
            return;
        }
        case Op::PktIface:
            push(std::string_view(q_.iface));
            return;
        case Op::PktSrc:
            pushAddress(q_.remoteAddr);
            return;
        case Op::PktDst:
            pushAddress(q_.localAddr);
            return;
        case Op::PktLen:
            pushUint32(packetLength());
            return;
        case Op::Pkt4Mac:
            pushBytes(Bytes(q_.chaddr.data(), std::min<size_t>(q_.hlen, q_.chaddr.size())));
            return;
        case Op::Pkt4Hlen:
            pushUint32(std::min<uint32_t>(q_.hlen, uint32_t(q_.chaddr.size())));
            return;
        case Op::Pkt4Htype:
            pushUint32(q_.htype);
            return;
        case Op::Pkt4Ciaddr:
            pushAddress(q_.ciaddr);
            return;
        case Op::Pkt4Giaddr:
            pushAddress(q_.giaddr);
            return;
        case Op::Pkt4Yiaddr:
            pushAddress(q_.yiaddr);
            return;
        case Op::Pkt4Siaddr:
            pushAddress(q_.siaddr);
            return;
        case Op::Pkt4MsgType: {
            // Pkt4::getType(): DHCP_NOTYPE (0) without option 53.
            const Option* o = q_.get(opt::kMessageType);
            pushUint32(o && !o->data.empty() ? o->data[0] : 0);
            return;
        }
        case Op::Pkt4TransId:
            pushUint32(q_.xid);
            return;
        case Op::Member:
            push(q_.inClass(std::string_view(p_.literals.data() + i.offset, i.length)));
            return;
        case Op::Equal: {
            const Value b = pop();
            const Value a = pop();
            push(view(a) == view(b));
            return;
        }
        case Op::Not:
            push(!popBool());
            return;
        case Op::And: {
            const bool b = popBool();
            const bool a = popBool();
            push(a && b);
            return;
        }
        case Op::Or: {
            const bool b = popBool();
            const bool a = popBool();
            push(a || b);
            return;
        }
        case Op::Substring:
            substring(i);
            return;
        case Op::Split:
            split(i);
            return;
        case Op::Concat:
            concat();
            return;
        case Op::IfElse: {
            const Value otherwise = pop();
            const Value then = pop();
            s_.stack.push_back(popBool() ? then : otherwise);
            return;
        }
        case Op::HexString:
            hexString();
            return;
        case Op::AddrToText:
        case Op::Int8ToText:
        case Op::Int16ToText:
        case Op::Int32ToText:
        case Op::UInt8ToText:
        case Op::UInt16ToText:
        case Op::UInt32ToText:
            toText(i.op);
            return;
        case Op::LowerCase:
            changeCase(false);
            return;
        case Op::UpperCase:
            changeCase(true);
            return;
        }
    }
};

} // namespace

std::string_view run(const Program& program, const Packet4& query, const char*& failure) {
    Machine m(program, query, scratch());
    const std::string_view result = m.run();
    failure = m.failure;
    return result;
}

} // namespace kahu::eval::detail
