// SPDX-License-Identifier: MPL-2.0
// LeaseSync paging over a fake partner holding 25,000 leases.
#include "lease_sync.h"
#include "wire_test_util.h"

#include <gtest/gtest.h>

namespace kahu::ha::test {

namespace {

/// A partner answering like Kea with lease_cmds: lease4-get-page over its own leases.
struct FakePartner {
    FakeLeases leases;
    int notifyResult = 0;
    int disableResult = 0;
    std::function<void(FakeChannel::Sent&)> before;

    PeerAnswer operator()(const FakeChannel::Sent& s) {
        if (s.command == "dhcp-disable") {
            return FakeChannel::result(disableResult);
        }
        if (s.command == "ha-sync-complete-notify") {
            return FakeChannel::result(notifyResult);
        }
        if (s.command == "dhcp-enable") {
            return FakeChannel::result(0);
        }
        if (s.command != "lease4-get-page") {
            return FakeChannel::result(2);
        }
        std::string from = s.arguments["from"];
        Ipv4Address after = from == "start" ? Ipv4Address() : *Ipv4Address::fromText(from);
        auto page = leases.getPage(after, s.arguments["limit"].get<size_t>());
        if (page.empty()) {
            return FakeChannel::result(3, "0 IPv4 lease(s) found.");
        }
        nlohmann::json list = nlohmann::json::array();
        for (const auto& l : page) {
            list.push_back(leaseToJson(l));
        }
        PeerAnswer a =
            FakeChannel::result(0, std::to_string(page.size()) + " IPv4 lease(s) found.");
        a.answer["arguments"] = {{"leases", list}, {"count", page.size()}};
        return a;
    }
};

Lease4 nth(uint32_t i, int64_t cltt) {
    Lease4 l;
    l.address = Ipv4Address(0x0a000000u + 1 + i); // 10.0.0.1 ...
    l.hwAddr = HwAddr{1, {0x02, 0, 0, uint8_t(i >> 16), uint8_t(i >> 8), uint8_t(i)}};
    l.validLifetime = 3600;
    l.cltt = cltt;
    l.subnetId = 1;
    return l;
}

struct Result {
    bool ok = false;
    std::string error;
    int calls = 0;
};

/// Options that store into `server`'s leases.
LeaseSync::Options on(ServerAccess& server) {
    LeaseSync::Options o;
    o.server = &server;
    return o;
}

std::shared_ptr<LeaseSync> run(FakeChannel& ch, Result& r, LeaseSync::Options o) {
    auto s = std::make_shared<LeaseSync>(ch, peer("server2"), std::move(o),
                                         [&r](bool ok, std::string e) {
                                             r.ok = ok;
                                             r.error = std::move(e);
                                             ++r.calls;
                                         });
    s->start();
    return s;
}

} // namespace

TEST(WireLeaseSync, PagesThroughTwentyFiveThousandLeasesNewerClttWins) {
    FakeServer server;
    FakePartner partner;
    for (uint32_t i = 0; i < 25000; ++i) {
        partner.leases.add(nth(i, 1000));
    }
    // Local state before the sync: one older copy (replaced), one newer copy (kept), one
    // equal copy (kept), and one lease the partner does not have (never deleted).
    Lease4 older = nth(10, 900), newer = nth(20000, 2000), same = nth(15000, 1000);
    newer.hostname = "mine";
    same.hostname = "local";
    server.leases_.add(older);
    server.leases_.add(newer);
    server.leases_.add(same);
    Lease4 onlyLocal = nth(30000, 500);
    server.leases_.add(onlyLocal);

    FakeChannel ch;
    ch.handler = std::ref(partner);
    Result r;
    auto s = run(ch, r, on(server));
    ASSERT_EQ(r.calls, 1);
    EXPECT_TRUE(r.ok) << r.error;

    // dhcp-disable before each of the 3 pages, then the notification.
    std::vector<std::string> order;
    for (auto& c : ch.sent) {
        order.push_back(c.command);
    }
    EXPECT_EQ(order, (std::vector<std::string>{"dhcp-disable", "lease4-get-page", "dhcp-disable",
                                               "lease4-get-page", "dhcp-disable", "lease4-get-page",
                                               "ha-sync-complete-notify"}));
    EXPECT_EQ(ch.sent[0].arguments["max-period"], 60);
    EXPECT_EQ(ch.sent[1].arguments, nlohmann::json({{"from", "start"}, {"limit", 10000}}));
    EXPECT_EQ(ch.sent[1].timeout, std::chrono::milliseconds(60000));
    EXPECT_EQ(ch.sent[3].arguments["from"], nth(9999, 0).address.str());
    EXPECT_EQ(ch.sent[5].arguments["from"], nth(19999, 0).address.str());

    EXPECT_EQ(server.leases_.size(), 25001u);
    EXPECT_EQ(server.leases_.get(older.address)->cltt, 1000);
    EXPECT_EQ(server.leases_.get(newer.address)->hostname, "mine");
    EXPECT_EQ(server.leases_.get(same.address)->hostname, "local");
    EXPECT_TRUE(server.leases_.get(onlyLocal.address));
    auto st = s->stats();
    EXPECT_EQ(st.pages, 3u);
    EXPECT_EQ(st.received, 25000u);
    EXPECT_EQ(st.added, 24997u);
    EXPECT_EQ(st.updated, 1u);
    EXPECT_EQ(st.kept, 2u);
}

TEST(WireLeaseSync, AFullLastPageEndsWithAnEmptyPage) {
    FakeServer server;
    FakePartner partner;
    for (uint32_t i = 0; i < 20; ++i) {
        partner.leases.add(nth(i, 1000));
    }
    FakeChannel ch;
    ch.handler = std::ref(partner);
    Result r;
    LeaseSync::Options o = on(server);
    o.pageLimit = 10;
    o.syncTimeout = std::chrono::milliseconds(500); // max-period at least 1
    run(ch, r, o);
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(server.leases_.size(), 20u);
    EXPECT_EQ(ch.sent[0].arguments["max-period"], 1);
    size_t pages = 0;
    for (auto& c : ch.sent) {
        pages += c.command == "lease4-get-page";
    }
    EXPECT_EQ(pages, 3u); // 10, 10, then result 3
}

TEST(WireLeaseSync, OldPartnerAnsweringUnsupportedGetsDhcpEnable) {
    FakeServer server;
    FakePartner partner;
    partner.leases.add(nth(0, 1000));
    partner.notifyResult = 2;
    FakeChannel ch;
    ch.handler = std::ref(partner);
    Result r;
    run(ch, r, on(server));
    EXPECT_TRUE(r.ok) << r.error;
    ASSERT_GE(ch.sent.size(), 2u);
    EXPECT_EQ(ch.sent[ch.sent.size() - 2].command, "ha-sync-complete-notify");
    EXPECT_EQ(ch.sent.back().command, "dhcp-enable");
    EXPECT_EQ(ch.sent.back().arguments, nlohmann::json({{"origin", "ha-partner"}}));
}

TEST(WireLeaseSync, FailuresEndTheSyncWithAnError) {
    FakeServer server;
    {
        FakePartner partner;
        partner.disableResult = 1;
        FakeChannel ch;
        ch.handler = std::ref(partner);
        Result r;
        run(ch, r, on(server));
        EXPECT_EQ(r.calls, 1);
        EXPECT_FALSE(r.ok);
        EXPECT_EQ(r.error, "dhcp-disable to server2 failed: result 1");
        EXPECT_EQ(ch.sent.size(), 1u);
    }
    {
        FakeChannel ch;
        ch.handler = [](auto& s) {
            return s.command == "lease4-get-page" ? FakeChannel::transportError("timed out")
                                                  : FakeChannel::result(0);
        };
        Result r;
        run(ch, r, on(server));
        EXPECT_FALSE(r.ok);
        EXPECT_EQ(r.error, "lease4-get-page to server2 failed: timed out");
    }
    {
        FakePartner partner;
        partner.notifyResult = 1;
        FakeChannel ch;
        ch.handler = std::ref(partner);
        Result r;
        run(ch, r, on(server));
        EXPECT_FALSE(r.ok);
        EXPECT_EQ(r.error, "ha-sync-complete-notify to server2 failed: result 1");
    }
}

TEST(WireLeaseSync, UnreadableLeaseIsSkippedAndPagingGoesOn) {
    FakeServer server;
    FakeChannel ch;
    int pages = 0;
    ch.handler = [&](auto& s) {
        if (s.command != "lease4-get-page") {
            return FakeChannel::result(0);
        }
        if (++pages > 1) {
            return FakeChannel::result(3);
        }
        auto bad = leaseToJson(nth(1, 1000));
        bad.erase("hw-address");
        PeerAnswer a = FakeChannel::result(0);
        a.answer["arguments"] = {{"leases", {leaseToJson(nth(0, 1000)), bad}}, {"count", 2}};
        return a;
    };
    Result r;
    LeaseSync::Options o = on(server);
    o.pageLimit = 2;
    auto s = run(ch, r, o);
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(server.leases_.size(), 1u);
    EXPECT_EQ(s->stats().skipped, 1u);
    EXPECT_EQ(pages, 2);
}

} // namespace kahu::ha::test
