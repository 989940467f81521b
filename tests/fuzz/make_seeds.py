#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""Writes the seed corpora of the fuzzers (tests/fuzz/corpus/<target>/), except packet4's
hand-made packets and the regression seeds (regression-*, kept as they are). Run it after changing
a fuzzer's input format: python3 tests/fuzz/make_seeds.py"""
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- DHCP packets ------------------------------------------------------------------------------

def ip(text):
    return bytes(int(x) for x in text.split("."))


def opt(code, data):
    if isinstance(data, str):
        data = data.encode()
    return bytes([code, len(data)]) + data


def packet(mtype, mac, xid=0x1234, giaddr="0.0.0.0", ciaddr="0.0.0.0", options=b"", flags=0,
           secs=0):
    hdr = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 1 if giaddr != "0.0.0.0" else 0, xid, secs,
                      flags, ip(ciaddr), ip("0.0.0.0"), ip("0.0.0.0"), ip(giaddr))
    hdr += bytes(mac) + bytes(16 - len(mac)) + bytes(64) + bytes(128)
    body = b"\x63\x82\x53\x63" + opt(53, bytes([mtype])) + options + b"\xff"
    return hdr + body


PRL = opt(55, bytes([1, 3, 6, 12, 15, 28, 43, 51, 54, 58, 59, 119, 124, 125, 224, 250, 252]))


def client(n):
    mac = [0x02, 0x00, 0x00, 0x00, 0x00, n]
    return mac, opt(61, bytes([1] + mac)) + opt(12, "pc%d" % n) + PRL


def record(pkt, flags=0, step=0):
    return bytes([flags, step]) + struct.pack("!H", len(pkt)) + pkt


DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM = 1, 2, 3, 4, 5, 6, 7, 8
F_OPT50, F_CIADDR, F_HA, F_SID, F_RECLAIM, F_REMOVE = 0x10, 0x20, 0x40, 0x80, 0x04, 0x08
ETH1, UNICAST, UNKNOWN = 1, 2, 3


