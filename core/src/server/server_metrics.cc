// SPDX-License-Identifier: MPL-2.0
// The server's metrics (GET /metrics, metrics-get): a view of the statistics and of the
// service's state, computed at scrape time. docs/metrics.md lists them.
#include "metrics/stat_metrics.h"
#include "server/build_report.h"
#include "server/server.h"

#include <kahu/metrics.h>

namespace kahu {

using metrics::Family;
using metrics::Type;

void Server::registerMetrics() {
    auto& registry = metrics::Registry::instance();
    metricIds_.push_back(registry.add([this](std::vector<Family>& out) {
        auto gen = gen_.load();
        metrics::statisticsFamilies(gen ? gen->config.get() : nullptr, out);
    }));
    metricIds_.push_back(
        registry.add([](std::vector<Family>& out) { metrics::processFamilies(out); }));
    metricIds_.push_back(registry.add([this](std::vector<Family>& out) {
        out.push_back(Family{"kahu_build_info", "Kahu's version (value 1)", Type::Gauge, {}}.add(
            1, {{"version", versionText()}, {"program", "kahu-dhcp4"}}));
        out.push_back(Family{
            "kahu_dhcp4_service_enabled",
            "1 while the server answers clients (dhcp-disable/-enable, HA)",
            Type::Gauge,
            {}}.add(networkState_.isEnabled() ? 1 : 0));
        out.push_back(Family{
            "kahu_dhcp4_config_reload_timestamp_seconds",
            "When the running configuration was applied, since the epoch",
            Type::Gauge,
            {}}.add(static_cast<double>(configuredAt_.load())));
        auto gen = gen_.load();
        double parked = gen && gen->hooks ? gen->hooks->parkedCount() : 0;
        out.push_back(Family{
            "kahu_dhcp4_parked_packets",
            "Queries parked by hook libraries (e.g. HA waiting for the partner)",
            Type::Gauge,
            {}}.add(parked));
        std::unique_lock queueLock(queueMutex_);
        if (const PacketQueue* q = queue_.get()) {
            out.push_back(Family{
                "kahu_dhcp4_packet_queue_packets",
                "Received packets waiting for a worker thread",
                Type::Gauge,
                {}}.add(static_cast<double>(q->depth())));
            out.push_back(Family{
                "kahu_dhcp4_packet_queue_capacity_packets",
                "Capacity of the packet queue (dhcp-queue-control)",
                Type::Gauge,
                {}}.add(static_cast<double>(q->capacity())));
        }
        queueLock.unlock();
        if (gen && gen->leases) {
            gen->leases->utilization().collect(out);
            const LeaseStore* store = &gen->leases->store();
            std::vector<metrics::Label> type = {{"type", store->type()}};
            out.push_back(Family{
                "kahu_dhcp4_lease_store_up",
                "1 while the lease store is reachable (0: a database is lost "
                "and being recovered)",
                Type::Gauge,
                {}}.add(store->available() ? 1 : 0, type));
            if (!store->mayBlock()) { // a database would count its table on every scrape
                out.push_back(
                    Family{"kahu_dhcp4_leases", "Leases in the store, any state", Type::Gauge, {}}
                        .add(static_cast<double>(store->size()), type));
            }
        }
    }));
}

} // namespace kahu
