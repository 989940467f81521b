// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <kahu/export.h>
#include <string>
#include <string_view>
#include <vector>

/// @file
/// Metrics in Prometheus' text format (GET /metrics). They are a view, computed at scrape
/// time: the core statistics (kahu/stats.h) under Prometheus names, plus what collectors add
/// (a hook library registers one with LoadContext::addMetricsCollector). Nothing here is on
/// the packet path.

namespace kahu::metrics {

enum class Type {
    Counter, ///< only goes up (a reset starts again from 0); the name ends in _total
    Gauge,   ///< goes up and down
};

struct Label {
    std::string name;
    std::string value; ///< any text: escaped when rendered
    bool operator==(const Label&) const = default;
};

struct Sample {
    std::vector<Label> labels;
    double value = 0;
};

/// One metric name with its samples. Families of the same name from several collectors are
/// merged when rendered (the first one's help and type win).
struct KAHU_API Family {
    std::string name; ///< [a-zA-Z_:][a-zA-Z0-9_:]*; Prometheus' conventions: a unit, _total
    std::string help;
    Type type = Type::Gauge;
    std::vector<Sample> samples;

    /// Appends a sample; returns *this.
    Family& add(double value, std::vector<Label> labels = {});
};

/// Adds the families it knows about to `out`. Runs on the thread answering the scrape, while
/// the registry's lock is held: keep it short and never call back into the Registry.
using Collector = std::function<void(std::vector<Family>& out)>;

/// The process's collectors. Thread-safe.
class KAHU_API Registry {
public:
    static Registry& instance();

    using Id = uint64_t;
    /// Registers a collector; it runs on every collect() until removed.
    Id add(Collector collector);
    /// Removes a collector; once this returns it is not running and will not run again.
    void remove(Id id);

    /// Runs every collector (a throwing one is skipped, its error logged once per scrape).
    std::vector<Family> collect() const;
    /// collect(), rendered.
    std::string scrape() const;

    Registry();
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

private:
    struct Impl;
    Impl* impl_;
};

/// Prometheus' text exposition format 0.0.4: "# HELP", "# TYPE", one line per sample, label
/// values escaped (\\, \", \n), families of one name merged, invalid names made valid
/// (sanitizeName), NaN/±Inf as Prometheus writes them.
KAHU_API std::string render(const std::vector<Family>& families);

/// A valid metric or label name: every character outside [a-zA-Z0-9_:] becomes '_', and a
/// leading digit gets a '_' before it.
KAHU_API std::string sanitizeName(std::string_view name);

/// The Content-Type of the text format.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

} // namespace kahu::metrics
