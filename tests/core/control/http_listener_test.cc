// SPDX-License-Identifier: MPL-2.0
#include "control/http_listener.h"
#include "transport_test_util.h"

#include <fstream>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/http/client.h>

namespace kahu {

namespace {

std::string post(const std::string& body, const std::string& extraHeaders = "",
                 const std::string& contentType = "application/json",
                 const std::string& version = "1.1") {
    return "POST / HTTP/" + version + "\r\nHost: x\r\nContent-Type: " + contentType +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extraHeaders +
           "Connection: close\r\n\r\n" + body;
}

std::string statusLine(const std::string& response) {
    return response.substr(0, response.find("\r\n"));
}

std::string bodyOf(const std::string& response) {
    auto p = response.find("\r\n\r\n");
    return p == std::string::npos ? "" : response.substr(p + 4);
}

} // namespace

class HttpListenerTest : public ::testing::Test {
protected:
    std::unique_ptr<HttpListener> listen(HttpListenerOptions o = {}) {
        auto l = std::make_unique<HttpListener>("127.0.0.1", 0, test::echoExecutor(), o);
        l->start();
        return l;
    }
};

TEST_F(HttpListenerTest, PostIsAnsweredWithTheAnswerInAListAndRemoteAddress) {
    auto l = listen();
    http::Target t;
    t.port = l->port();
    http::ClientRequest r;
    r.body = "{\"command\": \"status-get\"}";
    http::ClientResponse res = http::request(t, r);
    EXPECT_EQ(res.status, 200);
    auto body = nlohmann::json::parse(res.body);
    ASSERT_TRUE(body.is_array());
    EXPECT_EQ(body[0]["arguments"]["command"], "status-get");
    EXPECT_EQ(body[0]["arguments"]["remote-address"], "127.0.0.1");
}

TEST_F(HttpListenerTest, ContentTypeWithParametersGets400MapBody) {
    auto l = listen();
    std::string res =
        test::rawTcp(l->port(), post("{\"command\":\"x\"}", "", "application/json; charset=utf-8"));
    EXPECT_EQ(statusLine(res), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(nlohmann::json::parse(bodyOf(res)),
              nlohmann::json({{"result", 400}, {"text", "Bad Request"}}));
    std::string upper =
        test::rawTcp(l->port(), post("{\"command\":\"x\"}", "", "Application/JSON"));
    EXPECT_EQ(statusLine(upper), "HTTP/1.1 200 OK");
}

TEST_F(HttpListenerTest, GetAndMissingContentTypeGet400) {
    auto l = listen();
    EXPECT_EQ(statusLine(test::rawTcp(l->port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")),
              "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(statusLine(test::rawTcp(l->port(), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: "
                                                 "2\r\n\r\n{}")),
              "HTTP/1.1 400 Bad Request");
}

TEST_F(HttpListenerTest, InvalidJsonBodyGets400) {
    auto l = listen();
    EXPECT_EQ(statusLine(test::rawTcp(l->port(), post("{bad"))), "HTTP/1.1 400 Bad Request");
}

TEST_F(HttpListenerTest, Http10IsAnsweredIn10) {
    auto l = listen();
    std::string res =
        test::rawTcp(l->port(), post("{\"command\":\"x\"}", "", "application/json", "1.0"));
    EXPECT_EQ(statusLine(res), "HTTP/1.0 200 OK");
}

TEST_F(HttpListenerTest, GarbageGets400AndTheListenerKeepsServing) {
    auto l = listen();
    std::string res = test::rawTcp(l->port(), "\x01\x02garbage\r\n\r\n");
    EXPECT_EQ(statusLine(res), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(statusLine(test::rawTcp(l->port(), post("{\"command\":\"x\"}"))), "HTTP/1.1 200 OK");
}

TEST_F(HttpListenerTest, BodyOverTheLimitGets413) {
    HttpListenerOptions o;
    o.maxRequestBytes = 100;
    auto l = listen(o);
    std::string res =
        test::rawTcp(l->port(), post("{\"command\":\"" + std::string(500, 'x') + "\"}"));
    EXPECT_EQ(statusLine(res), "HTTP/1.1 413 Payload Too Large");
}

TEST_F(HttpListenerTest, PartialRequestTimesOutWith408) {
    HttpListenerOptions o;
    o.requestTimeout = std::chrono::milliseconds(200);
    auto l = listen(o);
    std::string res = test::rawTcp(l->port(), "POST / HTTP/1.1\r\nHost: x\r\n");
    EXPECT_EQ(statusLine(res), "HTTP/1.1 408 Request Timeout");
}

TEST_F(HttpListenerTest, KeepAliveServesTwoRequestsOnOneConnection) {
    auto l = listen();
    std::string one = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Content-Length: 15\r\n\r\n{\"command\":\"a\"}";
    std::string res = test::rawTcp(l->port(), one + post("{\"command\":\"b\"}"));
    EXPECT_NE(res.find("\"command\":\"a\""), std::string::npos);
    EXPECT_NE(res.find("\"command\":\"b\""), std::string::npos);
}

TEST_F(HttpListenerTest, BasicAuthRightWrongAndMissing) {
    HttpListenerOptions o;
    o.auth.setRealm("test-realm");
    o.auth.addClient("admin", "secret");
    o.headers.push_back({"X-Test", "yes"});
    auto l = listen(o);
    std::string missing = test::rawTcp(l->port(), post("{\"command\":\"x\"}"));
    EXPECT_EQ(statusLine(missing), "HTTP/1.1 401 Unauthorized");
    EXPECT_NE(missing.find("WWW-Authenticate: Basic realm=\"test-realm\""), std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(bodyOf(missing))["result"], 401);
    std::string wrong = test::rawTcp(
        l->port(), post("{\"command\":\"x\"}",
                        "Authorization: Basic " + http::base64Encode("admin:nope") + "\r\n"));
    EXPECT_EQ(statusLine(wrong), "HTTP/1.1 401 Unauthorized");
    std::string right = test::rawTcp(
        l->port(), post("{\"command\":\"x\"}",
                        "Authorization: Basic " + http::base64Encode("admin:secret") + "\r\n"));
    EXPECT_EQ(statusLine(right), "HTTP/1.1 200 OK");
    EXPECT_NE(right.find("X-Test: yes"), std::string::npos);
}

TEST_F(HttpListenerTest, MetricsAreServedOnGetUnderTheSameAuthentication) {
    HttpListenerOptions o =
        HttpListenerOptions::fromJson({{"metrics", true}}, "control-socket", "r");
    o.auth.addClient("prom", "s3cret");
    o.metricsText = [] { return std::string("# TYPE x gauge\nx 1\n"); };
    auto l = listen(o);
    const std::string get = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    EXPECT_EQ(statusLine(test::rawTcp(l->port(), get + "\r\n")), "HTTP/1.1 401 Unauthorized");
    std::string ok = test::rawTcp(l->port(), get + "Authorization: Basic " +
                                                 http::base64Encode("prom:s3cret") + "\r\n\r\n");
    EXPECT_EQ(statusLine(ok), "HTTP/1.1 200 OK");
    EXPECT_EQ(bodyOf(ok), "# TYPE x gauge\nx 1\n");
    EXPECT_NE(ok.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
    // Other GETs still get Kea's 400, and commands are still served.
    EXPECT_EQ(statusLine(test::rawTcp(l->port(), "GET /other HTTP/1.1\r\nHost: x\r\n\r\n")),
              "HTTP/1.1 400 Bad Request");
    std::string cmd = test::rawTcp(
        l->port(), post("{\"command\":\"x\"}",
                        "Authorization: Basic " + http::base64Encode("prom:s3cret") + "\r\n"));
    EXPECT_EQ(statusLine(cmd), "HTTP/1.1 200 OK");
}

TEST_F(HttpListenerTest, AMetricsOnlySocketRefusesCommandsAndWithoutMetricsGetIs400) {
    HttpListenerOptions o = HttpListenerOptions::fromJson({{"metrics", true}, {"commands", false}},
                                                          "control-socket", "r");
    o.metricsText = [] { return std::string("x 1\n"); };
    auto l = listen(o);
    EXPECT_EQ(statusLine(test::rawTcp(l->port(), post("{\"command\":\"x\"}"))),
              "HTTP/1.1 404 Not Found");
    EXPECT_EQ(statusLine(test::rawTcp(l->port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")),
              "HTTP/1.1 200 OK");
    auto plain = listen();
    EXPECT_EQ(statusLine(test::rawTcp(plain->port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")),
              "HTTP/1.1 400 Bad Request")
        << "metrics are off unless asked for";
    EXPECT_THROW(HttpListenerOptions::fromJson({{"commands", false}}, "s", "r"), ConfigError)
        << "a socket that serves nothing";
    EXPECT_THROW(HttpListenerOptions::fromJson({{"metrics", "yes"}}, "s", "r"), ConfigError);
}

TEST(HttpListenerOptions, PartialTlsIsAConfigError) {
    EXPECT_THROW(HttpListenerOptions::fromJson({{"cert-file", "/x"}}, "s", "r"), ConfigError);
}

} // namespace kahu
