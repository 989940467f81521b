// SPDX-License-Identifier: MPL-2.0
// DHCPINFORM (Kea's Dhcpv4Srv::processInform): configuration options only, no lease.
#include "dhcp4/classifier.h"
#include "dhcp4/dhcp4_messages.h"
#include "dhcp4/reply_options.h"
#include "log/kea_loggers.h"

#include <kahu/log.h>

namespace kahu {

void processInform(const MessageContext& m, Exchange& ex) {
    const Packet4& q = ex.query;
    if (q.ciaddr.isZero() && q.remoteAddr.isZero() && !q.isRelayed()) {
        KAHU_DEBUG(log::badPackets(), 50, "DHCP4_PACKET_DROP_0002",
                   "{}, from interface {}: no suitable subnet configured for a direct client",
                   q.label(), q.iface);
        ex.markDrop("DHCP4_PACKET_DROP_0002");
        return;
    }
    Packet4 r = m.replies.makeReply(ex, MessageType::Ack);
    r.ciaddr = q.ciaddr;
    if (ex.subnet) {
        ex.reservation = m.addresses.reservationFor(*ex.subnet, ex);
        m.replies.finishReply(ex, r, *ex.subnet, nullptr);
    } else {
        addConfiguredOptions(r, q, m.config, nullptr, nullptr, nullptr,
                             Classifier(m.config).definitionsOf(q));
        m.replies.setDestination(q, r);
    }
    // An INFORM answer goes to ciaddr when the client has one (Kea's Dhcpv4Srv::adjustRemoteAddr).
    if (!q.ciaddr.isZero()) {
        r.remoteAddr = q.ciaddr;
        r.remotePort = 68;
        if (q.isRelayed()) {
            r.giaddr = Ipv4Address();
            r.hops = 0;
            r.remove(opt::kRelayAgentInfo);
        }
    }
    ex.response = std::move(r);
}

} // namespace kahu
