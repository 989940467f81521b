# SPDX-License-Identifier: MPL-2.0
# shellcheck shell=bash
# HA helpers for the tests/integration/ha_*.sh scripts, on top of netns.bash (source that
# first): the pair's configurations (Kahu's config/ files or the Oasis Kea files, with short
# delays), the control-socket calls, waiting for an HA state, and the failover scenario the
# mixed Kahu/Kea pairs share.

HA_ADDR=([1]=172.18.20.20 [2]=172.18.20.21) # ens18 of srv1 (dhcp1) and srv2 (dhcp2)
# Heartbeats every second, communication lost after 3 s, partner-down at once.
HA_SHORT='{"heartbeat-delay": 1000, "max-response-delay": 3000, "max-unacked-clients": 0}'

# Skips unless Kahu runs (the scripts choose their servers themselves), checks the tools
# (socat, jq and any named) and the libraries, and points Kahu at the build's libraries.
# --kea: the script also runs Kea 2.2 (skipped where it is not installed).
ha_require() { # [--kea] [tool...]
    [[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "the script chooses its servers"
    if [[ "${1:-}" == --kea ]]; then
        shift
        [[ -x "$KEA_DHCP4" ]] || skip "$KEA_DHCP4 not installed"
    fi
    local tool lib
    for tool in socat jq "$@"; do command -v "$tool" >/dev/null || fail "$tool is required"; done
    export KAHU_HOOKS_PATH="$KAHU_BUILD/hooks-lib"
    for lib in libdhcp_ha.so libdhcp_lease_cmds.so; do
        [[ -f "$KAHU_HOOKS_PATH/$lib" ]] || fail "$lib not built in $KAHU_HOOKS_PATH"
    done
}

# Writes $LAB_TMP/ha<n>.conf: dhcp<n>'s file for the mode, Kahu's (config/) or Kea's (the
# Oasis scenario), with HA_SHORT merged into the high-availability entry, then the optional
# jq filter (which may use `ha` for that entry, e.g. `ha += {"sync-leases": false}`) with its
# jq options (--arg name value ...).
ha_config() { # mode(load-balancing|hot-standby) n kind(kahu|kea) [filter [jq options...]]
    local src
    if [[ "$3" == kahu ]]; then
        src="$KAHU_SOURCE/config/kahu-dhcp4-$1-dhcp$2.conf"
    else
        src="$KAHU_SOURCE/tests/data/oasis/kea-dhcp4-$1-dhcp$2.conf"
    fi
    jq --argjson short "$HA_SHORT" "${@:5}" \
        "def ha: .Dhcp4[\"hooks-libraries\"][] | select(.library | endswith(\"libdhcp_ha.so\"))
                 | .parameters[\"high-availability\"][0];
         (ha) += \$short | ${4:-.}" "$src" >"$LAB_TMP/ha$2.conf"
}

# Only libdhcp_ha.so, without lease updates and sync (a pair that tests HA alone).
HA_ALONE='.Dhcp4["hooks-libraries"] |= map(select(.library | endswith("libdhcp_ha.so")))
          | (ha) += {"send-lease-updates": false, "sync-leases": false}'

# Both servers of a pair with the same filter, started, and the relay forwarding to both.
ha_start_pair() { # mode kind1 kind2 [filter [jq options...]]
    ha_config "$1" 1 "$2" "${@:4}"
    ha_config "$1" 2 "$3" "${@:4}"
    ha_start 1 "$2"
    ha_start 2 "$3"
    start_relay "${HA_ADDR[1]}" "${HA_ADDR[2]}"
}

ha_start() { # n kind
    KAHU_SERVER=$2 start_server "$LAB_TMP/ha$1.conf" "srv$1"
}

ctrl() { # role json
    printf '%s' "$2" | socat -t 5 - "UNIX-CONNECT:$LAB_TMP/$1-ctrl"
}

ha_state() { # role
    ctrl "$1" '{"command": "ha-heartbeat"}' 2>/dev/null | jq -r '.arguments.state // empty'
}

wait_state() { # role state [seconds=30]
    local end=$((SECONDS + ${3:-30}))
    until [[ "$(ha_state "$1")" == "$2" ]]; do
        ((SECONDS < end)) || fail "$1 never reached $2 (state $(ha_state "$1"))"
        sleep 0.5
    done
    log "$1 is in $2"
}

in_both() { # address
    local r
    for r in srv1 srv2; do
        [[ -n "$(lease_rows "$1" "$r")" ]] || fail "lease $1 missing from $r's lease file"
    done
    log "lease $1 is in both lease files"
}

lease_get_address() { # role address -> the address lease4-get answers with, or ""
    ctrl "$1" "{\"command\": \"lease4-get\", \"arguments\": {\"ip-address\": \"$2\"}}" |
        jq -r '.arguments["ip-address"] // empty'
}

# The failover scenario of a pair, whatever each server is: both reach the mode's normal
# state; two clients get leases from the server the mode picks (load-balancing: the RFC 3074
# hash of client-ids 01:02:00:00:00:00:10 → 209, dhcp2, and :11 → 214, dhcp1; hot-standby:
# the primary) and each lease is in both lease files; the `victim` server dies, the other goes
# to partner-down and serves a third client, one of the victim's scope, alone; the victim comes back, syncs that lease
# and both return to the normal state. No address is handed out twice.
ha_pair_scenario() { # mode kind1 kind2 victim(1|2)
    local mode=$1 victim=$4 survivor=$((3 - $4))
    local kinds=([1]=$2 [2]=$3) want_a want_b
    lab_oasis two
    lab_client_ns cli-a 02:00:00:00:00:10
    lab_client_ns cli-b 02:00:00:00:00:11
    # cli-c is in the victim's load-balancing scope: :12 → 196 (dhcp1), :13 → 103 (dhcp2).
    lab_client_ns cli-c "02:00:00:00:00:$((victim == 1 ? 12 : 13))"
    ha_start_pair "$mode" "$2" "$3"
    wait_state srv1 "$mode"
    wait_state srv2 "$mode"

    if [[ "$mode" == load-balancing ]]; then want_a=2 want_b=1; else want_a=1 want_b=1; fi
    client_prepare cli-a host-a
    run_dhclient cli-a || fail "cli-a got no lease"
    assert_eq "${HA_ADDR[$want_a]}" "$(client_var cli-a new_dhcp_server_identifier)" \
        "cli-a served by dhcp$want_a (${kinds[$want_a]})"
    client_prepare cli-b host-b
    run_dhclient cli-b || fail "cli-b got no lease"
    assert_eq "${HA_ADDR[$want_b]}" "$(client_var cli-b new_dhcp_server_identifier)" \
        "cli-b served by dhcp$want_b (${kinds[$want_b]})"
    local addr_a addr_b addr_c a
    addr_a=$(client_var cli-a new_ip_address)
    addr_b=$(client_var cli-b new_ip_address)
    [[ "$addr_a" != "$addr_b" ]] || fail "both clients got $addr_a"
    in_both "$addr_a"
    in_both "$addr_b"
    assert_eq "$addr_a" "$(lease_get_address srv1 "$addr_a")" "dhcp1 answers lease4-get for $addr_a"
    assert_eq "$addr_b" "$(lease_get_address srv2 "$addr_b")" "dhcp2 answers lease4-get for $addr_b"

    stop_server "srv$victim"
    wait_state "srv$survivor" partner-down
    client_prepare cli-c host-c
    run_dhclient cli-c || fail "cli-c got no lease in partner-down"
    assert_eq "${HA_ADDR[$survivor]}" "$(client_var cli-c new_dhcp_server_identifier)" \
        "cli-c served by dhcp$survivor (${kinds[$survivor]}) alone"
    addr_c=$(client_var cli-c new_ip_address)
    for a in "$addr_a" "$addr_b"; do [[ "$addr_c" != "$a" ]] || fail "$addr_c handed out twice"; done
    [[ -z "$(lease_rows "$addr_c" "srv$victim")" ]] || fail "dhcp$victim has $addr_c though it was down"

    ha_start "$victim" "${kinds[$victim]}"
    wait_state "srv$victim" "$mode"
    wait_state "srv$survivor" "$mode"
    assert_eq "$addr_c" "$(lease_get_address "srv$victim" "$addr_c")" \
        "dhcp$victim synced the lease given while it was down"
}
