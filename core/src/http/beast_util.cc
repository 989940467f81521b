// SPDX-License-Identifier: MPL-2.0
#include "http/beast_util.h"

#include <ctime>
#include <filesystem>

namespace kahu::http {

std::string httpDate() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::unique_ptr<ssl::context> makeTlsContext(ssl::context::method method, const TlsConfig& t) {
    auto ctx = std::make_unique<ssl::context>(method);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (!t.certFile.empty()) {
        ctx->use_certificate_chain_file(t.certFile);
        ctx->use_private_key_file(t.keyFile.empty() ? t.certFile : t.keyFile, ssl::context::pem);
    }
    if (t.trustAnchor.empty()) {
        ctx->set_default_verify_paths();
    } else if (std::filesystem::is_directory(t.trustAnchor)) {
        ctx->add_verify_path(t.trustAnchor);
    } else {
        ctx->load_verify_file(t.trustAnchor);
    }
    return ctx;
}

} // namespace kahu::http
