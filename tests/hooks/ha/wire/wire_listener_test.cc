// SPDX-License-Identifier: MPL-2.0
// The dedicated listener, spoken to by the peer channel (both ends ours) and by raw HTTP.
#include "http_listener.h"
#include "http_peer_channel.h"
#include "wire_test_util.h"

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

namespace kahu::ha::test {

namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;

PeerAnswer call(PeerChannel& ch, const PeerConfig& p, const std::string& cmd,
                nlohmann::json args = nullptr) {
    Waiter<PeerAnswer> w;
    ch.send(p, cmd, std::move(args), 5s, [&](PeerAnswer a) { w.set(std::move(a)); });
    auto a = w.wait();
    EXPECT_TRUE(a);
    return a ? *a : PeerAnswer{};
}

/// Raw POST, for what the channel never sends (wrong content type, bad auth).
std::pair<unsigned, std::string> rawPost(uint16_t port, const std::string& body,
                                         const std::string& contentType = "application/json",
                                         const std::string& auth = {}) {
    boost::asio::io_context io;
    boost::beast::tcp_stream s(io);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, contentType);
    if (!auth.empty()) {
        req.set(http::field::authorization, auth);
    }
    req.body() = body;
    req.prepare_payload();
    http::write(s, req);
    boost::beast::flat_buffer b;
    http::response<http::string_body> res;
    http::read(s, b, res);
    return {res.result_int(), res.body()};
}

struct Echo {
    std::vector<std::pair<std::string, nlohmann::json>> calls;
    std::mutex m;
    HttpListener::Executor executor() {
        return [this](const std::string& name, const nlohmann::json& args) {
            std::lock_guard g(m);
            calls.emplace_back(name, args);
            auto answer = nlohmann::json{{"result", 0}, {"text", "ran " + name}};
            if (!args.is_null()) {
                answer["arguments"] = args;
            }
            return answer;
        };
    }
};

HttpListener::Options plain() {
    HttpListener::Options o;
    o.host = "127.0.0.1";
    return o;
}

} // namespace

TEST(WireListener, ChannelCommandRunsAndTheAnswerComesBackInAList) {
    Echo echo;
    HttpListener l(plain(), echo.executor());
    l.start();
    HttpPeerChannel ch;
    auto a = call(ch, peer("server1", l.port()), "lease4-update", {{"ip-address", "10.0.0.1"}});
    ASSERT_TRUE(a.ok()) << a.transportError;
    EXPECT_EQ(a.result(), 0);
    EXPECT_EQ(a.answer["text"], "ran lease4-update");
    ASSERT_EQ(echo.calls.size(), 1u);
    EXPECT_EQ(echo.calls[0].second["ip-address"], "10.0.0.1");
    auto [status, body] = rawPost(l.port(), R"({"command": "ha-heartbeat"})");
    EXPECT_EQ(status, 200u);
    EXPECT_EQ(body, R"([ { "result": 0, "text": "ran ha-heartbeat" } ])");
    l.stop();
}

// A Kea partner writes UTF-8 text as one \u00xx escape per byte: the listener reads that as
// the bytes, and both ends of a Kahu pair write and read text that way.
TEST(WireListener, TextBeyondAsciiIsReadAndWrittenAsKeaDoes) {
    Echo echo;
    HttpListener l(plain(), echo.executor());
    l.start();
    auto [status, body] = rawPost(
        l.port(),
        R"({ "command": "lease4-update", "arguments": { "hostname": "caf\u00c3\u00a9" } })");
    EXPECT_EQ(status, 200u);
    ASSERT_EQ(echo.calls.size(), 1u);
    EXPECT_EQ(echo.calls[0].second["hostname"], "caf\xc3\xa9");
    EXPECT_EQ(body,
              R"([ { "arguments": { "hostname": "caf\u00c3\u00a9", "origin": "ha-partner" }, )"
              R"("result": 0, "text": "ran lease4-update" } ])");
    HttpPeerChannel ch;
    auto a = call(ch, peer("server1", l.port()), "lease4-update", {{"hostname", "\xe2\x82\xac"}});
    ASSERT_TRUE(a.ok()) << a.transportError;
    EXPECT_EQ(echo.calls.at(1).second["hostname"], "\xe2\x82\xac");
    EXPECT_EQ(a.answer["arguments"]["hostname"], "\xe2\x82\xac");
    l.stop();
}

TEST(WireListener, BasicAuthIsCheckedWhenThisServerHasCredentials) {
    Echo echo;
    auto o = plain();
    o.basicAuthUser = "admin";
    o.basicAuthPassword = "secret";
    HttpListener l(o, echo.executor());
    l.start();
    HttpPeerChannel ch;
    PeerConfig p = peer("server1", l.port());
    auto a = call(ch, p, "ha-heartbeat");
    EXPECT_EQ(a.result(), 1); // the 401 map, read as an error
    EXPECT_EQ(a.answer["text"], "Unauthorized");
    p.basicAuthUser = "admin";
    p.basicAuthPassword = "wrong";
    EXPECT_EQ(call(ch, p, "ha-heartbeat").answer["text"], "Unauthorized");
    p.basicAuthPassword = "secret";
    a = call(ch, p, "ha-heartbeat");
    EXPECT_EQ(a.result(), 0);
    EXPECT_EQ(echo.calls.size(), 1u);
    auto [status, body] = rawPost(l.port(), "{}");
    EXPECT_EQ(status, 401u);
    EXPECT_EQ(body, R"({ "result": 401, "text": "Unauthorized" })");
}

