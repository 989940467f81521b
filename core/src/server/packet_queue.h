// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "net/received_packet.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace kahu {

/// Hands received packets from the receiving thread to the workers. Bounded: when full the
/// oldest waiting packet is dropped (it is the one most likely to be stale already), as Kea's
/// ring queue does. close() wakes every worker to exit.
class PacketQueue {
public:
    explicit PacketQueue(size_t capacity) : capacity_(capacity ? capacity : 1) {}

    /// Returns false when a packet had to be dropped to make room.
    bool push(net::ReceivedPacket&& p) {
        bool dropped = false;
        {
            std::lock_guard lock(mutex_);
            if (queue_.size() >= capacity_) {
                queue_.pop_front();
                dropped = true;
            }
            queue_.push_back(std::move(p));
        }
        cv_.notify_one();
        return !dropped;
    }

    std::optional<net::ReceivedPacket> pop() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return closed_ || !queue_.empty(); });
        if (queue_.empty()) {
            return std::nullopt;
        }
        auto p = std::move(queue_.front());
        queue_.pop_front();
        return p;
    }

    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        cv_.notify_all();
    }

private:
    size_t capacity_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<net::ReceivedPacket> queue_;
    bool closed_ = false;
};

} // namespace kahu
