// SPDX-License-Identifier: MPL-2.0
#include "control/http_client.h"

#include "control/io_runtime.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <kahu/error.h>
#include <optional>

namespace kahu {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

template <class Stream>
asio::awaitable<void> exchange(Stream& stream, http::request<http::string_body>& req,
                               HttpPostResult& out) {
    co_await http::async_write(stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
    const auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    out.reason = std::string(res.reason());
    out.body = res.body();
    for (const auto& f : res) {
        out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
}

} // namespace

HttpPostResult httpPost(const HttpPostRequest& r) {
    asio::io_context io;
    HttpPostResult out;
    std::optional<ssl::context> tls;
    if (!r.caFile.empty()) {
        try {
            tls.emplace(ssl::context::tls_client);
            tls->load_verify_file(r.caFile);
            tls->set_verify_mode(ssl::verify_peer);
            if (!r.certFile.empty()) {
                tls->use_certificate_chain_file(r.certFile);
                tls->use_private_key_file(r.keyFile.empty() ? r.certFile : r.keyFile,
                                          ssl::context::pem);
            }
        } catch (const boost::system::system_error& e) {
            throw Error(std::string("cannot load TLS files: ") + e.what());
        }
    }
    http::request<http::string_body> req{http::verb::post, r.path.empty() ? "/" : r.path,
                                         r.version};
    req.set(http::field::host, r.host + ":" + std::to_string(r.port));
    req.set(http::field::content_type, r.contentType);
    for (const auto& [n, v] : r.headers) {
        req.set(n, v);
    }
    req.keep_alive(false);
    req.body() = r.body;
    req.prepare_payload();

    std::exception_ptr failure;
    bool done = false;
    auto run = [&]() -> asio::awaitable<void> {
        tcp::resolver resolver(io);
        auto endpoints =
            co_await resolver.async_resolve(r.host, std::to_string(r.port), asio::use_awaitable);
        if (!tls) {
            beast::tcp_stream stream(io);
            co_await stream.async_connect(endpoints, asio::use_awaitable);
            co_await exchange(stream, req, out);
        } else {
            beast::ssl_stream<beast::tcp_stream> stream(io, *tls);
            SSL_set_tlsext_host_name(stream.native_handle(), r.host.c_str());
            co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
            co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
            co_await exchange(stream, req, out);
        }
    };
    asio::co_spawn(io, run(), [&](std::exception_ptr e) {
        failure = e;
        done = true;
    });
    io.run_for(r.timeout);
    if (!done) {
        throw Error("timed out after " + std::to_string(r.timeout.count()) + " ms");
    }
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const boost::system::system_error& e) {
            throw Error(e.code().message());
        }
    }
    return out;
}

} // namespace kahu