def dhcp4_seeds():
    mac, o = client(1)
    # Relayed DORA in subnet 10, renew (unicast, ciaddr), release; config A (last byte even).
    write("dhcp4", "relayed_dora_renew_release",
          record(packet(DISCOVER, mac, giaddr="192.0.2.1", options=o))
          + record(packet(REQUEST, mac, giaddr="192.0.2.1", options=o), F_OPT50 | F_SID, 2)
          + record(packet(REQUEST, mac, options=o), UNICAST | F_CIADDR, 40)
          + record(packet(RELEASE, mac, options=o), UNICAST | F_CIADDR | F_SID, 5)
          + b"\x00")
    # Directly connected on eth1 (subnet 11: offer-lifetime, tee times), DECLINE, an hour on,
    # reclamation; config A.
    mac, o = client(2)
    write("dhcp4", "direct_eth1_decline_reclaim",
          record(packet(DISCOVER, mac, options=o, flags=0x8000), ETH1)
          + record(packet(REQUEST, mac, options=o), ETH1 | F_OPT50 | F_SID, 1)
          + record(packet(DECLINE, mac, options=o), ETH1 | F_OPT50 | F_SID, 1)
          + record(packet(DISCOVER, mac, options=o), ETH1 | F_RECLAIM, 60)
          + record(packet(DISCOVER, [2, 0, 0, 0, 0, 3], options=PRL), ETH1 | F_RECLAIM | F_REMOVE, 200)
          + b"\x00")
    # Reservations: hw-address (vendor options in the reservation), circuit-id in the shared
    # network, client-id, DUID (type 255 client-id); config A.
    res_hw = [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01]
    port20 = opt(82, opt(1, "port20") + opt(2, "remote"))
    duid = opt(61, bytes([255, 0, 0, 0, 1]) + bytes([0, 1, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd]))
    write("dhcp4", "reservations",
          record(packet(DISCOVER, res_hw, giaddr="192.0.2.1", options=PRL + opt(60, "MSFT 5.0")))
          + record(packet(REQUEST, res_hw, giaddr="192.0.2.1", options=PRL), F_OPT50 | F_SID)
          + record(packet(DISCOVER, [2, 0, 0, 0, 0, 9], giaddr="10.9.0.1", options=PRL + port20))
          + record(packet(REQUEST, [2, 0, 0, 0, 0, 9], giaddr="10.9.0.1", options=PRL + port20),
                   F_OPT50 | F_SID)
          + record(packet(DISCOVER, [2, 0, 0, 0, 0, 10], giaddr="192.0.2.1",
                          options=opt(61, bytes([1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x02])) + PRL))
          + record(packet(DISCOVER, [2, 0, 0, 0, 0, 11], giaddr="192.0.2.1", options=duid + PRL))
          + record(packet(DISCOVER, [0xaa, 0xbb, 0xcc, 0, 0, 1], giaddr="192.0.2.1", options=PRL))
          + b"\x00")
    # Vendor classes: docsis (pool with a client class in the shared network, option 125
    # asked for), PXE (subnet 12 only for that class), option 82 link selection and 118.
    docsis = opt(60, "docsis3.0") + opt(125, struct.pack("!IB", 4491, 3) + bytes([1, 1, 2]))
    link = opt(82, opt(1, "x") + opt(5, ip("10.21.0.0")))
    write("dhcp4", "vendor_classes_selection",
          record(packet(DISCOVER, [2, 0, 0, 0, 1, 1], giaddr="10.9.0.1", options=docsis + PRL))
          + record(packet(REQUEST, [2, 0, 0, 0, 1, 1], giaddr="10.9.0.1", options=docsis + PRL),
                   F_OPT50 | F_SID)
          + record(packet(DISCOVER, [2, 0, 0, 0, 1, 2], giaddr="10.99.0.1",
                          options=opt(60, "PXEClient") + PRL))
          + record(packet(DISCOVER, [2, 0, 0, 0, 1, 3], giaddr="10.9.0.1", options=link + PRL),
                   F_HA)
          + record(packet(DISCOVER, [2, 0, 0, 0, 1, 4], options=opt(118, ip("192.0.2.0")) + PRL))
          + b"\x00")
    # Exhaustion of subnet 21's pools (2 + 3 with HA_server1), then an hour later.
    recs = b""
    for n in range(7):
        m = [2, 0, 0, 0, 2, n]
        lk = opt(82, opt(5, ip("10.21.0.0")))
        recs += record(packet(DISCOVER, m, giaddr="10.9.0.1", options=lk + PRL), F_HA)
        recs += record(packet(REQUEST, m, giaddr="10.9.0.1", options=lk + PRL), F_HA | F_OPT50 | F_SID)
    recs += record(packet(DISCOVER, [2, 0, 0, 0, 2, 9], giaddr="10.9.0.1",
                          options=opt(82, opt(5, ip("10.21.0.0"))) + PRL), F_RECLAIM, 120)
    write("dhcp4", "exhaustion_shared_network", recs + b"\x00")
    # INFORM, INIT-REBOOT for an unknown address (NAK from authoritative subnet 11), a
    # REQUEST to another server, a RELEASE of nothing; configuration B (last byte odd).
    mac, o = client(5)
    write("dhcp4", "inform_initreboot_configB",
          record(packet(INFORM, mac, ciaddr="192.0.2.77", options=o), UNICAST)
          + record(packet(REQUEST, mac, options=o + opt(50, ip("198.51.100.99"))), ETH1)
          + record(packet(REQUEST, mac, giaddr="192.0.2.1",
                          options=o + opt(50, ip("192.0.2.10")) + opt(54, ip("10.1.1.1"))))
          + record(packet(DISCOVER, mac, giaddr="192.0.2.1", options=o))
          + record(packet(REQUEST, mac, giaddr="192.0.2.1", options=o), F_OPT50 | F_SID)
          + record(packet(RELEASE, [2, 0, 0, 0, 9, 9], ciaddr="192.0.2.12"), UNICAST)
          + record(packet(DISCOVER, [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01], options=PRL), UNKNOWN)
          + b"\x01")


