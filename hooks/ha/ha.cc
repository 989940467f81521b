// SPDX-License-Identifier: MPL-2.0
// libdhcp_ha.so: Kea's High Availability hook (reference kea.md §8). This file only wires the
// pieces together: the configuration, the service, the callouts and the commands.
#include "ha_commands.h"
#include "ha_config_parser.h"
#include "ha_service.h"

#include <kahu/hooks/library.h>
#include <kahu/log.h>
#include <kahu/stats.h>

using namespace kahu::hooks;

namespace kahu::ha {
namespace {

// TODO(coordinator): replace with the wire side's HttpPeerChannel (http_peer_channel.h) and
// hand the service its LeaseUpdates (lease_updater.h) and LeaseSync (lease_sync.h) once the
// ha-wire branch is merged. Until then every peer command fails as a transport error, so the
// server stays in waiting (or goes to partner-down) and sends no lease updates.
class UnconnectedPeerChannel final : public PeerChannel {
public:
    void send(const PeerConfig&, const std::string&, nlohmann::json, std::chrono::milliseconds,
              Callback done) override {
        PeerAnswer a;
        a.transportError = "the HTTP peer channel is not available in this build";
        done(std::move(a));
    }
    void stop() override {}
};

std::shared_ptr<PeerChannel> makePeerChannel(const HaConfig&) {
    return std::make_shared<UnconnectedPeerChannel>();
}

void load(LoadContext& ctx) {
    HaConfig config = parseHaConfig(ctx.parameters());
    auto logger = ctx.logger();
    if (config.multiThreading.enable && !ctx.multiThreading()) {
        KAHU_INFO(logger, "HA_CONFIG_DHCP_MT_DISABLED",
                  "HA multi-threading is ignored because the server runs without "
                  "multi-threading");
    }
    auto channel = makePeerChannel(config);
    auto service =
        std::make_shared<HaService>(std::move(config), channel, makeServerLocalDhcp(), logger);

    ctx.registerCallout<HookPoint::Buffer4Receive>([service](Buffer4ReceiveArgs& a,
                                                             CalloutContext& c) {
        if (c.verdict() == Verdict::Drop) {
            return Verdict::Drop;
        }
        // Kea's HA parses the query itself and lets the server skip that step.
        if (ParseError e = a.query.parse(a.buffer); e != ParseError::Ok) {
            KAHU_DEBUG(&c.logger(), 40, "HA_BUFFER4_RECEIVE_PACKET_OPTIONS_SKIPPED",
                       "an error unpacking an option, caused subsequent options to be "
                       "skipped: {}",
                       toString(e));
            Statistics::instance().add("pkt4-parse-failed", 1);
            Statistics::instance().add("pkt4-receive-drop", 1);
            return Verdict::Drop;
        }
        QueryFilter::Decision d = service->filterQuery(a.query);
        if (!d.scope.empty()) {
            // TODO(core): the SDK has no client classes on Packet4 yet; the scope class
            // is kept in the packet context until it does.
            c.set<std::string>("ha-scope-class", d.scopeClass());
        }
        if (!d.inScope) {
            KAHU_DEBUG(&c.logger(), 40, "HA_BUFFER4_RECEIVE_NOT_FOR_US",
                       "{}: dropping query to be processed by another server", a.query.summary());
            return Verdict::Drop;
        }
        return Verdict::Skip;
    });

    ctx.registerCallout<HookPoint::Leases4Committed>(
        [service](Leases4CommittedArgs& a, CalloutContext& c) {
            if (c.verdict() == Verdict::Drop) {
                return Verdict::Drop;
            }
            return service->leasesCommitted(a, c);
        });

    ctx.registerCallout<HookPoint::Dhcp4SrvConfigured>(
        [service](Dhcp4SrvConfiguredArgs&, CalloutContext&) {
            service->start();
            return Verdict::Continue;
        });

    auto commands = std::make_shared<HaCommands>(*service);
    ctx.registerCallout<HookPoint::CommandProcessed>(
        [service, commands](CommandProcessedArgs& a, CalloutContext&) {
            commands->addToStatusGet(a.name, a.response);
            return Verdict::Continue;
        });
    registerHaCommands(ctx, service);
}

void unload() {}

} // namespace
} // namespace kahu::ha

KAHU_HOOK_LIBRARY(kahu::ha::load, kahu::ha::unload)
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
