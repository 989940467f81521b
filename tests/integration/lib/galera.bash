# SPDX-License-Identifier: MPL-2.0
# shellcheck shell=bash
# A throw-away 3-node MariaDB Galera cluster (Debian's mariadb-server + galera-4) for one run:
# each node is a mariadbd in a namespace of its own (gal1, gal2, gal3) whose ens18 is a port of
# the lab's br20, at 172.18.20.31/.32/.33, port 3306. Node 1 bootstraps the cluster; nodes 2 and
# 3 join it with a state transfer (rsync). Nothing outside the lab's namespaces and $LAB_TMP is
# touched; the lab's teardown kills the nodes. The nodes run as Debian's mysql user.
#
# Source after netns.bash and call lab_router first.
#
#   galera_start                  the three nodes, synced; sets GALERA_ADDR[1..3]
#   galera_sql N [db] <<SQL       runs SQL as root on node N (its unix socket)
#   galera_status N VAR           a wsrep status variable of node N (wsrep_cluster_size, ...)
#   galera_kill N                 SIGKILL node N (a crash: no shutdown, no goodbye to the others)
#   galera_restart N              starts node N again; it rejoins (state transfer) and syncs
#   galera_wait_size N SIZE       waits until node N sees SIZE members in a primary component
#
# Failure detection is shortened (evs.suspect_timeout 2 s, inactive 4 s) so a killed node is
# evicted within seconds; commits stall until then. log-bin-trust-function-creators lets
# kahu-admin (a user without SUPER) create the schema's triggers: Galera logs like a binlog.
# innodb-flush-log-at-trx-commit=2 as Galera deployments usually run: a commit is durable
# because every node has its write set. wsrep-retry-autocommit is 0 (the default is 1): a
# certification conflict then reaches the client, whose own retry is what a test checks.

GALERA_ADDR=("" 172.18.20.31 172.18.20.32 172.18.20.33)
GALERA_PID=("" "" "" "")
GALERA_PROVIDER=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}

galera_dir() { echo "$LAB_TMP/galera$1"; }

galera_sql() { # N [database] < SQL
    nsx "gal$1" mariadb --no-defaults --socket="$(galera_dir "$1")/mysqld.sock" -uroot -N -B ${2:+"$2"}
}

galera_status() { # N VAR
    galera_sql "$1" <<<"SHOW STATUS LIKE '$2'" 2>/dev/null | awk '{print $2}'
}

_galera_run() { # N [extra mariadbd options...]
    local n=$1 dir
    shift
    dir=$(galera_dir "$n")
    local peers="${GALERA_ADDR[1]},${GALERA_ADDR[2]},${GALERA_ADDR[3]}"
    # ip netns exec directly (not nsx): $! must be mariadbd itself.
    ip netns exec "$(ns_name "gal$n")" mariadbd --no-defaults --datadir="$dir/data" --user=mysql \
        --socket="$dir/mysqld.sock" --port=3306 --bind-address="${GALERA_ADDR[$n]}" \
        --pid-file="$dir/mariadbd.pid" --log-error="$dir/mariadbd.log" --skip-name-resolve \
        --innodb-buffer-pool-size=64M --innodb-log-file-size=32M \
        --innodb-flush-log-at-trx-commit=2 --binlog-format=ROW --innodb-autoinc-lock-mode=2 \
        --default-storage-engine=InnoDB --max-connections=200 --log-bin-trust-function-creators=1 \
        --wsrep-retry-autocommit="${GALERA_RETRY_AUTOCOMMIT:-0}" \
        --wsrep-on=ON --wsrep-provider="$GALERA_PROVIDER" --wsrep-cluster-name=kahu-lab \
        --wsrep-cluster-address="gcomm://$peers" --wsrep-node-address="${GALERA_ADDR[$n]}" \
        --wsrep-node-name="gal$n" --wsrep-sst-method=rsync \
        --wsrep-provider-options="gcache.size=64M;evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.install_timeout=PT3S" \
        "$@" >>"$dir/mariadbd.out" 2>&1 &
    GALERA_PID[n]=$!
    LAB_PIDS+=("${GALERA_PID[n]}")
}

# Waits until node N is Synced (serving) or fails with its log.
_galera_wait_synced() { # N
    local n=$1 end=$((SECONDS + 90))
    until [[ "$(galera_status "$n" wsrep_local_state_comment)" == Synced ]]; do
        kill -0 "${GALERA_PID[n]}" 2>/dev/null || {
            tail -n 30 "$(galera_dir "$n")/mariadbd.log" >&2
            fail "Galera node $n exited"
        }
        ((SECONDS < end)) || {
            tail -n 30 "$(galera_dir "$n")/mariadbd.log" >&2
            fail "Galera node $n not synced in 90 s"
        }
        sleep 0.3
    done
}

galera_wait_size() { # N SIZE
    local end=$((SECONDS + 60))
    until [[ "$(galera_status "$1" wsrep_cluster_size)" == "$2" &&
        "$(galera_status "$1" wsrep_cluster_status)" == Primary ]]; do
        ((SECONDS < end)) || fail "Galera node $1: cluster size $(galera_status "$1" wsrep_cluster_size), not $2, after 60 s"
        sleep 0.3
    done
}

galera_start() {
    local n
    # The nodes run as Debian's mysql user, not root: the rsync daemon of a state transfer,
    # started by a root mariadbd, would drop to "nobody" and fail to write the joiner's files.
    # The lab directory stays unlistable; mysql may only pass through it.
    chmod 711 "$LAB_TMP"
    for n in 1 2 3; do
        lab_server_ns "gal$n" "${GALERA_ADDR[$n]}"
        # The state transfer's rsync daemon looks up its peer's name: with the lab's unreachable
        # nameserver that costs 5 s a connection, with a refusing one nothing.
        echo "nameserver 127.0.0.1" >"/etc/netns/$(ns_name "gal$n")/resolv.conf"
        mkdir -p "$(galera_dir "$n")/data"
        chown -R mysql:mysql "$(galera_dir "$n")"
        mariadb-install-db --no-defaults --datadir="$(galera_dir "$n")/data" --user=mysql \
            --auth-root-authentication-method=socket --skip-test-db \
            >"$(galera_dir "$n")/install.log" 2>&1 ||
            { cat "$(galera_dir "$n")/install.log" >&2; fail "mariadb-install-db failed"; }
    done
    _galera_run 1 --wsrep-new-cluster
    _galera_wait_synced 1
    for n in 2 3; do
        _galera_run "$n"
        _galera_wait_synced "$n"
    done
    galera_wait_size 1 3
    log "Galera cluster of 3 running (${GALERA_ADDR[*]:1}), pids ${GALERA_PID[*]:1}"
}

galera_kill() { # N
    kill -KILL "${GALERA_PID[$1]}"
    wait "${GALERA_PID[$1]}" 2>/dev/null || true
    log "Galera node $1 killed (SIGKILL)"
}

galera_restart() { # N
    _galera_run "$1"
    _galera_wait_synced "$1"
    log "Galera node $1 rejoined and synced"
}
