// SPDX-License-Identifier: MPL-2.0
#include "http/beast_util.h"

#include <deque>
#include <future>
#include <kahu/error.h>
#include <kahu/http/client.h>
#include <kahu/log.h>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace kahu::http {

namespace {

constexpr const char* kStoppedText = "the HTTP client was stopped";

ClientResponse stoppedResponse() {
    ClientResponse r;
    r.error = kStoppedText;
    r.stopped = true;
    return r;
}

std::string targetKey(const Target& t) {
    return t.host + "|" + std::to_string(t.port) + "|" + (t.https ? "s" : "") + "|" +
           t.tls.trustAnchor + "|" + t.tls.certFile + "|" + t.tls.keyFile + "|" + t.hostHeader;
}

struct Pending {
    ClientRequest request;
    Client::Callback done;
};

/// One connection (plain or TLS), kept alive between requests.
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

/// Everything about one target, touched only on its strand.
struct Link {
    explicit Link(asio::io_context& io) : strand(asio::make_strand(io)) {}
    asio::strand<asio::io_context::executor_type> strand;
    Target target;
    std::unique_ptr<ssl::context> tls;
    std::string tlsError;
    std::deque<Pending> queue;
    std::vector<std::shared_ptr<Connection>> idle;
    std::vector<std::shared_ptr<Connection>> all;
    size_t busy = 0;
    bool stopping = false;
};

} // namespace

std::string Target::displayName() const {
    return name.empty() ? host + ":" + std::to_string(port) : name;
}

struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
    ClientOptions options;
    asio::io_context io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::vector<std::thread> threads;
    std::mutex mutex;
    bool stopped = false;
    std::map<std::string, std::shared_ptr<Link>> links;
    std::shared_ptr<spdlog::logger> log;

    std::shared_ptr<Link> link(const Target& target);
    void pump(const std::shared_ptr<Link>& l);
    asio::awaitable<void> run(std::shared_ptr<Link> l, std::shared_ptr<Connection> c, Pending p);
    asio::awaitable<ClientResponse> exchange(std::shared_ptr<Link> l, std::shared_ptr<Connection> c,
                                             const ClientRequest& r);
    template <class Stream>
    asio::awaitable<boost::system::error_code>
    roundTrip(Stream& s, Connection& c, const beast_http::request<beast_http::string_body>& req,
              beast_http::response<beast_http::string_body>& res, bool& gotSome);
    void deliver(Callback& done, ClientResponse response);
};

std::shared_ptr<Link> Client::Impl::link(const Target& target) {
    auto& l = links[targetKey(target)];
    if (l) {
        return l;
    }
    l = std::make_shared<Link>(io);
    l->target = target;
    if (target.https) {
        try {
            l->tls = makeTlsContext(ssl::context::tls_client, target.tls);
            l->tls->set_verify_mode(ssl::verify_peer);
        } catch (const std::exception& e) {
            l->tlsError = std::string("cannot load the TLS files: ") + e.what();
            KAHU_ERROR(log, "HTTP_TLS_SETUP_FAILED", "{}: {}", target.displayName(), l->tlsError);
        }
    }
    return l;
}

void Client::Impl::deliver(Callback& done, ClientResponse response) {
    if (!done) {
        return;
    }
    try {
        done(std::move(response));
    } catch (const std::exception& e) {
        KAHU_ERROR(log, "HTTP_CALLBACK_FAILED", "an HTTP answer handler threw: {}", e.what());
    } catch (...) {
        KAHU_ERROR(log, "HTTP_CALLBACK_FAILED", "an HTTP answer handler threw");
    }
}

void Client::Impl::pump(const std::shared_ptr<Link>& l) {
    while (!l->queue.empty() && !l->stopping) {
        std::shared_ptr<Connection> c;
        if (!l->idle.empty()) {
            c = std::move(l->idle.back());
            l->idle.pop_back();
        } else if (l->busy < std::max(1u, options.connectionsPerTarget)) {
            c = std::make_shared<Connection>();
            l->all.push_back(c);
        } else {
            return;
        }
        Pending p = std::move(l->queue.front());
        l->queue.pop_front();
        ++l->busy;
        asio::co_spawn(l->strand, run(l, std::move(c), std::move(p)), asio::detached);
    }
}

asio::awaitable<void> Client::Impl::run(std::shared_ptr<Link> l, std::shared_ptr<Connection> c,
                                        Pending p) {
    auto self = shared_from_this();
    ClientResponse response;
    if (!l->tlsError.empty()) {
        response.error = l->tlsError;
    } else {
        response = co_await exchange(l, c, p.request);
    }
    --l->busy;
    if (c->open && !l->stopping && options.keepAlive) {
        l->idle.push_back(c);
    } else {
        c->close();
        std::erase(l->all, c);
    }
    deliver(p.done, std::move(response));
    pump(l);
}

