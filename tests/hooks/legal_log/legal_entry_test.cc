// SPDX-License-Identifier: MPL-2.0
// The text of the forensic log entries against Kea 3.0's expected lines (Kea's own unit tests
// of libdhcp_legal_log.so: the same leases, packets and commands give the same text).
#include "legal_entry.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <kahu/error.h>

namespace kahu::legal_log {

namespace {

using nlohmann::json;

std::vector<uint8_t> bytes(std::string_view s) {
    return {s.begin(), s.end()};
}

// Kea's fixture: 192.2.1.100 for 6735 s to 08:00:2b:02:3f:4e, no client-id.
struct Fixture {
    Lease4 lease;
    Packet4 request, response, release;
    Fixture() {
        lease.address = *Ipv4Address::fromText("192.2.1.100");
        lease.validLifetime = 6735;
        lease.hwAddr = HwAddr{1, {0x08, 0x00, 0x2b, 0x02, 0x3f, 0x4e}};
        for (Packet4* p : {&request, &response, &release}) {
            p->hlen = 6;
            std::copy(lease.hwAddr.bytes.begin(), lease.hwAddr.bytes.end(), p->chaddr.begin());
        }
        request.setMessageType(MessageType::Request);
        request.setAddress(opt::kRequestedAddress, lease.address);
        request.setUint32(opt::kLeaseTime, 6735);
        response.op = 2;
        response.setMessageType(MessageType::Ack);
        response.yiaddr = lease.address;
        response.setUint32(opt::kLeaseTime, 6735);
        release.setMessageType(MessageType::Release);
        release.ciaddr = lease.address;
    }
    void setClientId() {
        lease.clientId = {0x17, 0x34, 0xe2, 0xff, 0x09, 0x92, 0x54};
        request.set(opt::kClientId, lease.clientId);
        response.set(opt::kClientId, lease.clientId);
    }
    // Option 82 with the given sub-options, in both packets (a relay's reply keeps it).
    void setRai(const std::vector<std::pair<uint8_t, std::vector<uint8_t>>>& subs) {
        std::vector<uint8_t> rai;
        for (const auto& [code, data] : subs) {
            rai.push_back(code);
            rai.push_back(static_cast<uint8_t>(data.size()));
            rai.insert(rai.end(), data.begin(), data.end());
        }
        request.set(opt::kRelayAgentInfo, rai);
        response.set(opt::kRelayAgentInfo, rai);
    }
    void setGiaddr() {
        request.giaddr = *Ipv4Address::fromText("192.2.16.33");
        response.giaddr = request.giaddr;
    }
};

const std::vector<uint8_t> kCircuit = {0x68, 0x6F, 0x77, 0x64, 0x79};
const std::vector<uint8_t> kRemote = {0x87, 0xF6, 0x79, 0x77, 0xEF};
const std::vector<uint8_t> kSubscriber = {0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f};

const CustomFormat kDefault{};

} // namespace

TEST(LegalEntry, DurationText) {
    EXPECT_EQ(durationText(6735), "1 hrs 52 mins 15 secs");
    EXPECT_EQ(durationText(86400), "1 days 0 hrs 0 mins 0 secs");
    EXPECT_EQ(durationText(0), "0 hrs 0 mins 0 secs");
    EXPECT_EQ(durationText(0xfffffffe), "49710 days 6 hrs 28 mins 14 secs");
    EXPECT_EQ(durationText(0xffffffff), "infinite duration");
}

TEST(LegalEntry, DirectClientAsKea) {
    Fixture f;
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, kDefault),
              "Address: 192.2.1.100 has been assigned for 1 hrs 52 mins 15 secs to a device "
              "with hardware address: hwtype=1 08:00:2b:02:3f:4e");
    EXPECT_EQ(lease4Entry(f.release, nullptr, f.lease, Action::Release, kDefault),
              "Address: 192.2.1.100 has been released from a device with hardware address: "
              "hwtype=1 08:00:2b:02:3f:4e");
    f.setClientId();
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, kDefault),
              "Address: 192.2.1.100 has been assigned for 1 hrs 52 mins 15 secs to a device "
              "with hardware address: hwtype=1 08:00:2b:02:3f:4e, client-id: "
              "17:34:e2:ff:09:92:54");
}

