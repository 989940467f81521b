// SPDX-License-Identifier: MPL-2.0
// What the HTTP server and client share. Internal header: it pulls in Boost.Asio and Beast,
// include it from .cc files only.
#pragma once

#include "control/io_runtime.h"
#include "http/admission.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <kahu/http/basic_auth.h>
#include <memory>
#include <string>
#include <string_view>

namespace kahu::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using kahu::callOnWorker;

inline std::string_view sv(beast::string_view s) {
    return {s.data(), s.size()};
}

/// The Date header's value for now (RFC 7231).
std::string httpDate();
/// A TLS context with Kea's protocol floor (TLS 1.2) and the files of `t` loaded: certFile and
/// keyFile (keyFile empty = in certFile) when set, trustAnchor (file or directory) as the CAs
/// to verify the other side, the system's CAs when it is empty. Verify mode is the caller's.
/// Throws boost::system::system_error.
std::unique_ptr<ssl::context> makeTlsContext(ssl::context::method method, const TlsConfig& t);

} // namespace kahu::http
