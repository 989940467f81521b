# SPDX-License-Identifier: MPL-2.0
"""The scenarios of the differential harness (dhcp_diff.py). Each is small: a fresh server with
one of configs/*.json (plus a patch of Dhcp4 keys), a few crafted messages, and what to compare
is always the same: every reply's fields and options, silence vs answer, the lease rows, and the
message IDs a scenario lists (ids=...; each must show up in both servers' -d logs).

`expect` on a step says what Kea 2.2 does ("reply" or "silence"); it only sets how long the step
listens (a silence costs SILENCE_WAIT), the verdict is always Kea vs Kahu.

Addresses: the server is 172.18.20.20 (subnet 20: 172.18.20.0/24, direct clients); relayed
clients come from giaddr 172.18.10.254 (subnet 10: 172.18.10.0/24); 172.18.30.254 is a relay
on a link no subnet covers. Client n has MAC 02:00:00:00:00:0n and client-id 01+MAC unless
said otherwise.
"""
from dhcp_diff import Msg, Opt, MAGIC, SERVER_IP, RELAY_UNKNOWN_IP, ip2b

S = SERVER_IP
OTHER_S = "172.18.20.99"          # another server's identifier
OUT_OF_POOL = "172.18.20.200"     # in subnet 20, outside its pool
OTHER_NET = "10.99.0.5"           # in no subnet
# Lifetimes of 2 s (valid-lifetime, decline-probation-period) are over after this long: Kea
# stores whole seconds (cltt) and a lease expires when cltt + lifetime < now, so 2 s + the
# rounding + a margin.
EXPIRE_WAIT = 3.1


class Scenario:
    def __init__(self, name, kind, fn, config, patch, log_ids, doc, transform=None):
        self.name, self.kind, self.fn, self.config = name, kind, fn, config
        self.patch, self.log_ids, self.doc, self.transform = patch, list(log_ids), doc, transform


SCENARIOS = []


def scenario(name, config="base.json", patch=None, ids=(), transform=None):
    def deco(fn):
        doc = " ".join((fn.__doc__ or "").split())
        SCENARIOS.append(Scenario(name, "packets", fn, config, patch, ids, doc, transform))
        return fn
    return deco


def both_auth(name, config="base.json", patch=None, ids=(), ids_auth=None, ids_noauth=None):
    """Registers fn(t, auth) twice: NAME.noauth (authoritative unset: false) and NAME.auth."""
    def deco(fn):
        doc = " ".join((fn.__doc__ or "").split())
        for auth in (False, True):
            p = dict(patch or {})
            if auth:
                p["authoritative"] = True
            extra = (ids_auth if auth else ids_noauth) or ()
            SCENARIOS.append(Scenario("%s.%s" % (name, "auth" if auth else "noauth"), "packets",
                                      (lambda f, a: lambda t: f(t, a))(fn, auth), config, p,
                                      list(ids) + list(extra), doc))
        return fn
    return deco


def config_case(name, doc, patch=None, transform=None, config="base.json"):
    SCENARIOS.append(Scenario(name, "config", None, config, patch, (), doc, transform))


# =============================================================================================
# DORA: direct and relayed, broadcast flag, client-id, host name, options

@scenario("dora-direct", ids=["DHCP4_LEASE_ADVERT", "DHCP4_LEASE_ALLOC"])
def _(t):
    """Direct client, broadcast flag clear: OFFER and ACK unicast to yiaddr / chaddr."""
    t.dora(t.client(1))


@scenario("dora-direct-broadcast-flag")
def _(t):
    """Direct client with the broadcast flag: OFFER and ACK to 255.255.255.255."""
    t.dora(t.client(1), flags=0x8000)


@scenario("dora-direct-no-client-id")
def _(t):
    """No option 61: identified by chaddr alone; nothing echoed."""
    t.dora(t.client(1, cid=False))


@scenario("dora-relayed", ids=["DHCP4_LEASE_ADVERT", "DHCP4_LEASE_ALLOC"])
def _(t):
    """Relayed through giaddr 172.18.10.254: subnet 10, replies to giaddr:67."""
    t.dora(t.client(1), relay=True)


@scenario("dora-relayed-broadcast-flag")
def _(t):
    """Relayed with the broadcast flag set: still to the relay, flag kept."""
    t.dora(t.client(1), relay=True, flags=0x8000)


@scenario("dora-hostname")
def _(t):
    """Option 12 in DISCOVER and REQUEST: echoed, stored (lower-case) in the lease."""
    t.dora(t.client(1, hostname="Client-One"))


@scenario("dora-prl-order")
def _(t):
    """PRL in a scrambled order with custom option 224 and options not configured: the reply
    order is the server's, not the PRL's."""
    t.dora(t.client(1), prl=[119, 224, 42, 15, 6, 3, 1, 2, 23, 150, 66])


@scenario("dora-no-prl")
def _(t):
    """No option 55: only what the server sends unasked."""
    t.dora(t.client(1), prl=None)


@scenario("dora-two-clients")
def _(t):
    """Two clients one after the other get consecutive pool addresses."""
    t.dora(t.client(1))
    t.dora(t.client(2))


@scenario("dora-chaddr-differs-from-src-mac")
def _(t):
    """chaddr 02:00:00:00:00:01 in frames from source MAC 02:00:00:00:00:77: where the OFFER
    goes with the broadcast flag clear, then set."""
    c = t.client(1)
    other = bytes.fromhex("020000000077")
    t.send(t.msg(c, "DISCOVER"), src_mac=other, desc="DISCOVER from another source MAC")
    t.send(t.msg(c, "DISCOVER", flags=0x8000), src_mac=other,
           desc="DISCOVER broadcast flag, another source MAC")


@scenario("discover-requested-free")
def _(t):
    """DISCOVER with option 50 for a free pool address: that address is offered."""
    t.discover(t.client(1), req="172.18.20.15")


@scenario("discover-requested-out-of-pool")
def _(t):
    """DISCOVER asking for an in-subnet, out-of-pool address: a pool address instead."""
    t.discover(t.client(1), req=OUT_OF_POOL)


@scenario("discover-requested-other-subnet")
def _(t):
    """DISCOVER asking for an address of no subnet."""
    t.discover(t.client(1), req=OTHER_NET)


@scenario("discover-twice-same-offer")
def _(t):
    """An OFFER writes no lease in 2.2, but the iterative allocator moves on: the same client's
    second DISCOVER is offered the next address (Kea 2.2: .10 then .11)."""
    c = t.client(1)
    t.discover(c)
    t.discover(c)


@scenario("discover-after-ack")
def _(t):
    """A bound client DISCOVERs again: it is offered its own lease."""
    c = t.client(1)
    t.dora(c)
    t.discover(c)


@scenario("discover-unknown-relay", ids=["DHCP4_SUBNET_SELECTION_FAILED"])
def _(t):
    """Relayed from a giaddr no subnet covers: dropped."""
    t.discover(t.client(1), relay=True, giaddr=RELAY_UNKNOWN_IP, expect="silence")


@scenario("discover-unicast-no-ciaddr")
def _(t):
    """A DISCOVER unicast to the server's address from 0.0.0.0 (not relayed, no ciaddr)."""
    t.send(t.msg(t.client(1), "DISCOVER"), path="unicast", src_ip="0.0.0.0",
           desc="DISCOVER unicast from 0.0.0.0")


@scenario("discover-secs-hops-relayed")
def _(t):
    """Relayed DISCOVER with secs and hops set: fields in the reply."""
    t.send(t.msg(t.client(1), "DISCOVER", secs=7, hops=3), path="relay",
           desc="DISCOVER relayed, secs 7 hops 3")


# =============================================================================================
# REQUEST in every state, authoritative and not

@both_auth("request-selecting")
def _(t, auth):
    """SELECTING: server id + option 50 from the OFFER: ACK."""
    t.dora(t.client(1))


@both_auth("request-selecting-not-offered")
def _(t, auth):
    """SELECTING for a free pool address other than the one offered."""
    c = t.client(1)
    o = t.discover(c)
    t.request(c, sid=o.sid or S, req="172.18.20.15", desc="REQUEST selecting .15 (offered .10)")


@both_auth("request-init-reboot-known")
def _(t, auth):
    """INIT-REBOOT (option 50, no server id) for the client's own lease: ACK."""
    c = t.client(1)
    a = t.dora(c)
    t.request(c, req=a.yiaddr or "172.18.20.10", desc="REQUEST init-reboot own address")


@both_auth("request-init-reboot-wrong-address", ids=["DHCP4_PACKET_NAK_0002"])
def _(t, auth):
    """INIT-REBOOT for another address than the client's lease: NAK."""
    c = t.client(1)
    t.dora(c)
    t.request(c, req="172.18.20.15", desc="REQUEST init-reboot .15 (lease is .10)")


@both_auth("request-init-reboot-unknown", ids=["DHCP4_INIT_REBOOT"],
           ids_noauth=["DHCP4_NO_LEASE_INIT_REBOOT"])
def _(t, auth):
    """INIT-REBOOT from a client the server has no lease for, free pool address."""
    t.request(t.client(1), req="172.18.20.15", expect="reply" if auth else "silence",
              desc="REQUEST init-reboot unknown client .15")


@both_auth("request-init-reboot-taken")
def _(t, auth):
    """INIT-REBOOT for an address leased to another client. Kea 2.2: silent, NAK when
    authoritative."""
    t.dora(t.client(1))
    t.request(t.client(2), req="172.18.20.10", expect="reply" if auth else "silence",
              desc="REQUEST init-reboot for client 1's .10")


@both_auth("request-init-reboot-relayed-known")
def _(t, auth):
    """Relayed INIT-REBOOT for the client's own lease."""
    c = t.client(1)
    a = t.dora(c, relay=True)
    t.request(c, relay=True, req=a.yiaddr or "172.18.10.10", desc="REQUEST init-reboot relayed")


@both_auth("request-init-reboot-relayed-unknown-link")
def _(t, auth):
    """Relayed INIT-REBOOT from a link with no subnet. Kea 2.2: NAK, authoritative or not."""
    t.request(t.client(1), relay=True, giaddr=RELAY_UNKNOWN_IP, req="172.18.30.50",
              desc="REQUEST init-reboot from unknown link")


