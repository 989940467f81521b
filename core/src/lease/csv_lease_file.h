// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "fs/file_descriptor.h"
#include "lease/lease_index.h"

#include <cstdint>
#include <kahu/lease/lease4.h>
#include <string>
#include <string_view>
#include <vector>

namespace kahu {

/// What loading lease files found: counts and one warning text per skipped row.
struct LeaseLoadReport {
    size_t files = 0;                  ///< files that existed and were read
    size_t rows = 0;                   ///< data rows read (good and bad)
    size_t badRows = 0;                ///< rows skipped as malformed
    std::vector<std::string> warnings; ///< "<file>:<line>: <why>" per skipped row
};

/// One memfile CSV lease file on disk: loaded whole at start-up, then appended to.
///
/// Appends use write(2) on an O_APPEND descriptor, so a row handed to append() has reached
/// the kernel when it returns (no user-space buffer left behind). Not thread-safe: the owner
/// serializes appends.
class CsvLeaseFile {
public:
    /// Opens (creating it with the current header if missing or empty) for appending. A torn
    /// last line (no newline) is cut off so the next row starts a line of its own. Throws
    /// kahu::StoreError.
    explicit CsvLeaseFile(std::string path);
    CsvLeaseFile(const CsvLeaseFile&) = delete;
    CsvLeaseFile& operator=(const CsvLeaseFile&) = delete;

    const std::string& path() const noexcept { return path_; }
    /// False when the file was opened with another schema's header (Kea 2.2's, or a newer
    /// Kea's): appended rows would not match it, so the owner must rotate it first.
    bool hasCurrentHeader() const noexcept { return currentHeader_; }

    /// Writes whole rows (each ending in '\n'). Throws kahu::StoreError on an I/O error.
    void append(std::string_view rows);

    /// Applies the rows of the file at path to leases, Kea's way (lease_file_loader.h): the last
    /// row per address wins; a row with valid_lifetime 0 deletes the address. A missing file is
    /// no error. Malformed rows are skipped and reported; more than maxRowErrors of them
    /// (when > 0), or a bad header, throw kahu::StoreError. Reads in large chunks and parses
    /// rows in place (1M rows well under a second).
    static void load(const std::string& path, LeaseIndex& leases, LeaseLoadReport& report,
                     uint32_t maxRowErrors);

    /// Writes the leases to path (header + one row each, ascending by address, replacing the
    /// file), in large write(2) chunks. Throws kahu::StoreError.
    static void writeAll(const std::string& path, const LeaseIndex& leases);

private:
    std::string path_;
    FileDescriptor fd_;
    bool currentHeader_ = true;
};

} // namespace kahu
