// SPDX-License-Identifier: MPL-2.0
#include "control/http_listener.h"

#include "control/command_call.h"
#include "control/io_runtime.h"

#include <array>
#include <atomic>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <ctime>
#include <filesystem>
#include <kahu/error.h>
#include <kahu/log.h>

namespace kahu {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

std::string httpDate() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::string_view sv(beast::string_view s) {
    return {s.data(), s.size()};
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

std::string getString(const nlohmann::json& m, const char* key, const std::string& where) {
    if (!m.contains(key)) {
        return {};
    }
    if (!m[key].is_string()) {
        throw ConfigError(where + "." + key + ": expected a string");
    }
    return m[key].get<std::string>();
}

struct CommandCall {
    const CommandExecutor* executor;
    nlohmann::json command;
    std::string remote;
    nlohmann::json operator()() { return callCommand(*executor, std::move(command), remote); }
};

} // namespace

HttpListenerOptions HttpListenerOptions::fromJson(const nlohmann::json& e, const std::string& where,
                                                  const std::string& defaultRealm) {
    HttpListenerOptions o;
    o.auth.setRealm(defaultRealm);
    if (!e.is_object()) {
        return o;
    }
    if (e.contains("authentication")) {
        o.auth = BasicAuth::fromJson(e["authentication"], where + ".authentication", defaultRealm);
    }
    o.trustAnchor = getString(e, "trust-anchor", where);
    o.certFile = getString(e, "cert-file", where);
    o.keyFile = getString(e, "key-file", where);
    if (e.contains("cert-required")) {
        if (!e["cert-required"].is_boolean()) {
            throw ConfigError(where + ".cert-required: expected a boolean");
        }
        o.certRequired = e["cert-required"].get<bool>();
    }
    int tlsKeys = !o.trustAnchor.empty() + !o.certFile.empty() + !o.keyFile.empty();
    if (tlsKeys != 0 && tlsKeys != 3) {
        throw ConfigError(where + ": TLS needs all of trust-anchor, cert-file and key-file");
    }
    if (e.contains("http-headers")) {
        const auto& hs = e["http-headers"];
        if (!hs.is_array()) {
            throw ConfigError(where + ".http-headers: expected a list");
        }
        size_t i = 0;
        for (const auto& h : hs) {
            std::string w = where + ".http-headers[" + std::to_string(i++) + "]";
            if (!h.is_object()) {
                throw ConfigError(w + ": expected a map");
            }
            std::string name = getString(h, "name", w);
            if (name.empty()) {
                throw ConfigError(w + ": 'name' is required");
            }
            o.headers.emplace_back(name, getString(h, "value", w));
        }
    }
    return o;
}

struct HttpListener::Impl {
    std::string host;
    uint16_t port = 0;
    CommandExecutor executor;
    HttpListenerOptions options;
    std::unique_ptr<IoRuntime> rt;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::unique_ptr<ssl::context> tls;
    std::atomic<size_t> active{0};
    std::shared_ptr<spdlog::logger> log;

    asio::awaitable<void> acceptLoop();
    template <class Stream> asio::awaitable<void> serve(Stream& stream, std::string remote);
    asio::awaitable<void> session(tcp::socket sock);

