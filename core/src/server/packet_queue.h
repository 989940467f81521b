// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "net/received_packet.h"

#include <array>
#include <atomic>
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
            // Kea's packet-queue-statistics: average queue length seen by the last 10, 100
            // and 1000 packets (exponential averages).
            for (size_t i = 0; i < averages_.size(); ++i) {
                double alpha = kAlpha[i];
                double v = averages_[i].load(std::memory_order_relaxed);
                averages_[i].store(v + alpha * (double(packets_) - v), std::memory_order_relaxed);
            }
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

    /// Packets waiting now.
    size_t depth() const {
        std::lock_guard lock(mutex_);
        return packets_;
    }
    size_t capacity() const noexcept { return capacity_; }

    std::array<double, 3> averages() const {
        return {averages_[0].load(), averages_[1].load(), averages_[2].load()};
    }

    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        cv_.notify_all();
    }

private:
    static constexpr double kAlpha[3] = {0.1, 0.01, 0.001};
    std::array<std::atomic<double>, 3> averages_{};
    size_t capacity_;
    size_t packets_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Batch> queue_;
    bool closed_ = false;
};

} // namespace kahu
