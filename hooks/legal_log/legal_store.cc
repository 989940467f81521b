// SPDX-License-Identifier: MPL-2.0
#include "legal_store.h"

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <kahu/error.h>
#include <kahu/log.h>
#include <set>
#include <sys/stat.h>
#include <sys/syslog.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kahu::legal_log {

namespace {

namespace chr = std::chrono;

chr::year_month_day dateOf(const tm& t) {
    return chr::year{t.tm_year + 1900} / chr::month{unsigned(t.tm_mon + 1)} /
           chr::day{unsigned(t.tm_mday)};
}

/// boost::gregorian's month arithmetic, as Kea uses it: a day past the end of the target
/// month becomes its last day.
chr::year_month_day addMonths(chr::year_month_day d, uint32_t n) {
    chr::year_month_day r = d + chr::months(n);
    if (!r.ok()) {
        r = r.year() / r.month() / chr::last;
    }
    return r;
}

chr::year_month_day addYears(chr::year_month_day d, uint32_t n) {
    chr::year_month_day r = d + chr::years(n);
    if (!r.ok()) {
        r = r.year() / r.month() / chr::last;
    }
    return r;
}

tm localOf(time_t t) {
    tm out{};
    localtime_r(&t, &out);
    return out;
}

std::string errnoText(int err) {
    char buf[256];
    return strerror_r(err, buf, sizeof buf);
}

bool allDigits(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

} // namespace

timespec realtimeNow() {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return now;
}

std::string timeString(const timespec& when, const std::string& format) {
    std::string fmt;
    fmt.reserve(format.size());
    for (size_t i = 0; i < format.size(); ++i) {
        if (format[i] == '%' && i + 1 < format.size()) {
            if (format[i + 1] == 'Q') {
                char us[32];
                const int micro = static_cast<int>((when.tv_nsec / 1000) % 1000000);
                snprintf(us, sizeof us, "%03d.%03d", micro / 1000, micro % 1000);
                fmt += us;
            } else {
                fmt += format[i];
                fmt += format[i + 1];
            }
            ++i;
        } else {
            fmt += format[i];
        }
    }
    char buf[128];
    tm local = localOf(when.tv_sec);
    const size_t n = strftime(buf, sizeof buf, fmt.c_str(), &local);
    if (n == 0) {
        throw Error("strftime returned 0. Maybe the timestamp format '" + fmt +
                    "' result is too long, maximum length allowed: 128");
    }
    return {buf, n};
}

// --- RotatingFile ---------------------------------------------------------------------------

RotatingFile::RotatingFile(FileOptions options, std::shared_ptr<spdlog::logger> logger, Clock clock)
    : opt_(std::move(options)), logger_(std::move(logger)), clock_(std::move(clock)) {}

RotatingFile::~RotatingFile() {
    close();
}

std::string RotatingFile::fileName() const {
    std::lock_guard lock(mutex_);
    return fileName_;
}

std::string RotatingFile::nameFor(const tm& when) const {
    std::string name = opt_.directory + "/" + opt_.baseName + ".";
    if (opt_.unit == TimeUnit::Second) {
        tm copy = when;
        char digits[32];
        snprintf(digits, sizeof digits, "T%020llu", static_cast<unsigned long long>(mktime(&copy)));
        name += digits;
    } else {
        char digits[16];
        strftime(digits, sizeof digits, "%Y%m%d", &when);
        name += digits;
    }
    return name + ".txt";
}

// Kea's useExistingFiles: the newest "<base>.<tag>.txt" of the directory, kept when now is
// still within its period.
bool RotatingFile::useExisting(tm& when) {
    DIR* dir = opendir(opt_.directory.c_str());
    if (dir == nullptr) {
        return false;
    }
    std::set<std::string> tags;
    const bool seconds = opt_.unit == TimeUnit::Second;
    const std::string prefix = opt_.baseName + ".";
    while (dirent* e = readdir(dir)) {
        std::string_view name(e->d_name);
        if (name.size() <= prefix.size() + 4 || !name.starts_with(prefix) ||
            !name.ends_with(".txt")) {
            continue;
        }
        std::string_view tag = name.substr(prefix.size(), name.size() - prefix.size() - 4);
        if (seconds ? (tag.size() == 21 && tag[0] == 'T' && allDigits(tag.substr(1)))
                    : (tag.size() == 8 && allDigits(tag))) {
            tags.emplace(tag);
        }
    }
    closedir(dir);
    if (tags.empty()) {
        return false;
    }
    const std::string& tag = *tags.rbegin();
    if (seconds) {
        const auto fileTime = static_cast<time_t>(std::stoull(tag.substr(1)));
        tm copy = when;
        if (mktime(&copy) >= fileTime + static_cast<time_t>(opt_.count)) {
            return false;
        }
        when = localOf(fileTime);
    } else {
        const chr::year_month_day fileDate{chr::year{std::stoi(tag.substr(0, 4))},
                                           chr::month{unsigned(std::stoi(tag.substr(4, 2)))},
                                           chr::day{unsigned(std::stoi(tag.substr(6, 2)))}};
        if (!fileDate.ok()) {
            return false;
        }
        const chr::year_month_day today = dateOf(when);
        chr::year_month_day end = fileDate;
        if (opt_.unit == TimeUnit::Day) {
            end = chr::sys_days(fileDate) + chr::days(opt_.count);
        } else if (opt_.unit == TimeUnit::Month) {
            end = addMonths(fileDate, opt_.count);
        } else {
            end = addYears(fileDate, opt_.count);
        }
        if (chr::sys_days(today) >= chr::sys_days(end)) {
            return false;
        }
        when = tm{};
        when.tm_year = int(fileDate.year()) - 1900;
        when.tm_mon = int(unsigned(fileDate.month())) - 1;
        when.tm_mday = int(unsigned(fileDate.day()));
        when.tm_isdst = -1;
        mktime(&when);
    }
    fileName_ = opt_.directory + "/" + prefix + tag + ".txt";
    return true;
}

void RotatingFile::openFor(const tm& now, bool existing) {
    tm when = now;
    if (!existing || !useExisting(when)) {
        fileName_ = nameFor(when);
    }
    const int fd = ::open(fileName_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        const int err = errno;
        throw Error("cannot open file:" + fileName_ + " reason: " + errnoText(err));
    }
    // A file someone else created keeps no access for others.
    struct stat st {};
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IRWXO) != 0) {
        (void)fchmod(fd, st.st_mode & 0770 & ~S_IRWXO);
    }
    fd_ = fd;
    opened_ = when;
    KAHU_INFO(logger_, "LEGAL_LOG_STORE_OPENED", "Legal store opened: {}", fileName_);
}