# ---- configurations -----------------------------------------------------------------------------

def config_seeds():
    files = {
        "full.json": "tests/data/config/good/full.json",
        "standalone.conf": "config/kahu-dhcp4-standalone.conf",
        "load_balancing.conf": "config/kahu-dhcp4-load-balancing-dhcp1.conf",
        "hot_standby.conf": "config/kahu-dhcp4-hot-standby-dhcp2.conf",
        "vendor_options.conf": "tests/integration/data/kahu-dhcp4-vendor-options.conf",
        "direct_raw.conf": "tests/integration/data/kahu-dhcp4-direct-raw.conf",
        "classes.conf": "tests/integration/data/kahu-dhcp4-classes.conf",
        "classes_diff.json": "tests/diff/configs/classes.json",
        "oasis_as_written.conf": "tests/data/oasis/kea-dhcp4-load-balancing-as-written.conf",
        "bad_missing_comma.json": "tests/data/config/bad/missing_comma.json",
        "bad_pool_overlap.json": "tests/data/config/bad/pool_overlap.json",
        "bad_unknown_option.json": "tests/data/config/bad/unknown_option.json",
    }
    for name, src in files.items():
        with open(os.path.join(TOP, src), "rb") as f:
            write("config", name, f.read())
    # Includes resolve in the fuzzer's scratch directory (subnet.inc, map.inc, loop.inc).
    write("config", "includes.json", """// includes, comments, a trailing comma
{
  "Dhcp4": {
    <?include "map.inc"?>
    "subnet4": [ <?include "subnet.inc"?> ],
    /* the global reservation mode of Kea 2.2 */
    "reservation-mode": "global",
    "reservations": [ { "hw-address": "01:02:03:04:05:06", "ip-address": "192.0.2.5" } ],
  }
}
""")
    write("config", "include_loop.json", '{"Dhcp4": {"subnet4": [<?include "loop.inc"?>]}}\n')


# ---- control commands ---------------------------------------------------------------------------