TEST(LegalEntry, PrintableClientIdShownAsText) {
    Fixture f;
    f.lease.clientId = bytes("howdy");
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, kDefault),
              "Address: 192.2.1.100 has been assigned for 1 hrs 52 mins 15 secs to a device "
              "with hardware address: hwtype=1 08:00:2b:02:3f:4e, client-id: 68:6f:77:64:79 "
              "(howdy)");
}

TEST(LegalEntry, RelayedClientAsKea) {
    Fixture f;
    f.setClientId();
    f.setGiaddr();
    const std::string head = "Address: 192.2.1.100 has been assigned for 1 hrs 52 mins 15 secs "
                             "to a device with hardware address: hwtype=1 08:00:2b:02:3f:4e, "
                             "client-id: 17:34:e2:ff:09:92:54 connected via relay at address: "
                             "192.2.16.33";
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, kDefault), head);
    f.setRai({{1, kCircuit}});
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, kDefault),
              head + ", identified by circuit-id: 68:6f:77:64:79 (howdy)");
    f.setRai({{1, kCircuit}, {6, kSubscriber}});
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, kDefault),
              head + ", identified by circuit-id: 68:6f:77:64:79 (howdy) and subscriber-id: "
                     "1a:2b:3c:4d:5e:6f");
    // The order is Kea's (circuit, remote, subscriber), not the wire order.
    f.setRai({{1, kCircuit}, {6, kSubscriber}, {2, kRemote}});
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, kDefault),
              head + ", identified by circuit-id: 68:6f:77:64:79 (howdy) and remote-id: "
                     "87:f6:79:77:ef and subscriber-id: 1a:2b:3c:4d:5e:6f");
    f.lease.userContext = json{{"foo", true}};
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, kDefault),
              head + ", identified by circuit-id: 68:6f:77:64:79 (howdy) and remote-id: "
                     "87:f6:79:77:ef and subscriber-id: 1a:2b:3c:4d:5e:6f, context: { \"foo\": "
                     "true }");
    // Only the remote-id: no "and" in front.
    f.lease.userContext = nullptr;
    f.setRai({{2, kRemote}});
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, kDefault),
              head + ", identified by remote-id: 87:f6:79:77:ef");
    // An empty circuit-id is left out; an option 82 with nothing known says nothing.
    f.setRai({{1, {}}, {5, {1, 2, 3, 4}}});
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, kDefault), head);
}

// Kea's request-parser-format and response-parser-format examples (its ARM and unit tests).
const char* kRequestOnly =
    "ifelse(pkt4.msgtype == 3, 'Address: ' + ifelse(option[50].exists, "
    "addrtotext(option[50].hex), addrtotext(pkt4.ciaddr)) + ' has been assigned' + "
    "ifelse(option[51].exists, ' for ' + uint32totext(option[51].hex) + ' seconds', '') + ' to a "
    "device with hardware address: hwtype=' + substring(hexstring(pkt4.htype, ''), 7, 1) + ' ' + "
    "hexstring(pkt4.mac, ':') + ifelse(option[61].exists, ', client-id: ' + "
    "hexstring(option[61].hex, ':'), '') + ifelse(pkt4.giaddr == 0.0.0.0, '', ' connected via "
    "relay at address: ' + addrtotext(pkt4.giaddr) + ifelse(option[82].option[1].exists, ', "
    "circuit-id: ' + hexstring(option[82].option[1].hex, ':'), '') + "
    "ifelse(option[82].option[2].exists, ', remote-id: ' + hexstring(option[82].option[2].hex, "
    "':'), '') + ifelse(option[82].option[6].exists, ', subscriber-id: ' + "
    "hexstring(option[82].option[6].hex, ':'), '')), ifelse(pkt4.msgtype == 4 or pkt4.msgtype "
    "== 7, 'Address: ' + ifelse(option[50].exists, addrtotext(option[50].hex), "
    "addrtotext(pkt4.ciaddr)) + ' has been released from a device with hardware address: "
    "hwtype=' + substring(hexstring(pkt4.htype, ''), 7, 1) + ' ' + hexstring(pkt4.mac, ':') + "
    "ifelse(option[61].exists, ', client-id: ' + hexstring(option[61].hex, ':'), '') + "
    "ifelse(pkt4.giaddr == 0.0.0.0, '', ' connected via relay at address: ' + "
    "addrtotext(pkt4.giaddr) + ifelse(option[82].option[1].exists, ', circuit-id: ' + "
    "hexstring(option[82].option[1].hex, ':'), '') + ifelse(option[82].option[2].exists, ', "
    "remote-id: ' + hexstring(option[82].option[2].hex, ':'), '') + "
    "ifelse(option[82].option[6].exists, ', subscriber-id: ' + "
    "hexstring(option[82].option[6].hex, ':'), '')), ''))";

