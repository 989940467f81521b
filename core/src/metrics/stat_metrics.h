// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/config/server_config.h>
#include <kahu/metrics.h>
#include <memory>
#include <string_view>
#include <vector>

namespace kahu::metrics {

/// Kea's statistics (kahu/stats.h) as Prometheus families (docs/metrics.md has the table):
/// packet counters as kea_dhcp4_packets_{received,sent}_total{operation}, subnet and pool
/// statistics under kea-exporter's names with the labels subnet_id, subnet and pool (the
/// configured range, "" on the subnet's own sample), other global statistics as
/// kea_dhcp4_global_<name>, and anything else as kea_dhcp4_<name>. Counters end in _total.
/// `config` (may be null) gives the subnet prefixes and pool ranges for the labels.
void statisticsFamilies(const ServerConfig* config, std::vector<Family>& out);

/// Whether a Kea statistic only goes up (reset aside).
bool isCounterStatistic(std::string_view name) noexcept;

/// The process's own: process_cpu_seconds_total, process_resident_memory_bytes,
/// process_virtual_memory_bytes, process_open_fds, process_max_fds,
/// process_start_time_seconds (Prometheus' client conventions, read from /proc/self).
void processFamilies(std::vector<Family>& out);

} // namespace kahu::metrics