def control_seeds():
    write("control", "server_commands", "\n".join([
        '{"command": "list-commands"}',
        '{ "command": "version-get", "service": [ "dhcp4" ] }',
        '{"command": "status-get"} # a comment',
        '{"command": "build-report"}',
        '{"command": "server-tag-get"}',
        '{"command": "config-hash-get"}',
        '{"command": "config-get", "remote-address": "192.0.2.7"}',
        '{"command": "leases-reclaim", "arguments": {"remove": true}}',
    ]))
    write("control", "dhcp_disable_enable", "\n".join([
        '{"command": "dhcp-disable", "arguments": {"max-period": 30, "origin": "ha-partner"}}',
        '{"command": "status-get"}',
        '{"command": "dhcp-disable", "arguments": {"origin": 1001}}',
        '{"command": "dhcp-enable", "arguments": {"origin": "user"}}',
        '{"command": "dhcp-enable", "arguments": {"origin": 2000}}',
        '{"command": "status-get"}',
    ]))
    write("control", "statistics", "\n".join([
        '{"command": "statistic-get", "arguments": {"name": "subnet[1].assigned-addresses"}}',
        '{"command": "statistic-get-all"}',
        '{"command": "statistic-sample-count-set", "arguments": {"name": "pkt4-received", "max-samples": 3}}',
        '{"command": "statistic-sample-age-set-all", "arguments": {"duration": 60}}',
        '{"command": "statistic-reset", "arguments": {"name": "subnet[1].assigned-addresses"}}',
        '{"command": "statistic-remove-all"}',
        '{"command": "statistic-get", "arguments": {"name": "nope"}}',
    ]))
    write("control", "leases", "\n".join([
        '{"command": "lease4-add", "arguments": {"ip-address": "192.0.2.10", "hw-address": "02:00:00:00:00:01", "client-id": "01:02:00:00:00:00:01", "hostname": "Host1.Example", "user-context": {"comment": "x", "n": [1, 2]}}}',
        '{"command": "lease4-add", "arguments": {"ip-address": "198.51.100.150", "hw-address": "02:00:00:00:00:02", "valid-lft": 30, "expire": 1700000000, "state": 1}}',
        '{"command": "lease4-add", "arguments": {"ip-address": "203.0.113.11", "hw-address": "", "state": 1}}',
        '{"command": "lease4-get", "arguments": {"ip-address": "192.0.2.10"}}',
        '{"command": "lease4-get", "arguments": {"identifier-type": "hw-address", "identifier": "02:00:00:00:00:01", "subnet-id": 1}}',
        '{"command": "lease4-get-page", "arguments": {"from": "start", "limit": 1}}',
        '{"command": "lease4-get-page", "arguments": {"from": "192.0.2.10", "limit": 2}}',
        '{"command": "lease4-get-all", "arguments": {"subnets": [1, 2]}}',
        '{"command": "lease4-get-by-hostname", "arguments": {"hostname": "host1.example"}}',
        '{"command": "lease4-get-by-client-id", "arguments": {"client-id": "01:02:00:00:00:00:01"}}',
        '{"command": "lease4-update", "arguments": {"ip-address": "192.0.2.10", "hw-address": "02:00:00:00:00:03", "force-create": true, "origin": "ha-partner"}}',
        '{"command": "lease4-update", "arguments": {"ip-address": "192.0.2.20", "hw-address": "02:00:00:00:00:04", "subnet-id": 1, "force-create": true}}',
        '{"command": "leases-reclaim", "arguments": {"remove": false}}',
        '{"command": "lease4-del", "arguments": {"ip-address": "192.0.2.10"}}',
        '{"command": "lease4-del", "arguments": {"identifier-type": "client-id", "identifier": "01:02:00:00:00:00:01", "subnet-id": 1}}',
        '{"command": "lease4-resend-ddns", "arguments": {"ip-address": "192.0.2.20"}}',
        '{"command": "lease4-wipe", "arguments": {"subnet-id": 2}}',
        '{"command": "statistic-get", "arguments": {"name": "subnet[2].assigned-addresses"}}',
    ]))
    write("control", "config_set_test", "\n".join([
        '{"command": "config-test", "arguments": {"Dhcp4": {"subnet4": [{"id": 9, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.0/24"}]}]}}}',
        '{"command": "config-set", "arguments": {"Dhcp4": {"valid-lifetime": 600, "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100-192.0.2.110"}]}]}}}',
        '{"command": "config-get"}',
        '{"command": "config-reload"}',
        '{"command": "config-write", "arguments": {"filename": "/tmp/x"}}',
        '{"command": "shutdown"}',
    ]))
    write("control", "malformed", "\n".join([
        '{"command": "no-such-command"}',
        '{"command": "status-get", "extra": 1}',
        '{"command": 5}',
        '{"arguments": {}}',
        '{"command": "lease4-get", "arguments": [1, 2]}',
        '{"command": "lease4-add", "arguments": {"ip-address": "10.0.0.1"}}',
        '/* block */ {"command": "list-commands" // line\n}',
        '{"command": "version-get", "arguments": "\\u00e9\\ud83d\\ude00"}',
        '[1, 2]',
        '{"command": "dhcp-disable", "arguments": {"max-period": -1}}',
        '{"command": "status-get"',
    ]))


# ---- lease files --------------------------------------------------------------------------------

HEADER_24 = ("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,"
             "hostname,state,user_context,pool_id")
HEADER_22 = ("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,"
             "hostname,state,user_context")
HEADER_20 = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname"


