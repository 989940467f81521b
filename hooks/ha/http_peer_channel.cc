// SPDX-License-Identifier: MPL-2.0
#include "http_peer_channel.h"

#include "command_creator.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <filesystem>
#include <kahu/kea_json.h>
#include <kahu/log.h>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility> // Boost 1.74's awaitable.hpp uses std::exchange without including it
#include <vector>

namespace kahu::ha {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

namespace {

constexpr const char* kStoppedText = "the HA peer channel was stopped";

std::string base64(const std::string& in) {
    std::string out(beast::detail::base64::encoded_size(in.size()), '\0');
    out.resize(beast::detail::base64::encode(out.data(), in.data(), in.size()));
    return out;
}

/// The answer of one HTTP exchange, by Kea's rules (§8.6).
PeerAnswer interpret(unsigned status, const std::string& body) {
    PeerAnswer a;
    // Kea reads \u00xx as the byte xx: a Kea partner sends UTF-8 host names so.
    json parsed = parseKeaText(body, false);
    if (parsed.is_array()) {
        if (parsed.empty()) {
            a.transportError = "list of responses must not be empty";
        } else if (!parsed[0].is_object()) {
            a.transportError = "the first response in the list is not a map";
        } else {
            a.answer = std::move(parsed[0]);
        }
    } else if (parsed.is_object()) {
        std::string text = "HTTP status " + std::to_string(status);
        if (auto it = parsed.find("text"); it != parsed.end() && it->is_string()) {
            text = it->get<std::string>();
        }
        a.answer = {{"result", 1}, {"text", text}};
    } else if (status != 200) {
        a.transportError = "HTTP status " + std::to_string(status);
    } else {
        a.transportError = "the response body is not a JSON list";
    }
    return a;
}

} // namespace

struct Request {
    std::string body;
    std::string authorization; ///< from the peer entry at send() time (may change on reload)
    std::chrono::milliseconds timeout;
    PeerChannel::Callback done;
};

/// One keep-alive connection (plain or TLS).
struct Connection {
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;
    bool open = false;

    beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
    void close() {
        if (plain || secure) {
            boost::system::error_code ec;
            lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
            lowest().close(); // also cancels the stream's timers
        }
        open = false;
    }
};

/// Everything about one peer, touched only on its strand.
struct PeerLink {
    explicit PeerLink(asio::io_context& io) : strand(asio::make_strand(io)) {}
    asio::strand<asio::io_context::executor_type> strand;
    PeerConfig peer;
    std::shared_ptr<ssl::context> tls;
    std::string tlsError;
    std::deque<Request> queue;
    std::vector<std::shared_ptr<Connection>> idle;
    std::vector<std::shared_ptr<Connection>> all;
    size_t busy = 0;
    bool stopping = false;
};

struct HttpPeerChannel::Impl : std::enable_shared_from_this<HttpPeerChannel::Impl> {
    Options options;
    asio::io_context io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::vector<std::thread> threads;
    std::mutex mutex;
    bool stopped = false;
    std::map<std::string, std::shared_ptr<PeerLink>> links;
    std::shared_ptr<spdlog::logger> log = log::get("kahu-dhcp4.ha-hooks");

    std::shared_ptr<PeerLink> link(const PeerConfig& peer);
    void pump(const std::shared_ptr<PeerLink>& l);
    asio::awaitable<void> run(std::shared_ptr<PeerLink> l, std::shared_ptr<Connection> c,
                              Request r);
    asio::awaitable<PeerAnswer> exchange(std::shared_ptr<PeerLink> l, std::shared_ptr<Connection> c,
                                         Request& r,
                                         std::chrono::steady_clock::time_point deadline);
    template <class Stream>
    asio::awaitable<boost::system::error_code>
    roundTrip(Stream& s, Connection& c, const http::request<http::string_body>& req,
              http::response<http::string_body>& res, bool& gotSome);
    void deliver(Callback& done, PeerAnswer answer);
};

std::shared_ptr<PeerLink> HttpPeerChannel::Impl::link(const PeerConfig& peer) {
    // A reconfigured peer (other url or TLS files) gets a link of its own.
    std::string key = peer.name + "|" + peer.url + "|" + peer.tls.trustAnchor + "|" +
                      peer.tls.certFile + "|" + peer.tls.keyFile;
    auto& l = links[key];
    if (l) {
        return l;
    }
    l = std::make_shared<PeerLink>(io);
    l->peer = peer;
    if (peer.https) {
        try {
            auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
            ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                             ssl::context::no_tlsv1_1);
            if (peer.tls.trustAnchor.empty()) {
                ctx->set_default_verify_paths();
            } else if (std::filesystem::is_directory(peer.tls.trustAnchor)) {
                ctx->add_verify_path(peer.tls.trustAnchor);
            } else {
                ctx->load_verify_file(peer.tls.trustAnchor);
            }
            if (!peer.tls.certFile.empty()) {
                ctx->use_certificate_chain_file(peer.tls.certFile);
                ctx->use_private_key_file(peer.tls.keyFile.empty() ? peer.tls.certFile
                                                                   : peer.tls.keyFile,
                                          ssl::context::pem);
            }
            ctx->set_verify_mode(ssl::verify_peer);
            l->tls = std::move(ctx);
        } catch (const std::exception& e) {
            l->tlsError = std::string("cannot load the TLS files: ") + e.what();
            KAHU_ERROR(log, "HA_TLS_SETUP_FAILED", "peer {}: {}", peer.name, l->tlsError);
        }
    }
    return l;
}