const char* kResponse =
    "ifelse(pkt4.msgtype == 5, 'Address: ' + addrtotext(pkt4.yiaddr) + ' has been assigned for "
    "' + uint32totext(option[51].hex) + ' seconds to a device with hardware address: hwtype=' + "
    "substring(hexstring(pkt4.htype, ''), 7, 1) + ' ' + hexstring(pkt4.mac, ':') + "
    "ifelse(option[61].exists, ', client-id: ' + hexstring(option[61].hex, ':'), '') + "
    "ifelse(pkt4.giaddr == 0.0.0.0, '', ' connected via relay at address: ' + "
    "addrtotext(pkt4.giaddr) + ifelse(option[82].option[1].exists, ', circuit-id: ' + "
    "hexstring(option[82].option[1].hex, ':'), '') + ifelse(option[82].option[2].exists, ', "
    "remote-id: ' + hexstring(option[82].option[2].hex, ':'), '') + "
    "ifelse(option[82].option[6].exists, ', subscriber-id: ' + "
    "hexstring(option[82].option[6].hex, ':'), '')), '')";

TEST(LegalEntry, CustomRequestFormatAsKea) {
    Fixture f;
    CustomFormat format;
    format.request = eval::Expression::parse(kRequestOnly, eval::ResultType::String);
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, format),
              "Address: 192.2.1.100 has been assigned for 6735 seconds to a device with hardware "
              "address: hwtype=1 08:00:2b:02:3f:4e");
    EXPECT_EQ(lease4Entry(f.release, nullptr, f.lease, Action::Release, format),
              "Address: 192.2.1.100 has been released from a device with hardware address: "
              "hwtype=1 08:00:2b:02:3f:4e");
    // A DISCOVER yields nothing: nothing is logged.
    f.request.setMessageType(MessageType::Discover);
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, format), "");
    f.request.setMessageType(MessageType::Request);
    f.setClientId();
    f.setGiaddr();
    f.setRai({{1, kCircuit}, {2, kRemote}, {6, kSubscriber}});
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, format),
              "Address: 192.2.1.100 has been assigned for 6735 seconds to a device with hardware "
              "address: hwtype=1 08:00:2b:02:3f:4e, client-id: 17:34:e2:ff:09:92:54 connected "
              "via relay at address: 192.2.16.33, circuit-id: 68:6f:77:64:79, remote-id: "
              "87:f6:79:77:ef, subscriber-id: 1a:2b:3c:4d:5e:6f");
}

TEST(LegalEntry, CustomRequestAndResponseFormatsConcatenated) {
    Fixture f;
    CustomFormat format;
    format.request =
        eval::Expression::parse("'req:' + addrtotext(pkt4.ciaddr)", eval::ResultType::String);
    format.response = eval::Expression::parse(kResponse, eval::ResultType::String);
    f.setClientId();
    EXPECT_EQ(lease4Entry(f.request, &f.response, f.lease, Action::Assign, format),
              "req:0.0.0.0Address: 192.2.1.100 has been assigned for 6735 seconds to a device "
              "with hardware address: hwtype=1 08:00:2b:02:3f:4e, client-id: "
              "17:34:e2:ff:09:92:54");
    // No response (RELEASE, DECLINE): only the request part.
    EXPECT_EQ(lease4Entry(f.release, nullptr, f.lease, Action::Release, format), "req:192.2.1.100");
}

