// SPDX-License-Identifier: MPL-2.0
//
// libdhcp_bootp.so — Kea's BOOTP hook library: BOOTP clients with vendor-information
// extensions (RFC 1497) get leases. It takes no parameters:
//
//   "hooks-libraries": [{ "library": "libdhcp_bootp.so" }]
//
// buffer4_receive: a query without option 53 becomes a DHCPREQUEST (option 53 is added to its
// options, then the whole packet is parsed and checked as any other) in the class BOOTP. The
// server gives BOOTP members leases of infinite lifetime, and a pool with "client-class":
// "BOOTP" can keep them apart. pkt4_send: the DHCP-specific options (RFC 1533 section 9) are
// taken out of the answer. buffer4_send: an answer shorter than BOOTP's 300 octets is padded.
// A query without the DHCP magic cookie (plain RFC 951 BOOTP) is not supported, as in Kea:
// the server drops it as malformed.

#include <array>
#include <cstdint>
#include <kahu/dhcp/packet4.h>
#include <kahu/hooks/library.h>
#include <vector>

namespace {

using namespace kahu;
using namespace kahu::hooks;

constexpr size_t kCookieEnd = Packet4::kHeaderSize + 4; // the options area starts here
constexpr size_t kBootpMinSize = 300;                   // RFC 951's smallest message

// RFC 1533 section 9, the DHCP extensions: Kea's DHCP_SPECIFIC_OPTIONS.
constexpr std::array<uint8_t, 11> kDhcpSpecific = {50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 61};

bool hasCookie(const std::vector<uint8_t>& b) {
    return b.size() >= kCookieEnd && b[236] == 99 && b[237] == 130 && b[238] == 83 && b[239] == 99;
}

Verdict onReceive(Buffer4ReceiveArgs& args, CalloutContext&) {
    Packet4 probe;
    if (probe.parse(args.buffer) != ParseError::NoMessageType || !hasCookie(args.buffer)) {
        return Verdict::Continue; // DHCP, or malformed: the server parses (and drops) it
    }
    // A BOOTP request: parse it again with a message type, so every other check still runs.
    std::vector<uint8_t> withType(args.buffer.begin(), args.buffer.begin() + kCookieEnd);
    withType.insert(withType.end(), {53, 1, static_cast<uint8_t>(MessageType::Request)});
    withType.insert(withType.end(), args.buffer.begin() + kCookieEnd, args.buffer.end());
    Packet4& q = args.query;
    const ParseError err = q.parse(withType);
    if (err != ParseError::Ok) {
        return Verdict::Continue;
    }
    q.addClass("BOOTP");
    return Verdict::Skip; // parsed here
}

Verdict onSend(Pkt4SendArgs& args, CalloutContext&) {
    if (!args.query.inClass("BOOTP")) {
        return Verdict::Continue;
    }
    for (uint8_t code : kDhcpSpecific) {
        args.response.remove(code);
    }
    return Verdict::Continue;
}

Verdict onBufferSend(Buffer4SendArgs& args, CalloutContext&) {
    if (!args.response.messageType() && args.buffer.size() < kBootpMinSize) {
        args.buffer.resize(kBootpMinSize, 0);
    }
    return Verdict::Continue;
}

void load(LoadContext& ctx) {
    ParamReader params(ctx);
    params.finish(); // Kea's library takes no parameters
    ctx.registerCallout<HookPoint::Buffer4Receive>(onReceive);
    ctx.registerCallout<HookPoint::Pkt4Send>(onSend);
    ctx.registerCallout<HookPoint::Buffer4Send>(onBufferSend);
}

void unload() {}

} // namespace

KAHU_HOOK_LIBRARY(load, unload)
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
