// SPDX-License-Identifier: MPL-2.0
#include "lease_updater.h"

#include <kahu/log.h>
#include <memory>
#include <mutex>

namespace kahu::ha {

namespace {

/// One exchange in flight: the peers still owing answers and the verdict so far.
struct Exchange {
    std::mutex mutex;
    LeaseUpdater::Resolve resolve;
    size_t awaitedLeft = 0;
    bool drop = false;
};

/// One peer's share of an exchange.
struct PeerProgress {
    std::mutex mutex;
    PeerUpdateReport report;
    size_t left = 0;
    bool awaited = false;
};

std::string failureText(const std::string& command, const PeerAnswer& a) {
    if (!a.ok()) {
        return a.transportError;
    }
    std::string text;
    if (auto it = a.answer.find("text"); it != a.answer.end() && it->is_string()) {
        text = it->get<std::string>();
    }
    return command + " failed with result " + std::to_string(a.result()) +
           (text.empty() ? std::string() : ": " + text);
}

} // namespace

LeaseUpdater::LeaseUpdater(PeerChannel& channel, Options options, Report report)
    : channel_(channel), options_(std::move(options)), report_(std::move(report)) {}

LeaseUpdater::Outcome LeaseUpdater::classify(const std::string& command,
                                             const PeerAnswer& answer) noexcept {
    if (!answer.ok()) {
        return Outcome::Failure;
    }
    int r = answer.result();
    if (r == 0 || (r == 3 && command == "lease4-del")) {
        return Outcome::Success;
    }
    return r == 4 ? Outcome::Conflict : Outcome::Failure;
}

bool LeaseUpdater::mustWait(const std::vector<UpdateTarget>& targets,
                            const std::vector<Lease4>& leases,
                            const std::vector<Lease4>& deleted) const {
    if (leases.empty() && deleted.empty()) {
        return false;
    }
    for (const auto& t : targets) {
        if (!t.backup || options_.waitBackupAck) {
            return true;
        }
    }
    return false;
}

void LeaseUpdater::send(const std::vector<UpdateTarget>& targets, const std::vector<Lease4>& leases,
                        const std::vector<Lease4>& deleted, hooks::ParkHandle park) {
    send(targets, leases, deleted, [park](bool resume) mutable {
        if (resume) {
            park.resume();
        } else {
            park.drop();
        }
    });
}

void LeaseUpdater::send(const std::vector<UpdateTarget>& targets, const std::vector<Lease4>& leases,
                        const std::vector<Lease4>& deleted, Resolve resolve) {
    auto ex = std::make_shared<Exchange>();
    ex->resolve = std::move(resolve);
    size_t perPeer = leases.size() + deleted.size();
    std::vector<std::shared_ptr<PeerProgress>> peers;
    for (const auto& t : targets) {
        auto p = std::make_shared<PeerProgress>();
        p->report.peer = t.peer.name;
        p->report.backup = t.backup;
        p->left = perPeer;
        p->awaited = !t.backup || options_.waitBackupAck;
        if (p->awaited && perPeer > 0) {
            ++ex->awaitedLeft;
        }
        peers.push_back(std::move(p));
    }
    if (ex->awaitedLeft == 0 && ex->resolve) {
        // Nothing awaited: the query goes on now; backups still get their updates.
        auto r = std::move(ex->resolve);
        ex->resolve = nullptr;
        r(true);
    }
    if (perPeer == 0) {
        return;
    }
    // Called once per answered command; the last answer of a peer reports it, the last
    // awaited peer resolves the query.
    auto answered = [this, ex](const std::shared_ptr<PeerProgress>& p, const std::string& command,
                               const Lease4& lease, const PeerAnswer& a) {
        bool peerDone = false;
        {
            std::lock_guard g(p->mutex);
            switch (classify(command, a)) {
            case Outcome::Success:
                if (command == "lease4-update") {
                    p->report.updated.push_back(lease);
                }
                break;
            case Outcome::Conflict:
                p->report.ok = false;
                p->report.rejected.push_back(lease);
                if (p->report.error.empty()) {
                    p->report.error = failureText(command, a);
                }
                break;
            case Outcome::Failure:
                p->report.ok = false;
                p->report.failed = true;
                if (p->report.error.empty()) {
                    p->report.error = failureText(command, a);
                }
                break;
            }
            peerDone = --p->left == 0;
        }
        if (!peerDone) {
            return;
        }
        if (report_) {
            report_(p->report);
        }
        if (!p->awaited) {
            return;
        }
        Resolve r;
        bool resume = false;
        {
            std::lock_guard g(ex->mutex);
            ex->drop = ex->drop || !p->report.ok;
            if (--ex->awaitedLeft == 0) {
                r = std::move(ex->resolve);
                ex->resolve = nullptr;
                resume = !ex->drop;
            }
        }
        if (r) {
            r(resume);
        }
    };
    for (size_t i = 0; i < targets.size(); ++i) {
        const auto& peer = targets[i].peer;
        const auto& p = peers[i];
        for (const auto& l : deleted) {
            PeerCommand c = options_.creator.leaseDelete(l);
            channel_.send(
                peer, c.name, std::move(c.arguments), options_.timeout,
                [answered, p, l](const PeerAnswer& a) { answered(p, "lease4-del", l, a); });
        }
        for (const auto& l : leases) {
            PeerCommand c = options_.creator.leaseUpdate(l);
            channel_.send(
                peer, c.name, std::move(c.arguments), options_.timeout,
                [answered, p, l](const PeerAnswer& a) { answered(p, "lease4-update", l, a); });
        }
    }
}

bool LeaseUpdater::queue(LeaseUpdateBacklog& backlog, const std::vector<Lease4>& leases,
                         const std::vector<Lease4>& deleted) {
    bool ok = true;
    for (const auto& l : deleted) {
        ok = backlog.push(LeaseUpdateBacklog::Op::Delete, l) && ok;
    }
    for (const auto& l : leases) {
        ok = backlog.push(LeaseUpdateBacklog::Op::Update, l) && ok;
    }
    return ok;
}

namespace {

/// Sends the backlog one entry at a time; each answer sends the next.
struct BacklogSender : std::enable_shared_from_this<BacklogSender> {
    PeerChannel* channel;
    LeaseUpdateBacklog* backlog;
    PeerConfig partner;
    const CommandCreator* creator;
    std::chrono::milliseconds timeout;
    std::function<void(bool, std::string)> done;

    void next() {
        auto e = backlog->pop();
        if (!e) {
            done(true, {});
            return;
        }
        PeerCommand c = e->op == LeaseUpdateBacklog::Op::Delete ? creator->leaseDelete(e->lease)
                                                                : creator->leaseUpdate(e->lease);
        std::string name = c.name;
        channel->send(partner, c.name, std::move(c.arguments), timeout,
                      [self = shared_from_this(), name](const PeerAnswer& a) {
                          if (LeaseUpdater::classify(name, a) != LeaseUpdater::Outcome::Success) {
                              self->done(false, failureText(name, a));
                              return;
                          }
                          self->next();
                      });
    }
};

} // namespace

void LeaseUpdater::sendBacklog(LeaseUpdateBacklog& backlog, const PeerConfig& partner,
                               std::function<void(bool ok, std::string error)> done) {
    if (backlog.overflown()) {
        done(false, "the lease update backlog overflowed");
        return;
    }
    auto s = std::make_shared<BacklogSender>();
    s->channel = &channel_;
    s->backlog = &backlog;
    s->partner = partner;
    s->creator = &options_.creator;
    s->timeout = options_.timeout;
    s->done = std::move(done);
    s->next();
}

} // namespace kahu::ha
