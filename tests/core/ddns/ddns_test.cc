// SPDX-License-Identifier: MPL-2.0
// The server's side of DDNS: client names (Kea's D2ClientMgr rules), DHCID and TTL, the
// ddns-* configuration, and the NameChangeRequests of the packet path as a DDNS daemon
// receives them (UDP on loopback).
#include "../dhcp4/fake_lease_store.h"
#include "alloc/lease_reclaimer.h"
#include "config/config_loader.h"
#include "d2/ncr.h"
#include "ddns/ddns_names.h"
#include "ddns/name_change_queue.h"
#include "dhcp4/dhcp4_processor.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kahu {
namespace {

using ddns::ClientNameOptions;
using ddns::kFlagE;
using ddns::kFlagN;
using ddns::kFlagO;
using ddns::kFlagS;

Ipv4Address ip(const char* t) {
    return *Ipv4Address::fromText(t);
}

DdnsParams params(std::string suffix = "") {
    DdnsParams p;
    p.qualifyingSuffix = std::move(suffix);
    p.sanitizer = std::make_shared<HostnameSanitizer>(p.hostnameCharSet, "");
    return p;
}

ClientNameOptions fqdn(uint8_t flags, std::string name, bool partial) {
    ClientNameOptions o;
    o.fqdn = ClientNameOptions::Fqdn{flags, std::move(name), partial};
    return o;
}

ClientNameOptions hostname(std::string name) {
    ClientNameOptions o;
    o.hostname = std::move(name);
    return o;
}

std::string base64(const std::vector<uint8_t>& b) {
    std::string out(4 * ((b.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(),
                            static_cast<int>(b.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

TEST(DdnsNames, QualifyAsKeaDoes) {
    auto p = params("example.org");
    EXPECT_EQ(ddns::qualifyName("host", p, true), "host.example.org.");
    EXPECT_EQ(ddns::qualifyName("host", p, false), "host.example.org");
    // Kea 2.2 (#1529): a name that already ends with the suffix gets it once.
    EXPECT_EQ(ddns::qualifyName("host.example.org", p, true), "host.example.org.");
    EXPECT_EQ(ddns::qualifyName("host.example.org.", p, false), "host.example.org");
    EXPECT_EQ(ddns::qualifyName("host", params(), true), "host.");
    EXPECT_EQ(ddns::qualifyName("host.", params(), false), "host");
    EXPECT_EQ(ddns::generateName(ip("192.0.2.10"), p, true), "myhost-192-0-2-10.example.org.");
}

TEST(DdnsNames, LabelsCountTheRootAndRefuseEmptyLabels) {
    EXPECT_EQ(ddns::labelCount(""), 0u);
    EXPECT_EQ(ddns::labelCount("."), 1u);
    EXPECT_EQ(ddns::labelCount("host"), 2u);
    EXPECT_EQ(ddns::labelCount("host.example.org."), 4u);
    EXPECT_FALSE(ddns::labelCount("a..b"));
    EXPECT_FALSE(ddns::labelCount(std::string(64, 'a')));
}

// RFC 4702 section 3.1 with Kea's D2ClientMgr::analyzeFqdn: what the answer's flags say and
// which directions the server updates.
TEST(DdnsNames, FqdnFlagsFollowTheClientAndTheOverrides) {
    auto p = params("example.org");
    struct Case {
        uint8_t client;
        bool enabled, overrideClient, overrideNo;
        std::optional<uint8_t> answer;
        bool fwd, rev;
    };
    const Case cases[] = {
        {0, false, false, false, kFlagN, false, false},
        {kFlagS, false, false, false, kFlagN | kFlagO, false, false},
        {0, true, false, false, 0, false, true},             // the client updates A
        {0, true, true, false, kFlagS | kFlagO, true, true}, // override-client-update
        {kFlagS, true, false, false, kFlagS, true, true},
        {kFlagN, true, false, false, kFlagN, false, false},
        {kFlagN, true, false, true, kFlagS | kFlagO, true, true},          // override-no-update
        {kFlagN | kFlagS, true, false, false, std::nullopt, false, false}, // invalid
    };
    for (const auto& c : cases) {
        p.overrideClientUpdate = c.overrideClient;
        p.overrideNoUpdate = c.overrideNo;
        auto n = ddns::resolveClientName(fqdn(c.client | kFlagE, "pc", true), nullptr, p, c.enabled,
                                         ip("10.0.0.5"));
        SCOPED_TRACE(int(c.client));
        if (!c.answer) {
            EXPECT_FALSE(n.fqdnFlags);
            EXPECT_EQ(n.hostname, "");
            continue;
        }
        ASSERT_TRUE(n.fqdnFlags);
        EXPECT_EQ(*n.fqdnFlags, *c.answer | kFlagE);
        EXPECT_EQ(n.fwd, c.fwd);
        EXPECT_EQ(n.rev, c.rev);
        EXPECT_EQ(n.hostname, "pc.example.org.");
    }
}

TEST(DdnsNames, ReplaceModesReservationsAndTheCharacterSet) {
    auto p = params("example.org");
    const auto a = ip("10.0.0.5");
    // option 12: one label is qualified, no trailing dot; more labels are kept.
    EXPECT_EQ(ddns::resolveClientName(hostname("PC_1"), nullptr, p, true, a).hostname,
              "pc1.example.org");
    EXPECT_EQ(ddns::resolveClientName(hostname("pc.other.net"), nullptr, p, true, a).hostname,
              "pc.other.net");
    auto n = ddns::resolveClientName(hostname("pc"), nullptr, p, true, a);
    EXPECT_TRUE(n.sendHostname && n.fwd && n.rev);
    EXPECT_FALSE(ddns::resolveClientName(hostname("pc"), nullptr, p, false, a).fwd);
    // A malformed or empty option 12 is ignored.
    EXPECT_FALSE(ddns::resolveClientName(hostname("a..b"), nullptr, p, true, a).sendHostname);
    EXPECT_FALSE(ddns::resolveClientName(hostname(""), nullptr, p, true, a).sendHostname);
    // "." asks for a generated name.
    EXPECT_EQ(ddns::resolveClientName(hostname("."), nullptr, p, true, a).hostname,
              "myhost-10-0-0-5.example.org");
    // hostname-char-replacement.
    auto x = p;
    x.sanitizer = std::make_shared<HostnameSanitizer>("[^A-Za-z0-9.-]", "x");
    EXPECT_EQ(ddns::resolveClientName(hostname("a_b"), nullptr, x, true, a).hostname,
              "axb.example.org");
    // ddns-replace-client-name.
    p.replaceClientName = ReplaceClientName::WhenPresent;
    EXPECT_EQ(ddns::resolveClientName(hostname("pc"), nullptr, p, true, a).hostname,
              "myhost-10-0-0-5.example.org");
    EXPECT_EQ(ddns::resolveClientName(fqdn(kFlagS, "pc", true), nullptr, p, true, a).hostname,
              "myhost-10-0-0-5.example.org.");
    EXPECT_FALSE(ddns::resolveClientName({}, nullptr, p, true, a).sendHostname);
    p.replaceClientName = ReplaceClientName::WhenNotPresent;
    EXPECT_EQ(ddns::resolveClientName({}, nullptr, p, true, a).hostname,
              "myhost-10-0-0-5.example.org");
    EXPECT_EQ(ddns::resolveClientName(hostname("pc"), nullptr, p, true, a).hostname,
              "pc.example.org");
    // A reserved name comes first, qualified.
    Reservation r;
    r.hostname = "Printer";
    EXPECT_EQ(ddns::resolveClientName(hostname("pc"), &r, p, true, a).hostname,
              "printer.example.org");
    EXPECT_EQ(ddns::resolveClientName(fqdn(kFlagS, "pc", true), &r, p, true, a).hostname,
              "printer.example.org.");
}

// RFC 4701 section 3.6: the examples' DHCIDs.
TEST(DdnsNames, DhcidMatchesRfc4701Examples) {
    Lease4 byClientId;
    byClientId.hostname = "chi.example.com.";
    byClientId.clientId = {0x01, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c};
    EXPECT_EQ(base64(ddns::dhcid(byClientId)), "AAEBOSD+XR3Os/0LozeXVqcNc7FwCfQdWL3b/NaiUDlW2No=");
    Lease4 byMac;
    byMac.hostname = "client.example.com";
    byMac.hwAddr = *HwAddr::fromText("01:02:03:04:05:06");
    EXPECT_EQ(base64(ddns::dhcid(byMac)), "AAABxLmlskllE0MVjd57zHcWmEH3pCQ6VytcKD//7es/deY=");
}

TEST(DdnsNames, TtlIsAThirdOfTheLifetimeAndAtLeastTenMinutes) {
    DdnsParams p;
    EXPECT_EQ(ddns::recordTtl(3600, p), 1200u);
    EXPECT_EQ(ddns::recordTtl(900, p), 600u);
    p.ttlPercent = 0.5;
    EXPECT_EQ(ddns::recordTtl(3600, p), 1800u);
    p.ttlMax = 1000;
    EXPECT_EQ(ddns::recordTtl(3600, p), 1000u);
    p.ttl = 77;
    EXPECT_EQ(ddns::recordTtl(3600, p), 77u);
}

std::shared_ptr<ServerConfig> loadText(const std::string& text) {
    return config::parseConfigText(text, "t.json").config;
}

std::string errorOf(const std::string& text) {
    try {
        config::parseConfigText(text, "t.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(DdnsConfig, KeysInheritGlobalSharedNetworkSubnet) {
    auto c = loadText(R"({"Dhcp4": {
        "dhcp-ddns": {"enable-updates": true, "server-port": 53010},
        "ddns-qualifying-suffix": "example.org", "ddns-send-updates": false,
        "ddns-replace-client-name": "when-not-present", "hostname-char-replacement": "x",
        "shared-networks": [{"name": "n", "ddns-send-updates": true,
            "subnet4": [{"id": 1, "subnet": "10.0.1.0/24", "ddns-qualifying-suffix": "one.org"},
                        {"id": 2, "subnet": "10.0.2.0/24"}]}],
        "subnet4": [{"id": 3, "subnet": "10.0.3.0/24", "ddns-update-on-renew": true,
                     "ddns-use-conflict-resolution": false, "ddns-ttl-percent": 0.5}]}})");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->dhcpDdns.enableUpdates);
    EXPECT_EQ(c->dhcpDdns.serverPort, 53010);
    EXPECT_EQ(c->dhcpDdns.serverIp, "127.0.0.1");
    const auto& s1 = c->subnetById(1)->ddns;
    const auto& s2 = c->subnetById(2)->ddns;
    const auto& s3 = c->subnetById(3)->ddns;
    EXPECT_EQ(s1.qualifyingSuffix, "one.org");
    EXPECT_TRUE(s1.sendUpdates);
    EXPECT_EQ(s2.qualifyingSuffix, "example.org");
    EXPECT_TRUE(s2.sendUpdates);
    EXPECT_FALSE(s3.sendUpdates);
    EXPECT_TRUE(s3.updateOnRenew);
    EXPECT_EQ(s3.conflictResolution, ConflictResolutionMode::NoCheckWithDhcid);
    EXPECT_EQ(s3.ttlPercent, 0.5);
    EXPECT_EQ(s3.replaceClientName, ReplaceClientName::WhenNotPresent);
    ASSERT_TRUE(s3.sanitizer);
    EXPECT_EQ(s3.sanitizer->scrub("a_b"), "axb");
    EXPECT_EQ(s1.sanitizer, s3.sanitizer) << "one compiled expression per distinct pair";
}

TEST(DdnsConfig, KeaRefusalsAndDeprecatedKeys) {
    EXPECT_NE(
        errorOf(R"({"Dhcp4": {"dhcp-ddns": {"enable-updates": true, "ncr-protocol": "TCP"}}})")
            .find("t.json:1:50: Dhcp4.dhcp-ddns.ncr-protocol: NCR Protocol: TCP is not supported"),
        std::string::npos);
    EXPECT_NE(errorOf(R"({"Dhcp4": {"dhcp-ddns": {"enable-updates": true, "sender-ip": "127.0.0.1",
        "sender-port": 53001}}})")
                  .find("cannot share the exact same IP address/port"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"Dhcp4": {"hostname-char-set": "[a-"}})").find("hostname-char-set"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"Dhcp4": {"ddns-replace-client-name": "sometimes"}})").find("never"),
              std::string::npos);
    EXPECT_NE(
        errorOf(R"({"Dhcp4": {"ddns-qualifying-suffix": "a..b"}})").find("not a valid domain"),
        std::string::npos);
    // Kea 2.2 moves dhcp-ddns's old keys to the global level unless that level sets them.
    auto r = config::parseConfigText(R"({"Dhcp4": {"ddns-generated-prefix": "g",
        "dhcp-ddns": {"qualifying-suffix": "old.org", "generated-prefix": "ignored"},
        "subnet4": [{"id": 1, "subnet": "10.0.1.0/24"}]}})",
                                     "t.json");
    EXPECT_EQ(r.config->subnetById(1)->ddns.qualifyingSuffix, "old.org");
    EXPECT_EQ(r.config->subnetById(1)->ddns.generatedPrefix, "g");
    ASSERT_EQ(r.warnings.size(), 2u);
    const std::string all = r.warnings[0] + r.warnings[1];
    EXPECT_NE(all.find("Dhcp4.dhcp-ddns.qualifying-suffix: DHCPSRV_CFGMGR_DDNS_PARAMETER_MOVED "
                       "dhcp-ddns:qualifying-suffix is deprecated, moving it to "
                       "global:ddns-qualifying-suffix"),
              std::string::npos)
        << all;
}

