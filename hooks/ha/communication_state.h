// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_config.h"
#include "ha_state.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <kahu/dhcp/packet4.h>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

// What this server knows about its partner and how it decides the partner failed (reference
// kea.md §8.5): heartbeat pokes, max-response-delay, unacked clients counted from the secs
// field of queries the partner should have answered, clock skew from the partner's date-time,
// and lease updates the partner rejected. Thread-safe: the packet path analyses queries while
// the heartbeat path pokes.
namespace kahu::ha {

/// RFC 1123 date as in HTTP and heartbeats: "Mon, 23 Nov 2026 02:33:19 GMT".
std::string formatRfc1123(std::chrono::system_clock::time_point t);
std::optional<std::chrono::system_clock::time_point> parseRfc1123(const std::string& text);

class CommunicationState {
public:
    using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;
    using WallNow = std::function<std::chrono::system_clock::time_point()>;

    /// Clocks are injectable for tests; by default the real ones.
    explicit CommunicationState(const HaConfig& config, SteadyNow steady = {}, WallNow wall = {});

    /// A heartbeat succeeded: restarts the interruption timer and forgets the clients seen
    /// while it was interrupted.
    void poke();
    /// More than max-response-delay since the last poke.
    bool isCommunicationInterrupted() const;
    std::chrono::milliseconds durationSinceLastPoke() const;

    /// Records a query the partner should have answered (call only while interrupted).
    void analyzeMessage(const Packet4& query);
    /// secs as Kea reads it: byte-swapped back when > 255 with a zero low byte.
    static uint16_t normalizedSecs(uint16_t secs) noexcept;
    /// max-unacked-clients == 0, or more unacked clients than that.
    bool failureDetected() const;
    /// Whether to go to partner-down now (only while interrupted). `serviceEnabled` is the
    /// local DHCP state; `role` this server's.
    bool shouldPartnerDown(bool serviceEnabled) const;
    uint64_t unackedClients() const;
    uint64_t connectingClients() const;
    uint64_t analyzedMessages() const;

    /// The partner's state from its last answer; Unavailable after a failure.
    void setPartnerState(HaState state);
    /// A failure talking to the partner: its state becomes unavailable, the skew 0.
    void markPartnerUnavailable();
    HaState partnerState() const;
    /// True once any partner state was received.
    bool inTouch() const;
    void setPartnerScopes(std::vector<std::string> scopes);
    std::vector<std::string> partnerScopes() const;
    void setPartnerUnsentUpdateCount(uint64_t count);
    /// The partner's unsent-update-count grew and is non-zero (Kea's "new unsent updates").
    bool hasPartnerNewUnsentUpdates() const;

    /// Records the partner's "date-time"; false when it does not parse.
    bool setPartnerTime(const std::string& rfc1123);
    /// Partner time minus local time, whole seconds.
    std::chrono::seconds clockSkew() const;
    /// True at most once every 60 s while the skew is over 30 s (HA_HIGH_CLOCK_SKEW).
    bool clockSkewShouldWarn();
    /// The skew is over 60 s.
    bool clockSkewShouldTerminate() const;

    /// The partner answered a lease update with result 4 for this client; it stays counted
    /// until `lifetime` passes or a later update for it succeeds.
    void reportRejectedLeaseUpdate(const std::string& hwAddr, const std::string& clientId,
                                   std::chrono::seconds lifetime);
    /// A successful update for the client; true when it was counted as rejected.
    bool reportSuccessfulLeaseUpdate(const std::string& hwAddr, const std::string& clientId);
    uint64_t rejectedLeaseUpdates() const;
    void clearRejectedLeaseUpdates();
    /// max-rejected-lease-updates > 0 and reached.
    bool rejectedLeaseUpdatesShouldTerminate() const;

    /// status-get's "remote" map without "role" (the service adds it).
    nlohmann::json statusJson() const;

private:
    std::chrono::steady_clock::time_point steadyNow() const;
    std::chrono::system_clock::time_point wallNow() const;
    uint64_t unackedLocked() const;
    void purgeRejectedLocked() const;

    const HaConfig& config_;
    bool lbOrStandby_;
    SteadyNow steady_;
    WallNow wall_;

    mutable std::mutex mutex_;
    std::chrono::steady_clock::time_point pokeTime_;
    bool inTouch_ = false;
    HaState partnerState_ = HaState::Unavailable;
    std::vector<std::string> partnerScopes_;
    uint64_t partnerUnsentPrev_ = 0, partnerUnsent_ = 0;
    std::chrono::seconds skew_{0};
    std::optional<std::chrono::steady_clock::time_point> lastSkewWarn_;
    /// (chaddr, client-id) → unacked.
    std::map<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>, bool> connecting_;
    uint64_t analyzed_ = 0;
    /// "hw|client-id" → expiry.
    mutable std::map<std::string, std::chrono::steady_clock::time_point> rejected_;
};

} // namespace kahu::ha
