// SPDX-License-Identifier: MPL-2.0
// libdhcp_bootp.so's callouts on real packets: a BOOTP query becomes a DHCPREQUEST in BOOTP, a
// DHCP query is left to the server, the answer loses the DHCP options and is padded.
#include "hooks/hook_set.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <string>
#include <vector>

namespace kahu::hooks {
namespace {

std::vector<uint8_t> wire(const Packet4& p) {
    std::vector<uint8_t> out;
    p.pack(out);
    return out;
}

class BootpHook : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string dir = KAHU_TEST_HOOKS_BUILD_DIR;
        ASSERT_TRUE(std::filesystem::is_regular_file(dir + "/libdhcp_bootp.so"));
        setenv("KAHU_HOOKS_PATH", dir.c_str(), 1);
        set_ = loadHookSet({{"libdhcp_bootp.so", nullptr, "bootp.json:1:1"}}, LoadMode::Load, true);
    }
    std::shared_ptr<HookSet> set_;
};

TEST_F(BootpHook, BootpQueryBecomesARequestInClassBootp) {
    Packet4 bootp;
    bootp.chaddr = {0x02, 0, 0, 0, 0, 0x42};
    bootp.set(opt::kHostName, {'p', 'r', 'n'});
    std::vector<uint8_t> buffer = wire(bootp);
    ASSERT_EQ(Packet4().parse(buffer), ParseError::NoMessageType);

    Packet4 query;
    Buffer4ReceiveArgs args{buffer, query};
    EXPECT_EQ(set_->run<HookPoint::Buffer4Receive>(args), Verdict::Skip);
    EXPECT_EQ(query.messageType(), MessageType::Request);
    EXPECT_TRUE(query.inClass("BOOTP"));
    ASSERT_NE(query.get(opt::kHostName), nullptr);
    EXPECT_EQ(query.get(opt::kHostName)->data.size(), 3u);
    EXPECT_EQ(query.chaddr[5], 0x42);
}

TEST_F(BootpHook, DhcpQueryIsLeftToTheServer) {
    Packet4 dhcp;
    dhcp.setMessageType(MessageType::Discover);
    std::vector<uint8_t> buffer = wire(dhcp);
    Packet4 query;
    Buffer4ReceiveArgs args{buffer, query};
    EXPECT_EQ(set_->run<HookPoint::Buffer4Receive>(args), Verdict::Continue);
    EXPECT_FALSE(query.inClass("BOOTP"));
}

TEST_F(BootpHook, AnswerLosesDhcpOptionsAndIsPadded) {
    Packet4 query;
    query.addClass("BOOTP");
    Packet4 response;
    response.op = 2;
    response.setMessageType(MessageType::Ack);
    response.setUint32(opt::kLeaseTime, 0xffffffff);
    response.setAddress(opt::kServerId, *Ipv4Address::fromText("192.0.2.1"));
    response.setAddress(opt::kRouters, *Ipv4Address::fromText("192.0.2.254"));
    Pkt4SendArgs send{query, response, nullptr};
    EXPECT_EQ(set_->run<HookPoint::Pkt4Send>(send), Verdict::Continue);
    EXPECT_FALSE(response.messageType());
    EXPECT_EQ(response.get(opt::kLeaseTime), nullptr);
    EXPECT_EQ(response.get(opt::kServerId), nullptr);
    ASSERT_NE(response.get(opt::kRouters), nullptr);

    // The server packs to at least 300 octets already; a shorter buffer (say, one a callout
    // rewrote) is padded.
    std::vector<uint8_t> buffer = wire(response);
    EXPECT_GE(buffer.size(), 300u);
    buffer.resize(260);
    Buffer4SendArgs out{response, buffer};
    EXPECT_EQ(set_->run<HookPoint::Buffer4Send>(out), Verdict::Continue);
    EXPECT_EQ(buffer.size(), 300u);
}

TEST_F(BootpHook, ParametersAreRefused) {
    EXPECT_THROW(
        loadHookSet({{"libdhcp_bootp.so", {{"x", 1}}, "bootp.json:1:1"}}, LoadMode::Load, true),
        Error);
}

} // namespace
} // namespace kahu::hooks