TEST(WireListener, RestrictCommandsForbidsAllButThePeerCommands) {
    Echo echo;
    auto o = plain();
    o.restrictCommands = true;
    HttpListener l(o, echo.executor());
    l.start();
    HttpPeerChannel ch;
    PeerConfig p = peer("server1", l.port());
    for (const char* allowed : {"ha-heartbeat", "lease4-update", "lease4-del", "lease4-get-page",
                                "dhcp-disable", "dhcp-enable", "ha-sync-complete-notify"}) {
        EXPECT_EQ(call(ch, p, allowed).result(), 0) << allowed;
    }
    auto a = call(ch, p, "config-get");
    EXPECT_EQ(a.result(), 1);
    EXPECT_EQ(a.answer["text"], "Forbidden");
    auto [status, body] = rawPost(l.port(), R"({"command": "shutdown"})");
    EXPECT_EQ(status, 403u);
    EXPECT_EQ(body, R"({ "result": 403, "text": "Forbidden" })");
    EXPECT_EQ(echo.calls.size(), 7u);
    EXPECT_FALSE(HttpListener::allowedWhenRestricted("ha-sync"));
}

TEST(WireListener, ContentTypeMustBeExactlyJson) {
    Echo echo;
    HttpListener l(plain(), echo.executor());
    l.start();
    EXPECT_EQ(rawPost(l.port(), R"({"command": "x"})", "application/json; charset=utf-8").first,
              400u);
    EXPECT_EQ(rawPost(l.port(), R"({"command": "x"})", "Application/JSON").first, 200u);
    EXPECT_EQ(rawPost(l.port(), "not json").first, 400u);
    EXPECT_TRUE(echo.calls.size() == 1u);
}

TEST(WireListener, StopsWithAnIdleKeepAliveConnectionOpen) {
    Echo echo;
    auto l = std::make_unique<HttpListener>(plain(), echo.executor());
    l->start();
    HttpPeerChannel ch;
    uint16_t port = l->port();
    EXPECT_EQ(call(ch, peer("server1", port), "ha-heartbeat").result(), 0);
    auto start = std::chrono::steady_clock::now();
    l->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    // The channel finds its kept-alive connection closed, cannot reconnect, and says so.
    auto a = call(ch, peer("server1", port), "ha-heartbeat");
    EXPECT_FALSE(a.ok());
}

TEST(WireListener, BindFailureThrows) {
    auto o = plain();
    o.host = "not-an-ip";
    HttpListener l(o, [](const std::string&, const nlohmann::json&) { return nlohmann::json{}; });
    EXPECT_THROW(l.start(), std::exception);
}

// TLS both ways, certificates made with the openssl tool for this test.
class WireTls : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = std::filesystem::temp_directory_path() / ("kahu-ha-tls-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir_);
        std::string d = dir_.string();
        std::string cmd =
            "cd " + d +
            " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
            "-subj /CN=kahu-test-ca >/dev/null 2>&1"
            " && for n in server client; do openssl req -newkey rsa:2048 -nodes -keyout $n.key "
            "-out $n.csr -subj /CN=$n >/dev/null 2>&1 && printf 'subjectAltName=IP:127.0.0.1\\n' "
            "> $n.ext && openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
            "-out $n.pem -days 2 -extfile $n.ext >/dev/null 2>&1 || exit 1; done";
        ok_ = std::system(cmd.c_str()) == 0;
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
    static std::string f(const char* name) { return (dir_ / name).string(); }
    static inline std::filesystem::path dir_;
    static inline bool ok_ = false;
};

TEST_F(WireTls, HttpsWithClientCertificates) {
    ASSERT_TRUE(ok_) << "openssl could not make the test certificates";
    Echo echo;
    auto o = plain();
    o.https = true;
    o.tls = {f("ca.pem"), f("server.pem"), f("server.key")};
    o.requireClientCerts = true;
    HttpListener l(o, echo.executor());
    l.start();
    HttpPeerChannel ch;
    PeerConfig p = peer("server1", l.port());
    p.https = true;
    p.url = "https://127.0.0.1:" + std::to_string(l.port()) + "/";
    p.tls = {f("ca.pem"), f("client.pem"), f("client.key")};
    auto a = call(ch, p, "ha-heartbeat");
    ASSERT_TRUE(a.ok()) << a.transportError;
    EXPECT_EQ(a.result(), 0);

    // Without a client certificate the listener refuses the handshake.
    PeerConfig noCert = p;
    noCert.name = "no-cert";
    noCert.tls = {f("ca.pem"), "", ""};
    a = call(ch, noCert, "ha-heartbeat");
    EXPECT_FALSE(a.ok());
    // A client that does not trust the server's CA refuses it.
    PeerConfig distrust = p;
    distrust.name = "distrust";
    distrust.tls = {f("client.pem"), f("client.pem"), f("client.key")};
    a = call(ch, distrust, "ha-heartbeat");
    EXPECT_FALSE(a.ok());
    EXPECT_EQ(echo.calls.size(), 1u);
}

} // namespace kahu::ha::test
