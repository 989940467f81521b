# SPDX-License-Identifier: MPL-2.0
"""Sends the same control commands to Kea's and Kahu's unix sockets (through socat) and compares
the shape of each answer: result code, presence of "text", and the recursive set of keys of
"arguments" (values ignored). Prints a table; exits 1 on a mismatch not in ALLOWED.

Usage: ctrl_shapes.py <kea socket> <kahu socket> <temp dir>
"""
import json
import subprocess
import sys

KEA_SOCK, KAHU_SOCK, TMP = sys.argv[1:4]

# Documented differences: (command label, key path or "result"/"text") -> why it differs.
# A key path names a key present on one side only; "[]" stands for the elements of a list.
# Reasons starting "KAHU BUG" are Kahu defects kept visible here until fixed.
ALLOWED = {
    ('config-get', 'arguments.Dhcp4.dhcp-queue-control'):
        'Kahu does not support dhcp-queue-control (refused when set)',
    ('config-get', 'arguments.Dhcp4.dhcp4o6-port'):
        'DHCPv4-over-DHCPv6 is not supported by Kahu',
    ('config-get', 'arguments.Dhcp4.subnet4[].4o6-interface'):
        'DHCPv4-over-DHCPv6 is not supported by Kahu',
    ('config-get', 'arguments.Dhcp4.subnet4[].4o6-interface-id'):
        'DHCPv4-over-DHCPv6 is not supported by Kahu',
    ('config-get', 'arguments.Dhcp4.subnet4[].4o6-subnet'):
        'DHCPv4-over-DHCPv6 is not supported by Kahu',
    ('config-get', 'arguments.Dhcp4.store-extended-info'):
        'Kahu stores no extended lease info',
    ('config-get', 'arguments.Dhcp4.subnet4[].store-extended-info'):
        'Kahu stores no extended lease info',
    ('config-get', 'arguments.Dhcp4.ip-reservations-unique'):
        'Kea 2.2 writes this global default; Kahu does not support the key (refused by name in a config, so config-get leaves it out)',
    ('config-get', 'arguments.Dhcp4.early-global-reservations-lookup'):
        'Kea 2.2 writes this global default; Kahu does not support the key (refused by name in a config, so config-get leaves it out)',
    ('config-get', 'arguments.Dhcp4.reservations-lookup-first'):
        'Kea 2.2 writes this global default; Kahu does not support the key (refused by name in a config, so config-get leaves it out)',
    ('config-get', 'arguments.hash'):
        'Kahu answers the config hash as Kea 2.4+ does; 2.2 has none',
    ('config-set valid', 'arguments.hash'):
        'Kahu answers the config hash as Kea 2.4+ does; 2.2 has none',
    ('config-reload', 'arguments.hash'):
        'Kahu answers the config hash as Kea 2.4+ does; 2.2 has none',
    ('config-set valid', 'arguments'):
        'Kea 2.2 answers config-set without arguments; Kahu carries the 2.4+ hash',
    ('config-reload', 'arguments'):
        'Kea 2.2 answers config-reload without arguments; Kahu carries the 2.4+ hash',
    ('status-get', 'arguments.dhcp-state'):
        'Kahu answers status-get as Kea 2.4+/2.6 (multi-threading on, dhcp-state)',
    ('status-get', 'arguments.packet-queue-size'):
        'Kahu answers status-get as Kea 2.4+/2.6 (multi-threading on, dhcp-state)',
    ('status-get', 'arguments.packet-queue-statistics'):
        'Kahu answers status-get as Kea 2.4+/2.6 (multi-threading on, dhcp-state)',
    ('status-get', 'arguments.thread-pool-size'):
        'Kahu answers status-get as Kea 2.4+/2.6 (multi-threading on, dhcp-state)',
    ('status-get', 'arguments.sockets.errors'):
        'Kahu always lists socket errors (an empty list); Kea 2.2 only when there are some',
    ('statistic-get-all', 'arguments.subnet[1].pool[0].assigned-addresses'):
        'per-pool statistics are Kea 2.4+ (Kahu keeps them)',
    ('statistic-get-all', 'arguments.subnet[1].pool[0].cumulative-assigned-addresses'):
        'per-pool statistics are Kea 2.4+ (Kahu keeps them)',
    ('statistic-get-all', 'arguments.subnet[1].pool[0].declined-addresses'):
        'per-pool statistics are Kea 2.4+ (Kahu keeps them)',
    ('statistic-get-all', 'arguments.subnet[1].pool[0].reclaimed-declined-addresses'):
        'per-pool statistics are Kea 2.4+ (Kahu keeps them)',
    ('statistic-get-all', 'arguments.subnet[1].pool[0].reclaimed-leases'):
        'per-pool statistics are Kea 2.4+ (Kahu keeps them)',
    ('statistic-get-all', 'arguments.subnet[1].pool[0].total-addresses'):
        'per-pool statistics are Kea 2.4+ (Kahu keeps them)',
    ('statistic-get-all', 'arguments.subnet[1].v4-lease-reuses'):
        'v4-lease-reuses is Kea 2.4+',
    ('statistic-get-all', 'arguments.v4-lease-reuses'):
        'v4-lease-reuses is Kea 2.4+',
    ('statistic-get-all', 'arguments.subnet[1].utilization-alert-level'):
        "Kahu's pool-utilisation alert level (docs/metrics.md)",
    ('statistic-get-all', 'arguments.subnet[1].pool[0].utilization-alert-level'):
        "Kahu's pool-utilisation alert level (docs/metrics.md)",
}


