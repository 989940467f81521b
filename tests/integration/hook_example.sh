#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# hooks/example, loaded from "hooks-libraries" by its bare file name, changes what a real
# dhclient receives: clients whose MAC matches a rule get the rule's domain name in the ACK,
# others keep the configured one. Then a reload without the library restores the plain answer.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "Kahu hook libraries only load into Kahu"
export KAHU_HOOKS_PATH="$KAHU_BUILD/hooks-lib"
[[ -f "$KAHU_HOOKS_PATH/libdhcp_example.so" ]] || fail "libdhcp_example.so not built in $KAHU_HOOKS_PATH"

lab_oasis
lab_client_ns lab 52:54:00:12:34:56
lab_client_ns plain 02:00:00:0a:00:31
lab_client_ns later 52:54:00:12:34:57

conf="$LAB_TMP/example.conf"
jq '.Dhcp4["hooks-libraries"] = [{
      "library": "libdhcp_example.so",
      "parameters": {"rules": [{"mac-prefix": "52:54:00", "code": 15, "text": "lab.example.org"}]}
    }]' "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" >"$conf"
start_server "$conf"
start_relay 172.18.20.20

client_prepare lab lab-box
run_dhclient lab || fail "dhclient (matching MAC) got no lease"
assert_eq lab.example.org "$(client_var lab new_domain_name)" "domain name set by the hook"

client_prepare plain plain-box
run_dhclient plain || fail "dhclient (other MAC) got no lease"
assert_eq oasis.local "$(client_var plain new_domain_name)" "domain name for a client no rule matches"

# Reload without the library: the rule no longer applies.
jq 'del(.Dhcp4["hooks-libraries"])' "$conf" >"$conf.new"
prepare_config "$conf.new" "$LAB_TMP/srv1.conf" srv1
kill -HUP "$SERVER_PID_srv1"
wait_for 10 "the reload to complete" grep -q DHCP4_DYNAMIC_RECONFIGURATION_SUCCESS "$SERVER_LOG_srv1"
client_prepare later later-box
run_dhclient later || fail "dhclient after the reload got no lease"
assert_eq oasis.local "$(client_var later new_domain_name)" "domain name after unloading the hook"

pass
