// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <string>

namespace kahu {

/// The daemon's PID file, named like Kea's: <dir>/<config basename without
/// extension>.<process>.pid, dir = $KAHU_PIDFILE_DIR, else $KEA_PIDFILE_DIR, else the build-time
/// run directory. create() refuses when the file names a live process (a second instance on the
/// same config).
class PidFile {
public:
    PidFile(const std::string& configFile, const std::string& process);
    ~PidFile();
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;

    /// Writes our PID; throws kahu::Error "PID: N exists" when another live process holds it.
    void create();
    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
    bool created_ = false;
};

} // namespace kahu
