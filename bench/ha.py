#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""HA figure of bench/run (--ha): a pair of Kahu servers with libdhcp_lease_cmds.so +
libdhcp_ha.so beside a pair of Kea 2.2 servers with Debian's, in load-balancing and in
hot-standby, under the same relayed perfdhcp load, and in load-balancing a mixed pair (Kahu
as dhcp1/primary, Kea 2.2 as dhcp2/secondary). After every load-balancing run the two lease
files are compared (tests/integration/lib/lease_duplicates.py): addresses both servers hold
live for different clients, and, from a capture of the answers, addresses DHCPACKed to two
clients (issue 19). See bench/README.md ("HA").

Topology (namespaces created here, removed on exit): two server namespaces (ens18 =
172.18.20.20 / .21) and a relay namespace on one bridge (br20, 172.18.20.1); the generator
namespace reaches the relay's downstream link (172.18.30.0/24) and sits on the bridge too
(172.18.20.2). perfdhcp sends relayed packets (giaddr 172.18.10.254, its own address) to
dhcrelay, which forwards every one to both servers, as Oasis's firewall does; the servers
answer the giaddr straight over the bridge. Peers talk over the dedicated HA listener
(port 8001), which Kea 2.2 supports with multi-threading. Python 3 standard library only.
"""

import argparse
import datetime
import importlib.machinery
import importlib.util
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
KEA_HOOKS = "/usr/lib/x86_64-linux-gnu/kea/hooks"
SERVERS = {"dhcp1": "172.18.20.20", "dhcp2": "172.18.20.21"}
RELAY_UP = "172.18.20.1"
RELAY_DOWN = "172.18.30.1"
GEN_BRIDGE = "172.18.20.2"
GEN_DOWN = "172.18.30.2"
GIADDR = "172.18.10.254"
DROP_LIMIT = 2.5  # percent, as bench/run (a)
TARGET_RATIO = 3.0  # issue 7: Kahu pair >= 3x Kea pair
PAIR_KINDS = {"kahu": ("kahu", "kahu"), "kea": ("kea", "kea"), "mixed": ("kahu", "kea")}
PAIR_NAMES = {"kahu": "Kahu + Kahu", "kea": "Kea 2.2 + Kea 2.2",
              "mixed": "Kahu (primary) + Kea 2.2"}


def _bench_run():
    """bench/run as a module (its perfdhcp parsing and /proc helpers)."""
    loader = importlib.machinery.SourceFileLoader("kahu_bench_run", os.path.join(HERE, "run"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


br = _bench_run()
sys.path.insert(0, os.path.join(REPO, "tests", "integration", "lib"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import lease_duplicates  # noqa: E402  (tests/integration/lib, standard library only)


def log(msg):
    print(f"[bench ha {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def sh(*args):
    subprocess.run(args, check=True)


class Lab:
    """srv1, srv2, relay and generator namespaces; removed by close()."""

    def __init__(self):
        t = str(os.getpid())
        self.ns = {r: f"kbha-{r}-{t}" for r in ("s1", "s2", "rly", "gen")}
        self.up = False
        self.relay = None

    def create(self):
        self.up = True
        t = str(os.getpid())[-6:]
        for ns in self.ns.values():
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        rly, gen = self.ns["rly"], self.ns["gen"]
        sh("ip", "-n", rly, "link", "add", "br20", "type", "bridge")
        sh("ip", "-n", rly, "addr", "add", f"{RELAY_UP}/24", "dev", "br20")
        sh("ip", "-n", rly, "link", "set", "br20", "up")

        def port(ns, name_in_ns, tag, addr):
            a, b = f"kh{tag}{t}", f"kb{tag}{t}"
            sh("ip", "link", "add", a, "type", "veth", "peer", "name", b)
            sh("ip", "link", "set", a, "netns", ns)
            sh("ip", "link", "set", b, "netns", rly)
            sh("ip", "-n", ns, "link", "set", a, "name", name_in_ns)
            sh("ip", "-n", ns, "addr", "add", addr, "dev", name_in_ns)
            sh("ip", "-n", ns, "link", "set", name_in_ns, "up")
            sh("ip", "-n", rly, "link", "set", b, "master", "br20")
            sh("ip", "-n", rly, "link", "set", b, "up")

        port(self.ns["s1"], "ens18", "1", f"{SERVERS['dhcp1']}/24")
        port(self.ns["s2"], "ens18", "2", f"{SERVERS['dhcp2']}/24")
        port(gen, "up0", "g", f"{GEN_BRIDGE}/24")
        for s in ("s1", "s2"):
            sh("ip", "-n", self.ns[s], "route", "add", "172.18.10.0/24", "via", GEN_BRIDGE)
        # The generator's requests go to dhcrelay over their own link.
        a, b = f"khd{t}", f"kbd{t}"
        sh("ip", "link", "add", a, "type", "veth", "peer", "name", b)
        sh("ip", "link", "set", a, "netns", gen)
        sh("ip", "link", "set", b, "netns", rly)
        sh("ip", "-n", gen, "link", "set", a, "name", "down0")
        sh("ip", "-n", gen, "addr", "add", f"{GEN_DOWN}/24", "dev", "down0")
        sh("ip", "-n", gen, "addr", "add", f"{GIADDR}/32", "dev", "down0")
        sh("ip", "-n", gen, "link", "set", "down0", "up")
        sh("ip", "-n", rly, "link", "set", b, "name", "down0")
        sh("ip", "-n", rly, "addr", "add", f"{RELAY_DOWN}/24", "dev", "down0")
        sh("ip", "-n", rly, "link", "set", "down0", "up")
        for k in ("all", "default", "up0", "down0"):
            sh("ip", "netns", "exec", gen, "sysctl", "-qw", f"net.ipv4.conf.{k}.rp_filter=0")
        self.relay = subprocess.Popen(
            ["ip", "netns", "exec", rly, "dhcrelay", "-4", "-d", "-q", "-id", "down0", "-iu",
             "br20", *SERVERS.values()], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        if self.relay.poll() is not None:
            raise RuntimeError("dhcrelay exited")

    def close(self):
        if not self.up:
            return
        if self.relay and self.relay.poll() is None:
            self.relay.kill()
            self.relay.wait()
        for ns in self.ns.values():
            r = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True)
            for pid in r.stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        self.up = False


def make_config(impl, mode, name, lease_file, log_file, sock, pool, args):
    kea = impl == "kea"
    lib = (lambda n: os.path.join(KEA_HOOKS, n)) if kea else (lambda n: n)
    roles = ("primary", "secondary" if mode == "load-balancing" else "standby")
    ha = {
        "this-server-name": name,
        "mode": mode,
        "heartbeat-delay": 2000,
        "max-response-delay": 10000,
        "max-ack-delay": 5000,
        "max-unacked-clients": 10,
        "multi-threading": {"enable-multi-threading": True, "http-dedicated-listener": True,
                            "http-listener-threads": 0, "http-client-threads": 0},
        "peers": [{"name": n, "url": f"http://{a}:8001/", "role": r, "auto-failover": True}
                  for (n, a), r in zip(SERVERS.items(), roles)],
    }
    d = {
        "interfaces-config": {"interfaces": ["ens18"], "dhcp-socket-type": "udp"},
        "multi-threading": {"enable-multi-threading": True, "thread-pool-size": args.threads,
                            "packet-queue-size": args.queue},
        "control-socket": {"socket-type": "unix", "socket-name": sock},
        "lease-database": {"type": "memfile", "name": lease_file, "persist": True,
                           "lfc-interval": 3600},
        "valid-lifetime": 3600, "renew-timer": 1800, "rebind-timer": 3150,
        "option-data": [{"name": "domain-name-servers", "data": "172.18.20.1"}],
        "subnet4": [{"id": 10, "subnet": "10.0.0.0/8", "pools": [{"pool": pool}],
                     "option-data": [{"name": "routers", "data": GIADDR}],
                     "relay": {"ip-addresses": [GIADDR]}}],
        "hooks-libraries": [{"library": lib("libdhcp_lease_cmds.so")},
                            {"library": lib("libdhcp_ha.so"),
                             "parameters": {"high-availability": [ha]}}],
        "loggers": [{"name": "kea-dhcp4",
                     ("output_options" if kea else "output-options"): [{"output": log_file}],
                     "severity": "WARN", "debuglevel": 0}],
    }
    return {"Dhcp4": d}


def command(sock, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(sock)
        s.sendall(json.dumps({"command": cmd}).encode())
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
            try:
                return json.loads(buf)
            except ValueError:
                continue
        return json.loads(buf)
    finally:
        s.close()


class Pair:
    """Two servers in one HA mode, started fresh for every run. impl: "kahu" or "kea" (both
    servers), or "mixed" (Kahu as dhcp1, the primary; Kea as dhcp2)."""

    def __init__(self, lab, impl, mode, workdir, args):
        self.lab, self.impl, self.mode, self.args = lab, impl, mode, args
        self.kinds = dict(zip(SERVERS, PAIR_KINDS[impl]))
        self.label = f"{impl} {mode}"
        self.workdir = workdir
        self.procs = {}

    def start(self, pool, deadline=90.0):
        d = tempfile.mkdtemp(prefix=f"{self.impl}-", dir=self.workdir)
        self.dir = d
        self.socks = {}
        for (name, _), ns in zip(SERVERS.items(), ("s1", "s2")):
            kind = self.kinds[name]
            env = dict(os.environ, KEA_PIDFILE_DIR=d, KEA_LOCKFILE_DIR=d)
            if kind == "kahu":
                # Kahu confines lease, log and socket files to its directories
                # (docs/compatibility.md, "File paths and modes"): this run's directory.
                env.update(KAHU_HOOKS_PATH=self.args.kahu_hooks, KAHU_CONTROL_SOCKET_DIR=d,
                           KAHU_DHCP_DATA_DIR=d, KAHU_LOG_FILE_DIR=d)
            sock = os.path.join(d, f"{name}.sock")
            cfg = os.path.join(d, f"{name}.json")
            with open(cfg, "w") as f:
                json.dump(make_config(kind, self.mode, name,
                                      os.path.join(d, f"{name}-leases4.csv"),
                                      os.path.join(d, f"{name}.log"), sock, pool, self.args),
                          f, indent=1)
            out = open(os.path.join(d, f"{name}.out"), "w")
            binary = self.args.kahu if kind == "kahu" else self.args.kea
            self.procs[name] = subprocess.Popen(
                ["ip", "netns", "exec", self.lab.ns[ns], binary, "-c", cfg], env=env,
                stdout=out, stderr=subprocess.STDOUT)
            out.close()
            self.socks[name] = sock
        want = "load-balancing" if self.mode == "load-balancing" else "hot-standby"
        end = time.monotonic() + deadline
        states = {}
        while time.monotonic() < end:
            for name, p in self.procs.items():
                if p.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"{self.label}: {name} exited; see {d}")
                try:
                    states[name] = command(self.socks[name], "ha-heartbeat")["arguments"]["state"]
                except (OSError, ValueError, KeyError, TypeError):
                    states[name] = "?"
            if all(s == want for s in states.values()):
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"{self.label}: pair not in {want} after {deadline}s: {states}; see {d}")

    def cpu_ticks(self):
        return sum(br.proc_cpu_ticks(p.pid) for p in self.procs.values())

    def stop(self):
        for p in self.procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs.values():
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = {}

    def duplicates(self, acks=None):
        """lease_duplicates.compare() of the last run's two lease files (after stop()), with
        the ACKs of a capture of the answers when given."""
        a, b = (os.path.join(self.dir, f"{n}-leases4.csv") for n in SERVERS)
        if not (os.path.exists(a) and os.path.exists(b)):
            return None
        return lease_duplicates.compare(a, b, acks=acks)


def start_capture(lab, path):
    """tcpdump in the generator namespace on up0, where every answer arrives (the servers
    send them to the giaddr over the bridge). Returns the process."""
    err = path + ".log"
    p = subprocess.Popen(["ip", "netns", "exec", lab.ns["gen"], "tcpdump", "-i", "up0", "-n",
                          "-B", "16384", "-w", path, "udp src port 67 and udp dst port 67"],
                         stdout=subprocess.DEVNULL, stderr=open(err, "w"))
    end = time.monotonic() + 5
    while time.monotonic() < end:
        with open(err) as f:
            if "listening on" in f.read():
                return p
        if p.poll() is not None:
            break
        time.sleep(0.1)
    p.kill()
    p.wait()
    raise RuntimeError(f"tcpdump did not start; see {err}")


def stop_capture(p):
    time.sleep(0.3)  # the last answers
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def perf_run(lab, pair, rate, args):
    need = int(2 * rate * args.duration) + 1000
    pool, size, _ = br.pool_for(need)
    pair.start(pool)
    capture = None
    pcap = os.path.join(pair.dir, "answers.pcap")
    try:
        if pair.mode == "load-balancing" and args.ack_capture:
            capture = start_capture(lab, pcap)
        cmd = ["ip", "netns", "exec", lab.ns["gen"], args.perfdhcp, "-4", "-l", GIADDR, "-r",
               str(rate), "-R", str(size), "-p", str(args.duration), RELAY_DOWN]
        c0 = pair.cpu_ticks()
        t0 = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60)
        wall = time.monotonic() - t0
        c1 = pair.cpu_ticks()
    finally:
        if capture:
            stop_capture(capture)
        pair.stop()
    dup = pair.duplicates(pcap if capture else None)
    if capture and not args.keep:
        os.unlink(pcap)  # up to tens of MB per run
    if r.returncode not in (0, 3):
        raise RuntimeError(f"perfdhcp failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    st = br.parse_perfdhcp(r.stdout)
    sent = st["discover_sent"]
    st.update(rate=rate, duration=args.duration, wall_s=round(wall, 2))
    st["drop_pct"] = 100.0 * (1 - st["ack_rcvd"] / sent) if sent else 100.0
    st["gen_send_short"] = sent < 0.95 * rate * args.duration
    st["cpu_s"] = (c1 - c0) / br.CLK_TCK
    st["cpu_us_per_ack"] = 1e6 * st["cpu_s"] / st["ack_rcvd"] if st["ack_rcvd"] else None
    st["ok"] = st["drop_pct"] <= DROP_LIMIT and not st["gen_send_short"]
    # Addresses live on both servers for different clients (None: a lease file is missing,
    # or, for the ACKs, no capture) and addresses DHCPACKed to two clients.
    st["duplicates"] = dup["duplicates"] if dup else None
    st["ack_duplicates"] = dup.get("ack_duplicates") if dup else None
    if dup:
        st["lease_check"] = {k: dup[k] for k in (
            "live", "live_on_both_same_client", "live_only_on", "history_overwrites")}
        st["duplicate_addresses"] = [d["address"] for d in dup["duplicate_addresses"][:20]]
        if "acks" in dup:
            st["lease_check"]["captured_acks"] = dup["acks"]
            st["ack_duplicate_addresses"] = [
                d["address"] for d in dup["ack_duplicate_addresses"][:20]]
    log(f"  {pair.label:>22} {rate:>6}/s x{args.duration}s: DISCOVER {sent}, ACK"
        f" {st['ack_rcvd']}, drops {st['drop_pct']:.2f} %, pair CPU {st['cpu_s']:.2f} s"
        + (f" = {st['cpu_us_per_ack']:.1f} us/ACK" if st["cpu_us_per_ack"] else "")
        + f", duplicates {br.fmt(st['duplicates'], 0)}"
        + (f", ACKed twice {st['ack_duplicates']}" if st["ack_duplicates"] is not None else "")
        + (" PASS" if st["ok"] else " FAIL"))
    return st


def rate_ok(lab, pair, rate, args, steps):
    res = [perf_run(lab, pair, rate, args) for _ in range(args.repeat)]
    ok = sum(r["ok"] for r in res) * 2 > len(res)
    steps.append({"rate": rate, "ok": ok, "runs": res})
    return ok


def max_rate(lab, pair, args):
    """Doubling from --start-rate until a rate fails, then bisection to --precision."""
    steps, lo, hi, r = [], 0, None, args.start_rate
    while hi is None and r <= args.max_rate:
        if rate_ok(lab, pair, r, args, steps):
            lo, r = r, r * 2
        else:
            hi = r
    if lo == 0 and hi is not None:
        r = hi
        while r > 100 and lo == 0:
            r //= 2
            if rate_ok(lab, pair, r, args, steps):
                lo = r
            else:
                hi = r
    while hi is not None and lo and (hi - lo) > args.precision * lo:
        mid = int(round((lo + hi) / 2, -1))
        if mid in (lo, hi):
            break
        if rate_ok(lab, pair, mid, args, steps):
            lo = mid
        else:
            hi = mid
    return {"max_rate": lo, "first_failing_rate": hi, "steps": steps,
            "duplicates": duplicates_of(steps, lo)}


def duplicates_of(steps, max_rate):
    """Duplicate addresses of a max-rate search, for the lease files ("duplicates") and the
    captured ACKs ("ack_duplicates"): the worst run at the saturated rate (the highest rate
    that passed) and the worst run of the whole search, with its rate."""
    out = {}
    for key, pre in (("duplicates", ""), ("ack_duplicates", "ack_")):
        at = [r[key] for s in steps if s["rate"] == max_rate for r in s["runs"]
              if r.get(key) is not None]
        runs = [(r[key], s["rate"]) for s in steps for r in s["runs"] if r.get(key) is not None]
        worst = max(runs) if runs else (None, None)
        out.update({f"{pre}at_max_rate": max(at) if at else None, f"{pre}at_max_rate_runs": at,
                    f"{pre}worst": worst[0], f"{pre}worst_rate": worst[1]})
    return out


def cpu_at(lab, pairs, rate, args):
    per = {p.label: [] for p in pairs}
    for _ in range(args.repeat):
        for p in pairs:  # interleaved so noise hits both
            per[p.label].append(perf_run(lab, p, rate, args))
    out = {}
    for label, res in per.items():
        vals = [r["cpu_us_per_ack"] for r in res if r["cpu_us_per_ack"]]
        out[label] = {"cpu_us_per_exchange": statistics.median(vals) if vals else None,
                      "median_drop_pct": statistics.median(r["drop_pct"] for r in res),
                      "runs": res}
    return out


def worst_text(n, rate):
    """"12 at 1,000/s"; "0" when no run had any; "n/a" without a figure."""
    return br.fmt(n, 0) if not n else f"{br.fmt(n, 0)} at {br.fmt(rate, 0)}/s"


def dup_table(rows, cpu_rate):
    """Load-balancing pairs side by side: rate, CPU and duplicate addresses (issue 19)."""
    head = ["load-balancing pair", "max rate [DORA/s]", f"CPU at {cpu_rate}/s [us/exch]",
            "dup. leases / ACKed twice at max rate", "worst run of the search (same)",
            "no duplicates"]
    w = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    out = ["  ".join(str(c).ljust(w[i]) if i == 0 else str(c).rjust(w[i])
                     for i, c in enumerate(r)) for r in [head] + rows]
    out.insert(1, "-" * len(out[0]))
    return "\n".join(out)


def main(argv):
    ap = argparse.ArgumentParser(prog="bench/run --ha",
                                 description="HA pairs: Kahu vs Kea 2.2 with perfdhcp.")
    kb = os.environ.get("KAHU_BUILD", os.path.join(REPO, "build"))
    ap.add_argument("--kahu", default=os.path.join(kb, "core", "kahu-dhcp4"))
    ap.add_argument("--kahu-hooks", default=os.path.join(kb, "hooks-lib"),
                    help="directory with Kahu's libdhcp_ha.so and libdhcp_lease_cmds.so")
    ap.add_argument("--kea", default="/usr/sbin/kea-dhcp4")
    ap.add_argument("--perfdhcp", default="/usr/sbin/perfdhcp")
    ap.add_argument("--modes", default="load-balancing,hot-standby")
    ap.add_argument("--pairs", default="kahu,kea,mixed",
                    help="pairs to run: kahu, kea, mixed (Kahu primary + Kea secondary; "
                         "load-balancing only)")
    ap.add_argument("--no-ack-capture", dest="ack_capture", action="store_false",
                    help="load-balancing: do not capture the answers (no ACKed-twice count)")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="5 s x 1 run, 15 %% precision")
    ap.add_argument("--cpu-rate", type=int, default=100,
                    help="rate for the CPU figure (one both pairs sustain here)")
    ap.add_argument("--start-rate", type=int, default=1000)
    ap.add_argument("--max-rate", type=int, default=64000)
    ap.add_argument("--precision", type=float, default=0.1)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--queue", type=int, default=64)
    ap.add_argument("--keep", action="store_true", help="keep configs and logs")
    args = ap.parse_args(argv)
    if args.quick:
        args.duration, args.repeat, args.precision = 5, 1, 0.15
    if os.geteuid() != 0:
        sys.exit("bench/run --ha needs root (network namespaces)")
    for need in (args.kea, args.perfdhcp, shutil.which("dhcrelay") or "/nonexistent",
                 os.path.join(KEA_HOOKS, "libdhcp_ha.so"),
                 (shutil.which("tcpdump") or "/nonexistent/tcpdump") if args.ack_capture else "/"):
        if not os.path.exists(need):
            sys.exit(f"missing: {need}")
    have_kahu = os.path.exists(args.kahu) and all(
        os.path.exists(os.path.join(args.kahu_hooks, n))
        for n in ("libdhcp_ha.so", "libdhcp_lease_cmds.so"))
    workdir = tempfile.mkdtemp(prefix="kahu-bench-ha-")
    lab = Lab()
    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
               "loadavg": os.getloadavg(), "args": vars(args), "modes": {}}
    log(f"load average at start: {results['loadavg']}")
    try:
        lab.create()
        want = args.pairs.split(",")
        for mode in args.modes.split(","):
            pairs = [Pair(lab, impl, mode, workdir, args) for impl in ("kahu", "kea", "mixed")
                     if impl in want and (have_kahu or impl == "kea")
                     and (impl != "mixed" or mode == "load-balancing")]
            m = {p.impl: {"max": max_rate(lab, p, args)} for p in pairs}
            cpu = cpu_at(lab, pairs, args.cpu_rate, args)
            for p in pairs:
                m[p.impl]["cpu"] = cpu[p.label]
            results["modes"][mode] = m
    finally:
        lab.close()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"kept {workdir}")
    rows, dup_rows = [], []
    for mode, m in results["modes"].items():
        ka, ke = m.get("kahu"), m.get("kea")
        rk = ka["max"]["max_rate"] if ka else None
        re_ = ke["max"]["max_rate"] if ke else None
        ck = ka["cpu"]["cpu_us_per_exchange"] if ka else None
        ce = ke["cpu"]["cpu_us_per_exchange"] if ke else None
        rr = br.ratio(rk, re_)
        cr = br.ratio(ce, ck)
        rows.append([f"{mode}: max rate <= {DROP_LIMIT} % drops [DORA/s]", br.fmt(rk, 0),
                     br.fmt(re_, 0), br.fmt(rr, 2), f">= {TARGET_RATIO}",
                     br.verdict(None if rr is None else rr >= TARGET_RATIO)])
        rows.append([f"{mode}: pair CPU at {args.cpu_rate}/s [us/exchange]", br.fmt(ck),
                     br.fmt(ce), br.fmt(br.ratio(ck, ce), 2) + f" (Kea/Kahu {br.fmt(cr, 2)})",
                     f"Kea/Kahu >= {TARGET_RATIO}",
                     br.verdict(None if cr is None else cr >= TARGET_RATIO)])
        if mode != "load-balancing":
            continue
        for key, what in (("at_max_rate", "duplicate addresses"),
                          ("ack_at_max_rate", "addresses ACKed twice")):
            dk, de = (x["max"]["duplicates"][key] if x else None for x in (ka, ke))
            rows.append([f"{mode}: {what} at max rate [worst run]", br.fmt(dk, 0),
                         br.fmt(de, 0), "", "Kahu 0",
                         br.verdict(None if dk is None else dk == 0)])
        for impl in ("kahu", "kea", "mixed"):
            if impl not in m:
                continue
            x = m[impl]
            d = x["max"]["duplicates"]
            worst = [d[k] for k in ("worst", "ack_worst") if d[k] is not None]
            dup_rows.append([PAIR_NAMES[impl], br.fmt(x["max"]["max_rate"], 0),
                             br.fmt(x["cpu"]["cpu_us_per_exchange"]),
                             f"{br.fmt(d['at_max_rate'], 0)} / {br.fmt(d['ack_at_max_rate'], 0)}",
                             f"{worst_text(d['worst'], d['worst_rate'])} / "
                             f"{worst_text(d['ack_worst'], d['ack_worst_rate'])}",
                             br.verdict(None if not worst else max(worst) == 0)])
    print(br.table(rows))
    if dup_rows:
        print()
        print(dup_table(dup_rows, args.cpu_rate))
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    path = os.path.join(HERE, "results",
                        f"ha-{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
    log(f"results in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
