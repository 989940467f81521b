// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/export.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace kahu {

/// One integer statistic. Incrementing is a lock-free atomic add: safe and cheap on the
/// packet path. Pointers returned by Statistics stay valid for the life of the process
/// (a removed statistic is hidden, not freed).
class KAHU_API Counter {
public:
    void add(int64_t delta) noexcept;
    void set(int64_t value) noexcept;
    int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    friend class Statistics;
    std::atomic<int64_t> value_{0};
    std::atomic<int64_t> changedUs_{0};  ///< time of the last change, µs since the epoch
    std::atomic<bool> present_{true};
};

/// The process's statistics, by Kea's names ("pkt4-received", "subnet[10].assigned-addresses").
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

    /// {"<name>": [[value, "YYYY-MM-DD HH:MM:SS.ffffff"], ...]} newest first (Kea's shape);
    /// {} when absent.
    nlohmann::json toJson(std::string_view name) const;
    nlohmann::json allToJson() const;
    bool reset(std::string_view name);
    void resetAll();
    bool remove(std::string_view name);
    void removeAll();
    void setMaxSamples(std::string_view name, uint32_t count);
    void setMaxSampleAge(std::string_view name, uint32_t seconds);
    void setMaxSamplesAll(uint32_t count);
    void setMaxSampleAgeAll(uint32_t seconds);

    Statistics();
    ~Statistics();

private:
    struct Impl;
    Impl* impl_;
};

} // namespace kahu
