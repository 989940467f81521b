// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/error.h>
#include <kahu/export.h>
#include <string>
#include <vector>

namespace kahu {

/// The kinds of file a configuration or a command may name. Each kind may be written only in
/// its own directories, so that neither a configuration nor the control API can make the
/// server write (as root) anywhere else — Kea 2.6.3's rule (CVE-2025-32802), with Kahu's
/// directories accepted beside Kea's so that an operator's Kea file starts unchanged.
enum class PathKind {
    Data,       ///< lease files, lease4-write output: KAHU_DHCP_DATA_DIR, KEA_DHCP_DATA_DIR
    Log,        ///< logger output files and their rotations: KAHU_LOG_FILE_DIR, KEA_LOG_FILE_DIR
    Socket,     ///< unix control sockets and their lock files: KAHU_/KEA_CONTROL_SOCKET_DIR
    LegalLog,   ///< forensic log files (libdhcp_legal_log.so): KAHU_/KEA_LEGAL_LOG_DIR
    HookScript, ///< programs a hook library runs (libdhcp_run_script.so):
                ///< KAHU_/KEA_HOOK_SCRIPTS_PATH
};

/// A path refused by confinePath(). what() names the path and the directories it must be in.
class KAHU_API PathError : public Error {
public:
    using Error::Error;
};

/// The directories a kind of file may live in, Kahu's first, then Kea's. Each is the
/// environment variable when it is set and not empty, else the build-time default
/// (/var/lib/kahu and /var/lib/kea; /var/log/kahu and /var/log/kea for Log and LegalLog;
/// /run/kahu and /run/kea; /usr/share/kahu/scripts and /usr/share/kea/scripts).
/// Read on every call (the environment is the operator's, tests set it).
KAHU_API std::vector<std::string> allowedDirectories(PathKind kind);

/// Kahu's own directory of a kind: where a bare file name and the defaults go.
KAHU_API std::string defaultDirectory(PathKind kind);

/// Resolves a file name that came from a configuration or a command. A bare name ("x.csv")
/// goes into defaultDirectory(kind); a path must sit directly in one of allowedDirectories(kind)
/// (symbolic links and ".." resolved before the comparison). Returns the path to use; throws
/// PathError ("invalid path specified: '<path>', supported path is '<dir>' or '<dir>'") and
/// nothing is created. Thread-safe.
KAHU_API std::string confinePath(PathKind kind, const std::string& requested);

/// Resolves a directory named by a configuration (the forensic log's "path"): empty means
/// defaultDirectory(kind); anything else must be one of allowedDirectories(kind) once symbolic
/// links and ".." are resolved. Returns the directory to use; throws PathError as confinePath().
KAHU_API std::string confineDirectory(PathKind kind, const std::string& requested);

/// The memfile lease file when lease-database names none, in defaultDirectory(PathKind::Data).
inline constexpr const char* kDefaultLeaseFileName = "kahu-leases4.csv";

/// The umask every Kahu program sets at start (Kea 2.6.3, CVE-2025-32803): files and
/// directories it creates get no world access (0640 / 0750).
inline constexpr unsigned kFileCreationMask = 027;

} // namespace kahu