TEST(DdnsConfig, ClassesOverrideTheSubnetKeyByKey) {
    auto c = loadText(R"({"Dhcp4": {
        "ddns-qualifying-suffix": "example.org", "hostname-char-set": "[^a-z.-]",
        "client-classes": [
            {"name": "lab", "ddns-qualifying-suffix": "lab.example.org", "ddns-ttl": 300},
            {"name": "printers", "ddns-qualifying-suffix": "prn.example.org",
             "ddns-generated-prefix": "prn", "ddns-send-updates": false,
             "hostname-char-replacement": "x"},
            {"name": "plain", "valid-lifetime": 60}],
        "subnet4": [{"id": 1, "subnet": "10.0.1.0/24", "ddns-generated-prefix": "host",
                     "ddns-update-on-renew": true}]}})");
    ASSERT_TRUE(c);
    const Subnet& s = *c->subnetById(1);
    std::optional<DdnsParams> own;
    EXPECT_EQ(&ddns::paramsFor(*c, s, {}, own), &s.ddns) << "no class: the subnet's own";
    EXPECT_EQ(&ddns::paramsFor(*c, s, {"plain", "ALL"}, own), &s.ddns)
        << "classes without ddns-* keys change nothing";
    EXPECT_FALSE(own);

    const DdnsParams& both = ddns::paramsFor(*c, s, {"lab", "printers"}, own);
    ASSERT_TRUE(own);
    EXPECT_EQ(both.qualifyingSuffix, "lab.example.org") << "the first class that sets it wins";
    EXPECT_EQ(both.generatedPrefix, "prn") << "keys the first class leaves come from the next";
    EXPECT_FALSE(both.sendUpdates);
    EXPECT_EQ(both.ttl, 300u);
    EXPECT_TRUE(both.updateOnRenew) << "keys no class sets stay the subnet's";
    ASSERT_TRUE(both.sanitizer);
    EXPECT_EQ(both.sanitizer->scrub("a_B1"), "axxx")
        << "the class's replacement with the global char-set";
    EXPECT_EQ(s.ddns.sanitizer->scrub("a_B1"), "a") << "the subnet's pair is untouched";

    const DdnsParams& printers = ddns::paramsFor(*c, s, {"printers", "lab"}, own);
    EXPECT_EQ(printers.qualifyingSuffix, "prn.example.org");
    EXPECT_EQ(printers.ttl, 300u);

    // ddns-* keys in a class are checked as at any other level; the conflict mode is refused.
    EXPECT_NE(errorOf(R"({"Dhcp4": {"client-classes": [{"name": "a",
        "ddns-replace-client-name": "sometimes"}]}})")
                  .find("Dhcp4.client-classes[0].ddns-replace-client-name"),
              std::string::npos);
    const std::string mode = errorOf(R"({"Dhcp4": {"client-classes": [{"name": "a",
        "ddns-conflict-resolution-mode": "no-check-with-dhcid"}]}})");
    EXPECT_NE(mode.find("t.json:2:9: Dhcp4.client-classes[0].ddns-conflict-resolution-mode: "
                        "ddns-conflict-resolution-mode cannot be set for a client class"),
              std::string::npos)
        << mode;
}

