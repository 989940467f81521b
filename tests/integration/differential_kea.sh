#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Differential test, Kahu vs Kea 2.2 (tests/diff/README.md): every scenario of
# tests/diff/scenarios.py — crafted DHCPv4 messages (raw Ethernet frames from a direct client,
# UDP from a relay address; any header field, any option, malformed ones) and -t checks of
# configurations — runs against the real Kea 2.2 and against Kahu with the same configuration
# text, a fresh server and lease file per scenario. The replies (type, header fields,
# destination, options in order with their values, or silence), the lease rows (address,
# hwaddr, client_id, valid_lifetime, subnet_id, state, hostname) and the message IDs a scenario
# lists are compared field by field. Fails on any difference not on tests/diff/allow-list.txt.
#
# Each server gets its own pair of namespaces (server + client/relay, one veth between them);
# both run at the same time, each in DIFF_SHARDS parallel labs (default 2).
#
#   DIFF_ONLY=name,glob*   run only these scenarios
#   DIFF_SHARDS=n          labs per server (default 2)
#   DIFF_REPORT=file       copy the JSON report (both transcripts + differences) there
#   KAHU_KEEP=1            keep the run's temp dir (transcripts, configs, server logs, leases)
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
diff_dir="$KAHU_SOURCE/tests/diff"
source "$diff_dir/lab.bash"

kea_bin=$KEA_DHCP4
[[ -x "$kea_bin" ]] || fail "Kea 2.2 not found: $kea_bin"
# Run a snapshot of Kahu (the program and libkahu_core.so from $KAHU_BUILD/core, taken once it
# runs -v), so that a rebuild of $KAHU_BUILD during the run cannot swap it between scenarios.
kahu_dir="$LAB_TMP/kahu-bin"
kahu_bin="$kahu_dir/kahu-dhcp4"
snapshot_kahu() {
    rm -rf "$kahu_dir" && mkdir -p "$kahu_dir" &&
        "$KAHU_BUILD/core/kahu-dhcp4" -v >/dev/null 2>&1 &&
        cp "$KAHU_BUILD/core/kahu-dhcp4" "$kahu_bin" &&
        cp -L "$KAHU_BUILD"/core/libkahu_core.so* "$kahu_dir/" 2>/dev/null &&
        # The hook libraries a configuration names (Kea's paths map to these by file name).
        mkdir -p "$kahu_dir/hooks" && { cp "$KAHU_BUILD"/hooks-lib/*.so "$kahu_dir/hooks/" 2>/dev/null || true; }
    LD_LIBRARY_PATH=$kahu_dir "$kahu_bin" -v >/dev/null 2>&1
}
wait_for 90 "a runnable $KAHU_BUILD/core/kahu-dhcp4" snapshot_kahu
log "Kahu $(LD_LIBRARY_PATH=$kahu_dir "$kahu_bin" -v) (snapshot of $KAHU_BUILD/core), Kea $("$kea_bin" -v)"
shards=${DIFF_SHARDS:-2}
only=()
[[ -n "${DIFF_ONLY:-}" ]] && only=(--only "$DIFF_ONLY")

for tag in kea kahu; do
    for ((i = 0; i < shards; i++)); do diff_lab "$tag$i"; done
done
log "labs up: $shards per server"

start=$SECONDS
pids=()
for tag in kea kahu; do
    bin=$kea_bin ldpath=
    [[ $tag == kahu ]] && bin=$kahu_bin ldpath=$kahu_dir
    for ((i = 0; i < shards; i++)); do
        ip netns exec "$(ns_name "cli-$tag$i")" env ${ldpath:+LD_LIBRARY_PATH=$ldpath KAHU_HOOKS_PATH=$ldpath/hooks} \
            python3 "$diff_dir/dhcp_diff.py" run \
            --server "$tag" --binary "$bin" --srv-ns "$(ns_name "srv-$tag$i")" \
            --workdir "$LAB_TMP/$tag$i" --out "$LAB_TMP/$tag$i.json" --shard "$i/$shards" --verbose \
            "${only[@]}" >"$LAB_TMP/run-$tag$i.log" 2>&1 &
        pids+=($!)
        LAB_PIDS+=($!)
    done
done
rc=0
for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
if ((rc != 0)); then
    tail -n 20 "$LAB_TMP"/run-*.log >&2
    fail "a scenario runner failed"
fi
log "scenarios ran in $((SECONDS - start)) s"

# One transcript per server (shards merged in scenario order).
python3 - "$LAB_TMP" "$shards" <<'EOF'
import json, sys
tmp, n = sys.argv[1], int(sys.argv[2])
for tag in ("kea", "kahu"):
    parts = [json.load(open("%s/%s%d.json" % (tmp, tag, i))) for i in range(n)]
    merged = dict(parts[0])
    lists = [p["scenarios"] for p in parts]
    merged["scenarios"] = [s for k in range(max(map(len, lists))) for s in
                           (l[k] for l in lists if k < len(l))]
    merged["elapsed"] = max(p["elapsed"] for p in parts)
    json.dump(merged, open("%s/%s.json" % (tmp, tag), "w"), indent=1)
EOF

set +e
python3 "$diff_dir/dhcp_diff.py" compare "$LAB_TMP/kea.json" "$LAB_TMP/kahu.json" \
    --allow "$diff_dir/allow-list.txt" --report "$LAB_TMP/report.json" | tee "$LAB_TMP/compare.txt"
cmp_rc=${PIPESTATUS[0]}
set -e
log "JSON report: $LAB_TMP/report.json (kept with KAHU_KEEP=1 or on failure)"
[[ -n "${DIFF_REPORT:-}" ]] && cp "$LAB_TMP/report.json" "$DIFF_REPORT"
((cmp_rc == 0)) || fail "Kahu differs from Kea 2.2 in $(grep -c '^DIFF ' "$LAB_TMP/compare.txt") scenario(s) (not on the allow-list)"
pass
