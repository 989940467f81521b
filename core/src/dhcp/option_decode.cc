// SPDX-License-Identifier: MPL-2.0
// Wire bytes -> Kea's csv text for an option definition (config-get, logs). Falls back to hex
// whenever the bytes do not fit the definition, so it never throws on odd data.
#include "dhcp/option_wire.h"

#include <algorithm>
#include <arpa/inet.h>
#include <kahu/dhcp/hw_addr.h>
#include <kahu/dhcp/ipv4_address.h>
#include <kahu/dhcp/option_definition.h>
#include <optional>

namespace kahu {

namespace {

using Span = std::span<const uint8_t>;

std::string hex(Span d) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string s;
    for (uint8_t b : d) {
        s += kHex[b >> 4];
        s += kHex[b & 0xf];
    }
    return s;
}

std::optional<std::string> fqdnAt(Span d, size_t& pos) {
    std::string name;
    while (pos < d.size()) {
        uint8_t len = d[pos++];
        if (len == 0) {
            return name.empty() ? std::string(".") : name;
        }
        if (len > 63 || pos + len > d.size()) {
            return std::nullopt;
        }
        if (!name.empty()) {
            name += '.';
        }
        name.append(reinterpret_cast<const char*>(d.data() + pos), len);
        pos += len;
    }
    return std::nullopt;
}

// Reads one value of `type` at pos; "rest" types (string, binary) consume everything left.
std::optional<std::string> valueAt(OptionDataType type, Span d, size_t& pos) {
    const size_t w = fixedSize(type);
    if (w > 0 && pos + w > d.size()) {
        return std::nullopt;
    }
    const uint8_t* p = d.data() + pos;
    uint64_t u = 0;
    for (size_t i = 0; i < w && w <= 4; ++i) {
        u = (u << 8) | p[i];
    }
    switch (type) {
    case OptionDataType::Boolean:
        pos += 1;
        return std::string(p[0] ? "true" : "false");
    case OptionDataType::Uint8:
    case OptionDataType::Uint16:
    case OptionDataType::Uint32:
        pos += size_t(w);
        return std::to_string(u);
    case OptionDataType::Int8:
        pos += 1;
        return std::to_string(int8_t(u));
    case OptionDataType::Int16:
        pos += 2;
        return std::to_string(int16_t(u));
    case OptionDataType::Int32:
        pos += 4;
        return std::to_string(int32_t(u));
    case OptionDataType::Ipv4Address:
        pos += 4;
        return Ipv4Address::fromBytes(p).str();
    case OptionDataType::Ipv6Address: {
        char buf[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, p, buf, sizeof buf);
        pos += 16;
        return std::string(buf);
    }
    case OptionDataType::Psid: {
        unsigned len = p[0];
        unsigned wire = (unsigned(p[1]) << 8) | p[2];
        if (len > 16) {
            return std::nullopt;
        }
        pos += 3;
        return std::to_string(len) + "/" + std::to_string(len ? wire >> (16 - len) : 0);
    }
    case OptionDataType::Ipv6Prefix: {
        if (pos >= d.size() || d[pos] > 128 || pos + 1 + (d[pos] + 7u) / 8 > d.size()) {
            return std::nullopt;
        }
        uint8_t len = d[pos];
        uint8_t addr[16] = {};
        std::copy_n(d.data() + pos + 1, (len + 7) / 8, addr);
        char buf[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, addr, buf, sizeof buf);
        pos += 1 + (len + 7) / 8;
        return std::string(buf) + "/" + std::to_string(len);
    }
    case OptionDataType::Fqdn:
        return fqdnAt(d, pos);
    case OptionDataType::Tuple: {
        if (pos >= d.size() || pos + 1 + d[pos] > d.size()) {
            return std::nullopt;
        }
        std::string s(reinterpret_cast<const char*>(d.data() + pos + 1), d[pos]);
        pos += 1 + d[pos];
        return s;
    }
    case OptionDataType::String: {
        std::string s(reinterpret_cast<const char*>(d.data() + pos), d.size() - pos);
        pos = d.size();
        return s;
    }
    case OptionDataType::Binary: {
        std::string s = hex(d.subspan(pos));
        pos = d.size();
        return s;
    }
    default:
        return std::nullopt;
    }
}

std::optional<std::string> decodeRoutes(Span d) {
    std::string out;
    size_t pos = 0;
    while (pos < d.size()) {
        uint8_t len = d[pos++];
        size_t sig = (len + 7u) / 8;
        if (len > 32 || pos + sig + 4 > d.size()) {
            return std::nullopt;
        }
        uint8_t dest[4] = {};
        std::copy_n(d.data() + pos, sig, dest);
        pos += sig;
        if (!out.empty()) {
            out += ", ";
        }
        out += Ipv4Address::fromBytes(dest).str() + "/" + std::to_string(len) + " - " +
               Ipv4Address::fromBytes(d.data() + pos).str();
        pos += 4;
    }
    return out;
}

std::optional<std::string> decode(const OptionDefinition& def, Span d) {
    if (def.type == OptionDataType::Empty) {
        return d.empty() ? std::optional<std::string>("") : std::nullopt;
    }
    if (def.type == OptionDataType::InternalPrefixList) {
        return decodeRoutes(d);
    }
    std::vector<OptionDataType> fields = def.type == OptionDataType::Record
                                             ? def.recordTypes
                                             : std::vector<OptionDataType>{def.type};
    std::string out;
    size_t pos = 0;
    bool first = true;
    do {
        for (auto t : fields) {
            auto v = valueAt(t, d, pos);
            if (!v) {
                return std::nullopt;
            }
            out += first ? "" : ", ";
            first = false;
            out += *v;
        }
    } while (def.array && pos < d.size());
    if (pos != d.size() || d.empty()) {
        return std::nullopt;
    }
    return out;
}

} // namespace

std::string decodeOptionData(const OptionDefinition* def, std::span<const uint8_t> data) {
    if (def) {
        if (auto text = decode(*def, data)) {
            return *text;
        }
    }
    return hex(data);
}

} // namespace kahu