void RotatingFile::open() {
    std::lock_guard lock(mutex_);
    if (fd_ >= 0) {
        return;
    }
    openFor(localOf(clock_().tv_sec), true);
}

void RotatingFile::close() {
    if (fd_ >= 0) {
        KAHU_INFO(logger_, "LEGAL_LOG_STORE_CLOSED", "Legal store closed: {}", fileName_);
        ::close(fd_);
        fd_ = -1;
    }
}

void RotatingFile::rotateIfDue(const timespec& now) {
    if (fd_ >= 0 && opt_.count == 0) {
        return;
    }
    const tm current = localOf(now.tv_sec);
    bool due = fd_ < 0;
    if (!due) {
        tm start = opened_;
        if (opt_.unit == TimeUnit::Second) {
            due = static_cast<int64_t>(opt_.count) <= now.tv_sec - mktime(&start);
        } else {
            const chr::year_month_day from = dateOf(start);
            const chr::year_month_day today = dateOf(current);
            chr::year_month_day end = from;
            if (opt_.unit == TimeUnit::Day) {
                end = chr::sys_days(from) + chr::days(opt_.count);
            } else if (opt_.unit == TimeUnit::Month) {
                end = addMonths(from, opt_.count);
            } else {
                end = addYears(from, opt_.count);
            }
            due = chr::sys_days(end) <= chr::sys_days(today);
        }
    }
    if (!due) {
        return;
    }
    const std::string old = fileName_;
    close();
    if (!opt_.prerotate.empty()) {
        spawnDetached(opt_.prerotate, old);
    }
    openFor(current, false);
    if (!opt_.postrotate.empty()) {
        spawnDetached(opt_.postrotate, fileName_);
    }
}

void RotatingFile::writeln(const std::string& text, const std::string& /*address*/) {
    if (text.empty()) {
        return;
    }
    const timespec now = clock_();
    std::lock_guard lock(mutex_);
    rotateIfDue(now);
    std::string line = timeString(now, opt_.timestampFormat);
    line += ' ';
    line += text;
    line += '\n';
    size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            throw Error("error writing to file:" + fileName_ + " reason: " + errnoText(err));
        }
        done += static_cast<size_t>(n);
    }
}