/// A DDNS daemon's UDP socket on loopback.
class Receiver {
public:
    Receiver() {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        int buf = 1 << 21; // a burst of requests fits
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }
    ~Receiver() { ::close(fd_); }
    uint16_t port() const { return port_; }
    /// The requests that arrive within `ms`.
    std::vector<d2::NameChangeRequest> take(int ms = 300) {
        std::vector<d2::NameChangeRequest> out;
        for (;;) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, ms) <= 0) {
                return out;
            }
            uint8_t buf[4096];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            out.push_back(d2::NameChangeRequest::fromWire(buf, static_cast<size_t>(n)));
            ms = 100;
        }
    }

private:
    int fd_ = -1;
    uint16_t port_ = 0;
};

class DdnsPacketPath : public ::testing::Test {
protected:
    void SetUp() override { start(""); }

    /// `extra`: more global keys, each followed by a comma.
    void start(const std::string& extra) {
        config_ = loadText(R"({"Dhcp4": {)" + extra + R"(
            "valid-lifetime": 3600, "ddns-qualifying-suffix": "example.org",
            "dhcp-ddns": {"enable-updates": true, "server-port": )" +
                           std::to_string(rx_.port()) + R"(},
            "subnet4": [{"id": 1, "subnet": "10.9.0.0/24",
                         "pools": [{"pool": "10.9.0.10 - 10.9.0.20"}]}]}})");
        ASSERT_TRUE(config_);
        config_->interfaces.socketType = SocketType::Udp;
        queue_.configure(config_->dhcpDdns);
        store_ = std::make_shared<test::FakeLeaseStore>();
        leases_ = std::make_unique<LeaseManager>(store_);
        leases_->configure(config_);
        InterfaceAddresses eth{"eth0", 2, {{ip("10.9.0.1"), 24}}};
        proc_ = std::make_unique<Dhcp4Processor>(config_, *leases_,
                                                 std::vector<InterfaceAddresses>{eth}, &queue_);
    }

    Packet4 query(MessageType type, uint8_t mac) {
        Packet4 q;
        q.op = 1;
        q.xid = 7;
        q.chaddr = {0x02, 0, 0, 0, 0, mac};
        q.setMessageType(type);
        q.set(81, {kFlagS | kFlagE, 0, 0, 2, 'p', 'c'});
        q.ifindex = 2;
        q.localAddr = ip("10.9.0.1");
        q.remoteAddr = ip("0.0.0.0");
        return q;
    }

    Packet4 dora(uint8_t mac, int64_t now) {
        auto offer = proc_->process(query(MessageType::Discover, mac), now);
        EXPECT_TRUE(offer.response);
        Packet4 req = query(MessageType::Request, mac);
        req.setAddress(opt::kRequestedAddress, offer.response->yiaddr);
        req.setAddress(opt::kServerId, ip("10.9.0.1"));
        auto ack = proc_->process(req, now);
        EXPECT_TRUE(ack.response);
        return *ack.response;
    }

    Receiver rx_;
    NameChangeQueue queue_;
    std::shared_ptr<ServerConfig> config_;
    std::shared_ptr<test::FakeLeaseStore> store_;
    std::unique_ptr<LeaseManager> leases_;
    std::unique_ptr<Dhcp4Processor> proc_;
};

