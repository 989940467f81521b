// SPDX-License-Identifier: MPL-2.0
// The packet path allocates nothing: once a thread has evaluated an expression, evaluating it
// again (Bool, or String into a reused buffer) calls no operator new. This file replaces the
// global operator new of the test program with one that counts the calls of the thread that
// asks it to.
#include "eval_test_util.h"

#include <cstdlib>
#include <new>

namespace {
thread_local bool counting = false;
thread_local size_t allocations = 0;
} // namespace

void* operator new(std::size_t size) {
    if (counting) {
        ++allocations;
    }
    if (void* p = std::malloc(size ? size : 1)) {
        return p;
    }
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    return operator new(size);
}
// operator delete stays libstdc++'s, which is free(): it matches the malloc() above.

namespace kahu::eval::test {
namespace {

// Counts the allocations `fn` makes on this thread.
template <typename F> size_t allocationsOf(F&& fn) {
    allocations = 0;
    counting = true;
    fn();
    counting = false;
    return allocations;
}

Packet4 busyQuery() {
    std::vector<uint8_t> vivso = {0, 0, 0x11, 0x8b, 5, 1, 3, 'a', 'b', 'c'};
    Packet4 q = query({
        {12, bytes("client-host")},
        {60, bytes("docsis3.0")},
        {61, {1, 0, 0x0c, 1, 2, 3, 4}},
        {51, {0, 0, 0x0e, 0x10}},
        {55, {1, 3, 6, 15}},
        {82, {1, 4, 'b', 'r', '1', '0', 2, 6, 0, 0x0c, 1, 2, 3, 4}},
        {124, {0, 0, 0x11, 0x8b, 3, 'x', 'y', 'z'}},
        {125, vivso},
    });
    q.iface = "eth0";
    q.addClass("ALL");
    q.addClass("VENDOR_CLASS_docsis3.0");
    return q;
}

TEST(ExpressionAllocation, CounterSeesAllocations) {
    // The counter works: a string too long for the small-string buffer allocates.
    EXPECT_GT(allocationsOf([] { std::string s(100, 'x'); }), 0u);
    // Also inside libkahu_core: returning a long std::string allocates there.
    const Packet4 q = busyQuery();
    const auto e =
        Expression::parse("option[host-name].text + option[host-name].text", ResultType::String);
    EXPECT_EQ(e.evaluateString(q), "client-hostclient-host");
    size_t size = 0;
    EXPECT_GT(allocationsOf([&] { size = e.evaluateString(q).size(); }), 0u);
    EXPECT_EQ(size, 22u);
}

TEST(ExpressionAllocation, BoolEvaluationAllocatesNothingOnceWarm) {
    const char* tests[] = {
        "substring(option[61].hex,0,3) == 0x01000c",
        "option[host-name].text == 'client-host' and not option[230].exists",
        "lcase(option[60].text) + '/' + hexstring(pkt4.mac, ':') == "
        "'docsis3.0/00:0c:01:02:03:04'",
        "relay4[1].hex == 'br10' and relay4[2].hex == pkt4.mac",
        "option[82].option[2].exists or option[61].option[1].exists",
        "vendor[4491].option[1].hex == 'abc' and vendor.enterprise == 4491",
        "vendor-class[4491].data == 'xyz' and vendor-class[*].exists",
        "member('VENDOR_CLASS_docsis3.0') or member('foo')",
        "split(option[12].text, '-', 2) == 'host' and ifelse(pkt.iface == 'eth0', 'a', 'b') == 'a'",
        "uint32totext(option[51].hex) == '3600' and addrtotext(pkt4.giaddr) == '0.0.0.0'",
        "option[51].text + option[55].text + option[61].text == '' or pkt.len == 0",
        "int8totext(0x0102) == ''", // an evaluation error allocates nothing either
        "pkt4.msgtype == 1 and pkt4.transid == 12345 and pkt4.htype == 1 and pkt4.hlen == 6",
    };
    const Packet4 q = busyQuery();
    for (const char* text : tests) {
        const auto e = Expression::parse(text, ResultType::Bool);
        const bool first = e.evaluateBool(q); // warms the thread's scratch buffer
        bool same = true;
        const size_t n = allocationsOf([&] {
            for (int i = 0; i < 1000; ++i) {
                same = same && e.evaluateBool(q) == first;
            }
        });
        EXPECT_EQ(n, 0u) << text;
        EXPECT_TRUE(same) << text;
    }
}

TEST(ExpressionAllocation, StringIntoABufferAllocatesNothingOnceWarm) {
    const Packet4 q = busyQuery();
    const auto e = Expression::parse("hexstring(option[61].hex, ':') + '-' + pkt.iface + '-' + "
                                     "option[host-name].text",
                                     ResultType::String);
    std::string buffer;
    const char* failure = nullptr;
    const std::string expected = "01:00:0c:01:02:03:04-eth0-client-host";
    EXPECT_EQ(e.evaluateString(q, buffer, failure), expected);
    std::string_view last;
    const size_t n = allocationsOf([&] {
        for (int i = 0; i < 1000; ++i) {
            last = e.evaluateString(q, buffer, failure);
        }
    });
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(last, expected);
    EXPECT_EQ(failure, nullptr);
}

} // namespace
} // namespace kahu::eval::test
