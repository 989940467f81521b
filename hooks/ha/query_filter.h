// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_config.h"

#include <cstdint>
#include <kahu/dhcp/packet4.h>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <vector>

// Which server's scope a query belongs to, and which scopes this server serves (reference
// kea.md §8.3). The hash is RFC 3074's, exactly as Kea computes it, so a Kahu and a Kea
// partner split the clients the same way.
namespace kahu::ha {

/// RFC 3074 §5 hash of a key (the client-id option data or the chaddr bytes).
uint8_t loadBalancingHash(std::span<const uint8_t> key) noexcept;

class QueryFilter {
public:
    explicit QueryFilter(const HaConfig& config);

    struct Decision {
        bool inScope = false;
        /// The scope the query belongs to ("server1"); empty when it has no key (then
        /// inScope is false too).
        std::string scope;
        /// "HA_server1": the client class Kea puts on the query.
        std::string scopeClass() const { return scope.empty() ? std::string() : "HA_" + scope; }
    };
    /// Whether this server answers the query. Thread-safe; never throws on packet content.
    Decision inScope(const Packet4& query) const;
    /// The scope a query belongs to, whatever is served; empty when it has no key.
    std::string scopeOf(const Packet4& query) const;
    /// DISCOVER, REQUEST, DECLINE, RELEASE and INFORM: the types HA filters.
    static bool isHaType(const Packet4& query) noexcept;

    /// This server's own scope when primary or secondary (or the primary in passive-backup),
    /// nothing for standby and backup.
    void serveDefaultScopes();
    /// The primary's and the secondary's scopes (the primary's only, in hot-standby).
    void serveFailoverScopes();
    void serveNoScopes();
    /// Exactly these scopes (ha-scopes). Throws kahu::CommandError for a name that is not a
    /// peer: "invalid server name specified 'x' while enabling/disabling HA scopes".
    void serveScopes(const std::vector<std::string>& scopes);
    /// The served scopes, in peer order (as status-get and heartbeats report them).
    std::vector<std::string> servedScopes() const;
    bool amServing(const std::string& scope) const;

private:
    HaMode mode_;
    std::string thisName_;
    PeerRole thisRole_;
    /// primary, secondary (or standby), then backups: Kea's order for the hash index.
    std::vector<std::string> ordered_;
    std::string primary_, secondary_;
    mutable std::mutex mutex_;
    std::set<std::string> served_;
};

} // namespace kahu::ha
