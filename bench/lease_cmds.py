#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""lease_cmds figure of bench/run (--lease-cmds): lease4-get-all and a full lease4-get-page walk
over a large lease file, Kahu + its libdhcp_lease_cmds.so beside Kea 2.2 + Debian's, in the same
run (one server at a time, same CSV, same config except paths). See bench/README.md.

No namespaces: "interfaces": [] opens no DHCP socket; commands go over the unix control socket.
Python 3 standard library only.
"""

import argparse
import datetime
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
KEA_LIB = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"
HEADER = ("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,"
          "hostname,state,user_context")  # Kea 2.2's; Kahu reads it too


def log(msg):
    print(f"[bench lease_cmds {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def write_csv(path, n):
    """n distinct unexpired leases in 10.0.0.0/8, subnet 10, with host names (as a real
    deployment's leases have), in address order."""
    now = int(time.time())
    with open(path, "w") as f:
        f.write(HEADER + "\n")
        buf = []
        for i in range(n):
            a = 0x0A000001 + i
            mac = f"02:6c:{(i >> 24) & 255:02x}:{(i >> 16) & 255:02x}:{(i >> 8) & 255:02x}:{i & 255:02x}"
            buf.append(f"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255},{mac},01:{mac},"
                       f"86400,{now + 43200 + (i % 43200)},10,0,0,host-{i},0,\n")
            if len(buf) >= 50000:
                f.writelines(buf)
                buf = []
        f.writelines(buf)


def config(tag, workdir, lib, leases):
    return {"Dhcp4": {
        "interfaces-config": {"interfaces": []},
        "control-socket": {"socket-type": "unix", "socket-name": f"{workdir}/{tag}.sock"},
        "lease-database": {"type": "memfile", "persist": True, "name": leases,
                           "lfc-interval": 0},
        "valid-lifetime": 86400,
        "hooks-libraries": [{"library": lib}],
        "subnet4": [{"id": 10, "subnet": "10.0.0.0/8",
                     "pools": [{"pool": "10.0.0.1 - 10.255.255.254"}]}],
        "loggers": [{"name": "kea-dhcp4", "severity": "WARN",
                     "output_options": [{"output": f"{workdir}/{tag}.log"}]}],
    }}


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) * 1024
    return out


def cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_hwm(pid):
    """Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0)."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def command(sock_path, cmd, timeout=600):
    """One command on a fresh connection (Kea's framing: one JSON text, answer until EOF)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(sock_path)
    s.sendall(json.dumps(cmd).encode())
    chunks = []
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        chunks.append(b)
    s.close()
    return b"".join(chunks)


class Server:
    def __init__(self, label, binary, lib, workdir, csv_src):
        self.label, self.binary, self.lib, self.workdir = label, binary, lib, workdir
        self.tag = label.lower()
        self.leases = os.path.join(workdir, f"{self.tag}-leases4.csv")
        shutil.copyfile(csv_src, self.leases)
        self.sock = os.path.join(workdir, f"{self.tag}.sock")
        self.conf = os.path.join(workdir, f"{self.tag}.conf")
        with open(self.conf, "w") as f:
            json.dump(config(self.tag, workdir, lib, self.leases), f, indent=1)
        self.proc = None

    def start(self, deadline=600):
        env = dict(os.environ, KEA_PIDFILE_DIR=self.workdir, KEA_LOCKFILE_DIR=self.workdir,
                   KAHU_PIDFILE_DIR=self.workdir, KAHU_CONTROL_SOCKET_DIR=self.workdir,
                   KAHU_DHCP_DATA_DIR=self.workdir, KAHU_LOG_FILE_DIR=self.workdir,
                   KAHU_HOOKS_PATH=os.path.dirname(self.lib))
        t0 = time.monotonic()
        self.out = open(os.path.join(self.workdir, f"{self.tag}.out"), "w")
        self.proc = subprocess.Popen([self.binary, "-c", self.conf], env=env,
                                     stdout=self.out, stderr=subprocess.STDOUT)
        while time.monotonic() - t0 < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited during start-up (see {self.out.name})")
            if os.path.exists(self.sock):
                try:
                    a = json.loads(command(self.sock, {"command": "list-commands"}, 5))
                    if "lease4-get-all" not in a.get("arguments", []):
                        raise RuntimeError(f"{self.label}: lease_cmds not loaded ({self.lib})")
                    return time.monotonic() - t0
                except (OSError, ValueError):
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.label} did not answer within {deadline} s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def measure(srv, n, limit, repeat):
    """Over repeat runs: get-all and the page walk, each with wall time, server CPU and answer
    bytes (medians), the RSS before the first command, and the largest rise of the server's
    peak RSS above its RSS before a command."""
    pid = srv.proc.pid
    runs = []
    for r in range(repeat):
        row = {}
        # lease4-get-all
        before = proc_status(pid)["VmRSS"]
        reset_hwm(pid)
        c0, t0 = cpu_s(pid), time.monotonic()
        answer = command(srv.sock, {"command": "lease4-get-all"})
        row["all_s"] = time.monotonic() - t0
        row["all_cpu_s"] = cpu_s(pid) - c0
        row["all_bytes"] = len(answer)
        row["all_peak_extra"] = proc_status(pid)["VmHWM"] - before
        row["rss_loaded"] = before
        count = answer.count(b'"ip-address"')
        row["all_leases"] = count
        if count != n:  # a figure too (Kea 2.2 cuts long answers off), but say it loudly
            log(f"  {srv.label}: lease4-get-all returned {count} of {n} leases"
                f" ({len(answer)} bytes, ends {answer[-80:]!r}); see {srv.tag}.log")
        del answer
        # lease4-get-page walk
        before = proc_status(pid)["VmRSS"]
        reset_hwm(pid)
        c0, t0 = cpu_s(pid), time.monotonic()
        start, total, pages, nbytes = "start", 0, 0, 0
        while True:
            raw = command(srv.sock, {"command": "lease4-get-page",
                                     "arguments": {"from": start, "limit": limit}})
            nbytes += len(raw)
            a = json.loads(raw)
            if a["result"] != 0:
                break
            leases = a["arguments"]["leases"]
            total += len(leases)
            pages += 1
            start = leases[-1]["ip-address"]
        row["page_s"] = time.monotonic() - t0
        row["page_cpu_s"] = cpu_s(pid) - c0
        row["page_bytes"] = nbytes
        row["page_peak_extra"] = proc_status(pid)["VmHWM"] - before
        row["pages"] = pages
        if total != n or a["result"] != 3:
            raise RuntimeError(f"{srv.label}: page walk saw {total} leases, not {n}, ended {a}")
        log(f"  {srv.label} run {r + 1}: get-all {row['all_s']:.2f} s"
            f" ({row['all_bytes'] / 2**20:.0f} MiB, peak +{row['all_peak_extra'] / 2**20:.0f} MiB),"
            f" {pages} pages {row['page_s']:.2f} s (peak +{row['page_peak_extra'] / 2**20:.1f} MiB)")
        runs.append(row)
    med = {k: statistics.median(x[k] for x in runs) for k in runs[0]}
    # Memory is not a median: the allocator keeps what the first get-all took, so later runs
    # start higher and rise less. Loaded = before any command; peak = the highest of the runs.
    med["rss_loaded"] = runs[0]["rss_loaded"]
    for k in ("all_peak_extra", "page_peak_extra"):
        med[k] = max(x[k] for x in runs)
    med["runs"] = runs
    return med


ROWS = [  # key, label, unit scale, unit, digits
    ("load_s", "start-up with the file (until the socket answers)", 1, "s", 2),
    ("rss_loaded", "RSS with the leases loaded", 2**20, "MiB", 0),
    ("all_s", "lease4-get-all: time to the last byte", 1, "s", 2),
    ("all_cpu_s", "lease4-get-all: server CPU", 1, "s", 2),
    ("all_peak_extra", "lease4-get-all: peak RSS above loaded (max)", 2**20, "MiB", 0),
    ("all_bytes", "lease4-get-all: answer size", 2**20, "MiB", 1),
    ("all_leases", "lease4-get-all: leases in the answer", 1, "count", 0),
    ("page_s", "lease4-get-page walk: total time", 1, "s", 2),
    ("page_cpu_s", "lease4-get-page walk: server CPU", 1, "s", 2),
    ("page_peak_extra", "lease4-get-page walk: peak RSS above loaded (max)", 2**20, "MiB", 1),
    ("page_bytes", "lease4-get-page walk: bytes of all answers", 2**20, "MiB", 1),
]