void spawnDetached(const std::string& program, const std::string& argument) {
    // Everything the child needs is built before fork(): after it only async-signal-safe calls.
    std::string prog = program;
    std::string arg = argument;
    char* argv[] = {prog.data(), arg.data(), nullptr};
    char* envp[] = {nullptr};
    const pid_t child = fork();
    if (child < 0) {
        const int err = errno;
        throw Error("cannot run " + program + ": " + errnoText(err));
    }
    if (child == 0) {
        const pid_t grandchild = fork();
        if (grandchild == 0) {
            execve(argv[0], argv, envp);
            _exit(127);
        }
        _exit(grandchild < 0 ? 1 : 0);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
}

// --- SyslogStore ----------------------------------------------------------------------------

int SyslogStore::facilityCode(std::string_view name) {
    static constexpr std::pair<std::string_view, int> kFacilities[] = {
        {"kern", LOG_KERN},     {"user", LOG_USER},         {"mail", LOG_MAIL},
        {"daemon", LOG_DAEMON}, {"auth", LOG_AUTH},         {"syslog", LOG_SYSLOG},
        {"lpr", LOG_LPR},       {"news", LOG_NEWS},         {"uucp", LOG_UUCP},
        {"cron", LOG_CRON},     {"authpriv", LOG_AUTHPRIV}, {"ftp", LOG_FTP},
        {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},     {"local2", LOG_LOCAL2},
        {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},     {"local5", LOG_LOCAL5},
        {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7}};
    std::string lower(name);
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (const auto& [n, code] : kFacilities) {
        if (n == lower) {
            return code;
        }
    }
    return -1;
}

SyslogStore::SyslogStore(const std::string& facility, std::string pattern)
    : facility_(facilityCode(facility)), pattern_(std::move(pattern)) {
    if (facility_ < 0) {
        throw Error("unknown syslog facility '" + facility + "'");
    }
    // Check the pattern once: every conversion must be one format() knows.
    for (size_t i = 0; i < pattern_.size(); ++i) {
        if (pattern_[i] != '%') {
            continue;
        }
        size_t j = i + 1;
        while (j < pattern_.size() &&
               (pattern_[j] == '-' || std::isdigit(static_cast<unsigned char>(pattern_[j])))) {
            ++j;
        }
        if (j >= pattern_.size() ||
            std::string_view("pcmtin%").find(pattern_[j]) == std::string_view::npos) {
            throw Error("pattern '" + pattern_ + "': unsupported conversion at offset " +
                        std::to_string(i) + " (known: %p %c %t %i %m %n %%)");
        }
        i = j;
    }
}

std::string SyslogStore::format(const std::string& text) const {
    std::string out;
    for (size_t i = 0; i < pattern_.size(); ++i) {
        if (pattern_[i] != '%') {
            out += pattern_[i];
            continue;
        }
        size_t j = i + 1;
        const bool left = j < pattern_.size() && pattern_[j] == '-';
        if (left) {
            ++j;
        }
        size_t width = 0;
        while (j < pattern_.size() && std::isdigit(static_cast<unsigned char>(pattern_[j]))) {
            width = width * 10 + size_t(pattern_[j] - '0');
            ++j;
        }
        std::string v;
        switch (pattern_[j]) {
        case 'p':
            v = "INFO";
            break;
        case 'c':
            v = "kahu-dhcp4.legal-log-syslog";
            break;
        case 't':
            v = std::to_string(gettid());
            break;
        case 'i':
            v = std::to_string(getpid());
            break;
        case 'm':
            v = "LEGAL_LOG_SYSLOG " + text;
            break;
        case 'n':
            v = "\n";
            break;
        default:
            v = "%";
        }
        if (v.size() < width) {
            if (left) {
                v.append(width - v.size(), ' ');
            } else {
                v.insert(0, width - v.size(), ' ');
            }
        }
        out += v;
        i = j;
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
        out.pop_back();
    }
    return out;
}

void SyslogStore::writeln(const std::string& text, const std::string& /*address*/) {
    if (text.empty()) {
        return;
    }
    // No openlog(): the process's ident stays the server's; the facility goes with the call.
    syslog(facility_ | LOG_INFO, "%s", format(text).c_str());
}

} // namespace kahu::legal_log
