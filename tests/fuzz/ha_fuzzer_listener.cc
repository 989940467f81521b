// SPDX-License-Identifier: MPL-2.0
// Part of the HA fuzzer: one parsed HTTP request from the partner through what the HA
// listener does with it — the SDK server's admission (method, content type, basic auth) and
// the listener's rules (restrict-commands, the command JSON, the answer list). The requests
// come from raw bytes through Beast's own request parser; no socket is opened.
#include "http/admission.h"
#include "http_listener.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <tuple>

namespace kahu::ha::wirefuzz {

namespace bh = boost::beast::http;

/// Parses the requests in `wire` (pipelined, as on a keep-alive connection) and answers each
/// as the listener would. Returns per request: the status, the body, and whether the
/// Authorization header was exactly "Basic " + `credentials` (the base64 of user:password).
std::vector<std::tuple<unsigned, std::string, bool>>
respondToWire(const HttpListener::Options& options, const HttpListener::Executor& executor,
              std::string_view wire, const std::string& credentials) {
    const http::ServerOptions serverOptions = HttpListener::serverOptions(options);
    std::vector<std::tuple<unsigned, std::string, bool>> out;
    while (!wire.empty() && out.size() < 8) {
        bh::request_parser<bh::string_body> parser;
        parser.eager(true);
        parser.body_limit(64 * 1024);
        parser.header_limit(16 * 1024);
        boost::system::error_code ec;
        size_t used = 0;
        while (!parser.is_done()) {
            size_t n = parser.put(boost::asio::buffer(wire.data() + used, wire.size() - used), ec);
            used += n;
            if (ec == bh::error::need_more && used == wire.size()) {
                parser.put_eof(ec); // the connection ends here
                break;
            }
            if (ec || n == 0) {
                break;
            }
        }
        wire.remove_prefix(used);
        if (ec || !parser.is_done()) {
            break; // the listener closes the connection on a parse error
        }
        const auto& msg = parser.get();
        http::Request req;
        req.method = std::string(msg.method_string());
        req.target = std::string(msg.target());
        req.version = msg.version();
        for (const auto& f : msg) {
            req.headers.push_back({std::string(f.name_string()), std::string(f.value())});
        }
        req.body = msg.body();
        req.remoteAddress = "192.0.2.2";
        const std::string* auth = req.header("Authorization");
        const bool rightCredentials = auth != nullptr && *auth == "Basic " + credentials;
        http::Response res;
        if (auto refusal = http::admit(serverOptions, req, nullptr)) {
            res = std::move(*refusal);
        } else {
            res = HttpListener::respond(options, executor, req);
        }
        out.emplace_back(static_cast<unsigned>(res.status), res.body, rightCredentials);
        if (used == 0) {
            break;
        }
    }
    return out;
}

} // namespace kahu::ha::wirefuzz
