// SPDX-License-Identifier: MPL-2.0
#include "log/logging.h"

#include "log/journal_sink.h"
#include "log/pattern.h"
#include "log/sinks.h"

#include <algorithm>
#include <cerrno>
#include <kahu/error.h>
#include <kahu/log.h>
#include <kahu/paths.h>
#include <map>
#include <mutex>
#include <spdlog/sinks/stdout_sinks.h>
#include <unistd.h>
#include <unordered_map>

namespace kahu::log {

namespace {

/// spdlog's logger plus Kea's debuglevel, read on the packet path by KAHU_DEBUG.
class KahuLogger final : public spdlog::logger {
public:
    KahuLogger(std::string name, std::shared_ptr<DispatchSink> dispatch)
        : spdlog::logger(std::move(name), dispatch), dispatch_(std::move(dispatch)) {}

    std::shared_ptr<DispatchSink> dispatch_;
    std::atomic<int> debugLevel_{-1};
};

/// What one configured name (or the default) means for a logger.
struct Settings {
    spdlog::level::level_enum level = spdlog::level::info;
    int debugLevel = -1;
    bool flushEach = true;
    std::shared_ptr<const SinkList> sinks;
};

using SettingsMap = std::map<std::string, Settings, std::less<>>;

struct Registry {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<KahuLogger>> loggers;
    SettingsMap configured; ///< by Kahu name
    Settings fallback;
};

spdlog::sink_ptr withPattern(spdlog::sink_ptr sink, std::string_view pattern) {
    sink->set_formatter(makeFormatter(pattern));
    return sink;
}

/// stdout or stderr. When systemd connected the stream to the journal, each message starts with
/// its priority ("<6>"), which journald turns into PRIORITY, and the default layout drops the
/// date journald records anyway; an operator's own pattern is kept as written.
spdlog::sink_ptr consoleSink(bool toStdout, std::string_view pattern) {
    const bool journal = isJournalStream(toStdout ? STDOUT_FILENO : STDERR_FILENO);
    auto formatter =
        makeFormatter(journal && pattern.empty() ? kDefaultJournalConsolePattern : pattern);
    if (journal) {
        formatter = withPriorityPrefix(std::move(formatter));
    }
    spdlog::sink_ptr sink;
    if (toStdout) {
        sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    } else {
        sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    }
    sink->set_formatter(std::move(formatter));
    return sink;
}

/// Kahu's own spelling, always the native journal: "journal" or "journal:NAME" (NAME is the
/// SYSLOG_IDENTIFIER, as with "syslog:NAME").
bool isJournalOutput(std::string_view o) {
    return o == "journal" || o.substr(0, 8) == "journal:";
}

/// SYSLOG_IDENTIFIER when the output names none: the program, as syslog(3) would without
/// openlog() ("kahu-dhcp4").
std::string programName() {
    const char* name = program_invocation_short_name;
    return name && *name ? name : "kahu";
}

Settings defaultSettings(bool debugToConsole) {
    Settings s;
    if (debugToConsole) {
        s.level = spdlog::level::debug;
        s.debugLevel = 99;
    }
    s.sinks = std::make_shared<SinkList>(SinkList{consoleSink(debugToConsole, "")});
    return s;
}

Registry& registry() {
    // Never destroyed: hooks and static destructors may still log during exit.
    static Registry* r = [] {
        auto* reg = new Registry;
        reg->fallback = defaultSettings(false);
        return reg;
    }();
    return *r;
}

const Settings& settingsFor(const SettingsMap& configured, const Settings& fallback,
                            std::string_view name) {
    for (;;) {
        if (auto it = configured.find(name); it != configured.end()) {
            return it->second;
        }
        const auto dot = name.rfind('.');
        if (dot == std::string_view::npos) {
            return fallback;
        }
        name = name.substr(0, dot);
    }
}

void apply(KahuLogger& logger, const Settings& s) {
    logger.dispatch_->setSinks(s.sinks);
    logger.set_level(s.level);
    logger.flush_on(s.flushEach ? spdlog::level::trace : spdlog::level::err);
    logger.debugLevel_.store(s.debugLevel, std::memory_order_relaxed);
}

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

spdlog::level::level_enum parseSeverity(const LoggerConfig& lc) {
    const auto s = upper(lc.severity);
    if (s == "FATAL") {
        return spdlog::level::critical;
    }
    if (s == "ERROR") {
        return spdlog::level::err;
    }
    if (s == "WARN") {
        return spdlog::level::warn;
    }
    if (s == "INFO") {
        return spdlog::level::info;
    }
    if (s == "DEBUG") {
        return spdlog::level::debug;
    }
    if (s == "NONE") {
        return spdlog::level::off;
    }
    throw ConfigError("logger '" + lc.name + "': unknown severity '" + lc.severity +
                      "' (expected FATAL, ERROR, WARN, INFO, DEBUG or NONE)");
}

std::string confinedLogFile(const LoggerConfig& lc, const std::string& output) {
    try {
        return confinePath(PathKind::Log, output);
    } catch (const PathError& e) {
        throw ConfigError("logger '" + lc.name + "': " + e.what());
    }
}

/// Builds the sinks of one configuration pass. A file is opened once even when several
/// loggers write to it (two handles would rotate it under each other).
class SinkBuilder {
public:
    spdlog::sink_ptr build(const LoggerConfig& lc, const LoggerOutput& out) {
        const std::string& o = out.output;
        if (o.empty()) {
            throw ConfigError("logger '" + lc.name + "': empty 'output'");
        }
        const bool console = o == "stdout" || o == "stderr";
        const bool systemLog = !console && !isLogFile(o); // syslog[:name] or journal[:name]
        const std::string file = console || systemLog ? std::string() : confinedLogFile(lc, o);
        const std::string key = console || systemLog ? o + '\x1f' + out.pattern : "file:" + file;
        if (auto it = cache_.find(key); it != cache_.end()) {
            return it->second;
        }
        spdlog::sink_ptr sink;
        if (console) {
            sink = consoleSink(o == "stdout", out.pattern);
        } else if (systemLog && (isJournalOutput(o) || underJournald())) {
            // Kea's "syslog" under systemd goes to the journal natively: the same records
            // (syslog(3) ends up in journald there too) plus the logger and message ID as
            // fields to filter on.
            const auto colon = o.find(':');
            std::string ident = colon == std::string::npos ? "" : o.substr(colon + 1);
            if (ident.empty()) {
                ident = programName();
            }
            sink = withPattern(std::make_shared<JournalSink>(ident),
                               out.pattern.empty() ? kDefaultJournalPattern : out.pattern);
        } else if (systemLog) {
            const std::string ident = o.size() > 7 ? o.substr(7) : "local0";
            sink = withPattern(std::make_shared<SyslogSink>(ident),
                               out.pattern.empty() ? kDefaultSyslogPattern : out.pattern);
        } else {
            try {
                const uint64_t maxSize = out.maxsize >= kMinRotateSize ? out.maxsize : 0;
                sink = withPattern(std::make_shared<RotatingFileSink>(file, maxSize, out.maxver),
                                   out.pattern);
            } catch (const std::exception& e) {
                throw ConfigError("logger '" + lc.name + "': cannot open log file '" + file +
                                  "': " + e.what());
            }
        }
        cache_.emplace(key, sink);
        return sink;
    }