template <class Stream>
asio::awaitable<boost::system::error_code>
Client::Impl::roundTrip(Stream& s, Connection& c,
                        const beast_http::request<beast_http::string_body>& req,
                        beast_http::response<beast_http::string_body>& res, bool& gotSome) {
    boost::system::error_code ec;
    co_await beast_http::async_write(s, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        co_return ec;
    }
    beast_http::response_parser<beast_http::string_body> parser;
    parser.body_limit(options.maxResponseBytes);
    co_await beast_http::async_read(s, c.buffer, parser,
                                    asio::redirect_error(asio::use_awaitable, ec));
    gotSome = parser.got_some();
    if (!ec) {
        res = parser.release();
    }
    co_return ec;
}

asio::awaitable<ClientResponse> Client::Impl::exchange(std::shared_ptr<Link> l,
                                                       std::shared_ptr<Connection> c,
                                                       const ClientRequest& r) {
    const Target& t = l->target;
    const auto deadline = std::chrono::steady_clock::now() + r.timeout;
    beast_http::request<beast_http::string_body> req{beast_http::string_to_verb(r.method),
                                                     r.path.empty() ? "/" : r.path, r.version};
    req.set(beast_http::field::host,
            t.hostHeader.empty() ? t.host + ":" + std::to_string(t.port) : t.hostHeader);
    if (!r.contentType.empty()) {
        req.set(beast_http::field::content_type, r.contentType);
    }
    for (const auto& h : r.headers) {
        req.set(h.name, h.value);
    }
    req.keep_alive(options.keepAlive);
    req.body() = r.body;
    req.prepare_payload();

    ClientResponse out;
    for (int attempt = 0;; ++attempt) {
        bool reused = c->open;
        boost::system::error_code ec;
        if (!c->open) {
            c->plain.reset();
            c->secure.reset();
            c->buffer.clear();
            if (l->tls) {
                c->secure.emplace(l->strand, *l->tls);
                SSL_set_tlsext_host_name(c->secure->native_handle(), t.host.c_str());
            } else {
                c->plain.emplace(l->strand);
            }
            c->lowest().expires_at(deadline);
            tcp::resolver resolver(l->strand);
            auto endpoints = co_await resolver.async_resolve(
                t.host, std::to_string(t.port), asio::redirect_error(asio::use_awaitable, ec));
            if (!ec) {
                co_await c->lowest().async_connect(endpoints,
                                                   asio::redirect_error(asio::use_awaitable, ec));
            }
            if (!ec && c->secure) {
                co_await c->secure->async_handshake(ssl::stream_base::client,
                                                    asio::redirect_error(asio::use_awaitable, ec));
            }
            c->open = !ec;
        }
        beast_http::response<beast_http::string_body> res;
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
            out.status = static_cast<int>(res.result_int());
            out.reason = std::string(res.reason());
            for (const auto& f : res) {
                out.headers.push_back({std::string(f.name_string()), std::string(f.value())});
            }
            out.body = std::move(res.body());
            co_return out;
        }
        c->close();
        if (l->stopping) {
            co_return stoppedResponse();
        }
        bool stale = ec == beast_http::error::end_of_stream || ec == asio::error::eof ||
                     ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
        if (reused && stale && !gotSome && attempt == 0 &&
            std::chrono::steady_clock::now() < deadline) {
            continue; // the server closed the idle connection: open a new one, send once more
        }
        if (ec == beast::error::timeout) {
            out.error = "timed out talking to " + t.displayName();
        } else {
            out.error = "communication with " + t.displayName() + " failed: " + ec.message();
        }
        co_return out;
    }
}

Client::Client(ClientOptions options) : impl_(std::make_shared<Impl>()) {
    impl_->options = std::move(options);
    impl_->log = log::get(impl_->options.logger);
    impl_->work.emplace(asio::make_work_guard(impl_->io));
    unsigned n = std::max(1u, impl_->options.threads);
    for (unsigned i = 0; i < n; ++i) {
        impl_->threads.emplace_back([d = impl_.get()] { d->io.run(); });
    }
}

Client::~Client() {
    stop();
}

void Client::send(const Target& target, ClientRequest request, Callback done) {
    Pending p{std::move(request), std::move(done)};
    {
        // Posting under the lock stop() takes first: a request that got past the check is
        // queued (pending work) before stop() lets the threads run dry, so it is answered.
        std::lock_guard g(impl_->mutex);
        if (!impl_->stopped) {
            auto l = impl_->link(target);
            asio::post(l->strand, [d = impl_, l, p = std::move(p)]() mutable {
                if (l->stopping) {
                    d->deliver(p.done, stoppedResponse());
                    return;
                }
                l->queue.push_back(std::move(p));
                d->pump(l);
            });
            return;
        }
    }
    impl_->deliver(p.done, stoppedResponse());
}

void Client::stop() {
    std::map<std::string, std::shared_ptr<Link>> links;
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
            for (auto& p : queued) {
                d->deliver(p.done, stoppedResponse());
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

ClientResponse request(const Target& target, const ClientRequest& req) {
    ClientOptions o;
    o.keepAlive = false;
    Client client(o);
    std::promise<ClientResponse> answer;
    client.send(target, req, [&answer](ClientResponse r) { answer.set_value(std::move(r)); });
    ClientResponse r = answer.get_future().get();
    if (!r.ok()) {
        throw Error(r.error);
    }
    return r;
}

} // namespace kahu::http
