#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""Differential DHCPv4 test harness: the same scripted packet sequences against Kea 2.2 and Kahu.

Subcommands (Python 3 standard library only):

  dhcp_diff.py list
      the scenario names, one a line

  dhcp_diff.py run --server kea|kahu --binary PATH --srv-ns NS --workdir DIR --out FILE.json
                   [--only NAME,...] [--shard I/N]
      runs the scenarios and writes the transcript. Must run inside the client namespace
      (ip netns exec <cli-ns> python3 dhcp_diff.py run ...): it sends and captures there, and
      starts the server with "ip netns exec <srv-ns>" for every scenario (fresh lease file).

  dhcp_diff.py compare KEA.json KAHU.json [--allow allow-list.txt] [--report report.json]
      compares the two transcripts field by field, prints MATCH / DIFF / ALLOWED per scenario
      and "N of M scenarios match Kea (A allowed differences)"; exit status 1 when a DIFF is not
      covered by the allow-list.

The lab (tests/integration/differential_kea.sh builds it, one per server, run in parallel):

  srv-ns: ens18 02:00:00:00:20:20 172.18.20.20/24 (+ routes to 172.18.10.0/24 and 172.18.30.0/24)
     |  veth
  cli-ns: eth0 02:00:00:00:10:fe 172.18.10.254/24 and 172.18.30.254/24 (relay addresses, giaddr)

