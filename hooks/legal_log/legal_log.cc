// SPDX-License-Identifier: MPL-2.0
//
// libdhcp_legal_log.so — Kea's Forensic Logging hook library (Kea 3.0): one line per lease
// assigned, renewed, released or declined, and per lease4-add / lease4-update / lease4-del
// command, in Kea's words, to rotating files or to syslog:
//
//   "hooks-libraries": [{ "library": "libdhcp_legal_log.so",
//                         "parameters": { "path": "/var/log/kahu", "base-name": "kea-legal" } }]
//
// An entry is written before the reply goes out; when it cannot be written the reply is not
// sent (the exchange is dropped and LEGAL_LOG_LEASE4_WRITE_ERROR logged), a RELEASE or DECLINE
// is not applied, so that no address is handed out without its record.

#include "legal_entry.h"
#include "legal_store.h"

#include <filesystem>
#include <kahu/error.h>
#include <kahu/hooks/library.h>
#include <kahu/log.h>
#include <kahu/paths.h>
#include <kahu/server_access.h>
#include <unistd.h>

namespace {

using namespace kahu;
using namespace kahu::hooks;
using namespace kahu::legal_log;
using nlohmann::json;

/// The leases of a REQUEST (leases4_committed), logged at pkt4_send.
struct Committed {
    std::vector<Lease4> leases;
    std::vector<Lease4> deleted;
};

struct LegalLog {
    std::unique_ptr<LegalStore> store;
    CustomFormat format;
    ServerAccess* server = nullptr;
    std::shared_ptr<spdlog::logger> logger;

    /// Kea's isLoggingDisabled: "legal-logging": false in the subnet's user context.
    bool disabledFor(SubnetId id) const {
        if (server == nullptr || id == 0) {
            return false;
        }
        auto cfg = server->config();
        const Subnet* subnet = cfg ? cfg->subnetById(id) : nullptr;
        if (subnet == nullptr || !subnet->userContext.is_object()) {
            return false;
        }
        auto it = subnet->userContext.find("legal-logging");
        return it != subnet->userContext.end() && it->is_boolean() && !it->get<bool>();
    }

    /// Writes the entry of one lease; false (and LEGAL_LOG_LEASE4_WRITE_ERROR) on failure.
    bool write(const Packet4& query, const Packet4* response, const Lease4& lease,
               Action action) const {
        try {
            if (disabledFor(lease.subnetId)) {
                return true;
            }
            store->writeln(oneLine(lease4Entry(query, response, lease, action, format)),
                           lease.address.str());
            return true;
        } catch (const std::exception& e) {
            KAHU_ERROR(logger, "LEGAL_LOG_LEASE4_WRITE_ERROR",
                       "Could not write to the legal store: {}", e.what());
            return false;
        }
    }

    void command(const CommandProcessedArgs& a) const {
        try {
            const json& r =
                a.response.is_array() && !a.response.empty() ? a.response[0] : a.response;
            auto result = r.is_object() ? r.find("result") : r.end();
            if (!r.is_object() || result == r.end() || !result->is_number_integer() ||
                result->get<int64_t>() != 0) {
                return; // Kea logs only the commands that succeeded
            }
            if (a.arguments.is_object()) {
                auto sid = a.arguments.find("subnet-id");
                if (sid != a.arguments.end() && sid->is_number_integer() &&
                    sid->get<int64_t>() > 0 && sid->get<int64_t>() <= 0xffffffffLL &&
                    disabledFor(static_cast<SubnetId>(sid->get<int64_t>()))) {
                    return;
                }
            }
            std::string address;
            auto text = commandEntry(a.name, a.arguments, realtimeNow().tv_sec, address);
            if (text) {
                store->writeln(oneLine(*text), address);
            }
        } catch (const std::exception& e) {
            KAHU_ERROR(logger, "LEGAL_LOG_COMMAND_WRITE_ERROR",
                       "Could not write command entry to the legal store: {}", e.what());
        }
    }
};

std::optional<eval::Expression> readFormat(ParamReader& r, const char* key) {
    const std::string text = r.string(key, "");
    if (text.empty()) {
        return std::nullopt; // Kea: an empty format is no format
    }
    try {
        return eval::Expression::parse(text, eval::ResultType::String);
    } catch (const eval::ExpressionError& e) {
        r.fail(key, std::string(e.what()) + " (column " + std::to_string(e.column()) +
                        " of the expression)");
    }
    return std::nullopt;
}

std::string readScript(ParamReader& r, const char* key) {
    std::string value = r.string(key, "");
    if (value.empty()) {
        return value;
    }
    std::string path;
    try {
        path = confinePath(PathKind::HookScript, value);
    } catch (const PathError& e) {
        r.fail(key, e.what());
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec) || access(path.c_str(), X_OK) != 0) {
        r.fail(key, "'" + path + "' is not an executable file");
    }
    return path;
}

