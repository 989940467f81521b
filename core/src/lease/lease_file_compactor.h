// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "lease/csv_lease_file.h"

#include <string>

namespace kahu {

/// The work of kea-lfc (lfc_controller.cc), done in-process on Kea's file names so that Kea's
/// files and ours interoperate:
///   if <name>.completed is missing: merge <name>.2 then <name>.1 (last row wins, deleted leases
///   dropped, expired ones kept) into <name>.output, sorted by address, and rename it to
///   <name>.completed; then delete .2 and .1 and rename .completed to .2.
/// While it runs, <name>.pid holds our PID, as kea-lfc's does, so a Kea starting on the same
/// files waits for us. It reads only .2/.1, never the live file, so it does not block writers.
class LeaseFileCompactor {
public:
    /// kea-lfc tolerates up to 100 bad rows per input file.
    static constexpr uint32_t kMaxRowErrors = 100;

    explicit LeaseFileCompactor(std::string name) : name_(std::move(name)) {}

    /// Runs one compaction. Throws kahu::StoreError; files are left so that a later run (or
    /// the next start-up load) finishes the job.
    LeaseLoadReport run() const;

    /// True if <name>.pid names a running process other than this one (an LFC in progress).
    static bool lfcRunning(const std::string& name);

private:
    std::string name_;
};

} // namespace kahu
