// SPDX-License-Identifier: MPL-2.0
#include "lease_sync.h"

#include <algorithm>
#include <ctime>
#include <kahu/error.h>
#include <kahu/log.h>
#include <kahu/server_access.h>
#include <kahu/stats.h>

namespace kahu::ha {

namespace {

std::string answerText(const PeerAnswer& a) {
    if (!a.ok()) {
        return a.transportError;
    }
    std::string text;
    if (auto it = a.answer.find("text"); it != a.answer.end() && it->is_string()) {
        text = it->get<std::string>();
    }
    return "result " + std::to_string(a.result()) + (text.empty() ? "" : ": " + text);
}

std::shared_ptr<spdlog::logger> logger() {
    return log::get("kahu-dhcp4.ha-hooks");
}

} // namespace

LeaseSync::LeaseSync(PeerChannel& channel, PeerConfig partner, Options options, Done done)
    : channel_(channel), partner_(std::move(partner)), options_(std::move(options)),
      done_(std::move(done)) {}

void LeaseSync::start() {
    disableThenPage(std::nullopt);
}

LeaseSync::Stats LeaseSync::stats() const {
    std::lock_guard g(mutex_);
    return stats_;
}

void LeaseSync::fail(const std::string& what, const PeerAnswer& a) {
    std::string error = what + " to " + partner_.name + " failed: " + answerText(a);
    KAHU_ERROR(logger(), "HA_SYNC_FAILED", "lease database synchronization with {} failed: {}",
               partner_.name, error);
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) {
        done(false, error);
    }
}

void LeaseSync::disableThenPage(std::optional<Ipv4Address> from) {
    uint32_t maxPeriod = options_.maxPeriod.value_or(
        std::max<uint32_t>(1, static_cast<uint32_t>(options_.syncTimeout.count() / 1000)));
    PeerCommand c = options_.creator.dhcpDisable(maxPeriod);
    channel_.send(partner_, c.name, std::move(c.arguments), options_.commandTimeout,
                  [self = shared_from_this(), from](const PeerAnswer& a) {
                      if (a.result() != 0) {
                          self->fail("dhcp-disable", a);
                          return;
                      }
                      self->page(from);
                  });
}

void LeaseSync::page(std::optional<Ipv4Address> from) {
    PeerCommand c = options_.creator.leaseGetPage(from, options_.pageLimit);
    channel_.send(partner_, c.name, std::move(c.arguments), options_.syncTimeout,
                  [self = shared_from_this()](PeerAnswer a) {
                      int r = a.result();
                      if (r == 3) { // no (more) leases
                          self->finish();
                          return;
                      }
                      const nlohmann::json* leases = nullptr;
                      if (r == 0) {
                          auto args = a.answer.find("arguments");
                          if (args != a.answer.end() && args->is_object()) {
                              auto l = args->find("leases");
                              if (l != args->end() && l->is_array()) {
                                  leases = &*l;
                              }
                          }
                      }
                      if (!leases) {
                          self->fail("lease4-get-page", a);
                          return;
                      }
                      Leases* store = self->options_.leases;
                      if (!store) {
                          auto* server = self->options_.server;
                          if (!server) {
                              PeerAnswer none;
                              none.transportError = "no running server to store the leases in";
                              self->fail("lease4-get-page", none);
                              return;
                          }
                          store = &server->leases();
                      }
                      std::optional<Ipv4Address> last;
                      try {
                          last = self->apply(*leases, *store);
                      } catch (const std::exception& e) {
                          PeerAnswer err;
                          err.transportError =
                              std::string("storing the leases failed: ") + e.what();
                          self->fail("lease4-get-page", err);
                          return;
                      }
                      if (leases->size() >= self->options_.pageLimit && last) {
                          self->disableThenPage(last);
                      } else {
                          self->finish();
                      }
                  });
}

