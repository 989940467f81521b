#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# PID file and shutdown signals (Kea ARM "Starting and Stopping the DHCPv4 Server"): while the server runs,
# $KEA_PIDFILE_DIR/<config stem>.<program>.pid holds its pid; a second instance on the same
# config refuses to start ("... exists") and leaves the first one and its PID file alone;
# SIGTERM and SIGINT each stop the server with exit status 0 within 2 s and remove the PID file.
#
# The server is started as a background job of this (non-interactive) script, so it inherits
# SIGINT as ignored, as any daemon started by a script does; Kea installs its own handlers and
# stops on SIGINT all the same, so the server under test must too.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
conf="$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf"
prog=$(basename "$(server_binary)")            # kahu-dhcp4 or kea-dhcp4
pidfile="$LAB_TMP/run-srv1/srv1.$prog.pid"     # the running copy is $LAB_TMP/srv1.conf

# Stops the server with a signal; checks exit status 0 within 2 s and the PID file gone.
stop_with() { # signal
    local pid=$SERVER_PID_srv1 rc
    kill "-$1" "$pid"
    local end=$((SECONDS + 2)) start=$EPOCHREALTIME
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS > end)); then
            kill -KILL "$pid" 2>/dev/null || true
            fail "server still running 2 s after SIG$1"
        fi
        sleep 0.05
    done
    set +e
    wait "$pid"
    rc=$?
    set -e
    SERVER_PID_srv1=""
    log "server exited $(printf '%.2f' "$(bc <<<"$EPOCHREALTIME - $start")") s after SIG$1"
    assert_eq 0 "$rc" "exit status after SIG$1"
    [[ ! -e "$pidfile" ]] || fail "PID file $pidfile still there after SIG$1"
    log "ok: PID file removed after SIG$1"
}

for sig in TERM INT; do
    start_server "$conf"
    [[ -f "$pidfile" ]] || fail "no PID file $pidfile (run dir: $(ls "$LAB_TMP/run-srv1"))"
    assert_eq "$SERVER_PID_srv1" "$(tr -d '[:space:]' <"$pidfile")" "PID file content"

    if [[ $sig == TERM ]]; then
        # A second instance on the same config, with the same PID directory.
        set +e
        ip netns exec "$(ns_name srv1)" env KEA_PIDFILE_DIR="$LAB_TMP/run-srv1" \
            KEA_LOCKFILE_DIR="$LAB_TMP/run-srv1" KAHU_PIDFILE_DIR="$LAB_TMP/run-srv1" \
            timeout 10 "$(server_binary)" -c "$LAB_TMP/srv1.conf" >"$LAB_TMP/second.log" 2>&1
        rc=$?
        set -e
        ((rc != 124)) || fail "second instance still running after 10 s"
        assert_ne 0 "$rc" "second instance's exit status"
        assert_file_has "$LAB_TMP/second.log" "$SERVER_PID_srv1.* exists|exists.*$SERVER_PID_srv1" \
            "second instance says the first one's PID file exists"
        kill -0 "$SERVER_PID_srv1" 2>/dev/null || fail "first instance died"
        assert_eq "$SERVER_PID_srv1" "$(tr -d '[:space:]' <"$pidfile")" "PID file after the second instance"
        server_listening srv1 "$SERVER_PID_srv1" || fail "first instance no longer has port 67"
        log "ok: first instance still running and listening"
    fi
    stop_with "$sig"
done

# A stale PID file (a pid that is not running) does not stop the server from starting.
echo 999999 >"$pidfile"
start_server "$conf"
assert_eq "$SERVER_PID_srv1" "$(tr -d '[:space:]' <"$pidfile")" "PID file after a stale one"
stop_with TERM

pass
