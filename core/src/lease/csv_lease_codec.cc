// SPDX-License-Identifier: MPL-2.0
#include "lease/csv_lease_codec.h"

#include <array>
#include <charconv>
#include <cstring>
#include <kahu/error.h>
#include <kahu/kea_json.h>

namespace kahu {

namespace {

constexpr std::array<std::string_view, CsvLeaseCodec::kColumns> kColumnNames = {
    "address",  "hwaddr",   "client_id", "valid_lifetime", "expire",       "subnet_id",
    "fqdn_fwd", "fqdn_rev", "hostname",  "state",          "user_context", "pool_id"};

template <typename T> std::optional<T> parseUnsigned(std::string_view text) {
    T value{};
    if (text.empty()) {
        return std::nullopt;
    }
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// Kea reads fqdn flags with lexical_cast<bool>, which takes only "0" and "1".
std::optional<bool> parseBool(std::string_view text) {
    if (text == "1") {
        return true;
    }
    if (text == "0") {
        return false;
    }
    return std::nullopt;
}

// Kea's escapeCharacters form (&#x + two lower-case hex digits), which Kea's reader decodes
// for any byte. Kea 2.6 escapes only ',' and '&'; a line break or other control character
// would end the row early and lose the lease at the next load, so those are escaped too.
void appendEscaped(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (c == ',' || c == '&' || u < 0x20 || u == 0x7f) {
            out += "&#x";
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        } else {
            out += c;
        }
    }
}

} // namespace

std::optional<size_t> CsvLeaseCodec::parseHeader(std::string_view line, std::string* error) {
    size_t count = 0;
    size_t pos = 0;
    while (true) {
        size_t end = line.find(',', pos);
        std::string_view name =
            line.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        // Extra trailing columns (a newer Kea's file) are ignored whatever their names.
        if (count < kColumns && name != kColumnNames[count]) {
            *error = "invalid header: column " + std::to_string(count + 1) + " is '" +
                     std::string(name) + "', expected '" + std::string(kColumnNames[count]) + "'";
            return std::nullopt;
        }
        ++count;
        if (end == std::string_view::npos) {
            break;
        }
        pos = end + 1;
    }
    if (count < kMinColumns) {
        *error = "invalid header: " + std::to_string(count) + " column(s), at least " +
                 std::to_string(kMinColumns) + " required";
        return std::nullopt;
    }
    return count;
}

std::string CsvLeaseCodec::escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    appendEscaped(out, text);
    return out;
}