TEST_F(DdnsPacketPath, AckAddsRenewalIsQuietReleaseRemoves) {
    Packet4 ack = dora(1, 1000);
    const Option* fq = ack.get(81);
    ASSERT_TRUE(fq);
    EXPECT_EQ(fq->data[0], kFlagS | kFlagE) << "the server does both updates, as asked";
    auto lease = store_->get(ack.yiaddr);
    ASSERT_TRUE(lease);
    EXPECT_EQ(lease->hostname, "pc.example.org.");
    EXPECT_TRUE(lease->fqdnFwd && lease->fqdnRev);
    auto sent = rx_.take();
    ASSERT_EQ(sent.size(), 1u) << "no request for the OFFER";
    EXPECT_EQ(sent[0].changeType, d2::ChangeType::Add);
    EXPECT_EQ(sent[0].fqdn, "pc.example.org.");
    EXPECT_EQ(sent[0].ipAddress, ack.yiaddr.str());
    EXPECT_EQ(sent[0].leaseLength, 1200u);
    EXPECT_TRUE(sent[0].forwardChange && sent[0].reverseChange);
    EXPECT_EQ(sent[0].dhcid, ddns::dhcid(*lease));

    // A renewal with the same name sends nothing (ddns-update-on-renew is off).
    Packet4 renew = query(MessageType::Request, 1);
    renew.ciaddr = ack.yiaddr;
    ASSERT_TRUE(proc_->process(renew, 1500).response);
    EXPECT_TRUE(rx_.take(200).empty());

    // A new name: the old records go, the new ones come.
    renew.set(81, {kFlagS | kFlagE, 0, 0, 3, 'p', 'c', '2'});
    ASSERT_TRUE(proc_->process(renew, 1600).response);
    sent = rx_.take();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].changeType, d2::ChangeType::Remove);
    EXPECT_EQ(sent[0].fqdn, "pc.example.org.");
    EXPECT_EQ(sent[1].changeType, d2::ChangeType::Add);
    EXPECT_EQ(sent[1].fqdn, "pc2.example.org.");

    Packet4 rel = query(MessageType::Release, 1);
    rel.ciaddr = ack.yiaddr;
    proc_->process(rel, 1700);
    sent = rx_.take();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].changeType, d2::ChangeType::Remove);
    EXPECT_EQ(sent[0].fqdn, "pc2.example.org.");
}

