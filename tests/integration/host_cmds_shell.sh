#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# libdhcp_host_cmds.so as an operator uses it, with real parts: a MariaDB database made by
# `kahu-admin db-init mysql` (Kahu's own schema, host tables included), kahu-dhcp4 serving the
# Oasis standalone file plus "hosts-database" and the library, kahu-ctrl-agent, the real
# kea-shell and curl, and real dhclients through dhcrelay. Checked: a reservation added through
# kea-shell (to the database, and to the configuration with operation-target memory) is what
# the client gets on its next query; every reservation-get* answers with Kea's texts, result
# codes and host form; get-page walks the configuration then the database; update and del
# change what the next client gets; refused commands change nothing; a database host survives
# a restart, a memory one goes back to the file.
# (Kea 2.2's own host_cmds library is not free software and not in Debian: no side-by-side run.)
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/mariadb.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "the library is Kahu's (Kea's is not in Debian)"
for tool in kea-shell curl jq; do
    command -v "$tool" >/dev/null || fail "$tool not installed"
done
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
[[ -f $KAHU_HOOKS_PATH/libdhcp_host_cmds.so ]] || fail "libdhcp_host_cmds.so is not built"
ADMIN=$KAHU_BUILD/core/kahu-admin
AGENT=$KAHU_BUILD/core/kahu-ctrl-agent

mariadb_start
mariadb_create_db kahu kea motdepasse
"$ADMIN" db-init mysql -u kea -p motdepasse -n kahu -h 127.0.0.1 -P "$MARIADB_PORT" \
    >"$LAB_TMP/kahu-admin.log" 2>&1 || { cat "$LAB_TMP/kahu-admin.log"; fail "kahu-admin db-init"; }

# The Oasis standalone file (one reservation of its own, for 172.18.10.101) plus the hosts
# database and the library, named by Kea's path as an operator's file names it.
jq '.Dhcp4["hosts-database"] = {"type": "mysql", "host": "localhost", "name": "kahu",
        "user": "kea", "password": "motdepasse"}
    | .Dhcp4["hooks-libraries"] = [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_host_cmds.so"}]' \
    "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" >"$LAB_TMP/dhcp4-host-cmds.json"

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:71
lab_client_ns cli-b 02:00:00:0a:00:72
lab_client_ns cli-c 02:00:00:0a:00:73
start_relay 172.18.20.20
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$LAB_TMP/dhcp4-host-cmds.json"
SOCK=$LAB_TMP/srv1-ctrl
assert_file_has "$SERVER_LOG_srv1" "HOST_CMDS_INIT_OK" "the library is loaded"

PORT=$((21000 + $$ % 9000))
cat >"$LAB_TMP/agent.conf" <<JSON
{"Control-agent": {"http-host": "127.0.0.1", "http-port": $PORT,
  "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": "$SOCK"}}}}
JSON
env KAHU_PIDFILE_DIR="$LAB_TMP" KAHU_CONTROL_SOCKET_DIR="$LAB_TMP" KEA_CONTROL_SOCKET_DIR="$LAB_TMP" \
    "$AGENT" -c "$LAB_TMP/agent.conf" >"$LAB_TMP/agent.log" 2>&1 &
LAB_PIDS+=("$!")
wait_for 10 "the control agent" curl -s -o /dev/null "http://127.0.0.1:$PORT/"

shell() { # command [arguments-inside-the-map] -> the answer
    printf '%s' "${2:-}" | kea-shell --host 127.0.0.1 --port "$PORT" --service dhcp4 "$1" |
        jq -c '.[0]'
}
post() { # command arguments-json -> the answer, through curl
    curl -s -X POST -H 'Content-Type: application/json' \
        -d "{\"command\": \"$1\", \"service\": [\"dhcp4\"], \"arguments\": $2}" \
        "http://127.0.0.1:$PORT/" | jq -c '.[0]'
}
check() { # what expected-result expected-text answer
    assert_eq "$2" "$(jq '.result' <<<"$4")" "$1: result"
    assert_eq "$3" "$(jq -r '.text' <<<"$4")" "$1: text"
}
db_hosts() { mariadb_sql kahu <<<'SELECT COUNT(*) FROM hosts'; }

# ---- add to the database through kea-shell: the client gets it at once
A_HOST='"reservation": {"subnet-id": 10, "hw-address": "02:00:00:0a:00:71",
  "ip-address": "172.18.10.170", "hostname": "shell-db",
  "option-data": [{"name": "domain-name-servers", "data": "172.18.20.53"}]}'
