// SPDX-License-Identifier: MPL-2.0
// option[..].text: Kea's Option::toString(), which is the value of a string option and the
// option's toText() for every other class ("type=061, len=007: 01:0a:0b:0c:0d:0e:0f"). The
// classes with a text of their own (client FQDN, vendor, vendor class, SLP scope, classless
// routes, tuple lists) are written as a plain option; Kea writes them otherwise.
#include "eval/option_view.h"
#include "eval/option_walk.h"

#include <arpa/inet.h>
#include <charconv>

namespace kahu::eval::detail {

namespace {

void appendNumber(std::string& out, int64_t v) {
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}

// setw(3) << setfill('0'): at least three digits.
void appendPadded(std::string& out, size_t v) {
    if (v < 100) {
        out += '0';
    }
    if (v < 10) {
        out += '0';
    }
    appendNumber(out, int64_t(v));
}

void appendAddress(std::string& out, Bytes b) {
    char buf[INET6_ADDRSTRLEN];
    if (inet_ntop(b.size() == 4 ? AF_INET : AF_INET6, b.data(), buf, sizeof buf)) {
        out += buf;
    }
}

// A network-order integer of `t`; a signed type's top bit is its sign.
int64_t integerValue(OptionDataType t, Bytes b) {
    int64_t v = 0;
    for (uint8_t x : b) {
        v = v << 8 | x;
    }
    const bool isSigned =
        t == OptionDataType::Int8 || t == OptionDataType::Int16 || t == OptionDataType::Int32;
    if (isSigned && !b.empty() && (b[0] & 0x80)) {
        v -= int64_t(1) << (8 * b.size());
    }
    return v;
}

// Option::headerToText: "type=061, len=007".
void appendHeader(std::string& out, int indent, uint8_t code, size_t length) {
    out.append(size_t(indent), ' ');
    out += "type=";
    appendPadded(out, code);
    out += ", len=";
    appendPadded(out, length);
}

void appendColonHex(std::string& out, Bytes b) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (size_t i = 0; i < b.size(); ++i) {
        if (i) {
            out += ':';
        }
        out += kHex[b[i] >> 4];
        out += kHex[b[i] & 0xf];
    }
}

// encode::encodeHex, as OptionCustom prints a binary field.
void appendUpperHex(std::string& out, Bytes b) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (uint8_t x : b) {
        out += kHex[x >> 4];
        out += kHex[x & 0xf];
    }
}

// Name::toText of a wire name without escapes worth mentioning: labels joined by '.', with
// the final dot.
void appendName(std::string& out, Bytes b) {
    size_t pos = 0;
    bool first = true;
    while (pos < b.size() && b[pos] != 0) {
        const size_t len = b[pos];
        if (!first) {
            out += '.';
        }
        first = false;
        out.append(reinterpret_cast<const char*>(b.data() + pos + 1),
                   std::min(len, b.size() - pos - 1));
        pos += 1 + len;
    }
    out += '.';
}

// OptionCustom::dataFieldToText: the value, then its type in brackets.
void appendField(std::string& out, OptionDataType t, Bytes b) {
    switch (t) {
    case OptionDataType::Binary:
        appendUpperHex(out, b);
        break;
    case OptionDataType::Boolean:
        out += b[0] ? "true" : "false";
        break;
    case OptionDataType::Int8:
    case OptionDataType::Int16:
    case OptionDataType::Int32:
    case OptionDataType::Uint8:
    case OptionDataType::Uint16:
    case OptionDataType::Uint32:
        appendNumber(out, integerValue(t, b));
        break;
    case OptionDataType::Ipv4Address:
    case OptionDataType::Ipv6Address:
        appendAddress(out, b);
        break;
    case OptionDataType::Fqdn:
        out += '"';
        appendName(out, b);
        out += '"';
        break;
    case OptionDataType::String:
        out += '"';
        out.append(reinterpret_cast<const char*>(b.data()), b.size());
        out += '"';
        break;
    default:
        break;
    }
    out += " (";
    out += toString(t);
    out += ')';
}

void appendText(std::string& out, uint8_t code, const OptionDefinition* def, Holder holder,
                Bytes data, int indent);