TEST_F(DdnsPacketPath, DeclineAndReclamationRemoveTheRecords) {
    Packet4 a = dora(2, 1000);
    Packet4 b = dora(3, 1000);
    ASSERT_EQ(rx_.take().size(), 2u);
    Packet4 decline = query(MessageType::Decline, 2);
    decline.setAddress(opt::kRequestedAddress, a.yiaddr);
    decline.setAddress(opt::kServerId, ip("10.9.0.1"));
    proc_->process(decline, 1100);
    auto sent = rx_.take();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].changeType, d2::ChangeType::Remove);
    EXPECT_EQ(sent[0].ipAddress, a.yiaddr.str());

    LeaseReclaimer::Hooks hooks;
    hooks.removeNames = [this](const Lease4& l) {
        queue_.queue(false, l, config_->subnetById(l.subnetId)->ddns);
    };
    LeaseReclaimer reclaimer(*leases_, *config_, hooks);
    EXPECT_GE(reclaimer.reclaim(1000 + 3601, false, true), 1u);
    sent = rx_.take();
    ASSERT_EQ(sent.size(), 1u) << "the declined address has no name left";
    EXPECT_EQ(sent[0].ipAddress, b.yiaddr.str());
    EXPECT_EQ(sent[0].changeType, d2::ChangeType::Remove);
    EXPECT_EQ(store_->get(b.yiaddr)->hostname, "");
}