struct CommandCase {
    const char* name;
    const char* arguments;
    const char* expected;
};

// Kea's command_log_unittests.cc (the DHCPv4 commands).
const CommandCase kCommands[] = {
    {"lease4-add",
     R"({"subnet-id": 44, "ip-address": "192.0.2.202", "hw-address": "1a:1b:1c:1d:1e:1f"})",
     "Administrator added a lease of address: 192.0.2.202 to a device with hardware address: "
     "1a:1b:1c:1d:1e:1f"},
    {"lease4-add",
     R"({"subnet-id": 44, "ip-address": "192.0.2.202", "hw-address": "1a:1b:1c:1d:1e:1f",
         "client-id": "1234567890"})",
     "Administrator added a lease of address: 192.0.2.202 to a device with hardware address: "
     "1a:1b:1c:1d:1e:1f, client-id: 1234567890"},
    {"lease4-add",
     R"({"subnet-id": 44, "ip-address": "192.0.2.202", "hw-address": "1a:1b:1c:1d:1e:1f",
         "valid-lft": 86400})",
     "Administrator added a lease of address: 192.0.2.202 to a device with hardware address: "
     "1a:1b:1c:1d:1e:1f for 1 days 0 hrs 0 mins 0 secs"},
    {"lease4-add",
     R"({"subnet-id": 44, "ip-address": "192.0.2.202", "hw-address": "1a:1b:1c:1d:1e:1f",
         "user-context": {"foo": "bar"}})",
     "Administrator added a lease of address: 192.0.2.202 to a device with hardware address: "
     "1a:1b:1c:1d:1e:1f, context: { \"foo\": \"bar\" }"},
    {"lease4-del", R"({"subnet-id": 44, "ip-address": "192.0.2.202"})",
     "Administrator deleted the lease for address: 192.0.2.202"},
    {"lease4-del",
     R"({"subnet-id": 44, "identifier-type": "hw-address", "identifier": "1a:1b:1c:1d:1e:1f"})",
     "Administrator deleted a lease for a device identified by: hw-address of 1a:1b:1c:1d:1e:1f"},
    {"lease4-update",
     R"({"subnet-id": 44, "ip-address": "192.0.2.202", "hw-address": "1a:1b:1c:1d:1e:1f"})",
     "Administrator updated information on the lease of address: 192.0.2.202 to a device with "
     "hardware address: 1a:1b:1c:1d:1e:1f"},
    {"lease4-update",
     R"({"subnet-id": 44, "ip-address": "192.0.2.202", "hw-address": "1a:1b:1c:1d:1e:1f",
         "client-id": "686f776479"})",
     "Administrator updated information on the lease of address: 192.0.2.202 to a device with "
     "hardware address: 1a:1b:1c:1d:1e:1f, client-id: 686f776479 (howdy)"},
    {"lease4-update",
     R"({"subnet-id": 44, "ip-address": "192.0.2.202", "hw-address": "1a:1b:1c:1d:1e:1f",
         "valid-lft": 86400})",
     "Administrator updated information on the lease of address: 192.0.2.202 to a device with "
     "hardware address: 1a:1b:1c:1d:1e:1f for 1 days 0 hrs 0 mins 0 secs"},
    {"lease4-update",
     R"({"subnet-id": 44, "ip-address": "192.0.2.202", "hw-address": "1a:1b:1c:1d:1e:1f",
         "comment": "Fred's box"})",
     "Administrator updated information on the lease of address: 192.0.2.202 to a device with "
     "hardware address: 1a:1b:1c:1d:1e:1f, context: { \"comment\": \"Fred's box\" }"},
    {"lease4-del", R"({"ip-address": "192.0.2.202"})",
     "Administrator deleted the lease for address: 192.0.2.202"},
    {"lease4-add",
     R"({"origin": "ha-partner", "subnet-id": 44, "ip-address": "192.0.2.202",
         "hw-address": "1a:1b:1c:1d:1e:1f", "valid-lft": 86400})",
     "HA partner added a lease of address: 192.0.2.202 to a device with hardware address: "
     "1a:1b:1c:1d:1e:1f for 1 days 0 hrs 0 mins 0 secs"},
    {"lease4-del",
     R"({"origin": "ha-partner", "subnet-id": 44, "identifier-type": "hw-address",
         "identifier": "1a:1b:1c:1d:1e:1f"})",
     "HA partner deleted a lease for a device identified by: hw-address of 1a:1b:1c:1d:1e:1f"},
};