Direct clients are raw Ethernet frames written on eth0 with AF_PACKET (any header field, any
chaddr, checksums computed here); relayed messages are UDP datagrams from giaddr:67 to
172.18.20.20:67. Every frame the server sends from UDP port 67 is captured on eth0 with AF_PACKET
(whatever its destination: broadcast, the client's MAC, the relay) and matched by xid.
"""
import argparse
import csv
import fnmatch
import io
import json
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True      # no __pycache__ in the source tree

MAGIC = b"\x63\x82\x53\x63"
SERVER_IP = "172.18.20.20"
SERVER_MAC = bytes.fromhex("020000002020")
CLIENT_IF = "eth0"
RELAY_IP = "172.18.10.254"        # giaddr of the relayed subnet (172.18.10.0/24)
RELAY_UNKNOWN_IP = "172.18.30.254"  # giaddr of a link the server has no subnet for
NCR_PORT = 53001                  # a DDNS daemon's port on RELAY_IP: the NCRs are recorded there
NCR_WAIT = 0.4                    # after the last step, for requests sent off the packet path
BCAST_MAC = b"\xff" * 6
ETH_P_IP = 0x0800
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4

# Timing (seconds): a step that expects no answer listens this long; a step that expects one
# stops as soon as it came (plus a short grace for a duplicate) or after REPLY_WAIT.
SILENCE_WAIT = 0.6
REPLY_WAIT = 1.2
GRACE = 0.04

MSG_TYPES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK",
             7: "RELEASE", 8: "INFORM", 9: "FORCERENEW", 10: "LEASEQUERY"}
MSG_CODES = {v: k for k, v in MSG_TYPES.items()}

ID_RE = re.compile(r"\b[A-Z][A-Z0-9]+_[A-Z0-9_]+\b")


def ip2b(a):
    return socket.inet_aton(a)


def b2ip(b):
    return socket.inet_ntoa(b)


def mac_str(b):
    return ":".join("%02x" % x for x in b)


# ---------------------------------------------------------------------------------------------
# Crafting

class Opt:
    """A raw option: code, value, and optionally a length byte that lies."""

    def __init__(self, code, value=b"", length=None):
        self.code, self.value, self.length = code, value, length

    def encode(self):
        if self.code in (0, 255):
            return bytes([self.code])
        n = len(self.value) if self.length is None else self.length
        return bytes([self.code, n]) + self.value


def encode_options(options):
    out = b""
    for o in options:
        if isinstance(o, (bytes, bytearray)):
            out += bytes(o)            # raw bytes, anything goes
        elif isinstance(o, Opt):
            out += o.encode()
        else:
            code, value = o
            if isinstance(value, str):
                value = value.encode()
            out += Opt(code, value).encode()
    return out


class Msg:
    """A BOOTP/DHCP message, every field settable. options: list of (code, bytes), Opt, or raw
    bytes, in wire order. end: append option 255. pad_to: zero-pad the payload (BOOTP minimum
    300). raw: the whole payload as given (overrides everything)."""

    def __init__(self, **kw):
        self.op = kw.pop("op", 1)
        self.htype = kw.pop("htype", 1)
        self.hlen = kw.pop("hlen", 6)
        self.hops = kw.pop("hops", 0)
        self.xid = kw.pop("xid", 0)
        self.secs = kw.pop("secs", 0)
        self.flags = kw.pop("flags", 0)
        self.ciaddr = kw.pop("ciaddr", "0.0.0.0")
        self.yiaddr = kw.pop("yiaddr", "0.0.0.0")
        self.siaddr = kw.pop("siaddr", "0.0.0.0")
        self.giaddr = kw.pop("giaddr", "0.0.0.0")
        self.chaddr = kw.pop("chaddr", b"")
        self.sname = kw.pop("sname", b"")
        self.file = kw.pop("file", b"")
        self.cookie = kw.pop("cookie", MAGIC)
        self.options = kw.pop("options", [])
        self.end = kw.pop("end", True)
        self.pad_to = kw.pop("pad_to", 300)
        self.raw = kw.pop("raw", None)
        self.truncate = kw.pop("truncate", None)
        if kw:
            raise TypeError("unknown Msg fields: %s" % ", ".join(kw))

    def encode(self):
        if self.raw is not None:
            return self.raw
        head = struct.pack("!BBBBIHH4s4s4s4s", self.op, self.htype, self.hlen, self.hops,
                           self.xid, self.secs, self.flags, ip2b(self.ciaddr), ip2b(self.yiaddr),
                           ip2b(self.siaddr), ip2b(self.giaddr))
        body = head + self.chaddr.ljust(16, b"\0")[:16] + self.sname.ljust(64, b"\0")[:64] \
            + self.file.ljust(128, b"\0")[:128] + self.cookie + encode_options(self.options)
        if self.end:
            body += b"\xff"
        if self.pad_to and len(body) < self.pad_to:
            body = body.ljust(self.pad_to, b"\0")
        if self.truncate is not None:
            body = body[:self.truncate]
        return body

    def msg_type(self):
        for o in self.options:
            if isinstance(o, tuple) and o[0] == 53 and len(o[1]) == 1:
                return MSG_TYPES.get(o[1][0], str(o[1][0]))
        return "?"

    def summary(self):
        opts = []
        for o in self.options:
            if isinstance(o, tuple):
                v = o[1].encode() if isinstance(o[1], str) else o[1]
                opts.append("%d:%s" % (o[0], v.hex()))
            elif isinstance(o, Opt):
                opts.append("%d:%s%s" % (o.code, o.value.hex(),
                                         "" if o.length is None else "(len %d)" % o.length))
            else:
                opts.append("raw:%s" % bytes(o).hex())
        return {"op": self.op, "htype": self.htype, "hlen": self.hlen, "hops": self.hops,
                "xid": "%08x" % self.xid, "flags": "%04x" % self.flags, "ciaddr": self.ciaddr,
                "yiaddr": self.yiaddr, "siaddr": self.siaddr, "giaddr": self.giaddr,
                "chaddr": self.chaddr.hex(), "cookie": self.cookie.hex(), "options": opts,
                "end": self.end, "raw": None if self.raw is None else self.raw.hex()}


def inet_checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


_ip_ident = [0x1000]


def udp_frame(src_mac, dst_mac, src_ip, dst_ip, sport, dport, payload, ttl=64):
    ulen = 8 + len(payload)
    pseudo = ip2b(src_ip) + ip2b(dst_ip) + struct.pack("!BBH", 0, 17, ulen)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    cs = inet_checksum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", cs) + udp[8:]
    _ip_ident[0] = (_ip_ident[0] + 1) & 0xFFFF
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, _ip_ident[0], 0, ttl, 17, 0,
                      ip2b(src_ip), ip2b(dst_ip))
    iph = iph[:10] + struct.pack("!H", inet_checksum(iph)) + iph[12:]
    return dst_mac + src_mac + struct.pack("!H", ETH_P_IP) + iph + udp


# ---------------------------------------------------------------------------------------------
# Parsing what the server sent

def parse_options(data):
    """Options in wire order as [code, hex]; stops at END; notes trailing garbage."""
    out, i = [], 0
    while i < len(data):
        code = data[i]
        if code == 0:
            i += 1
            continue
        if code == 255:
            return out, True
        if i + 1 >= len(data):
            out.append([code, "<cut>"])
            return out, False
        n = data[i + 1]
        out.append([code, data[i + 2:i + 2 + n].hex() + ("" if i + 2 + n <= len(data) else "<cut>")])
        i += 2 + n
    return out, False


def parse_reply(frame):
    """The fields of a server frame (Ethernet + IPv4 + UDP + BOOTP) as a dict, or None."""
    if len(frame) < 14 + 20 + 8 + 240 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    if ip[9] != 17:
        return None
    udp = ip[ihl:]
    sport, dport, ulen = struct.unpack("!HHH", udp[:6])
    if sport != 67:
        return None
    p = udp[8:ulen] if ulen >= 8 else udp[8:]
    if len(p) < 240:
        return None
    op, htype, hlen, hops, xid, secs, flags = struct.unpack("!BBBBIHH", p[:12])
    # Checksums as the receiving host checks them (a bad one and the client never sees it).
    csum = "ok"
    if inet_checksum(bytes(ip[:ihl])) != 0:
        csum = "bad-ip"
    elif struct.unpack("!H", udp[6:8])[0] != 0:
        pseudo = ip[12:20] + struct.pack("!BBH", 0, 17, ulen)
        if inet_checksum(bytes(pseudo + udp[:ulen])) != 0:
            csum = "bad-udp"
    opts, has_end = parse_options(p[240:]) if p[236:240] == MAGIC else ([], False)
    mtype = "BOOTREPLY"
    for code, val in opts:
        if code == 53 and len(val) == 2:
            mtype = MSG_TYPES.get(int(val, 16), val)
    return {
        "type": mtype,
        "op": op, "htype": htype, "hlen": hlen, "hops": hops, "xid": "%08x" % xid,
        "secs": secs, "flags": "%04x" % flags,
        "ciaddr": b2ip(p[12:16]), "yiaddr": b2ip(p[16:20]), "siaddr": b2ip(p[20:24]),
        "giaddr": b2ip(p[24:28]), "chaddr": p[28:28 + min(hlen, 16)].hex(),
        "sname": p[44:108].rstrip(b"\0").decode("latin-1"),
        "file": p[108:236].rstrip(b"\0").decode("latin-1"),
        "cookie": p[236:240].hex(),
        "options": opts, "end": has_end,
        "eth_dst": mac_str(frame[0:6]), "ip_src": b2ip(ip[12:16]), "ip_dst": b2ip(ip[16:20]),
        "sport": sport, "dport": dport, "csum": csum,
    }


class Reply(dict):
    """A parsed reply with attribute access for scenarios (r.yiaddr, r.sid, r.opt(n))."""

    def __getattr__(self, k):
        try:
            return self[k]
        except KeyError:
            raise AttributeError(k)

    def opt(self, code):
        for c, v in self["options"]:
            if c == code:
                return bytes.fromhex(v.replace("<cut>", ""))
        return None

    @property
    def sid(self):
        v = self.opt(54)
        return b2ip(v) if v and len(v) == 4 else None


class NoReply:
    """What a step returns when nothing came: every field None, falsy."""
    type = yiaddr = sid = ciaddr = None

    def __bool__(self):
        return False

    def opt(self, code):
        return None


# ---------------------------------------------------------------------------------------------
# The server under test

def deep_merge(base, patch):
    out = dict(base)
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def load_config(name, patch=None, transform=None):
    with open(os.path.join(HERE, "configs", name)) as f:
        conf = json.load(f)
    if patch:
        conf["Dhcp4"] = deep_merge(conf["Dhcp4"], patch)
    if transform:
        transform(conf["Dhcp4"])
    return conf


class Server:
    """One kea-dhcp4 or kahu-dhcp4 process in the server namespace. The lease file is the bare
    name leases4.csv: the server runs with its data directory as working directory (Kea 2.2
    opens the name relative to it, Kahu puts a bare name in KAHU_DHCP_DATA_DIR), so the
    configuration text is byte for byte the same for both servers."""

    def __init__(self, kind, binary, srv_ns, workdir):
        self.kind, self.binary, self.srv_ns, self.workdir = kind, binary, srv_ns, workdir
        self.datadir = os.path.join(workdir, "data")
        os.makedirs(self.datadir, exist_ok=True)
        self.proc = None
        self.log_paths = []
        self.env = dict(os.environ)
        for var in ("KEA_PIDFILE_DIR", "KEA_LOCKFILE_DIR", "KAHU_PIDFILE_DIR",
                    "KAHU_CONTROL_SOCKET_DIR", "KEA_CONTROL_SOCKET_DIR", "KAHU_LOG_FILE_DIR",
                    "KEA_LOG_FILE_DIR", "KAHU_DHCP_DATA_DIR", "KEA_DHCP_DATA_DIR"):
            self.env[var] = self.datadir

    def lease_path(self):
        return os.path.join(self.datadir, "leases4.csv")

    def fresh(self):
        for f in os.listdir(self.datadir):
            if f.startswith("leases4") or f.endswith(".pid"):
                os.unlink(os.path.join(self.datadir, f))
        self.log_paths = []

    def write_config(self, conf, tag):
        path = os.path.join(self.workdir, "%s.json" % tag)
        with open(path, "w") as f:
            json.dump(conf, f, indent=2)
            f.write("\n")
        return path

    def start(self, conf_path, tag):
        log_path = os.path.join(self.workdir, "%s.%d.out" % (tag, len(self.log_paths)))
        self.log_paths.append(log_path)
        logf = open(log_path, "wb")
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.srv_ns, self.binary, "-d",
                                      "-c", conf_path], cwd=self.datadir, env=self.env,
                                     stdout=logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        logf.close()
        deadline = time.monotonic() + 15
        while not self.listening():
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited during start-up (rc %s): %s" % (
                    self.kind, self.proc.returncode, tail(log_path)))
            if time.monotonic() > deadline:
                raise RuntimeError("%s did not open its packet socket in 15 s" % self.kind)
            time.sleep(0.02)
        time.sleep(0.05)

    def listening(self):
        """True when the process owns an AF_PACKET socket bound to an interface (what
        `ss -0 -p` shows), read from /proc without spawning anything."""
        pid = self.proc.pid
        try:
            inodes = set()
            for fd in os.listdir("/proc/%d/fd" % pid):
                try:
                    link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
                except OSError:
                    continue
                if link.startswith("socket:["):
                    inodes.add(link[8:-1])
            with open("/proc/%d/net/packet" % pid) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    # sk RefCnt Type Proto Iface R Rmem User Inode
                    if len(cols) >= 9 and cols[8] in inodes and cols[4] != "0":
                        return True
        except (OSError, StopIteration):
            return False
        return False

    def stop(self):
        if not self.proc:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def leases(self):
        """Lease rows in file order: the compared columns only (no absolute times)."""
        try:
            with open(self.lease_path(), newline="") as f:
                text = f.read()
        except OSError:
            return []
        rows = []
        for r in csv.DictReader(io.StringIO(text)):
            rows.append([r.get("address"), r.get("hwaddr"), r.get("client_id"),
                         r.get("valid_lifetime"), r.get("subnet_id"), r.get("state"),
                         r.get("hostname")])
        return rows

    def log_text(self):
        out = []
        for p in self.log_paths:
            try:
                with open(p, "rb") as f:
                    out.append(f.read().decode("utf-8", "replace"))
            except OSError:
                pass
        return "\n".join(out)

    def config_test(self, conf_path, tag):
        r = subprocess.run(["ip", "netns", "exec", self.srv_ns, self.binary, "-t", conf_path],
                           cwd=self.datadir, env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=30)
        text = r.stdout.decode("utf-8", "replace")
        with open(os.path.join(self.workdir, "%s.t.out" % tag), "w") as f:
            f.write(text)
        return r.returncode, text


def tail(path, n=15):
    try:
        with open(path, "rb") as f:
            return b"".join(f.readlines()[-n:]).decode("utf-8", "replace")
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------
# The wire, from the client namespace

class Wire:
    def __init__(self):
        self.pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
        self.pkt.bind((CLIENT_IF, ETH_P_IP))
        self.pkt.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.relays = {}
        # Where a configuration with "dhcp-ddns" sends its NameChangeRequests (server-ip
        # RELAY_IP, server-port NCR_PORT): read at the end of a scenario, never drained by
        # drain().
        self.ncr = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.ncr.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.ncr.bind((RELAY_IP, NCR_PORT))
        self.ncr.setblocking(False)

    def ncrs(self):
        """The NameChangeRequests received since the last call, in order: Kea's UDP form (a
        16-bit length, then the JSON), lease-expires-on dropped (an absolute time)."""
        out = []
        while True:
            try:
                data = self.ncr.recv(65535)
            except (BlockingIOError, InterruptedError):
                return out
            n = int.from_bytes(data[:2], "big") if len(data) >= 2 else -1
            try:
                j = json.loads(data[2:2 + n].decode())
                j.pop("lease-expires-on", None)
                out.append(j)
            except (ValueError, UnicodeDecodeError):
                out.append({"malformed": data.hex(), "length-field": n})

    def relay_sock(self, giaddr):
        s = self.relays.get(giaddr)
        if s is None:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((giaddr, 67))
            s.setblocking(False)
            self.relays[giaddr] = s
        return s

    def drain(self):
        for s in [self.pkt] + list(self.relays.values()):
            s.setblocking(False)
            try:
                while True:
                    s.recv(65535)
            except (BlockingIOError, InterruptedError):
                pass

    def send_frame(self, frame):
        self.pkt.send(frame)

    def send_relay(self, giaddr, payload, dst=SERVER_IP):
        self.relay_sock(giaddr).sendto(payload, (dst, 67))

    def collect(self, xid, expect):
        """Frames from the server's port 67 with this xid: stops at the first (plus GRACE)
        when a reply is expected, else listens SILENCE_WAIT."""
        out = []
        relay_rx = set()
        start = time.monotonic()
        deadline = start + (REPLY_WAIT if expect == "reply" else SILENCE_WAIT)
        socks = [self.pkt] + list(self.relays.values())
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select(socks, [], [], left)
            for s in r:
                if s is not self.pkt:
                    # The relay's own socket: the frame itself is recorded from the packet
                    # socket; this only notes that the datagram reached giaddr:67.
                    try:
                        data = s.recv(65535)
                        if len(data) >= 8:
                            relay_rx.add(data[4:8].hex())
                    except BlockingIOError:
                        pass
                    continue
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    continue
                if addr[2] == PACKET_OUTGOING:
                    continue
                rep = parse_reply(frame)
                if rep is None or rep["xid"] != "%08x" % xid:
                    continue
                rep["ms"] = int((time.monotonic() - start) * 1000)
                out.append(Reply(rep))
                if expect == "reply" and len(out) == 1:
                    deadline = min(deadline, time.monotonic() + GRACE)
        for rep in out:
            if rep["dport"] == 67:
                rep["relay_socket"] = rep["xid"] in relay_rx
        return out


# ---------------------------------------------------------------------------------------------
# Scenario context

class Client:
    def __init__(self, n, cid=True, mac=None, hostname=None):
        self.mac = mac if mac is not None else bytes([2, 0, 0, 0, 0, n])
        if cid is True:
            self.cid = b"\x01" + self.mac
        elif cid:
            self.cid = cid
        else:
            self.cid = None
        self.hostname = hostname


DEFAULT_PRL = bytes([1, 3, 6, 12, 15, 28, 42, 51, 54, 58, 59])


class T:
    """What a scenario function gets: sends messages, records the steps."""

    def __init__(self, scenario, server, wire):
        self.sc, self.server, self.wire = scenario, server, wire
        self.steps = []
        self._xid = (hash32(scenario.name) & 0xFFFF0000) | 0x100

    def next_xid(self):
        self._xid += 1
        return self._xid

    def client(self, n, **kw):
        return Client(n, **kw)

    # -- generic send ---------------------------------------------------------------------
    def send(self, msg, path="bcast", expect="reply", desc=None, giaddr=RELAY_IP, src_ip=None,
             dst_ip=None, dst_mac=None, src_mac=None, dport=67, sport=68):
        """path: bcast (raw frame to ff:ff:ff:ff:ff:ff / 255.255.255.255 from ciaddr or 0.0.0.0),
        unicast (raw frame to the server's MAC and address from ciaddr), relay (UDP from
        giaddr:67; the message's giaddr is set to it unless given)."""
        if path == "relay" and msg.giaddr == "0.0.0.0" and msg.raw is None:
            msg.giaddr = giaddr
            if msg.hops == 0:
                msg.hops = 1
        payload = msg.encode()
        self.wire.drain()
        if path == "relay":
            self.wire.send_relay(giaddr, payload, dst=dst_ip or SERVER_IP)
        else:
            smac = src_mac if src_mac is not None else (msg.chaddr[:6] if len(msg.chaddr) >= 6
                                                         else b"\x02\0\0\0\0\x99")
            if path == "bcast":
                frame = udp_frame(smac, dst_mac or BCAST_MAC, src_ip or msg.ciaddr,
                                  dst_ip or "255.255.255.255", sport, dport, payload)
            elif path == "unicast":
                frame = udp_frame(smac, dst_mac or SERVER_MAC, src_ip or msg.ciaddr,
                                  dst_ip or SERVER_IP, sport, dport, payload)
            else:
                raise ValueError(path)
            self.wire.send_frame(frame)
        replies = self.wire.collect(msg.xid, expect)
        self.steps.append({"step": len(self.steps) + 1,
                           "desc": desc or "%s %s" % (msg.msg_type(), path),
                           "path": path, "expect": expect, "sent": msg.summary(),
                           "replies": [dict(r) for r in replies]})
        return replies[0] if replies else NoReply()

    def sleep(self, seconds, why=""):
        time.sleep(seconds)
        self.steps.append({"step": len(self.steps) + 1, "desc": "sleep %gs %s" % (seconds, why),
                           "sleep": seconds})

    def restart(self):
        self.server.stop()
        self.server.start(self.conf_path, self.sc.name)
        self.steps.append({"step": len(self.steps) + 1, "desc": "restart the server",
                           "restart": True})

    # -- message builders -----------------------------------------------------------------
    def msg(self, c, mtype, *, req=None, sid=None, ciaddr="0.0.0.0", flags=0, prl=DEFAULT_PRL,
            hostname=None, extra=(), cid=None, xid=None, opt82=None, **fields):
        mt = MSG_CODES[mtype] if isinstance(mtype, str) else mtype
        opts = [(53, bytes([mt]))]
        cid = c.cid if cid is None else cid
        if cid:
            opts.append((61, cid))
        if req:
            opts.append((50, ip2b(req)))
        if sid:
            opts.append((54, ip2b(sid)))
        hn = hostname if hostname is not None else c.hostname
        if hn:
            opts.append((12, hn.encode()))
        if prl:
            opts.append((55, bytes(prl)))
        opts += list(extra)
        if opt82 is not None:
            opts.append((82, opt82))
        fields.setdefault("chaddr", c.mac)
        return Msg(xid=xid if xid is not None else self.next_xid(), flags=flags, ciaddr=ciaddr,
                   options=opts, **fields)

    def _go(self, c, mtype, path, expect, desc, kw, send_kw=None):
        m = self.msg(c, mtype, **kw)
        return self.send(m, path=path, expect=expect, desc=desc, **(send_kw or {}))

    def discover(self, c, relay=False, expect="reply", desc=None, giaddr=RELAY_IP, **kw):
        return self._go(c, "DISCOVER", "relay" if relay else "bcast", expect,
                        desc or "DISCOVER" + (" relayed" if relay else ""), kw,
                        {"giaddr": giaddr} if relay else None)

    def request(self, c, relay=False, unicast=False, expect="reply", desc=None,
                giaddr=RELAY_IP, **kw):
        path = "relay" if relay else ("unicast" if unicast else "bcast")
        return self._go(c, "REQUEST", path, expect, desc or "REQUEST " + path, kw,
                        {"giaddr": giaddr} if relay else None)

    def decline(self, c, addr, sid=SERVER_IP, relay=False, expect="silence", desc=None, **kw):
        kw.setdefault("prl", None)
        return self._go(c, "DECLINE", "relay" if relay else "bcast", expect,
                        desc or "DECLINE %s" % addr, dict(kw, req=addr, sid=sid))

    def release(self, c, addr, sid=SERVER_IP, relay=False, expect="silence", desc=None, **kw):
        kw.setdefault("prl", None)
        return self._go(c, "RELEASE", "relay" if relay else "unicast", expect,
                        desc or "RELEASE %s" % addr, dict(kw, ciaddr=addr, sid=sid))

    def inform(self, c, ciaddr, relay=False, unicast=True, expect="reply", desc=None, **kw):
        path = "relay" if relay else ("unicast" if unicast else "bcast")
        return self._go(c, "INFORM", path, expect, desc or "INFORM " + path,
                        dict(kw, ciaddr=ciaddr))

    def dora(self, c, relay=False, desc="", **kw):
        """DISCOVER then REQUEST (SELECTING) for the offered address; returns the ACK."""
        o = self.discover(c, relay=relay, desc="DISCOVER %s" % desc, **kw)
        if not o:
            return o
        return self.request(c, relay=relay, sid=o.sid, req=o.yiaddr,
                            desc="REQUEST selecting %s" % desc, **kw)


def hash32(s):
    h = 2166136261
    for ch in s.encode():
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h


# ---------------------------------------------------------------------------------------------
# Running

def run_scenario(sc, server, wire):
    rec = {"name": sc.name, "kind": sc.kind, "doc": sc.doc, "config": sc.config,
           "patch": sc.patch, "error": None}
    t0 = time.monotonic()
    server.fresh()
    conf = load_config(sc.config, sc.patch, sc.transform)
    conf_path = server.write_config(conf, sc.name)
    if sc.kind == "config":
        rc, text = server.config_test(conf_path, sc.name)
        rec["verdict"] = "accept" if rc == 0 else "refuse"
        rec["rc"] = rc
        rec["output"] = [l for l in text.splitlines() if "ERROR" in l or "rror" in l][:5]
        rec["duration"] = round(time.monotonic() - t0, 3)
        return rec
    t = T(sc, server, wire)
    t.conf_path = conf_path
    ddns = bool(conf["Dhcp4"].get("dhcp-ddns", {}).get("enable-updates"))
    wire.ncrs()  # left over from an earlier scenario
    try:
        server.start(conf_path, sc.name)
        sc.fn(t)
        if ddns:
            time.sleep(NCR_WAIT)
    except Exception as e:  # a broken scenario or a server that died: recorded, compared
        rec["error"] = "%s: %s" % (type(e).__name__, e)
    finally:
        crashed = server.proc is not None and server.proc.poll() is not None
        server.stop()
    rec["steps"] = t.steps
    rec["crashed"] = crashed
    rec["leases"] = server.leases()
    if ddns:
        rec["ncrs"] = wire.ncrs()
    text = server.log_text()
    found = set(ID_RE.findall(text))
    rec["log_ids"] = {i: (i in found) for i in sc.log_ids}
    rec["all_log_ids"] = sorted(found)
    rec["duration"] = round(time.monotonic() - t0, 3)
    return rec


def cmd_run(args):
    import scenarios
    todo = scenarios.SCENARIOS
    if args.only:
        names = set(args.only.split(","))
        todo = [s for s in todo if s.name in names or any(fnmatch.fnmatch(s.name, n)
                                                            for n in names)]
    if args.shard:
        i, n = (int(x) for x in args.shard.split("/"))
        todo = todo[i::n]
    os.makedirs(args.workdir, exist_ok=True)
    server = Server(args.server, args.binary, args.srv_ns, args.workdir)
    wire = Wire()
    results = []
    t0 = time.monotonic()
    for sc in todo:
        rec = run_scenario(sc, server, wire)
        results.append(rec)
        if args.verbose:
            print("[%s] %-45s %5.2fs%s" % (args.server, sc.name, rec["duration"],
                                          "  ERROR " + rec["error"] if rec.get("error") else ""),
                  flush=True)
    out = {"server": args.server, "binary": args.binary, "elapsed": round(time.monotonic() - t0, 1),
           "scenarios": results}
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    return 0


# ---------------------------------------------------------------------------------------------
# Comparing

HEADER_FIELDS = ["type", "op", "htype", "hlen", "hops", "xid", "secs", "flags", "ciaddr",
                 "yiaddr", "siaddr", "giaddr", "chaddr", "sname", "file", "cookie", "end",
                 "eth_dst", "ip_src", "ip_dst", "sport", "dport", "csum", "relay_socket"]


def short(v, n=60):
    s = v if isinstance(v, str) else json.dumps(v)
    return s if len(s) <= n else s[:n - 3] + "..."


def diff_reply(prefix, a, b):
    d = []
    for f in HEADER_FIELDS:
        if a.get(f) != b.get(f):
            d.append(("%s.%s" % (prefix, f), a.get(f), b.get(f)))
    ca = [c for c, _ in a["options"]]
    cb = [c for c, _ in b["options"]]
    if ca != cb:
        d.append(("%s.options" % prefix, " ".join(map(str, ca)), " ".join(map(str, cb))))
    va, vb = {}, {}
    for c, v in a["options"]:
        va.setdefault(c, []).append(v)
    for c, v in b["options"]:
        vb.setdefault(c, []).append(v)
    for c in sorted(set(va) | set(vb)):
        if va.get(c) != vb.get(c):
            d.append(("%s.opt%d" % (prefix, c), ",".join(va.get(c, ["(absent)"])),
                      ",".join(vb.get(c, ["(absent)"]))))
    return d


def answer_kind(replies):
    if not replies:
        return "silence"
    return "+".join(r["type"] for r in replies)


def diff_scenario(a, b):
    """List of (field, kea, kahu)."""
    d = []
    if a.get("error") or b.get("error"):
        if a.get("error") != b.get("error"):
            d.append(("error", a.get("error") or "-", b.get("error") or "-"))
    if a["kind"] == "config":
        if a["verdict"] != b["verdict"]:
            d.append(("verdict", a["verdict"], b["verdict"]))
        return d
    if a.get("crashed") != b.get("crashed"):
        d.append(("crashed", a.get("crashed"), b.get("crashed")))
    sa, sb = a.get("steps", []), b.get("steps", [])
    for i in range(max(len(sa), len(sb))):
        x = sa[i] if i < len(sa) else None
        y = sb[i] if i < len(sb) else None
        tag = "s%d" % (i + 1)
        if x is None or y is None:
            d.append((tag, x["desc"] if x else "(no step)", y["desc"] if y else "(no step)"))
            continue
        if "replies" not in x:
            continue
        if x["sent"] != y["sent"]:
            d.append((tag + ".sent", short(x["sent"]), short(y["sent"])))
        rx, ry = x["replies"], y["replies"]
        if answer_kind(rx) != answer_kind(ry) or len(rx) != len(ry):
            d.append((tag + ".answer", answer_kind(rx), answer_kind(ry)))
            if len(rx) == len(ry) == 0:
                continue
        for j in range(min(len(rx), len(ry))):
            d += diff_reply(tag if j == 0 else "%s.r%d" % (tag, j + 1), rx[j], ry[j])
    la, lb = a.get("leases", []), b.get("leases", [])
    if la != lb:
        d.append(("leases", la, lb))
    na, nb = a.get("ncrs", []), b.get("ncrs", [])
    if len(na) != len(nb):
        d.append(("ncrs", "%d requests" % len(na), "%d requests" % len(nb)))
    for i in range(len(na)):
        for k in sorted(set(na[i]) | (set(nb[i]) if i < len(nb) else set())):
            y = nb[i].get(k, "(absent)") if i < len(nb) else "(none)"
            if na[i].get(k, "(absent)") != y:
                d.append(("ncr%d.%s" % (i + 1, k), na[i].get(k, "(absent)"), y))
    for k in sorted(set(a.get("log_ids", {})) | set(b.get("log_ids", {}))):
        if a["log_ids"].get(k) != b["log_ids"].get(k):
            d.append(("log." + k, "logged" if a["log_ids"].get(k) else "absent",
                      "logged" if b["log_ids"].get(k) else "absent"))
    return d


def load_allow(path):
    entries = []
    if not path:
        return entries
    with open(path) as f:
        for line in f:
            s = line.split("#", 1)[0].strip()
            if not s:
                continue
            parts = s.split(None, 2)
            if len(parts) < 3:
                raise SystemExit("allow-list: need 'scenario-glob field-glob reason': %r" % line)
            entries.append((parts[0], parts[1], parts[2]))
    return entries


def allowed_by(entries, name, field):
    for sg, fg, reason in entries:
        if fnmatch.fnmatchcase(name, sg) and fnmatch.fnmatchcase(field, fg):
            return reason
    return None


def fmt_leases(rows):
    return "; ".join(",".join(r) for r in rows) if rows else "(none)"


def step_desc(rec, field):
    m = re.match(r"s(\d+)", field)
    if not m:
        return ""
    i = int(m.group(1)) - 1
    steps = rec.get("steps", [])
    return steps[i]["desc"] if i < len(steps) else ""


def expectation_notes(rec):
    """Where Kea itself did not do what the scenario author expected (informational)."""
    notes = []
    for s in rec.get("steps", []):
        if "replies" not in s:
            continue
        got = "reply" if s["replies"] else "silence"
        if got != s["expect"]:
            notes.append("s%d %s: expected %s, Kea: %s" % (s["step"], s["desc"], s["expect"],
                                                             answer_kind(s["replies"])))
    for k, v in rec.get("log_ids", {}).items():
        if not v:
            notes.append("listed message ID %s not in Kea's log" % k)
    return notes


def cmd_compare(args):
    with open(args.kea) as f:
        kea = json.load(f)
    with open(args.kahu) as f:
        kahu = json.load(f)
    allow = load_allow(args.allow)
    kb = {s["name"]: s for s in kahu["scenarios"]}
    match = allowed = 0
    unexpected = []
    report = []
    for a in kea["scenarios"]:
        name = a["name"]
        b = kb.get(name)
        if b is None:
            print("DIFF %s\n    (not run against kahu)" % name)
            unexpected.append(name)
            continue
        d = diff_scenario(a, b)
        reasons = [allowed_by(allow, name, f) for f, _, _ in d]
        entry = {"name": name, "doc": a.get("doc"), "diffs": [list(x) for x in d],
                 "kea": a, "kahu": b}
        if not d:
            match += 1
            entry["result"] = "MATCH"
            print("MATCH %s" % name)
        elif all(reasons):
            allowed += 1
            entry["result"] = "ALLOWED"
            print("ALLOWED %s (%s)" % (name, "; ".join(sorted(set(reasons)))))
        else:
            unexpected.append(name)
            entry["result"] = "DIFF"
            print("DIFF %s" % name)
            for (f, x, y), r in zip(d, reasons):
                if r:
                    continue
                if f == "leases":
                    print("    leases: kea  %s\n            kahu %s" % (fmt_leases(x), fmt_leases(y)))
                else:
                    desc = step_desc(a, f)
                    print("    %s%s: kea %s | kahu %s" % (f, " (%s)" % desc if desc else "",
                                                         short(x, 80), short(y, 80)))
        if args.notes:
            for n in expectation_notes(a):
                print("    note: " + n)
        report.append(entry)
    total = len(kea["scenarios"])
    print("%d of %d scenarios match Kea (%d allowed differences)" % (match, total, allowed))
    if args.report:
        with open(args.report, "w") as f:
            json.dump({"match": match, "total": total, "allowed": allowed,
                       "diff": unexpected, "kea_elapsed": kea.get("elapsed"),
                       "kahu_elapsed": kahu.get("elapsed"), "scenarios": report}, f, indent=1)
    return 1 if unexpected else 0


def reply_line(r):
    opts = " ".join("%d=%s" % (c, v if len(v) <= 24 else v[:21] + "...") for c, v in r["options"])
    return "%s yi=%s ci=%s si=%s gi=%s fl=%s -> %s %s:%d [%s]" % (
        r["type"], r["yiaddr"], r["ciaddr"], r["siaddr"], r["giaddr"], r["flags"], r["eth_dst"],
        r["ip_dst"], r["dport"], opts)


def cmd_show(args):
    """Both transcripts of some scenarios side by side, step by step."""
    data = []
    for path in (args.kea, args.kahu):
        with open(path) as f:
            data.append({s["name"]: s for s in json.load(f)["scenarios"]})
    for name in data[0]:
        if not any(fnmatch.fnmatch(name, g) for g in args.names):
            continue
        a, b = data[0][name], data[1].get(name, {})
        print("== %s: %s" % (name, a.get("doc")))
        if a["kind"] == "config":
            print("   kea  %s %s\n   kahu %s %s" % (a["verdict"], a.get("output"), b.get("verdict"),
                                                   b.get("output")))
            continue
        for tag, rec in (("kea", a), ("kahu", b)):
            if rec.get("error"):
                print("   %s error: %s" % (tag, rec["error"]))
        for i, s in enumerate(a.get("steps", [])):
            print("  s%d %s" % (i + 1, s["desc"]))
            if "replies" not in s:
                continue
            t = b.get("steps", [])[i] if i < len(b.get("steps", [])) else {"replies": []}
            for tag, st in (("kea", s), ("kahu", t)):
                reps = st.get("replies", [])
                if not reps:
                    print("     %-4s silence" % tag)
                for r in reps:
                    print("     %-4s %s" % (tag, reply_line(r)))
        print("   leases kea : %s" % fmt_leases(a.get("leases", [])))
        print("   leases kahu: %s" % fmt_leases(b.get("leases", [])))
        for tag, rec in (("kea", a), ("kahu", b)):
            for n in rec.get("ncrs", []):
                print("   ncr %-4s %s" % (tag, json.dumps(n, sort_keys=True)))
        if a.get("log_ids"):
            print("   ids kea %s | kahu %s" % (a["log_ids"], b.get("log_ids")))
    return 0


def cmd_list(args):
    import scenarios
    for s in scenarios.SCENARIOS:
        print("%-48s %-7s %s" % (s.name, s.kind, s.doc if args.verbose else ""))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("list")
    p.add_argument("-v", "--verbose", action="store_true")
    p = sub.add_parser("run")
    p.add_argument("--server", required=True, choices=["kea", "kahu"])
    p.add_argument("--binary", required=True)
    p.add_argument("--srv-ns", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--only")
    p.add_argument("--shard")
    p.add_argument("-v", "--verbose", action="store_true")
    p = sub.add_parser("compare")
    p.add_argument("kea")
    p.add_argument("kahu")
    p.add_argument("--allow")
    p.add_argument("--report")
    p.add_argument("--notes", action="store_true",
                   help="also print where Kea did not do what a scenario expected")
    p = sub.add_parser("show", help="both transcripts of scenarios (globs) step by step")
    p.add_argument("kea")
    p.add_argument("kahu")
    p.add_argument("names", nargs="+")
    args = ap.parse_args()
    return {"run": cmd_run, "compare": cmd_compare, "list": cmd_list,
            "show": cmd_show}[args.cmd](args)


if __name__ == "__main__":
    # scenarios.py imports this file as "dhcp_diff": let it get this very module (one Opt
    # class, one Msg class), not a second copy.
    sys.modules.setdefault("dhcp_diff", sys.modules["__main__"])
    sys.exit(main())
