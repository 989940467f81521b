// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <kahu/export.h>
#include <optional>
#include <string>
#include <string_view>

namespace kahu {

/// An IPv4 address held in host byte order, so that ordering and arithmetic follow the address
/// space (10.0.0.9 < 10.0.0.10). A value type; 0.0.0.0 is the default.
class Ipv4Address {
public:
    constexpr Ipv4Address() = default;
    constexpr explicit Ipv4Address(uint32_t hostOrder) : value_(hostOrder) {}

    /// Parses dotted-quad text; std::nullopt on anything else (no leading zeros rules, no spaces).
    static std::optional<Ipv4Address> fromText(std::string_view text) noexcept {
        uint32_t result = 0;
        size_t pos = 0;
        for (int octet = 0; octet < 4; ++octet) {
            if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') {
                return std::nullopt;
            }
            uint32_t v = 0;
            size_t digits = 0;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                v = v * 10 + static_cast<uint32_t>(text[pos] - '0');
                if (++digits > 3 || v > 255) {
                    return std::nullopt;
                }
                ++pos;
            }
            result = (result << 8) | v;
            if (octet < 3) {
                if (pos >= text.size() || text[pos] != '.') {
                    return std::nullopt;
                }
                ++pos;
            }
        }
        if (pos != text.size()) {
            return std::nullopt;
        }
        return Ipv4Address(result);
    }

    /// From four bytes in network order (as on the wire).
    static constexpr Ipv4Address fromBytes(const uint8_t* b) noexcept {
        return Ipv4Address((uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) |
                           uint32_t(b[3]));
    }
    constexpr void toBytes(uint8_t* out) const noexcept {
        out[0] = uint8_t(value_ >> 24);
        out[1] = uint8_t(value_ >> 16);
        out[2] = uint8_t(value_ >> 8);
        out[3] = uint8_t(value_);
    }

    constexpr uint32_t value() const noexcept { return value_; }
    constexpr bool isZero() const noexcept { return value_ == 0; }
    constexpr bool isBroadcast() const noexcept { return value_ == 0xffffffffu; }

    std::string str() const {
        std::string s;
        s.reserve(15);
        for (int shift = 24; shift >= 0; shift -= 8) {
            s += std::to_string((value_ >> shift) & 0xff);
            if (shift) {
                s += '.';
            }
        }
        return s;
    }
    // NOLINT: clang-tidy 14 takes the 0 of the rewritten comparisons for a null pointer.
    constexpr auto operator<=>(const Ipv4Address&) const = default; // NOLINT(modernize-use-nullptr)

private:
    uint32_t value_ = 0;
};

/// A prefix such as 172.18.10.0/24.
struct Ipv4Prefix {
    Ipv4Address address;
    uint8_t length = 0;

    constexpr uint32_t mask() const noexcept {
        return length == 0 ? 0u : (0xffffffffu << (32 - length));
    }
    constexpr bool contains(Ipv4Address a) const noexcept {
        return (a.value() & mask()) == (address.value() & mask());
    }
    constexpr Ipv4Address first() const noexcept { return Ipv4Address(address.value() & mask()); }
    constexpr Ipv4Address last() const noexcept { return Ipv4Address(first().value() | ~mask()); }
    std::string str() const { return address.str() + "/" + std::to_string(length); }
};

} // namespace kahu
