// SPDX-License-Identifier: MPL-2.0
#include "http_peer_channel.h"

#include "command_creator.h"

#include <kahu/http/basic_auth.h>
#include <kahu/http/client.h>

namespace kahu::ha {

namespace {

constexpr const char* kStoppedText = "the HA peer channel was stopped";

http::Target targetOf(const PeerConfig& peer) {
    http::Target t;
    t.host = peer.host;
    t.port = peer.port;
    t.https = peer.https;
    t.tls.trustAnchor = peer.tls.trustAnchor;
    t.tls.certFile = peer.tls.certFile;
    t.tls.keyFile = peer.tls.keyFile;
    t.hostHeader = peer.host; // Kea sends the peer's address without the port
    t.name = peer.url;
    return t;
}

} // namespace

struct HttpPeerChannel::Impl {
    std::shared_ptr<http::Client> client;
};

http::ClientOptions HttpPeerChannel::clientOptions(const Options& o) {
    return http::ClientOptions{.threads = std::max(1u, o.threads),
                               .connectionsPerTarget = std::max(1u, o.connectionsPerPeer),
                               .keepAlive = true,
                               .maxResponseBytes = std::size_t{256} << 20, // a sync page
                               .logger = "kahu-dhcp4.ha-hooks"};
}

HttpPeerChannel::HttpPeerChannel() : HttpPeerChannel(Options{}) {}

HttpPeerChannel::HttpPeerChannel(Options options)
    : HttpPeerChannel(std::make_shared<http::Client>(clientOptions(options))) {}

HttpPeerChannel::HttpPeerChannel(std::shared_ptr<http::Client> client)
    : impl_(std::make_shared<Impl>(Impl{std::move(client)})) {}

HttpPeerChannel::~HttpPeerChannel() {
    stop();
}

void HttpPeerChannel::send(const PeerConfig& to, const std::string& command,
                           nlohmann::json arguments, std::chrono::milliseconds timeout,
                           Callback done) {
    http::ClientRequest r;
    r.body = CommandCreator::bodyText(command, arguments);
    r.timeout = timeout;
    if (!to.basicAuthUser.empty()) {
        r.headers.push_back(
            {"Authorization", http::BasicAuth::header(to.basicAuthUser, to.basicAuthPassword)});
    }
    impl_->client->send(targetOf(to), std::move(r),
                        [done = std::move(done)](http::ClientResponse res) {
                            PeerAnswer a;
                            if (res.stopped) {
                                a.transportError = kStoppedText;
                            } else if (!res.ok()) {
                                a.transportError = std::move(res.error);
                            } else {
                                a = interpretAnswer(static_cast<unsigned>(res.status), res.body);
                            }
                            if (done) {
                                done(std::move(a));
                            }
                        });
}

void HttpPeerChannel::stop() {
    impl_->client->stop();
}

} // namespace kahu::ha
