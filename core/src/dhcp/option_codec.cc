// SPDX-License-Identifier: MPL-2.0
// option-data text <-> wire bytes, following Kea's OptionDataTypeUtil / OptionCustom formats.
#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <charconv>
#include <kahu/dhcp/hw_addr.h>
#include <kahu/dhcp/ipv4_address.h>
#include <kahu/dhcp/option_definition.h>
#include <kahu/error.h>

namespace kahu {

namespace {

using Bytes = std::vector<uint8_t>;

std::string trim(std::string_view s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) {
        return {};
    }
    size_t e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

// Kea (str::tokens with escapes) splits csv data on commas, "\\," keeping a literal comma,
// and drops empty tokens ("a,,b" is two values); each value is trimmed afterwards.
std::vector<std::string> splitCsv(std::string_view data) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) {
            out.push_back(trim(cur));
        }
        cur.clear();
    };
    for (size_t i = 0; i < data.size(); ++i) {
        if (data[i] == '\\' && i + 1 < data.size() && data[i + 1] == ',') {
            cur += ',';
            ++i;
        } else if (data[i] == ',') {
            flush();
        } else {
            cur += data[i];
        }
    }
    flush();
    return out;
}

[[noreturn]] void bad(std::string_view value, const char* type, std::string_view why = {}) {
    std::string msg = "'" + std::string(value) + "' is not a valid " + type;
    if (!why.empty()) {
        msg += " (" + std::string(why) + ")";
    }
    throw Error(msg);
}

