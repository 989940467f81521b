// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace kahu {

/// The account a program started as root switches to (`-u user[:group]`).
struct RunAs {
    std::string user;
    uid_t uid = 0;
    gid_t gid = 0;
};

/// Looks up "user" or "user:group" (names or numbers) in the user database. Throws
/// std::runtime_error naming what is unknown.
RunAs resolveRunAs(std::string_view spec);

/// Creates Kahu's own state, run and log directories (kahu/paths.h) when they are missing,
/// mode 0750 owned by `who`, so that the unprivileged server can write there. Directories that
/// exist are left alone, and Kea's are never touched. Call as root, before dropPrivileges().
void prepareDirectories(const RunAs& who);

/// Capabilities are kernel numbers (linux/capability.h): CAP_NET_BIND_SERVICE 10, CAP_NET_RAW 13.
inline constexpr int kCapNetBindService = 10;
inline constexpr int kCapNetRaw = 13;

/// Switches every id of the process to `who` (with the user's supplementary groups) and keeps
/// only the capabilities in `keep`, permitted and effective; all others leave the bounding set
/// too, and no-new-privileges is set, so nothing run later can regain them. Must run before the
/// process starts a thread (ids and capabilities are per thread in the kernel). Throws
/// std::runtime_error, with the failing step, when any step fails; a process that could still
/// become root again afterwards aborts.
void dropPrivileges(const RunAs& who, std::span<const int> keep);

/// The capabilities the calling thread has in its effective set, as a bit mask (bit n = cap n).
uint64_t effectiveCapabilities();

} // namespace kahu
