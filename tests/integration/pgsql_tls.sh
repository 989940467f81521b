#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# TLS to PostgreSQL: a test CA made here with openssl, PostgreSQL 15 (lib/postgres.bash) with
# ssl = on, that CA's server certificate, log_connections on, and a pg_hba.conf with TCP only
# over TLS ("hostnossl ... reject"): the role "tls" must also present a client certificate whose
# CN is its name (clientcert=verify-full, PostgreSQL's REQUIRE X509 and more), the role "kea"
# only its password. PostgreSQL runs in the server's namespace (TLS needs TCP; the namespace
# has its own loopback), so kahu-dhcp4 there reaches it on 127.0.0.1.
#  1. trust-anchor + cert-file + key-file (sslmode verify-ca and a client certificate): -T
#     opens the store ("(TLS)" in its description); the running server's connections are all
#     TLS in pg_stat_ssl, with the client certificate's DN, from 127.0.0.1; a real dhclient
#     through dhcrelay gets a lease and the lease4 row is there;
#  2. a trust-anchor of another CA: refused (-T and the real start-up, exit status 1), the
#     message naming the database and the failed verification;
#  3. the "tls" role without a client certificate (trust-anchor only), without any TLS key
#     (libpq's default sslmode prefer tries TLS without a certificate, then plain TCP: both
#     reasons in the message), with a client certificate for another CN (PostgreSQL tells the
#     client "password authentication failed", its log says CN mismatch), and over plain TCP
#     only (PGSSLMODE=disable): each refused with PostgreSQL's reason;
#  4. trust-anchor only (no client certificate) for the "kea" role: opens, and PostgreSQL logs
#     the connection with SSL; cert-file + key-file without trust-anchor (sslmode require,
#     the server not verified) for "tls": opens with SSL too.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/postgres.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "Kahu's PostgreSQL store (Kea 2.2 has no TLS to PostgreSQL)"
[[ -f "$KAHU_BUILD/hooks-lib/libdhcp_pgsql.so" ]] || fail "libdhcp_pgsql.so not built"
command -v openssl >/dev/null || skip "no openssl"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
SERVER=$KAHU_BUILD/core/kahu-dhcp4

pki=$LAB_TMP/pki
mkdir -p "$pki"
ca() { # name subject
    openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$pki/$1.key" -subj "/CN=$2" \
        -days 2 -out "$pki/$1.pem" 2>/dev/null
}
cert() { # name subject [ca]
    local ca=${3:-ca}
    openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/$1.key" -subj "/CN=$2" \
        -out "$pki/$1.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\n' >"$pki/$1.ext"
    openssl x509 -req -in "$pki/$1.csr" -CA "$pki/$ca.pem" -CAkey "$pki/$ca.key" -CAcreateserial \
        -days 2 -extfile "$pki/$1.ext" -out "$pki/$1.pem" 2>/dev/null
    chmod 600 "$pki/$1.key" # libpq refuses a client key others may read
}
ca ca "kahu test CA"
ca other-ca "another CA"
cert server 127.0.0.1
cert client tls        # verify-full: the CN is the role's name
cert stranger someone  # signed by the right CA, for another name

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:31
PG_NETNS=$(ns_name srv1)
postgres_start
postgres_create_db kea kea motdepasse
"$KAHU_BUILD/core/kahu-admin" db-init pgsql -u kea -p motdepasse -n kea -h "$PG_SOCKET_DIR" \
    -P "$PG_PORT" >/dev/null
postgres_sql kea <<SQL
CREATE ROLE tls LOGIN PASSWORD 'tlspass';
GRANT ALL ON ALL TABLES IN SCHEMA public TO tls;
GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO tls;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO tls;
SQL
postgres_tls "$pki/ca.pem" "$pki/server.pem" "$pki/server.key"
postgres_hba <<'EOF'
local all postgres trust
local all all scram-sha-256
hostnossl all all 127.0.0.1/32 reject
hostssl kea tls 127.0.0.1/32 scram-sha-256 clientcert=verify-full
hostssl kea kea 127.0.0.1/32 scram-sha-256
EOF
log "PostgreSQL with ssl = on in $(ns_name srv1), 127.0.0.1:$PG_PORT"