TEST_F(DdnsPacketPath, UpdatesOffSendNothingAndAnswerN) {
    auto off = *config_;
    off.dhcpDdns.enableUpdates = false;
    queue_.configure(off.dhcpDdns);
    EXPECT_EQ(queue_.queue(true, Lease4{}, DdnsParams{}), ServerAccess::NameChange::Disabled);
    config_ = std::make_shared<ServerConfig>(off);
    leases_->configure(config_);
    InterfaceAddresses eth{"eth0", 2, {{ip("10.9.0.1"), 24}}};
    proc_ = std::make_unique<Dhcp4Processor>(config_, *leases_,
                                             std::vector<InterfaceAddresses>{eth}, &queue_);
    Packet4 ack = dora(4, 1000);
    ASSERT_TRUE(ack.get(81));
    EXPECT_EQ(ack.get(81)->data[0], kFlagN | kFlagO | kFlagE);
    EXPECT_FALSE(store_->get(ack.yiaddr)->fqdnFwd);
    EXPECT_TRUE(rx_.take(200).empty());
}

TEST_F(DdnsPacketPath, AClassNamesItsClientsItsOwnWay) {
    start(R"("client-classes": [{"name": "lab", "test": "pkt4.mac == 0x020000000005",
        "ddns-qualifying-suffix": "lab.example.org", "ddns-ttl": 300,
        "ddns-update-on-renew": true},
        {"name": "quiet", "test": "pkt4.mac == 0x020000000006", "ddns-send-updates": false}],)");
    Packet4 ack = dora(5, 1000);
    auto sent = rx_.take();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].fqdn, "pc.lab.example.org.");
    EXPECT_EQ(sent[0].leaseLength, 300u);
    EXPECT_EQ(store_->get(ack.yiaddr)->hostname, "pc.lab.example.org.");

    // The class's ddns-update-on-renew: a renewal with the same name sends the records again.
    Packet4 renew = query(MessageType::Request, 5);
    renew.ciaddr = ack.yiaddr;
    ASSERT_TRUE(proc_->process(renew, 1500).response);
    sent = rx_.take();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].changeType, d2::ChangeType::Remove);
    EXPECT_EQ(sent[1].changeType, d2::ChangeType::Add);
    EXPECT_EQ(sent[1].fqdn, "pc.lab.example.org.");

    dora(7, 1000);
    sent = rx_.take();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].fqdn, "pc.example.org.") << "a client in no class: the subnet's values";

    Packet4 quiet = dora(6, 1000);
    ASSERT_TRUE(quiet.get(81));
    EXPECT_EQ(quiet.get(81)->data[0], kFlagN | kFlagO | kFlagE);
    EXPECT_FALSE(store_->get(quiet.yiaddr)->fqdnFwd);
    EXPECT_TRUE(rx_.take(200).empty());
}