@both_auth("request-renewing")
def _(t, auth):
    """RENEWING: unicast from ciaddr, no option 50, no server id: ACK unicast."""
    c = t.client(1)
    a = t.dora(c)
    t.request(c, unicast=True, ciaddr=a.yiaddr or "172.18.20.10", desc="REQUEST renewing")


@both_auth("request-rebinding")
def _(t, auth):
    """REBINDING: broadcast from ciaddr, no option 50, no server id."""
    c = t.client(1)
    a = t.dora(c)
    t.request(c, ciaddr=a.yiaddr or "172.18.20.10", desc="REQUEST rebinding")


@both_auth("request-renewing-unknown")
def _(t, auth):
    """RENEWING (unicast, ciaddr) from a client the server has no lease for. Kea 2.2: ACKs
    ciaddr (a new lease)."""
    t.request(t.client(1), unicast=True, ciaddr="172.18.20.15", desc="REQUEST renewing unknown")


@both_auth("request-rebinding-unknown")
def _(t, auth):
    """REBINDING (broadcast, ciaddr) from a client the server has no lease for. Kea 2.2: ACKs
    ciaddr (a new lease)."""
    t.request(t.client(1), ciaddr="172.18.20.15", desc="REQUEST rebinding unknown")


@both_auth("request-sid-no-addr")
def _(t, auth):
    """REQUEST with our server id but neither option 50 nor ciaddr, from a bound client: Kea
    ACKs the client's lease."""
    c = t.client(1)
    t.dora(c)
    t.request(c, sid=S, desc="REQUEST sid, no opt 50, no ciaddr")


@both_auth("request-no-sid-no-addr")
def _(t, auth):
    """REQUEST with no server id, no option 50, no ciaddr, unknown client (the broken client
    of the ARM's RFC violations): Kea allocates and ACKs."""
    t.request(t.client(1), desc="REQUEST bare")


@both_auth("request-sid-no-addr-unknown")
def _(t, auth):
    """REQUEST with our server id, neither option 50 nor ciaddr, from a client without a
    lease. Kea 2.2: allocates and ACKs."""
    t.request(t.client(1), sid=S, desc="REQUEST sid, no opt 50, no ciaddr, unknown client")


@both_auth("request-renewing-relayed")
def _(t, auth):
    """RENEWING through the relay: ciaddr and giaddr set, no option 50, no server id."""
    c = t.client(1)
    a = t.dora(c, relay=True)
    t.request(c, relay=True, ciaddr=a.yiaddr or "172.18.10.10", desc="REQUEST renewing relayed")


@both_auth("request-sid-no-addr-relayed")
def _(t, auth):
    """Relayed REQUEST with our server id, no option 50, no ciaddr, from a bound client."""
    c = t.client(1)
    t.dora(c, relay=True)
    t.request(c, relay=True, sid=S, desc="REQUEST relayed sid, no opt 50, no ciaddr")


@both_auth("request-other-server", ids=["DHCP4_PACKET_DROP_0003"])
def _(t, auth):
    """SELECTING another server's OFFER (server id 172.18.20.99): not for us, dropped."""
    c = t.client(1)
    t.discover(c)
    t.request(c, sid=OTHER_S, req="172.18.20.10", expect="silence",
              desc="REQUEST selecting other server")


@both_auth("request-out-of-pool-init-reboot")
def _(t, auth):
    """INIT-REBOOT for an address in the subnet but outside every pool, unknown client."""
    t.request(t.client(1), req=OUT_OF_POOL, expect="reply" if auth else "silence",
              desc="REQUEST init-reboot out of pool")


@both_auth("request-out-of-pool-selecting", ids=["ALLOC_ENGINE_V4_REQUEST_OUT_OF_POOL",
                                                "DHCP4_UNKNOWN_ADDRESS_REQUESTED"])
def _(t, auth):
    """SELECTING (our server id) for an in-subnet out-of-pool address. Kea 2.2: silent
    (ALLOC_ENGINE_V4_REQUEST_OUT_OF_POOL), authoritative or not."""
    t.request(t.client(1), sid=S, req=OUT_OF_POOL, expect="silence",
              desc="REQUEST selecting out of pool")


@both_auth("request-outside-subnet-init-reboot")
def _(t, auth):
    """INIT-REBOOT for an address outside the client's subnet."""
    t.request(t.client(1), req=OTHER_NET, expect="reply" if auth else "silence",
              desc="REQUEST init-reboot other network")


@both_auth("request-outside-subnet-bound")
def _(t, auth):
    """A bound client INIT-REBOOTs asking for an address outside its subnet."""
    c = t.client(1)
    t.dora(c)
    t.request(c, req=OTHER_NET, desc="REQUEST init-reboot other network, bound client")


@both_auth("request-outside-subnet-selecting")
def _(t, auth):
    """SELECTING (our server id) for an address of no subnet. Kea 2.2: silent, authoritative
    or not."""
    t.request(t.client(1), sid=S, req=OTHER_NET, expect="silence",
              desc="REQUEST selecting other network")


# =============================================================================================
# Pool exhaustion, expiry and reuse (small.json: pool 172.18.20.10-.11)

@scenario("pool-full", config="small.json", ids=["ALLOC_ENGINE_V4_ALLOC_FAIL",
                                                 "ALLOC_ENGINE_V4_ALLOC_FAIL_SUBNET",
                                                 "DHCP4_PACKET_NAK_0003"])
def _(t):
    """Two clients take the pool of two; a third gets nothing."""
    t.dora(t.client(1))
    t.dora(t.client(2))
    t.discover(t.client(3), expect="silence", desc="DISCOVER third client")


@scenario("pool-full-request", config="small.json")
def _(t):
    """Full pool, a third client sends a bare REQUEST (no server id, 50, ciaddr)."""
    t.dora(t.client(1))
    t.dora(t.client(2))
    t.request(t.client(3), desc="REQUEST bare, third client")


@scenario("pool-full-relayed", config="small.json", patch={
    "subnet4": [{"id": 20, "subnet": "172.18.20.0/24", "pools": [{"pool": "172.18.20.10-172.18.20.11"}]},
                {"id": 10, "subnet": "172.18.10.0/24", "pools": [{"pool": "172.18.10.10-172.18.10.11"}]}]})
def _(t):
    """Relayed: two clients fill the pool of subnet 10, a third is not answered."""
    t.dora(t.client(1), relay=True)
    t.dora(t.client(2), relay=True)
    t.discover(t.client(3), relay=True, expect="silence", desc="DISCOVER third client relayed")


@scenario("expired-reuse-full-pool", config="small.json", patch={"valid-lifetime": 2})
def _(t):
    """Pool of two full of expired, not yet reclaimed leases (reclaim timer 3600 s): a new
    client is offered one and gets it."""
    t.dora(t.client(1))
    t.dora(t.client(2))
    t.sleep(EXPIRE_WAIT, "(both leases expire)")
    t.dora(t.client(3), desc="third client")


@scenario("expired-reuse-relayed", config="small.json", patch={
    "valid-lifetime": 2,
    "subnet4": [{"id": 20, "subnet": "172.18.20.0/24", "pools": [{"pool": "172.18.20.10-172.18.20.11"}]},
                {"id": 10, "subnet": "172.18.10.0/24", "pools": [{"pool": "172.18.10.10-172.18.10.11"}]}]})
def _(t):
    """Relayed: the pool of two of subnet 10 full of expired leases, a new client gets one."""
    t.dora(t.client(1), relay=True)
    t.dora(t.client(2), relay=True)
    t.sleep(EXPIRE_WAIT, "(both leases expire)")
    t.dora(t.client(3), relay=True, desc="third client")


@scenario("expired-reuse-after-restart", config="small.json", patch={"valid-lifetime": 2})
def _(t):
    """The expired leases of a full pool come back from the lease file after a restart (not
    reclaimed at start-up): a new client gets one."""
    t.dora(t.client(1))
    t.dora(t.client(2))
    t.sleep(EXPIRE_WAIT, "(both leases expire)")
    t.restart()
    t.dora(t.client(3), desc="third client")


@scenario("expired-own-lease-discover", config="small.json", patch={"valid-lifetime": 2})
def _(t):
    """A client whose lease expired (unreclaimed) DISCOVERs again."""
    c = t.client(1)
    t.dora(c)
    t.sleep(EXPIRE_WAIT, "(lease expires)")
    t.dora(c, desc="again")


@scenario("expired-init-reboot", config="small.json", patch={"valid-lifetime": 2})
def _(t):
    """A client INIT-REBOOTs asking for its expired (unreclaimed) lease."""
    c = t.client(1)
    a = t.dora(c)
    t.sleep(EXPIRE_WAIT, "(lease expires)")
    t.request(c, req=a.yiaddr or "172.18.20.10", desc="REQUEST init-reboot expired lease")


@scenario("expired-other-client-requests", config="small.json", patch={"valid-lifetime": 2})
def _(t):
    """Another client INIT-REBOOTs asking for an expired lease's address. Kea 2.2: silent."""
    t.dora(t.client(1))
    t.sleep(EXPIRE_WAIT, "(lease expires)")
    t.request(t.client(2), req="172.18.20.10", expect="silence",
              desc="REQUEST init-reboot for expired .10")


@scenario("restart-keeps-leases")
def _(t):
    """The lease survives a restart (lease file reloaded): INIT-REBOOT is ACKed, the next
    client gets the next address."""
    c = t.client(1)
    a = t.dora(c)
    t.restart()
    t.request(c, req=a.yiaddr or "172.18.20.10", desc="REQUEST init-reboot after restart")
    t.discover(t.client(2), desc="DISCOVER second client after restart")


# =============================================================================================
# DECLINE and probation

@scenario("decline-basic", ids=["DHCP4_DECLINE_LEASE"])
def _(t):
    """DECLINE (option 50, server id) of the client's lease: no answer, the lease becomes
    declined (state 1, probation lifetime), the next client gets another address."""
    c = t.client(1)
    a = t.dora(c)
    t.decline(c, a.yiaddr or "172.18.20.10")
    t.discover(t.client(2), desc="DISCOVER second client")


@scenario("decline-probation-reoffer", config="small.json",
          patch={"decline-probation-period": 2})