    Response errorResponse(http::status status, unsigned version) const;
    asio::awaitable<Response> respond(const Request& req, const std::string& remote);
};

Response HttpListener::Impl::errorResponse(http::status status, unsigned version) const {
    Response res{status, version};
    nlohmann::json body = {{"result", static_cast<int>(status)},
                           {"text", std::string(http::obsolete_reason(status))}};
    res.body() = body.dump();
    if (status == http::status::unauthorized) {
        res.set(http::field::www_authenticate, "Basic realm=\"" + options.auth.realm() + "\"");
    }
    res.keep_alive(false);
    return res;
}

asio::awaitable<Response> HttpListener::Impl::respond(const Request& req,
                                                      const std::string& remote) {
    auto ct = req.find(http::field::content_type);
    if (req.method() != http::verb::post || ct == req.end() ||
        !iequals(trim(sv(ct->value())), "application/json") ||
        req.find(http::field::content_length) == req.end()) {
        co_return errorResponse(http::status::bad_request, req.version());
    }
    if (options.auth.enabled()) {
        auto a = req.find(http::field::authorization);
        std::string user = options.auth.check(a == req.end() ? std::string_view() : sv(a->value()));
        if (user.empty()) {
            KAHU_INFO(log, "HTTP_CLIENT_REQUEST_NOT_AUTHORIZED", "request from {} refused: {}",
                      remote, a == req.end() ? "no credentials" : "wrong credentials");
            co_return errorResponse(http::status::unauthorized, req.version());
        }
    }
    nlohmann::json command;
    try {
        command = nlohmann::json::parse(req.body());
    } catch (const std::exception&) {
        co_return errorResponse(http::status::bad_request, req.version());
    }
    auto call = callOnWorker<nlohmann::json>(CommandCall{&executor, std::move(command), remote});
    nlohmann::json answer =
        co_await asio::co_spawn(rt->workers(), std::move(call), asio::use_awaitable);
    if (options.emulateAgent && !answer.is_array()) {
        answer = nlohmann::json::array({std::move(answer)});
    }
    Response res{http::status::ok, req.version()};
    res.body() = answerText(answer);
    res.keep_alive(req.keep_alive());
    co_return res;
}

template <class Stream>
asio::awaitable<void> HttpListener::Impl::serve(Stream& stream, std::string remote) {
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (bool first = true;; first = false) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(options.maxRequestBytes);
        parser.header_limit(64 * 1024);
        // Between requests a keep-alive connection may idle; the first request must arrive
        // within the receive timeout. Our own timer cancels the read (Beast's stream deadline
        // would close the socket, and Kea still answers 408 to a partial request).
        auto& sock = beast::get_lowest_layer(stream).socket();
        beast::get_lowest_layer(stream).expires_never();
        // [0] read finished (the socket may be gone: do not touch it), [1] timed out.
        auto flags = std::make_shared<std::array<bool, 2>>();
        asio::steady_timer timer(sock.get_executor());
        timer.expires_after(first ? options.requestTimeout : options.idleTimeout);
        timer.async_wait([flags, &sock](boost::system::error_code e) {
            if (!e && !(*flags)[0]) {
                (*flags)[1] = true;
                boost::system::error_code ignored;
                sock.cancel(ignored);
            }
        });
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, ec));
        (*flags)[0] = true;
        timer.cancel();
        if ((*flags)[1]) {
            ec = beast::error::timeout;
        }
        Response res;
        if (ec == http::error::end_of_stream || ec == asio::error::eof ||
            ec == asio::error::connection_reset) {
            co_return;
        } else if (ec == beast::error::timeout) {
            if (!parser.got_some()) {
                co_return;
            }
            res = errorResponse(http::status::request_timeout, 11);
        } else if (ec == http::error::body_limit || ec == http::error::header_limit ||
                   ec == http::error::buffer_overflow) {
            res = errorResponse(http::status::payload_too_large,
                                parser.is_header_done() ? parser.get().version() : 11);
        } else if (ec) {
            if (ec == asio::error::operation_aborted) {
                co_return;
            }
            res = errorResponse(http::status::bad_request,
                                parser.is_header_done() ? parser.get().version() : 11);
        } else {
            res = co_await respond(parser.get(), remote);
        }
        res.set(http::field::content_type, "application/json");
        res.set(http::field::date, httpDate());
        for (const auto& [name, value] : options.headers) {
            res.set(name, value);
        }
        res.prepare_payload();
        bool close = !res.keep_alive();
        beast::get_lowest_layer(stream).expires_after(options.requestTimeout);
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || close) {
            co_return;
        }
    }
}

