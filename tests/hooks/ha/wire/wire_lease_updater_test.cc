// SPDX-License-Identifier: MPL-2.0
// LeaseUpdater: what is sent for one exchange, and when the parked query resumes or drops.
#include "lease_updater.h"
#include "wire_test_util.h"

#include <gtest/gtest.h>

namespace kahu::ha::test {

namespace {

struct Resolution {
    int calls = 0;
    bool resumed = false;
    LeaseUpdater::Resolve fn() {
        return [this](bool r) {
            ++calls;
            resumed = r;
        };
    }
};

std::vector<UpdateTarget> partnerAndBackup() {
    return {{peer("server2"), false}, {peer("backup1", 0, true), true}};
}

} // namespace

TEST(WireLeaseUpdater, DeletesFirstThenUpdatesOneCommandPerLeasePerPeer) {
    FakeChannel ch;
    std::vector<PeerUpdateReport> reports;
    LeaseUpdater u(ch, {}, [&](const PeerUpdateReport& r) { reports.push_back(r); });
    Resolution res;
    u.send(partnerAndBackup(), {lease("10.0.0.1"), lease("10.0.0.2")}, {lease("10.0.0.9")},
           res.fn());
    ASSERT_EQ(ch.sent.size(), 6u);
    EXPECT_EQ(ch.sent[0].peer, "server2");
    EXPECT_EQ(ch.sent[0].command, "lease4-del");
    EXPECT_EQ(ch.sent[0].arguments["ip-address"], "10.0.0.9");
    EXPECT_EQ(ch.sent[1].command, "lease4-update");
    EXPECT_EQ(ch.sent[1].arguments["ip-address"], "10.0.0.1");
    EXPECT_EQ(ch.sent[1].arguments["force-create"], true);
    EXPECT_EQ(ch.sent[2].arguments["ip-address"], "10.0.0.2");
    EXPECT_EQ(ch.sent[3].peer, "backup1");
    EXPECT_EQ(ch.sent[3].command, "lease4-del");
    EXPECT_EQ(ch.sent[0].timeout, std::chrono::milliseconds(10000));
    EXPECT_EQ(res.calls, 1);
    EXPECT_TRUE(res.resumed);
    ASSERT_EQ(reports.size(), 2u);
    EXPECT_TRUE(reports[0].ok);
    EXPECT_EQ(reports[0].updated.size(), 2u);
}

TEST(WireLeaseUpdater, ResumesOnlyWhenThePartnerAnsweredEverything) {
    FakeChannel ch;
    ch.hold = true;
    LeaseUpdater u(ch, {});
    Resolution res;
    u.send({{peer("server2"), false}}, {lease("10.0.0.1"), lease("10.0.0.2")}, {}, res.fn());
    EXPECT_EQ(res.calls, 0);
    ch.release();
    EXPECT_EQ(res.calls, 1);
    EXPECT_TRUE(res.resumed);
}

TEST(WireLeaseUpdater, NotFoundOnDeleteIsSuccess) {
    FakeChannel ch;
    ch.handler = [](auto& s) {
        return s.command == "lease4-del" ? FakeChannel::result(3, "IPv4 lease not found.")
                                         : FakeChannel::result(0);
    };
    LeaseUpdater u(ch, {});
    Resolution res;
    u.send({{peer("server2"), false}}, {}, {lease("10.0.0.1")}, res.fn());
    EXPECT_EQ(res.calls, 1);
    EXPECT_TRUE(res.resumed);
}

TEST(WireLeaseUpdater, NotFoundOnUpdateIsAFailure) {
    FakeChannel ch;
    ch.handler = [](auto&) { return FakeChannel::result(3); };
    LeaseUpdater u(ch, {});
    Resolution res;
    u.send({{peer("server2"), false}}, {lease("10.0.0.1")}, {}, res.fn());
    EXPECT_EQ(res.calls, 1);
    EXPECT_FALSE(res.resumed);
}

TEST(WireLeaseUpdater, TransportFailureDropsAndIsReportedAsFailed) {
    FakeChannel ch;
    ch.handler = [](auto& s) {
        return s.arguments["ip-address"] == "10.0.0.2" ? FakeChannel::transportError("refused")
                                                       : FakeChannel::result(0);
    };
    std::vector<PeerUpdateReport> reports;
    LeaseUpdater u(ch, {}, [&](const PeerUpdateReport& r) { reports.push_back(r); });
    Resolution res;
    u.send({{peer("server2"), false}}, {lease("10.0.0.1"), lease("10.0.0.2")}, {}, res.fn());
    EXPECT_EQ(res.calls, 1);
    EXPECT_FALSE(res.resumed);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_TRUE(reports[0].failed);
    EXPECT_FALSE(reports[0].ok);
    EXPECT_EQ(reports[0].error, "refused");
    EXPECT_EQ(reports[0].updated.size(), 1u);
}

TEST(WireLeaseUpdater, ConflictDropsButIsNotAFailureOfThePartner) {
    FakeChannel ch;
    ch.handler = [](auto&) { return FakeChannel::result(4, "conflict"); };
    std::vector<PeerUpdateReport> reports;
    LeaseUpdater u(ch, {}, [&](const PeerUpdateReport& r) { reports.push_back(r); });
    Resolution res;
    u.send({{peer("server2"), false}}, {lease("10.0.0.1")}, {}, res.fn());
    EXPECT_FALSE(res.resumed);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_FALSE(reports[0].failed);
    ASSERT_EQ(reports[0].rejected.size(), 1u);
    EXPECT_EQ(reports[0].rejected[0].address.str(), "10.0.0.1");
    EXPECT_EQ(reports[0].error, "lease4-update failed with result 4: conflict");
}

TEST(WireLeaseUpdater, BackupsAreFireAndForgetUnlessWaitBackupAck) {
    for (bool wait : {false, true}) {
        FakeChannel ch;
        ch.hold = true;
        ch.handler = [](auto&) { return FakeChannel::transportError("down"); };
        LeaseUpdater::Options o;
        o.waitBackupAck = wait;
        LeaseUpdater u(ch, o);
        std::vector<UpdateTarget> backups = {{peer("backup1", 0, true), true}};
        EXPECT_EQ(u.mustWait(backups, {lease("10.0.0.1")}, {}), wait);
        Resolution res;
        u.send(backups, {lease("10.0.0.1")}, {}, res.fn());
        if (!wait) {
            EXPECT_EQ(res.calls, 1); // resumed at once, whatever the backup says later
            EXPECT_TRUE(res.resumed);
        } else {
            EXPECT_EQ(res.calls, 0);
        }
        ch.release();
        EXPECT_EQ(res.calls, 1);
        EXPECT_EQ(res.resumed, !wait);
    }
}

TEST(WireLeaseUpdater, NothingToSendResumesAtOnceAndNeedsNoPark) {
    FakeChannel ch;
    LeaseUpdater u(ch, {});
    EXPECT_FALSE(u.mustWait(partnerAndBackup(), {}, {}));
    EXPECT_TRUE(u.mustWait(partnerAndBackup(), {lease("10.0.0.1")}, {}));
    Resolution res;
    u.send(partnerAndBackup(), {}, {}, res.fn());
    EXPECT_EQ(res.calls, 1);
    EXPECT_TRUE(res.resumed);
    EXPECT_TRUE(ch.sent.empty());
}

TEST(WireLeaseUpdater, UnsentUpdateCount) {
    FakeChannel ch;
    LeaseUpdater u(ch, {});
    EXPECT_EQ(u.unsentUpdateCount(), 0u);
    u.noteUnsent();
    u.noteUnsent();
    EXPECT_EQ(u.unsentUpdateCount(), 2u);
    u.resetUnsentUpdateCount();
    EXPECT_EQ(u.unsentUpdateCount(), 0u);
}

TEST(WireLeaseUpdater, BacklogKeepsOrderUpToItsLimitThenOverflows) {
    LeaseUpdateBacklog b(3);
    EXPECT_TRUE(
        LeaseUpdater::queue(b, {lease("10.0.0.1"), lease("10.0.0.2")}, {lease("10.0.0.9")}));
    EXPECT_EQ(b.size(), 3u);
    EXPECT_FALSE(b.overflown());
    EXPECT_FALSE(LeaseUpdater::queue(b, {lease("10.0.0.3")}, {}));
    EXPECT_TRUE(b.overflown());
    auto e = b.pop();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->op, LeaseUpdateBacklog::Op::Delete);
    b.clear();
    EXPECT_FALSE(b.overflown());
    EXPECT_EQ(b.size(), 0u);
}

