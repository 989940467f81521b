# SPDX-License-Identifier: MPL-2.0
"""Golden comparison of the lease4-* commands: sends one command sequence to Kea 2.2 with its
libdhcp_lease_cmds.so and to Kahu with its libdhcp_lease_cmds.so (both over their unix control
sockets, through socat) and compares every answer in full: result code, text and arguments
(lease JSON included). A cltt within two minutes of now on both sides (a lease added without
"expire") compares equal; every other value must be the same.

Kahu answers as Kea 2.6 does. Where 2.6 differs from 2.2 the expected Kahu answer is Kea's
answer passed through the step's entry in ALLOWED (one reason each); every other step must be
equal. An ALLOWED entry is exact: if Kahu answered like 2.2 there, the step fails too.

Usage: lease_golden.py <kea socket> <kahu socket> <temp dir> [-v]
Prints: step | Kea result | Kahu result | equal; exits 1 on any difference.
"""
import json
import re
import os
import subprocess
import sys
import time

KEA_SOCK, KAHU_SOCK, TMP = sys.argv[1:4]
VERBOSE = "-v" in sys.argv
NOW = int(time.time())

WIPE_SUFFIX = " WARNING: lease4-wipe is deprecated!"


def result_to(code):
    def f(answer):
        answer["result"] = code
        return answer
    return f


def text_suffix(suffix):
    def f(answer):
        answer["text"] += suffix
        return answer
    return f


def without_position(answer):
    # Kea's JSON parser appends where the bad element sat in the received text, e.g.
    # "(<wire>:0:40)"; Kahu's commands get the parsed arguments, not the text, and say which
    # argument is wrong without the column. The rest of the text must be equal.
    answer["text"] = re.sub(r" ?\(<wire>:\d+:\d+\)$", "", answer["text"])
    return answer


def lease_write_26(answer):
    # The file name is replaced by "<file>" on both sides before comparing (normalise()).
    return {"result": 0, "text": "IPv4 lease database into '<file>'."}


# The one allow-list: step label -> (why Kahu differs from Kea 2.2, Kea answer -> Kahu answer).
ALLOWED = {
    "add existing":
        ("Kea 2.4+ answers a conflict with result 4 (CONTROL_RESULT_CONFLICT, not in 2.2); "
         "same text", result_to(4)),
    "update missing, no force-create":
        ("Kea 2.4+: a lease that vanished or changed under an update is a conflict, result 4; "
         "same text", result_to(4)),
    "add: unknown subnet-id":
        ("Kea 2.6: a subnet-id that is not configured is a conflict (4); same text",
         result_to(4)),
    "add: address outside subnet":
        ("Kea 2.6: an address outside the given subnet is a conflict (4); same text",
         result_to(4)),
    "add: address in no subnet":
        ("Kea 2.6 answers every subnet mismatch of a lease as a conflict (4), this one (no "
         "subnet-id, no subnet holds the address) included; same text. NOT checked against "
         "2.6 itself (only 2.2 runs here): Kahu's library's reading", result_to(4)),
    "resend-ddns (DDNS off)":
        ("Kea 2.6: DDNS not enabled is a conflict (4); same text", result_to(4)),
    "resend-ddns missing (DDNS off)":
        ("Kea 2.6 checks DDNS before the lease: conflict (4), same text", result_to(4)),
    "wipe subnet 2":
        ("Kea 2.6 appends the deprecation warning to every lease4-wipe answer",
         text_suffix(WIPE_SUFFIX)),
    "wipe all":
        ("Kea 2.6 appends the deprecation warning to every lease4-wipe answer",
         text_suffix(WIPE_SUFFIX)),
    "wipe all, nothing left":
        ("Kea 2.6 appends the deprecation warning to every lease4-wipe answer",
         text_suffix(WIPE_SUFFIX)),
    "add: missing ip-address":
        ("no (<wire>:line:col) position suffix (Kahu's handlers see parsed arguments)",
         without_position),
    "add: missing hw-address":
        ("no (<wire>:line:col) position suffix (Kahu's handlers see parsed arguments)",
         without_position),
    "add: bad address":
        ("no (<wire>:line:col) position suffix (Kahu's handlers see parsed arguments)",
         without_position),
    "write":
        ("lease4-write is Kea 2.4+; 2.2 answers 2 (unsupported). Kahu writes the CSV",
         lease_write_26),
}

