// SPDX-License-Identifier: MPL-2.0
#include "http/admission.h"
#include "http/beast_util.h"

#include <array>
#include <atomic>
#include <kahu/error.h>
#include <kahu/http/server.h>
#include <kahu/log.h>
#include <optional>
#include <thread>
#include <vector>

namespace kahu::http {

namespace {

using BeastRequest = beast_http::request<beast_http::string_body>;
using BeastResponse = beast_http::response<beast_http::string_body>;

Request toRequest(const BeastRequest& req, const std::string& remote) {
    Request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.version = req.version();
    for (const auto& f : req) {
        r.headers.push_back({std::string(f.name_string()), std::string(f.value())});
    }
    r.body = req.body();
    r.remoteAddress = remote;
    return r;
}

BeastResponse toBeast(Response r, unsigned version) {
    BeastResponse res{static_cast<beast_http::status>(r.status), version};
    res.body() = std::move(r.body);
    if (!r.contentType.empty()) {
        res.set(beast_http::field::content_type, r.contentType);
    }
    for (auto& h : r.headers) {
        res.set(h.name, h.value);
    }
    return res;
}

/// Runs the handler and turns an exception into a 500.
struct HandlerCall {
    const Handler* handler;
    Request request;
    Response operator()() const noexcept {
        try {
            return (*handler)(request);
        } catch (...) {
            return Response::error(500);
        }
    }
};

} // namespace

struct Server::Impl {
    ServerOptions options;
    Handler handler;
    std::shared_ptr<spdlog::logger> log;
    std::unique_ptr<asio::io_context> io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::unique_ptr<asio::thread_pool> workers;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::unique_ptr<ssl::context> tls;
    std::vector<std::thread> threads;
    std::atomic<size_t> active{0};
    uint16_t port = 0;

