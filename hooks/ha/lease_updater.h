// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "command_creator.h"
#include "lease_update_backlog.h"
#include "peer_channel.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <kahu/hooks/park_handle.h>
#include <kahu/lease/lease4.h>
#include <string>
#include <vector>

namespace kahu::ha {

/// Where one exchange's lease updates go: the non-backup partner and the backups.
struct UpdateTarget {
    PeerConfig peer;
    bool backup = false;
};

/// How one peer took the updates of one exchange (all its commands answered).
struct PeerUpdateReport {
    std::string peer;
    bool backup = false;
    /// Every command succeeded (result 0; 3 counts for lease4-del).
    bool ok = true;
    /// Some command failed other than by a conflict: a transport error or a result other
    /// than 0/3/4. The partner counts as unavailable then (§8.5).
    bool failed = false;
    std::string error; ///< the first failure's text
    /// Leases the peer refused with result 4 (conflict): Kea 2.4+'s rejected updates.
    std::vector<Lease4> rejected;
    /// Leases the peer took (lease4-update answered 0): clears them from the rejected list.
    std::vector<Lease4> updated;
};

/// Sends one committed exchange's lease changes to the peers (docs/ha-wire.md):
/// lease4-del for each deleted lease, then lease4-update for each lease, one command per
/// lease. The parked query is resolved once every awaited peer (the non-backup partner,
/// and backups when wait-backup-ack is set) answered everything: resumed when all succeeded,
/// dropped otherwise (also on a conflict). Other backups are fire-and-forget. Each peer's
/// outcome goes to the report callback (on a channel thread) so the service can mark the
/// partner unavailable or record rejected updates.
///
/// Also keeps unsent-update-count and sends a communication-recovery backlog.
/// Thread-safe; callbacks run on the channel's threads. The updater must outlive the answers
/// it waits for: stop() the channel before destroying it.
class LeaseUpdater {
public:
    struct Options {
        std::chrono::milliseconds timeout{10000}; ///< per command (Kea: 10 s)
        bool waitBackupAck = false;
        CommandCreator creator;
    };
    using Report = std::function<void(const PeerUpdateReport&)>;
    /// How the parked query is resolved: true = resume, false = drop.
    using Resolve = std::function<void(bool resume)>;

    LeaseUpdater(PeerChannel& channel, Options options, Report report = {});

    /// True when sending to these targets means waiting: there is something to send and a
    /// target whose answer is awaited. The callout parks only then.
    bool mustWait(const std::vector<UpdateTarget>& targets, const std::vector<Lease4>& leases,
                  const std::vector<Lease4>& deleted) const;

    /// Sends the exchange; `resolve` runs exactly once when the awaited peers answered (at
    /// once, with true, when nothing is awaited). Never blocks.
    void send(const std::vector<UpdateTarget>& targets, const std::vector<Lease4>& leases,
              const std::vector<Lease4>& deleted, Resolve resolve);
    /// The same, resolving a parked query (leases4_committed).
    void send(const std::vector<UpdateTarget>& targets, const std::vector<Lease4>& leases,
              const std::vector<Lease4>& deleted, hooks::ParkHandle park);

    /// unsent-update-count: the service calls noteUnsent() for each exchange whose updates
    /// it did not send to the partner (partner-down and the like).
    void noteUnsent() noexcept { unsent_.fetch_add(1, std::memory_order_relaxed); }
    uint64_t unsentUpdateCount() const noexcept { return unsent_.load(std::memory_order_relaxed); }
    void resetUnsentUpdateCount() noexcept { unsent_.store(0, std::memory_order_relaxed); }

    /// Queues an exchange for the partner in communication-recovery (deletes first); false
    /// when the backlog overflowed.
    static bool queue(LeaseUpdateBacklog& backlog, const std::vector<Lease4>& leases,
                      const std::vector<Lease4>& deleted);
    /// Sends the backlog to the partner one command at a time, oldest first, stopping at the
    /// first failure; `done(ok, error)` runs once, on a channel thread, or inline when there
    /// is nothing to send (empty backlog: ok) or the backlog overflowed (fails at once: the
    /// partner must sync instead).
    void sendBacklog(LeaseUpdateBacklog& backlog, const PeerConfig& partner,
                     std::function<void(bool ok, std::string error)> done);

    /// 0, or 3 for lease4-del, is success; 4 is a conflict; anything else a failure.
    enum class Outcome { Success, Conflict, Failure };
    static Outcome classify(const std::string& command, const PeerAnswer& answer) noexcept;

private:
    PeerChannel& channel_;
    Options options_;
    Report report_;
    std::atomic<uint64_t> unsent_{0};
};

} // namespace kahu::ha
