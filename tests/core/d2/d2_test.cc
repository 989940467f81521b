// SPDX-License-Identifier: MPL-2.0
// kahu-dhcp-ddns: configuration, NameChangeRequests, update messages, TSIG and the RFC 4703
// transactions against an in-memory zone that applies RFC 2136 prerequisites and updates.
#include "d2/d2_config.h"
#include "d2/d2_server.h"
#include "d2/dns_message.h"
#include "d2/ncr.h"
#include "d2/updater.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/stats.h>
#include <map>
#include <optional>
#include <tuple>

namespace kahu::d2 {
namespace {

using nlohmann::json;

Bytes fromHex(const std::string& h) {
    Bytes b;
    for (size_t i = 0; i + 1 < h.size(); i += 2) {
        b.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
    }
    return b;
}

std::string toHex(const Bytes& b) {
    std::string s;
    char buf[3];
    for (uint8_t c : b) {
        std::snprintf(buf, sizeof buf, "%02x", c);
        s += buf;
    }
    return s;
}

const char* kConfig = R"({
"DhcpDdns": {
    "ip-address": "127.0.0.1",
    "port": 53001,
    "dns-server-timeout": 100,
    "ncr-protocol": "UDP",
    "ncr-format": "JSON",
    "control-socket": { "socket-type": "unix", "socket-name": "kahu-ddns-test" },
    "tsig-keys": [
        { "name": "k1.", "algorithm": "hmac-sha256", "secret": "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=" },
        { "name": "k2", "algorithm": "HMAC-MD5", "digest-bits": 120, "secret": "LSWXnfkKZjdPJI5QxlpnfQ==",
          "comment": "old" }
    ],
    "forward-ddns": { "ddns-domains": [
        { "name": "example.com.", "key-name": "k1.",
          "dns-servers": [ { "ip-address": "192.0.2.1" }, { "ip-address": "192.0.2.2", "port": 5353, "key-name": "k2" } ] },
        { "name": "sub.example.com", "dns-servers": [ { "ip-address": "192.0.2.3" } ] },
        { "name": "*", "dns-servers": [ { "ip-address": "192.0.2.9" } ] }
    ] },
    "reverse-ddns": { "ddns-domains": [
        { "name": "2.0.192.in-addr.arpa.", "key-name": "k1.", "dns-servers": [ { "ip-address": "192.0.2.1" } ] }
    ] },
    "user-context": { "a": 1 },
    "loggers": [ { "name": "kea-dhcp-ddns", "severity": "INFO" } ]
}
})";

