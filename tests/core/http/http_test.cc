// SPDX-License-Identifier: MPL-2.0
// The SDK's HTTP pieces (kahu/http/*.h) as a hook uses them: a server with its own endpoint,
// the client with keep-alive and stop, basic authentication.
#include "../control/transport_test_util.h"
#include "http/admission.h"

#include <atomic>
#include <fstream>
#include <future>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/http/basic_auth.h>
#include <kahu/http/client.h>
#include <kahu/http/server.h>
#include <mutex>
#include <set>
#include <stdexcept>

namespace kahu::http {
namespace {

Server& started(std::unique_ptr<Server>& s) {
    s->start();
    return *s;
}

Target local(uint16_t port) {
    Target t;
    t.port = port;
    return t;
}

} // namespace

TEST(Base64, EncodesWithPadding) {
    EXPECT_EQ(base64Encode(""), "");
    EXPECT_EQ(base64Encode("u:p"), "dTpw");
    EXPECT_EQ(base64Encode("admin:secret12"), "YWRtaW46c2VjcmV0MTI=");
    EXPECT_EQ(base64Encode("ab"), "YWI=");
    EXPECT_EQ(BasicAuth::header("u", "p"), "Basic dTpw");
}

TEST(BasicAuth, PasswordFileAloneHoldsUserAndPassword) {
    test::SocketDir dir;
    { std::ofstream(dir.path + "/cred") << "alice:pw\n"; }
    auto auth = BasicAuth::fromJson(
        {{"type", "basic"}, {"directory", dir.path}, {"clients", {{{"password-file", "cred"}}}}},
        "authentication", "r");
    EXPECT_EQ(auth.check("Basic " + base64Encode("alice:pw")), "alice");
    EXPECT_EQ(auth.check("Basic " + base64Encode("alice:pw2")), "");
    EXPECT_EQ(auth.check("basic " + base64Encode("alice:pw")), "alice");
    EXPECT_EQ(auth.check(""), "");
}

TEST(Admission, KeaRulesComeBeforeAuthentication) {
    ServerOptions o;
    o.auth.addClient("admin", "secret");
    Request get;
    get.method = "GET";
    auto refusal = admit(o, get, nullptr);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->status, 400); // Kea: a bad request is 400 even without credentials

    Request post;
    post.method = "POST";
    post.headers = {{"content-type", " application/json "}, {"Content-Length", "2"}};
    refusal = admit(o, post, nullptr);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->status, 401);
    ASSERT_EQ(refusal->headers.size(), 1u);
    EXPECT_EQ(refusal->headers[0].value, "Basic realm=\"kea-control-agent\"");
    EXPECT_EQ(nlohmann::json::parse(refusal->body),
              (nlohmann::json{{"result", 401}, {"text", "Unauthorized"}}));

    post.headers.push_back({"Authorization", BasicAuth::header("admin", "secret")});
    EXPECT_FALSE(admit(o, post, nullptr));
    EXPECT_EQ(post.user, "admin");

    o.jsonPostOnly = false;
    get.headers.push_back({"Authorization", BasicAuth::header("admin", "secret")});
    EXPECT_FALSE(admit(o, get, nullptr));
}

TEST(Url, SplitsSchemeHostPortAndPath) {
    Url u = parseUrl("https://[2001:db8::1]:8443/ha");
    EXPECT_TRUE(u.target.https);
    EXPECT_EQ(u.target.host, "2001:db8::1");
    EXPECT_EQ(u.target.port, 8443);
    EXPECT_EQ(u.path, "/ha");
    EXPECT_EQ(u.target.name, "https://[2001:db8::1]:8443/ha");
    u = parseUrl("http://192.0.2.1");
    EXPECT_FALSE(u.target.https);
    EXPECT_EQ(u.target.port, 80);
    EXPECT_EQ(u.path, "/");
    EXPECT_EQ(parseUrl("https://alerts.example/x", true).target.port, 443);
}

