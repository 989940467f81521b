// SPDX-License-Identifier: MPL-2.0
#include <algorithm>
#include <cstdio>
#include <deque>
#include <kahu/stats.h>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <time.h>
#include <vector>

namespace kahu {

namespace {

/// The coarse real-time clock is read from the vDSO without a syscall and costs a few ns,
/// which is why a counter can afford to note the time of every change.
int64_t coarseNowUs() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

/// Kea's ptimeToText: local time, microseconds.
std::string formatTime(int64_t us) {
    const time_t secs = static_cast<time_t>(us / 1000000);
    tm t{};
    ::localtime_r(&secs, &t);
    char buf[64];
    size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &t);
    std::snprintf(buf + n, sizeof buf - n, ".%06d", static_cast<int>(us % 1000000));
    return buf;
}

/// With an age limit and a high change rate the history would grow by one sample per clock
/// tick for the whole age; this caps memory per statistic.
constexpr size_t kMaxAgeModeSamples = 65536;

struct Limits {
    bool byCount = true;
    uint32_t maxSamples = 20;
    uint32_t maxAgeS = 0;
};

} // namespace

struct Counter::History {
    struct Sample {
        int64_t value;
        int64_t us;
    };
    std::mutex mutex;
    std::deque<Sample> samples; ///< closed ticks, newest first; the current value is not here
    Limits limits;

    /// Drops what Kea would have dropped by now: the current value (changed at newestUs)
    /// counts as one of the samples and is the reference for the age limit.
    void trim(int64_t newestUs) {
        if (limits.byCount) {
            while (!samples.empty() && samples.size() + 1 > limits.maxSamples) {
                samples.pop_back();
            }
            return;
        }
        const int64_t maxAgeUs = static_cast<int64_t>(limits.maxAgeS) * 1000000;
        while (!samples.empty() &&
               (samples.size() > kMaxAgeModeSamples || newestUs - samples.back().us > maxAgeUs)) {
            samples.pop_back();
        }
    }

    /// Current sample first, then history, within the limits (Kea trims against the newest).
    std::vector<Sample> view(int64_t value, int64_t changedUs) const {
        std::vector<Sample> out{{value, changedUs}};
        const int64_t maxAgeUs = static_cast<int64_t>(limits.maxAgeS) * 1000000;
        for (const auto& s : samples) {
            if (s.us >= changedUs) {
                continue; // recorded concurrently with the current value
            }
            if (limits.byCount ? out.size() >= limits.maxSamples : changedUs - s.us > maxAgeUs) {
                break;
            }
            out.push_back(s);
        }
        return out;
    }
};

Counter::Counter() : history_(new History) {
    changedUs_.store(coarseNowUs(), std::memory_order_relaxed);
}

Counter::~Counter() {
    delete history_;
}

void Counter::add(int64_t delta) noexcept {
    changed(value_.fetch_add(delta, std::memory_order_relaxed));
}

void Counter::set(int64_t value) noexcept {
    changed(value_.exchange(value, std::memory_order_relaxed));
}

void Counter::changed(int64_t before) noexcept {
    const int64_t now = coarseNowUs();
    // Only the first change in a new clock tick writes the timestamp and records a sample.
    if (changedUs_.load(std::memory_order_relaxed) != now) {
        const int64_t prev = changedUs_.exchange(now, std::memory_order_relaxed);
        if (prev != now && prev != 0) { // 0: just removed, nothing to keep
            closeTick(before, prev, now);
        }
    }
    if (!present_.load(std::memory_order_relaxed)) {
        present_.store(true, std::memory_order_relaxed);
    }
}

void Counter::closeTick(int64_t value, int64_t us, int64_t now) noexcept {
    // A reader holds the lock only to copy; losing one sample beats blocking a packet.
    std::unique_lock lock(history_->mutex, std::try_to_lock);
    if (!lock) {
        return;
    }
    try {
        auto& s = history_->samples;
        // Two threads closing successive ticks may arrive out of order: keep newest first.
        auto pos = std::find_if(s.begin(), s.end(), [us](const auto& x) { return x.us < us; });
        s.insert(pos, {value, us});
        history_->trim(now);
    } catch (...) {
        // Out of memory: drop the sample, never the packet.
    }
}

struct Statistics::Impl {
    mutable std::shared_mutex mutex; ///< guards the map; counters themselves are atomic
    std::map<std::string, std::unique_ptr<Counter>, std::less<>> counters;
    Limits defaults;

    Counter* find(std::string_view name) const {
        auto it = counters.find(name);
        if (it == counters.end() || !it->second->present_.load(std::memory_order_relaxed)) {
            return nullptr;
        }
        return it->second.get();
    }

    nlohmann::json samplesJson(const Counter& c) const {
        std::lock_guard lock(c.history_->mutex);
        const auto samples = c.history_->view(c.value_.load(std::memory_order_relaxed),
                                              c.changedUs_.load(std::memory_order_relaxed));
        auto list = nlohmann::json::array();
        for (const auto& s : samples) {
            list.push_back(nlohmann::json::array({s.value, formatTime(s.us)}));
        }
        return list;
    }

    static void setLimits(Counter& c, const Limits& limits) {
        std::lock_guard lock(c.history_->mutex);
        c.history_->limits = limits;
        c.history_->trim(c.changedUs_.load(std::memory_order_relaxed));
    }

