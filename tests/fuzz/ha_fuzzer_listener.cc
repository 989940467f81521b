// SPDX-License-Identifier: MPL-2.0
// Part of the HA fuzzer: compiles the HA dedicated listener here so that the fuzzer reaches
// HttpListener::Impl::respond, its handling of one parsed HTTP request from the partner
// (method, content type, basic auth, restrict-commands, the command JSON, the answer list).
// The requests come from raw bytes through Beast's own request parser; no socket is opened.
#include "../../hooks/ha/http_listener.cc"

#include <tuple>

namespace kahu::ha::wirefuzz {

/// Parses the requests in `wire` (pipelined, as on a keep-alive connection) and answers each
/// as the listener would. Returns per request: the status, the body, and whether the
/// Authorization header was exactly "Basic " + `credentials` (the base64 of user:password).
std::vector<std::tuple<unsigned, std::string, bool>>
respondToWire(const HttpListener::Options& options, const HttpListener::Executor& executor,
              std::string_view wire, const std::string& credentials) {
    HttpListener::Impl impl;
    impl.options = options;
    impl.executor = executor;
    std::vector<std::tuple<unsigned, std::string, bool>> out;
    while (!wire.empty() && out.size() < 8) {
        http::request_parser<http::string_body> parser;
        parser.eager(true);
        parser.body_limit(64 * 1024);
        parser.header_limit(16 * 1024);
        boost::system::error_code ec;
        size_t used = 0;
        while (!parser.is_done()) {
            size_t n = parser.put(asio::buffer(wire.data() + used, wire.size() - used), ec);
            used += n;
            if (ec == http::error::need_more && used == wire.size()) {
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
        Request req = parser.release();
        auto auth = req.find(http::field::authorization);
        const bool rightCredentials =
            auth != req.end() && auth->value() == ("Basic " + credentials);
        Response res = impl.respond(req);
        out.emplace_back(static_cast<unsigned>(res.result_int()), res.body(), rightCredentials);
        if (used == 0) {
            break;
        }
    }
    return out;
}

} // namespace kahu::ha::wirefuzz