FileOptions readFileOptions(ParamReader& r) {
    FileOptions o;
    try {
        o.directory = confineDirectory(PathKind::LegalLog, r.string("path", ""));
    } catch (const PathError& e) {
        r.fail("path", e.what());
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(o.directory, ec)) {
        r.fail("path", "directory '" + o.directory + "' does not exist");
    }
    o.baseName = r.string("base-name", "kea-legal");
    if (o.baseName.empty() || o.baseName.find('/') != std::string::npos || o.baseName == "." ||
        o.baseName == ".." || oneLine(o.baseName) != o.baseName) {
        r.fail("base-name", "'" + oneLine(o.baseName) +
                                "' is not a file name (not empty, no '/', no control characters)");
    }
    const std::string unit = r.oneOf("time-unit", {"second", "day", "month", "year"}, "day");
    o.unit = unit == "second"  ? TimeUnit::Second
             : unit == "month" ? TimeUnit::Month
             : unit == "year"  ? TimeUnit::Year
                               : TimeUnit::Day;
    o.count = r.integer<uint32_t>("count", 0, 4294967295U, 1);
    o.prerotate = readScript(r, "prerotate");
    o.postrotate = readScript(r, "postrotate");
    return o;
}

void load(LoadContext& ctx) {
    ParamReader r(ctx);
    auto self = std::make_shared<LegalLog>();
    self->server = ctx.server();
    self->logger = ctx.logger();

    const std::string type =
        r.oneOf("type", {"logfile", "syslog", "mysql", "postgresql"}, "logfile");
    if (type == "mysql" || type == "postgresql") {
        r.fail("type", "the forensic log in a database ('" + type +
                           "') is not supported by this version; use 'logfile' or 'syslog'");
    }
    self->format.request = readFormat(r, "request-parser-format");
    self->format.response = readFormat(r, "response-parser-format");
    std::string timestampFormat = r.string("timestamp-format", "");
    if (timestampFormat.empty()) {
        timestampFormat = kDefaultTimestampFormat;
    }
    try {
        (void)timeString(realtimeNow(), timestampFormat);
    } catch (const Error& e) {
        r.fail("timestamp-format", e.what());
    }

    if (type == "syslog") {
        for (const char* key :
             {"path", "base-name", "time-unit", "count", "prerotate", "postrotate"}) {
            if (r.has(key)) {
                r.fail(key, std::string("'") + key + "' is for \"type\": \"logfile\"");
            }
        }
        const std::string facility = r.string("facility", "local0");
        if (SyslogStore::facilityCode(facility) < 0) {
            r.fail("facility", "unknown syslog facility '" + facility + "'");
        }
        std::string pattern = r.string("pattern", SyslogStore::kDefaultPattern);
        try {
            self->store = std::make_unique<SyslogStore>(facility, pattern);
        } catch (const Error& e) {
            r.fail("pattern", e.what());
        }
        r.finish();
        KAHU_INFO(self->logger, "LEGAL_LOG_SYSLOG_STORE_OPEN",
                  "opening Legal Syslog: facility={} pattern={}", facility, pattern);
    } else {
        FileOptions o = readFileOptions(r);
        o.timestampFormat = timestampFormat;
        r.finish(); // before anything is created: a wrong key leaves no file behind
        auto file = std::make_unique<RotatingFile>(std::move(o), self->logger);
        try {
            file->open();
        } catch (const std::exception& e) {
            KAHU_ERROR(self->logger, "LEGAL_LOG_LOAD_ERROR",
                       "LEGAL LOGGING DISABLED! An error occurred loading the library: {}",
                       e.what());
            throw;
        }
        self->store = std::move(file);
    }

    ctx.registerCallout<HookPoint::Leases4Committed>(
        [](Leases4CommittedArgs& a, CalloutContext& c) {
            if (c.verdict() == Verdict::Continue) {
                c.set("committed", Committed{a.leases, a.deletedLeases});
            }
            return Verdict::Continue;
        });
    ctx.registerCallout<HookPoint::Pkt4Send>([self](Pkt4SendArgs& a, CalloutContext& c) {
        const Committed* done = c.get<Committed>("committed");
        if (done == nullptr || c.verdict() != Verdict::Continue) {
            return Verdict::Continue;
        }
        bool ok = true;
        for (const Lease4& l : done->leases) {
            ok = self->write(a.query, &a.response, l, Action::Assign) && ok;
        }
        for (const Lease4& l : done->deleted) {
            ok = self->write(a.query, &a.response, l, Action::Release) && ok;
        }
        return ok ? Verdict::Continue : Verdict::Drop;
    });
    ctx.registerCallout<HookPoint::Lease4Release>([self](Lease4ReleaseArgs& a, CalloutContext& c) {
        if (c.verdict() != Verdict::Continue) {
            return Verdict::Continue;
        }
        return self->write(a.query, nullptr, a.lease, Action::Release) ? Verdict::Continue
                                                                       : Verdict::Drop;
    });
    ctx.registerCallout<HookPoint::Lease4Decline>([self](Lease4DeclineArgs& a, CalloutContext& c) {
        if (c.verdict() != Verdict::Continue) {
            return Verdict::Continue;
        }
        return self->write(a.query, nullptr, a.lease, Action::Release) ? Verdict::Continue
                                                                       : Verdict::Drop;
    });
    ctx.registerCallout<HookPoint::CommandProcessed>(
        [self](CommandProcessedArgs& a, CalloutContext&) {
            self->command(a);
            return Verdict::Continue;
        });
}

void unload() {}

} // namespace

KAHU_HOOK_LIBRARY(load, unload)
KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)
