// SPDX-License-Identifier: MPL-2.0
#include "http_listener.h"

#include "command_creator.h"

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <ctime>
#include <filesystem>
#include <kahu/command/command_registry.h>
#include <kahu/error.h>
#include <kahu/kea_json.h>
#include <kahu/log.h>
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

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr std::chrono::seconds kRequestTimeout{10};
constexpr std::chrono::seconds kIdleTimeout{30};
constexpr const char* kRealm = "kea-dhcp4-server";

std::string httpDate() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
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

std::string decodeBase64(std::string_view in) {
    // Beast's decoded_size(n) is n / 4 * 3, right only when n is a multiple of 4; decode()
    // writes up to 2 more bytes for the 2-3 characters of a last partial group.
    std::string out((in.size() + 3) / 4 * 3, '\0');
    auto [written, read] = beast::detail::base64::decode(out.data(), in.data(), in.size());
    // decode() stops at the first '=': what follows may only be the padding.
    const std::string_view rest = in.substr(read);
    if (rest.size() > 2 || rest.find_first_not_of('=') != std::string_view::npos) {
        return {};
    }
    out.resize(written);
    return out;
}

Response errorResponse(http::status status, unsigned version) {
    Response res{status, version};
    res.body() = keaText({{"result", static_cast<int>(status)},
                          {"text", std::string(http::obsolete_reason(status))}});
    if (status == http::status::unauthorized) {
        res.set(http::field::www_authenticate, std::string("Basic realm=\"") + kRealm + "\"");
    }
    res.keep_alive(false);
    return res;
}

} // namespace

HttpListener::Options HttpListener::Options::fromConfig(const HaConfig& config,
                                                        const PeerConfig& self) {
    Options o;
    o.host = self.host;
    o.port = self.port;
    o.basicAuthUser = self.basicAuthUser;
    o.basicAuthPassword = self.basicAuthPassword;
    o.https = self.https;
    o.tls = self.tls.empty() ? config.tls : self.tls;
    o.requireClientCerts = config.requireClientCerts;
    o.restrictCommands = config.restrictCommands;
    o.threads = config.multiThreading.listenerThreads;
    return o;
}

bool HttpListener::allowedWhenRestricted(const std::string& command) {
    static constexpr std::array<std::string_view, 12> kAllowed = {
        "list-commands",  "status-get",      "dhcp-disable",          "dhcp-enable",
        "ha-reset",       "ha-heartbeat",    "lease4-update",         "lease4-del",
        "lease4-get-all", "lease4-get-page", "ha-maintenance-notify", "ha-sync-complete-notify"};
    for (auto name : kAllowed) {
        if (name == command) {
            return true;
        }
    }
    return false;
}

struct HttpListener::Impl {
    Options options;
    Executor executor;
    std::unique_ptr<asio::io_context> io;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::unique_ptr<ssl::context> tls;
    std::vector<std::thread> threads;
    uint16_t port = 0;
    std::shared_ptr<spdlog::logger> log = log::get("kahu-dhcp4.ha-hooks");

    asio::awaitable<void> acceptLoop();
    asio::awaitable<void> session(tcp::socket sock);
    template <class Stream> asio::awaitable<void> serve(Stream& stream);
    Response respond(const Request& req);
};

Response HttpListener::Impl::respond(const Request& req) {
    auto ct = req.find(http::field::content_type);
    if (req.method() != http::verb::post || ct == req.end() ||
        lower(trim(std::string_view(ct->value().data(), ct->value().size()))) !=
            "application/json") {
        return errorResponse(http::status::bad_request, req.version());
    }
    if (!options.basicAuthUser.empty()) {
        auto a = req.find(http::field::authorization);
        bool ok = false;
        if (a != req.end()) {
            std::string_view v(a->value().data(), a->value().size());
            v = trim(v);
            if (v.size() > 6 && lower(v.substr(0, 6)) == "basic ") {
                ok = decodeBase64(trim(v.substr(6))) ==
                     options.basicAuthUser + ":" + options.basicAuthPassword;
            }
        }
        if (!ok) {
            KAHU_INFO(log, "HA_LISTENER_NOT_AUTHORIZED", "{} request refused",
                      a == req.end() ? "unauthenticated" : "wrongly authenticated");
            return errorResponse(http::status::unauthorized, req.version());
        }
    }
    // Read as Kea reads it: a Kea partner sends UTF-8 text as one \u00xx escape per byte.
    json command = parseKeaText(req.body(), false);
    if (command.is_discarded()) {
        return errorResponse(http::status::bad_request, req.version());
    }
    json answer;
    auto name = command.is_object() ? command.find("command") : command.end();
    if (!command.is_object() || name == command.end() || !name->is_string()) {
        answer = json{{"result", 1}, {"text", "invalid command: no 'command' string"}};
    } else {
        std::string n = name->get<std::string>();
        if (options.restrictCommands && !allowedWhenRestricted(n)) {
            KAHU_INFO(log, "HA_LISTENER_COMMAND_FORBIDDEN", "command '{}' refused", n);
            return errorResponse(http::status::forbidden, req.version());
        }
        json args = command.contains("arguments") ? command["arguments"] : json();
        // What reaches the HA listener comes from the partner: a Kea 2.2 partner's lease
        // updates do not say so, and lease4-update refuses a partner's update that would take
        // an address held by another client (docs/ha.md, "Load balancing").
        if (n == "lease4-update" && args.is_object() && !args.contains("origin")) {
            args["origin"] = "ha-partner";
        }
        try {
            answer = executor(n, args);
        } catch (const CommandError& e) {
            answer = makeAnswer(e.result(), e.what());
        } catch (const std::exception& e) {
            answer = json{{"result", 1}, {"text", e.what()}};
        }
    }
    Response res{http::status::ok, req.version()};
    res.body() = keaText(json::array({std::move(answer)}));
    res.keep_alive(req.keep_alive());
    return res;
}