def lease_csv_seeds():
    # The loader runs on inputs whose length is a multiple of 8: pad with a blank line or
    # spaces in the last row's hostname-free fields is not possible, so with trailing newlines.
    def pad(text):
        while len(text.encode()) % 8:
            text += "\n"
        return text

    write("lease_csv", "kea24_rows", pad("\n".join([
        HEADER_24,
        "192.0.2.10,02:00:00:00:00:01,01:02:00:00:00:00:01,3600,1700003600,1,0,0,host1,0,,0",
        "192.0.2.11,02:00:00:00:00:02,,7200,1700007200,1,1,1,host2.example.org,0,,7",
        "192.0.2.12,,,86400,1700086400,1,0,0,,1,,0",
        "192.0.2.13,02:00:00:00:00:04,ff:00:00:00:01:00:01:00:01,3600,1700003600,2,0,0,"
        "a&#x2cb&#x26c,2,{ \"comment\": \"x&#x2cy\"&#x2c \"n\": [ 1&#x2c 2.5 ] },3",
        "192.0.2.10,02:00:00:00:00:01,01:02:00:00:00:00:01,0,1700003600,1,0,0,host1,0,,0",
        "192.0.2.14,02:00:00:00:00:05,,4294967295,4294967295,1,0,0,infinite,0,,0",
    ]) + "\n"))
    write("lease_csv", "kea22_rows", pad("\n".join([
        HEADER_22,
        "10.0.0.1,0a:0b:0c:0d:0e:0f,,3600,1600003600,5,0,0,,0,",
        "10.0.0.2,0a:0b:0c:0d:0e:10,01:0a:0b:0c:0d:0e:10,3600,1600003600,5,0,0,x,2,"
        "{ \"ISC\": { \"relay-agent-info\": { \"sub-options\": \"0104AABBCCDD\" } } }",
    ]) + "\n"))
    write("lease_csv", "kea20_rows_bad", pad("\n".join([
        HEADER_20,
        "10.0.0.3,0a:0b:0c:0d:0e:11,,3600,1600003600,5,0,0,h",
        "10.0.0.4,zz,,3600,1600003600,5,0,0,h",
        "10.0.0.300,0a:0b:0c:0d:0e:12,,3600,1600003600,5,0,0,h",
        "10.0.0.5,0a:0b:0c:0d:0e:13,,3600,1600003600,5,2,0,h",
        "10.0.0.6,0a:0b:0c:0d:0e:14,,3600",
        "10.0.0.7,0a:0b:0c:0d:0e:15,,3600,1600003600,5,0,0,torn",
    ])))
    write("lease_csv", "extra_columns", pad("\n".join([
        HEADER_24 + ",future_column",
        "192.0.2.20,02:00:00:00:00:20,,3600,1700003600,1,0,0,h,0,,0,extra",
        "192.0.2.21,02:00:00:00:00:21,,3600,1700003600,1,0,0,h,0,{  },0,extra",
    ]) + "\n"))
    write("lease_csv", "not_a_lease_file", pad("address,hwaddr\n1,2\n"))


# ---- HA ----------------------------------------------------------------------------------------

DATE = "Mon, 01 Jan 2024 00:00:00 GMT"


def hb(state, unsent=0, scopes='["server1"]', share=True):
    extra = ', "pool-share": {"own": 1, "parts": 2}' if share else ""
    return ('[ { "arguments": { "date-time": "%s", "scopes": %s, "state": "%s", '
            '"unsent-update-count": %d%s }, "result": 0, "text": "HA peer status returned." } ]'
            % (DATE, scopes, state, unsent, extra))


def ok(text="ok", args=None):
    a = ', "arguments": %s' % args if args else ""
    return '[ { "result": 0, "text": "%s"%s } ]' % (text, a)


def lease_json(ip_, mac, cltt, valid=3600, extra=""):
    return ('{ "ip-address": "%s", "hw-address": "%s", "valid-lft": %d, "cltt": %d, '
            '"subnet-id": 1, "state": 0, "hostname": "h", "fqdn-fwd": false, "fqdn-rev": false%s }'
            % (ip_, mac, valid, cltt, extra))


def page(leases, result=0):
    if not leases:
        return '[ { "result": 3, "text": "0 IPv4 lease(s) found.", "arguments": { "count": 0, "leases": [ ] } } ]'
    return ('[ { "result": %d, "text": "%d IPv4 lease(s) found.", "arguments": { "count": %d, '
            '"leases": [ %s ] } } ]' % (result, len(leases), len(leases), ", ".join(leases)))


