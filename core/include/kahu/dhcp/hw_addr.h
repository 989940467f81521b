// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kahu {

/// Bytes printed as lower-case colon-separated hex ("aa:bb:0c"), the form Kea uses for
/// hardware addresses and client identifiers in lease files and JSON.
inline std::string toColonHex(const uint8_t* data, size_t size) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    s.reserve(size * 3);
    for (size_t i = 0; i < size; ++i) {
        if (i) {
            s += ':';
        }
        s += kHex[data[i] >> 4];
        s += kHex[data[i] & 0xf];
    }
    return s;
}
inline std::string toColonHex(const std::vector<uint8_t>& v) {
    return toColonHex(v.data(), v.size());
}

/// The value of one hex digit, or -1 when the character is not one.
constexpr int hexNibble(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/// Parses hex bytes separated by ':' (or '-', or nothing, as Kea accepts: "aa:bb", "aa-bb",
/// "aabb", "0x0aabb"). Single-digit groups between separators are allowed ("a:b" = 0a:0b).
/// std::nullopt on any other character or an odd digit count without separators.
inline std::optional<std::vector<uint8_t>> fromHexText(std::string_view text) {
    constexpr auto nibble = hexNibble;
    std::vector<uint8_t> out;
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
    }
    bool separated = text.find_first_of(":- ") != std::string_view::npos;
    if (!separated) {
        if (text.size() % 2) {
            return std::nullopt;
        }
        for (size_t i = 0; i < text.size(); i += 2) {
            int hi = nibble(text[i]), lo = nibble(text[i + 1]);
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            out.push_back(uint8_t(hi << 4 | lo));
        }
        return out;
    }
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find_first_of(":- ", pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view group = text.substr(pos, end - pos);
        if (group.empty() || group.size() > 2) {
            return std::nullopt;
        }
        int v = 0;
        for (char c : group) {
            int n = nibble(c);
            if (n < 0) {
                return std::nullopt;
            }
            v = v << 4 | n;
        }
        out.push_back(uint8_t(v));
        pos = end + 1;
    }
    return out;
}

/// A client hardware address: the type (1 = Ethernet) and the bytes (chaddr[0..hlen)).
struct HwAddr {
    uint8_t htype = 1;
    std::vector<uint8_t> bytes;

    bool empty() const noexcept { return bytes.empty(); }
    /// "aa:bb:cc:dd:ee:ff", without the type (Kea's lease file and JSON form).
    std::string str() const { return toColonHex(bytes); }
    static std::optional<HwAddr> fromText(std::string_view text, uint8_t htype = 1) {
        auto b = fromHexText(text);
        if (!b || b->empty() || b->size() > 20) {
            return std::nullopt;
        }
        return HwAddr{htype, std::move(*b)};
    }
    bool operator==(const HwAddr& o) const noexcept { return bytes == o.bytes; }
};

/// Option 61 data, whole (type byte included), as Kea keeps it.
using ClientId = std::vector<uint8_t>;

} // namespace kahu
