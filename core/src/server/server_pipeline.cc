// SPDX-License-Identifier: MPL-2.0
// kahu::Server, part 2: the packet pipeline (receive, hand-over, stages, send). Every hook point
// runs through PacketHooks (dhcp4/packet_hooks.h), as the protocol's do.
#include "dhcp4/packet_hooks.h"
#include "log/kea_loggers.h"
#include "server/server.h"
#include "server/server_detail.h"

#include <algorithm>
#include <kahu/stats.h>

namespace kahu {

using server_detail::logger;
using server_detail::nowSeconds;

namespace {

struct PacketCounters {
    Counter& received = Statistics::instance().counter("pkt4-received");
    Counter& parseFailed = Statistics::instance().counter("pkt4-parse-failed");
    Counter& receiveDrop = Statistics::instance().counter("pkt4-receive-drop");
    Counter& sent = Statistics::instance().counter("pkt4-sent");
    Counter& offerSent = Statistics::instance().counter("pkt4-offer-sent");
    Counter& ackSent = Statistics::instance().counter("pkt4-ack-sent");
    Counter& nakSent = Statistics::instance().counter("pkt4-nak-sent");
};

PacketCounters& counters() {
    static PacketCounters c;
    return c;
}

} // namespace

void Server::handlePacket(net::ReceivedPacket& rp) noexcept {
    if (!networkState_.isEnabled()) {
        // dhcp-disable (an operator, HA, a lost database): dropped before any hook or
        // statistic, as Kea does (DHCP4_PACKET_DROP_0008).
        return;
    }
    counters().received.add(1);
    std::shared_ptr<Generation> gen = gen_.load();
    auto ex = std::make_shared<Exchange>();
    ex->now = nowSeconds();
    ex->keepAlive = gen;
    if (gen->hooks) {
        ex->hooks = gen->hooks;
        ex->context = std::make_shared<hooks::PacketContext>();
    }
    rp.fillTransport(ex->query);
    hooks::Buffer4ReceiveArgs receiveArgs{rp.data, ex->query};
    auto v = PacketHooks::run<hooks::HookPoint::Buffer4Receive>(*ex, receiveArgs);
    if (v == hooks::Verdict::Drop) {
        counters().receiveDrop.add(1);
        return;
    }
    bool parse = v != hooks::Verdict::Skip;
    if (parse) {
        ParseError err = ex->query.parse(rp.data);
        if (err != ParseError::Ok) {
            counters().parseFailed.add(1);
            counters().receiveDrop.add(1);
            if (err == ParseError::NoMessageType) {
                KAHU_DEBUG(log::badPackets(), 40, "DHCP4_PACKET_DROP_0009",
                           "{}: Option 53 missing (no DHCP message type), is this a BOOTP "
                           "packet?",
                           ex->query.label());
            } else {
                KAHU_DEBUG(log::badPackets(), 15, "DHCP4_PACKET_DROP_0001",
                           "failed to parse packet from {} to {}, received over interface {}, "
                           "reason: {}",
                           rp.src.str(), rp.dst.str(), rp.iface, toString(err));
            }
            return;
        }
    }
    if (const auto& lg = log::packets(); log::debugLevel(*lg) >= 40) {
        const Packet4& q = ex->query;
        const auto type = q.messageType();
        KAHU_DEBUG(lg, 40, "DHCP4_PACKET_RECEIVED",
                   "{}: {} (type {}) received from {} to {} on "
                   "interface {}",
                   q.label(), type ? toString(*type) : "BOOTP", type ? static_cast<int>(*type) : 0,
                   rp.src.str(), rp.dst.str(), rp.iface);
    }
    if (opts_.clientPort && ex->query.giaddr.isZero()) {
        ex->query.remotePort = opts_.clientPort;
    }
    if (!gen->processor->admit(*ex)) {
        return; // not for this server, or in DROP: counted
    }
    hooks::Pkt4ReceiveArgs args{ex->query};
    auto process = [this, gen = std::move(gen)](const ExchangePtr& x) { stageProcess(gen, x); };
    auto dropped = [](const ExchangePtr&, const char*) { counters().receiveDrop.add(1); };
    switch (PacketHooks::runOrPark<hooks::HookPoint::Pkt4Receive>(ex, args, process, dropped)) {
    case HookStep::Continue:
        process(ex);
        return;
    case HookStep::Skip: // drops here, as Drop does
        counters().receiveDrop.add(1);
        return;
    case HookStep::Parked:
    case HookStep::Dropped:
        return;
    }
}

void Server::stageProcess(const std::shared_ptr<Generation>& gen, const ExchangePtr& ex) noexcept {
    gen->processor->process(ex, [this](const ExchangePtr& done) { stageCommitted(done); });
}

void Server::stageCommitted(const ExchangePtr& ex) noexcept {
    if (ex->drop) {
        return; // the stage that dropped it logged why, under Kea's message ID
    }
    // leases4_committed: only for REQUEST, RELEASE and DECLINE, as in Kea.
    auto type = ex->query.messageType();
    bool committing = type == MessageType::Request || type == MessageType::Release ||
                      type == MessageType::Decline;
    if (committing) {
        hooks::Leases4CommittedArgs args{ex->query, ex->response ? &*ex->response : nullptr,
                                         ex->leases, ex->deletedLeases};
        auto send = [this](const ExchangePtr& x) { stageSend(x); };
        auto dropped = [](const ExchangePtr& x, const char*) {
            KAHU_DEBUG(log::hooksLog(), 40, "DHCP4_HOOK_LEASES4_COMMITTED_DROP",
                       "{}: packet is dropped, because a callout set the next step to DROP",
                       x->query.label());
        };
        auto step =
            PacketHooks::runOrPark<hooks::HookPoint::Leases4Committed>(ex, args, send, dropped);
        if (step == HookStep::Parked || step == HookStep::Dropped) {
            return;
        }
    }
    stageSend(ex);
}

void Server::stageSend(const ExchangePtr& ex) noexcept {
    if (!ex->response) {
        return;
    }
    Packet4& response = *ex->response;
    hooks::Pkt4SendArgs sendArgs{ex->query, response, ex->subnet};
    if (PacketHooks::run<hooks::HookPoint::Pkt4Send>(*ex, sendArgs) == hooks::Verdict::Drop) {
        return;
    }
    thread_local std::vector<uint8_t> wire;
    response.pack(wire);
    hooks::Buffer4SendArgs bufferArgs{response, wire};
    if (PacketHooks::run<hooks::HookPoint::Buffer4Send>(*ex, bufferArgs) !=
        hooks::Verdict::Continue) {
        return;
    }
    // The sockets of the running generation: a reply resumed after a reload still goes out.
    if (const auto& lg = log::packets(); log::debugLevel(*lg) >= 40) {
        const auto type = response.messageType();
        KAHU_DEBUG(lg, 40, "DHCP4_PACKET_SEND",
                   "{}: trying to send packet {} (type {}) from {}:{} to {}:{} on interface {}",
                   response.label(), type ? toString(*type) : "BOOTP",
                   type ? static_cast<int>(*type) : 0, response.localAddr.str(),
                   response.localPort ? response.localPort : 67, response.remoteAddr.str(),
                   response.remotePort, response.iface);
    }
    if (!sockets_.load()->send(response, wire)) {
        KAHU_ERROR(log::packets(), "DHCP4_PACKET_SEND_FAIL", "{}: failed to send DHCPv4 packet: {}",
                   ex->query.label(), "to " + response.remoteAddr.str());
        return;
    }
    counters().sent.add(1);
    switch (response.messageType().value_or(MessageType::Ack)) {
    case MessageType::Offer:
        counters().offerSent.add(1);
        break;
    case MessageType::Nak:
        counters().nakSent.add(1);
        break;
    default:
        counters().ackSent.add(1);
        break;
    }
}

size_t Server::drain(int fd) noexcept {
    auto sockets = sockets_.load();
    size_t total = 0;
    for (;;) {
        size_t got = sockets->receive(fd, receiveBatch_);
        total += got;
        // Small bursts from a store that never blocks cost less on this thread than the
        // hand-over (a worker wake-up); larger ones, or a blocking store, go to the workers.
        if (queue_ && (got > kChunk || store_->mayBlock())) {
            // Hand over in chunks so that a large burst still spreads over the workers; with a
            // blocking store one packet each, so no packet waits behind another's round trips.
            size_t chunkSize = store_->mayBlock() ? 1 : kChunk;
            for (size_t k = 0; k < got; k += chunkSize) {
                PacketQueue::Batch chunk;
                size_t end = std::min(got, k + chunkSize);
                chunk.reserve(end - k);
                for (size_t j = k; j < end; ++j) {
                    chunk.push_back(std::move(receiveBatch_[j]));
                    receiveBatch_[j] = net::ReceivedPacket{};
                }
                if (size_t dropped = queue_->push(std::move(chunk))) {
                    Statistics::instance().add("pkt4-receive-drop", static_cast<int64_t>(dropped));
                }
            }
        } else {
            for (size_t k = 0; k < got; ++k) {
                handlePacket(receiveBatch_[k]);
            }
        }
        if (got < receiveBatch_.size()) {
            return total;
        }
    }
}

} // namespace kahu
