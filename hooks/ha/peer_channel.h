// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_config.h"

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

// The seam between the HA logic (state machine, service) and the wire: how a command reaches
// a peer and how its answer comes back (docs/ha-wire.md). The logic only ever talks to
// PeerChannel; http_peer_channel.{h,cc} is the real one, tests use a fake.
namespace kahu::ha {

/// The outcome of one command sent to a peer.
struct PeerAnswer {
    /// Transport-level failure (connect, TLS, HTTP status, timeout, unparsable body): the
    /// text; empty when an answer arrived.
    std::string transportError;
    /// The first element of the answer list (Kea's CA and the dedicated listener wrap answers
    /// in a list); a map answer is turned into {"result": 1, "text": ...}.
    nlohmann::json answer;
    bool ok() const noexcept { return transportError.empty(); }
    /// answer["result"], or -1 on a transport failure.
    int result() const noexcept;
};

/// The answer of one HTTP exchange with a peer, by Kea's rules (docs/ha-wire.md): a JSON list
/// whose first element is a map is the answer; a map (an agent's HTTP error) becomes
/// {"result": 1, "text": <its text>}; anything else is a transport error.
PeerAnswer interpretAnswer(unsigned status, const std::string& body);

class PeerChannel {
public:
    using Callback = std::function<void(PeerAnswer)>;
    virtual ~PeerChannel() = default;
    /// POSTs {"command": command, "service": ["dhcp4"], "arguments": arguments (omitted when
    /// null)} to the peer's url; calls `done` exactly once, on a channel thread, with the
    /// outcome. Never blocks the caller.
    virtual void send(const PeerConfig& to, const std::string& command, nlohmann::json arguments,
                      std::chrono::milliseconds timeout, Callback done) = 0;
    /// Cancels what is in flight (their callbacks get a transport error) and joins threads.
    virtual void stop() = 0;
};

} // namespace kahu::ha
