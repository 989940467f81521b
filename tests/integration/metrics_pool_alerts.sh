#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# GET /metrics and pool-utilisation alerts with real clients and a real Prometheus server.
#
# Kahu serves a 4-address pool (thresholds in user-context: warning 50 %, critical 75 %,
# hysteresis 10; an alert command and a webhook) and GET /metrics on its HTTP control socket
# with basic auth; kahu-ctrl-agent serves /metrics too. Prometheus (Debian's) scrapes both
# every second and loads config/prometheus/kahu-alerts.yml. Then:
#   - four dhclients fill the pool: DHCP4_POOL_UTILIZATION_HIGH, _CRITICAL and
#     DHCP4_POOL_EXHAUSTED are logged once each for the pool; a fifth client gets nothing;
#   - statistic-get shows the level, `promtool check metrics` accepts the scrape, and a
#     PromQL query on Prometheus finds the leases the clients took and the exhausted pool,
#     and the KahuPoolExhausted rule fires;
#   - every panel query of config/grafana/kahu-dashboard.json runs on Prometheus;
#   - three clients release: critical, high, then DHCP4_POOL_UTILIZATION_NORMAL; the command
#     and the webhook got high, critical, exhausted, critical, high, normal for the pool;
#   - /metrics refuses a wrong password (401).
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

[[ $KAHU_SERVER == kahu ]] || skip "Kahu only: Kea has no /metrics"
for tool in prometheus promtool curl jq python3; do
    command -v "$tool" >/dev/null || skip "$tool not installed"
done

lab_router
lab_server_ns srv1 172.18.20.20
clients=(c1 c2 c3 c4 c5)
for i in 1 2 3 4 5; do lab_client_ns "c$i" "02:00:00:00:cc:0$i" br20; done

# The alert command: appends what it was told, one line per alert.
cat >"$LAB_TMP/alert-command" <<'SCRIPT'
#!/bin/sh
echo "$KAHU_ALERT_SCOPE $KAHU_ALERT_LEVEL $KAHU_ALERT_USED/$KAHU_ALERT_TOTAL pool=$KAHU_ALERT_POOL" \
    >>"$(dirname "$0")/alert-command.out"
SCRIPT
chmod 0750 "$LAB_TMP/alert-command"

# The webhook: records every POST body, one per line.
cat >"$LAB_TMP/webhook.py" <<'PY'
import http.server, sys
out = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(out, "ab") as f:
            f.write(body + b"\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
ip netns exec "$(ns_name srv1)" python3 "$LAB_TMP/webhook.py" 8090 "$LAB_TMP/webhook.out" &
LAB_PIDS+=($!)

cat >"$LAB_TMP/kahu.json" <<JSON
{"Dhcp4": {
  "interfaces-config": {"interfaces": ["ens18"], "dhcp-socket-type": "raw"},
  "control-sockets": [
    {"socket-type": "unix", "socket-name": "$LAB_TMP/srv1-ctrl"},
    {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": 8004, "metrics": true,
     "authentication": {"type": "basic", "realm": "kahu",
                        "clients": [{"user": "prom", "password": "s3cret"}]}}],
  "lease-database": {"type": "memfile", "persist": true, "name": "$LAB_TMP/srv1-leases4.csv",
                     "lfc-interval": 0},
  "valid-lifetime": 3600,
  "user-context": {"utilization-alerts": {"warning": 50, "critical": 75, "hysteresis": 10,
                                          "command": "$LAB_TMP/alert-command",
                                          "webhook": "http://127.0.0.1:8090/alert"}},
  "subnet4": [{"id": 20, "subnet": "172.18.20.0/24",
               "pools": [{"pool": "172.18.20.100 - 172.18.20.103"}],
               "option-data": [{"name": "routers", "data": "172.18.20.254"}]}]
}}
JSON
start_server "$LAB_TMP/kahu.json"
log_file=$SERVER_LOG_srv1

cat >"$LAB_TMP/agent.json" <<JSON
{"Control-agent": {"http-host": "127.0.0.1", "http-port": 8005, "metrics": true,
  "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": "$LAB_TMP/srv1-ctrl"}}}}