// Plain hex digits; an odd count gets a leading 0 when `padOdd` (as Kea does for
// csv-format false), otherwise it is an error.
bool plainHex(std::string_view digits, bool padOdd, Bytes& out) {
    std::string d(digits);
    if (d.size() % 2 != 0) {
        if (!padOdd) {
            return false;
        }
        d.insert(d.begin(), '0');
    }
    for (size_t i = 0; i < d.size(); i += 2) {
        int hi = hexNibble(d[i]);
        int lo = hexNibble(d[i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out.push_back(uint8_t(hi * 16 + lo));
    }
    return true;
}

// csv-format false (or no definition): Kea's formatted hex. "0x" + digits, octets of one or
// two digits split by ':' or by single spaces, or bare digits; an odd digit count is padded
// with a leading 0. "0X", "-", mixed separators and empty octets are refused.
Bytes parseHex(std::string_view text) {
    Bytes out;
    if (text.empty()) {
        return out;
    }
    bool ok = false;
    if (text.starts_with("0x")) {
        ok = text.size() > 2 && plainHex(text.substr(2), true, out);
    } else if (text.find_first_of(": ") != std::string_view::npos) {
        const char sep = text.find(':') != std::string_view::npos ? ':' : ' ';
        ok = true;
        size_t pos = 0;
        while (ok) {
            size_t end = text.find(sep, pos);
            std::string_view octet = text.substr(
                pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
            ok = !octet.empty() && octet.size() <= 2 && plainHex(octet, true, out);
            if (end == std::string_view::npos) {
                break;
            }
            pos = end + 1;
        }
    } else {
        ok = plainHex(text, true, out);
    }
    if (!ok) {
        bad(text, "string of hexadecimal digits");
    }
    return out;
}

// A csv value of type binary: hex digits, whitespace ignored, even count, no prefix or
// separators (Kea's base16 decoder).
Bytes parseBinaryValue(std::string_view text) {
    std::string compact;
    for (char c : text) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            compact += c;
        }
    }
    Bytes out;
    if (!plainHex(compact, false, out)) {
        bad(text, "binary", "expected an even number of hex digits");
    }
    return out;
}

// Kea first reads integers as decimal, then as hex (std::hex: optional sign, optional 0x,
// e.g. "ff" and "0x10" are accepted).
bool parseInteger(std::string_view v, int64_t& n) {
    std::string_view d = v;
    if (d.starts_with('+')) {
        d.remove_prefix(1);
    }
    auto r = std::from_chars(d.data(), d.data() + d.size(), n);
    if (!d.empty() && r.ec == std::errc() && r.ptr == d.data() + d.size()) {
        return true;
    }
    bool neg = false;
    d = v;
    if (!d.empty() && (d[0] == '+' || d[0] == '-')) {
        neg = d[0] == '-';
        d.remove_prefix(1);
    }
    if (d.starts_with("0x") || d.starts_with("0X")) {
        d.remove_prefix(2);
    }
    uint64_t u = 0;
    r = std::from_chars(d.data(), d.data() + d.size(), u, 16);
    if (d.empty() || r.ec != std::errc() || r.ptr != d.data() + d.size() ||
        u > uint64_t(INT64_MAX)) {
        return false;
    }
    n = neg ? -int64_t(u) : int64_t(u);
    return true;
}

void putInt(Bytes& out, std::string_view v, OptionDataType type) {
    int64_t lo = 0;
    int64_t hi = 0;
    int width = 1;
    switch (type) {
    case OptionDataType::Int8:
        lo = INT8_MIN, hi = INT8_MAX, width = 1;
        break;
    case OptionDataType::Int16:
        lo = INT16_MIN, hi = INT16_MAX, width = 2;
        break;
    case OptionDataType::Int32:
        lo = INT32_MIN, hi = INT32_MAX, width = 4;
        break;
    case OptionDataType::Uint8:
        lo = 0, hi = UINT8_MAX, width = 1;
        break;
    case OptionDataType::Uint16:
        lo = 0, hi = UINT16_MAX, width = 2;
        break;
    default:
        lo = 0, hi = UINT32_MAX, width = 4;
        break;
    }
    int64_t n = 0;
    if (!parseInteger(v, n)) {
        bad(v, toString(type));
    }
    if (n < lo || n > hi) {
        bad(v, toString(type), "out of range");
    }
    auto u = static_cast<uint64_t>(n);
    for (int i = width - 1; i >= 0; --i) {
        out.push_back(uint8_t(u >> (8 * i)));
    }
}

void putFqdn(Bytes& out, std::string_view name) {
    if (name.empty()) {
        bad(name, "fqdn", "empty name");
    }
    const size_t start = out.size();
    if (name.back() == '.') {
        name.remove_suffix(1);
    }
    size_t pos = 0;
    while (!name.empty() && pos <= name.size()) {
        size_t dot = name.find('.', pos);
        size_t end = dot == std::string_view::npos ? name.size() : dot;
        size_t len = end - pos;
        if (len == 0 || len > 63) {
            bad(name, "fqdn", "label length");
        }
        out.push_back(uint8_t(len));
        out.insert(out.end(), name.begin() + pos, name.begin() + end);
        if (dot == std::string_view::npos) {
            break;
        }
        pos = dot + 1;
    }
    out.push_back(0);
    if (out.size() - start > 255) {
        bad(name, "fqdn", "longer than 255 octets");
    }
}

void putIpv4(Bytes& out, std::string_view v) {
    auto a = Ipv4Address::fromText(v);
    if (!a) {
        bad(v, "ipv4-address");
    }
    uint8_t b[4];
    a->toBytes(b);
    out.insert(out.end(), b, b + 4);
}

void putIpv6(Bytes& out, const std::string& v, const char* type = "ipv6-address") {
    uint8_t b[16];
    if (inet_pton(AF_INET6, v.c_str(), b) != 1) {
        bad(v, type);
    }
    out.insert(out.end(), b, b + 16);
}

// Option 121 in Kea's text form: "10.0.0.0/8 - 10.1.1.1, 0.0.0.0/0 - 10.0.0.254"
// (RFC 3442: width byte, significant destination octets, router).
Bytes encodeRoutes(std::string_view data) {
    Bytes out;
    for (const auto& route : splitCsv(data)) {
        size_t dash = route.find(" - ");
        size_t slash = route.find('/');
        if (dash == std::string::npos || slash == std::string::npos || slash > dash) {
            bad(route, "classless static route", "expected 'prefix/len - router'");
        }
        auto dest = Ipv4Address::fromText(trim(route.substr(0, slash)));
        std::string lenText = trim(route.substr(slash + 1, dash - slash - 1));
        int len = -1;
        std::from_chars(lenText.data(), lenText.data() + lenText.size(), len);
        if (!dest || len < 0 || len > 32) {
            bad(route, "classless static route");
        }
        out.push_back(uint8_t(len));
        uint8_t b[4];
        dest->toBytes(b);
        out.insert(out.end(), b, b + (len + 7) / 8);
        putIpv4(out, trim(route.substr(dash + 3)));
    }
    return out;
}

void putValue(Bytes& out, OptionDataType type, const std::string& v) {
    switch (type) {
    case OptionDataType::Boolean: {
        // Kea: "true"/"false" in any case, or an integer that is 0 or 1.
        std::string lower;
        for (char c : v) {
            lower += char(std::tolower(static_cast<unsigned char>(c)));
        }
        int64_t n = -1;
        if (lower == "true" || (lower != "false" && parseInteger(v, n) && n == 1)) {
            out.push_back(1);
        } else if (lower == "false" || n == 0) {
            out.push_back(0);
        } else {
            bad(v, "boolean");
        }
        break;
    }
    case OptionDataType::Int8:
    case OptionDataType::Int16:
    case OptionDataType::Int32:
    case OptionDataType::Uint8:
    case OptionDataType::Uint16:
    case OptionDataType::Uint32:
        putInt(out, v, type);
        break;
    case OptionDataType::Ipv4Address:
        putIpv4(out, v);
        break;
    case OptionDataType::Ipv6Address:
        putIpv6(out, v);
        break;
    case OptionDataType::Ipv6Prefix: {
        size_t slash = v.find('/');
        int len = -1;
        if (slash != std::string::npos) {
            std::from_chars(v.data() + slash + 1, v.data() + v.size(), len);
        }
        if (len < 0 || len > 128) {
            bad(v, "ipv6-prefix");
        }
        out.push_back(uint8_t(len));
        Bytes addr;
        putIpv6(addr, v.substr(0, slash), "ipv6-prefix");
        out.insert(out.end(), addr.begin(), addr.begin() + (len + 7) / 8);
        break;
    }
    case OptionDataType::Psid: {
        // Kea's text form is "psid-len/psid"; the wire form is the length byte followed by
        // the PSID left-aligned in 16 bits.
        size_t slash = v.find('/');
        unsigned len = 99;
        unsigned psid = 0;
        if (slash != std::string::npos) {
            std::from_chars(v.data(), v.data() + slash, len);
            std::from_chars(v.data() + slash + 1, v.data() + v.size(), psid);
        }
        if (len > 16 || (len < 16 && psid >= (1u << len))) {
            bad(v, "psid");
        }
        uint16_t wire = len == 0 ? 0 : uint16_t(psid << (16 - len));
        out.push_back(uint8_t(len));
        out.push_back(uint8_t(wire >> 8));
        out.push_back(uint8_t(wire));
        break;
    }
    case OptionDataType::String: {
        // Kea's OptionString drops trailing NULs and refuses what is left empty.
        std::string_view text = v;
        while (!text.empty() && text.back() == '\0') {
            text.remove_suffix(1);
        }
        if (text.empty()) {
            bad(v, "string", "empty or only NULs");
        }
        out.insert(out.end(), text.begin(), text.end());
        break;
    }
    case OptionDataType::Tuple:
        if (v.size() > 255) {
            bad(v, "tuple", "longer than 255");
        }
        out.push_back(uint8_t(v.size()));
        out.insert(out.end(), v.begin(), v.end());
        break;
    case OptionDataType::Fqdn:
        putFqdn(out, v);
        break;
    case OptionDataType::Binary: {
        Bytes b = parseBinaryValue(v);
        out.insert(out.end(), b.begin(), b.end());
        break;
    }
    default:
        throw Error(std::string("cannot encode a value of type ") + toString(type));
    }
}

} // namespace