def _(t):
    """After decline-probation-period (2 s, reclaim timer 3600 s) the declined address is
    offered again: pool of two, one declined, one leased, a third client gets the declined."""
    c = t.client(1)
    a = t.dora(c)
    t.decline(c, a.yiaddr or "172.18.20.10")
    t.dora(t.client(2), desc="second client")
    t.sleep(EXPIRE_WAIT, "(probation over)")
    t.dora(t.client(3), desc="third client")


@scenario("decline-probation-running", config="small.json")
def _(t):
    """Within the probation period the declined address is not offered: pool exhausted."""
    c = t.client(1)
    a = t.dora(c)
    t.decline(c, a.yiaddr or "172.18.20.10")
    t.dora(t.client(2), desc="second client")
    t.discover(t.client(3), expect="silence", desc="DISCOVER third client")


@scenario("decline-no-opt50", ids=["DHCP4_PACKET_DROP_0007"])
def _(t):
    """DECLINE without option 50 (the address only in ciaddr): dropped, lease unchanged."""
    c = t.client(1)
    a = t.dora(c)
    m = t.msg(c, "DECLINE", sid=S, prl=None, ciaddr=a.yiaddr or "172.18.20.10")
    t.send(m, path="bcast", expect="silence", desc="DECLINE without option 50",
           src_ip="0.0.0.0")
    t.discover(t.client(2), desc="DISCOVER second client")


@scenario("decline-other-hwaddr", ids=["DHCP4_DECLINE_LEASE_MISMATCH"])
def _(t):
    """DECLINE of client 1's address by another MAC (neither has a client-id): ignored."""
    t.dora(t.client(1, cid=False))
    t.decline(t.client(2, cid=False), "172.18.20.10", desc="DECLINE .10 by another MAC")
    t.request(t.client(1, cid=False), req="172.18.20.10", desc="REQUEST init-reboot owner")


@scenario("decline-other-client-id")
def _(t):
    """DECLINE of client 1's address with its MAC but another client-id: ignored."""
    t.dora(t.client(1))
    t.decline(t.client(1, cid=b"\x00other"), "172.18.20.10", desc="DECLINE .10 other client-id")
    t.request(t.client(1), req="172.18.20.10", desc="REQUEST init-reboot owner")


@scenario("decline-other-mac-same-cid")
def _(t):
    """DECLINE of client 1's address from another MAC carrying client 1's client-id. Kea 2.2
    (client-id match wins): declined."""
    c = t.client(1)
    t.dora(c)
    t.decline(t.client(2, cid=c.cid), "172.18.20.10", desc="DECLINE .10 other MAC same client-id")
    t.discover(t.client(3), desc="DISCOVER third client")


@scenario("decline-then-rediscover")
def _(t):
    """The declining client DISCOVERs again: not offered the declined address."""
    c = t.client(1)
    t.dora(c)
    t.decline(c, "172.18.20.10")
    t.dora(c, desc="again")


@scenario("decline-expired-lease", config="small.json", patch={"valid-lifetime": 2})
def _(t):
    """DECLINE of the client's own lease after it expired (not reclaimed)."""
    c = t.client(1)
    t.dora(c)
    t.sleep(EXPIRE_WAIT, "(lease expires)")
    t.decline(c, "172.18.20.10", desc="DECLINE expired .10")
    t.dora(t.client(2), desc="second client")


@scenario("decline-after-release")
def _(t):
    """DECLINE of an address the client has just RELEASEd (no lease any more)."""
    c = t.client(1)
    t.dora(c)
    t.release(c, "172.18.20.10")
    t.decline(c, "172.18.20.10", desc="DECLINE released .10")
    t.discover(t.client(2), req="172.18.20.10", desc="DISCOVER asking .10")


@scenario("decline-same-mac-no-cid")
def _(t):
    """DECLINE from the owner's MAC without the client-id its lease has. Kea 2.2 (no
    client-id: hardware address decides): declined."""
    t.dora(t.client(1))
    t.decline(t.client(1, cid=False), "172.18.20.10", desc="DECLINE .10 same MAC, no client-id")
    t.discover(t.client(3), desc="DISCOVER third client")


@scenario("decline-cid-added")
def _(t):
    """Lease taken without client-id; DECLINE from the same MAC now with a client-id. Kea 2.2:
    declined."""
    t.dora(t.client(1, cid=False))
    t.decline(t.client(1), "172.18.20.10", desc="DECLINE .10 same MAC, with client-id")
    t.discover(t.client(3), desc="DISCOVER third client")


@scenario("decline-relayed-other-subnet")
def _(t):
    """DECLINE of a direct client's lease (subnet 20) arriving through the relay (subnet 10).
    Kea 2.2: declined."""
    c = t.client(1)
    t.dora(c)
    t.decline(c, "172.18.20.10", relay=True, desc="DECLINE .20.10 relayed from subnet 10")
    t.discover(t.client(3), desc="DISCOVER third client")


@scenario("decline-ciaddr-set")
def _(t):
    """DECLINE with ciaddr = the declined address (RFC 2131 says 0) and option 50."""
    c = t.client(1)
    t.dora(c)
    t.decline(c, "172.18.20.10", ciaddr="172.18.20.10", desc="DECLINE with ciaddr set")
    t.discover(t.client(3), desc="DISCOVER third client")


@scenario("decline-no-server-id")
def _(t):
    """DECLINE without a server identifier: accepted (ARM, known RFC violations)."""
    c = t.client(1)
    t.dora(c)
    t.decline(c, "172.18.20.10", sid=None, desc="DECLINE without server id")
    t.discover(t.client(2), desc="DISCOVER second client")


@scenario("decline-other-server-id")
def _(t):
    """DECLINE naming another server: not for us."""
    c = t.client(1)
    t.dora(c)
    t.decline(c, "172.18.20.10", sid=OTHER_S, desc="DECLINE other server id")
    t.discover(t.client(2), desc="DISCOVER second client")


@scenario("decline-unleased-address")
def _(t):
    """DECLINE of a pool address nobody leases."""
    t.decline(t.client(1), "172.18.20.15", desc="DECLINE free .15")
    t.discover(t.client(2), req="172.18.20.15", desc="DISCOVER asking .15")


@scenario("decline-relayed")
def _(t):
    """Relayed DECLINE of the client's lease."""
    c = t.client(1)
    a = t.dora(c, relay=True)
    t.decline(c, a.yiaddr or "172.18.10.10", relay=True, desc="DECLINE relayed")
    t.discover(t.client(2), relay=True, desc="DISCOVER second client relayed")


# =============================================================================================
# RELEASE

@scenario("release-rediscover", ids=["DHCP4_RELEASE"])
def _(t):
    """Client 1 (.10) and client 2 (.11); client 1 RELEASEs and DISCOVERs again. Kea 2.2:
    the lease is deleted (lifetime-0 row) and the allocator goes on: .12."""
    c = t.client(1)
    t.dora(c)
    t.dora(t.client(2), desc="second client")
    t.release(c, "172.18.20.10")
    t.discover(c, desc="DISCOVER after release")


@scenario("release-rediscover-alone")
def _(t):
    """The only client RELEASEs and runs DORA again. Kea 2.2: .11 (not its old .10)."""
    c = t.client(1)
    t.dora(c)
    t.release(c, "172.18.20.10")
    t.dora(c, desc="after release")


@scenario("release-restart-new-client")
def _(t):
    """Two leases, the first RELEASEd, restart: a new client. Kea 2.2: .10 (the allocator
    starts again at the pool's start)."""
    c = t.client(1)
    t.dora(c)
    t.dora(t.client(2), desc="second client")
    t.release(c, "172.18.20.10")
    t.restart()
    t.dora(t.client(3), desc="third client after restart")


@scenario("release-other-mac-same-cid")
def _(t):
    """RELEASE of client 1's address from another MAC carrying client 1's client-id."""
    c = t.client(1)
    t.dora(c)
    t.release(t.client(2, cid=c.cid), "172.18.20.10", desc="RELEASE .10 other MAC same client-id")
    t.discover(t.client(3), desc="DISCOVER third client")


@scenario("release-rediscover-requesting-old")
def _(t):
    """After RELEASE the client DISCOVERs asking for its old address (option 50), as dhclient
    does. Kea 2.2: offers it."""
    c = t.client(1)
    t.dora(c)
    t.dora(t.client(2), desc="second client")
    t.release(c, "172.18.20.10")
    t.discover(c, req="172.18.20.10", desc="DISCOVER asking old .10")


@scenario("release-other-client-requests-released")
def _(t):
    """After client 1's RELEASE another client DISCOVERs asking for the released address."""
    c = t.client(1)
    t.dora(c)
    t.release(c, "172.18.20.10")
    t.dora(t.client(2), req="172.18.20.10", desc="client 2 asking .10")


@scenario("release-same-mac-no-cid")
def _(t):
    """RELEASE from the owner's MAC without the client-id its lease has."""
    t.dora(t.client(1))
    t.release(t.client(1, cid=False), "172.18.20.10", desc="RELEASE .10 same MAC, no client-id")
    t.discover(t.client(3), desc="DISCOVER third client")


@scenario("release-other-client-discover")
def _(t):
    """Client 1 RELEASEs; a new client DISCOVERs: which address?"""
    c = t.client(1)
    t.dora(c)
    t.release(c, "172.18.20.10")
    t.discover(t.client(2), desc="DISCOVER new client")


@scenario("release-by-other-client", ids=["DHCP4_RELEASE_FAIL_WRONG_CLIENT"])
def _(t):
    """RELEASE of client 1's address by another client: ignored, lease kept."""
    t.dora(t.client(1))
    t.release(t.client(2), "172.18.20.10", desc="RELEASE .10 by client 2")
    t.request(t.client(1), req="172.18.20.10", desc="REQUEST init-reboot owner")


@scenario("release-no-server-id")
def _(t):
    """RELEASE without server identifier: accepted (ARM)."""
    c = t.client(1)
    t.dora(c)
    t.release(c, "172.18.20.10", sid=None, desc="RELEASE without server id")
    t.discover(t.client(2), desc="DISCOVER second client")


@scenario("release-other-server-id")
def _(t):
    """RELEASE naming another server."""
    c = t.client(1)
    t.dora(c)
    t.release(c, "172.18.20.10", sid=OTHER_S, desc="RELEASE other server id")
    t.discover(t.client(2), desc="DISCOVER second client")


