// SPDX-License-Identifier: MPL-2.0
// HttpPeerChannel against a scripted HTTP server on 127.0.0.1.
#include "http_peer_channel.h"
#include "wire_test_util.h"

#include <gtest/gtest.h>

namespace kahu::ha::test {

namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;

PeerAnswer sendAndWait(PeerChannel& ch, const PeerConfig& p, const std::string& cmd,
                       nlohmann::json args = nullptr, std::chrono::milliseconds timeout = 5s) {
    Waiter<PeerAnswer> w;
    ch.send(p, cmd, std::move(args), timeout, [&](PeerAnswer a) { w.set(std::move(a)); });
    auto a = w.wait();
    EXPECT_TRUE(a) << "no callback";
    return a ? *a : PeerAnswer{};
}

/// A port nobody listens on: bind, read the port, close.
uint16_t deadPort() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

} // namespace

TEST(WireHttpChannel, PostsKeaBodyWithHostAuthAndContentType) {
    TestHttpServer server;
    HttpPeerChannel ch;
    PeerConfig p = peer("server2", server.port());
    p.basicAuthUser = "foo";
    p.basicAuthPassword = "bar";
    auto a = sendAndWait(ch, p, "ha-heartbeat");
    ASSERT_TRUE(a.ok()) << a.transportError;
    EXPECT_EQ(a.result(), 0);
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 1u);
    const auto& r = reqs[0];
    EXPECT_EQ(r.method(), http::verb::post);
    EXPECT_EQ(r.target(), "/");
    EXPECT_EQ(r.version(), 11u);
    EXPECT_EQ(r[http::field::host], "127.0.0.1");
    EXPECT_EQ(r[http::field::content_type], "application/json");
    EXPECT_EQ(r[http::field::authorization], "Basic Zm9vOmJhcg==");
    EXPECT_EQ(r.body(), R"({ "command": "ha-heartbeat", "service": [ "dhcp4" ] })");
}

TEST(WireHttpChannel, NoAuthorizationHeaderWithoutUser) {
    TestHttpServer server;
    HttpPeerChannel ch;
    sendAndWait(ch, peer("p", server.port()), "dhcp-enable", {{"origin", "ha-partner"}});
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].find(http::field::authorization), reqs[0].end());
    EXPECT_EQ(reqs[0].body(), R"({ "arguments": { "origin": "ha-partner" }, )"
                              R"("command": "dhcp-enable", "service": [ "dhcp4" ] })");
}

TEST(WireHttpChannel, ListAnswerGivesItsFirstElement) {
    TestHttpServer server;
    server.reply = [](auto&) {
        return TestHttpServer::json(
            R"([ { "arguments": { "state": "waiting" }, "result": 0, "text": "HA peer status returned." }, { "result": 1 } ])");
    };
    HttpPeerChannel ch;
    auto a = sendAndWait(ch, peer("p", server.port()), "ha-heartbeat");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a.result(), 0);
    EXPECT_EQ(a.answer["arguments"]["state"], "waiting");
}

TEST(WireHttpChannel, MapAnswerIsAnErrorCarryingItsText) {
    TestHttpServer server;
    server.reply = [](auto&) {
        return TestHttpServer::json(R"({ "result": 401, "text": "Unauthorized" })", 401);
    };
    HttpPeerChannel ch;
    auto a = sendAndWait(ch, peer("p", server.port()), "ha-heartbeat");
    ASSERT_TRUE(a.ok()) << a.transportError;
    EXPECT_EQ(a.result(), 1);
    EXPECT_EQ(a.answer["text"], "Unauthorized");
}

TEST(WireHttpChannel, EmptyListOrNonJsonIsATransportError) {
    TestHttpServer server;
    int n = 0;
    server.reply = [&](auto&) {
        return ++n == 1 ? TestHttpServer::json("[ ]") : TestHttpServer::json("oops", 500);
    };
    HttpPeerChannel ch;
    auto a = sendAndWait(ch, peer("p", server.port()), "ha-heartbeat");
    EXPECT_FALSE(a.ok());
    EXPECT_EQ(a.result(), -1);
    EXPECT_EQ(a.transportError, "list of responses must not be empty");
    a = sendAndWait(ch, peer("p", server.port()), "ha-heartbeat");
    EXPECT_EQ(a.transportError, "HTTP status 500");
}

TEST(WireHttpChannel, ConnectionRefusedIsATransportError) {
    HttpPeerChannel ch;
    auto a = sendAndWait(ch, peer("p", deadPort()), "ha-heartbeat");
    EXPECT_FALSE(a.ok());
    EXPECT_NE(a.transportError.find("failed"), std::string::npos) << a.transportError;
}