JSON
ip netns exec "$(ns_name srv1)" "$KAHU_BUILD/core/kahu-ctrl-agent" -c "$LAB_TMP/agent.json" \
    >>"$LAB_TMP/agent.log" 2>&1 &
LAB_PIDS+=($!)

mkdir -p "$LAB_TMP/prom"
cat >"$LAB_TMP/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$KAHU_SOURCE/config/prometheus/kahu-alerts.yml"]
scrape_configs:
  - job_name: kahu
    static_configs: [{targets: ["127.0.0.1:8004"]}]
    basic_auth: {username: prom, password: s3cret}
  - job_name: kahu-agent
    static_configs: [{targets: ["127.0.0.1:8005"]}]
YAML
ip netns exec "$(ns_name srv1)" prometheus --config.file="$LAB_TMP/prometheus.yml" \
    --storage.tsdb.path="$LAB_TMP/prom" --web.listen-address=127.0.0.1:9099 \
    >>"$LAB_TMP/prometheus.log" 2>&1 &
LAB_PIDS+=($!)

srv() { nsx srv1 "$@"; }
metrics() { srv curl -sf -u prom:s3cret http://127.0.0.1:8004/metrics; }
promql() { # query -> the first result's value, or "none"
    srv curl -sf http://127.0.0.1:9099/api/v1/query --data-urlencode "query=$1" |
        jq -r '.data.result[0].value[1] // "none"'
}
pool_lines() { grep -c "$1 pool 172.18.20.100-172.18.20.103 of subnet 20" "$log_file" || true; }
ctrl() { srv socat -t 5 - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl" <<<"$1"; }

wait_for 20 "Prometheus to scrape Kahu" \
    bash -c "[[ \$(ip netns exec $(ns_name srv1) curl -sf http://127.0.0.1:9099/api/v1/query \
        --data-urlencode 'query=up{job=\"kahu\"}' | jq -r '.data.result[0].value[1]') == 1 ]]"

for i in 1 2 3 4; do
    run_dhclient "c$i"
    assert_ip_in_range "$(client_var "c$i" new_ip_address)" 172.18.20.100 172.18.20.103 "c$i's lease"
done
DHCLIENT_TIMEOUT=12 run_dhclient c5 || true
assert_eq "" "$(client_var c5 new_ip_address)" "a fifth client gets nothing from the full pool"

assert_eq 1 "$(pool_lines DHCP4_POOL_UTILIZATION_HIGH)" "HIGH logged once for the pool"
assert_eq 1 "$(pool_lines DHCP4_POOL_UTILIZATION_CRITICAL)" "CRITICAL logged once for the pool"
assert_eq 1 "$(pool_lines DHCP4_POOL_EXHAUSTED)" "EXHAUSTED logged once for the pool"
assert_eq 3 "$(ctrl '{"command": "statistic-get", "arguments": {"name": "subnet[20].pool[0].utilization-alert-level"}}' |
    jq -r '.arguments["subnet[20].pool[0].utilization-alert-level"][0][0]')" \
    "statistic-get shows the pool exhausted"

# The scrape itself: Prometheus' linter accepts it, and it carries the leases.
metrics >"$LAB_TMP/metrics.txt"
srv promtool check metrics <"$LAB_TMP/metrics.txt" || fail "promtool check metrics refused the scrape"
assert_file_has "$LAB_TMP/metrics.txt" \
    '^kea_dhcp4_addresses_assigned\{subnet_id="20",subnet="172.18.20.0/24",pool="172.18.20.100-172.18.20.103"\} 4$' \
    "the pool's assigned addresses"
assert_file_has "$LAB_TMP/metrics.txt" '^kea_dhcp4_packets_received_total\{operation="discover"\} [1-9]' \
    "DISCOVERs counted"
assert_eq 401 "$(srv curl -s -o /dev/null -w '%{http_code}' -u prom:wrong http://127.0.0.1:8004/metrics)" \
    "a wrong password is refused"
srv curl -sf http://127.0.0.1:8005/metrics >"$LAB_TMP/agent-metrics.txt" ||
    fail "kahu-ctrl-agent's /metrics did not answer"
srv promtool check metrics <"$LAB_TMP/agent-metrics.txt" || fail "promtool refused the agent's scrape"
assert_file_has "$LAB_TMP/agent-metrics.txt" '^kahu_ctrl_agent_service_up\{service="dhcp4"\} 1$' \
    "the agent reached the server"

# Prometheus has what the clients did.
wait_for 15 "Prometheus to see 4 leases in subnet 20" \
    bash -c "[[ \$(ip netns exec $(ns_name srv1) curl -sf http://127.0.0.1:9099/api/v1/query \
        --data-urlencode 'query=kea_dhcp4_addresses_assigned{job=\"kahu\",subnet_id=\"20\",pool=\"\"}' |
        jq -r '.data.result[0].value[1]') == 4 ]]"
