// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "peer_channel.h"

#include <kahu/http/client.h>
#include <memory>

namespace kahu::ha {

/// The real PeerChannel: Kea's peer protocol over HTTP/1.1 (docs/ha-wire.md), carried by the
/// SDK's http::Client.
///
/// Each command is a POST "/" to the peer's url with `Host: <peer ip>` (no port),
/// `Content-Type: application/json`, `Authorization: Basic ...` when the peer entry has
/// basic-auth-user, and the body CommandCreator::bodyText() prints. https peers use the
/// peer's TLS files (trust-anchor verifies the partner, cert-file/key-file is our client
/// certificate). Connections are kept alive, up to `connectionsPerPeer` per peer, requests
/// beyond that wait in a per-peer queue; a connection the peer closed while idle is
/// re-opened and the request sent again once.
///
/// The answer must be a JSON list (Kea's control agent and the dedicated listener): its
/// first element is PeerAnswer::answer. A map (what an agent sends with HTTP errors such as
/// 401) becomes {"result": 1, "text": <its text>}. Anything else, a connect/TLS failure or
/// the timeout is a transport error.
///
/// Threading: send() may be called from any thread and never blocks; callbacks run on the
/// channel's own threads (never inline, except after stop(), when send() answers at once with
/// a transport error). A callback may call send() again but must not wait for the channel.
class HttpPeerChannel final : public PeerChannel {
public:
    struct Options {
        /// I/O threads (HA multi-threading http-client-threads; 0 = 1).
        unsigned threads = 1;
        /// Parallel keep-alive connections to one peer (1 = Kea's single-threaded client).
        unsigned connectionsPerPeer = 1;
    };

    HttpPeerChannel();
    /// A client of its own, made from `options`.
    explicit HttpPeerChannel(Options options);
    /// Over `client` (the library passes LoadContext::httpClient(clientOptions(...)), so the
    /// host stops it at unload).
    explicit HttpPeerChannel(std::shared_ptr<http::Client> client);
    /// The SDK client's settings for these options.
    static http::ClientOptions clientOptions(const Options& options);
    /// stop()s.
    ~HttpPeerChannel() override;

    void send(const PeerConfig& to, const std::string& command, nlohmann::json arguments,
              std::chrono::milliseconds timeout, Callback done) override;
    /// Fails queued and in-flight requests with the transport error "the HA peer channel was
    /// stopped", closes the connections and joins the threads. Idempotent.
    void stop() override;

    HttpPeerChannel(const HttpPeerChannel&) = delete;
    HttpPeerChannel& operator=(const HttpPeerChannel&) = delete;

    struct Impl;

private:
    std::shared_ptr<Impl> impl_;
};

} // namespace kahu::ha