TEST(WireHttpChannel, SlowPeerTimesOutAndTheNextRequestUsesAFreshConnection) {
    TestHttpServer server;
    std::atomic<int> n{0};
    server.reply = [&](auto&) {
        if (++n == 1) {
            std::this_thread::sleep_for(600ms);
        }
        return TestHttpServer::json(R"([ { "result": 0 } ])");
    };
    HttpPeerChannel ch;
    auto start = std::chrono::steady_clock::now();
    auto a = sendAndWait(ch, peer("p", server.port()), "ha-heartbeat", nullptr, 150ms);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 550ms);
    EXPECT_EQ(a.transportError,
              "timed out talking to http://127.0.0.1:" + std::to_string(server.port()) + "/");
    a = sendAndWait(ch, peer("p", server.port()), "ha-heartbeat");
    EXPECT_TRUE(a.ok()) << a.transportError;
    EXPECT_EQ(server.connections(), 2u);
}

TEST(WireHttpChannel, KeepsTheConnectionAliveAcrossRequests) {
    TestHttpServer server;
    HttpPeerChannel ch;
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(sendAndWait(ch, peer("p", server.port()), "ha-heartbeat").result(), 0);
    }
    EXPECT_EQ(server.connections(), 1u);
    EXPECT_EQ(server.requests().size(), 5u);
}

TEST(WireHttpChannel, ReconnectsWhenThePeerClosedTheIdleConnection) {
    TestHttpServer server;
    server.closeAfter = 2; // answers 2 requests per connection, then closes
    HttpPeerChannel ch;
    for (int i = 0; i < 5; ++i) {
        auto a = sendAndWait(ch, peer("p", server.port()), "ha-heartbeat");
        EXPECT_TRUE(a.ok()) << i << ": " << a.transportError;
    }
    EXPECT_EQ(server.requests().size(), 5u);
    EXPECT_EQ(server.connections(), 3u);
}

TEST(WireHttpChannel, ResendsOnceWhenAReusedConnectionTurnsOutDead) {
    TestHttpServer server;
    server.closeAfter = 1;
    server.silentClose = true; // every connection dies after one answer, unannounced
    HttpPeerChannel ch;
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(50ms); // let the close reach us
        auto a = sendAndWait(ch, peer("p", server.port()), "ha-heartbeat");
        EXPECT_TRUE(a.ok()) << i << ": " << a.transportError;
    }
    EXPECT_EQ(server.requests().size(), 3u);
    EXPECT_EQ(server.connections(), 3u);
}

TEST(WireHttpChannel, ManyConcurrentRequestsAllAnsweredOnce) {
    TestHttpServer server;
    HttpPeerChannel ch({.threads = 2, .connectionsPerPeer = 3});
    constexpr int kCount = 200;
    std::atomic<int> answered{0}, ok{0};
    Waiter<bool> all;
    for (int i = 0; i < kCount; ++i) {
        ch.send(peer("p", server.port()), "ha-heartbeat", nullptr, 5s, [&](PeerAnswer a) {
            ok += a.result() == 0;
            if (++answered == kCount) {
                all.set(true);
            }
        });
    }
    ASSERT_TRUE(all.wait());
    EXPECT_EQ(ok, kCount);
    EXPECT_LE(server.connections(), 3u);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(answered, kCount); // never twice
}

TEST(WireHttpChannel, StopFailsInFlightRequestsAndLaterSendsAnswerAtOnce) {
    TestHttpServer server;
    std::atomic<bool> release{false};
    server.reply = [&](auto&) {
        while (!release) {
            std::this_thread::sleep_for(10ms);
        }
        return TestHttpServer::json(R"([ { "result": 0 } ])");
    };
    auto ch = std::make_unique<HttpPeerChannel>();
    std::atomic<int> calls{0};
    std::vector<std::string> errors(3);
    for (int i = 0; i < 3; ++i) { // one in flight, two queued behind it
        ch->send(peer("p", server.port()), "ha-heartbeat", nullptr, 10s, [&, i](PeerAnswer a) {
            errors[i] = a.transportError;
            ++calls;
        });
    }
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(server.requests().size(), 1u);
    ch->stop();
    EXPECT_EQ(calls, 3);
    for (auto& e : errors) {
        EXPECT_EQ(e, "the HA peer channel was stopped");
    }
    PeerAnswer late;
    ch->send(peer("p", server.port()), "ha-heartbeat", nullptr, 1s,
             [&](PeerAnswer a) { late = std::move(a); });
    EXPECT_EQ(late.transportError, "the HA peer channel was stopped");
    ch.reset();
    release = true;
}

} // namespace kahu::ha::test

namespace kahu::ha::test {

TEST(WireHttpChannel, SendsRacingStopAreEachAnsweredExactlyOnce) {
    TestHttpServer server;
    auto ch = std::make_unique<HttpPeerChannel>(HttpPeerChannel::Options{2, 2});
    std::atomic<int> sent{0}, answered{0};
    std::atomic<bool> go{true};
    std::vector<std::thread> senders;
    for (int t = 0; t < 3; ++t) {
        senders.emplace_back([&] {
            while (go) {
                ++sent;
                ch->send(peer("p", server.port()), "ha-heartbeat", nullptr, 5s,
                         [&](PeerAnswer) { ++answered; });
            }
        });
    }
    std::this_thread::sleep_for(100ms);
    ch->stop();
    go = false;
    for (auto& t : senders) {
        t.join();
    }
    EXPECT_GT(sent, 0);
    EXPECT_EQ(answered, sent);
}

} // namespace kahu::ha::test
