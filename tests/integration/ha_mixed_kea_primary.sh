#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# A mixed load-balancing pair: the real Kea 2.2 as dhcp1 (primary) and Kahu as dhcp2 (secondary); Kahu takes over when Kea dies, Kea syncs from Kahu.
# Both servers use the Oasis HA configs (dedicated listeners on :8001) with short delays;
# the scenario (lib/ha.bash ha_pair_scenario): both reach load-balancing, the clients are split as the
# mode says, every lease is in both lease files, dhcp1 dies and the other serves alone in
# partner-down, dhcp1 comes back, syncs from its partner, and both return to load-balancing.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/ha.bash"

ha_require --kea
ha_pair_scenario load-balancing kea kahu 1
pass
