// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <kahu/export.h>
#include <string>
#include <utility>
#include <vector>

namespace kahu {

struct HttpPostRequest {
    std::string host = "127.0.0.1";
    uint16_t port = 8000;
    std::string path = "/";
    std::string body;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    /// TLS when caFile is set (kea-shell's --ca); certFile/keyFile = client certificate.
    std::string caFile;
    std::string certFile;
    std::string keyFile;
    std::chrono::milliseconds timeout{10000};
    unsigned version = 11;
};

struct HttpPostResult {
    int status = 0;
    std::string reason;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

/// One POST over HTTP(S) with Connection: close, for kahu-shell and the tests. Throws
/// kahu::Error on connection, TLS or timeout failures (an HTTP error status is a result).
KAHU_API HttpPostResult httpPost(const HttpPostRequest& request);

} // namespace kahu