std::vector<uint8_t> encodeOptionData(const OptionDefinition* def, std::string_view data,
                                      bool csvFormat) {
    if (!def) {
        if (csvFormat) {
            throw Error("no definition known for this option: its data must be hex with "
                        "csv-format false");
        }
        return parseHex(data);
    }
    if (!csvFormat) {
        // Whether the bytes fit the definition is Kea's option factory's business
        // (keaOptionFromWire, dhcp/option_wire.h).
        return parseHex(data);
    }
    if (def->type == OptionDataType::InternalPrefixList) {
        return encodeRoutes(data);
    }
    // Kea splits every csv value list the same way, then reads as many values as the
    // definition has fields; extra values of a single-valued option are ignored.
    const auto values = splitCsv(data);
    if (def->type == OptionDataType::Empty) {
        if (!values.empty()) {
            throw Error("option '" + def->name +
                        "' carries no data (sub-options are configured separately, in space '" +
                        def->encapsulate + "')");
        }
        return {};
    }
    Bytes out;
    if (def->type == OptionDataType::Record) {
        const auto& fields = def->recordTypes;
        if (values.size() < fields.size()) {
            throw Error("option '" + def->name + "' expects " + std::to_string(fields.size()) +
                        " comma-separated values, got " + std::to_string(values.size()));
        }
        // An array record repeats only its last field (Kea's OptionCustom layout).
        const size_t used = def->array ? values.size() : fields.size();
        for (size_t i = 0; i < used; ++i) {
            putValue(out, fields[std::min(i, fields.size() - 1)], values[i]);
        }
        return out;
    }
    if (!def->array) {
        if (values.empty()) {
            throw Error("option '" + def->name + "' needs data");
        }
        putValue(out, def->type, values[0]);
        return out;
    }
    // Only an address list may be empty (Kea's Option4AddrLst); other arrays need a value.
    if (values.empty() && def->type != OptionDataType::Ipv4Address) {
        throw Error("option '" + def->name + "' needs at least one value");
    }
    for (const auto& v : values) {
        putValue(out, def->type, v);
    }
    return out;
}

} // namespace kahu
