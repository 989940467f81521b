// SPDX-License-Identifier: MPL-2.0
#include "lease/csv_lease_file.h"

#include "lease/csv_lease_codec.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <kahu/error.h>
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

CsvLeaseFile::CsvLeaseFile(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        throw StoreError(errnoText("cannot open lease file", path_));
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        int err = errno;
        ::close(fd_);
        errno = err;
        throw StoreError(errnoText("cannot stat lease file", path_));
    }
    try {
        if (st.st_size == 0) {
            writeFully(fd_, std::string(CsvLeaseCodec::kHeader) + "\n", path_);
            return;
        }
        currentHeader_ = readFirstLine(fd_) == CsvLeaseCodec::kHeader;
        off_t end = endOfLastLine(fd_, st.st_size);
        if (end != st.st_size) {
            // A row torn by a crash: the loader skipped it; drop it so that it cannot glue
            // itself to the next row we write.
            if (end == 0 || ::ftruncate(fd_, end) != 0) {
                throw StoreError(errnoText("cannot repair torn last line of", path_));
            }
        }
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

CsvLeaseFile::~CsvLeaseFile() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void CsvLeaseFile::append(std::string_view rows) {
    writeFully(fd_, rows, path_);
}

void CsvLeaseFile::load(const std::string& path, LeaseMap& leases, LeaseLoadReport& report,
                        uint32_t maxRowErrors) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (::access(path.c_str(), F_OK) != 0) {
            return; // missing: nothing to load
        }
        throw StoreError(errnoText("cannot read lease file", path));
    }
    ++report.files;
    std::string line;
    if (!std::getline(in, line)) {
        return; // empty file
    }
    std::string error;
    auto columns = CsvLeaseCodec::parseHeader(line, &error);
    if (!columns) {
        throw StoreError(path + ": " + error);
    }
    size_t fileErrors = 0;
    size_t lineNo = 1;
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
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.empty()) {
            continue;
        }
        ++report.rows;
        if (in.eof()) {
            bad("truncated last line (no newline), skipped");
            break;
        }
        auto lease = CsvLeaseCodec::parseRow(line, *columns, &error);
        if (!lease) {
            bad(error + ", row skipped");
            continue;
        }
        if (lease->validLifetime == 0) {
            leases.erase(lease->address);
        } else {
            leases.insert_or_assign(lease->address, std::move(*lease));
        }
    }
}

void CsvLeaseFile::writeAll(const std::string& path, const LeaseMap& leases) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw StoreError(errnoText("cannot create lease file", path));
    }
    try {
        std::string buf(CsvLeaseCodec::kHeader);
        buf += '\n';
        for (const auto& [address, lease] : leases) {
            CsvLeaseCodec::appendRow(buf, lease);
            if (buf.size() > (1u << 20)) {
                writeFully(fd, buf, path);
                buf.clear();
            }
        }
        writeFully(fd, buf, path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0) {
        throw StoreError(errnoText("cannot close lease file", path));
    }
}

} // namespace kahu