HW1, CID1 = "1a:1b:1c:1d:1e:1f", "01:1a:1b:1c:1d:1e:1f"
HW2, CID2 = "2a:2b:2c:2d:2e:2f", "ff:00:2a:2b"
EXPIRE = 1900000000  # explicit: cltt = expire - valid-lft must come back exactly

FULL = {"ip-address": "192.0.2.10", "subnet-id": 1, "hw-address": HW1, "client-id": CID1,
        "valid-lft": 4000, "expire": EXPIRE, "fqdn-fwd": True, "fqdn-rev": False,
        "hostname": "Host.One.EXAMPLE", "state": 0,
        "user-context": {"a": 1, "nested": {"list": [1, "two", None], "t": True}},
        "comment": "added by the golden test"}


def c(command, arguments=None):
    cmd = {"command": command}
    if arguments is not None:
        cmd["arguments"] = arguments
    return cmd


STEPS = [
    # Add, in every shape.
    ("add full", c("lease4-add", FULL)),
    ("add minimal, subnet from address", c("lease4-add", {"ip-address": "198.51.100.20",
                                                          "hw-address": HW2})),
    ("add declined, empty hw-address", c("lease4-add", {
        "ip-address": "192.0.2.11", "hw-address": "", "state": 1, "expire": EXPIRE,
        "valid-lft": 600})),
    ("add client-id only hw", c("lease4-add", {
        "ip-address": "192.0.2.12", "hw-address": HW2, "client-id": CID2, "subnet-id": 1,
        "expire": EXPIRE, "valid-lft": 7200, "hostname": "two.example", "fqdn-rev": True})),
    ("stat assigned subnet 1", c("statistic-get", {"name": "subnet[1].assigned-addresses"})),
    ("stat declined subnet 1", c("statistic-get", {"name": "subnet[1].declined-addresses"})),
    ("stat assigned subnet 2", c("statistic-get", {"name": "subnet[2].assigned-addresses"})),
    # Get, every form.
    ("get by address", c("lease4-get", {"ip-address": "192.0.2.10"})),
    ("get by address, minimal", c("lease4-get", {"ip-address": "198.51.100.20"})),
    ("get by address, declined", c("lease4-get", {"ip-address": "192.0.2.11"})),
    ("get by hw-address+subnet", c("lease4-get", {"identifier-type": "hw-address",
                                                  "identifier": HW1, "subnet-id": 1})),
    ("get by client-id+subnet", c("lease4-get", {"identifier-type": "client-id",
                                                 "identifier": CID1, "subnet-id": 1})),
    ("get by hw-address, wrong subnet", c("lease4-get", {"identifier-type": "hw-address",
                                                         "identifier": HW1, "subnet-id": 2})),
    ("get by identifier, no subnet-id", c("lease4-get", {"identifier-type": "hw-address",
                                                         "identifier": HW1})),
    ("get by duid", c("lease4-get", {"identifier-type": "duid", "identifier": CID1,
                                     "subnet-id": 1})),
    ("get missing", c("lease4-get", {"ip-address": "192.0.2.99"})),
    ("get without arguments", c("lease4-get")),
    ("get-all", c("lease4-get-all")),
    ("get-all subnets [2]", c("lease4-get-all", {"subnets": [2]})),
    ("get-all subnets [1, 2]", c("lease4-get-all", {"subnets": [1, 2]})),
    ("get-all subnets [3]", c("lease4-get-all", {"subnets": [3]})),
    ("get-by-hw-address", c("lease4-get-by-hw-address", {"hw-address": HW2})),
    ("get-by-hw-address none", c("lease4-get-by-hw-address", {"hw-address": "00:00:00:00:00:01"})),
    ("get-by-hw-address no argument", c("lease4-get-by-hw-address", {})),
    ("get-by-client-id", c("lease4-get-by-client-id", {"client-id": CID1})),
    ("get-by-client-id none", c("lease4-get-by-client-id", {"client-id": "01:02:03"})),
    ("get-by-hostname, upper case", c("lease4-get-by-hostname", {"hostname": "HOST.one.example"})),
    ("get-by-hostname none", c("lease4-get-by-hostname", {"hostname": "nobody"})),
    ("get-by-hostname empty", c("lease4-get-by-hostname", {"hostname": ""})),
    # Update: the whole record is replaced.
    ("update", c("lease4-update", {"ip-address": "192.0.2.10", "hw-address": HW1,
                                   "hostname": "Renamed", "valid-lft": 500, "expire": EXPIRE,
                                   "fqdn-fwd": False})),
    ("get after update", c("lease4-get", {"ip-address": "192.0.2.10"})),
    ("update, cltt now", c("lease4-update", {"ip-address": "192.0.2.12", "hw-address": HW2,
                                             "client-id": CID2, "subnet-id": 1,
                                             "user-context": {"x": "y"}})),
    ("get after update, cltt now", c("lease4-get", {"ip-address": "192.0.2.12"})),
    ("update missing, no force-create", c("lease4-update", {"ip-address": "192.0.2.20",
                                                            "hw-address": HW1})),
    ("update missing, force-create", c("lease4-update", {
        "ip-address": "192.0.2.20", "hw-address": "3a:3b:3c:3d:3e:3f", "force-create": True,
        "expire": EXPIRE, "hostname": "forced"})),
    ("get forced", c("lease4-get", {"ip-address": "192.0.2.20"})),
    ("add existing", c("lease4-add", {"ip-address": "192.0.2.10", "hw-address": HW1})),
    ("stat assigned after update", c("statistic-get", {"name": "subnet[1].assigned-addresses"})),
    # Argument errors.
    ("add: missing ip-address", c("lease4-add", {"hw-address": HW1})),
    ("add: missing hw-address", c("lease4-add", {"ip-address": "192.0.2.30"})),
    ("add: bad address", c("lease4-add", {"ip-address": "192.0.2.300", "hw-address": HW1})),
    ("add: unknown subnet-id", c("lease4-add", {"ip-address": "192.0.2.31", "hw-address": HW1,
                                                "subnet-id": 7})),
    ("add: address outside subnet", c("lease4-add", {"ip-address": "198.51.100.5",
                                                     "hw-address": HW1, "subnet-id": 1})),
    ("add: address in no subnet", c("lease4-add", {"ip-address": "10.0.0.1",
                                                   "hw-address": HW1})),
    ("get-page: limit 0", c("lease4-get-page", {"from": "start", "limit": 0})),
    ("get-page: limit string", c("lease4-get-page", {"from": "start", "limit": "x"})),
    ("get-page: limit -1", c("lease4-get-page", {"from": "start", "limit": -1})),
    ("get-page: no limit", c("lease4-get-page", {"from": "start"})),
    ("get-page: no from", c("lease4-get-page", {"limit": 10})),
    ("get-page: bad from", c("lease4-get-page", {"from": "bogus", "limit": 10})),
    # Paging.
    ("get-page start, 2", c("lease4-get-page", {"from": "start", "limit": 2})),
    ("get-page from .11, 2", c("lease4-get-page", {"from": "192.0.2.11", "limit": 2})),
    ("get-page from .20, 2", c("lease4-get-page", {"from": "192.0.2.20", "limit": 2})),
    ("get-page past the end", c("lease4-get-page", {"from": "198.51.100.20", "limit": 2})),
    # Delete.
    ("del by address", c("lease4-del", {"ip-address": "192.0.2.20"})),
    ("del by hw-address+subnet", c("lease4-del", {"identifier-type": "hw-address",
                                                  "identifier": HW2, "subnet-id": 2})),
    ("del by client-id+subnet", c("lease4-del", {"identifier-type": "client-id",
                                                 "identifier": CID2, "subnet-id": 1})),
    ("del missing", c("lease4-del", {"ip-address": "192.0.2.20"})),
    ("stat assigned after del", c("statistic-get", {"name": "subnet[1].assigned-addresses"})),
    ("get-all after del", c("lease4-get-all")),
    # DDNS is not configured.
    ("resend-ddns (DDNS off)", c("lease4-resend-ddns", {"ip-address": "192.0.2.10"})),
    ("resend-ddns missing (DDNS off)", c("lease4-resend-ddns", {"ip-address": "192.0.2.99"})),
    ("write", c("lease4-write", {"filename": "@TMP@/@SRV@-written.csv"})),
    # Wipe.
    ("add for wipe", c("lease4-add", {"ip-address": "198.51.100.21", "hw-address": HW2,
                                      "expire": EXPIRE})),
    ("wipe subnet 2", c("lease4-wipe", {"subnet-id": 2})),
    ("wipe all", c("lease4-wipe")),
    ("wipe all, nothing left", c("lease4-wipe")),
    ("get-all after wipe", c("lease4-get-all")),
    ("get-page after wipe", c("lease4-get-page", {"from": "start", "limit": 10})),
    ("stat assigned after wipe", c("statistic-get", {"name": "subnet[1].assigned-addresses"})),
    ("stat declined after wipe", c("statistic-get", {"name": "subnet[1].declined-addresses"})),
]


