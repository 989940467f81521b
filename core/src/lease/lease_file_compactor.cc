// SPDX-License-Identifier: MPL-2.0
#include "lease/lease_file_compactor.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <kahu/error.h>
#include <unistd.h>

namespace kahu {

namespace {

bool exists(const std::string& path) {
    return ::access(path.c_str(), F_OK) == 0;
}

void renameFile(const std::string& from, const std::string& to) {
    if (std::rename(from.c_str(), to.c_str()) != 0) {
        throw StoreError("cannot rename " + from + " to " + to + ": " + std::strerror(errno));
    }
}

void removeFile(const std::string& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        throw StoreError("cannot delete " + path + ": " + std::strerror(errno));
    }
}

// Removes the PID file however run() leaves.
struct PidFile {
    std::string path;
    explicit PidFile(std::string p) : path(std::move(p)) {
        std::ofstream out(path, std::ios::trunc);
        out << ::getpid() << "\n";
        if (!out) {
            throw StoreError("cannot write " + path);
        }
    }
    ~PidFile() { ::unlink(path.c_str()); }
};

} // namespace

bool LeaseFileCompactor::lfcRunning(const std::string& name) {
    std::ifstream in(name + ".pid");
    long pid = 0;
    if (!(in >> pid) || pid <= 0 || pid == ::getpid()) {
        return false;
    }
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

LeaseLoadReport LeaseFileCompactor::run() const {
    const std::string previous = name_ + ".2", copy = name_ + ".1", output = name_ + ".output",
                      finish = name_ + ".completed";
    if (lfcRunning(name_)) {
        throw StoreError("lease file cleanup already in progress for " + name_);
    }
    PidFile pid(name_ + ".pid");
    LeaseLoadReport report;
    if (!exists(finish)) {
        LeaseIndex leases;
        CsvLeaseFile::load(previous, leases, report, kMaxRowErrors);
        CsvLeaseFile::load(copy, leases, report, kMaxRowErrors);
        CsvLeaseFile::writeAll(output, leases);
        renameFile(output, finish);
    }
    removeFile(previous);
    removeFile(copy);
    renameFile(finish, previous);
    return report;
}

} // namespace kahu