check "reservation-add (database)" 0 "Host added." "$(shell reservation-add "$A_HOST")"
assert_eq 1 "$(db_hosts)" "the host is a row of the hosts table"
client_prepare cli-a pc-a
run_dhclient cli-a || fail "cli-a got no lease"
assert_eq 172.18.10.170 "$(client_var cli-a new_ip_address)" "cli-a gets the address added by kea-shell"
assert_eq shell-db "$(client_var cli-a new_host_name)" "cli-a gets the host name"
assert_eq 172.18.20.53 "$(client_var cli-a new_domain_name_servers)" "cli-a gets the host's option"

check "reservation-add again" 1 \
    "Database duplicate entry error: subnet 10 already has a reservation for this identifier or address" \
    "$(shell reservation-add "$A_HOST")"
check "reservation-add to an unknown subnet" 1 "IPv4 subnet with ID of '99' is not configured" \
    "$(shell reservation-add '"reservation": {"subnet-id": 99, "hw-address": "02:00:00:00:00:99"}')"
check "reservation-add outside the subnet" 1 \
    "specified reservation '10.9.9.9' is not matching the IPv4 subnet prefix '172.18.10.0/24'" \
    "$(shell reservation-add '"reservation": {"subnet-id": 10, "hw-address": "02:00:00:00:00:99", "ip-address": "10.9.9.9"}')"
check "reservation-add with a bad target" 1 \
    "The 'operation-target' value (disk) is not within expected set: (memory, database, all, default)" \
    "$(shell reservation-add "$A_HOST, \"operation-target\": \"disk\"")"
bad=$(shell reservation-add '"reservation": {"subnet-id": 10, "hw-address": "02:00:00:00:00:99", "ip-address": "172.18.10.180", "option-data": [{"name": "routers", "data": "not-an-address"}]}')
assert_eq 1 "$(jq .result <<<"$bad")" "an option the definition refuses: result"
assert_match "reservation.option-data\[0\]" "$(jq -r .text <<<"$bad")" "the error names the option"
assert_eq 1 "$(db_hosts)" "refused adds write nothing"

# ---- the gets: Kea's texts and host form
got=$(shell reservation-get '"subnet-id": 10, "identifier-type": "hw-address", "identifier": "02:00:00:0a:00:71"')
check "reservation-get by identifier" 0 "Host found." "$got"
assert_eq '{"boot-file-name":"","client-classes":[],"hostname":"shell-db","hw-address":"02:00:00:0a:00:71","ip-address":"172.18.10.170","next-server":"0.0.0.0","option-data":[{"always-send":false,"code":6,"csv-format":true,"data":"172.18.20.53","name":"domain-name-servers","never-send":false,"space":"dhcp4"}],"server-hostname":"","subnet-id":10}' \
    "$(jq -c .arguments <<<"$got")" "the host as Kea renders it"
check "reservation-get by address (curl)" 0 "Host found." \
    "$(post reservation-get '{"subnet-id": 10, "ip-address": "172.18.10.170"}')"
check "reservation-get of nobody" 3 "Host not found." \
    "$(shell reservation-get '"subnet-id": 10, "ip-address": "172.18.10.199"')"
check "reservation-get without subnet-id" 1 \
    "missing parameter 'subnet-id', use 'reservation-get-by-address' with 'ip-address' set to \"172.18.10.170\" to get the list of reservations with this address" \
    "$(shell reservation-get '"ip-address": "172.18.10.170"')"
check "reservation-get-by-hostname (any case)" 0 "1 IPv4 host(s) found." \
    "$(shell reservation-get-by-hostname '"hostname": "Shell-DB"')"
check "reservation-get-by-id" 0 "1 IPv4 host(s) found." \
    "$(shell reservation-get-by-id '"identifier-type": "hw-address", "identifier": "0200000a0071"')"
check "reservation-get-by-address" 0 "1 IPv4 host(s) found." \
    "$(shell reservation-get-by-address '"ip-address": "172.18.10.170"')"

# ---- add to the configuration (memory): the client gets it, config-get shows it
check "reservation-add (memory)" 0 "Host added." \
    "$(shell reservation-add '"reservation": {"subnet-id": 10, "hw-address": "02:00:00:0a:00:72", "ip-address": "172.18.10.171", "hostname": "shell-mem"}, "operation-target": "memory"')"
assert_eq 1 "$(db_hosts)" "a memory add writes no row"
assert_eq 172.18.10.171 "$(shell config-get | jq -r '.arguments.Dhcp4.subnet4[0].reservations[] | select(.hostname == "shell-mem") | ."ip-address"')" \
    "config-get shows the added reservation"
client_prepare cli-b pc-b
run_dhclient cli-b || fail "cli-b got no lease"
assert_eq 172.18.10.171 "$(client_var cli-b new_ip_address)" "cli-b gets the address added to memory"
check "reservation-add (memory) clash" 1 \
    "failed to add new host using the hw-address '02:00:00:0a:00:72' to the IPv4 subnet id '10' as this host has already been added" \
    "$(shell reservation-add '"reservation": {"subnet-id": 10, "hw-address": "02:00:00:0a:00:72"}, "operation-target": "memory"')"