@scenario("release-unleased")
def _(t):
    """RELEASE of an address with no lease."""
    t.release(t.client(1), "172.18.20.15", desc="RELEASE unleased .15")


@scenario("release-then-init-reboot")
def _(t):
    """After RELEASE the client INIT-REBOOTs for its old address. Kea 2.2: silent (no lease,
    not authoritative)."""
    c = t.client(1)
    t.dora(c)
    t.release(c, "172.18.20.10")
    t.request(c, req="172.18.20.10", expect="silence", desc="REQUEST init-reboot after release")


@scenario("release-relayed")
def _(t):
    """RELEASE through the relay."""
    c = t.client(1)
    a = t.dora(c, relay=True)
    t.release(c, a.yiaddr or "172.18.10.10", relay=True, desc="RELEASE relayed")


# =============================================================================================
# INFORM

@scenario("inform-unicast")
def _(t):
    """INFORM unicast from a configured ciaddr: ACK without lease time, to ciaddr."""
    t.inform(t.client(1), "172.18.20.77")


@scenario("inform-relayed")
def _(t):
    """INFORM through the relay."""
    t.inform(t.client(1), "172.18.10.77", relay=True)


@scenario("inform-broadcast-ciaddr")
def _(t):
    """INFORM broadcast with ciaddr set."""
    t.inform(t.client(1), "172.18.20.77", unicast=False)


@scenario("inform-broadcast-no-ciaddr")
def _(t):
    """INFORM broadcast from 0.0.0.0 with ciaddr 0. Kea 2.2: silent."""
    t.inform(t.client(1), "0.0.0.0", unicast=False, expect="silence")


@scenario("inform-bound-client")
def _(t):
    """INFORM from a client holding a lease, no lease change."""
    c = t.client(1)
    a = t.dora(c)
    t.inform(c, a.yiaddr or "172.18.20.10")


# =============================================================================================
# Server-to-client message types sent to the server: dropped

def _server_type(mtype):
    def fn(t):
        t.send(t.msg(t.client(1), mtype, sid=S, yiaddr="172.18.20.10"), path="bcast",
               expect="silence", desc="%s sent to the server" % mtype)
    fn.__doc__ = "A DHCP%s sent to the server is dropped." % mtype
    return fn


for _mt in ("OFFER", "ACK", "NAK"):
    scenario("server-gets-%s" % _mt.lower(), ids=["DHCP4_PACKET_DROP_0006"])(_server_type(_mt))


@scenario("bootreply-op-discover")
def _(t):
    """op = 2 (BOOTREPLY) carrying a DISCOVER. Kea 2.2 ignores op and OFFERs; Kahu drops it
    as malformed (allow-list)."""
    t.send(t.msg(t.client(1), "DISCOVER", op=2), desc="op 2 DISCOVER")


@scenario("unknown-message-type", ids=["DHCP4_PACKET_DROP_0006"])
def _(t):
    """Option 53 = 18 (unknown): dropped."""
    t.send(t.msg(t.client(1), 18), expect="silence", desc="message type 18")


@scenario("leasequery-without-hook")
def _(t):
    """DHCPLEASEQUERY (10) relayed, no lease-query hook: dropped."""
    t.send(t.msg(t.client(1), 10, ciaddr="172.18.10.10"), path="relay", expect="silence",
           desc="LEASEQUERY relayed")


# =============================================================================================
# Reservations (reservations.json)

@scenario("res-hw-address", config="reservations.json")
def _(t):
    """hw-address reservation (out of pool, with host name): reserved address and name."""
    t.dora(t.client(0, mac=bytes.fromhex("02000000aa01")))


@scenario("res-client-id", config="reservations.json")
def _(t):
    """client-id reservation 01:02:00:00:00:aa:02."""
    t.dora(t.client(0, mac=bytes.fromhex("02000000aa02")))


@scenario("res-duid", config="reservations.json")
def _(t):
    """duid reservation: client-id type 255 + IAID + DUID (RFC 4361)."""
    duid = bytes.fromhex("0003000102000000aa04")
    t.dora(t.client(0, mac=bytes.fromhex("02000000aa44"), cid=b"\xff\x00\x00\x00\x01" + duid))


@scenario("res-in-pool-skipped", config="reservations.json")
def _(t):
    """An in-pool address (.10) reserved for another MAC is skipped for other clients."""
    t.dora(t.client(1))


@scenario("res-in-pool-owner", config="reservations.json")
def _(t):
    """The owner of the in-pool reservation gets .10 even asking for another address."""
    t.dora(t.client(0, mac=bytes.fromhex("02000000aa03")), req="172.18.20.15")


@scenario("res-fields-and-options", config="reservations.json")
def _(t):
    """Reservation with next-server, server-hostname, boot-file-name and its own options:
    siaddr, sname, file and host options override subnet/global ones."""
    t.dora(t.client(0, mac=bytes.fromhex("02000000aa05")), prl=[1, 3, 6, 15, 66, 67])


@scenario("res-hostname-only", config="reservations.json")
def _(t):
    """Reservation with only a host name: pool address, reserved name."""
    t.dora(t.client(0, mac=bytes.fromhex("02000000aa06"), hostname="own-name"))


@scenario("res-client-hostname-overridden", config="reservations.json")
def _(t):
    """Client sends its own host name; the reservation's wins."""
    t.dora(t.client(0, mac=bytes.fromhex("02000000aa01"), hostname="mine"))


@scenario("res-circuit-id", config="reservations.json")
def _(t):
    """circuit-id reservation: relayed with option 82 sub-option 1 'port-7'; 82 echoed."""
    t.dora(t.client(1), relay=True, opt82=b"\x01\x06port-7\x02\x03abc")


@scenario("res-hw-relayed", config="reservations.json")
def _(t):
    """hw-address reservation in the relayed subnet."""
    t.dora(t.client(0, mac=bytes.fromhex("02000000aa11")), relay=True)


@scenario("res-owner-init-reboot-other", config="reservations.json")
def _(t):
    """The owner of reservation .50 INIT-REBOOTs asking for pool address .15. Kea 2.2:
    silent."""
    t.request(t.client(0, mac=bytes.fromhex("02000000aa01")), req="172.18.20.15",
              expect="silence", desc="REQUEST init-reboot .15 by owner of .50")


@scenario("res-other-init-reboot-reserved", config="reservations.json")
def _(t):
    """A client INIT-REBOOTs for in-pool .10 reserved for someone else. Kea 2.2: silent."""
    t.request(t.client(1), req="172.18.20.10", expect="silence",
              desc="REQUEST init-reboot reserved .10")


@scenario("res-other-selecting-reserved", config="reservations.json")
def _(t):
    """A client SELECTING (our server id) out-of-pool .50 reserved for someone else. Kea 2.2:
    NAK."""
    t.request(t.client(1), sid=S, req="172.18.20.50", desc="REQUEST selecting reserved .50")


# =============================================================================================
# Client identification

@scenario("cid-same-mac-new-cid")
def _(t):
    """Same MAC, another client-id: another client (another address)."""
    t.dora(t.client(1))
    t.discover(t.client(1, cid=b"\x00new-id"), desc="DISCOVER same MAC new client-id")


@scenario("cid-match-client-id-false", patch={"match-client-id": False})
def _(t):
    """match-client-id false: same MAC with another client-id is the same client."""
    t.dora(t.client(1))
    t.discover(t.client(1, cid=b"\x00new-id"), desc="DISCOVER same MAC new client-id")


@scenario("cid-echo-false", patch={"echo-client-id": False})
def _(t):
    """echo-client-id false: no option 61 in replies."""
    t.dora(t.client(1))


@scenario("cid-then-none")
def _(t):
    """Bound with a client-id; the same MAC DISCOVERs without one."""
    t.dora(t.client(1))
    t.discover(t.client(1, cid=False), desc="DISCOVER same MAC without client-id")


@scenario("cid-hlen-zero")
def _(t):
    """hlen 0 and empty chaddr, only a client-id identifies the client (broadcast flag)."""
    c = t.client(1)
    t.send(t.msg(c, "DISCOVER", hlen=0, chaddr=b"", flags=0x8000), desc="DISCOVER hlen 0",
           src_mac=c.mac)


# =============================================================================================
# Options

@scenario("opt43-suboptions", config="vendor43.json")
def _(t):
    """Option 43 configured with no data of its own (ARM 8.2.13): built from the
    vendor-encapsulated-options-space sub-options acs-url (1) and vlan (2)."""
    t.dora(t.client(1), prl=[1, 3, 43])


@scenario("opt43-by-code", config="vendor43.json", transform=lambda d: d["option-data"].__setitem__(
    0, {"code": 43}))
def _(t):
    """The same with option 43 named by code only ({"code": 43})."""
    t.discover(t.client(1), prl=[1, 3, 43])


@scenario("opt43-not-requested", config="vendor43.json")
def _(t):
    """43 not in the PRL: not sent."""
    t.discover(t.client(1), prl=[1, 3])


def _v43(where_43, where_sub, sub_csv=True, always=False):
    """vendor43.json with option 43 (no data) and its sub-options at chosen levels: "global",
    "subnet" (both subnets), "none"."""
    def tr(d):
        o43 = {"name": "vendor-encapsulated-options"}
        if always:
            o43["always-send"] = True
        subs = [{"name": "acs-url", "space": "vendor-encapsulated-options-space",
                 "data": "http://acs.example/"},
                {"name": "vlan", "space": "vendor-encapsulated-options-space", "data": "123"}
                if sub_csv else {"code": 2, "space": "vendor-encapsulated-options-space",
                                 "csv-format": False, "data": "0000007b"}]
        d["option-data"] = ([o43] if where_43 == "global" else []) + \
            (subs if where_sub == "global" else [])
        for sn in d["subnet4"]:
            sn["option-data"] = sn.get("option-data", []) + \
                ([o43] if where_43 == "subnet" else []) + (subs if where_sub == "subnet" else [])
    return tr


@scenario("opt43-subnet-level", config="vendor43.json", transform=_v43("subnet", "subnet"))
def _(t):
    """Option 43 and its sub-options both configured in the subnet."""
    t.discover(t.client(1), prl=[1, 3, 43])