TEST(WireLeaseUpdater, SendBacklogSendsInOrderAndStopsAtFirstFailure) {
    FakeChannel ch;
    LeaseUpdater u(ch, {});
    LeaseUpdateBacklog b(10);
    LeaseUpdater::queue(b, {lease("10.0.0.1"), lease("10.0.0.2")}, {lease("10.0.0.9")});
    std::optional<std::pair<bool, std::string>> out;
    u.sendBacklog(b, peer("server2"), [&](bool ok, std::string e) { out.emplace(ok, e); });
    ASSERT_TRUE(out);
    EXPECT_TRUE(out->first);
    ASSERT_EQ(ch.sent.size(), 3u);
    EXPECT_EQ(ch.sent[0].command, "lease4-del");
    EXPECT_EQ(ch.sent[2].arguments["ip-address"], "10.0.0.2");
    EXPECT_EQ(b.size(), 0u);

    ch.sent.clear();
    ch.handler = [](auto&) { return FakeChannel::result(1, "bad"); };
    LeaseUpdater::queue(b, {lease("10.0.0.1"), lease("10.0.0.2")}, {});
    out.reset();
    u.sendBacklog(b, peer("server2"), [&](bool ok, std::string e) { out.emplace(ok, e); });
    ASSERT_TRUE(out);
    EXPECT_FALSE(out->first);
    EXPECT_EQ(out->second, "lease4-update failed with result 1: bad");
    EXPECT_EQ(ch.sent.size(), 1u);

    LeaseUpdateBacklog full(0);
    LeaseUpdater::queue(full, {lease("10.0.0.1")}, {});
    out.reset();
    u.sendBacklog(full, peer("server2"), [&](bool ok, std::string e) { out.emplace(ok, e); });
    ASSERT_TRUE(out);
    EXPECT_FALSE(out->first);
}

} // namespace kahu::ha::test