void HttpPeerChannel::Impl::deliver(Callback& done, PeerAnswer answer) {
    if (!done) {
        return;
    }
    try {
        done(std::move(answer));
    } catch (const std::exception& e) {
        KAHU_ERROR(log, "HA_CALLBACK_FAILED", "a peer answer handler threw: {}", e.what());
    } catch (...) {
        KAHU_ERROR(log, "HA_CALLBACK_FAILED", "a peer answer handler threw");
    }
}

void HttpPeerChannel::Impl::pump(const std::shared_ptr<PeerLink>& l) {
    while (!l->queue.empty() && !l->stopping) {
        std::shared_ptr<Connection> c;
        if (!l->idle.empty()) {
            c = std::move(l->idle.back());
            l->idle.pop_back();
        } else if (l->busy < std::max(1u, options.connectionsPerPeer)) {
            c = std::make_shared<Connection>();
            l->all.push_back(c);
        } else {
            return;
        }
        Request r = std::move(l->queue.front());
        l->queue.pop_front();
        ++l->busy;
        asio::co_spawn(l->strand, run(l, std::move(c), std::move(r)), asio::detached);
    }
}

asio::awaitable<void> HttpPeerChannel::Impl::run(std::shared_ptr<PeerLink> l,
                                                 std::shared_ptr<Connection> c, Request r) {
    auto self = shared_from_this();
    PeerAnswer answer;
    if (!l->tlsError.empty()) {
        answer.transportError = l->tlsError;
    } else {
        answer = co_await exchange(l, c, r, std::chrono::steady_clock::now() + r.timeout);
    }
    --l->busy;
    if (c->open && !l->stopping) {
        l->idle.push_back(c);
    } else {
        c->close();
        std::erase(l->all, c);
    }
    deliver(r.done, std::move(answer));
    pump(l);
}

template <class Stream>
asio::awaitable<boost::system::error_code>
HttpPeerChannel::Impl::roundTrip(Stream& s, Connection& c,
                                 const http::request<http::string_body>& req,
                                 http::response<http::string_body>& res, bool& gotSome) {
    boost::system::error_code ec;
    co_await http::async_write(s, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        co_return ec;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024); // a sync page of 10,000 leases is a few MB
    co_await http::async_read(s, c.buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    gotSome = parser.got_some();
    if (!ec) {
        res = parser.release();
    }
    co_return ec;
}

asio::awaitable<PeerAnswer>
HttpPeerChannel::Impl::exchange(std::shared_ptr<PeerLink> l, std::shared_ptr<Connection> c,
                                Request& r, std::chrono::steady_clock::time_point deadline) {
    const PeerConfig& p = l->peer;
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::host, p.host);
    req.set(http::field::content_type, "application/json");
    if (!r.authorization.empty()) {
        req.set(http::field::authorization, r.authorization);
    }
    req.keep_alive(true);
    req.body() = std::move(r.body);
    req.prepare_payload();

    PeerAnswer answer;
    for (int attempt = 0;; ++attempt) {
        bool reused = c->open;
        boost::system::error_code ec;
        if (!c->open) {
            c->plain.reset();
            c->secure.reset();
            c->buffer.clear();
            if (l->tls) {
                c->secure.emplace(l->strand, *l->tls);
            } else {
                c->plain.emplace(l->strand);
            }
            c->lowest().expires_at(deadline);
            tcp::endpoint ep(asio::ip::make_address(p.host, ec), p.port);
            if (!ec) {
                co_await c->lowest().async_connect(ep,
                                                   asio::redirect_error(asio::use_awaitable, ec));
            }
            if (!ec && c->secure) {
                co_await c->secure->async_handshake(ssl::stream_base::client,
                                                    asio::redirect_error(asio::use_awaitable, ec));
            }
            c->open = !ec;
        }
        http::response<http::string_body> res;
        bool gotSome = false;
        if (!ec) {
            c->lowest().expires_at(deadline);
            // Not a conditional expression: GCC 12 evaluates co_await in both branches.
            if (c->secure) {
                ec = co_await roundTrip(*c->secure, *c, req, res, gotSome);
            } else {
                ec = co_await roundTrip(*c->plain, *c, req, res, gotSome);
            }
        }
        if (!ec) {
            c->lowest().expires_never();
            if (!res.keep_alive()) {
                c->close();
            }
            co_return interpret(res.result_int(), res.body());
        }
        c->close();
        if (l->stopping) {
            answer.transportError = kStoppedText;
            co_return answer;
        }
        bool stale = ec == http::error::end_of_stream || ec == asio::error::eof ||
                     ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
        if (reused && stale && !gotSome && attempt == 0 &&
            std::chrono::steady_clock::now() < deadline) {
            continue; // the peer closed the idle connection: open a new one, send once more
        }
        if (ec == beast::error::timeout) {
            answer.transportError = "timed out talking to " + p.url;
        } else {
            answer.transportError = "communication with " + p.url + " failed: " + ec.message();
        }
        co_return answer;
    }
}