def send(sock, cmd):
    out = subprocess.run(["socat", "-t", "5", "-", "UNIX-CONNECT:" + sock],
                         input=json.dumps(cmd).encode(), capture_output=True, timeout=15)
    text = out.stdout.decode()
    try:
        return json.loads(text)
    except ValueError:
        return {"result": None, "raw": text}


def keys(value, path="arguments"):
    """The set of key paths of maps inside value (lists: the union over their elements)."""
    found = set()
    if isinstance(value, dict):
        for k, v in value.items():
            p = path + "." + k
            found.add(p)
            found |= keys(v, p)
    elif isinstance(value, list):
        for v in value:
            found |= keys(v, path + "[]")
    return found


def allowed(label, what):
    if (label, what) in ALLOWED:
        return True
    # A whole subtree allowed when its root path is.
    return any(what.startswith(p + ".") or what.startswith(p + "[")
               for (l, p) in ALLOWED if l == label)


def compare(label, kea, kahu):
    problems = []
    if kea.get("result") != kahu.get("result") and not allowed(label, "result"):
        problems.append("result %r vs %r" % (kea.get("result"), kahu.get("result")))
    if ("text" in kea) != ("text" in kahu) and not allowed(label, "text"):
        problems.append("text only in " + ("Kea" if "text" in kea else "Kahu"))
    if ("arguments" in kea) != ("arguments" in kahu) and not allowed(label, "arguments"):
        problems.append("arguments only in " + ("Kea" if "arguments" in kea else "Kahu"))
    ka, kh = keys(kea.get("arguments")), keys(kahu.get("arguments"))
    for p in sorted(ka - kh):
        if not allowed(label, p):
            problems.append("Kea-only " + p)
    for p in sorted(kh - ka):
        if not allowed(label, p):
            problems.append("Kahu-only " + p)
    return problems


def main():
    kea_cfg = send(KEA_SOCK, {"command": "config-get"})["arguments"]
    kahu_cfg = send(KAHU_SOCK, {"command": "config-get"})["arguments"]
    for c in (kea_cfg, kahu_cfg):
        c.pop("hash", None)
    broken = {"Dhcp4": {"subnet4": [{"id": 1, "subnet": "not-a-subnet"}]}}

    def both(label, cmd, kea_args=None, kahu_args=None):
        kc, hc = dict(cmd), dict(cmd)
        if kea_args is not None:
            kc["arguments"] = kea_args
        if kahu_args is not None:
            hc["arguments"] = kahu_args
        return label, kc, hc

    steps = [
        both("build-report", {"command": "build-report"}),
        both("config-get", {"command": "config-get"}),
        both("config-test", {"command": "config-test"}, kea_cfg, kahu_cfg),
        both("config-write", {"command": "config-write"}, {"filename": TMP + "/kea-written.json"},
             {"filename": TMP + "/kahu-written.json"}),
        both("dhcp-disable", {"command": "dhcp-disable"}),
        both("dhcp-disable max-period", {"command": "dhcp-disable",
                                         "arguments": {"max-period": 30}}),
        both("dhcp-disable bad origin", {"command": "dhcp-disable",
                                         "arguments": {"origin": "bogus"}}),
        both("dhcp-enable", {"command": "dhcp-enable"}),
        both("leases-reclaim remove", {"command": "leases-reclaim",
                                       "arguments": {"remove": True}}),
        both("leases-reclaim no remove", {"command": "leases-reclaim", "arguments": {}}),
        both("list-commands", {"command": "list-commands"}),
        both("status-get", {"command": "status-get"}),
        both("statistic-get", {"command": "statistic-get",
                               "arguments": {"name": "pkt4-received"}}),
        both("statistic-get unknown", {"command": "statistic-get",
                                       "arguments": {"name": "no-such-statistic"}}),
        both("statistic-get-all", {"command": "statistic-get-all"}),
        both("statistic-reset", {"command": "statistic-reset",
                                 "arguments": {"name": "pkt4-received"}}),
        both("statistic-remove", {"command": "statistic-remove",
                                  "arguments": {"name": "pkt4-received"}}),
        both("statistic-reset-all", {"command": "statistic-reset-all"}),
        both("statistic-sample-age-set", {"command": "statistic-sample-age-set",
                                          "arguments": {"name": "pkt4-sent", "duration": 60}}),
        both("statistic-sample-count-set", {"command": "statistic-sample-count-set",
                                            "arguments": {"name": "pkt4-sent", "max-samples": 5}}),
        both("version-get", {"command": "version-get"}),
        both("server-tag-get", {"command": "server-tag-get"}),
        both("config-set broken", {"command": "config-set"}, broken, broken),
        both("config-set valid", {"command": "config-set"}, kea_cfg, kahu_cfg),
        both("config-reload", {"command": "config-reload"}),
        both("unknown command", {"command": "no-such-command"}),
        both("unsupported top-level key", {"command": "status-get", "extra": 1}),
        both("shutdown", {"command": "shutdown"}),
    ]
    failed = 0
    print("%-28s | %-10s | %-10s | %s" % ("command", "Kea result", "Kahu result", "shape ok"))
    print("-" * 28 + "-+-" + "-" * 10 + "-+-" + "-" * 11 + "-+-" + "-" * 8)
    for label, kc, hc in steps:
        kea, kahu = send(KEA_SOCK, kc), send(KAHU_SOCK, hc)
        problems = compare(label, kea, kahu)
        print("%-28s | %-10s | %-11s | %s" % (label, kea.get("result"), kahu.get("result"),
                                             "yes" if not problems else "NO"))
        for p in problems:
            print("    " + p)
            if "-v" in sys.argv:
                print("    kea:  " + json.dumps(kea)[:300])
                print("    kahu: " + json.dumps(kahu)[:300])
        failed += bool(problems)
    return 1 if failed else 0


sys.exit(main())
