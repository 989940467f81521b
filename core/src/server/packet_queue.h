// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "net/received_packet.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace kahu {

/// Hands received packets from the receiving thread to the workers, a batch at a time: one
/// wake-up per batch instead of one per packet is what keeps the CPU cost per exchange low.
/// Bounded in packets: when full, the oldest waiting batch is dropped (it is the one most likely
/// to be stale already), as Kea's ring queue does. close() lets the workers drain and exit.
class PacketQueue {
public:
    using Batch = std::vector<net::ReceivedPacket>;

    explicit PacketQueue(size_t capacity) : capacity_(capacity ? capacity : 1) {}

    /// Returns the number of packets dropped to make room.
    size_t push(Batch&& batch) {
        size_t dropped = 0;
        {
            std::lock_guard lock(mutex_);
            while (!queue_.empty() && packets_ + batch.size() > capacity_) {
                dropped += queue_.front().size();
                packets_ -= queue_.front().size();
                queue_.pop_front();
            }
            packets_ += batch.size();
            queue_.push_back(std::move(batch));
        }
        cv_.notify_one();
        return dropped;
    }

    std::optional<Batch> pop() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return closed_ || !queue_.empty(); });
        if (queue_.empty()) {
            return std::nullopt;
        }
        Batch b = std::move(queue_.front());
        queue_.pop_front();
        packets_ -= b.size();
        return b;
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
    size_t packets_ = 0;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Batch> queue_;
    bool closed_ = false;
};

} // namespace kahu