def report(results, n, limit):
    kahu, kea = results.get("kahu"), results.get("kea")
    print(f"\nlease_cmds over {n:,} leases (get-page limit {limit}); Kahu/Kea < 1 = Kahu better")
    print(f"{'figure':<54} {'Kahu':>10} {'Kea 2.2':>10} {'Kahu/Kea':>9}")
    for key, label, scale, unit, nd in ROWS:
        def v(d):
            return None if not d or d.get(key) is None else d[key] / scale
        a, b = v(kahu), v(kea)
        fa = "n/a" if a is None else f"{a:.{nd}f}"
        fb = "n/a" if b is None else f"{b:.{nd}f}"
        ratio = "n/a" if a is None or not b else f"{a / b:.2f}"
        print(f"{label + ' [' + unit + ']':<54} {fa:>10} {fb:>10} {ratio:>9}")
    for label, d in (("Kahu", kahu), ("Kea", kea)):
        if d and d.get("all_leases") is not None and d["all_leases"] != n:
            print(f"!! {label}: lease4-get-all answer INCOMPLETE: {int(d['all_leases']):,} of"
                  f" {n:,} leases before the server closed the connection")
    if kea and kea.get("pages"):
        print(f"(pages: {int(kea['pages'])}; Kea's largest accepted limit is 4294967295)")


def main(argv=None):
    kb = os.environ.get("KAHU_BUILD", os.path.join(REPO, "build"))
    ap = argparse.ArgumentParser(prog="bench/run --lease-cmds", description=__doc__)
    ap.add_argument("--leases", type=int, default=1000000)
    ap.add_argument("--quick", action="store_true", help="100,000 leases, 1 run")
    ap.add_argument("--full", action="store_true", help="(as the default here)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=1000, help="lease4-get-page limit")
    ap.add_argument("--kahu", default=os.path.join(kb, "core", "kahu-dhcp4"))
    ap.add_argument("--kahu-lib", default=os.path.join(kb, "hooks-lib", "libdhcp_lease_cmds.so"))
    ap.add_argument("--kea", default="/usr/sbin/kea-dhcp4")
    ap.add_argument("--kea-lib", default=KEA_LIB)
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    ap.add_argument("--keep", action="store_true")
    args, _ = ap.parse_known_args(argv)
    if args.quick:
        args.leases, args.repeat = 100000, 1
    for p in (args.kea, args.kea_lib):
        if not os.path.exists(p):
            sys.exit(f"missing {p}")
    servers = [("Kea", args.kea, args.kea_lib)]
    if os.access(args.kahu, os.X_OK) and os.path.exists(args.kahu_lib):
        servers.insert(0, ("Kahu", os.path.abspath(args.kahu), os.path.abspath(args.kahu_lib)))
    else:
        log(f"Kahu or its library missing ({args.kahu}, {args.kahu_lib}): Kahu column n/a")
    workdir = tempfile.mkdtemp(prefix="kahu-bench-lease-cmds-")
    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
               "leases": args.leases, "limit": args.limit, "repeat": args.repeat,
               "loadavg_at_start": open("/proc/loadavg").read().split()[:3]}
    rc = 0
    try:
        src = os.path.join(workdir, "leases.csv")
        t = time.monotonic()
        write_csv(src, args.leases)
        log(f"wrote {args.leases:,} leases ({os.path.getsize(src) >> 20} MiB) in"
            f" {time.monotonic() - t:.1f} s; load average {results['loadavg_at_start']}")
        for label, binary, lib in servers:
            srv = Server(label, binary, lib, workdir, src)
            try:
                load_s = srv.start()
                log(f"{label} answering after {load_s:.2f} s")
                r = measure(srv, args.leases, args.limit, args.repeat)
                r["load_s"] = load_s
                results[label.lower()] = r
            finally:
                srv.stop()
            os.unlink(srv.leases)
    except (RuntimeError, OSError, ValueError) as e:
        log(f"error: {e}")
        rc = 1
    finally:
        if args.keep or rc:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report(results, args.leases, args.limit)
    os.makedirs(args.results, exist_ok=True)
    path = os.path.join(args.results, datetime.datetime.now().strftime(
        "lease-cmds-%Y-%m-%dT%H%M%S") + ".json")
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nresults: {path}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
