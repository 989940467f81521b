// SPDX-License-Identifier: MPL-2.0
#include "server/pid_file.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <kahu/build_info.h>
#include <kahu/error.h>
#include <unistd.h>

namespace kahu {

PidFile::PidFile(const std::string& configFile, const std::string& process) {
    const char* dir = std::getenv("KAHU_PIDFILE_DIR");
    if (!dir || !*dir) {
        dir = std::getenv("KEA_PIDFILE_DIR");
    }
    std::string base = std::filesystem::path(configFile).stem().string();
    path_ =
        std::string(dir && *dir ? dir : KAHU_RUN_DIR_DEFAULT) + "/" + base + "." + process + ".pid";
}

PidFile::~PidFile() {
    if (created_) {
        ::unlink(path_.c_str());
    }
}

void PidFile::create() {
    {
        std::ifstream in(path_);
        long pid = 0;
        if (in >> pid && pid > 0 && pid != ::getpid() &&
            (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) {
            throw Error("PID file " + path_ + ": PID: " + std::to_string(pid) + " exists");
        }
    }
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
    std::ofstream out(path_, std::ios::trunc);
    out << ::getpid() << "\n";
    if (!out) {
        throw Error("cannot write PID file " + path_);
    }
    created_ = true;
}

} // namespace kahu