def ha_seeds():
    sep = "\n%%\n"
    t0 = 1704067200
    # Load balancing: the partner waits, this server syncs from it (dhcp-disable, one page,
    # ha-sync-complete-notify), both reach load-balancing; lease updates to the partner and
    # the backup, one refused (result 4: conflict, rolled back), a delete; queries through
    # the filter; the partner goes away.
    write("ha", "lb_session", "0\n" + sep.join([
        "hmhmuudqqhtttttthmk",
        hb("waiting"),
        ok("DHCPv4 service disabled"),
        page([lease_json("192.0.2.30", "02:00:00:00:03:00", t0)]),
        ok("Server successfully notified about the synchronization completion."),
        hb("ready"),
        ok("IPv4 lease updated."),   # u: partner
        ok("IPv4 lease updated."),   # u: backup
        '[ { "result": 4, "text": "conflict: the address is held by another client" } ]',
        ok("IPv4 lease updated."),
        ok("IPv4 lease deleted."),
        '[ { "result": 3, "text": "IPv4 lease not found." } ]',
        hb("load-balancing", 2),
        "#503 ",
    ]))
    sync_ok = [ok("DHCPv4 service disabled"), page([]), ok("notified")]
    # Hot standby: sync, hot-standby; missed heartbeats and unacked clients (secs) bring
    # partner-down; maintenance notifications and commands; ha-sync from the partner with two
    # pages, the second partner lacking ha-sync-complete-notify (dhcp-enable instead);
    # continue, reset; clock skew (the partner's date-time lags two hours) terminates.
    write("ha", "hs_partner_down_sync", "4\n" + sep.join([
        "hmhmTqqqqhmnNSCrcsyhTTm",
        hb("waiting", share=False), *sync_ok,
        hb("hot-standby", share=False),
        '{ "result": 401, "text": "Unauthorized" }',
        ok(),                                           # S: maintenance-notify
        ok(),                                           # C: maintenance-notify cancel
        ok("DHCPv4 service disabled"),                  # s: dhcp-disable
        page([lease_json("192.0.2.30", "02:00:00:00:03:00", t0),
              lease_json("192.0.2.31", "02:00:00:00:03:01", t0 - 50),
              lease_json("192.0.2.10", "02:00:00:00:00:00", t0 + 10)]),
        ok("DHCPv4 service disabled"),
        page([]),
        '[ { "result": 2, "text": "\'ha-sync-complete-notify\' command not supported." } ]',
        ok("DHCP service successfully enabled"),
        hb("partner-down", share=False),
    ]))
    # Communication recovery: the partner stops answering, updates queue in the backlog (limit
    # 4), it comes back and the backlog is sent; then it overflows and the partner is reset.
    write("ha", "lb_backlog", "0\n" + sep.join([
        "hmhmhuuuhmhuuuuuuhm",
        hb("waiting"), *sync_ok,
        hb("ready"),
        "",
        ok(), ok(), ok(),                               # the backup's updates
        hb("load-balancing"),
        ok(), ok(), ok(),                               # the backlog, to the partner
        "[]",
        ok(), ok(), ok(), ok(), ok(), ok(),
        hb("load-balancing"),
        ok("HA state machine reset."),
    ]))
    # LeaseSync alone: full pages (sync-page-limit 3) then a short one, odd leases.
    write("ha", "sync_pages", "1\n" + sep.join([
        ok("DHCPv4 service disabled"),
        page([lease_json("192.0.2.10", "02:00:00:00:00:00", t0 + 100),
              lease_json("192.0.2.11", "02:00:00:00:00:01", t0 - 500, extra=', "client-id": "01:02"'),
              '{ "ip-address": "192.0.2.12", "hw-address": "", "valid-lft": 60, "expire": %d, "subnet-id": 2, "state": 1 }' % (t0 + 60)]),
        ok("DHCPv4 service disabled"),
        page([lease_json("198.51.100.20", "02:00:00:00:01:00", t0, extra=', "user-context": { "a": 1 }'),
              '{ "ip-address": "bad", "hw-address": "02" }',
              lease_json("192.0.2.13", "02:00:00:00:00:13", t0, valid=4294967295)]),
        ok("DHCPv4 service disabled"),
        page([lease_json("192.0.2.14", "02:00:00:00:00:14", t0, extra=', "pool-id": 3, "state": 7')]),
        ok("Server successfully notified about the synchronization completion."),
    ]))
    write("ha", "sync_fail", "5\n" + sep.join([
        ok(),
        "#200 not json",
    ]))

    def http(body, auth=True, ctype="application/json", method="POST", extra=""):
        h = "%s / HTTP/1.1\r\nHost: 192.0.2.1\r\nContent-Type: %s\r\n" % (method, ctype)
        if auth:
            h += "Authorization: Basic YWRtaW46c2VjcmV0MTI=\r\n"  # admin:secret12
        h += extra
        return h + "Content-Length: %d\r\n\r\n%s" % (len(body.encode()), body)

    upd = ('{ "command": "lease4-update", "service": [ "dhcp4" ], "arguments": { "ip-address": '
           '"192.0.2.40", "hw-address": "02:00:00:00:04:00", "valid-lft": 3600, "expire": %d, '
           '"subnet-id": 1, "force-create": true } }' % (t0 + 3600))
    write("ha", "listener_lb", "2" + "".join([
        http('{ "command": "ha-heartbeat", "service": [ "dhcp4" ] }'),
        http(upd),
        http('{ "command": "lease4-get-page", "arguments": { "from": "start", "limit": 10 } }'),
        http('{ "command": "lease4-del", "arguments": { "ip-address": "192.0.2.40" } }'),
        http('{ "command": "ha-maintenance-notify", "arguments": { "cancel": false } }'),
        http('{ "command": "ha-sync-complete-notify" }'),
        http('{ "command": "dhcp-disable", "arguments": { "max-period": 5 } }'),
        http('{ "command": "unknown" }'),
    ]))
    write("ha", "listener_restricted", "6" + "".join([
        http('{ "command": "ha-heartbeat" }', auth=False),
        http('{ "command": "ha-scopes", "arguments": { "scopes": [ "server1" ] } }'),
        http('{ "command": "ha-reset" }', ctype="text/plain"),
        http('{ "command": "lease4-get-all" }', method="GET"),
        http(upd, extra="Connection: keep-alive\r\n"),
        http("not json"),
        "POST / HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\n{ \"co\r\n1a\r\nmmand\": \"ha-heartbeat\" }\r\n0\r\n\r\n",
    ]))
    write("ha", "codec_leases", "3\n" + sep.join([
        lease_json("192.0.2.50", "02:00:00:00:05:00", t0),
        '{ "ip-address": "192.0.2.51", "hw-address": "", "client-id": "01:02:03", "valid-lft": 0, "expire": 100, "subnet-id": 1 }',
        '{ "ip-address": "192.0.2.52", "hw-address": "02:00", "valid-lft": 10, "cltt": -5, "subnet-id": 4294967295, "state": 2, "user-context": { "x": [ true, null ] } }',
        '[ { "result": 0, "text": "ok", "arguments": { "state": "ready" } } ]',
        '{ "result": 1, "text": "Unauthorized" }',
        '[ ]',
        '[ 1 ]',
    ]))