    asio::awaitable<void> acceptLoop();
    asio::awaitable<void> session(tcp::socket sock);
    template <class Stream> asio::awaitable<void> serve(Stream& stream, std::string remote);
    asio::awaitable<BeastResponse> respond(const BeastRequest& req, const std::string& remote);
    BeastResponse errorResponse(int status, unsigned version) const;
    void loadTls();
};

BeastResponse Server::Impl::errorResponse(int status, unsigned version) const {
    BeastResponse res = toBeast(Response::error(status), version);
    res.keep_alive(false);
    return res;
}

asio::awaitable<BeastResponse> Server::Impl::respond(const BeastRequest& req,
                                                     const std::string& remote) {
    HandlerCall call{&handler, toRequest(req, remote)};
    if (auto refusal = admit(options, call.request, log.get())) {
        BeastResponse res = toBeast(std::move(*refusal), req.version());
        res.keep_alive(false);
        co_return res;
    }
    Response answer;
    if (workers) {
        answer = co_await asio::co_spawn(*workers, callOnWorker<Response>(std::move(call)),
                                         asio::use_awaitable);
    } else {
        answer = call();
    }
    bool close = answer.close;
    BeastResponse res = toBeast(std::move(answer), req.version());
    res.keep_alive(req.keep_alive() && !close);
    co_return res;
}

template <class Stream>
asio::awaitable<void> Server::Impl::serve(Stream& stream, std::string remote) {
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (bool first = true;; first = false) {
        beast_http::request_parser<beast_http::string_body> parser;
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
        co_await beast_http::async_read(stream, buffer, parser,
                                        asio::redirect_error(asio::use_awaitable, ec));
        (*flags)[0] = true;
        timer.cancel();
        if ((*flags)[1]) {
            ec = beast::error::timeout;
        }
        BeastResponse res;
        if (ec == beast_http::error::end_of_stream || ec == asio::error::eof ||
            ec == asio::error::connection_reset) {
            co_return;
        } else if (ec == beast::error::timeout) {
            if (!parser.got_some()) {
                co_return;
            }
            res = errorResponse(408, 11);
        } else if (ec == beast_http::error::body_limit || ec == beast_http::error::header_limit ||
                   ec == beast_http::error::buffer_overflow) {
            res = errorResponse(413, parser.is_header_done() ? parser.get().version() : 11);
        } else if (ec) {
            if (ec == asio::error::operation_aborted) {
                co_return;
            }
            res = errorResponse(400, parser.is_header_done() ? parser.get().version() : 11);
        } else {
            res = co_await respond(parser.get(), remote);
        }
        res.set(beast_http::field::date, httpDate());
        for (const auto& h : options.headers) {
            res.set(h.name, h.value);
        }
        res.prepare_payload();
        bool close = !res.keep_alive();
        beast::get_lowest_layer(stream).expires_after(options.requestTimeout);
        co_await beast_http::async_write(stream, res,
                                         asio::redirect_error(asio::use_awaitable, ec));
        if (ec || close) {
            co_return;
        }
    }
}

asio::awaitable<void> Server::Impl::session(tcp::socket sock) {
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

asio::awaitable<void> Server::Impl::acceptLoop() {
    for (;;) {
        boost::system::error_code ec;
        // Each connection gets its own strand: several I/O threads serve several connections
        // at once, never one connection from two threads.
        tcp::socket s = co_await acceptor->async_accept(
            asio::make_strand(*io), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor->is_open()) {
                co_return;
            }
            asio::steady_timer t(co_await asio::this_coro::executor,
                                 std::chrono::milliseconds(100));
            co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        auto ex = s.get_executor();
        asio::co_spawn(ex, session(std::move(s)), asio::detached);
    }
}

void Server::Impl::loadTls() {
    const TlsConfig& t = options.tls;
    if (t.certFile.empty() && t.keyFile.empty() && t.trustAnchor.empty()) {
        return;
    }
    try {
        tls = makeTlsContext(ssl::context::tls_server, t);
        // Kea's rule: with cert-required off, clients are not asked for a certificate.
        tls->set_verify_mode(t.certRequired ? ssl::verify_peer | ssl::verify_fail_if_no_peer_cert
                                            : ssl::verify_none);
    } catch (const boost::system::system_error& e) {
        tls.reset();
        throw Error(options.name + ": cannot load the TLS files (cert-file '" + t.certFile +
                    "', key-file '" + t.keyFile + "', trust-anchor '" + t.trustAnchor +
                    "'): " + e.what());
    }
}

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->handler = std::move(handler);
    impl_->log = log::get(impl_->options.logger);
}

Server::~Server() {
    stop();
}

uint16_t Server::port() const {
    return impl_->port;
}

void Server::start() {
    Impl& d = *impl_;
    if (d.io) {
        return;
    }
    const ServerOptions& o = d.options;
    boost::system::error_code ec;
    auto address = asio::ip::make_address(o.host, ec);
    if (ec) {
        throw Error(o.name + ": '" + o.host + "' is not an IP address");
    }
    d.loadTls();
    auto io = std::make_unique<asio::io_context>();
    auto acceptor = std::make_unique<tcp::acceptor>(*io);
    tcp::endpoint ep(address, o.port);
    acceptor->open(ep.protocol(), ec);
    if (!ec) {
        acceptor->set_option(asio::socket_base::reuse_address(true), ec);
        acceptor->bind(ep, ec);
    }
    if (!ec) {
        acceptor->listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        d.tls.reset();
        throw Error(o.name + ": cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                    ec.message());
    }
    d.port = acceptor->local_endpoint().port();
    d.io = std::move(io);
    d.work.emplace(asio::make_work_guard(*d.io));
    d.acceptor = std::move(acceptor);
    if (o.workerThreads > 0) {
        d.workers = std::make_unique<asio::thread_pool>(o.workerThreads);
    }
    asio::co_spawn(*d.io, d.acceptLoop(), asio::detached);
    unsigned n = std::max(1u, o.ioThreads);
    for (unsigned i = 0; i < n; ++i) {
        d.threads.emplace_back([io = d.io.get()] { io->run(); });
    }
}

void Server::stopAccepting() {
    Impl& d = *impl_;
    if (!d.io || !d.acceptor) {
        return;
    }
    closeAcceptorOnIoThread(*d.io, *d.acceptor);
}

bool Server::idle() const {
    return impl_->active.load() == 0;
}

void Server::stop() {
    Impl& d = *impl_;
    if (!d.io) {
        return;
    }
    // Stopping the context abandons the connections' coroutines; a handler already running
    // on the I/O thread finishes first (join). Queued handlers are abandoned and a running
    // one waited for. Destroying the context then frees their frames and sockets.
    d.work.reset();
    d.io->stop();
    for (auto& t : d.threads) {
        t.join();
    }
    d.threads.clear();
    if (d.workers) {
        d.workers->stop();
        d.workers->join();
    }
    d.acceptor.reset();
    d.io.reset();
    d.workers.reset();
    d.tls.reset();
}

} // namespace kahu::http
