// SPDX-License-Identifier: MPL-2.0
// Random leases of the kinds the write paths accept (DHCP, lease commands, an HA partner's
// update or sync), with the text fields full of what breaks files: separators, escapes, line
// breaks and other control characters, quotes, backslashes, UTF-8. For the property tests
// "every accepted lease comes back identical" of the memfile and MySQL stores.
#pragma once

#include <cstdint>
#include <kahu/lease/lease4.h>
#include <random>
#include <string>
#include <string_view>

namespace kahu::test {

struct RandomLeaseLimits {
    bool infiniteLifetime = true; ///< may draw Lease4::kInfinite
    bool poolId = true;           ///< may draw a pool id other than 0
    bool beyondLatin1 = true;     ///< may use characters latin1 lacks (漢, an emoji)
};

class RandomLeases {
public:
    explicit RandomLeases(uint32_t seed, RandomLeaseLimits limits = {})
        : rng_(seed), limits_(limits) {}

    /// A lease at 10.<n/65536>.<n/256>.<n%256> + 10.0.0.0 with every other field drawn.
    Lease4 lease(uint32_t n) {
        Lease4 l;
        l.address = Ipv4Address(0x0a000000u + n);
        l.state = static_cast<LeaseState>(pick(3));
        if (pick(8) != 0) {
            l.hwAddr.bytes = bytes(1 + pick(20));
        }
        if (pick(3) != 0 || l.hwAddr.empty()) {
            l.clientId = bytes(1 + pick(64));
        }
        l.validLifetime = limits_.infiniteLifetime && pick(10) == 0 ? Lease4::kInfinite
                                                                    : uint32_t(1 + pick(1000000));
        l.cltt = 1700000000 + int64_t(pick(100000000));
        l.subnetId = 1 + pick(4000000);
        l.fqdnFwd = pick(2) != 0;
        l.fqdnRev = pick(2) != 0;
        l.hostname = text(pick(4) == 0 ? 0 : 1 + pick(60));
        if (pick(2) != 0) {
            l.userContext = object(2);
        }
        l.poolId = limits_.poolId && pick(2) != 0 ? pick(100) : 0;
        return l;
    }

    /// A text of `size` characters drawn from the troublesome alphabet (valid UTF-8, as every
    /// path that accepts text takes it from JSON or sanitises it).
    std::string text(size_t size) {
        static const char* const kPieces[] = {
            ",",       "&", "&#x2c", "\n", "\r", "\t", "\x01", "\x1f", "\x7f", "\"", "\\",
            "\\u00e9", "'", " ",     "#",  "{",  "}",  "[",    "]",    ":",    "é",  "ü",
            "漢",      "😀", "a",     "b",  "z",  "0",  "9",    "-",    ".",    "_"};
        static constexpr size_t kCount = sizeof kPieces / sizeof kPieces[0];
        std::string s;
        for (size_t i = 0; i < size; ++i) {
            const char* piece = kPieces[pick(kCount)];
            const bool wide = std::string_view(piece) == "😀" || std::string_view(piece) == "漢";
            s += !limits_.beyondLatin1 && wide ? "?" : piece;
        }
        return s;
    }

    /// A JSON object with troublesome keys and values, nested up to `depth` levels.
    nlohmann::json object(int depth) {
        nlohmann::json o = nlohmann::json::object();
        const uint32_t n = pick(4);
        for (uint32_t i = 0; i < n; ++i) {
            o[text(1 + pick(8))] = value(depth);
        }
        return o;
    }

private:
    nlohmann::json value(int depth) {
        switch (pick(depth > 0 ? 8 : 6)) {
        case 0:
            return text(pick(20));
        case 1:
            return int64_t(pick(2000000)) - 1000000;
        case 2:
            return pick(2) != 0;
        case 3:
            return nullptr;
        case 4: // at most six significant digits: what Kea's text (and the lease file) keeps
            return double(int64_t(pick(16000)) - 8000) / 8.0;
        case 5:
            return uint64_t(1) << 63 | pick(1000);
        case 6: {
            nlohmann::json a = nlohmann::json::array();
            for (uint32_t i = pick(4); i > 0; --i) {
                a.push_back(value(depth - 1));
            }
            return a;
        }
        default:
            return object(depth - 1);
        }
    }

    std::vector<uint8_t> bytes(uint32_t size) {
        std::vector<uint8_t> b(size);
        for (auto& x : b) {
            x = uint8_t(pick(256));
        }
        return b;
    }

    uint32_t pick(uint32_t bound) {
        return std::uniform_int_distribution<uint32_t>(0, bound - 1)(rng_);
    }

    std::mt19937 rng_;
    RandomLeaseLimits limits_;
};

} // namespace kahu::test