assert_eq 3 "$(promql 'kahu_dhcp4_utilization_alert_level{job="kahu",scope="pool"}')" \
    "Prometheus sees the pool exhausted"
c1=$(client_var c1 new_ip_address)
wait_for 15 "the KahuPoolExhausted rule to fire" \
    bash -c "[[ \$(ip netns exec $(ns_name srv1) curl -sf http://127.0.0.1:9099/api/v1/query \
        --data-urlencode 'query=ALERTS{alertname=\"KahuPoolExhausted\",alertstate=\"firing\",scope=\"pool\"}' |
        jq -r '.data.result | length') -ge 1 ]]"

# Every query of the Grafana dashboard runs (the names exist, the PromQL parses).
while IFS= read -r expr; do
    e=${expr//\$instance/.*}
    status=$(srv curl -s http://127.0.0.1:9099/api/v1/query --data-urlencode "query=$e" | jq -r .status)
    assert_eq success "$status" "dashboard query: $expr"
done < <(jq -r '.panels[].targets[].expr' "$KAHU_SOURCE/config/grafana/kahu-dashboard.json")
for name in $(jq -r '.panels[].targets[].expr' "$KAHU_SOURCE/config/grafana/kahu-dashboard.json" |
    grep -oE '(kea|kahu|process)_[a-z0-9_]+' | sort -u); do
    case $name in kahu_ha_*) continue ;; esac # no HA in this run
    grep -q "^$name[{ ]" "$LAB_TMP/metrics.txt" || fail "the dashboard uses $name, which /metrics does not serve"
done

# Down, one release at a time: 3 of 4 (75 %) critical, 2 of 4 (50 %) high (below 75 - 10),
# 1 of 4 (25 %) normal (below 50 - 10).
for i in 1 2 3; do dhclient_release "c$i"; done
wait_for 10 "DHCP4_POOL_UTILIZATION_NORMAL" grep -q \
    "DHCP4_POOL_UTILIZATION_NORMAL pool 172.18.20.100-172.18.20.103" "$log_file"
assert_eq 2 "$(pool_lines DHCP4_POOL_UTILIZATION_HIGH)" "HIGH once up, once down"
wait_for 10 "the command to hear of the 6 pool alerts" \
    bash -c "[[ \$(grep -c '^pool ' $LAB_TMP/alert-command.out 2>/dev/null) -ge 6 ]]"
assert_eq "high critical exhausted critical high normal" \
    "$(grep '^pool ' "$LAB_TMP/alert-command.out" | awk '{print $2}' | xargs)" "the command's alerts"
wait_for 10 "the webhook to get the 6 pool alerts" \
    bash -c "[[ \$(jq -c 'select(.scope == \"pool\")' $LAB_TMP/webhook.out 2>/dev/null | wc -l) -ge 6 ]]"
assert_eq "high critical exhausted critical high normal" \
    "$(jq -r 'select(.scope == "pool") | .level' "$LAB_TMP/webhook.out" | xargs)" "the webhook's alerts"
assert_eq "172.18.20.100-172.18.20.103 20 4" \
    "$(jq -r 'select(.scope == "pool") | "\(.pool) \(."subnet-id") \(.total)"' "$LAB_TMP/webhook.out" | head -n1)" \
    "the webhook's body names the pool"
log "c1 had $c1; alerts: $(jq -c -s 'map(.scope + ":" + .level)' "$LAB_TMP/webhook.out")"
pass