std::optional<Ipv4Address> LeaseSync::apply(const nlohmann::json& leases, Leases& store) {
    std::optional<Ipv4Address> last;
    Stats s;
    s.pages = 1;
    const auto now = static_cast<int64_t>(std::time(nullptr));
    for (const auto& j : leases) {
        ++s.received;
        std::string error;
        auto lease = leaseFromJson(j, &error);
        if (!lease) {
            ++s.skipped;
            KAHU_WARN(logger(), "HA_LEASE_SYNC_FAILED", "synchronization failed for lease: {}: {}",
                      j.dump(), error);
            // Paging still goes on from the last address we could read, like Kea (which
            // takes the address from the JSON it failed to use).
            if (auto a = j.find("ip-address"); a != j.end() && a->is_string()) {
                if (auto ip = Ipv4Address::fromText(a->get<std::string>())) {
                    last = ip;
                }
            }
            continue;
        }
        last = lease->address;
        enum { Added, Updated, Kept } what = Kept;
        std::optional<Lease4> rival;
        bool stored = store.modify(lease->address, [&](std::optional<Lease4>& local) {
            if (!local) {
                local = *lease;
                what = Added;
                return Leases::Action::Store;
            }
            if (local->conflictsWith(*lease, now) && lease->conflictsWith(*local, now)) {
                rival = local;
            }
            if (local->cltt < lease->cltt) {
                local = *lease;
                what = Updated;
                return Leases::Action::Store;
            }
            what = Kept;
            return Leases::Action::Keep;
        });
        if (rival) {
            ++s.conflicts;
            Statistics::instance().add("v4-lease-sync-conflicts", 1);
            KAHU_WARN(logger(), "HA_LEASE_SYNC_CONFLICT",
                      "address {} is held by two clients: here by hw-address {} (cltt {}), at "
                      "{} by hw-address {} (cltt {}); the {} lease is kept",
                      lease->address.str(), rival->hwAddr.str(), rival->cltt, partner_.name,
                      lease->hwAddr.str(), lease->cltt, what == Updated ? "partner's" : "local");
        }
        if (!stored) {
            ++s.skipped;
            KAHU_WARN(logger(), "HA_LEASE_SYNC_FAILED",
                      "synchronization failed for lease {}: the store refused it",
                      lease->address.str());
        } else if (what == Added) {
            ++s.added;
        } else if (what == Updated) {
            ++s.updated;
        } else {
            ++s.kept;
        }
    }
    std::lock_guard g(mutex_);
    stats_.pages += s.pages;
    stats_.received += s.received;
    stats_.added += s.added;
    stats_.updated += s.updated;
    stats_.kept += s.kept;
    stats_.skipped += s.skipped;
    stats_.conflicts += s.conflicts;
    return last;
}

void LeaseSync::finish() {
    auto done = [self = shared_from_this()] {
        Stats s = self->stats();
        KAHU_INFO(logger(), "HA_SYNC_SUCCESSFUL",
                  "lease database synchronization with {} complete: {} leases received, {} "
                  "added, {} updated, {} held here for another client",
                  self->partner_.name, s.received, s.added, s.updated, s.conflicts);
        auto d = std::move(self->done_);
        self->done_ = nullptr;
        if (d) {
            d(true, {});
        }
    };
    if (!options_.notifyAtEnd) {
        done();
        return;
    }
    PeerCommand c = options_.creator.syncCompleteNotify();
    channel_.send(partner_, c.name, std::move(c.arguments), options_.commandTimeout,
                  [self = shared_from_this(), done](const PeerAnswer& a) {
                      int r = a.result();
                      if (r == 0) {
                          done();
                          return;
                      }
                      if (r != 2) {
                          self->fail("ha-sync-complete-notify", a);
                          return;
                      }
                      // An old partner does not know the command: enable it the old way.
                      PeerCommand e = self->options_.creator.dhcpEnable();
                      self->channel_.send(self->partner_, e.name, std::move(e.arguments),
                                          self->options_.commandTimeout,
                                          [self, done](const PeerAnswer& b) {
                                              if (b.result() != 0) {
                                                  self->fail("dhcp-enable", b);
                                                  return;
                                              }
                                              done();
                                          });
                  });
}

} // namespace kahu::ha
