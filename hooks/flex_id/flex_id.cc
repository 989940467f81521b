// SPDX-License-Identifier: MPL-2.0
//
// libdhcp_flex_id.so — Kea's Flexible Identifier hook library.
//
// An expression of the classification language computes, per query, the identifier that
// "flex-id" host reservations are matched against:
//
//   "host-reservation-identifiers": [ "hw-address", "flex-id" ],
//   "hooks-libraries": [{
//       "library": "libdhcp_flex_id.so",
//       "parameters": {
//           "identifier-expression": "relay4[2].hex",
//           "replace-client-id": false
//       }
//   }]
//
// As in Kea: host4_identifier sets the identifier when the value is not empty (the server calls
// it only when "flex-id" is among host-reservation-identifiers). With replace-client-id, the
// query's client identifier becomes a 0 byte followed by the identifier from pkt4_receive on (so
// the lease is keyed by it), and pkt4_send puts the client's own client identifier back into
// the response (or removes the option when the client sent none). The value is computed once
// per packet, on the query as the client sent it.

#include <algorithm>
#include <cstdint>
#include <kahu/dhcp/packet4.h>
#include <kahu/eval/expression.h>
#include <kahu/hooks/library.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace kahu;
using namespace kahu::hooks;

constexpr uint8_t kClientId = 61;

struct FlexId {
    std::optional<eval::Expression> expression; ///< none: the library does nothing
    bool replaceClientId = false;
    std::shared_ptr<spdlog::logger> logger;
};

// What the library remembers per packet.
struct PacketState {
    std::vector<uint8_t> id;                      ///< the evaluated identifier (not empty)
    std::optional<std::vector<uint8_t>> clientId; ///< the client's own option 61, if any
};

std::string hex(const std::vector<uint8_t>& v) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (i > 0) {
            out.push_back(':');
        }
        out.push_back(digits[v[i] >> 4]);
        out.push_back(digits[v[i] & 0xf]);
    }
    return out;
}

// The identifier of this packet: computed by an earlier callout, or evaluated now (and kept
// when not empty, as Kea keeps it in the callout context). Null when it is empty.
const PacketState* flexId(const FlexId& self, const Packet4& query, CalloutContext& ctx) {
    if (const auto* s = ctx.get<PacketState>("flex-id")) {
        return s;
    }
    const char* failure = nullptr;
    std::string buffer;
    std::string_view value = self.expression->evaluateString(query, buffer, failure);
    if (failure != nullptr) {
        self.logger->debug("FLEX_ID_EXPRESSION_EVALUATION_FAILED {}", failure);
    }
    if (value.empty()) {
        return nullptr;
    }
    PacketState s;
    s.id.assign(value.begin(), value.end());
    self.logger->debug("FLEX_ID_EXPRESSION_HEX Flexible identifier generated for incoming packet: "
                       "{}",
                       hex(s.id));
    ctx.set<PacketState>("flex-id", std::move(s));
    return ctx.get<PacketState>("flex-id");
}

Verdict onHost4Identifier(const FlexId& self, Host4IdentifierArgs& args, CalloutContext& ctx) {
    if (ctx.verdict() != Verdict::Continue) {
        return Verdict::Continue;
    }
    if (const PacketState* s = flexId(self, args.query, ctx)) {
        args.idType = IdentifierType::FlexId;
        args.idValue = s->id;
    }
    return Verdict::Continue;
}

Verdict onPkt4Receive(const FlexId& self, Pkt4ReceiveArgs& args, CalloutContext& ctx) {
    if (ctx.verdict() != Verdict::Continue) {
        return Verdict::Continue;
    }
    const PacketState* found = flexId(self, args.query, ctx);
    if (found == nullptr) {
        return Verdict::Continue;
    }
    auto* s = ctx.get<PacketState>("flex-id");
    if (const Option* cid = args.query.get(kClientId)) {
        s->clientId = cid->data;
    }
    std::vector<uint8_t> replaced;
    replaced.reserve(s->id.size() + 1);
    replaced.push_back(0);
    replaced.insert(replaced.end(), s->id.begin(), s->id.end());
    self.logger->debug("FLEX_ID_USED_AS_CLIENT_ID the flexible identifier {} is used as the "
                       "client identifier",
                       hex(replaced));
    args.query.set(kClientId, std::move(replaced));
    return Verdict::Continue;
}

Verdict onPkt4Send(const FlexId& self, Pkt4SendArgs& args, CalloutContext& ctx) {
    if (ctx.verdict() == Verdict::Drop) {
        return Verdict::Continue;
    }
    const auto* s = ctx.get<PacketState>("flex-id");
    if (s == nullptr) {
        return Verdict::Continue;
    }
    args.response.remove(kClientId);
    if (s->clientId) {
        args.response.set(kClientId, *s->clientId);
        self.logger->debug("FLEX_ID_RESTORE_CLIENT_ID restoring the client identifier {}",
                           hex(*s->clientId));
    }
    return Verdict::Continue;
}

void load(LoadContext& ctx) {
    auto self = std::make_shared<FlexId>();
    self->logger = ctx.logger();
    ParamReader params(ctx);
    const std::string text = params.string("identifier-expression", "");
    self->replaceClientId = params.boolean("replace-client-id", false);
    // A DHCPv6 parameter: Kea's DHCPv4 server does not read it.
    params.accept({"ignore-iaid"});
    if (!text.empty()) {
        try {
            self->expression = eval::Expression::parse(text, eval::ResultType::String);
        } catch (const eval::ExpressionError& e) {
            params.fail("identifier-expression", "expression '" + text + "', column " +
                                                     std::to_string(e.column()) + ": " + e.what());
        }
    }
    params.finish();
    if (!self->expression) {
        self->logger->debug("FLEX_ID_NO_IDENTIFIER_EXPRESSION no identifier expression: the "
                            "library does nothing");
        return;
    }
    ctx.registerCallout<HookPoint::Host4Identifier>(
        [self](Host4IdentifierArgs& a, CalloutContext& c) {
            return onHost4Identifier(*self, a, c);
        });
    if (self->replaceClientId) {
        ctx.registerCallout<HookPoint::Pkt4Receive>(
            [self](Pkt4ReceiveArgs& a, CalloutContext& c) { return onPkt4Receive(*self, a, c); });
        ctx.registerCallout<HookPoint::Pkt4Send>(
            [self](Pkt4SendArgs& a, CalloutContext& c) { return onPkt4Send(*self, a, c); });
    }
}

void unload() {}

} // namespace

KAHU_HOOK_LIBRARY(load, unload)
// The configuration is read-only after load; per-packet state lives in the packet's context.
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
