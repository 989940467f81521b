// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <kahu/export.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kahu {

/// One integer statistic. add() and set() are lock-free (an atomic add plus a read of the
/// coarse real-time clock): safe and cheap on the packet path from any thread.
/// Pointers returned by Statistics stay valid for the life of the process (a removed
/// statistic is hidden, not freed; the next add() or set() brings it back, as in Kea).
///
/// Sample history (what statistic-get shows): the newest sample is always the current value
/// with the time of the last change. Older samples are recorded at most once per tick of
/// CLOCK_REALTIME_COARSE (1-4 ms): the first change in a new tick closes the previous tick
/// with the value it ended on. So at low rates every change is a sample, as in Kea; at high
/// rates the history is one sample per tick instead of one per packet.
class KAHU_API Counter {
public:
    Counter();
    ~Counter();
    Counter(const Counter&) = delete;
    Counter& operator=(const Counter&) = delete;

    void add(int64_t delta) noexcept;
    void set(int64_t value) noexcept;
    int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    friend class Statistics;
    struct History;
    void changed(int64_t before) noexcept;
    void closeTick(int64_t value, int64_t us, int64_t now) noexcept;

    std::atomic<int64_t> value_{0};
    std::atomic<int64_t> changedUs_{0}; ///< time of the last change, µs since the epoch
    std::atomic<bool> present_{true};
    History* history_; ///< older samples and limits; guarded by its own mutex
};

/// The process's statistics, by Kea's names ("pkt4-received", "subnet[10].assigned-addresses").
/// Control-plane methods are thread-safe; the texts Kea's statistic-* commands answer with are
/// in core/src/stats/stat_texts.h.
class KAHU_API Statistics {
public:
    static Statistics& instance();

    /// The counter of that name, created with value 0 if absent (or un-hidden if removed).
    Counter& counter(std::string_view name);
    void add(std::string_view name, int64_t delta) { counter(name).add(delta); }
    void set(std::string_view name, int64_t value) { counter(name).set(value); }
    /// Value, or 0 when absent.
    int64_t get(std::string_view name) const;
    bool exists(std::string_view name) const;

    /// {"<name>": [[value, "YYYY-MM-DD HH:MM:SS.ffffff"], ...]} newest first (Kea's shape,
    /// local time); {} when absent.
    nlohmann::json toJson(std::string_view name) const;
    /// Every statistic in that shape, in one map.
    nlohmann::json allToJson() const;
    /// Calls fn(name, value) for every present statistic, in name order, without building
    /// sample histories (what a metrics scrape reads). fn must not call back into Statistics.
    void visit(const std::function<void(std::string_view name, int64_t value)>& fn) const;
    /// Value 0 and a single sample (Kea's reset). False when absent.
    bool reset(std::string_view name);
    void resetAll();
    /// Hides the statistic until it changes again. False when absent.
    bool remove(std::string_view name);
    void removeAll();
    /// Keep at most count samples (min 1) and stop limiting by age. False when absent.
    bool setMaxSamples(std::string_view name, uint32_t count);
    /// Keep samples at most seconds older than the newest, and stop limiting by count.
    /// False when absent.
    bool setMaxSampleAge(std::string_view name, uint32_t seconds);
    void setMaxSamplesAll(uint32_t count);
    void setMaxSampleAgeAll(uint32_t seconds);
    /// statistic-default-sample-count / -age from the config, as Kea applies them: for new
    /// statistics, and to all existing ones (count when non-zero, else age).
    void applySampleDefaults(uint32_t count, uint32_t ageSeconds);

    Statistics();
    ~Statistics();
    Statistics(const Statistics&) = delete;
    Statistics& operator=(const Statistics&) = delete;

private:
    struct Impl;
    Impl* impl_;
};

} // namespace kahu