TEST(Url, RefusesWhatIsNoUsableUrl) {
    auto why = [](const std::string& url, bool names = false) {
        try {
            parseUrl(url, names);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(why("ftp://192.0.2.1/"), "the scheme must be http or https");
    EXPECT_EQ(why("http://peer.example/"), "the host must be an IP address");
    EXPECT_EQ(why("http://peer.example/", true), "accepted");
    EXPECT_EQ(why("http://bad_name/", true), "the host must be an IP address or a name");
    EXPECT_EQ(why("http://192.0.2.1:0/"), "invalid port '0'");
    EXPECT_EQ(why("http://192.0.2.1:65536/"), "invalid port '65536'");
    EXPECT_EQ(why("http://192.0.2.1:8x/"), "invalid port '8x'");
    EXPECT_EQ(why("http://[2001:db8::1/"), "unterminated IPv6 address");
    EXPECT_EQ(why("http://[::1]x/"), "unexpected text after the IPv6 address");
    EXPECT_EQ(why("http://u:p@192.0.2.1/"), "user information in the URL is not supported");
    EXPECT_EQ(why("http://192.0.2.1/a\r\nX-Injected: 1"),
              "the URL contains a space or a control character");
    EXPECT_EQ(why("http://192.0.2.1/a b"), "the URL contains a space or a control character");
}

TEST(HttpServer, ServesAnEndpointOfItsOwn) {
    ServerOptions o;
    o.jsonPostOnly = false;
    o.headers.push_back({"X-Extra", "1"});
    auto s = std::make_unique<Server>(o, [](const Request& r) {
        Response res;
        if (r.method != "GET" || r.target != "/metrics") {
            res.status = 404;
            res.body = "no\n";
            return res;
        }
        res.contentType = "text/plain; version=0.0.4";
        res.body = "up 1\n";
        return res;
    });
    uint16_t port = started(s).port();
    ASSERT_NE(port, 0);
    ClientRequest get;
    get.method = "GET";
    get.path = "/metrics";
    get.contentType.clear();
    ClientResponse r = request(local(port), get);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "up 1\n");
    bool extra = false, type = false;
    for (const auto& h : r.headers) {
        extra |= h.name == "X-Extra" && h.value == "1";
        type |= h.name == "Content-Type" && h.value == "text/plain; version=0.0.4";
    }
    EXPECT_TRUE(extra);
    EXPECT_TRUE(type);
    get.path = "/other";
    EXPECT_EQ(request(local(port), get).status, 404);
    s->stop();
    EXPECT_THROW(request(local(port), get), Error);
}

TEST(HttpServer, AHandlerThatThrowsGets500) {
    auto s = std::make_unique<Server>(
        ServerOptions{}, [](const Request&) -> Response { throw std::runtime_error("boom"); });
    uint16_t port = started(s).port();
    ClientRequest post;
    post.body = "{}";
    ClientResponse r = request(local(port), post);
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(nlohmann::json::parse(r.body)["result"], 500);
}

TEST(HttpServer, RefusesAnAddressThatIsNoIpLiteral) {
    ServerOptions o;
    o.host = "localhost";
    Server s(o, [](const Request&) { return Response{}; });
    EXPECT_THROW(s.start(), Error);
}

TEST(HttpClient, KeepsOneConnectionAliveAcrossRequests) {
    std::mutex m;
    std::set<std::string> peers;
    auto s = std::make_unique<Server>(ServerOptions{}, [&](const Request& r) {
        Response res;
        res.body = r.body;
        return res;
    });
    uint16_t port = started(s).port();
    Client c;
    for (int i = 0; i < 3; ++i) {
        std::promise<ClientResponse> p;
        ClientRequest req;
        req.body = "{\"n\":" + std::to_string(i) + "}";
        c.send(local(port), req, [&p](ClientResponse r) { p.set_value(std::move(r)); });
        ClientResponse r = p.get_future().get();
        ASSERT_TRUE(r.ok()) << r.error;
        EXPECT_EQ(r.body, req.body);
    }
    // One connection served all three: the server saw it stay open.
    EXPECT_FALSE(s->idle());
    c.stop();
    std::promise<ClientResponse> p;
    c.send(local(port), {}, [&p](ClientResponse r) { p.set_value(std::move(r)); });
    ClientResponse late = p.get_future().get();
    EXPECT_TRUE(late.stopped);
    EXPECT_FALSE(late.ok());
}

TEST(HttpClient, ReportsATimeoutAsAnError) {
    std::promise<void> release;
    auto released = release.get_future().share();
    auto s = std::make_unique<Server>(ServerOptions{}, [released](const Request&) {
        released.wait();
        return Response{};
    });
    uint16_t port = started(s).port();
    ClientRequest req;
    req.body = "{}";
    req.timeout = std::chrono::milliseconds(200);
    Target t = local(port);
    t.name = "the test server";
    try {
        request(t, req);
        ADD_FAILURE() << "no timeout";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "timed out talking to the test server");
    }
    release.set_value();
}

} // namespace kahu::http
