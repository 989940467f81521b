// SPDX-License-Identifier: MPL-2.0
#include "db_recovery.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <gtest/gtest.h>
#include <kahu/config/server_config.h>
#include <mutex>
#include <spdlog/sinks/ostream_sink.h>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace kahu;
using namespace kahu::sql;

namespace {

constexpr RecoveryMessages kIds{"T_LOST",      "T_DISABLED", "T_ATTEMPT_FAILED",
                                "T_RECOVERED", "T_FAILED",   "T_STARTUP_RETRY"};

/// Records what the recovery asks of the server.
class FakeServer : public ServerAccess {
public:
    Leases& leases() override { throw std::logic_error("not used"); }
    std::shared_ptr<const ServerConfig> config() const override { return active; }
    void disableService(uint32_t origin) override {
        EXPECT_EQ(ServerAccess::kOriginDb, origin);
        ++disabled;
    }
    void enableService(uint32_t origin) override {
        EXPECT_EQ(ServerAccess::kOriginDb, origin);
        ++enabled;
    }
    bool serviceEnabled() const noexcept override { return disabled == enabled; }
    void requestShutdown(int exitCode) override { shutdown = exitCode; }

    std::atomic<int> disabled{0};
    std::atomic<int> enabled{0};
    std::atomic<int> shutdown{-1};
    std::shared_ptr<const ServerConfig> active; ///< null: no configuration applied yet
};

struct Recorder {
    std::ostringstream out;
    std::shared_ptr<spdlog::logger> logger = std::make_shared<spdlog::logger>(
        "t", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    std::string text() {
        logger->flush();
        return out.str();
    }
};

/// Waits until pred() holds (the recovery runs on its own thread).
template <class P> bool eventually(P pred) {
    for (int i = 0; i < 500 && !pred(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return pred();
}

RecoveryParams params(uint32_t tries, OnFail f) {
    return {tries, 1, f, false};
}

} // namespace

TEST(DbRecovery, StopRetryExitDisablesUntilReconnected) {
    FakeServer server;
    Recorder log;
    DbRecovery r(params(5, OnFail::StopRetryExit), "db://x", kIds, log.logger, &server);
    std::atomic<int> tries{0};
    int dropped = 0;
    r.lost(
        "gone", [&] { ++dropped; },
        [&] {
            if (++tries < 3) {
                throw std::runtime_error("still down");
            }
        });
    EXPECT_EQ(1, dropped);
    EXPECT_EQ(1, server.disabled.load());
    ASSERT_TRUE(eventually([&] { return r.available(); }));
    EXPECT_EQ(3, tries.load());
    EXPECT_EQ(1, server.enabled.load());
    EXPECT_EQ(-1, server.shutdown.load());
    const std::string text = log.text();
    EXPECT_NE(std::string::npos, text.find("T_LOST lost the connection to db://x: gone"));
    EXPECT_NE(std::string::npos, text.find("T_ATTEMPT_FAILED try 2 of 5: still down"));
    EXPECT_NE(std::string::npos, text.find("T_RECOVERED reconnected to db://x after 3 tries"));
}

TEST(DbRecovery, ASecondLossWhileRecoveringStartsNothing) {
    FakeServer server;
    Recorder log;
    DbRecovery r(params(50, OnFail::ServeRetryExit), "db", kIds, log.logger, &server);
    std::atomic<bool> up{false};
    std::atomic<int> reconnects{0};
    auto reconnect = [&] {
        ++reconnects;
        if (!up) {
            throw std::runtime_error("down");
        }
    };
    int dropped = 0;
    r.lost(
        "a", [&] { ++dropped; }, reconnect);
    r.lost(
        "b", [&] { ++dropped; }, reconnect);
    EXPECT_EQ(1, dropped);
    EXPECT_FALSE(r.available());
    up = true;
    ASSERT_TRUE(eventually([&] { return r.available(); }));
    EXPECT_EQ(0, server.disabled.load()); // serve-retry-*: the service stays on
    EXPECT_EQ(0, server.enabled.load());
    r.lost(
        "c", [&] { ++dropped; }, reconnect); // a new loss after recovery is handled again
    EXPECT_EQ(2, dropped);
}

TEST(DbRecovery, TriesRunOutPerOnFail) {
    for (auto f : {OnFail::StopRetryExit, OnFail::ServeRetryExit, OnFail::ServeRetryContinue}) {
        FakeServer server;
        Recorder log;
        DbRecovery r(params(2, f), "db", kIds, log.logger, &server);
        r.lost(
            "x", [] {}, [] { throw std::runtime_error("down"); });
        ASSERT_TRUE(eventually([&] {
            return log.text().find("T_FAILED could not reconnect") != std::string::npos;
        })) << toString(f);
        if (f == OnFail::ServeRetryContinue) {
            ASSERT_TRUE(eventually([&] { return server.enabled.load() == 1; }));
            EXPECT_EQ(-1, server.shutdown.load());
        } else {
            ASSERT_TRUE(eventually([&] { return server.shutdown.load() == EXIT_FAILURE; }))
                << toString(f);
        }
        EXPECT_EQ(f == OnFail::StopRetryExit ? 1 : 0, server.disabled.load()) << toString(f);
        EXPECT_FALSE(r.available());
    }
}

TEST(DbRecovery, NoTriesEndsAtOnceUnlessContinue) {
    FakeServer server;
    Recorder log;
    DbRecovery r(params(0, OnFail::ServeRetryExit), "db", kIds, log.logger, &server);
    r.lost(
        "x", [] {}, [] { FAIL() << "no reconnect expected"; });
    EXPECT_EQ(1, server.disabled.load());
    EXPECT_EQ(EXIT_FAILURE, server.shutdown.load());
    EXPECT_NE(std::string::npos, log.text().find("T_DISABLED max-reconnect-tries is 0"));

    FakeServer keeps;
    DbRecovery c(params(0, OnFail::ServeRetryContinue), "db", kIds, log.logger, &keeps);
    c.lost(
        "x", [] {}, [] {});
    EXPECT_EQ(0, keeps.disabled.load());
    EXPECT_EQ(-1, keeps.shutdown.load());
}

TEST(DbRecovery, StopEndsARecoveryThatWaits) {
    Recorder log;
    RecoveryParams p{1000, 60000, OnFail::StopRetryExit, false}; // a minute between tries
    DbRecovery r(p, "db", kIds, log.logger, nullptr);
    r.lost(
        "x", [] {}, [] {});
    const auto t0 = std::chrono::steady_clock::now();
    r.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
    EXPECT_FALSE(r.available());
}

namespace {

struct FakeConn {
    int id;
};

} // namespace

TEST(ConnectionPool, ALostConnectionDropsThePoolAndStartsRecovery) {
    FakeServer server;
    Recorder log;
    DbRecovery r(params(3, OnFail::StopRetryExit), "db", kIds, log.logger, &server);
    std::atomic<int> made{0};
    ConnectionPool<FakeConn> pool([&] { return std::make_unique<FakeConn>(FakeConn{++made}); }, r);
    // Two connections in use at once, both go back to the pool.
    pool.with([&](FakeConn& a) { return pool.with([](FakeConn& b) { return b.id; }) + a.id; });
    EXPECT_EQ(2, made.load());
    // An ordinary error: the connection goes back, the error is a kahu::StoreError.
    EXPECT_THROW(pool.with([](FakeConn&) -> int { throw DbError("bad value", false); }),
                 StoreError);
    EXPECT_EQ(2, made.load());
    EXPECT_TRUE(r.available());
    // A lost one: every idle connection is dropped, recovery makes a new one.
    EXPECT_THROW(pool.with([](FakeConn&) -> int { throw DbError("server gone", true); }),
                 StoreError);
    EXPECT_EQ(1, server.disabled.load());
    ASSERT_TRUE(eventually([&] { return r.available(); }));
    EXPECT_EQ(3, made.load());
    EXPECT_EQ(3, pool.with([](FakeConn& c) { return c.id; })); // the recovered one, reused
    EXPECT_EQ(3, made.load());
}

TEST(DbRecovery, ConnectAtStartRetriesOnlyWhenAllowed) {
    Recorder log;
    RecoveryParams p{3, 1, OnFail::StopRetryExit, true};
    int calls = 0;
    auto failTwice = [&] {
        if (++calls <= 2) {
            throw DbError("refused", true);
        }
        return std::make_unique<FakeConn>(FakeConn{calls});
    };
    auto c = DbRecovery::connectAtStart<FakeConn>(p, true, kIds, log.logger, failTwice);
    EXPECT_EQ(3, c->id);
    EXPECT_NE(std::string::npos,
              log.text().find("T_STARTUP_RETRY refused; retry-on-startup: try 2 of 3"));

    calls = 0; // a configuration check (mayWait false) fails at once
    EXPECT_THROW(DbRecovery::connectAtStart<FakeConn>(p, false, kIds, log.logger, failTwice),
                 DbError);
    EXPECT_EQ(1, calls);
    calls = 0; // an error that is not a lost connection (a wrong password) is not retried
    EXPECT_THROW(DbRecovery::connectAtStart<FakeConn>(p, true, kIds, log.logger,
                                                      [&]() -> std::unique_ptr<FakeConn> {
                                                          ++calls;
                                                          throw DbError("access denied", false);
                                                      }),
                 DbError);
    EXPECT_EQ(1, calls);
}

TEST(ConnectionPool, AnOperationThatGetsThroughAfterTheTriesEndsTheLoss) {
    // serve-retry-continue keeps serving when the tries run out; each operation then opens a
    // connection itself, and the first that works must end the loss (available(), logged).
    FakeServer server;
    Recorder log;
    DbRecovery r(params(2, OnFail::ServeRetryContinue), "db", kIds, log.logger, &server);
    std::atomic<bool> up{false};
    ConnectionPool<FakeConn> pool(
        [&] {
            if (!up) {
                throw DbError("refused", true);
            }
            return std::make_unique<FakeConn>(FakeConn{1});
        },
        r);
    EXPECT_THROW(pool.with([](FakeConn&) -> int { throw DbError("server gone", true); }),
                 StoreError);
    ASSERT_TRUE(eventually(
        [&] { return log.text().find("T_FAILED could not reconnect") != std::string::npos; }));
    EXPECT_FALSE(r.available());
    up = true;
    EXPECT_EQ(1, pool.with([](FakeConn& c) { return c.id; }));
    EXPECT_TRUE(r.available());
    EXPECT_NE(std::string::npos,
              log.text().find("T_RECOVERED reconnected to db (an operation opened a connection)"));
    EXPECT_EQ(-1, server.shutdown.load());
}

TEST(ConnectionPool, ALimitMakesTheOperationsBeyondItWait) {
    Recorder log;
    DbRecovery r(params(1, OnFail::StopRetryExit), "db", kIds, log.logger, nullptr);
    std::atomic<int> made{0};
    std::atomic<unsigned> limit{2};
    ConnectionPool<FakeConn> pool([&] { return std::make_unique<FakeConn>(FakeConn{++made}); }, r,
                                  [&] { return limit.load(); });
    std::mutex gate;
    std::atomic<int> inside{0};
    std::atomic<int> most{0};
    std::atomic<int> done{0};
    auto op = [&] {
        pool.with([&](FakeConn& c) {
            int now = ++inside;
            int seen = most.load();
            while (now > seen && !most.compare_exchange_weak(seen, now)) {
            }
            std::lock_guard hold(gate); // every operation waits here until the gate opens
            --inside;
            return c.id;
        });
        ++done;
    };
    std::vector<std::thread> threads;
    {
        std::unique_lock closed(gate);
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back(op);
        }
        ASSERT_TRUE(eventually([&] { return inside.load() == 2; }));
        std::this_thread::sleep_for(std::chrono::milliseconds(50)); // room for a third to enter
        EXPECT_EQ(2, inside.load());
        EXPECT_EQ(2U, pool.borrowed());
        EXPECT_EQ(0, done.load());
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(4, done.load());
    EXPECT_EQ(2, most.load());
    EXPECT_EQ(2, made.load()); // never more connections than the limit
    EXPECT_EQ(0U, pool.borrowed());

    // The limit is asked on every borrow; an operation that throws gives its place back.
    limit = 1;
    EXPECT_THROW(pool.with([](FakeConn&) -> int { throw DbError("bad value", false); }),
                 StoreError);
    EXPECT_THROW(pool.with([](FakeConn&) -> int { throw std::runtime_error("not the db"); }),
                 std::runtime_error);
    EXPECT_EQ(0U, pool.borrowed());
    EXPECT_EQ(1, pool.with([](FakeConn& c) { return c.id > 0 ? 1 : 0; }));
}

TEST(ConnectionPool, KeaConnectionLimitFollowsTheActiveThreads) {
    FakeServer server;
    EXPECT_EQ(0U, keaConnectionLimit(nullptr)); // a configuration check
    EXPECT_EQ(0U, keaConnectionLimit(&server)); // start-up, nothing applied yet
    auto config = std::make_shared<ServerConfig>();
    config->multiThreading.enabled = true;
    config->multiThreading.threadPoolSize = 4;
    server.active = config;
    EXPECT_EQ(4U, keaConnectionLimit(&server)); // one per DHCP thread
    auto single = std::make_shared<ServerConfig>();
    single->multiThreading.enabled = false;
    server.active = single;
    EXPECT_EQ(1U, keaConnectionLimit(&server));
    auto cores = std::make_shared<ServerConfig>();
    cores->multiThreading.threadPoolSize = 0;
    server.active = cores;
    EXPECT_EQ(std::max(std::thread::hardware_concurrency(), 1U), keaConnectionLimit(&server));
}

TEST(ConnectionPool, WithoutRecoveryALostConnectionIsDroppedWithTheIdleOnes) {
    std::atomic<int> made{0};
    ConnectionPool<FakeConn> pool([&] { return std::make_unique<FakeConn>(FakeConn{++made}); });
    // Two connections made and kept idle.
    pool.with([&](FakeConn& a) { return pool.with([](FakeConn& b) { return b.id; }) + a.id; });
    EXPECT_EQ(2, made.load());
    EXPECT_EQ(1, pool.with([](FakeConn& c) { return c.id; })); // the last one back, reused
    EXPECT_THROW(pool.with([](FakeConn&) -> int { throw DbError("server gone", true); }),
                 StoreError);
    // Both are gone: the next operation opens a new connection itself.
    EXPECT_EQ(3, pool.with([](FakeConn& c) { return c.id; }));
    EXPECT_EQ(3, made.load());
    EXPECT_EQ(0U, pool.borrowed());
}
