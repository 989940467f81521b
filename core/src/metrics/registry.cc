// SPDX-License-Identifier: MPL-2.0
#include <cmath>
#include <kahu/log.h>
#include <kahu/metrics.h>
#include <map>
#include <mutex>

namespace kahu::metrics {

Family& Family::add(double value, std::vector<Label> labels) {
    samples.push_back({std::move(labels), value});
    return *this;
}

struct Registry::Impl {
    mutable std::mutex mutex; ///< held while collectors run: remove() waits for them
    std::map<Id, Collector> collectors;
    Id next = 1;
};

Registry& Registry::instance() {
    static Registry r;
    return r;
}

Registry::Registry() : impl_(new Impl) {}

Registry::~Registry() {
    delete impl_;
}

Registry::Id Registry::add(Collector collector) {
    std::lock_guard lock(impl_->mutex);
    Id id = impl_->next++;
    impl_->collectors.emplace(id, std::move(collector));
    return id;
}

void Registry::remove(Id id) {
    std::lock_guard lock(impl_->mutex);
    impl_->collectors.erase(id);
}

std::vector<Family> Registry::collect() const {
    std::vector<Family> out;
    std::lock_guard lock(impl_->mutex);
    for (const auto& [id, collector] : impl_->collectors) {
        try {
            collector(out);
        } catch (const std::exception& e) {
            KAHU_WARN(log::get("kahu-dhcp4.commands"), "METRICS_COLLECTOR_FAILED",
                      "a metrics collector failed and was skipped: {}", e.what());
        }
    }
    return out;
}

std::string Registry::scrape() const {
    return render(collect());
}

std::string sanitizeName(std::string_view name) {
    std::string out;
    out.reserve(name.size() + 1);
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
        out += '_';
    }
    for (char ch : name) {
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == ':';
        out += ok ? ch : '_';
    }
    return out;
}

namespace {

void appendEscaped(std::string& out, std::string_view value, bool quoteToo) {
    for (char ch : value) {
        if (ch == '\\') {
            out += "\\\\";
        } else if (ch == '\n') {
            out += "\\n";
        } else if (ch == '"' && quoteToo) {
            out += "\\\"";
        } else {
            out += ch;
        }
    }
}

void appendValue(std::string& out, double v) {
    if (std::isnan(v)) {
        out += "NaN";
    } else if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
    } else if (v == std::floor(v) && std::fabs(v) < 9.007199254740992e15) {
        out += std::to_string(static_cast<int64_t>(v));
    } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        out += buf;
    }
}

} // namespace

std::string render(const std::vector<Family>& families) {
    // Merge by name, keeping the order in which names first appear.
    std::vector<std::string> order;
    std::map<std::string, std::vector<const Family*>> byName;
    for (const auto& f : families) {
        std::string name = sanitizeName(f.name);
        auto [it, fresh] = byName.try_emplace(name);
        if (fresh) {
            order.push_back(name);
        }
        it->second.push_back(&f);
    }
    std::string out;
    for (const auto& name : order) {
        const auto& parts = byName[name];
        const Family& first = *parts.front();
        out += "# HELP ";
        out += name;
        out += ' ';
        appendEscaped(out, first.help, false);
        out += "\n# TYPE ";
        out += name;
        out += first.type == Type::Counter ? " counter\n" : " gauge\n";
        for (const Family* f : parts) {
            for (const auto& s : f->samples) {
                out += name;
                if (!s.labels.empty()) {
                    out += '{';
                    bool comma = false;
                    for (const auto& l : s.labels) {
                        if (comma) {
                            out += ',';
                        }
                        comma = true;
                        out += sanitizeName(l.name);
                        out += "=\"";
                        appendEscaped(out, l.value, true);
                        out += '"';
                    }
                    out += '}';
                }
                out += ' ';
                appendValue(out, s.value);
                out += '\n';
            }
        }
    }
    return out;
}

} // namespace kahu::metrics