std::string CsvLeaseCodec::unescape(std::string_view text) {
    constexpr auto hex = hexNibble;
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '&' && i + 4 < text.size() && text[i + 1] == '#' && text[i + 2] == 'x') {
            int hi = hex(text[i + 3]), lo = hex(text[i + 4]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi << 4 | lo);
                i += 4;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

void CsvLeaseCodec::appendRow(std::string& out, const Lease4& l) {
    if (l.hwAddr.empty() && l.clientId.empty() && l.state != LeaseState::Declined) {
        throw StoreError("Lease4: " + l.address.str() +
                         ", state: default has neither hardware address or client id");
    }
    out += l.address.str();
    out += ',';
    out += l.hwAddr.str();
    out += ',';
    out += toColonHex(l.clientId);
    out += ',';
    out += std::to_string(l.validLifetime);
    out += ',';
    out += std::to_string(static_cast<uint64_t>(l.cltt) + l.validLifetime);
    out += ',';
    out += std::to_string(l.subnetId);
    out += l.fqdnFwd ? ",1" : ",0";
    out += l.fqdnRev ? ",1," : ",0,";
    appendEscaped(out, l.hostname);
    out += ',';
    out += std::to_string(static_cast<uint32_t>(l.state));
    out += ',';
    if (!l.userContext.is_null()) {
        // Kea writes the context's Element::str() text with ',' and '&' escaped.
        std::string json;
        appendKeaText(json, l.userContext);
        appendEscaped(out, json);
    }
    out += ',';
    out += std::to_string(l.poolId);
    out += '\n';
}

std::string CsvLeaseCodec::formatRow(const Lease4& lease) {
    std::string out;
    out.reserve(96);
    appendRow(out, lease);
    return out;
}

std::optional<Lease4> CsvLeaseCodec::parseRow(std::string_view line, size_t columns,
                                              std::string* error) {
    std::array<std::string_view, kColumns> f{};
    size_t count = 0;
    size_t pos = 0;
    while (true) {
        size_t end = line.find(',', pos);
        if (count < kColumns) {
            f[count] = line.substr(pos, end == std::string_view::npos ? std::string_view::npos
                                                                      : end - pos);
        }
        ++count;
        if (end == std::string_view::npos) {
            break;
        }
        pos = end + 1;
    }
    if (count != columns) {
        *error = "wrong number of columns: " + std::to_string(count) + ", expected " +
                 std::to_string(columns);
        return std::nullopt;
    }
    auto fail = [&](const char* column, std::string_view value) {
        *error = std::string("invalid ") + column + " '" + std::string(value) + "'";
        return std::nullopt;
    };
    Lease4 l;
    auto addr = Ipv4Address::fromText(f[0]);
    if (!addr) {
        return fail("address", f[0]);
    }
    l.address = *addr;
    if (!f[1].empty()) {
        auto hw = HwAddr::fromText(f[1]);
        if (!hw) {
            return fail("hwaddr", f[1]);
        }
        l.hwAddr = std::move(*hw);
    }
    if (!f[2].empty()) {
        auto cid = fromHexText(f[2]);
        if (!cid || cid->empty() || cid->size() > 255) {
            return fail("client_id", f[2]);
        }
        l.clientId = std::move(*cid);
    }
    auto valid = parseUnsigned<uint32_t>(f[3]);
    if (!valid) {
        return fail("valid_lifetime", f[3]);
    }
    l.validLifetime = *valid;
    auto expire = parseUnsigned<uint64_t>(f[4]);
    if (!expire) {
        return fail("expire", f[4]);
    }
    l.cltt = static_cast<int64_t>(*expire - l.validLifetime);
    auto subnet = parseUnsigned<uint32_t>(f[5]);
    if (!subnet) {
        return fail("subnet_id", f[5]);
    }
    l.subnetId = *subnet;
    auto fwd = parseBool(f[6]);
    if (!fwd) {
        return fail("fqdn_fwd", f[6]);
    }
    auto rev = parseBool(f[7]);
    if (!rev) {
        return fail("fqdn_rev", f[7]);
    }
    l.fqdnFwd = *fwd;
    l.fqdnRev = *rev;
    l.hostname = unescape(f[8]);
    if (columns > 9) {
        auto state = parseUnsigned<uint32_t>(f[9]);
        if (!state || *state > static_cast<uint32_t>(LeaseState::ExpiredReclaimed)) {
            return fail("state", f[9]);
        }
        l.state = static_cast<LeaseState>(*state);
    }
    if (columns > 10 && !f[10].empty()) {
        auto ctx = parseKeaText(unescape(f[10]), false);
        if (ctx.is_discarded() || !ctx.is_object()) {
            return fail("user_context", f[10]);
        }
        l.userContext = std::move(ctx);
    }
    if (columns > 11) {
        auto pool = parseUnsigned<uint32_t>(f[11]);
        if (!pool) {
            return fail("pool_id", f[11]);
        }
        l.poolId = *pool;
    }
    if (l.hwAddr.empty() && l.clientId.empty() && l.state != LeaseState::Declined) {
        *error = "lease has neither hardware address nor client id and is not declined";
        return std::nullopt;
    }
    return l;
}

namespace {

constexpr auto hexDigit = hexNibble;

// Strictly "hh:hh:...:hh" with 1..maxBytes bytes (a subset of what fromHexText accepts, with
// the same result).
bool parseColonHex(std::string_view text, size_t maxBytes, std::vector<uint8_t>& out) {
    out.clear();
    if (text.size() % 3 != 2 || text.size() / 3 + 1 > maxBytes) {
        return false;
    }
    for (size_t i = 0; i < text.size(); i += 3) {
        int hi = hexDigit(text[i]), lo = hexDigit(text[i + 1]);
        if (hi < 0 || lo < 0 || (i + 2 < text.size() && text[i + 2] != ':')) {
            return false;
        }
        out.push_back(static_cast<uint8_t>(hi << 4 | lo));
    }
    return true;
}

template <typename T> bool parseNumber(std::string_view text, T& value) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

} // namespace

bool CsvLeaseCodec::parseRowFast(std::string_view line, size_t columns, Lease4& l) {
    std::array<std::string_view, kColumns> f{};
    size_t count = 0;
    const char* p = line.data();
    const char* end = p + line.size();
    while (true) {
        const char* comma = static_cast<const char*>(std::memchr(p, ',', size_t(end - p)));
        const char* stop = comma ? comma : end;
        if (count < kColumns) {
            f[count] = std::string_view(p, size_t(stop - p));
        }
        ++count;
        if (!comma) {
            break;
        }
        p = comma + 1;
    }
    if (count != columns) {
        return false;
    }
    auto addr = Ipv4Address::fromText(f[0]);
    if (!addr) {
        return false;
    }
    l.address = *addr;
    l.hwAddr.htype = 1;
    if (f[1].empty()) {
        l.hwAddr.bytes.clear();
    } else if (!parseColonHex(f[1], 20, l.hwAddr.bytes)) {
        return false;
    }
    if (f[2].empty()) {
        l.clientId.clear();
    } else if (!parseColonHex(f[2], 255, l.clientId)) {
        return false;
    }
    uint64_t expire = 0;
    if (!parseNumber(f[3], l.validLifetime) || !parseNumber(f[4], expire) ||
        !parseNumber(f[5], l.subnetId)) {
        return false;
    }
    l.cltt = static_cast<int64_t>(expire - l.validLifetime);
    if ((f[6] != "0" && f[6] != "1") || (f[7] != "0" && f[7] != "1")) {
        return false;
    }
    l.fqdnFwd = f[6][0] == '1';
    l.fqdnRev = f[7][0] == '1';
    if (f[8].find('&') == std::string_view::npos) {
        l.hostname.assign(f[8]);
    } else {
        l.hostname = unescape(f[8]);
    }
    l.state = LeaseState::Default;
    if (columns > 9) {
        uint32_t state = 0;
        if (!parseNumber(f[9], state) || state > uint32_t(LeaseState::ExpiredReclaimed)) {
            return false;
        }
        l.state = static_cast<LeaseState>(state);
    }
    if (columns > 10 && !f[10].empty()) {
        return false; // user context: JSON, left to parseRow
    }
    if (!l.userContext.is_null()) {
        l.userContext = nullptr;
    }
    l.poolId = 0;
    if (columns > 11 && !parseNumber(f[11], l.poolId)) {
        return false;
    }
    return !(l.hwAddr.empty() && l.clientId.empty() && l.state != LeaseState::Declined);
}

} // namespace kahu