@scenario("opt43-global-subs-in-subnet", config="vendor43.json", transform=_v43("global", "subnet"))
def _(t):
    """Option 43 global (no data), its sub-options in the subnet. Kea 2.2: an empty 43 (the
    sub-options of the same level only)."""
    t.discover(t.client(1), prl=[1, 3, 43])


@scenario("opt43-subnet-subs-global", config="vendor43.json", transform=_v43("subnet", "global"))
def _(t):
    """Option 43 in the subnet (no data), its sub-options global. Kea 2.2: an empty 43."""
    t.discover(t.client(1), prl=[1, 3, 43])


@scenario("opt43-no-suboptions", config="vendor43.json", transform=_v43("global", "none"))
def _(t):
    """Option 43 configured with no data and no sub-option anywhere. Kea 2.2: an empty 43."""
    t.discover(t.client(1), prl=[1, 3, 43])


@scenario("opt43-hex-suboption", config="vendor43.json",
          transform=_v43("global", "global", sub_csv=False))
def _(t):
    """A sub-option given by code with csv-format false hex data."""
    t.discover(t.client(1), prl=[1, 3, 43])


@scenario("opt43-always-send", config="vendor43.json",
          transform=_v43("global", "global", always=True))
def _(t):
    """Option 43 always-send, not in the PRL."""
    t.discover(t.client(1), prl=[1, 3])


@scenario("opt43-relayed-vendor-class", config="vendor43.json")
def _(t):
    """Relayed client with a vendor class (60) asking for 43."""
    t.dora(t.client(1), relay=True, prl=[1, 3, 43], extra=[(60, b"vendor-x")])


@scenario("opt43-reservation", config="vendor43.json", transform=lambda d: d["subnet4"][0]
          .__setitem__("reservations", [{"hw-address": "02:00:00:00:00:01",
                                         "ip-address": "172.18.20.60", "option-data": [
                                             {"name": "vendor-encapsulated-options"},
                                             {"name": "vlan",
                                              "space": "vendor-encapsulated-options-space",
                                              "data": "7"}]}]))
def _(t):
    """Option 43 (no data) and a sub-option in a host reservation, other sub-options global.
    Kea 2.2: 43 holds the reservation's sub-option only."""
    t.discover(t.client(1), prl=[1, 3, 43])


@scenario("opt82-echo")
def _(t):
    """Relayed with option 82 (circuit-id, remote-id): echoed last in OFFER and ACK."""
    t.dora(t.client(1), relay=True, opt82=b"\x01\x04eth1\x02\x06\x00\x11\x22\x33\x44\x55")


@scenario("opt-max-message-size")
def _(t):
    """Option 57 = 576 with a long PRL."""
    t.discover(t.client(1), prl=list(range(1, 120)), extra=[(57, b"\x02\x40")])


@scenario("opt-client-fqdn")
def _(t):
    """Client FQDN option 81 (flags S=1 E=1, name host.example.org in wire format), DDNS off
    (no dhcp-ddns): what Kea answers in 81 and stores as host name."""
    t.dora(t.client(1), extra=[(81, b"\x05\x00\x00" + b"\x04host\x07example\x03org\x00")])


@scenario("opt-client-fqdn-ascii")
def _(t):
    """Client FQDN option 81 with E=0 (ASCII name "host.example.org", flags S=0 N=0)."""
    t.dora(t.client(1), extra=[(81, b"\x00\x00\x00host.example.org")])


@scenario("opt-hostname-sanitized")
def _(t):
    """Host name with characters outside the default hostname-char-set [^A-Za-z0-9.-]."""
    t.dora(t.client(1, hostname="bad_name!"))


@scenario("opt-next-server-global", patch={"next-server": "172.18.20.5",
                                           "boot-file-name": "boot.img",
                                           "server-hostname": "tftp.example.org"})
def _(t):
    """Global next-server / boot-file-name / server-hostname: siaddr, file, sname."""
    t.dora(t.client(1))


@scenario("opt-vendor-class")
def _(t):
    """Option 60 from the client: no effect on the reply."""
    t.discover(t.client(1), extra=[(60, b"MSFT 5.0")])


@scenario("opt-always-send", patch={"option-data": [
    {"name": "domain-name-servers", "data": "172.18.20.1"},
    {"name": "ntp-servers", "data": "172.18.20.3", "always-send": True},
    {"name": "cookie-servers", "data": "172.18.20.4"}]})
def _(t):
    """always-send ntp-servers is sent unrequested; cookie-servers only when asked."""
    t.discover(t.client(1), prl=[1, 3])
    t.discover(t.client(2), prl=[1, 8])


@scenario("opt-calculate-tee-times", patch={"renew-timer": None, "rebind-timer": None,
                                            "calculate-tee-times": True})
def _(t):
    """No timers configured, calculate-tee-times true: T1/T2 from t1/t2-percent."""
    t.dora(t.client(1))


# =============================================================================================
# DDNS (Kea 2.2 semantics): the client's name with option 81 or 12 against the ddns-* values,
# and the NameChangeRequests sent to the DDNS daemon of dhcp-ddns (recorded on RELAY_IP:53001
# and compared field by field, lease-expires-on aside).

def ddns(**more):
    p = {"dhcp-ddns": {"enable-updates": True, "server-ip": "172.18.10.254",
                       "server-port": 53001},
         "ddns-qualifying-suffix": "example.org", "valid-lifetime": 4000}
    p.update({k.replace("_", "-"): v for k, v in more.items()})
    return p


def fqdn(flags, name, wire=True, full=False):
    if not wire:
        return (81, bytes([flags, 0, 0]) + name.encode())
    data = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l)
    return (81, bytes([flags | 0x04, 0, 0]) + data + (b"\x00" if full else b""))


@scenario("ddns-hostname", patch=ddns())
def _(t):
    """Option 12 with one label: qualified with the suffix, both directions, TTL 1/3."""
    t.dora(t.client(1, hostname="Client-One"))


@scenario("ddns-hostname-qualified", patch=ddns())
def _(t):
    """Option 12 with several labels is kept as sent (no suffix)."""
    t.dora(t.client(1, hostname="pc.other.net"))


@scenario("ddns-hostname-relayed", patch=ddns())
def _(t):
    """Option 12 from a relayed client."""
    t.dora(t.client(2, hostname="relayed"), relay=True)


@scenario("ddns-hostname-no-client-id", patch=ddns())
def _(t):
    """No client-id: the DHCID is made from htype and chaddr (RFC 4701 type 0)."""
    t.dora(t.client(1, cid=False, hostname="nocid"))


@scenario("ddns-hostname-char-replacement", patch=ddns(hostname_char_replacement="x"))
def _(t):
    """hostname-char-replacement "x" for characters outside the set."""
    t.dora(t.client(1, hostname="a_b!c"))


@scenario("ddns-fqdn-server-updates", patch=ddns())
def _(t):
    """Option 81 S=1, partial name in wire format: qualified, S in the answer, both updates."""
    t.dora(t.client(1), extra=[fqdn(0x01, "host")])


@scenario("ddns-fqdn-full-name", patch=ddns())
def _(t):
    """Option 81 S=1 with a fully qualified name outside the suffix: kept."""
    t.dora(t.client(1), extra=[fqdn(0x01, "host.other.net", full=True)])


@scenario("ddns-fqdn-ascii", patch=ddns())
def _(t):
    """Option 81 with E=0 (ASCII name)."""
    t.dora(t.client(1), extra=[fqdn(0x01, "Host", wire=False)])


@scenario("ddns-fqdn-client-updates-forward", patch=ddns())
def _(t):
    """Option 81 S=0 N=0: the client updates A itself, the server only PTR."""
    t.dora(t.client(1), extra=[fqdn(0x00, "host")])


@scenario("ddns-fqdn-override-client-update", patch=ddns(ddns_override_client_update=True))
def _(t):
    """S=0 N=0 with ddns-override-client-update: the server does both, O set."""
    t.dora(t.client(1), extra=[fqdn(0x00, "host")])


@scenario("ddns-fqdn-no-update", patch=ddns())
def _(t):
    """N=1: no updates at all."""
    t.dora(t.client(1), extra=[fqdn(0x08, "host")])


@scenario("ddns-fqdn-override-no-update", patch=ddns(ddns_override_no_update=True))
def _(t):
    """N=1 with ddns-override-no-update: the server updates both, O set."""
    t.dora(t.client(1), extra=[fqdn(0x08, "host")])


@scenario("ddns-fqdn-n-and-s", patch=ddns())
def _(t):
    """N=1 and S=1 together (invalid, RFC 4702)."""
    t.dora(t.client(1), extra=[fqdn(0x09, "host")])


@scenario("ddns-fqdn-empty-name", patch=ddns())
def _(t):
    """Option 81 without a name: the server generates myhost-a-b-c-d.<suffix>."""
    t.dora(t.client(1), extra=[fqdn(0x01, "")])


@scenario("ddns-fqdn-and-hostname", patch=ddns())
def _(t):
    """Options 81 and 12 both sent: 81 wins, no option 12 in the answer."""
    t.dora(t.client(1, hostname="twelve"), extra=[fqdn(0x01, "eightyone")])


@scenario("ddns-replace-always", patch=ddns(ddns_replace_client_name="always",
                                            ddns_generated_prefix="gen"))
def _(t):
    """ddns-replace-client-name always: the sent name is replaced by gen-a-b-c-d."""
    t.dora(t.client(1, hostname="mine"))


@scenario("ddns-replace-when-not-present", patch=ddns(ddns_replace_client_name="when-not-present"))
def _(t):
    """when-not-present: a client without a name gets one (option 12 in the answer)."""
    t.dora(t.client(1))


@scenario("ddns-send-updates-off-in-subnet", patch=ddns(), transform=lambda d: d["subnet4"][0]
          .update({"ddns-send-updates": False}))
def _(t):
    """ddns-send-updates false in subnet 20 only: its client is not updated, subnet 10's is."""
    t.dora(t.client(1), extra=[fqdn(0x01, "direct")])
    t.dora(t.client(2), relay=True, extra=[fqdn(0x01, "relayed")])


@scenario("ddns-subnet-suffix", patch=ddns(), transform=lambda d: d["subnet4"][1]
          .update({"ddns-qualifying-suffix": "ten.example.org"}))
def _(t):
    """A subnet's own ddns-qualifying-suffix."""
    t.dora(t.client(2, hostname="relayed"), relay=True)