HttpPeerChannel::HttpPeerChannel() : HttpPeerChannel(Options{}) {}

HttpPeerChannel::HttpPeerChannel(Options options) : impl_(std::make_shared<Impl>()) {
    impl_->options = options;
    impl_->work.emplace(asio::make_work_guard(impl_->io));
    unsigned n = std::max(1u, options.threads);
    for (unsigned i = 0; i < n; ++i) {
        impl_->threads.emplace_back([d = impl_.get()] { d->io.run(); });
    }
}

HttpPeerChannel::~HttpPeerChannel() {
    stop();
}

void HttpPeerChannel::send(const PeerConfig& to, const std::string& command, json arguments,
                           std::chrono::milliseconds timeout, Callback done) {
    Request r{CommandCreator::bodyText(command, arguments),
              to.basicAuthUser.empty()
                  ? std::string()
                  : "Basic " + base64(to.basicAuthUser + ":" + to.basicAuthPassword),
              timeout, std::move(done)};
    {
        // Posting under the lock stop() takes first: a request that got past the check is
        // queued (pending work) before stop() lets the threads run dry, so it is answered.
        std::lock_guard g(impl_->mutex);
        if (!impl_->stopped) {
            auto l = impl_->link(to);
            asio::post(l->strand, [d = impl_, l, r = std::move(r)]() mutable {
                if (l->stopping) {
                    PeerAnswer a;
                    a.transportError = kStoppedText;
                    d->deliver(r.done, std::move(a));
                    return;
                }
                l->queue.push_back(std::move(r));
                d->pump(l);
            });
            return;
        }
    }
    PeerAnswer a;
    a.transportError = kStoppedText;
    impl_->deliver(r.done, std::move(a));
}

void HttpPeerChannel::stop() {
    std::map<std::string, std::shared_ptr<PeerLink>> links;
    {
        std::lock_guard g(impl_->mutex);
        if (impl_->stopped) {
            return;
        }
        impl_->stopped = true;
        links = impl_->links;
    }
    for (auto& [key, l] : links) {
        asio::post(l->strand, [d = impl_, l = l] {
            l->stopping = true;
            auto queued = std::move(l->queue);
            l->queue.clear();
            for (auto& r : queued) {
                PeerAnswer a;
                a.transportError = kStoppedText;
                d->deliver(r.done, std::move(a));
            }
            for (auto& c : l->all) {
                c->close(); // in-flight exchanges end with operation_aborted
            }
            l->idle.clear();
        });
    }
    // The threads run until the cancelled exchanges have delivered their callbacks.
    impl_->work.reset();
    for (auto& t : impl_->threads) {
        if (t.joinable() && t.get_id() != std::this_thread::get_id()) {
            t.join();
        } else if (t.joinable()) {
            t.detach(); // stop() from a callback: the thread ends on its own
        }
    }
    impl_->threads.clear();
}

} // namespace kahu::ha