TEST(LegalEntry, CommandsAsKea) {
    for (const auto& c : kCommands) {
        std::string address;
        auto text = commandEntry(c.name, json::parse(c.arguments), 0, address);
        ASSERT_TRUE(text.has_value()) << c.name << " " << c.arguments;
        EXPECT_EQ(*text, c.expected) << c.arguments;
    }
}

TEST(LegalEntry, CommandDurationFromExpireAndContextWithComment) {
    std::string address;
    auto text = commandEntry(
        "lease4-add", json::parse(R"({"ip-address": "10.0.0.5", "hw-address": "aa:bb:cc:dd:ee:ff",
                                             "expire": 1000003600, "comment": "c",
                                             "user-context": {"a": [1, 2]}})"),
        1000000000, address);
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, "Administrator added a lease of address: 10.0.0.5 to a device with hardware "
                     "address: aa:bb:cc:dd:ee:ff for 1 hrs 0 mins 0 secs, context: { \"a\": [ 1, "
                     "2 ], \"comment\": \"c\" }");
    EXPECT_EQ(address, "10.0.0.5");
    // An expire in the past gives no duration.
    text = commandEntry("lease4-update",
                        json::parse(R"({"ip-address": "10.0.0.5", "hw-address": "aa:bb",
                                        "expire": 10})"),
                        1000000000, address);
    EXPECT_EQ(*text, "Administrator updated information on the lease of address: 10.0.0.5 to a "
                     "device with hardware address: aa:bb");
}

TEST(LegalEntry, OtherCommandsAndMissingArguments) {
    std::string address;
    EXPECT_FALSE(commandEntry("lease4-get", json::object(), 0, address));
    EXPECT_FALSE(commandEntry("lease4-wipe", json::object(), 0, address));
    EXPECT_FALSE(commandEntry("lease6-add", json::object(), 0, address));
    EXPECT_THROW(commandEntry("lease4-add", json{{"ip-address", "10.0.0.1"}}, 0, address), Error);
    EXPECT_THROW(commandEntry("lease4-del", json{{"identifier-type", "hw-address"}}, 0, address),
                 Error);
}

TEST(LegalEntry, OneLineEscapesEveryControlCharacter) {
    EXPECT_EQ(oneLine("plain text (é) ~"), "plain text (é) ~");
    EXPECT_EQ(oneLine("host\n2026-01-01 00:00:00 UTC Address: 10.0.0.9 has been"),
              "host\\x0a2026-01-01 00:00:00 UTC Address: 10.0.0.9 has been");
    EXPECT_EQ(oneLine(std::string("a\r\tb\x1b[0m\x7f\0z", 11)), "a\\x0d\\x09b\\x1b[0m\\x7f\\x00z");
}

TEST(LegalEntry, ClientTextInACustomFormatStaysOnOneLine) {
    Fixture f;
    CustomFormat format;
    format.request = eval::Expression::parse("'host ' + option[12].text", eval::ResultType::String);
    f.request.set(opt::kHostName,
                  bytes("pc\n2026-01-01 00:00:00 UTC Address: 10.9.9.9 has been assigned"));
    const std::string line =
        oneLine(lease4Entry(f.request, &f.response, f.lease, Action::Assign, format));
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_EQ(line, "host pc\\x0a2026-01-01 00:00:00 UTC Address: 10.9.9.9 has been assigned");
}

} // namespace kahu::legal_log