std::string configError(const std::string& text) {
    try {
        D2Config::fromText(text, "d2.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

std::string withD2(const std::string& inner) {
    return std::string("{\n\"DhcpDdns\": {\n") + inner + "\n}\n}";
}

TEST(D2Config, ReadsKeaFile) {
    D2Config c = D2Config::fromText(kConfig, "d2.json");
    EXPECT_EQ(c.ipAddress, "127.0.0.1");
    EXPECT_EQ(c.port, 53001);
    EXPECT_EQ(c.dnsServerTimeout.count(), 100);
    EXPECT_EQ(c.controlSocket, "kahu-ddns-test");
    ASSERT_EQ(c.keys.size(), 2u);
    EXPECT_EQ(c.keys.at("k1.").algorithm, "HMAC-SHA256");
    EXPECT_EQ(c.keys.at("k1.").secret.size(), 32u);
    EXPECT_EQ(c.keys.at("k2").digestBits, 120u);
    EXPECT_EQ(c.keys.at("k2").secret.size(), 16u);
    ASSERT_EQ(c.forward.size(), 3u);
    EXPECT_EQ(c.forward[1].name, "sub.example.com.");
    EXPECT_EQ(c.forward[0].servers[1].port, 5353);
    EXPECT_EQ(c.forward[0].servers[0].port, 53);
    EXPECT_EQ(c.forward[0].servers[1].keyName, "k2");
    EXPECT_EQ(c.reverse.size(), 1u);
    EXPECT_EQ(c.raw["DhcpDdns"]["forward-ddns"]["ddns-domains"][1]["dns-servers"][0]["port"], 53);
    EXPECT_EQ(c.raw["DhcpDdns"]["user-context"]["a"], 1);
}

TEST(D2Config, DefaultsAsKea) {
    D2Config c = D2Config::fromText(withD2(""), "d2.json");
    EXPECT_EQ(c.ipAddress, "127.0.0.1");
    EXPECT_EQ(c.port, 53001);
    EXPECT_EQ(c.dnsServerTimeout.count(), 100);
    EXPECT_TRUE(c.controlSocket.empty());
}

TEST(D2Config, ErrorsNameFileLineColumnAndPath) {
    EXPECT_EQ(configError(withD2("\"ip-adress\": \"127.0.0.1\""))
                  .rfind("d2.json:3:1: DhcpDdns.ip-adress: unknown key 'ip-adress'", 0),
              0u)
        << configError(withD2("\"ip-adress\": \"127.0.0.1\""));
    EXPECT_NE(
        configError(withD2("\"ncr-protocol\": \"TCP\""))
            .find("d2.json:3:1: DhcpDdns.ncr-protocol: ncr-protocol TCP is not yet supported"),
        std::string::npos)
        << configError(withD2("\"ncr-protocol\": \"TCP\""));
    std::string e = configError(withD2("\"tsig-keys\": [ { \"name\": \"k\", \"algorithm\": "
                                       "\"HMAC-SHA3\", \"secret\": \"AAAA\" } ]"));
    EXPECT_NE(e.find("DhcpDdns.tsig-keys[0].algorithm: TSIG key algorithm 'HMAC-SHA3'"),
              std::string::npos)
        << e;
    e = configError(withD2(
        "\"forward-ddns\": { \"ddns-domains\": [ { \"name\": \"a.\", \"key-name\": \"nokey\", "
        "\"dns-servers\": [ { \"ip-address\": \"192.0.2.1\" } ] } ] }"));
    EXPECT_NE(
        e.find("DhcpDdns.forward-ddns.ddns-domains[0].key-name: TSIG key 'nokey' is not defined"),
        std::string::npos)
        << e;
    e = configError(withD2("\"forward-ddns\": { \"ddns-domains\": [ { \"name\": \"a.\", "
                           "\"dns-servers\": [ { \"ip-address\": \"192.0.2.300\" } ] } ] }"));
    EXPECT_NE(e.find("dns-servers[0].ip-address: '192.0.2.300' is not an IP address"),
              std::string::npos)
        << e;
    e = configError(withD2(
        "\"forward-ddns\": { \"ddns-domains\": [ { \"name\": \"a.\", \"dns-servers\": [] } ] }"));
    EXPECT_NE(e.find("ddns-domains[0].dns-servers: 'dns-servers' must be a non-empty list"),
              std::string::npos)
        << e;
    e = configError(withD2("\"tsig-keys\": [ { \"name\": \"k\", \"algorithm\": \"HMAC-MD5\", "
                           "\"secret\": \"not base64!\" } ]"));
    EXPECT_NE(e.find("tsig-keys[0].secret: the secret is not valid base64"), std::string::npos)
        << e;
    e = configError(withD2("\"tsig-keys\": [ { \"name\": \"k\", \"algorithm\": \"HMAC-SHA256\", "
                           "\"digest-bits\": 100, \"secret\": \"AAAA\" } ]"));
    EXPECT_NE(e.find("tsig-keys[0].digest-bits: digest-bits must be 0 or a multiple of 8"),
              std::string::npos)
        << e;
    e = configError(withD2("\"port\": 70000"));
    EXPECT_NE(e.find("DhcpDdns.port: expected an integer in 1-65535"), std::string::npos) << e;
    e = configError("{ \"Dhcp7\": {} }");
    EXPECT_NE(e.find("expected a map with a 'DhcpDdns' entry"), std::string::npos) << e;
    e = configError(withD2("\"tsig-keys\": [ { \"name\": \"k\", \"algorithm\": \"HMAC-MD5\", "
                           "\"secret-file\": \"/x\" } ]"));
    EXPECT_NE(e.find("tsig-keys[0].secret-file: unknown key 'secret-file'"), std::string::npos)
        << e;
}

TEST(D2Config, DomainMatchIsLongestSuffixThenWildcard) {
    D2Config c = D2Config::fromText(kConfig, "d2.json");
    EXPECT_EQ(D2Config::match(c.forward, "host.example.com.")->name, "example.com.");
    EXPECT_EQ(D2Config::match(c.forward, "HOST.Sub.Example.COM")->name, "sub.example.com.");
    EXPECT_EQ(D2Config::match(c.forward, "example.com.")->name, "example.com.");
    // A label boundary is required: "badexample.com." is not in "example.com.".
    EXPECT_EQ(D2Config::match(c.forward, "badexample.com.")->name, "*");
    EXPECT_EQ(D2Config::match(c.reverse, "10.2.0.192.in-addr.arpa.")->name,
              "2.0.192.in-addr.arpa.");
    EXPECT_EQ(D2Config::match(c.reverse, "10.3.0.192.in-addr.arpa."), nullptr);
    EXPECT_EQ(D2Config::reverseName("192.0.2.10"), "10.2.0.192.in-addr.arpa.");
    EXPECT_EQ(D2Config::reverseName("1.2.3.4"), "4.3.2.1.in-addr.arpa.");
    EXPECT_THROW(D2Config::reverseName("2001:db8::1"), std::invalid_argument);
}

json goodNcr() {
    return json{{"change-type", 0},
                {"forward-change", true},
                {"reverse-change", true},
                {"fqdn", "host.example.com"},
                {"ip-address", "192.0.2.10"},
                {"dhcid", "000101C7AA8E81C1A0A9F51C4E4C3B1E8D3B00A0B0C0D0E0F00112233445566778899A"},
                {"lease-expires-on", "20261204010203"},
                {"lease-length", 1200},
                {"use-conflict-resolution", true}};
}

TEST(D2Ncr, ParsesEveryField) {
    NameChangeRequest n = NameChangeRequest::fromJson(goodNcr());
    EXPECT_EQ(n.changeType, ChangeType::Add);
    EXPECT_TRUE(n.forwardChange);
    EXPECT_TRUE(n.reverseChange);
    EXPECT_EQ(n.fqdn, "host.example.com.");
    EXPECT_EQ(n.ipAddress, "192.0.2.10");
    EXPECT_EQ(n.dhcid.size(), 35u);
    EXPECT_EQ(n.dhcid[0], 0x00);
    EXPECT_EQ(n.dhcid[2], 0x01);
    EXPECT_EQ(n.leaseExpiresOn, "20261204010203");
    EXPECT_EQ(n.leaseLength, 1200u);
    EXPECT_TRUE(n.useConflictResolution);
    json j = goodNcr();
    j.erase("use-conflict-resolution"); // absent in older senders: on
    EXPECT_TRUE(NameChangeRequest::fromJson(j).useConflictResolution);
    j["use-conflict-resolution"] = false;
    j["change-type"] = 1;
    n = NameChangeRequest::fromJson(j);
    EXPECT_FALSE(n.useConflictResolution);
    EXPECT_EQ(n.changeType, ChangeType::Remove);
    // The wire form round-trips.
    Bytes w = n.toWire();
    EXPECT_EQ((w[0] << 8) | w[1], static_cast<int>(w.size() - 2));
    NameChangeRequest back = NameChangeRequest::fromWire(w.data(), w.size());
    EXPECT_EQ(back.toJson(), n.toJson());
}

TEST(D2Ncr, RefusesMalformed) {
    auto error = [](const json& j) {
        try {
            NameChangeRequest::fromJson(j);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    std::vector<std::tuple<std::string, json, std::string>> cases = {
        {"change-type", 2, "'change-type' must be 0 (add) or 1 (remove)"},
        {"change-type", "0", "'change-type' must be 0 (add) or 1 (remove)"},
        {"forward-change", "yes", "'forward-change' must be a boolean"},
        {"reverse-change", 1, "'reverse-change' must be a boolean"},
        {"fqdn", "", "'fqdn' is empty"},
        {"fqdn", "a..b", "'fqdn': empty label"},
        {"fqdn", 5, "'fqdn' must be a string"},
        {"ip-address", "192.0.2", "'ip-address' 192.0.2 is not an IPv4 address"},
        {"ip-address", "2001:db8::1", "is IPv6"},
        {"dhcid", "0A1", "'dhcid' must be a non-empty even-length hex string"},
        {"dhcid", "", "'dhcid' must be a non-empty even-length hex string"},
        {"dhcid", "0G", "'dhcid' is not a hex string"},
        {"lease-expires-on", "2026-12-04", "'lease-expires-on' must be YYYYMMDDHHMMSS"},
        {"lease-length", -1, "'lease-length' must be an integer"},
        {"lease-length", "1200", "'lease-length' must be an integer"},
        {"use-conflict-resolution", "true", "'use-conflict-resolution' must be a boolean"},
    };
    for (const auto& [field, value, text] : cases) {
        json j = goodNcr();
        j[field] = value;
        EXPECT_NE(error(j).find(text), std::string::npos) << field << ": " << error(j);
    }
    for (const char* field : {"change-type", "forward-change", "reverse-change", "fqdn",
                              "ip-address", "dhcid", "lease-expires-on", "lease-length"}) {
        json j = goodNcr();
        j.erase(field);
        EXPECT_EQ(error(j), std::string("'") + field + "' is missing");
    }
    json j = goodNcr();
    j["forward-change"] = false;
    j["reverse-change"] = false;
    EXPECT_EQ(error(j), "'forward-change' and 'reverse-change' are both false");
    EXPECT_EQ(error(json::array()), "a request must be a JSON map");
    EXPECT_THROW(NameChangeRequest::fromText("{not json"), std::invalid_argument);
    const uint8_t shortWire[] = {0x00, 0x10, '{', '}'};
    EXPECT_THROW(NameChangeRequest::fromWire(shortWire, sizeof shortWire), std::invalid_argument);
    EXPECT_THROW(NameChangeRequest::fromWire(shortWire, 1), std::invalid_argument);
}

TEST(D2Dns, AddForwardBytes) {
    NameChangeRequest n = NameChangeRequest::fromJson(goodNcr());
    n.fqdn = "h.ex.";
    n.dhcid = {0x00, 0x01, 0x01, 0xab};
    UpdateMessage m = Updater::addForward(n, "ex.");
    m.id = 0x1234;
    const std::string expected = "1234"
                                 "2800"
                                 "0001"
                                 "0001"
                                 "0002"
                                 "0000" // header: UPDATE, 1 zone, 1 prereq, 2 updates
                                 "02657800"
                                 "0006"
                                 "0001" // zone ex. SOA IN
                                 "016802657800"
                                 "00ff"
                                 "00fe"
                                 "00000000"
                                 "0000" // h.ex. ANY NONE: name not in use
                                 "016802657800"
                                 "0001"
                                 "0001"
                                 "000004b0"
                                 "0004"
                                 "c000020a" // A 192.0.2.10 ttl 1200
                                 "016802657800"
                                 "0031"
                                 "0001"
                                 "000004b0"
                                 "0004"
                                 "000101ab"; // DHCID
    EXPECT_EQ(toHex(m.toWire()), expected);

    UpdateMessage r = Updater::replaceReverse(n, "2.0.192.in-addr.arpa.");
    ASSERT_EQ(r.updates.size(), 4u);
    EXPECT_EQ(r.updates[0].name, "10.2.0.192.in-addr.arpa.");
    EXPECT_EQ(r.updates[0].klass, rrclass::kAny);
    EXPECT_EQ(r.updates[2].type, rrtype::kPtr);
    EXPECT_EQ(toHex(r.updates[2].rdata), "0168026578"
                                         "00");
    EXPECT_EQ(r.updates[3].type, rrtype::kDhcid);
    EXPECT_EQ(r.updates[3].ttl, 1200u);
}

TEST(D2Dns, ParsesCompressedAnswer) {
    // The query nsupdate sent, used as a message with compression and a TSIG.
    Bytes wire = fromHex(
        "f77428000001000000010001076578616d706c6503636f6d000006000104686f7374c00c000100010000012c"
        "0004c000020a0864646e732d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b120a"
        "d8012c00202833c0d21a05056e64588716638c28f2ddf045525005901949d877f0ed646475f77400000000");
    Response r = parseResponse(wire);
    EXPECT_EQ(r.id, 0xf774);
    EXPECT_FALSE(r.isResponse);
    EXPECT_EQ(r.opcode, 5);
    ASSERT_TRUE(r.tsig.has_value());
    EXPECT_EQ(r.tsig->keyName, "ddns-key.");
    EXPECT_EQ(r.tsig->algorithm, "hmac-sha256.");
    EXPECT_EQ(r.tsig->mac.size(), 32u);
    EXPECT_EQ(r.tsig->fudge, 300);
    Bytes cut(wire.begin(), wire.begin() + 20);
    EXPECT_THROW(parseResponse(cut), std::invalid_argument);
}

TsigKey testKey() {
    return TsigKey{"ddns-key.", "HMAC-SHA256",
                   Bytes{'1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '1',
                         '2', '3', '4', '5', '6', '7', '8', '9', '0', '1', '2',
                         '3', '4', '5', '6', '7', '8', '9', '0', '1', '2'},
                   0};
}

TEST(D2Tsig, Rfc4231Hmac) {
    TsigKey k{"k.", "HMAC-SHA256", Bytes{'J', 'e', 'f', 'e'}, 0};
    const std::string data = "what do ya want for nothing?";
    EXPECT_EQ(toHex(hmac(k, Bytes(data.begin(), data.end()))),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    k.algorithm = "HMAC-MD5";
    EXPECT_EQ(toHex(hmac(k, Bytes(data.begin(), data.end()))), "750c783e6ab0b503eaa86e310a5db738");
}

TEST(D2Tsig, VerifiesWhatNsupdateSigned) {
    Bytes wire = fromHex(
        "f77428000001000000010001076578616d706c6503636f6d000006000104686f7374c00c000100010000012c"
        "0004c000020a0864646e732d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b120a"
        "d8012c00202833c0d21a05056e64588716638c28f2ddf045525005901949d877f0ed646475f77400000000");
    TsigKey key = testKey();
    EXPECT_EQ(tsigVerify(wire, parseResponse(wire), key, {}), TsigVerdict::Ok);
    Bytes bad = wire;
    bad[46] ^= 1; // the A record's address
    EXPECT_EQ(tsigVerify(bad, parseResponse(bad), key, {}), TsigVerdict::BadMac);
    key.secret[0] ^= 1;
    EXPECT_EQ(tsigVerify(wire, parseResponse(wire), key, {}), TsigVerdict::BadMac);
    key.name = "other.";
    EXPECT_EQ(tsigVerify(wire, parseResponse(wire), key, {}), TsigVerdict::KeyMismatch);

    // Signing the same message (TSIG removed) at the same time gives nsupdate's MAC.
    Bytes unsigned_(wire.begin(),
                    wire.begin() + static_cast<long>(parseResponse(wire).tsig->offset));
    unsigned_[11] = 0; // ARCOUNT without the TSIG
    Bytes mac = tsigSign(unsigned_, testKey(), 0x6b120ad8, 300);
    EXPECT_EQ(toHex(mac), "2833c0d21a05056e64588716638c28f2ddf045525005901949d877f0ed646475");
    EXPECT_EQ(toHex(unsigned_), toHex(wire));
}

TEST(D2Tsig, TruncatedMac) {
    TsigKey key = testKey();
    key.digestBits = 128;
    UpdateMessage m;
    m.id = 7;
    m.zone = "example.com.";
    Bytes wire = m.toWire();
    Bytes mac = tsigSign(wire, key, 1000);
    EXPECT_EQ(mac.size(), 16u);
    EXPECT_EQ(parseResponse(wire).tsig->mac, mac);
    EXPECT_EQ(tsigVerify(wire, parseResponse(wire), key, {}), TsigVerdict::Ok);
}

// An authoritative server for one zone in memory, applying RFC 2136 sections 3.2 and 3.4.
class FakeDns : public DnsTransport {
public:
    struct Key {
        std::string name;
        uint16_t type;
        Bytes rdata;
        bool operator<(const Key& o) const {
            return std::tie(name, type, rdata) < std::tie(o.name, o.type, o.rdata);
        }
    };
    std::map<Key, uint32_t> records;      // -> ttl
    std::map<std::string, int> downUntil; // server address -> tries to time out
    std::vector<std::string> asked;       // server addresses, in order
    std::optional<TsigKey> key;           // when set, requests must be signed with it
    int badsig = 0;                       // answer this many with NOTAUTH/BADSIG

    bool nameInUse(const std::string& n) const {
        for (const auto& [k, ttl] : records) {
            if (k.name == n) {
                return true;
            }
        }
        return false;
    }
    bool rrsetExists(const std::string& n, uint16_t t) const {
        for (const auto& [k, ttl] : records) {
            if (k.name == n && k.type == t) {
                return true;
            }
        }
        return false;
    }

    static std::string readName(const Bytes& b, size_t& at) {
        std::string out;
        while (b[at] != 0) {
            out.append(reinterpret_cast<const char*>(&b[at + 1]), b[at]);
            out += '.';
            at += 1 + b[at];
        }
        ++at;
        return out;
    }

    int apply(const Bytes& q) {
        size_t at = 12;
        readName(q, at);
        at += 4;
        auto rr = [&](ResourceRecord& r) {
            r.name = readName(q, at);
            r.type = static_cast<uint16_t>((q[at] << 8) | q[at + 1]);
            r.klass = static_cast<uint16_t>((q[at + 2] << 8) | q[at + 3]);
            size_t len = static_cast<size_t>((q[at + 8] << 8) | q[at + 9]);
            r.rdata.assign(q.begin() + static_cast<long>(at + 10),
                           q.begin() + static_cast<long>(at + 10 + len));
            at += 10 + len;
        };
        const int pre = (q[6] << 8) | q[7];
        const int upd = (q[8] << 8) | q[9];
        std::vector<ResourceRecord> p(static_cast<size_t>(pre)), u(static_cast<size_t>(upd));
        for (auto& r : p) {
            rr(r);
        }
        for (auto& r : u) {
            rr(r);
        }
        for (const auto& r : p) {
            if (r.klass == rrclass::kNone && r.type == rrtype::kAny && nameInUse(r.name)) {
                return rcode::kYxDomain;
            }
            if (r.klass == rrclass::kAny && r.type == rrtype::kAny && !nameInUse(r.name)) {
                return rcode::kNxDomain;
            }
            if (r.klass == rrclass::kAny && r.type != rrtype::kAny &&
                !rrsetExists(r.name, r.type)) {
                return rcode::kNxRrset; // RFC 2136 2.4.1: RRset exists (value independent)
            }
            if (r.klass == rrclass::kNone && r.type != rrtype::kAny &&
                rrsetExists(r.name, r.type)) {
                return rcode::kYxRrset;
            }
            if (r.klass == rrclass::kIn && !records.count(Key{r.name, r.type, r.rdata})) {
                return rcode::kNxRrset;
            }
        }
        for (const auto& r : u) {
            for (auto it = records.begin(); it != records.end();) {
                const bool hit = r.klass == rrclass::kAny
                                     ? it->first.name == r.name &&
                                           (r.type == rrtype::kAny || it->first.type == r.type)
                                     : r.klass == rrclass::kNone && it->first.name == r.name &&
                                           it->first.type == r.type && it->first.rdata == r.rdata;
                it = hit ? records.erase(it) : std::next(it);
            }
            if (r.klass == rrclass::kIn) {
                records[Key{r.name, r.type, r.rdata}] = 0;
            }
        }
        return rcode::kNoError;
    }

    ExchangeResult exchange(const DnsServer& server, const Bytes& query,
                            std::chrono::milliseconds) override {
        asked.push_back(server.address);
        if (downUntil[server.address] > 0) {
            --downUntil[server.address];
            return ExchangeResult{ExchangeStatus::Timeout, {}, "fake timeout"};
        }
        Response req = parseResponse(query);
        Bytes body = query;
        Bytes requestMac;
        if (req.tsig) {
            requestMac = req.tsig->mac;
            body.resize(req.tsig->offset);
            body[11] = static_cast<uint8_t>(body[11] - 1);
        }
        Bytes answer(body.begin(), body.begin() + 12);
        answer[4] = answer[5] = answer[6] = answer[7] = answer[8] = answer[9] = answer[10] =
            answer[11] = 0;
        answer[2] = 0xa8; // QR, UPDATE
        if (badsig > 0) {
            --badsig;
            answer[3] = rcode::kNotAuth;
            // An unsigned TSIG with error BADSIG, as BIND answers a wrong secret.
            Bytes t = nameToWire(key->name);
            t.insert(t.end(), {0x00, 0xfa, 0x00, 0xff, 0, 0, 0, 0});
            Bytes rd = nameToWire(TsigKey::algorithmName(key->algorithm));
            rd.insert(rd.end(),
                      {0, 0, 0, 0, 0, 1, 0x01, 0x2c, 0, 0, query[0], query[1], 0, 16, 0, 0});
            t.push_back(0);
            t.push_back(static_cast<uint8_t>(rd.size()));
            t.insert(t.end(), rd.begin(), rd.end());
            answer.insert(answer.end(), t.begin(), t.end());
            answer[11] = 1;
            return ExchangeResult{ExchangeStatus::Success, answer, ""};
        }
        answer[3] = static_cast<uint8_t>(apply(body));
        if (key) {
            tsigSign(answer, *key, 1000, 300, requestMac);
        }
        return ExchangeResult{ExchangeStatus::Success, answer, ""};
    }

    bool has(const std::string& name, uint16_t type) const { return rrsetExists(name, type); }
};

std::shared_ptr<const D2Config> twoServerConfig(bool withKey) {
    std::string keys = withKey
                           ? R"("tsig-keys": [ { "name": "ddns-key.", "algorithm": "HMAC-SHA256",
        "secret": "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=" } ],)"
                           : "";
    std::string kn = withKey ? R"("key-name": "ddns-key.",)" : "";
    return std::make_shared<D2Config>(D2Config::fromText(withD2(keys + R"(
        "forward-ddns": { "ddns-domains": [ { "name": "example.com.", )" +
                                                                kn + R"(
            "dns-servers": [ { "ip-address": "192.0.2.1" }, { "ip-address": "192.0.2.2" } ] } ] },
        "reverse-ddns": { "ddns-domains": [ { "name": "2.0.192.in-addr.arpa.", )" +
                                                                kn + R"(
            "dns-servers": [ { "ip-address": "192.0.2.1" } ] } ] })"),
                                                         "d2.json"));
}

NameChangeRequest ncr(int type, const std::string& dhcid, const std::string& address = "192.0.2.10",
                      bool cr = true) {
    json j = goodNcr();
    j["change-type"] = type;
    j["dhcid"] = dhcid;
    j["ip-address"] = address;
    j["use-conflict-resolution"] = cr;
    return NameChangeRequest::fromJson(j);
}

TEST(D2Updater, ConflictResolutionAddReplaceRemove) {
    FakeDns dns;
    Updater u(twoServerConfig(false), dns);
    const std::string fwd = "host.example.com.";
    const std::string rev = "10.2.0.192.in-addr.arpa.";
    ASSERT_TRUE(u.process(ncr(0, "0001AA")));
    EXPECT_TRUE(dns.has(fwd, rrtype::kA));
    EXPECT_TRUE(dns.has(fwd, rrtype::kDhcid));
    EXPECT_TRUE(dns.has(rev, rrtype::kPtr));
    EXPECT_TRUE(dns.has(rev, rrtype::kDhcid));
    EXPECT_EQ(dns.records.size(), 4u);

    // Another client (another DHCID) claims the name: add refused (YXDOMAIN), replace refused
    // (DHCID prerequisite, NXRRSET): the name stays with its owner, no reverse change.
    auto before = dns.records;
    EXPECT_FALSE(u.process(ncr(0, "0001BB", "192.0.2.11")));
    EXPECT_EQ(dns.records.size(), before.size());
    EXPECT_TRUE(dns.records.count(FakeDns::Key{fwd, rrtype::kA, {192, 0, 2, 10}}));
    EXPECT_FALSE(dns.has("11.2.0.192.in-addr.arpa.", rrtype::kPtr));

    // The owner moves to another address: replaced.
    ASSERT_TRUE(u.process(ncr(0, "0001AA", "192.0.2.12")));
    EXPECT_TRUE(dns.records.count(FakeDns::Key{fwd, rrtype::kA, {192, 0, 2, 12}}));
    EXPECT_FALSE(dns.records.count(FakeDns::Key{fwd, rrtype::kA, {192, 0, 2, 10}}));

    // A remove with the wrong DHCID leaves the name alone.
    u.process(ncr(1, "0001BB", "192.0.2.12"));
    EXPECT_TRUE(dns.has(fwd, rrtype::kA));
    // The owner's remove takes the name and its PTR away.
    ASSERT_TRUE(u.process(ncr(1, "0001AA", "192.0.2.12")));
    EXPECT_FALSE(dns.has(fwd, rrtype::kA));
    EXPECT_FALSE(dns.has(fwd, rrtype::kDhcid));
    EXPECT_FALSE(dns.has("12.2.0.192.in-addr.arpa.", rrtype::kPtr));
    // The first PTR (192.0.2.10) stays: it was replaced in the reverse zone per address only.
    EXPECT_TRUE(dns.has(rev, rrtype::kPtr));
}

TEST(D2Updater, WithoutConflictResolutionTheLastWriterWins) {
    FakeDns dns;
    Updater u(twoServerConfig(false), dns);
    ASSERT_TRUE(u.process(ncr(0, "0001AA", "192.0.2.10", false)));
    ASSERT_TRUE(u.process(ncr(0, "0001BB", "192.0.2.11", false)));
    EXPECT_TRUE(dns.records.count(FakeDns::Key{"host.example.com.", rrtype::kA, {192, 0, 2, 11}}));
    EXPECT_TRUE(dns.records.count(FakeDns::Key{"host.example.com.", rrtype::kDhcid, {0, 1, 0xbb}}));
    EXPECT_FALSE(dns.records.count(FakeDns::Key{"host.example.com.", rrtype::kA, {192, 0, 2, 10}}));
    ASSERT_TRUE(u.process(ncr(1, "0001CC", "192.0.2.11", false)));
    EXPECT_FALSE(dns.has("host.example.com.", rrtype::kA));
    EXPECT_FALSE(dns.has("11.2.0.192.in-addr.arpa.", rrtype::kPtr));
}

NameChangeRequest ncrMode(int type, const std::string& dhcid, const std::string& address,
                          const std::string& mode) {
    json j = goodNcr();
    j["change-type"] = type;
    j["dhcid"] = dhcid;
    j["ip-address"] = address;
    j["conflict-resolution-mode"] = mode;
    return NameChangeRequest::fromJson(j);
}

TEST(D2Updater, CheckExistsWithDhcidTakesAnyDhcidNameButNoStaticOne) {
    FakeDns dns;
    Updater u(twoServerConfig(false), dns);
    const std::string fwd = "host.example.com.";
    const std::string mode = "check-exists-with-dhcid";
    ASSERT_TRUE(u.process(ncrMode(0, "0001AA", "192.0.2.10", mode)));
    // Another client's DHCID: the name holds a DHCID, so it is taken over (Kea 2.6's mode for
    // a client that changes identifier, e.g. dual-stack).
    ASSERT_TRUE(u.process(ncrMode(0, "0001BB", "192.0.2.11", mode)));
    EXPECT_TRUE(dns.records.count(FakeDns::Key{fwd, rrtype::kA, {192, 0, 2, 11}}));
    EXPECT_FALSE(dns.records.count(FakeDns::Key{fwd, rrtype::kA, {192, 0, 2, 10}}));
    EXPECT_TRUE(dns.records.count(FakeDns::Key{fwd, rrtype::kDhcid, {0, 1, 0xbb}}));
    EXPECT_FALSE(dns.records.count(FakeDns::Key{fwd, rrtype::kDhcid, {0, 1, 0xaa}}));

    // The remove needs a DHCID on the name, any: the address and the DHCID go, a record of
    // another type on the name stays.
    dns.records[FakeDns::Key{fwd, 16, {3, 'a', 'b', 'c'}}] = 0; // TXT
    ASSERT_TRUE(u.process(ncrMode(1, "0001CC", "192.0.2.11", mode)));
    EXPECT_FALSE(dns.has(fwd, rrtype::kA));
    EXPECT_FALSE(dns.has(fwd, rrtype::kDhcid));
    EXPECT_TRUE(dns.has(fwd, 16));
    EXPECT_FALSE(dns.has("11.2.0.192.in-addr.arpa.", rrtype::kPtr));

    // A name an administrator put in (no DHCID) is not taken.
    dns.records.clear();
    dns.records[FakeDns::Key{"static.example.com.", rrtype::kA, {192, 0, 2, 99}}] = 0;
    json j = goodNcr();
    j["fqdn"] = "static.example.com.";
    j["conflict-resolution-mode"] = mode;
    EXPECT_FALSE(u.process(NameChangeRequest::fromJson(j)));
    EXPECT_EQ(dns.records.size(), 1u);
}

TEST(D2Updater, NoCheckWithoutDhcidWritesNoDhcid) {
    FakeDns dns;
    Updater u(twoServerConfig(false), dns);
    const std::string mode = "no-check-without-dhcid";
    ASSERT_TRUE(u.process(ncrMode(0, "0001AA", "192.0.2.10", mode)));
    ASSERT_TRUE(u.process(ncrMode(0, "0001BB", "192.0.2.11", mode)));
    EXPECT_TRUE(dns.records.count(FakeDns::Key{"host.example.com.", rrtype::kA, {192, 0, 2, 11}}));
    EXPECT_FALSE(dns.records.count(FakeDns::Key{"host.example.com.", rrtype::kA, {192, 0, 2, 10}}));
    EXPECT_TRUE(dns.has("10.2.0.192.in-addr.arpa.", rrtype::kPtr));
    for (const auto& [k, ttl] : dns.records) {
        EXPECT_NE(k.type, rrtype::kDhcid) << k.name;
    }
    ASSERT_TRUE(u.process(ncrMode(1, "0001CC", "192.0.2.11", mode)));
    EXPECT_FALSE(dns.has("host.example.com.", rrtype::kA));
    EXPECT_FALSE(dns.has("11.2.0.192.in-addr.arpa.", rrtype::kPtr));
}

TEST(D2Updater, ThreeTriesPerServerThenTheNext) {
    FakeDns dns;
    dns.downUntil["192.0.2.1"] = 100;
    Updater u(twoServerConfig(false), dns);
    auto& s = Statistics::instance();
    const int64_t timeouts = s.exists("update-timeout") ? s.get("update-timeout") : 0;
    // Forward: 3 timeouts on .1, then .2 answers; reverse has .1 only: 3 timeouts, failed.
    EXPECT_FALSE(u.process(ncr(0, "0001AA")));
    EXPECT_EQ(dns.asked,
              (std::vector<std::string>{"192.0.2.1", "192.0.2.1", "192.0.2.1", "192.0.2.2",
                                        "192.0.2.1", "192.0.2.1", "192.0.2.1"}));
    EXPECT_EQ(s.get("update-timeout") - timeouts, 6);
    EXPECT_TRUE(dns.has("host.example.com.", rrtype::kA));
    EXPECT_FALSE(dns.has("10.2.0.192.in-addr.arpa.", rrtype::kPtr));
    EXPECT_TRUE(u.unreachable()) << "no reverse server answered: the request is to be held";
    // Once the server is back the same request goes through (the forward part again).
    dns.downUntil["192.0.2.1"] = 0;
    Updater again(twoServerConfig(false), dns);
    EXPECT_TRUE(again.process(ncr(0, "0001AA")));
    EXPECT_FALSE(again.unreachable());
    EXPECT_TRUE(dns.has("10.2.0.192.in-addr.arpa.", rrtype::kPtr));
}

TEST(D2Updater, SignedExchangeAndRefusedKey) {
    FakeDns dns;
    auto cfg = twoServerConfig(true);
    dns.key = cfg->keys.at("ddns-key.");
    Updater::initStatistics(*cfg);
    auto& s = Statistics::instance();
    auto value = [&s](const char* n) { return s.exists(n) ? s.get(n) : 0; };
    const int64_t signedBefore = value("update-signed");
    const int64_t keySuccess = value("key[ddns-key.].update-success");
    Updater u(cfg, dns);
    ASSERT_TRUE(u.process(ncr(0, "0001AA")));
    EXPECT_EQ(s.get("update-signed") - signedBefore, 2);
    EXPECT_EQ(s.get("key[ddns-key.].update-success") - keySuccess, 2);

    // NOTAUTH with TSIG error BADSIG: an invalid answer, tried three times per server.
    const int64_t errors = value("key[ddns-key.].update-error");
    dns.badsig = 6;
    dns.asked.clear();
    EXPECT_FALSE(u.process(ncr(0, "0001AA", "192.0.2.20")));
    EXPECT_EQ(dns.asked.size(), 6u);
    EXPECT_EQ(s.get("key[ddns-key.].update-error") - errors, 6);
}

TEST(D2Server, CountsAndQueuesRequests) {
    auto cfg = std::make_shared<D2Config>(D2Config::fromText(withD2(""), "d2.json"));
    D2Server server("/nonexistent", cfg, false, [] {});
    auto& s = Statistics::instance();
    const int64_t received = s.get("ncr-received");
    const int64_t invalid = s.get("ncr-invalid");
    const int64_t full = s.exists("queue-mgr-queue-full") ? s.get("queue-mgr-queue-full") : 0;
    Bytes good = NameChangeRequest::fromJson(goodNcr()).toWire();
    for (size_t i = 0; i < D2Server::kMaxQueueSize + 3; ++i) {
        server.receive(good.data(), good.size());
    }
    const uint8_t bad[] = {0, 2, '{', '}'};
    server.receive(bad, sizeof bad);
    EXPECT_EQ(s.get("ncr-received") - received, static_cast<int64_t>(D2Server::kMaxQueueSize + 3));
    EXPECT_EQ(s.get("ncr-invalid") - invalid, 1);
    EXPECT_EQ(s.get("queue-mgr-queue-full") - full, 3);
    EXPECT_EQ(server.queueSize(), D2Server::kMaxQueueSize);

    json answer = server.execute({{"command", "list-commands"}});
    EXPECT_EQ(answer["result"], 0);
    // Exactly what Kea 2.2's kea-dhcp-ddns lists.
    EXPECT_EQ(
        answer["arguments"],
        json({"build-report", "config-get", "config-reload", "config-set", "config-test",
              "config-write", "list-commands", "shutdown", "statistic-get", "statistic-get-all",
              "statistic-reset", "statistic-reset-all", "status-get", "version-get"}));
    answer =
        server.execute({{"command", "statistic-get"}, {"arguments", {{"name", "ncr-invalid"}}}});
    EXPECT_EQ(answer["arguments"]["ncr-invalid"][0][0], s.get("ncr-invalid"));
    answer =
        server.execute({{"command", "config-test"}, {"arguments", {{"DhcpDdns", {{"port", 0}}}}}});
    EXPECT_EQ(answer["result"], 1);
    EXPECT_NE(answer["text"].get<std::string>().find("DhcpDdns.port"), std::string::npos)
        << answer.dump();
    answer = server.execute({{"command", "config-get"}});
    EXPECT_EQ(answer["arguments"]["DhcpDdns"]["port"], 53001);
}

} // namespace
} // namespace kahu::d2
