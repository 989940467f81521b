// SPDX-License-Identifier: MPL-2.0
// Shared by the expression tests: queries built from wire bytes, and one-line evaluation.
#pragma once

#include <cstdint>
#include <gtest/gtest.h>
#include <initializer_list>
#include <kahu/dhcp/packet4.h>
#include <kahu/eval/expression.h>
#include <string>
#include <string_view>
#include <vector>

namespace kahu::eval::test {

/// One option on the wire.
struct WireOption {
    uint8_t code;
    std::vector<uint8_t> data;
};

inline std::vector<uint8_t> bytes(std::string_view s) {
    return {s.begin(), s.end()};
}

/// A DHCPDISCOVER from chaddr 00:0c:01:02:03:04 (htype 1, hlen 6), xid 12345, carrying
/// `options` after option 53, parsed as the server parses what it receives.
inline Packet4 query(std::initializer_list<WireOption> options = {}) {
    std::vector<uint8_t> b(240, 0);
    b[0] = 1;
    b[1] = 1;
    b[2] = 6;
    b[4] = 0, b[5] = 0, b[6] = 0x30, b[7] = 0x39; // 12345
    const uint8_t mac[] = {0x00, 0x0c, 0x01, 0x02, 0x03, 0x04};
    std::copy(std::begin(mac), std::end(mac), b.begin() + 28);
    b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99;
    b.insert(b.end(), {53, 1, 1});
    for (const auto& o : options) {
        b.push_back(o.code);
        b.push_back(uint8_t(o.data.size()));
        b.insert(b.end(), o.data.begin(), o.data.end());
    }
    b.push_back(255);
    b.resize(std::max<size_t>(b.size(), 300), 0);
    Packet4 p;
    EXPECT_EQ(p.parse(b), ParseError::Ok);
    return p;
}

/// The value of a string expression.
inline std::string str(std::string_view text, const Packet4& q = query()) {
    return Expression::parse(text, ResultType::String).evaluateString(q);
}

/// The value of a test.
inline bool test(std::string_view text, const Packet4& q = query()) {
    return Expression::parse(text, ResultType::Bool).evaluateBool(q);
}

/// Why evaluating a string expression failed ("" when it did not).
inline std::string failure(std::string_view text, const Packet4& q = query()) {
    std::string buffer;
    const char* why = nullptr;
    Expression::parse(text, ResultType::String).evaluateString(q, buffer, why);
    return why ? why : "";
}

} // namespace kahu::eval::test