all=$(shell reservation-get-all '"subnet-id": 10')
check "reservation-get-all" 0 "3 IPv4 host(s) found." "$all"
assert_eq '["172.18.10.101","172.18.10.171","172.18.10.170"]' "$(jq -c '[.arguments.hosts[]."ip-address"]' <<<"$all")" \
    "configuration first, then the database"

# get-page, two at a time: the file's two, then the database's one, then the end.
p1=$(shell reservation-get-page '"limit": 2')
check "reservation-get-page 1" 0 "2 IPv4 host(s) found." "$p1"
assert_eq '{"from":2,"source-index":0}' "$(jq -c .arguments.next <<<"$p1")" "page 1's next"
p2=$(shell reservation-get-page '"limit": 2, "from": 2, "source-index": 0')
check "reservation-get-page 2" 0 "1 IPv4 host(s) found." "$p2"
assert_eq '"172.18.10.170" 1' "$(jq -r '"\"" + .arguments.hosts[0]."ip-address" + "\" " + (.arguments.next."source-index"|tostring)' <<<"$p2")" \
    "page 2 is the database's host"
p3=$(shell reservation-get-page "\"limit\": 2, \"from\": $(jq .arguments.next.from <<<"$p2"), \"source-index\": 1")
check "reservation-get-page 3" 3 "0 IPv4 host(s) found." "$p3"
assert_eq '{"count":0,"hosts":[]}' "$(jq -c .arguments <<<"$p3")" "the last page"

# ---- update: a host added for cli-c, moved before cli-c asks
check "reservation-add cli-c" 0 "Host added." \
    "$(shell reservation-add '"reservation": {"subnet-id": 10, "hw-address": "02:00:00:0a:00:73", "ip-address": "172.18.10.172"}')"
check "reservation-update cli-c" 0 "Host updated." \
    "$(shell reservation-update '"reservation": {"subnet-id": 10, "hw-address": "02:00:00:0a:00:73", "ip-address": "172.18.10.173", "hostname": "moved"}')"
check "reservation-update of nobody" 1 "Host not updated (not found)." \
    "$(shell reservation-update '"reservation": {"subnet-id": 10, "hw-address": "02:00:00:00:00:99"}')"
client_prepare cli-c pc-c
run_dhclient cli-c || fail "cli-c got no lease"
assert_eq 172.18.10.173 "$(client_var cli-c new_ip_address)" "cli-c gets the updated address"
assert_eq moved "$(client_var cli-c new_host_name)" "cli-c gets the updated host name"
dhclient_stop cli-c

# ---- del: by address from the database, by identifier from memory
check "reservation-del (database)" 0 "Host deleted." \
    "$(shell reservation-del '"subnet-id": 10, "ip-address": "172.18.10.173"')"
check "reservation-del again" 3 "Host not deleted (not found)." \
    "$(shell reservation-del '"subnet-id": 10, "ip-address": "172.18.10.173"')"
check "reservation-del (memory)" 0 "Host deleted." \
    "$(shell reservation-del '"subnet-id": 10, "identifier-type": "hw-address", "identifier": "02:00:00:0a:00:72", "operation-target": "memory"')"
check "reservation-get (memory) after del" 3 "Host not found." \
    "$(shell reservation-get '"subnet-id": 10, "identifier-type": "hw-address", "identifier": "02:00:00:0a:00:72"')"
# cli-c, its reservation gone, is served from the pool like anyone (its old lease, .173, is
# still its own, so that is what it may get back, but without the reserved name).
rm -f "$(client_dir cli-c)/dhclient.leases"
run_dhclient cli-c || fail "cli-c got no lease after its reservation was deleted"
assert_ip_in_range "$(client_var cli-c new_ip_address)" 172.18.10.100 172.18.10.200 "cli-c from the pool"
assert_ne moved "$(client_var cli-c new_host_name)" "cli-c has no reserved host name any more"

# ---- restart: the database host is still there, the memory add went back to the file
dhclient_stop cli-a
dhclient_stop cli-b
dhclient_stop cli-c
stop_server
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$LAB_TMP/dhcp4-host-cmds.json"
wait_for 10 "the server's control socket" test -S "$SOCK"
check "after restart: the database host" 0 "Host found." \
    "$(shell reservation-get '"subnet-id": 10, "ip-address": "172.18.10.170"')"
check "after restart: get-all" 0 "2 IPv4 host(s) found." "$(shell reservation-get-all '"subnet-id": 10')"
assert_file_has "$SERVER_LOG_srv1" "HOST_CMDS_RESERV_GET_ALL_SUCCESS reservation-get-all command success" \
    "Kea's message IDs in the log"
pass