@scenario("ddns-conflict-resolution-off", patch=ddns(ddns_use_conflict_resolution=False))
def _(t):
    """ddns-use-conflict-resolution false reaches the request."""
    t.dora(t.client(1, hostname="nocr"))


@scenario("ddns-renew-same-name", patch=ddns())
def _(t):
    """A renewal (unicast, ciaddr) with the same name sends nothing more."""
    c = t.client(1, hostname="same")
    a = t.dora(c)
    t.request(c, unicast=True, ciaddr=a.yiaddr or "172.18.20.10", desc="REQUEST renewing")


@scenario("ddns-renew-update-on-renew", patch=ddns(ddns_update_on_renew=True))
def _(t):
    """ddns-update-on-renew: the renewal removes and adds again."""
    c = t.client(1, hostname="same")
    a = t.dora(c)
    t.request(c, unicast=True, ciaddr=a.yiaddr or "172.18.20.10", desc="REQUEST renewing")


@scenario("ddns-renew-new-name", patch=ddns())
def _(t):
    """A renewal with another name: the old name's records go, the new one's come."""
    c = t.client(1, hostname="first")
    a = t.dora(c)
    t.request(c, unicast=True, ciaddr=a.yiaddr or "172.18.20.10", hostname="second",
              desc="REQUEST renewing, new name")


@scenario("ddns-release", patch=ddns())
def _(t):
    """RELEASE removes the records."""
    c = t.client(1, hostname="gone")
    a = t.dora(c)
    t.release(c, a.yiaddr or "172.18.20.10")


@scenario("ddns-decline", patch=ddns())
def _(t):
    """DECLINE removes the records of the declined lease."""
    c = t.client(1, hostname="declined")
    a = t.dora(c)
    t.decline(c, a.yiaddr or "172.18.20.10")


@scenario("ddns-reserved-hostname", config="reservations.json", patch=ddns())
def _(t):
    """A reservation's host name is used (qualified) over the client's."""
    t.dora(t.client(0, mac=bytes.fromhex("02000000aa06"), hostname="own-name"))


@scenario("ddns-expired-reuse", config="small.json", patch=ddns(valid_lifetime=2))
def _(t):
    """A pool of two full of expired leases with names: a third client gets one; the expired
    lease's records go and the new client's come (TTL: the 600 s minimum)."""
    t.dora(t.client(1, hostname="one"))
    t.dora(t.client(2, hostname="two"))
    t.sleep(EXPIRE_WAIT, "(both leases expire)")
    t.dora(t.client(3, hostname="three"), desc="third client")


@scenario("ddns-client-returns-after-expiry", config="small.json", patch=ddns(valid_lifetime=2))
def _(t):
    """The same client returns after its lease expired (not reclaimed): remove and add."""
    c = t.client(1, hostname="back")
    t.dora(c)
    t.sleep(EXPIRE_WAIT, "(the lease expires)")
    t.dora(c, desc="again")


config_case("config-ddns-with-ddns-example", "Kea 2.2's with-ddns.json DDNS keys.",
            patch={"dhcp-ddns": {"enable-updates": True, "server-ip": "127.0.0.1",
                                 "server-port": 3432, "sender-ip": "127.0.0.1",
                                 "sender-port": 3433, "max-queue-size": 2048,
                                 "ncr-protocol": "UDP", "ncr-format": "JSON"},
                   "ddns-send-updates": True, "ddns-override-no-update": True,
                   "ddns-override-client-update": True,
                   "ddns-replace-client-name": "when-present",
                   "ddns-generated-prefix": "test.prefix",
                   "ddns-qualifying-suffix": "test.suffix.", "ddns-update-on-renew": False,
                   "ddns-use-conflict-resolution": True,
                   "hostname-char-set": "[^A-Za-z0-9.-]", "hostname-char-replacement": "x"})
config_case("config-ddns-ncr-tcp", "ncr-protocol TCP is refused.",
            patch={"dhcp-ddns": {"enable-updates": True, "ncr-protocol": "TCP"}})
config_case("config-ddns-same-socket", "sender and server on the same address and port.",
            patch={"dhcp-ddns": {"enable-updates": True, "server-ip": "127.0.0.1",
                                 "sender-ip": "127.0.0.1", "sender-port": 53001}})
config_case("config-ddns-bad-replace", "ddns-replace-client-name with an unknown mode.",
            patch={"ddns-replace-client-name": "sometimes"})
config_case("config-ddns-deprecated-in-dhcp-ddns", "2.2's old keys inside dhcp-ddns.",
            patch={"dhcp-ddns": {"enable-updates": False, "qualifying-suffix": "x.org",
                                 "replace-client-name": "always", "generated-prefix": "h"}})
config_case("config-ddns-subnet-keys", "ddns-* keys in a subnet and a shared network.",
            transform=lambda d: d["subnet4"][0].update({"ddns-send-updates": False,
                                                        "ddns-qualifying-suffix": "s.org",
                                                        "hostname-char-set": "[^a-z]",
                                                        "ddns-update-on-renew": True}))


# =============================================================================================
# Malformed packets: both servers must stay silent (or answer alike)

def _mal(name, doc, ids=(), expect="silence", **msgkw):
    def fn(t):
        c = t.client(1)
        m = t.msg(c, "DISCOVER")
        for k, v in msgkw.items():
            setattr(m, k, v(m) if callable(v) else v)
        t.send(m, expect=expect, desc=name, src_mac=c.mac)
        # The server is still there and answers a good client (asking for .15, so that what
        # the first message did to the allocator's cursor does not matter).
        t.discover(t.client(2), req="172.18.20.15", desc="DISCOVER good client")
    fn.__doc__ = doc
    scenario("malformed-" + name, ids=ids)(fn)


def _mal_kea_answers(name, doc, **kw):
    """A malformed message Kea 2.2 answers anyway (the step waits for an answer)."""
    _mal(name, doc, expect="reply", **kw)


_mal("no-cookie", "No magic cookie (zeros) in front of the options.",
     ids=["DHCP4_PACKET_DROP_0001"], cookie=b"\0\0\0\0")
_mal("bad-cookie", "Magic cookie mangled (63 82 53 64).", cookie=b"\x63\x82\x53\x64")
_mal("hlen-200", "hlen = 200 (more than the 16-byte chaddr).",
     ids=["DHCP4_PACKET_DROP_0001"], hlen=200)
_mal("no-message-type", "No option 53.", ids=["DHCP4_PACKET_DROP_0009"],
     options=lambda m: [o for o in m.options if o[0] != 53])
_mal_kea_answers("opt53-len2", "Option 53 with length 2 (Kea 2.2 reads the first byte).",
                 options=lambda m: [(53, b"\x01\x01")] + m.options[1:])
_mal("opt53-len0", "Option 53 with length 0.",
     options=lambda m: [(53, b"")] + m.options[1:])
_mal("opt53-zero", "Option 53 = 0.",
     options=lambda m: [(53, b"\x00")] + m.options[1:])
_mal_kea_answers("option-past-end", "The last option's length runs past the end of the packet "
                 "(no END, no padding).",
                 options=lambda m: m.options + [Opt(12, b"abc", length=40)], end=False, pad_to=0)
_mal_kea_answers("option-len-overrun-middle", "Option 50 claims 200 bytes inside a 300-byte "
                 "packet.", options=lambda m: m.options[:2]
                 + [Opt(50, b"\xac\x12\x14\x0f", length=200)] + m.options[2:])
_mal("opt50-len3", "Requested address (50) with length 3 (Kea 2.2: option buffer truncated).",
     ids=["DHCP4_PACKET_DROP_0001"],
     options=lambda m: m.options + [(50, b"\xac\x12\x14")])
_mal("opt54-len2", "Server identifier (54) with length 2 (Kea 2.2: option buffer truncated).",
     ids=["DHCP4_PACKET_DROP_0001"],
     options=lambda m: m.options + [(54, b"\xac\x12")])
_mal("opt61-len0", "Client identifier (61) with length 0 (Kea 2.2: malformed client-id).",
     ids=["DHCP4_PACKET_DROP_0007"],
     options=lambda m: [m.options[0], (61, b"")] + m.options[2:])
_mal("short-packet", "Only 200 bytes: cut inside the BOOTP header.", truncate=200)
_mal("header-only", "236-byte BOOTP header, no cookie, no options.", truncate=236, pad_to=0)
_mal_kea_answers("no-end", "Options without END and no padding (not malformed: answered).",
                 end=False, pad_to=0)
_mal_kea_answers("htype-6", "htype 6 (IEEE 802), hlen 6 (answered).", htype=6)
_mal_kea_answers("overload-loop", "Option 52 (overload = both) with sname/file holding another "
                 "option 52.", options=lambda m: m.options + [(52, b"\x03")],
                 sname=b"\x34\x01\x03\xff", file=b"\x34\x01\x03\xff")
_mal("two-message-types", "Two options 53 (DISCOVER then REQUEST).",
     options=lambda m: m.options + [(53, b"\x03")])


@scenario("malformed-truncated-udp")
def _(t):
    """UDP length says more than the IP datagram carries (raw frame). Kea 2.2 answers."""
    c = t.client(1)
    m = t.msg(c, "DISCOVER")
    from dhcp_diff import udp_frame, BCAST_MAC
    frame = bytearray(udp_frame(c.mac, BCAST_MAC, "0.0.0.0", "255.255.255.255", 68, 67,
                                m.encode()))
    ulen = 14 + 20 + 4
    frame[ulen:ulen + 2] = (len(m.encode()) + 8 + 100).to_bytes(2, "big")
    t.wire.drain()
    t.wire.send_frame(bytes(frame))
    reps = t.wire.collect(m.xid, "reply")
    t.steps.append({"step": len(t.steps) + 1, "desc": "DISCOVER with UDP length too long",
                    "path": "bcast", "expect": "reply", "sent": m.summary(),
                    "replies": [dict(r) for r in reps]})
    t.discover(t.client(2), req="172.18.20.15", desc="DISCOVER good client")


# =============================================================================================
# Configuration validation: kea-dhcp4 -t / kahu-dhcp4 -t on the same file, accept vs refuse

def _sub(i):
    def get(d):
        return d["subnet4"][i]
    return get