// Option::suboptionsToText: ",\noptions:" and each sub-option's toText on a line, in code
// order (Kea keeps them in a multimap by code).
void appendSubOptions(std::string& out, Bytes area, const std::string& space, int indent) {
    bool any = false;
    for (unsigned code = 0; code < 256; ++code) {
        forEachSubOption(area, space == "dhcp4", [&](uint8_t c, Bytes body) {
            if (c != code) {
                return;
            }
            if (!any) {
                out += ",\noptions:";
                any = true;
            }
            out += '\n';
            const OptionDefinition* def = OptionDefinitions::standard().byCode(c, space);
            appendText(out, c, def, holderOf(def, c, false), body, indent);
        });
    }
}

// The header's len: what Kea's object packs, measured in `out`'s spare room.
size_t packedLength(std::string& out, const OptionDefinition* def, Holder holder, Bytes data) {
    const size_t mark = out.size();
    appendKeaBytes(out, def, holder, data);
    const size_t n = out.size() - mark;
    out.resize(mark);
    return n;
}

void appendGeneric(std::string& out, uint8_t code, Bytes data, int indent) {
    appendHeader(out, indent, code, data.size());
    out += ": ";
    appendColonHex(out, data);
}

bool appendCustom(std::string& out, uint8_t code, const OptionDefinition& def, Bytes data,
                  int indent) {
    const size_t mark = out.size();
    appendHeader(out, indent, code, packedLength(out, &def, Holder::Custom, data));
    out += ':';
    const auto used = forEachField(def, data, [&](OptionDataType t, Bytes field) {
        out += ' ';
        appendField(out, t, field);
    });
    if (!used) {
        out.resize(mark);
        return false;
    }
    if (!def.encapsulate.empty() && !def.array) {
        appendSubOptions(out, data.subspan(*used), def.encapsulate, indent + 2);
    }
    return true;
}

void appendText(std::string& out, uint8_t code, const OptionDefinition* def, Holder holder,
                Bytes data, int indent) {
    switch (holder) {
    case Holder::Empty:
        appendGeneric(out, code, {}, indent);
        return;
    case Holder::String: {
        const size_t n = keaDataLength(holder, data);
        appendHeader(out, indent, code, n);
        out += ": \"";
        out.append(reinterpret_cast<const char*>(data.data()), n);
        out += "\" (string)";
        return;
    }
    case Holder::Integer: {
        const size_t width = fixedSize(def->type);
        if (data.size() < width) {
            break;
        }
        appendHeader(out, indent, code, packedLength(out, def, holder, data));
        out += ": ";
        appendNumber(out, integerValue(def->type, data.first(width)));
        out += " (";
        out += toString(def->type);
        out += ')';
        appendSubOptions(out, data.subspan(width), def->encapsulate, indent + 2);
        return;
    }
    case Holder::IntegerArray: {
        const size_t width = fixedSize(def->type);
        if (data.empty() || data.size() % width) {
            break;
        }
        appendHeader(out, indent, code, data.size());
        out += ':';
        for (size_t i = 0; i < data.size(); i += width) {
            out += ' ';
            appendNumber(out, integerValue(def->type, data.subspan(i, width)));
            out += '(';
            out += toString(def->type);
            out += ')';
        }
        return;
    }
    case Holder::Address4List:
    case Holder::Address6List: {
        const size_t width = holder == Holder::Address4List ? 4 : 16;
        if (data.size() % width) {
            break;
        }
        appendHeader(out, indent, code, data.size());
        out += ':';
        for (size_t i = 0; i < data.size(); i += width) {
            out += ' ';
            appendAddress(out, data.subspan(i, width));
        }
        return;
    }
    case Holder::Custom:
        if (appendCustom(out, code, *def, data, indent)) {
            return;
        }
        break;
    case Holder::Generic:
    case Holder::Special:
        break;
    }
    appendGeneric(out, code, data, indent);
}

} // namespace

void appendKeaText(std::string& out, uint8_t code, const OptionDefinition* def, Holder holder,
                   Bytes data) {
    if (holder == Holder::String) {
        // OptionString::toString: the text itself.
        appendKeaBytes(out, def, holder, data);
        return;
    }
    appendText(out, code, def, holder, data, 0);
}

} // namespace kahu::eval::detail