config() { # user password jq-expression-on-lease-database -> config path
    jq --arg ca "$pki/ca.pem" --arg other "$pki/other-ca.pem" --arg cert "$pki/client.pem" \
        --arg key "$pki/client.key" --arg scert "$pki/stranger.pem" --arg skey "$pki/stranger.key" \
        --argjson port "$PG_PORT" --arg user "$1" --arg password "$2" \
        ".Dhcp4[\"lease-database\"] += {\"host\": \"127.0.0.1\", \"port\": \$port,
           \"user\": \$user, \"password\": \$password} | .Dhcp4[\"lease-database\"] |= ($3)
         | del(.Dhcp4.loggers) | .Dhcp4[\"control-socket\"][\"socket-name\"] = \"$LAB_TMP/check-ctrl\"" \
        "$KAHU_SOURCE/config/kahu-dhcp4-pgsql.conf" >"$LAB_TMP/kahu.conf"
    echo "$LAB_TMP/kahu.conf"
}
full='. + {"trust-anchor": $ca, "cert-file": $cert, "key-file": $key}'
# kahu-dhcp4 -T in the server's namespace (it connects as the real start does).
check() { nsx srv1 env "$@" "$SERVER" -T "$LAB_TMP/kahu.conf" 2>&1; }
no_password() { # what text
    [[ "$2" != *tlspass* && "$2" != *motdepasse* ]] || fail "$1: a password is in the output"
}
# PostgreSQL's log lines since the mark (connections are logged).
pg_log_mark() { PG_LOG_MARK=$(wc -l <"$PG_DIR/server.log"); }
pg_log_new() { tail -n +"$((PG_LOG_MARK + 1))" "$PG_DIR/server.log"; }

# --- 1. The whole TLS configuration.
config tls tlspass "$full" >/dev/null
pg_log_mark
out=$(check) || fail "TLS with a client certificate: $out"
no_password "-T" "$out"
assert_match "PGSQL_LEASE_DB_OPENED postgresql://tls@127.0.0.1:$PG_PORT/kea \(TLS\): schema 13.0" \
    "$out" "-T opened the store over TLS"
assert_match "connection authorized: user=tls database=kea application_name=kahu SSL enabled \(protocol=TLSv1\.[23]," \
    "$(pg_log_new)" "PostgreSQL logged -T's connection with SSL"

cp "$LAB_TMP/kahu.conf" "$LAB_TMP/tls.conf"
start_server "$LAB_TMP/tls.conf"
assert_file_has "$SERVER_LOG_srv1" "PGSQL_LEASE_DB_OPENED postgresql://tls@127.0.0.1:$PG_PORT/kea \(TLS\): schema 13.0" \
    "the server opened the store over TLS"
start_relay 172.18.20.20
client_prepare cli-a laptop-a
run_dhclient cli-a || fail "dhclient in cli-a got no lease"
addr=$(client_var cli-a new_ip_address)
assert_ip_in_range "$addr" 172.18.10.100 172.18.10.200 "leased address"
assert_eq "0200000a0031|laptop-a" "$(postgres_sql kea <<<"SELECT encode(hwaddr, 'hex'), hostname
    FROM lease4 WHERE address = $(ip_to_int "$addr")")" "the lease4 row (hwaddr, hostname)"
# Every connection of the running server (application_name kahu): TCP from 127.0.0.1, TLS,
# with the client certificate PostgreSQL verified.
conns=$(postgres_sql <<<"SELECT count(*), bool_and(s.ssl), bool_and(a.client_addr = '127.0.0.1'),
    min(s.client_dn), max(s.client_dn), min(s.issuer_dn)
    FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
    WHERE a.usename = 'tls' AND a.datname = 'kea' AND a.application_name = 'kahu'")
log "the server's connections (count|ssl|from 127.0.0.1|client DN|issuer): $conns"
assert_match "^[1-9][0-9]*\|t\|t\|/CN=tls\|/CN=tls\|/CN=kahu test CA$" "$conns" \
    "pg_stat_ssl: every connection of the server is TLS with the client certificate"
assert_match "^TLSv1\.[23]$" "$(postgres_sql <<<"SELECT DISTINCT s.version FROM pg_stat_activity a
    JOIN pg_stat_ssl s USING (pid) WHERE a.usename = 'tls' AND a.application_name = 'kahu'")" \
    "TLS version"
if grep -q -e tlspass -e motdepasse "$SERVER_LOG_srv1"; then fail "a password is in the server log"; fi
stop_server

# --- 2. A trust anchor of another CA: the server's certificate does not verify.
config tls tlspass "$full | .[\"trust-anchor\"] = \$other" >/dev/null
out=$(check) && fail "a server certificate from another CA was accepted"
log "wrong CA (-T): $out"
assert_match "cannot connect to postgresql://tls@127.0.0.1:$PG_PORT/kea \(TLS\): connection to server at \"127.0.0.1\", port $PG_PORT failed: .*certificate verify failed" \
    "$out" "wrong CA: refused, naming the database"
no_password "wrong CA (-T)" "$out"
set +e
nsx srv1 env KAHU_PIDFILE_DIR="$LAB_TMP" timeout 20 "$SERVER" -p 10067 -c "$LAB_TMP/kahu.conf" \
    >"$LAB_TMP/wrong-ca-start.log" 2>&1
rc=$?
set -e
assert_eq 1 "$rc" "start-up with the wrong CA: exit status"
assert_file_has "$LAB_TMP/wrong-ca-start.log" \
    "cannot connect to postgresql://tls@127.0.0.1:$PG_PORT/kea \(TLS\): .*certificate verify failed" \
    "start-up names the database and the cause"
no_password "wrong CA (start-up)" "$(cat "$LAB_TMP/wrong-ca-start.log")"

# --- 3. The "tls" role without its certificate, or without TLS.
refused() { # what regex jq-expression [env...]
    local what=$1 regex=$2 expr=$3 out
    shift 3
    config tls tlspass "$expr" >/dev/null
    out=$(check "$@") && fail "$what: the tls role got in"
    log "$what: $out"
    assert_match "cannot connect to postgresql://tls@127.0.0.1:$PG_PORT/kea.*: connection to server at \"127.0.0.1\", port $PG_PORT failed: FATAL: $regex" \
        "$out" "$what: refused"
    no_password "$what" "$out"
}
refused "trust-anchor only" "connection requires a valid client certificate$" \
    '. + {"trust-anchor": $ca}'
# Without any TLS key libpq's default (sslmode prefer) tries TLS first, without a certificate,
# then plain TCP: both refused, both reasons in the message.
refused "no TLS key" "connection requires a valid client certificate connection to server at \"127.0.0.1\", port $PG_PORT failed: FATAL: pg_hba.conf rejects connection for host \"127.0.0.1\", user \"tls\", database \"kea\", no encryption$" \
    '.'
# PostgreSQL tells the client only that the login failed; its log has the reason.
pg_log_mark
refused "a certificate for another name" "password authentication failed for user \"tls\"$" \
    '. + {"trust-anchor": $ca, "cert-file": $scert, "key-file": $skey}'
assert_match 'certificate validation \(clientcert=verify-full\) failed for user "tls": CN mismatch' \
    "$(pg_log_new)" "PostgreSQL's reason for the certificate for another name"
refused "no TLS at all (PGSSLMODE=disable)" \
    "pg_hba.conf rejects connection for host \"127.0.0.1\", user \"tls\", database \"kea\", no encryption$" \
    '.' PGSSLMODE=disable

# --- 4. The other two TLS forms the store has.
config kea motdepasse '. + {"trust-anchor": $ca}' >/dev/null
pg_log_mark
out=$(check) || fail "trust-anchor only, role kea: $out"
assert_match "PGSQL_LEASE_DB_OPENED postgresql://kea@127.0.0.1:$PG_PORT/kea \(TLS\)" "$out" \
    "trust-anchor only (verify-ca, no client certificate): opened"
assert_match "connection authorized: user=kea database=kea application_name=kahu SSL enabled" \
    "$(pg_log_new)" "trust-anchor only: PostgreSQL logged the connection with SSL"
config tls tlspass '. + {"cert-file": $cert, "key-file": $key}' >/dev/null
pg_log_mark
out=$(check) || fail "cert-file and key-file without trust-anchor: $out"
assert_match "PGSQL_LEASE_DB_OPENED postgresql://tls@127.0.0.1:$PG_PORT/kea \(TLS, server certificate not verified\)" "$out" \
    "client certificate without trust-anchor (sslmode require): opened, and said unverified"
assert_match "connection authorized: user=tls database=kea application_name=kahu SSL enabled" \
    "$(pg_log_new)" "client certificate without trust-anchor: PostgreSQL logged the connection with SSL"
pass