def _set(path_fn, key, value):
    def tr(d):
        path_fn(d)[key] = value
    return tr


def _append(path_fn, key, value):
    def tr(d):
        path_fn(d).setdefault(key, []).append(value)
    return tr


_root = lambda d: d  # noqa: E731

config_case("config-base-valid", "The base configuration is accepted by both.")
config_case("config-bad-ip-option", "routers = 300.1.1.1.",
            transform=_append(_sub(0), "option-data", {"name": "routers", "data": "300.1.1.1"}))
config_case("config-uint16-out-of-range", "max-dgram-reassembly (uint16) = 70000.",
            transform=_append(_root, "option-data", {"name": "max-dgram-reassembly",
                                                     "data": "70000"}))
config_case("config-bad-hex", "csv-format false with non-hex data.",
            transform=_append(_root, "option-data", {"name": "time-offset", "csv-format": False,
                                                     "data": "zz11"}))
config_case("config-unknown-option-name", "option-data with an unknown name.",
            transform=_append(_root, "option-data", {"name": "no-such-option", "data": "1"}))
config_case("config-option-def-code-0", "option-def with code 0 (PAD) in dhcp4.",
            transform=_append(_root, "option-def", {"name": "zero", "code": 0,
                                                    "type": "string"}))
config_case("config-option-def-code-255", "option-def with code 255 (END) in dhcp4.",
            transform=_append(_root, "option-def", {"name": "end-opt", "code": 255,
                                                    "type": "string"}))
config_case("config-option-def-standard-code", "option-def reusing a standard code (3).",
            transform=_append(_root, "option-def", {"name": "my-routers", "code": 3,
                                                    "type": "string"}))
config_case("config-option-def-standard-name", "option-def reusing a standard name (routers).",
            transform=_append(_root, "option-def", {"name": "routers", "code": 225,
                                                    "type": "string"}))
config_case("config-option-def-duplicate", "Two option-defs with the same code in dhcp4.",
            transform=_append(_root, "option-def", {"name": "site-name-2", "code": 224,
                                                    "type": "string"}))
config_case("config-option-def-bad-type", "option-def with an unknown type.",
            transform=_append(_root, "option-def", {"name": "blob", "code": 226,
                                                    "type": "blob"}))
config_case("config-option-def-43-sub-ok", "A sub-option definition in "
            "vendor-encapsulated-options-space is accepted.",
            transform=_append(_root, "option-def", {"name": "acs", "code": 1, "type": "string",
                                                    "space": "vendor-encapsulated-options-space"}))
config_case("config-option-data-no-def-custom-code", "option-data by code 230 without a "
            "definition and without data.",
            transform=_append(_root, "option-data", {"code": 230}))
config_case("config-option-data-code-and-name-mismatch", "option-data name routers with code 6.",
            transform=_append(_root, "option-data", {"name": "routers", "code": 6,
                                                     "data": "172.18.20.1"}))
config_case("config-pool-outside-subnet", "A pool outside its subnet.",
            transform=_set(_sub(0), "pools", [{"pool": "172.18.21.10-172.18.21.19"}]))
config_case("config-pool-reversed", "A pool range whose end is before its start.",
            transform=_set(_sub(0), "pools", [{"pool": "172.18.20.19-172.18.20.10"}]))
config_case("config-pool-overlap", "Two overlapping pools in one subnet.",
            transform=_set(_sub(0), "pools", [{"pool": "172.18.20.10-172.18.20.19"},
                                              {"pool": "172.18.20.15-172.18.20.25"}]))
config_case("config-duplicate-subnet-id", "Two subnets with id 20.",
            transform=_set(_sub(1), "id", 20))
config_case("config-duplicate-subnet-prefix", "The same prefix twice (ids 20 and 21).",
            transform=lambda d: d["subnet4"].append({"id": 21, "subnet": "172.18.20.0/24"}))
config_case("config-bad-prefix-length", "Subnet 172.18.20.0/33.",
            transform=_set(_sub(0), "subnet", "172.18.20.0/33"))
config_case("config-reservation-outside-subnet", "A reservation for 10.99.0.5 in subnet 20.",
            transform=_append(_sub(0), "reservations", {"hw-address": "02:00:00:00:00:77",
                                                        "ip-address": "10.99.0.5"}))
config_case("config-reservation-duplicate-hw", "Two reservations for the same hw-address.",
            transform=lambda d: d["subnet4"][0].__setitem__("reservations", [
                {"hw-address": "02:00:00:00:00:77", "ip-address": "172.18.20.50"},
                {"hw-address": "02:00:00:00:00:77", "ip-address": "172.18.20.51"}]))
config_case("config-reservation-duplicate-ip", "Two reservations for the same address.",
            transform=lambda d: d["subnet4"][0].__setitem__("reservations", [
                {"hw-address": "02:00:00:00:00:77", "ip-address": "172.18.20.50"},
                {"hw-address": "02:00:00:00:00:78", "ip-address": "172.18.20.50"}]))
config_case("config-reservation-two-identifiers", "A reservation with hw-address and client-id.",
            transform=lambda d: d["subnet4"][0].__setitem__("reservations", [
                {"hw-address": "02:00:00:00:00:77", "client-id": "01:02:00:00:00:00:77",
                 "ip-address": "172.18.20.50"}]))
config_case("config-valid-below-min", "valid-lifetime 100 below min-valid-lifetime 200.",
            patch={"valid-lifetime": 100, "min-valid-lifetime": 200})
config_case("config-renew-after-rebind", "renew-timer 600 > rebind-timer 500.",
            patch={"renew-timer": 600, "rebind-timer": 500, "valid-lifetime": 700})
config_case("config-bad-socket-type", "dhcp-socket-type bogus.",
            patch={"interfaces-config": {"dhcp-socket-type": "bogus"}})
config_case("config-unknown-key", "An unknown key in Dhcp4.", patch={"no-such-key": 1})
config_case("config-negative-lifetime", "valid-lifetime -1.", patch={"valid-lifetime": -1})
config_case("config-global-next-server-bad", "A global next-server that is no address.",
            patch={"next-server": "1.2.3"})
config_case("config-option-def-bad-name", "option-def with a space in its name.",
            patch={"option-def": [{"name": "my option", "code": 222, "type": "uint8"}]})
config_case("config-option-def-string-array", "option-def: an array of strings.",
            patch={"option-def": [{"name": "foo", "code": 222, "type": "string",
                                   "array": True}]})
config_case("config-option-def-code-0-other-space", "option-def code 0 outside dhcp4.",
            patch={"option-def": [{"name": "foo", "code": 0, "type": "uint8",
                                   "space": "my-space"}]})
config_case("config-renew-above-rebind", "renew-timer greater than rebind-timer.",
            patch={"renew-timer": 2000, "rebind-timer": 1000})
config_case("config-duplicate-option-data", "The same option twice at one level.",
            patch={"option-data": [{"name": "routers", "data": "172.18.20.1"},
                                   {"name": "routers", "data": "172.18.20.2"}]})
config_case("config-string-lifetime", "valid-lifetime as a string.",
            patch={"valid-lifetime": "600"})
config_case("config-authoritative-string", "authoritative as a string.",
            patch={"authoritative": "yes"})
config_case("config-subnet-id-zero", "A subnet with id 0.", transform=_set(_sub(0), "id", 0))
config_case("config-bad-relay-address", "relay ip-addresses with a non-address.",
            transform=_set(_sub(1), "relay", {"ip-addresses": ["not-an-ip"]}))
config_case("config-vivco-bad-data", "vivco-suboptions (124) data without enterprise length "
            "prefix.", transform=_append(_root, "option-data", {"name": "vivco-suboptions",
                                                                "data": "4491"}))


# option-data bytes (csv-format false) against the option's definition: Kea's option factory
# refuses what does not fit and keeps only part of some that do.
def _hex(code, data, **extra):
    return _append(_root, "option-data", dict({"code": code, "csv-format": False, "data": data},
                                              **extra))


def _def_and_hex(definition, data):
    def tr(d):
        d.setdefault("option-def", []).append(definition)
        d.setdefault("option-data", []).append({"code": definition["code"], "csv-format": False,
                                                "data": data})
    return tr


config_case("config-hex-ipv4-too-short", "dhcp-requested-address (50) as 2 bytes.",
            transform=_hex(50, "0A 0B"))
config_case("config-hex-ipv4-too-long", "subnet-mask (1) as 5 bytes (Kea keeps 4).",
            transform=_hex(1, "FFFFFF0001"))
config_case("config-hex-uint32-too-short", "dhcp-lease-time (51) as 3 bytes.",
            transform=_hex(51, "000E10"))
config_case("config-hex-uint16-sub-option", "interface-mtu (26) with a sub-option after it.",
            transform=_hex(26, "05DC0100"))
config_case("config-hex-address-list-partial", "nis-servers (41) as 5 bytes.",
            transform=_hex(41, "0A0B0C0D0E"))
config_case("config-hex-uint16-array-odd", "path-mtu-plateau-table (25) as 3 bytes.",
            transform=_hex(25, "010203"))
config_case("config-hex-uint16-array-empty", "path-mtu-plateau-table (25) without bytes.",
            transform=_hex(25, ""))
config_case("config-hex-boolean-empty", "ip-forwarding (19) without bytes.",
            transform=_hex(19, ""))
config_case("config-hex-boolean-2", "ip-forwarding (19) as 02.", transform=_hex(19, "02"))
config_case("config-hex-string-nuls", "host-name (12) as NULs only.", transform=_hex(12, "0000"))
config_case("config-hex-fqdn-incomplete", "v4-lost (137) without the final label.",
            transform=_hex(137, "03616263"))
config_case("config-hex-fqdn-root", "v4-lost (137) as the root name (Kea: truncated).",
            transform=_hex(137, "00"))
config_case("config-hex-fqdn-list-pointer", "sip-ua-cs-domains (141) with a pointer to the "
            "first name.", transform=_hex(141, "0361626300C000"))
config_case("config-hex-record-short", "client-ndi (94) as 2 of its 3 bytes.",
            transform=_hex(94, "0102"))
config_case("config-hex-custom-record-short", "A record option-def (uint8, ipv4-address) with "
            "4 bytes.", transform=_def_and_hex({"name": "my-rec", "code": 225, "type": "record",
                                                "record-types": "uint8, ipv4-address"},
                                               "010A0B0C"))
