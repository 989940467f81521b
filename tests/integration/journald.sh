#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# journald, the real one: systemd-journald runs in a private mount namespace (tmpfs over
# /run/systemd and /run/log, so the host's journal is untouched) and kahu-dhcp4 is started the
# way systemd starts a service: stdout connected to a journal stream and JOURNAL_STREAM naming
# it (systemd-cat connects it; systemd would also set the variable, so the test does),
# INVOCATION_ID set. The Oasis configuration logs kea-dhcp4 to stdout and kea-dhcp4.leases to
# Kea's "syslog". A dhclient gets a lease through dhcrelay; then journalctl must find
#   - the lease by KAHU_MESSAGE_ID=DHCP4_LEASE_ALLOC (Kea's "syslog" went to the journal
#     natively), with PRIORITY, KAHU_COMPONENT, KAHU_LOGGER, SYSLOG_IDENTIFIER and MESSAGE_ID;
#   - stdout lines with their priority taken from the "<N>" prefix and no date of their own.
set -euo pipefail
if [[ -z ${KAHU_JOURNALD_MOUNT_NS:-} ]]; then
    exec unshare -m env KAHU_JOURNALD_MOUNT_NS=1 bash "$0" "$@"
fi
mount --make-rprivate /
mount -t tmpfs -o mode=0755 tmpfs /run/systemd
mount -t tmpfs -o mode=0755 tmpfs /run/log
mkdir -p /run/systemd/journal
source "$(dirname "$0")/lib/netns.bash"

/lib/systemd/systemd-journald >"$LAB_TMP/journald.log" 2>&1 &
LAB_PIDS+=($!)
wait_for 10 "journald's socket" test -S /run/systemd/journal/socket
jq_journal() { journalctl -D /run/log/journal --no-pager -o json "$@"; }

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:01
conf=$LAB_TMP/kahu-dhcp4.conf
prepare_config "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" "$conf.in" srv1
jq '.Dhcp4.loggers = [
      {"name": "kea-dhcp4", "output_options": [{"output": "stdout"}], "severity": "INFO"},
      {"name": "kea-dhcp4.leases", "output_options": [{"output": "syslog"}], "severity": "INFO"}]' \
    "$conf.in" >"$conf"
ip netns exec "$(ns_name srv1)" env INVOCATION_ID=0123456789abcdef0123456789abcdef \
    KAHU_PIDFILE_DIR="$LAB_TMP" \
    systemd-cat -t kahu-dhcp4 --level-prefix=true sh -c \
    'JOURNAL_STREAM=$(stat -L -c %d:%i /proc/$$/fd/1) exec "$0" -c "$1"' \
    "$KAHU_BUILD/core/kahu-dhcp4" "$conf" &
pid=$!
LAB_PIDS+=("$pid")
SERVER_LEASES_srv1=$LAB_TMP/srv1-leases4.csv
wait_for 15 "the server to bind port 67" server_listening srv1 "$pid"
start_relay 172.18.20.20
client_prepare cli-a laptop-a
run_dhclient cli-a || fail "dhclient got no lease"
addr=$(client_var cli-a new_ip_address)
assert_ip_in_range "$addr" 172.18.10.100 172.18.10.200 "leased address"
journalctl -D /run/log/journal --sync 2>/dev/null || sleep 1

# The lease, found by its message ID; one record, native fields.
rec=$(jq_journal KAHU_MESSAGE_ID=DHCP4_LEASE_ALLOC | tail -n 1)
[[ -n $rec ]] || { jq_journal | tail -n 20 >&2; fail "no journal record with KAHU_MESSAGE_ID=DHCP4_LEASE_ALLOC"; }
field() { jq -r --arg k "$1" '.[$k] // empty' <<<"$rec"; }
assert_match "lease $addr has been allocated" "$(field MESSAGE)" "MESSAGE"
assert_eq 6 "$(field PRIORITY)" "PRIORITY (INFO)"
assert_eq leases "$(field KAHU_COMPONENT)" "KAHU_COMPONENT"
assert_eq kahu-dhcp4.leases "$(field KAHU_LOGGER)" "KAHU_LOGGER"
assert_eq kahu-dhcp4 "$(field SYSLOG_IDENTIFIER)" "SYSLOG_IDENTIFIER"
assert_eq journal "$(field _TRANSPORT)" "sent natively, not through syslog or stdout"
assert_match '^[0-9a-f]{32}$' "$(field MESSAGE_ID)" "MESSAGE_ID"
assert_eq "$(printf kahu:DHCP4_LEASE_ALLOC | sha256sum | cut -c1-32)" "$(field MESSAGE_ID)" \
    "MESSAGE_ID derived from the message ID"
# Filters combine the way an operator writes them.
assert_eq 1 "$(jq_journal SYSLOG_IDENTIFIER=kahu-dhcp4 KAHU_COMPONENT=leases \
    KAHU_MESSAGE_ID=DHCP4_LEASE_ALLOC | wc -l)" "one DHCP4_LEASE_ALLOC record for one lease"

# stdout through the stream: the "<N>" prefix became PRIORITY, no second timestamp.
started=$(jq_journal _TRANSPORT=stdout SYSLOG_IDENTIFIER=kahu-dhcp4 | jq -r 'select(.MESSAGE | test("DHCP4_STARTED")) | .PRIORITY + " " + .MESSAGE' | head -n 1)
[[ -n $started ]] || { jq_journal _TRANSPORT=stdout | tail -n 20 >&2; fail "no DHCP4_STARTED line from stdout"; }
assert_match '^6 INFO +\[kahu-dhcp4' "$started" "stdout line: priority 6 from the prefix, level first"
[[ ! $started =~ [0-9]{4}-[0-9]{2}-[0-9]{2} ]] || fail "stdout line carries its own date: $started"
[[ $started != *"<6>"* ]] || fail "the priority prefix was not taken by journald: $started"
pass
