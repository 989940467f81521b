// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "ha_service.h"
#include "peer_channel.h"

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace kahu::ha::test {

/// A partner that answers each command with what the test scripted (a transport error when
/// nothing was scripted), synchronously, and records what it was sent.
class FakeChannel : public PeerChannel {
public:
    struct Sent {
        std::string peer, command;
        nlohmann::json arguments;
    };
    void send(const PeerConfig& to, const std::string& command, nlohmann::json arguments,
              std::chrono::milliseconds, Callback done) override {
        PeerAnswer a;
        {
            std::lock_guard lock(mutex_);
            sent.push_back({to.name, command, arguments});
            auto it = answers.find(command);
            if (it == answers.end()) {
                a.transportError = "connection refused";
            } else {
                a.answer = it->second;
            }
        }
        done(std::move(a));
    }
    void stop() override {}

    void answer(const std::string& command, nlohmann::json a) {
        std::lock_guard lock(mutex_);
        answers[command] = std::move(a);
    }
    void heartbeatState(const std::string& state, uint64_t unsent = 0) {
        answer("ha-heartbeat", {{"result", 0},
                                {"text", "HA peer status returned."},
                                {"arguments",
                                 {{"state", state},
                                  {"date-time", formatRfc1123(std::chrono::system_clock::now())},
                                  {"scopes", nlohmann::json::array()},
                                  {"unsent-update-count", unsent}}}});
    }
    void down(const std::string& command) {
        std::lock_guard lock(mutex_);
        answers.erase(command);
    }
    std::vector<std::string> commands() {
        std::lock_guard lock(mutex_);
        std::vector<std::string> out;
        for (const auto& s : sent) {
            out.push_back(s.command);
        }
        return out;
    }

    std::mutex mutex_;
    std::map<std::string, nlohmann::json> answers;
    std::vector<Sent> sent;
};

/// The local DHCP service as a set of disabling origins.
class FakeLocalDhcp : public LocalDhcp {
public:
    explicit FakeLocalDhcp(std::set<uint32_t>& origins) : origins_(origins) {}
    void disable(uint32_t origin) override { origins_.insert(origin); }
    void enable(uint32_t origin) override { origins_.erase(origin); }
    bool enabled() const override { return origins_.empty(); }
    void setPoolShare(PoolShare share) override { shares.push_back(share); }
    bool rollBack(const Lease4& lease) override {
        rolledBack.push_back(lease);
        return true;
    }
    std::vector<PoolShare> shares;  ///< every share set, in order
    std::vector<Lease4> rolledBack; ///< every lease taken back

private:
    std::set<uint32_t>& origins_;
};

/// A lease sync that succeeds or fails as told, synchronously.
class FakeSync : public LeaseSyncPort {
public:
    void synchronize(const PeerConfig& partner, std::chrono::seconds maxPeriod,
                     std::function<void(std::string)> done) override {
        calls.push_back({partner.name, maxPeriod});
        done(error);
    }
    std::string error;
    std::vector<std::pair<std::string, std::chrono::seconds>> calls;
};

} // namespace kahu::ha::test