asio::awaitable<void> HttpListener::Impl::session(tcp::socket sock) {
    struct Count {
        std::atomic<size_t>& n;
        ~Count() { --n; }
    } count{active};
    boost::system::error_code ec;
    if (++active > options.maxConnections) {
        KAHU_WARN(log, "HTTP_CONNECTION_LIMIT", "more than {} HTTP connections, refusing one",
                  options.maxConnections);
        sock.close(ec);
        co_return;
    }
    auto ep = sock.remote_endpoint(ec);
    std::string remote = ec ? std::string() : ep.address().to_string();
    if (!tls) {
        beast::tcp_stream stream(std::move(sock));
        co_await serve(stream, remote);
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(sock)), *tls);
    beast::get_lowest_layer(stream).expires_after(options.requestTimeout);
    co_await stream.async_handshake(ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        KAHU_INFO(log, "HTTP_TLS_HANDSHAKE_FAILED", "TLS handshake with {} failed: {}", remote,
                  ec.message());
        co_return;
    }
    co_await serve(stream, remote);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> HttpListener::Impl::acceptLoop() {
    for (;;) {
        boost::system::error_code ec;
        tcp::socket s =
            co_await acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor->is_open()) {
                co_return;
            }
            asio::steady_timer t(co_await asio::this_coro::executor,
                                 std::chrono::milliseconds(100));
            co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        asio::co_spawn(rt->io(), session(std::move(s)), asio::detached);
    }
}

HttpListener::HttpListener(std::string host, uint16_t port, CommandExecutor executor,
                           HttpListenerOptions options)
    : impl_(std::make_unique<Impl>()) {
    impl_->host = std::move(host);
    impl_->port = port;
    impl_->executor = std::move(executor);
    impl_->options = std::move(options);
    impl_->log = log::get(impl_->options.logger);
}

HttpListener::~HttpListener() {
    stop();
}

uint16_t HttpListener::port() const {
    return impl_->port;
}

void HttpListener::start() {
    Impl& d = *impl_;
    if (d.rt) {
        return;
    }
    boost::system::error_code ec;
    auto address = asio::ip::make_address(d.host, ec);
    if (ec) {
        throw Error("HTTP control socket: '" + d.host + "' is not an IP address");
    }
    if (d.options.tls()) {
        try {
            d.tls = std::make_unique<ssl::context>(ssl::context::tls_server);
            d.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                               ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                               ssl::context::no_tlsv1_1);
            d.tls->use_certificate_chain_file(d.options.certFile);
            d.tls->use_private_key_file(d.options.keyFile, ssl::context::pem);
            if (std::filesystem::is_directory(d.options.trustAnchor)) {
                d.tls->add_verify_path(d.options.trustAnchor);
            } else {
                d.tls->load_verify_file(d.options.trustAnchor);
            }
            d.tls->set_verify_mode(d.options.certRequired
                                       ? ssl::verify_peer | ssl::verify_fail_if_no_peer_cert
                                       : ssl::verify_peer);
        } catch (const boost::system::system_error& e) {
            d.tls.reset();
            throw Error("HTTPS control socket: cannot load the TLS files (cert-file '" +
                        d.options.certFile + "', key-file '" + d.options.keyFile +
                        "', trust-anchor '" + d.options.trustAnchor + "'): " + e.what());
        }
    }
    auto rt = std::make_unique<IoRuntime>();
    auto acceptor = std::make_unique<tcp::acceptor>(rt->io());
    tcp::endpoint ep(address, d.port);
    acceptor->open(ep.protocol(), ec);
    if (!ec) {
        acceptor->set_option(asio::socket_base::reuse_address(true), ec);
        acceptor->bind(ep, ec);
    }
    if (!ec) {
        acceptor->listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw Error("cannot listen for HTTP on " + d.host + ":" + std::to_string(d.port) + ": " +
                    ec.message());
    }
    d.port = acceptor->local_endpoint().port();
    d.rt = std::move(rt);
    d.acceptor = std::move(acceptor);
    asio::co_spawn(d.rt->io(), d.acceptLoop(), asio::detached);
    d.rt->run();
    KAHU_INFO(d.log, "COMMAND_HTTP_LISTENER_STARTED",
              "Command HTTP listener started with 1 threads, listening on {}:{}, use TLS: {}",
              d.host, d.port, d.tls ? "true" : "false");
}

void HttpListener::stopAccepting() {
    Impl& d = *impl_;
    if (d.rt && d.acceptor) {
        closeAcceptorOnIoThread(d.rt->io(), *d.acceptor);
    }
}

bool HttpListener::idle() const {
    return impl_->active.load() == 0;
}

void HttpListener::stop() {
    Impl& d = *impl_;
    if (d.rt) {
        d.rt->stop();
        d.acceptor.reset();
        d.rt.reset();
    }
}

} // namespace kahu
