// SPDX-License-Identifier: MPL-2.0
// libdhcp_ha.so: Kea's High Availability hook (Kea ARM "libdhcp_ha.so: High Availability"). This
// file only wires the pieces together: the configuration, the service, the callouts and the
// commands.
#include "ha_commands.h"
#include "ha_config_parser.h"
#include "ha_service.h"
#include "http_listener.h"
#include "http_peer_channel.h"
#include "wire_adapters.h"

#include <algorithm>
#include <kahu/hooks/library.h>
#include <kahu/log.h>
#include <kahu/metrics.h>
#include <kahu/server_access.h>
#include <kahu/stats.h>
#include <mutex>
#include <thread>

using namespace kahu::hooks;

namespace kahu::ha {
namespace {

// What the callouts and commands share; destroyed with the last of them (hook set unload).
struct HaRuntime {
    std::shared_ptr<HaService> service;
    std::unique_ptr<HttpListener> listener; ///< the 2.4+ dedicated listener, when enabled
    std::once_flag started;
    ~HaRuntime() {
        if (listener) {
            listener->stop();
        }
        if (service) {
            service->stop();
        }
    }
};

/// The DHCP worker count of the running server (thread-pool-size, 0 = the cores).
unsigned dhcpThreads(ServerAccess* server) {
    unsigned n = 0;
    if (server != nullptr) {
        if (auto cfg = server->config()) {
            n = cfg->multiThreading.threadPoolSize;
        }
    }
    return n ? n : std::max(1u, std::thread::hardware_concurrency());
}

/// With HA multi-threading, lease updates to a peer go over as many parallel connections as
/// http-client-threads says (0 = the DHCP thread count, as in Kea), so one slow answer does
/// not hold up the other workers' parked clients. Without it, one connection per peer, as
/// Kea's single-threaded client.
std::shared_ptr<PeerChannel> makePeerChannel(LoadContext& ctx, const HaConfig& config, bool mt) {
    HttpPeerChannel::Options o;
    if (mt && config.multiThreading.enable) {
        unsigned n = config.multiThreading.clientThreads ? config.multiThreading.clientThreads
                                                         : dhcpThreads(ctx.server());
        o.threads = config.multiThreading.clientThreads ? n : 1;
        o.connectionsPerPeer = n;
    }
    // The host's client: stopped when the library is unloaded.
    return std::make_shared<HttpPeerChannel>(ctx.httpClient(HttpPeerChannel::clientOptions(o)));
}

void load(LoadContext& ctx) {
    ParamReader parameters(ctx);
    HaConfig config = parseHaConfig(parameters);
    // Kea's logger name, so a Kea "loggers" entry for "kea-dhcp4.ha-hooks" applies.
    auto logger = log::get("kahu-dhcp4.ha-hooks");
    if (config.multiThreading.enable && !ctx.multiThreading()) {
        KAHU_INFO(logger, "HA_CONFIG_DHCP_MT_DISABLED",
                  "HA multi-threading is ignored because the server runs without "
                  "multi-threading");
    }
    const bool mt = ctx.multiThreading();
    auto channel = makePeerChannel(ctx, config, mt);
    auto runtime = std::make_shared<HaRuntime>();
    if (mt && config.multiThreading.enable && config.multiThreading.dedicatedListener) {
        auto o = HttpListener::Options::fromConfig(config, config.thisServer());
        if (config.multiThreading.listenerThreads > 0) {
            o.threads = config.multiThreading.listenerThreads;
        }
        // The host's server: stopped when the library is unloaded.
        runtime->listener = std::make_unique<HttpListener>(
            o, ctx.commandRunner(), [&ctx](http::ServerOptions so, http::Handler h) {
                return ctx.httpServer(std::move(so), std::move(h));
            });
    }
    auto service = std::make_shared<HaService>(std::move(config), channel,
                                               makeServerLocalDhcp(ctx.server()), logger);
    service->setLeaseUpdates(std::make_shared<UpdaterPort>(service->config(), channel, *service));
    service->setLeaseSync(std::make_shared<SyncPort>(service->config(), channel, ctx.server()));
    runtime->service = service;

    ctx.registerCallout<HookPoint::Buffer4Receive>([service](Buffer4ReceiveArgs& a,
                                                             CalloutContext& c) {
        if (c.verdict() == Verdict::Drop) {
            return Verdict::Drop;
        }
        // Kea's HA parses the query itself and lets the server skip that step.
        if (ParseError e = a.query.parse(a.buffer); e != ParseError::Ok) {
            KAHU_DEBUG(service->logger(), 40, "HA_BUFFER4_RECEIVE_UNPACK_FAILED",
                       "failed to parse query from {}: {}", a.query.remoteAddr.str(), toString(e));
            Statistics::instance().add("pkt4-parse-failed", 1);
            Statistics::instance().add("pkt4-receive-drop", 1);
            return Verdict::Drop;
        }
        QueryFilter::Decision d = service->filterQuery(a.query);
        if (!d.scope.empty()) {
            // As Kea: the query gets its scope's class (it is dropped below when not served), so
            // that pools and subnets can be split with `client-class: "HA_<server-name>"`.
            a.query.addClass(d.scopeClass());
        }
        if (!d.inScope) {
            KAHU_DEBUG(service->logger(), 40, "HA_BUFFER4_RECEIVE_NOT_FOR_US",
                       "{}: dropping query to be processed by another server", a.query.summary());
            return Verdict::Drop;
        }
        return Verdict::Skip;
    });

    // HA's state on GET /metrics: one sample per state with 1 on the current one (Prometheus'
    // "state set"), so a dashboard can plot it and an alert can fire on partner-down.
    ctx.addMetricsCollector([service](std::vector<metrics::Family>& out) {
        static constexpr HaState kStates[] = {HaState::Backup,
                                              HaState::CommunicationRecovery,
                                              HaState::HotStandby,
                                              HaState::LoadBalancing,
                                              HaState::InMaintenance,
                                              HaState::PartnerDown,
                                              HaState::PartnerInMaintenance,
                                              HaState::PassiveBackup,
                                              HaState::Ready,
                                              HaState::Syncing,
                                              HaState::Terminated,
                                              HaState::Waiting,
                                              HaState::Unavailable};
        const std::string server = service->config().thisServerName;
        const HaState mine = service->state();
        const HaState partner = service->communication().partnerState();
        metrics::Family local{"kahu_ha_state",
                              "This server's HA state (1 on the current one)",
                              metrics::Type::Gauge,
                              {}};
        metrics::Family remote{"kahu_ha_partner_state",
                               "The partner's HA state as last heard (1 on the current one)",
                               metrics::Type::Gauge,
                               {}};
        for (HaState st : kStates) {
            std::string name(wireName(st));
            if (st != HaState::Unavailable) {
                local.add(st == mine ? 1 : 0, {{"server", server}, {"state", name}});
            }
            remote.add(st == partner ? 1 : 0, {{"server", server}, {"state", name}});
        }
        out.push_back(std::move(local));
        out.push_back(std::move(remote));
        out.push_back(metrics::Family{
            "kahu_ha_communication_interrupted",
            "1 while heartbeats to the partner fail",
            metrics::Type::Gauge,
            {}}.add(service->communication().isCommunicationInterrupted() ? 1 : 0,
                    {{"server", server}}));
        out.push_back(metrics::Family{
            "kahu_ha_unacked_clients",
            "Clients trying to reach the partner while communication "
            "is interrupted (failure detection)",
            metrics::Type::Gauge,
            {}}.add(static_cast<double>(service->communication().unackedClients()),
                    {{"server", server}}));
        out.push_back(metrics::Family{
            "kahu_ha_unsent_lease_updates",
            "Lease updates queued for the partner (backlog)",
            metrics::Type::Gauge,
            {}}.add(static_cast<double>(service->unsentUpdateCount()), {{"server", server}}));
    });

    ctx.registerCallout<HookPoint::Leases4Committed>(
        [service](Leases4CommittedArgs& a, CalloutContext& c) {
            if (c.verdict() == Verdict::Drop) {
                return Verdict::Drop;
            }
            return service->leasesCommitted(a, c);
        });

    // The service and the listener start once the server is configured (Kea: on the next
    // IO tick after dhcp4_srv_configured); failing to listen fails the configuration.
    ctx.registerCallout<HookPoint::Dhcp4SrvConfigured>(
        [runtime](Dhcp4SrvConfiguredArgs& a, CalloutContext&) {
            try {
                std::call_once(runtime->started, [&] {
                    if (runtime->listener) {
                        runtime->listener->start();
                    }
                    runtime->service->start();
                });
            } catch (const std::exception& e) {
                a.error = std::string("HA: ") + e.what();
                return Verdict::Drop;
            }
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
