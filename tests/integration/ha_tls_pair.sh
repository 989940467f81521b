#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The load-balancing pair of ha_lease_replication.sh with its peers talking HTTPS with
# mutual TLS (a CA made for the run, one certificate for both server addresses,
# require-client-certs on) and basic auth: heartbeats, lease updates and sync all go through
# the TLS listener.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/ha.bash"

ha_require openssl

lab_oasis two
# Client-ids 01:02:00:00:00:00:10 and :11 hash to 209 (odd: dhcp2) and 214 (even: dhcp1).
lab_client_ns cli-a 02:00:00:00:00:10
lab_client_ns cli-b 02:00:00:00:00:11
lab_client_ns cli-c 02:00:00:00:00:12

pki="$LAB_TMP/pki"
mkdir -p "$pki"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ha-test-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=dhcp" -keyout "$pki/srv.key" -out "$pki/srv.csr" \
    2>/dev/null
printf 'subjectAltName=IP:172.18.20.20,IP:172.18.20.21\nextendedKeyUsage=serverAuth,clientAuth\n' \
    >"$pki/ext"
openssl x509 -req -in "$pki/srv.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 2 -extfile "$pki/ext" -out "$pki/srv.pem" 2>/dev/null
ha_start_pair load-balancing kahu kahu '(ha) |= (. + {
        "trust-anchor": ($pki + "/ca.pem"), "cert-file": ($pki + "/srv.pem"),
        "key-file": ($pki + "/srv.key"), "require-client-certs": true}
      | .peers |= map(.url |= sub("^http:"; "https:")
                      | . + {"basic-auth-user": "ha", "basic-auth-password": "s3cret"}))' \
    --arg pki "$pki"

wait_state srv1 load-balancing
wait_state srv2 load-balancing
# The listener refuses plain HTTP and a client without a certificate.
if nsx srv1 curl -s -m 3 -o /dev/null http://172.18.20.21:8001/ -d '{"command": "ha-heartbeat"}'; then
    out=$(nsx srv1 curl -s -m 3 http://172.18.20.21:8001/ -d '{"command": "ha-heartbeat"}' || true)
    [[ "$out" != *"HA peer status returned"* ]] || fail "dhcp2 answered plain HTTP"
fi
out=$(nsx srv1 curl -s -m 3 --cacert "$pki/ca.pem" -u ha:s3cret -H 'Content-Type: application/json' \
    https://172.18.20.21:8001/ -d '{"command": "ha-heartbeat"}' || true)
[[ "$out" != *"HA peer status returned"* ]] || fail "dhcp2 answered a client without a certificate"
code=$(nsx srv1 curl -s -m 3 -o /dev/null -w '%{http_code}' --cacert "$pki/ca.pem" \
    --cert "$pki/srv.pem" --key "$pki/srv.key" -u ha:wrong -H 'Content-Type: application/json' \
    https://172.18.20.21:8001/ -d '{"command": "ha-heartbeat"}')
assert_eq 401 "$code" "HTTP status with a wrong basic-auth password"
out=$(nsx srv1 curl -s -m 3 --cacert "$pki/ca.pem" --cert "$pki/srv.pem" --key "$pki/srv.key" \
    -u ha:s3cret -H 'Content-Type: application/json' https://172.18.20.21:8001/ \
    -d '{"command": "ha-heartbeat"}')
assert_eq "HA peer status returned." "$(jq -r '.[0].text' <<<"$out")" "ha-heartbeat over mutual TLS"

client_prepare cli-a host-a
run_dhclient cli-a || fail "cli-a got no lease"
assert_eq 172.18.20.21 "$(client_var cli-a new_dhcp_server_identifier)" "cli-a served by dhcp2"
client_prepare cli-b host-b
run_dhclient cli-b || fail "cli-b got no lease"
assert_eq 172.18.20.20 "$(client_var cli-b new_dhcp_server_identifier)" "cli-b served by dhcp1"
addr_a=$(client_var cli-a new_ip_address)
addr_b=$(client_var cli-b new_ip_address)
[[ "$addr_a" != "$addr_b" ]] || fail "both clients got $addr_a"
in_both "$addr_a"
in_both "$addr_b"
assert_eq "$addr_a" "$(ctrl srv1 "{\"command\": \"lease4-get\", \"arguments\": {\"ip-address\": \"$addr_a\"}}" \
    | jq -r '.arguments["ip-address"]')" "dhcp1 knows dhcp2's lease (lease4-get)"

# dhcp2 down: dhcp1 serves everybody; the lease cannot reach dhcp2.
stop_server srv2
wait_state srv1 partner-down
client_prepare cli-c host-c
run_dhclient cli-c || fail "cli-c got no lease in partner-down"
assert_eq 172.18.20.20 "$(client_var cli-c new_dhcp_server_identifier)" "cli-c served by dhcp1"
addr_c=$(client_var cli-c new_ip_address)
for a in "$addr_a" "$addr_b"; do [[ "$addr_c" != "$a" ]] || fail "$addr_c handed out twice"; done
[[ -z "$(lease_rows "$addr_c" srv2)" ]] || fail "dhcp2 has $addr_c though it was down"

# dhcp2 back: it syncs from dhcp1 and both return to load-balancing.
start_server "$LAB_TMP/ha2.conf" srv2
wait_state srv2 load-balancing
wait_state srv1 load-balancing
grep -q "HA_SYNC" "$SERVER_LOG_srv2" || log "note: no HA_SYNC log line in dhcp2's log"
assert_eq "$addr_c" "$(ctrl srv2 "{\"command\": \"lease4-get\", \"arguments\": {\"ip-address\": \"$addr_c\"}}" \
    | jq -r '.arguments["ip-address"]')" "dhcp2 synced the lease given while it was down"

pass