template <class Stream> asio::awaitable<void> HttpListener::Impl::serve(Stream& stream) {
    beast::flat_buffer buffer;
    for (bool first = true;; first = false) {
        boost::system::error_code ec;
        http::request_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        beast::get_lowest_layer(stream).expires_after(first ? kRequestTimeout : kIdleTimeout);
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, ec));
        Response res;
        if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::operation_aborted) {
            co_return;
        } else if (ec) {
            res = errorResponse(http::status::bad_request,
                                parser.is_header_done() ? parser.get().version() : 11);
        } else {
            res = respond(parser.get());
        }
        res.set(http::field::content_type, "application/json");
        res.set(http::field::date, httpDate());
        res.prepare_payload();
        bool close = !res.keep_alive();
        beast::get_lowest_layer(stream).expires_after(kRequestTimeout);
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || close) {
            co_return;
        }
    }
}

asio::awaitable<void> HttpListener::Impl::session(tcp::socket sock) {
    boost::system::error_code ec;
    if (!tls) {
        beast::tcp_stream stream(std::move(sock));
        co_await serve(stream);
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(sock)), *tls);
    beast::get_lowest_layer(stream).expires_after(kRequestTimeout);
    co_await stream.async_handshake(ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        KAHU_INFO(log, "HA_LISTENER_TLS_FAILED", "TLS handshake failed: {}", ec.message());
        co_return;
    }
    co_await serve(stream);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> HttpListener::Impl::acceptLoop() {
    for (;;) {
        boost::system::error_code ec;
        // Each connection gets its own strand: several listener threads serve several
        // connections at once, never one connection from two threads.
        tcp::socket s = co_await acceptor->async_accept(
            asio::make_strand(*io), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor->is_open()) {
                co_return;
            }
            continue;
        }
        auto ex = s.get_executor();
        asio::co_spawn(ex, session(std::move(s)), asio::detached);
    }
}

HttpListener::HttpListener(Options options, Executor executor) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->executor =
        executor ? std::move(executor) : Executor([](const std::string& name, const json& args) {
            return CommandRegistry::instance().execute(name, args);
        });
}

HttpListener::~HttpListener() {
    stop();
}

uint16_t HttpListener::port() const {
    return impl_->port;
}

void HttpListener::start() {
    Impl& d = *impl_;
    if (d.io) {
        return;
    }
    const Options& o = d.options;
    boost::system::error_code ec;
    auto address = asio::ip::make_address(o.host, ec);
    if (ec) {
        throw Error("HA listener: '" + o.host + "' is not an IP address");
    }
    if (o.https) {
        try {
            auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
            ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                             ssl::context::no_tlsv1_1);
            ctx->use_certificate_chain_file(o.tls.certFile);
            ctx->use_private_key_file(o.tls.keyFile, ssl::context::pem);
            if (std::filesystem::is_directory(o.tls.trustAnchor)) {
                ctx->add_verify_path(o.tls.trustAnchor);
            } else {
                ctx->load_verify_file(o.tls.trustAnchor);
            }
            ctx->set_verify_mode(o.requireClientCerts
                                     ? ssl::verify_peer | ssl::verify_fail_if_no_peer_cert
                                     : ssl::verify_none);
            d.tls = std::move(ctx);
        } catch (const boost::system::system_error& e) {
            throw Error("HA listener: cannot load the TLS files (cert-file '" + o.tls.certFile +
                        "', key-file '" + o.tls.keyFile + "', trust-anchor '" + o.tls.trustAnchor +
                        "'): " + e.what());
        }
    }
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
        throw Error("HA listener: cannot listen on " + o.host + ":" + std::to_string(o.port) +
                    ": " + ec.message());
    }
    d.port = acceptor->local_endpoint().port();
    d.io = std::move(io);
    d.acceptor = std::move(acceptor);
    asio::co_spawn(*d.io, d.acceptLoop(), asio::detached);
    unsigned n = std::max(1u, o.threads);
    for (unsigned i = 0; i < n; ++i) {
        d.threads.emplace_back([io = d.io.get()] { io->run(); });
    }
    KAHU_INFO(d.log, "HA_LISTENER_STARTED", "listening for HA peer commands on {}://{}:{}",
              d.tls ? "https" : "http", o.host, d.port);
}

void HttpListener::stop() {
    Impl& d = *impl_;
    if (!d.io) {
        return;
    }
    // Stopping the context abandons the connections' coroutines; a command already running
    // finishes first (join). Destroying the context then frees their frames and sockets.
    d.io->stop();
    for (auto& t : d.threads) {
        t.join();
    }
    d.threads.clear();
    d.acceptor.reset();
    d.io.reset();
    d.tls.reset();
}

} // namespace kahu::ha