config_case("config-hex-custom-uint16-array-odd", "A uint16 array option-def with 3 bytes.",
            transform=_def_and_hex({"name": "my-list", "code": 226, "type": "uint16",
                                    "array": True}, "010203"))
config_case("config-hex-option-43-truncated-sub", "vendor-encapsulated-options (43) whose "
            "sub-option runs past the end (Kea drops it).", transform=_hex(43, "0102"))
config_case("config-hex-slp-scope-flag-2", "slp-service-scope (79) with a flag of 2.",
            transform=_hex(79, "02"))
config_case("config-hex-client-fqdn-n-and-s", "fqdn (81) with both N and S flags.",
            transform=_hex(81, "090000"))
config_case("config-hex-vivso-data-len-past-end", "vivso-suboptions (125) whose data-len runs "
            "past the end.", transform=_hex(125, "0000015363030178"))
config_case("config-csv-fqdn-root", "v4-lost (137) as \".\" (the root name: truncated).",
            transform=_append(_root, "option-data", {"code": 137, "data": "."}))


# =============================================================================================
# Client classes (classes.json): tests on options 93, 60 and relay sub-options, KNOWN/UNKNOWN,
# DROP, pools by client-class, required classes, the options and fixed fields of classes.

CLASS_PRL = [1, 3, 4, 6, 7, 8, 9, 10, 15, 42, 66, 67]


@scenario("class-pxe-efi", config="classes.json")
def _(t):
    """Option 93 = 7 joins pxe_efi (and pxe_any): the pxe_efi pool, next-server, server-hostname
    and boot-file-name of the first class that sets them, its domain-name and routers over the
    subnet's and global ones, pxe_any's time-servers."""
    t.dora(t.client(1), extra=[(93, b"\x00\x07")], prl=CLASS_PRL)


@scenario("class-pxe-bios", config="classes.json")
def _(t):
    """Option 93 = 0: only pxe_any, whose pool is the open one; its boot-file-name."""
    t.dora(t.client(2), extra=[(93, b"\x00\x00")], prl=CLASS_PRL)


@scenario("class-plain", config="classes.json")
def _(t):
    """No class options asked for: the open pool, the global next-server, UNKNOWN."""
    t.dora(t.client(3), prl=CLASS_PRL)


@scenario("class-phone", config="classes.json")
def _(t):
    """Option 60 'phone-x': the phone pool, the class's valid-lifetime, its ntp-servers over
    the global one, the pool's required class (log-servers) and the subnet's (cookie-servers,
    whose test matches any option 60)."""
    t.dora(t.client(4), extra=[(60, b"phone-x")], prl=CLASS_PRL)


@scenario("class-phone-lifetime-bounds", config="classes.json")
def _(t):
    """A phone asking for a long lease gets the class's max-valid-lifetime."""
    t.dora(t.client(5), extra=[(60, b"phone"), (51, b"\x00\x00\x27\x10")], prl=CLASS_PRL)


@scenario("class-vendor-builtin-fields", config="classes.json")
def _(t):
    """Option 60 'docsis3.0' joins VENDOR_CLASS_docsis3.0, whose definition sets next-server
    and boot-file-name; the subnet's required class matches too."""
    t.dora(t.client(6), extra=[(60, b"docsis3.0")], prl=CLASS_PRL)


@scenario("class-known", config="classes.json")
def _(t):
    """A reserved client is KNOWN: registered's lpr-servers."""
    t.dora(t.client(0, mac=bytes.fromhex("02000000aa01")), prl=CLASS_PRL)


@scenario("class-reservation-classes", config="classes.json")
def _(t):
    """A reservation's client-classes (pxe_any) are joined: its boot-file-name and options."""
    t.dora(t.client(0, mac=bytes.fromhex("02000000aa07")), prl=CLASS_PRL)


@scenario("class-unknown-stranger", config="classes.json")
def _(t):
    """member('UNKNOWN') with option 60 'stranger': impress-servers."""
    t.dora(t.client(7), extra=[(60, b"stranger")], prl=CLASS_PRL)


@scenario("class-known-not-stranger", config="classes.json")
def _(t):
    """A reserved client sending 'stranger' is not in stranger."""
    t.dora(t.client(0, mac=bytes.fromhex("02000000aa06")), extra=[(60, b"stranger")],
           prl=CLASS_PRL)


@scenario("class-relay4-circuit", config="classes.json")
def _(t):
    """relay4[1].hex == 'port-7': port7's domain-name in the relayed subnet."""
    t.dora(t.client(8), relay=True, opt82=b"\x01\x06port-7", prl=CLASS_PRL)


@scenario("class-drop-option", config="classes.json")
def _(t):
    """Option 60 'evil' joins DROP: no answer."""
    t.discover(t.client(9), extra=[(60, b"evil")], expect="silence")


@scenario("class-drop-mac", config="classes.json")
def _(t):
    """pkt4.mac == 02:00:00:00:00:ee joins DROP: no answer."""
    t.discover(t.client(0, mac=bytes.fromhex("0200000000ee")), expect="silence")


@scenario("class-inform-options", config="classes.json")
def _(t):
    """An INFORM from a PXE client gets the classes' options."""
    t.inform(t.client(10), "172.18.20.77", extra=[(93, b"\x00\x07")], prl=CLASS_PRL)


config_case("class-config-member-undefined",
            "member() of a class defined later is refused",
            config="classes.json",
            transform=lambda c: c["client-classes"].insert(
                0, {"name": "early", "test": "member('phone')"}))
config_case("class-config-builtin-test",
            "a built-in class with a test is refused",
            config="classes.json",
            transform=lambda c: c["client-classes"].append(
                {"name": "KNOWN", "test": "option[60].exists"}))
config_case("class-config-syntax",
            "a test that is not boolean is refused",
            config="classes.json",
            transform=lambda c: c["client-classes"].append(
                {"name": "bad", "test": "option[60].hex"}))


# =============================================================================================
# BOOTP (bootp.json: Kea's libdhcp_bootp.so; pools for the classes BOOTP and DHCP)

def bootp_request(t, c, **fields):
    """A BOOTREQUEST with vendor extensions (RFC 1497): the cookie, no option 53."""
    return Msg(xid=t.next_xid(), chaddr=c.mac, options=[], **fields)


@scenario("bootp-direct", config="bootp.json")
def _(t):
    """A BOOTP client gets an address of the BOOTP pool, with no DHCP options in the answer,
    padded to 300 octets, and an infinite lease."""
    t.send(bootp_request(t, t.client(1)), path="bcast", desc="BOOTREQUEST")


@scenario("bootp-relayed", config="bootp.json")
def _(t):
    """A relayed BOOTP client: the relayed subnet's pool, answered to the relay."""
    t.send(bootp_request(t, t.client(2)), path="relay", desc="BOOTREQUEST relayed")


@scenario("bootp-with-vendor-options", config="bootp.json")
def _(t):
    """RFC 1497 options in the request (host name, a vendor option) are read; the answer has
    the configured options."""
    m = bootp_request(t, t.client(3))
    m.options = [(12, b"printer"), (43, b"\x01\x02ab")]
    t.send(m, path="bcast", desc="BOOTREQUEST with options")


@scenario("bootp-dhcp-client-unchanged", config="bootp.json")
def _(t):
    """A DHCP client beside the hook: the DHCP pool, a normal DORA."""
    t.dora(t.client(4))


@scenario("bootp-twice-same-address", config="bootp.json")
def _(t):
    """The same BOOTP client asking twice keeps its address."""
    c = t.client(5)
    t.send(bootp_request(t, c), path="bcast", desc="BOOTREQUEST 1")
    t.send(bootp_request(t, c), path="bcast", desc="BOOTREQUEST 2")


@scenario("bootp-no-cookie", config="bootp.json")
def _(t):
    """Plain RFC 951 BOOTP (no magic cookie) is not supported: dropped."""
    m = bootp_request(t, t.client(6))
    m.cookie = b""
    m.end = False
    t.send(m, path="bcast", expect="silence", desc="BOOTREQUEST without cookie")


# =============================================================================================
# Flexible Option hook (flex_option.json: Debian's libdhcp_flex_option.so for Kea, Kahu's
# library of the same name): add, supersede, remove, csv-format and a client-class guard, each
# driven by the client's host name.

@scenario("flexopt-add-expression", config="flex_option.json", ids=["FLEX_OPTION_PROCESS_ADD"])
def _(t):
    """boot-file-name (67) is added as the host name + '.boot'; a client without a host name
    gets none (the expression is empty)."""
    t.dora(t.client(1, hostname="pc1"))
    t.dora(t.client(2))


@scenario("flexopt-supersede", config="flex_option.json", ids=["FLEX_OPTION_PROCESS_SUPERSEDE"])
def _(t):
    """Host name 'super': the configured domain-name is replaced by superseded.org; another
    host name keeps example.org (the expression is empty)."""
    t.dora(t.client(1, hostname="super"))
    t.dora(t.client(2, hostname="plain"))


@scenario("flexopt-remove", config="flex_option.json", ids=["FLEX_OPTION_PROCESS_REMOVE"])
def _(t):
    """Host name 'nontp': ntp-servers (42, asked for) is removed; 'plain' keeps it."""
    t.dora(t.client(1, hostname="nontp"))
    t.dora(t.client(2, hostname="plain"))


@scenario("flexopt-add-present", config="flex_option.json")
def _(t):
    """Host name 'present' asking for time-offset (2): the configured 3600 stays (add leaves an
    option that is there); without 2 in the PRL the option is absent and add sets 1."""
    t.dora(t.client(1, hostname="present"), prl=[1, 2, 3, 6, 12, 15, 51, 54])
    t.dora(t.client(2, hostname="present"))


@scenario("flexopt-csv-format", config="flex_option.json")
def _(t):
    """Host name 'mtu': interface-mtu (26) from the text '1400' through its uint16 definition."""
    t.dora(t.client(1, hostname="mtu"))


@scenario("flexopt-client-class", config="flex_option.json")
def _(t):
    """Option 60 'lab' puts the query in VENDOR_CLASS_lab: tftp-server-name (66) is set; a
    client without it gets none."""
    t.dora(t.client(1), extra=[(60, b"lab")])
    t.dora(t.client(2))
