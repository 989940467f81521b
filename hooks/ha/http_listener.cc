// SPDX-License-Identifier: MPL-2.0
#include "http_listener.h"

#include <kahu/error.h>
#include <kahu/log.h>

namespace kahu::ha {

HttpListener::HttpListener(Options options, Executor executor, ServerFactory make)
    : options_(std::move(options)) {
    if (!executor) {
        throw Error("the HA listener needs a command executor");
    }
    if (!make) {
        make = [](http::ServerOptions so, http::Handler h) {
            return std::make_shared<http::Server>(std::move(so), std::move(h));
        };
    }
    server_ = make(serverOptions(options_),
                   [o = options_, executor = std::move(executor)](const http::Request& req) {
                       return respond(o, executor, req);
                   });
}

HttpListener::~HttpListener() {
    stop();
}

uint16_t HttpListener::port() const {
    return server_->port();
}

void HttpListener::start() {
    server_->start();
    KAHU_INFO(log::get("kahu-dhcp4.ha-hooks"), "HA_LISTENER_STARTED",
              "listening for HA peer commands on {}://{}:{}", options_.https ? "https" : "http",
              options_.host, server_->port());
}

void HttpListener::stop() {
    server_->stop();
}

} // namespace kahu::ha