    static void resetCounter(Counter& c) {
        std::lock_guard lock(c.history_->mutex);
        c.history_->samples.clear();
        c.value_.store(0, std::memory_order_relaxed);
        c.changedUs_.store(coarseNowUs(), std::memory_order_relaxed);
    }

    void removeCounter(Counter& c) const {
        std::lock_guard lock(c.history_->mutex);
        c.present_.store(false, std::memory_order_relaxed);
        c.history_->samples.clear();
        c.history_->limits = defaults; // comes back as a new statistic would
        c.value_.store(0, std::memory_order_relaxed);
        c.changedUs_.store(0, std::memory_order_relaxed);
    }
};

Statistics& Statistics::instance() {
    // Never destroyed: counters are referenced by pointer from every thread until exit.
    static Statistics* stats = new Statistics;
    return *stats;
}

Statistics::Statistics() : impl_(new Impl) {}
Statistics::~Statistics() {
    delete impl_;
}

Counter& Statistics::counter(std::string_view name) {
    {
        std::shared_lock lock(impl_->mutex);
        if (auto it = impl_->counters.find(name); it != impl_->counters.end()) {
            Counter& c = *it->second;
            if (!c.present_.load(std::memory_order_relaxed)) {
                std::lock_guard hl(c.history_->mutex);
                c.changedUs_.store(coarseNowUs(), std::memory_order_relaxed);
                c.present_.store(true, std::memory_order_relaxed);
            }
            return c;
        }
    }
    std::unique_lock lock(impl_->mutex);
    auto [it, inserted] = impl_->counters.try_emplace(std::string(name));
    if (inserted) {
        it->second = std::make_unique<Counter>();
        it->second->history_->limits = impl_->defaults;
    }
    return *it->second;
}

int64_t Statistics::get(std::string_view name) const {
    std::shared_lock lock(impl_->mutex);
    const Counter* c = impl_->find(name);
    return c ? c->value() : 0;
}

bool Statistics::exists(std::string_view name) const {
    std::shared_lock lock(impl_->mutex);
    return impl_->find(name) != nullptr;
}

nlohmann::json Statistics::toJson(std::string_view name) const {
    std::shared_lock lock(impl_->mutex);
    auto out = nlohmann::json::object();
    if (const Counter* c = impl_->find(name)) {
        out[std::string(name)] = impl_->samplesJson(*c);
    }
    return out;
}

nlohmann::json Statistics::allToJson() const {
    std::shared_lock lock(impl_->mutex);
    auto out = nlohmann::json::object();
    for (const auto& [name, c] : impl_->counters) {
        if (c->present_.load(std::memory_order_relaxed)) {
            out[name] = impl_->samplesJson(*c);
        }
    }
    return out;
}

void Statistics::visit(const std::function<void(std::string_view, int64_t)>& fn) const {
    std::shared_lock lock(impl_->mutex);
    for (const auto& [name, c] : impl_->counters) {
        if (c->present_.load(std::memory_order_relaxed)) {
            fn(name, c->value());
        }
    }
}

bool Statistics::reset(std::string_view name) {
    std::shared_lock lock(impl_->mutex);
    Counter* c = impl_->find(name);
    if (c) {
        Impl::resetCounter(*c);
    }
    return c != nullptr;
}

void Statistics::resetAll() {
    std::shared_lock lock(impl_->mutex);
    for (auto& [name, c] : impl_->counters) {
        if (c->present_.load(std::memory_order_relaxed)) {
            Impl::resetCounter(*c);
        }
    }
}

bool Statistics::remove(std::string_view name) {
    std::shared_lock lock(impl_->mutex);
    Counter* c = impl_->find(name);
    if (c) {
        impl_->removeCounter(*c);
    }
    return c != nullptr;
}

void Statistics::removeAll() {
    std::shared_lock lock(impl_->mutex);
    for (auto& [name, c] : impl_->counters) {
        impl_->removeCounter(*c);
    }
}

bool Statistics::setMaxSamples(std::string_view name, uint32_t count) {
    std::shared_lock lock(impl_->mutex);
    Counter* c = impl_->find(name);
    if (c) {
        Impl::setLimits(*c, Limits{true, std::max<uint32_t>(count, 1), 0});
    }
    return c != nullptr;
}

bool Statistics::setMaxSampleAge(std::string_view name, uint32_t seconds) {
    std::shared_lock lock(impl_->mutex);
    Counter* c = impl_->find(name);
    if (c) {
        Impl::setLimits(*c, Limits{false, 0, seconds});
    }
    return c != nullptr;
}

void Statistics::setMaxSamplesAll(uint32_t count) {
    std::shared_lock lock(impl_->mutex);
    for (auto& [name, c] : impl_->counters) {
        Impl::setLimits(*c, Limits{true, std::max<uint32_t>(count, 1), 0});
    }
}

void Statistics::setMaxSampleAgeAll(uint32_t seconds) {
    std::shared_lock lock(impl_->mutex);
    for (auto& [name, c] : impl_->counters) {
        Impl::setLimits(*c, Limits{false, 0, seconds});
    }
}

void Statistics::applySampleDefaults(uint32_t count, uint32_t ageSeconds) {
    {
        std::unique_lock lock(impl_->mutex);
        impl_->defaults = count != 0 ? Limits{true, count, 0} : Limits{false, 0, ageSeconds};
    }
    if (count != 0) {
        setMaxSamplesAll(count);
    } else {
        setMaxSampleAgeAll(ageSeconds);
    }
}

} // namespace kahu
