// SPDX-License-Identifier: MPL-2.0
#include "lease/csv_lease_file.h"

#include "lease/csv_lease_codec.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <kahu/error.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace kahu {

namespace {

std::string errnoText(const std::string& what, const std::string& path) {
    return what + " " + path + ": " + std::strerror(errno);
}

void writeFully(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw StoreError(errnoText("cannot write lease file", path));
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

// Reads the first line of an open file (the header); "" if the file is empty.
std::string readFirstLine(int fd) {
    std::string line;
    char buf[256];
    off_t off = 0;
    while (true) {
        ssize_t n = ::pread(fd, buf, sizeof buf, off);
        if (n <= 0) {
            return line;
        }
        for (ssize_t i = 0; i < n; ++i) {
            if (buf[i] == '\n') {
                return line;
            }
            line += buf[i];
        }
        off += n;
    }
}

// Offset just after the last '\n', or 0 if there is none.
off_t endOfLastLine(int fd, off_t size) {
    char buf[4096];
    off_t end = size;
    while (end > 0) {
        off_t start = end > off_t(sizeof buf) ? end - off_t(sizeof buf) : 0;
        ssize_t n = ::pread(fd, buf, size_t(end - start), start);
        if (n <= 0) {
            return 0;
        }
        for (ssize_t i = n - 1; i >= 0; --i) {
            if (buf[i] == '\n') {
                return start + i + 1;
            }
        }
        end = start;
    }
    return 0;
}

} // namespace

CsvLeaseFile::CsvLeaseFile(std::string path)
    : path_(std::move(path)),
      fd_(::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640)) {
    if (!fd_) {
        throw StoreError(errnoText("cannot open lease file", path_));
    }
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0) {
        throw StoreError(errnoText("cannot stat lease file", path_));
    }
    if (st.st_size == 0) {
        writeFully(fd_.get(), std::string(CsvLeaseCodec::kHeader) + "\n", path_);
        return;
    }
    currentHeader_ = readFirstLine(fd_.get()) == CsvLeaseCodec::kHeader;
    off_t end = endOfLastLine(fd_.get(), st.st_size);
    if (end != st.st_size) {
        // A row torn by a crash: the loader skipped it; drop it so that it cannot glue
        // itself to the next row we write.
        if (end == 0 || ::ftruncate(fd_.get(), end) != 0) {
            throw StoreError(errnoText("cannot repair torn last line of", path_));
        }
    }
}

void CsvLeaseFile::append(std::string_view rows) {
    writeFully(fd_.get(), rows, path_);
}

void CsvLeaseFile::load(const std::string& path, LeaseIndex& leases, LeaseLoadReport& report,
                        uint32_t maxRowErrors) {
    FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file) {
        if (errno == ENOENT) {
            return; // missing: nothing to load
        }
        throw StoreError(errnoText("cannot read lease file", path));
    }
    const int fd = file.get();
    ++report.files;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
        // Slab room for every row (untouched pages cost nothing), so it never moves.
        leases.reserve(leases.size() + static_cast<size_t>(st.st_size) / 48);
    }

    std::optional<size_t> columns;
    std::string error;
    size_t fileErrors = 0;
    size_t lineNo = 0;
    auto bad = [&](const std::string& why) {
        ++report.badRows;
        ++fileErrors;
        report.warnings.push_back(path + ":" + std::to_string(lineNo) + ": " + why);
        if (maxRowErrors > 0 && fileErrors > maxRowErrors) {
            throw StoreError(path + ": too many bad rows (" + std::to_string(fileErrors) +
                             ", max-row-errors " + std::to_string(maxRowErrors) +
                             "); last: " + why);
        }
    };
    Lease4 row; // reused: the fast parser fills its buffers in place
    // Returns false to stop (after a torn last line).
    auto line = [&](std::string_view text, bool terminated) {
        ++lineNo;
        if (!columns) {
            columns = CsvLeaseCodec::parseHeader(text, &error);
            if (!columns) {
                throw StoreError(path + ": " + error);
            }
            return true;
        }
        if (text.empty()) {
            return true;
        }
        ++report.rows;
        if (!terminated) {
            bad("truncated last line (no newline), skipped");
            return false;
        }
        const Lease4* lease = &row;
        std::optional<Lease4> slow;
        if (!CsvLeaseCodec::parseRowFast(text, *columns, row)) {
            slow = CsvLeaseCodec::parseRow(text, *columns, &error);
            if (!slow) {
                bad(error + ", row skipped");
                return true;
            }
            lease = &*slow;
        }
        if (lease->validLifetime == 0) {
            leases.discard(lease->address);
        } else {
            leases.upsert(*lease);
        }
        return true;
    };

    // 4 MiB chunks, or less for a smaller file (it grows if a line is longer than the buffer).
    constexpr size_t kChunk = size_t(4) << 20;
    std::vector<char> buf(st.st_size > 0 && static_cast<size_t>(st.st_size) < kChunk
                              ? static_cast<size_t>(st.st_size) + 1
                              : kChunk);
    size_t have = 0; // bytes in buf not yet consumed (a partial line at its front)
    while (true) {
        if (have == buf.size()) {
            buf.resize(buf.size() * 2); // a line longer than the buffer
        }
        ssize_t n = ::read(fd, buf.data() + have, buf.size() - have);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw StoreError(errnoText("cannot read lease file", path));
        }
        if (n == 0) {
            if (have > 0) {
                line(std::string_view(buf.data(), have), false);
            }
            return;
        }
        const char* start = buf.data();
        const char* end = buf.data() + have + n;
        while (const char* nl =
                   static_cast<const char*>(std::memchr(start, '\n', size_t(end - start)))) {
            line(std::string_view(start, size_t(nl - start)), true);
            start = nl + 1;
        }
        have = size_t(end - start);
        std::memmove(buf.data(), start, have);
    }
}

void CsvLeaseFile::writeAll(const std::string& path, const LeaseIndex& leases) {
    FileDescriptor file(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
    if (!file) {
        throw StoreError(errnoText("cannot create lease file", path));
    }
    std::string buf(CsvLeaseCodec::kHeader);
    buf += '\n';
    leases.forEach([&](const Lease4& lease) {
        CsvLeaseCodec::appendRow(buf, lease);
        if (buf.size() > (1u << 20)) {
            writeFully(file.get(), buf, path);
            buf.clear();
        }
    });
    writeFully(file.get(), buf, path);
    // close() may report the last write's failure (NFS, a full disk): it must be seen.
    if (::close(file.release()) != 0) {
        throw StoreError(errnoText("cannot close lease file", path));
    }
}

} // namespace kahu
