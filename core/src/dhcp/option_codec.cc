// SPDX-License-Identifier: MPL-2.0
// option-data text <-> wire bytes, following Kea's OptionDataTypeUtil / OptionCustom formats.
#include <arpa/inet.h>
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

// Kea splits csv data on commas; "\," keeps a literal comma inside a value.
std::vector<std::string> splitCsv(std::string_view data) {
    std::vector<std::string> out;
    std::string cur;
    for (size_t i = 0; i < data.size(); ++i) {
        if (data[i] == '\\' && i + 1 < data.size() && data[i + 1] == ',') {
            cur += ',';
            ++i;
        } else if (data[i] == ',') {
            out.push_back(trim(cur));
            cur.clear();
        } else {
            cur += data[i];
        }
    }
    out.push_back(trim(cur));
    return out;
}

[[noreturn]] void bad(std::string_view value, const char* type, std::string_view why = {}) {
    std::string msg = "'" + std::string(value) + "' is not a valid " + type;
    if (!why.empty()) {
        msg += " (" + std::string(why) + ")";
    }
    throw Error(msg);
}

Bytes parseHex(std::string_view text) {
    std::string compact;
    for (char c : text) {
        if (c != ' ' && c != '\t') {
            compact += c;
        }
    }
    if (compact.empty()) {
        return {};
    }
    auto bytes = fromHexText(compact);
    if (!bytes) {
        bad(text, "hex string");
    }
    return *bytes;
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
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size()) {
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
    case OptionDataType::Boolean:
        if (v == "true" || v == "1") {
            out.push_back(1);
        } else if (v == "false" || v == "0") {
            out.push_back(0);
        } else {
            bad(v, "boolean");
        }
        break;
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
    case OptionDataType::String:
        if (v.empty()) {
            bad(v, "string", "empty");
        }
        out.insert(out.end(), v.begin(), v.end());
        break;
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
        Bytes b = parseHex(v);
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
    if (!csvFormat || !def) {
        if (csvFormat && !trim(data).empty()) {
            throw Error("no definition known for this option: its data must be hex with "
                        "csv-format false");
        }
        return parseHex(data);
    }
    if (def->type == OptionDataType::Empty) {
        if (!trim(data).empty()) {
            throw Error("option '" + def->name +
                        "' carries no data (sub-options are "
                        "configured separately, in space '" +
                        def->encapsulate + "')");
        }
        return {};
    }
    if (def->type == OptionDataType::InternalPrefixList) {
        return encodeRoutes(data);
    }
    if (trim(data).empty()) {
        throw Error("option '" + def->name + "' needs data");
    }
    Bytes out;
    // Strings and binaries are not split: Kea takes the whole text as one value.
    if (!def->array &&
        (def->type == OptionDataType::String || def->type == OptionDataType::Binary)) {
        std::string whole;
        for (size_t i = 0; i < data.size(); ++i) {
            if (data[i] == '\\' && i + 1 < data.size() && data[i + 1] == ',') {
                continue;
            }
            whole += data[i];
        }
        putValue(out, def->type, def->type == OptionDataType::String ? whole : trim(whole));
        return out;
    }
    auto values = splitCsv(data);
    if (def->type == OptionDataType::Record) {
        const auto& fields = def->recordTypes;
        size_t n = fields.size();
        bool lastTakesRest = !def->array && (fields.back() == OptionDataType::String ||
                                             fields.back() == OptionDataType::Binary);
        if (values.size() < n || (!def->array && !lastTakesRest && values.size() != n) ||
            (def->array && values.size() % n != 0)) {
            throw Error("option '" + def->name + "' expects " + std::to_string(n) +
                        " comma-separated values" + (def->array ? " per record" : "") + ", got " +
                        std::to_string(values.size()));
        }
        if (lastTakesRest && values.size() > n) {
            for (size_t i = n; i < values.size(); ++i) {
                values[n - 1] += "," + values[i];
            }
            values.resize(n);
        }
        for (size_t i = 0; i < values.size(); ++i) {
            putValue(out, fields[i % n], values[i]);
        }
        return out;
    }
    if (!def->array && values.size() != 1) {
        throw Error("option '" + def->name + "' takes one " + toString(def->type) + " value, got " +
                    std::to_string(values.size()));
    }
    for (const auto& v : values) {
        putValue(out, def->type, v);
    }
    return out;
}

} // namespace kahu