# ---- regression seeds: inputs that found bugs (docs/testing.md, "Fuzzing") -------------------

def regression_seeds():
    # Answers holding invalid UTF-8 (a command name quoted back, a host name stored by
    # lease4-add) made answer.dump() throw: the unix socket closed without answering.
    write("control", "regression-invalid-utf8-answer", b"\n".join([
        b'{"command": "\x96"}',
        b'{"command": "lease4-add", "arguments": {"ip-address": "192.0.2.10", '
        b'"hw-address": "02:00:00:00:00:01", "hostname": "h\xc3\x28"}}',
        b'{"command": "lease4-get", "arguments": {"ip-address": "192.0.2.10"}}',
    ]))
    # A configuration string that is not UTF-8 made the configuration hash (config-get,
    # config-hash-get, config-set) throw.
    write("config", "regression-invalid-utf8-hash",
          b'{"Dhcp4": {"comment": "caf\xe9", "subnet4": []}}\n')
    # A number out of double's range: std::stod's out_of_range escaped the reader as the bare
    # text "stod" (no file:line:col, not a ConfigError).
    write("config", "regression-number-out-of-range", '{"Dhcp4": {"valid-lifetime": 2e1222}}\n')
    # hlen 0: an empty hardware address hashed with memcpy(dst, nullptr, 0) (UB).
    write("dhcp4", "regression-empty-hwaddr",
          record(struct.pack("!BBBB", 1, 1, 0, 0) + packet(DISCOVER, [], giaddr="192.0.2.1")[4:])
          + b"\x00")
    # A lease whose host name is not UTF-8 made the lease4-update body (keaText) throw.
    write("ha", "regression-invalid-utf8-hostname", "0\n" + "\n%%\n".join([
        "hmhU", hb("waiting"), ok(), page([]), ok(), hb("ready"), ok(), ok()]))
    # A partner's date-time after 2262 overflowed system_clock's nanoseconds in
    # parseRfc1123 (signed overflow, UB).
    write("ha", "regression-date-time-overflow", "0\nhh\n%%\n" + hb("waiting").replace(
        "2024", "4048") + "\n%%\n" + hb("waiting").replace("2024", "2262"))
    # A partner's lease with numbers that do not fit (a float cltt, expire at INT64_MIN, cltt
    # at INT64_MAX, a negative valid-lft): leaseFromJson cast them (float-cast-overflow UB)
    # and computed cltt / expire with signed overflow (UB).
    base = '"ip-address": "192.0.2.60", "hw-address": "02:00:00:00:06:00", "subnet-id": 1'
    write("ha", "regression-lease-number-range", "3\n" + "\n%%\n".join([
        '{ %s, "valid-lft": 3600, "cltt": 3.33333e+35 }' % base,
        '{ %s, "valid-lft": 3600, "expire": -9223372036854775808 }' % base,
        '{ %s, "valid-lft": 3600, "cltt": 9223372036854775807 }' % base,
        '{ %s, "valid-lft": -1, "cltt": 1704067200 }' % base,
        '{ %s, "valid-lft": 3600, "cltt": 1704067200, "state": -1, "pool-id": 1.5 }' % base,
    ]))
    write("ha", "regression-sync-float-cltt", "1\n" + "\n%%\n".join([
        ok(), page(['{ %s, "valid-lft": 3600, "cltt": 3.33333e+35 }' % base]), ok()]))
    # An Authorization header whose base64 length is not a multiple of 4: the listener's
    # decodeBase64 sized its buffer with Beast's decoded_size (n / 4 * 3) and decode() wrote
    # past it (stack-buffer-overflow, before any credential check). And padded base64 (a
    # user:password whose length is not a multiple of 3) was refused (401).
    body = '{ "command": "ha-heartbeat" }'
    req = ("POST / HTTP/1.1\r\nHost: 192.0.2.1\r\nContent-Type: application/json\r\n"
           "Authorization: Basic %s\r\nContent-Length: %d\r\n\r\n%s")
    write("ha", "regression-basic-auth-base64", "6" + "".join(
        req % (cred, len(body), body) for cred in
        ["YWRtsyncingaW46c2VjcmV0", "YWRtaW46c2VjcmV0MTI=", "YWRtaW46c2VjcmV0MTI", "YQ"]))


def main():
    for target, fn in (("dhcp4", dhcp4_seeds), ("config", config_seeds), ("control", control_seeds),
                       ("lease_csv", lease_csv_seeds), ("ha", ha_seeds)):
        d = os.path.join(CORPUS, target)
        if os.path.isdir(d):
            for f in os.listdir(d):
                if not f.startswith("regression-"):
                    os.remove(os.path.join(d, f))
        fn()
    regression_seeds()


if __name__ == "__main__":
    main()
