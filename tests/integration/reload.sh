#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# SIGHUP reloads the config file (Kea ARM "Starting and Stopping the DHCPv4 Server"): a new client sees the new lifetimes and
# domain name; a broken file on SIGHUP is rejected with its file and line in the log, the
# server keeps running with the previous good config and still serves; the lease file keeps
# every lease across both reloads. A server started on the broken file exits 1 naming it.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:51
lab_client_ns cli-b 02:00:00:0a:00:52
lab_client_ns cli-c 02:00:00:0a:00:53
start_server "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf"
start_relay 172.18.20.20
conf=$LAB_TMP/srv1.conf # the copy the server runs on

run_dhclient cli-a || fail "dhclient (a) got no lease"
a=$(client_var cli-a new_ip_address)
assert_eq 3600 "$(client_var cli-a new_dhcp_lease_time)" "a's lease time (first config)"
assert_eq oasis.local "$(client_var cli-a new_domain_name)" "a's domain name (first config)"

# Sends SIGHUP and waits for the outcome in the server log: Kea 2.2 logs
# DHCP4_DYNAMIC_RECONFIGURATION_SUCCESS / _FAIL, as Kahu does.
reload_server() {
    local before
    before=$(wc -l <"$SERVER_LOG_srv1")
    kill -HUP "$SERVER_PID_srv1"
    local end=$((SECONDS + 10))
    until tail -n +"$((before + 1))" "$SERVER_LOG_srv1" | grep -qE 'DHCP4_DYNAMIC_RECONFIGURATION_(SUCCESS|FAIL)'; do
        ((SECONDS < end)) || fail "no reload outcome in the server log 10 s after SIGHUP"
        sleep 0.2
    done
    sleep 0.2
    kill -0 "$SERVER_PID_srv1" 2>/dev/null || fail "server died on SIGHUP"
    RELOAD_LOG=$(tail -n +"$((before + 1))" "$SERVER_LOG_srv1")
}

# --- a good change ----------------------------------------------------------------------------
jq '.Dhcp4["valid-lifetime"] = 1200 | .Dhcp4["renew-timer"] = 600 | .Dhcp4["rebind-timer"] = 1050
    | .Dhcp4["option-data"] |= map(if .name == "domain-name" then .data = "reloaded.local" else . end)' \
    "$conf" >"$conf.new"
mv "$conf.new" "$conf"
reload_server
assert_match 'DHCP4_DYNAMIC_RECONFIGURATION_SUCCESS' "$RELOAD_LOG" "reload 1 outcome"

run_dhclient cli-b || fail "dhclient (b) got no lease after the reload"
b=$(client_var cli-b new_ip_address)
assert_ne "$a" "$b" "b's address"
assert_eq 1200 "$(client_var cli-b new_dhcp_lease_time)" "b's lease time (reloaded config)"
assert_eq 600 "$(client_var cli-b new_dhcp_renewal_time)" "b's T1 (reloaded config)"
assert_eq reloaded.local "$(client_var cli-b new_domain_name)" "b's domain name (reloaded config)"

# --- a broken change ----------------------------------------------------------------------------
# Drop the comma after "valid-lifetime": the parser stops at the next line (the next key).
cp "$conf" "$LAB_TMP/good.conf"
vl=$(grep -n '"valid-lifetime"' "$conf" | head -n 1 | cut -d: -f1)
sed -i "${vl}s/,[[:space:]]*\$//" "$conf"
bad_line=$((vl + 1))
cp "$conf" "$LAB_TMP/broken.conf"
reload_server
assert_match 'DHCP4_DYNAMIC_RECONFIGURATION_FAIL' "$RELOAD_LOG" "reload 2 outcome"
# Kahu writes file:line:col; Kea 2.2 writes file:line.col-col. Either names the line.
assert_match "srv1\.conf:${bad_line}[:.][0-9]+" "$RELOAD_LOG" "reload error names file and line"
kill -0 "$SERVER_PID_srv1" 2>/dev/null || fail "server exited after a failed reload"

run_dhclient cli-c || fail "dhclient (c) got no lease after the failed reload"
c=$(client_var cli-c new_ip_address)
assert_ne "$a" "$c" "c's address vs a"
assert_ne "$b" "$c" "c's address vs b"
assert_eq 1200 "$(client_var cli-c new_dhcp_lease_time)" "c's lease time (previous good config)"
assert_eq reloaded.local "$(client_var cli-c new_domain_name)" "c's domain name (previous good config)"

# Every lease is still in the file, with the lifetime it was given.
assert_match "^$a,02:00:00:0a:00:51,.*,3600," "$(lease_rows "$a" | tail -n 1)" "CSV row of a"
assert_match "^$b,02:00:00:0a:00:52,.*,1200," "$(lease_rows "$b" | tail -n 1)" "CSV row of b"
assert_match "^$c,02:00:00:0a:00:53,.*,1200," "$(lease_rows "$c" | tail -n 1)" "CSV row of c"

# a renews (INIT-REBOOT) on the old-good config and keeps its address.
dhclient_renew cli-a || fail "dhclient (a) renew failed"
assert_eq "$a" "$(client_var cli-a new_ip_address)" "a's address after the reloads"
assert_eq 1200 "$(client_var cli-a new_dhcp_lease_time)" "a's renewed lease time"

# --- starting on the broken file ------------------------------------------------------------------
stop_server
mkdir -p "$LAB_TMP/run-broken"
set +e
ip netns exec "$(ns_name srv1)" env KEA_PIDFILE_DIR="$LAB_TMP/run-broken" \
    KEA_LOCKFILE_DIR="$LAB_TMP/run-broken" KAHU_PIDFILE_DIR="$LAB_TMP/run-broken" \
    timeout 15 "$(server_binary)" -c "$LAB_TMP/broken.conf" >"$LAB_TMP/broken-start.log" 2>&1
rc=$?
set -e
assert_eq 1 "$rc" "exit status when started on the broken file"
assert_match "broken\.conf:${bad_line}[:.][0-9]+" "$(cat "$LAB_TMP/broken-start.log")" \
    "start-up error names file and line"

pass
