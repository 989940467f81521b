// SPDX-License-Identifier: MPL-2.0
// libFuzzer target: any byte string through Packet4::parse, and whatever parses through
// pack -> parse -> pack, which must reproduce the same wire bytes (the codec is its own
// inverse once overload and split options are normalised away by the first parse).
#include <cstdint>
#include <cstdlib>
#include <kahu/dhcp/packet4.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    kahu::Packet4 p;
    if (p.parse(std::span<const uint8_t>(data, size)) != kahu::ParseError::Ok) {
        return 0;
    }
    (void)p.summary();
    (void)p.hwAddr();
    for (uint8_t sub = 0; sub < 16; ++sub) {
        (void)p.relaySubOption(sub);
    }
    std::vector<uint8_t> wire;
    p.pack(wire);
    kahu::Packet4 q;
    if (q.parse(wire) != kahu::ParseError::Ok) {
        std::abort(); // we produced something we cannot read back
    }
    if (q.options().size() != p.options().size() || q.xid != p.xid || q.chaddr != p.chaddr) {
        std::abort();
    }
    std::vector<uint8_t> again;
    q.pack(again);
    if (again != wire) {
        std::abort();
    }
    // A reused packet must not leak state between parses.
    if (q.parse(std::span<const uint8_t>(data, size)) != kahu::ParseError::Ok ||
        q.options().size() != p.options().size()) {
        std::abort();
    }
    return 0;
}