def send(sock, cmd):
    out = subprocess.run(["socat", "-t", "5", "-", "UNIX-CONNECT:" + sock],
                         input=json.dumps(cmd).encode(), capture_output=True, timeout=15)
    text = out.stdout.decode()
    try:
        return json.loads(text)
    except ValueError:
        return {"unparsable answer": text}


def normalise(value, srv):
    """cltt close to now -> "<now>"; statistic sample timestamps -> "<time>"; paths -> <file>."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "cltt" and isinstance(v, int) and abs(v - NOW) < 120:
                out[k] = "<now>"
            else:
                out[k] = normalise(v, srv)
        return out
    if isinstance(value, list):
        # statistic-get samples [[value, "timestamp"], ...]: only the current value counts (how
        # many samples a server keeps is not the lease commands' business).
        if value and isinstance(value[0], list) and len(value[0]) == 2 and \
                isinstance(value[0][1], str) and value[0][1][:2] == "20":
            return value[0][0]
        return [normalise(v, srv) for v in value]
    if isinstance(value, str):
        return value.replace(f"{TMP}/{srv}-written.csv", "<file>")
    return value


def instantiate(cmd, srv):
    return json.loads(json.dumps(cmd).replace("@TMP@", TMP).replace("@SRV@", srv))


def main():
    failed = 0
    print("%-36s | %-10s | %-11s | %s" % ("step", "Kea result", "Kahu result", "equal"))
    print("-" * 36 + "-+-" + "-" * 10 + "-+-" + "-" * 11 + "-+-" + "-" * 6)
    for label, cmd in STEPS:
        kea = normalise(send(KEA_SOCK, instantiate(cmd, "kea")), "kea")
        kahu = normalise(send(KAHU_SOCK, instantiate(cmd, "kahu")), "kahu")
        if cmd["command"].startswith("lease4-get-by-"):  # order across subnets: not specified
            for a in (kea, kahu):
                if isinstance(a.get("arguments"), dict) and \
                        isinstance(a["arguments"].get("leases"), list):
                    a["arguments"]["leases"].sort(key=lambda l: str(l.get("ip-address")))
        expected = json.loads(json.dumps(kea))
        note = ""
        if label in ALLOWED:
            expected = ALLOWED[label][1](expected)
            note = " (2.6: allowed)"
        ok = kahu == expected
        print("%-36s | %-10s | %-11s | %s" % (label, kea.get("result"), kahu.get("result"),
                                              ("yes" if ok else "NO") + note))
        if not ok or VERBOSE:
            print("    sent:     " + json.dumps(cmd))
            print("    Kea:      " + json.dumps(kea, sort_keys=True))
            if label in ALLOWED:
                print("    expected: " + json.dumps(expected, sort_keys=True))
            print("    Kahu:     " + json.dumps(kahu, sort_keys=True))
        failed += not ok
    # lease4-write: Kahu's file must be a memfile CSV holding what get-all said was there.
    written = os.path.join(TMP, "kahu-written.csv")
    if os.path.exists(written):
        with open(written) as f:
            rows = f.read().splitlines()
        ok = bool(rows) and rows[0].startswith("address,hwaddr,client_id,valid_lifetime,expire")
        addrs = sorted(r.split(",")[0] for r in rows[1:])
        ok = ok and addrs == ["192.0.2.10", "192.0.2.11"]
        print("%-36s | %-10s | %-11s | %s" % ("lease4-write file", "-", len(rows) - 1,
                                              "yes" if ok else "NO"))
        if not ok:
            print("    " + "\n    ".join(rows[:5]))
        failed += not ok
    else:
        print("lease4-write file: Kahu wrote no %s" % written)
        failed += 1
    print("%d of %d steps differ" % (failed, len(STEPS) + 1))
    return 1 if failed else 0


sys.exit(main())
