// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "command_creator.h"
#include "peer_channel.h"

#include <chrono>
#include <functional>
#include <kahu/lease/lease4.h>
#include <kahu/server_access.h>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace kahu {
class Leases;
}

namespace kahu::ha {

/// Fetches the partner's whole lease database into ours (docs/ha-wire.md, "Sync"):
///   1. dhcp-disable to the partner, max-period = sync-timeout/1000 (at least 1);
///   2. lease4-get-page from "start" with sync-page-limit (timeout: sync-timeout);
///   3. each lease through the server's leases().modify(): no local copy → add;
///      a local copy with an older cltt → replace; otherwise keep. Local leases are never
///      deleted;
///   4. while pages come back full, 1-3 again from the last address;
///   5. ha-sync-complete-notify; a partner answering 2 (old Kea) gets dhcp-enable instead.
/// `done(ok, error)` runs once, on a channel thread. Any failed command ends the sync with an
/// error (the service marks the partner unavailable and retries later); a lease the partner
/// sent that cannot be read is logged and skipped, as Kea does.
class LeaseSync : public std::enable_shared_from_this<LeaseSync> {
public:
    struct Options {
        uint32_t pageLimit = 10000;                      ///< sync-page-limit
        std::chrono::milliseconds syncTimeout{60000};    ///< sync-timeout
        std::chrono::milliseconds commandTimeout{10000}; ///< every other command
        /// max-period for dhcp-disable, in seconds; nullopt = sync-timeout/1000, at least 1
        /// (ha-sync's own "max-period" argument overrides it).
        std::optional<uint32_t> maxPeriod;
        /// Send ha-sync-complete-notify (or dhcp-enable) at the end. Kea's ha-sync command
        /// with the partner in partner-down does too; turn off only to leave the partner
        /// disabled on purpose.
        bool notifyAtEnd = true;
        CommandCreator creator;
        /// The running server, whose leases() the partner's leases go to (asked when the
        /// pages arrive: a reload may change the store).
        ServerAccess* server = nullptr;
        /// Where the leases go instead (tests); nullptr = server->leases().
        Leases* leases = nullptr;
    };
    struct Stats {
        size_t pages = 0;
        size_t received = 0;
        size_t added = 0;
        size_t updated = 0;
        size_t kept = 0;    ///< the local copy was as new or newer
        size_t skipped = 0; ///< unreadable or refused by the store
        /// Both servers held the address for different clients with valid leases: reported
        /// one by one (HA_LEASE_SYNC_CONFLICT, v4-lease-sync-conflicts); the newer (cltt)
        /// is kept, as for any other lease.
        size_t conflicts = 0;
    };
    using Done = std::function<void(bool ok, std::string error)>;

    /// Create with std::make_shared (start() keeps the object alive until done).
    LeaseSync(PeerChannel& channel, PeerConfig partner, Options options, Done done);

    /// Starts the exchange; returns at once.
    void start();
    /// What has been done so far (final once `done` ran).
    Stats stats() const;

private:
    void disableThenPage(std::optional<Ipv4Address> from);
    void page(std::optional<Ipv4Address> from);
    void finish();
    void fail(const std::string& what, const PeerAnswer& a);
    /// Applies one page; returns the address of its last lease.
    std::optional<Ipv4Address> apply(const nlohmann::json& leases, Leases& store);

    PeerChannel& channel_;
    PeerConfig partner_;
    Options options_;
    Done done_;
    Stats stats_;
    mutable std::mutex mutex_;
};

} // namespace kahu::ha