    spdlog::sink_ptr debugStdout() {
        const std::string key = std::string("stdout") + '\x1f';
        if (auto it = cache_.find(key); it != cache_.end()) {
            return it->second;
        }
        return cache_.emplace(key, consoleSink(true, "")).first->second;
    }

private:
    std::map<std::string, spdlog::sink_ptr> cache_;
};

} // namespace

std::string toKahuName(std::string_view name) {
    if (name.size() >= 2 && name.substr(name.size() - 2) == ".*") {
        name.remove_suffix(2);
    }
    if (name.rfind("kea-", 0) == 0) {
        return "kahu-" + std::string(name.substr(4));
    }
    return std::string(name);
}

void configureLogging(const std::vector<LoggerConfig>& loggers, bool debugToConsole) {
    // Everything is built before anything is swapped in, so a bad entry changes nothing.
    SinkBuilder builder;
    Settings fallback = defaultSettings(debugToConsole);
    SettingsMap configured;
    for (const auto& lc : loggers) {
        if (lc.debuglevel > 99) {
            throw ConfigError("logger '" + lc.name + "': debuglevel " +
                              std::to_string(lc.debuglevel) + " out of range 0..99");
        }
        Settings s;
        s.level = parseSeverity(lc);
        s.debugLevel = s.level == spdlog::level::debug ? static_cast<int>(lc.debuglevel) : -1;
        if (debugToConsole) {
            s.level = spdlog::level::debug;
            s.debugLevel = 99;
        }
        if (!lc.outputs.empty()) {
            SinkList sinks;
            bool hasStdout = false;
            s.flushEach = false;
            for (const auto& out : lc.outputs) {
                sinks.push_back(builder.build(lc, out));
                hasStdout = hasStdout || out.output == "stdout";
                s.flushEach = s.flushEach || out.flush;
            }
            if (debugToConsole && !hasStdout) {
                sinks.push_back(builder.debugStdout());
            }
            s.sinks = std::make_shared<SinkList>(std::move(sinks));
        }
        configured[toKahuName(lc.name)] = std::move(s);
    }
    // Entries without outputs write where their nearest ancestor with outputs writes.
    for (auto& [name, s] : configured) {
        if (s.sinks) {
            continue;
        }
        std::string_view parent = name;
        const Settings* from = &fallback;
        while (true) {
            const auto dot = parent.rfind('.');
            if (dot == std::string_view::npos) {
                break;
            }
            parent = parent.substr(0, dot);
            if (auto it = configured.find(parent); it != configured.end() && it->second.sinks) {
                from = &it->second;
                break;
            }
        }
        s.sinks = from->sinks;
        s.flushEach = from->flushEach;
    }

    auto& r = registry();
    std::lock_guard lock(r.mutex);
    r.configured = std::move(configured);
    r.fallback = std::move(fallback);
    for (auto& [name, logger] : r.loggers) {
        apply(*logger, settingsFor(r.configured, r.fallback, name));
    }
}

void resetLogging() {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    r.configured.clear();
    r.fallback = defaultSettings(false);
    for (auto& [name, logger] : r.loggers) {
        apply(*logger, r.fallback);
    }
}

std::shared_ptr<spdlog::logger> get(std::string_view name) {
    auto& r = registry();
    std::string kahuName = toKahuName(name);
    std::lock_guard lock(r.mutex);
    if (auto it = r.loggers.find(kahuName); it != r.loggers.end()) {
        return it->second;
    }
    const Settings& s = settingsFor(r.configured, r.fallback, kahuName);
    auto logger = std::make_shared<KahuLogger>(kahuName, std::make_shared<DispatchSink>(s.sinks));
    apply(*logger, s);
    r.loggers.emplace(std::move(kahuName), logger);
    return logger;
}

int debugLevel(const spdlog::logger& logger) noexcept {
    return static_cast<const KahuLogger&>(logger).debugLevel_.load(std::memory_order_relaxed);
}

bool isLogFile(std::string_view output) {
    return output != "stdout" && output != "stderr" && output != "syslog" &&
           output.substr(0, 7) != "syslog:" && !isJournalOutput(output);
}

} // namespace kahu::log
