#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# passive-backup with two kahu-dhcp4 servers: dhcp1 (primary) answers every client behind
# dhcrelay and sends each lease to dhcp2 (backup), which answers nobody but holds every
# lease in its lease file.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/ha.bash"

ha_require

lab_oasis two
lab_client_ns cli-a 02:00:00:00:00:10
lab_client_ns cli-b 02:00:00:00:00:11

for n in 1 2; do
    jq '.Dhcp4["hooks-libraries"][1].parameters["high-availability"][0] |=
          (.mode = "passive-backup" | .peers[1].role = "backup")' \
        "$KAHU_SOURCE/config/kahu-dhcp4-load-balancing-dhcp$n.conf" >"$LAB_TMP/pb$n.conf"
done
start_server "$LAB_TMP/pb1.conf" srv1
start_server "$LAB_TMP/pb2.conf" srv2
start_relay 172.18.20.20 172.18.20.21

wait_for 15 "dhcp1 in passive-backup" bash -c "[[ \$(printf '%s' '{\"command\": \"ha-heartbeat\"}' | socat -t 5 - UNIX-CONNECT:$LAB_TMP/srv1-ctrl | jq -r .arguments.state) == passive-backup ]]"
assert_eq passive-backup "$(ha_state srv1)" "dhcp1's state"
assert_eq backup "$(ha_state srv2)" "dhcp2's state"

for c in cli-a cli-b; do
    client_prepare $c host-$c
    run_dhclient $c || fail "$c got no lease"
    assert_eq 172.18.20.20 "$(client_var $c new_dhcp_server_identifier)" "$c served by dhcp1"
    addr=$(client_var $c new_ip_address)
    [[ -n "$(lease_rows "$addr" srv1)" ]] || fail "$addr missing from dhcp1's lease file"
    wait_for 10 "$addr in the backup's lease file" bash -c "grep -q '^$addr,' '$SERVER_LEASES_srv2'"
    log "$addr is in both lease files"
done

pass
