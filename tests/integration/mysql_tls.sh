#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# TLS to the database: MariaDB with a test CA, a user that must present a client certificate
# (REQUIRE X509) over TCP 127.0.0.1. With trust-anchor, cert-file and key-file the store opens
# (-T connects and reads the schema); without the client certificate the server refuses it.
# A trust-anchor that did not sign the server's certificate is refused (the connector verifies
# the chain); without a trust-anchor the store connects and says the server is not verified.
set -euo pipefail
LAB_SCRIPT_NAME=$(basename "$0")
KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
KAHU_BUILD=${KAHU_BUILD:-$KAHU_SOURCE/build}
source "$(dirname "$0")/lib/assert.bash"
LAB_TMP=$(mktemp -d /tmp/kahu-mysql-tls.XXXXXX)
# The server writes only in its own directories: this run's.
export KAHU_DHCP_DATA_DIR=$LAB_TMP KAHU_LOG_FILE_DIR=$LAB_TMP KAHU_CONTROL_SOCKET_DIR=$LAB_TMP
cleanup() { local rc=$?; mariadb_stop; ((rc == 0)) && rm -rf "$LAB_TMP"; exit "$rc"; }
trap cleanup EXIT
source "$(dirname "$0")/lib/mariadb.bash"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib KAHU_CONTROL_SOCKET_DIR=$LAB_TMP
pki=$LAB_TMP/pki
mkdir -p "$pki"
cert() { # name subject [ca-signed extensions]
    openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/$1.key" -subj "/CN=$2" \
        -out "$pki/$1.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\n' >"$pki/$1.ext"
    openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
        -days 2 -extfile "$pki/$1.ext" -out "$pki/$1.pem" 2>/dev/null
}
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -subj "/CN=kahu test CA" \
    -days 2 -out "$pki/ca.pem" 2>/dev/null
cert server 127.0.0.1
cert client kahu-client
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$pki/other-ca.key" -subj "/CN=another CA" \
    -days 2 -out "$pki/other-ca.pem" 2>/dev/null

MARIADB_EXTRA_ARGS=(--ssl-ca="$pki/ca.pem" --ssl-cert="$pki/server.pem" --ssl-key="$pki/server.key")
mariadb_start
mariadb_create_db kea kea motdepasse
"$KAHU_BUILD/core/kahu-admin" db-init mysql -u kea -p motdepasse -n kea -h localhost \
    -x "--socket=$MARIADB_SOCKET" >/dev/null
mariadb_sql <<SQL
CREATE USER 'tls'@'127.0.0.1' IDENTIFIED BY 'tlspass' REQUIRE X509;
GRANT ALL ON kea.* TO 'tls'@'127.0.0.1';
SQL

config() { # jq-expression adding to lease-database
    jq --arg ca "$pki/ca.pem" --arg cert "$pki/client.pem" --arg key "$pki/client.key" \
        --argjson port "$MARIADB_PORT" --arg sock "$LAB_TMP/ctrl" \
        ".Dhcp4[\"lease-database\"] += {\"host\": \"127.0.0.1\", \"port\": \$port, \"user\": \"tls\",
           \"password\": \"tlspass\"} | .Dhcp4[\"lease-database\"] |= ($1)
         | del(.Dhcp4.loggers) | .Dhcp4[\"control-socket\"][\"socket-name\"] = \$sock" \
        "$KAHU_SOURCE/config/kahu-dhcp4-mysql.conf" >"$LAB_TMP/kahu.conf"
    echo "$LAB_TMP/kahu.conf"
}
server=$KAHU_BUILD/core/kahu-dhcp4

out=$("$server" -T "$(config '. + {"trust-anchor": $ca, "cert-file": $cert, "key-file": $key}')" 2>&1) ||
    fail "TLS with a client certificate: $out"
assert_match "MYSQL_LEASE_DB_OPENED.*mysql://tls@127.0.0.1:$MARIADB_PORT/kea \(TLS\)" "$out" \
    "the store opened over TLS"
out=$("$server" -T "$(config '. + {"trust-anchor": $ca}')" 2>&1) &&
    fail "a REQUIRE X509 user got in without a client certificate"
assert_match "Access denied for user 'tls'" "$out" "no client certificate: refused"
out=$("$server" -T "$(config '.')" 2>&1) && fail "a REQUIRE X509 user got in without TLS"
assert_match "Access denied for user 'tls'" "$out" "no TLS: refused"
out=$("$server" -T "$(config '. + {"trust-anchor": ($ca | sub("ca.pem$"; "other-ca.pem")),
                                   "cert-file": $cert, "key-file": $key}')" 2>&1) &&
    fail "connected to a server whose certificate the trust-anchor did not sign"
assert_match "cannot connect to mysql://tls@127.0.0.1:$MARIADB_PORT/kea \(TLS\): TLS/SSL error: .*certificate" \
    "$out" "a trust-anchor that did not sign the server's certificate: refused"
out=$("$server" -T "$(config '. + {"cert-file": $cert, "key-file": $key}')" 2>&1) ||
    fail "client certificate without trust-anchor: $out"
assert_match "MYSQL_LEASE_DB_OPENED.*mysql://tls@127.0.0.1:$MARIADB_PORT/kea \(TLS, server certificate not verified\)" \
    "$out" "client certificate without trust-anchor: opened, and said unverified"
pass