TEST(NameChangeQueue, EveryRequestArrivesInOrder) {
    Receiver rx;
    NameChangeQueue q;
    DhcpDdnsConfig c;
    c.enableUpdates = true;
    c.serverPort = rx.port();
    c.maxQueueSize = 8;
    q.configure(c);
    Lease4 l;
    l.hostname = "a.example.org.";
    l.fqdnFwd = true;
    l.hwAddr = *HwAddr::fromText("02:00:00:00:00:01");
    for (uint32_t i = 0; i < 200; ++i) {
        l.address = Ipv4Address(0x0a000000u + i);
        EXPECT_EQ(q.queue(true, l, DdnsParams{}), ServerAccess::NameChange::Queued);
    }
    EXPECT_TRUE(q.drain(2000));
    auto got = rx.take();
    ASSERT_EQ(got.size(), 200u);
    for (uint32_t i = 0; i < 200; ++i) {
        EXPECT_EQ(got[i].ipAddress, Ipv4Address(0x0a000000u + i).str());
    }
    EXPECT_EQ(q.sent(), 200u);
    EXPECT_EQ(q.dropped(), 0u);
    l.hostname.clear();
    EXPECT_EQ(q.queue(true, l, DdnsParams{}), ServerAccess::NameChange::NoName);
    c.enableUpdates = false;
    q.configure(c);
    EXPECT_EQ(q.queue(true, l, DdnsParams{}), ServerAccess::NameChange::Disabled);
}

} // namespace
} // namespace kahu
