// SPDX-License-Identifier: MPL-2.0
#include "server/privileges.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <grp.h>
#include <kahu/paths.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace kahu {

namespace {

[[noreturn]] void fail(const std::string& step, int err = errno) {
    throw std::runtime_error(step + ": " + std::strerror(err));
}

bool allDigits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

/// getpwnam_r/getgrnam_r need a buffer of a size sysconf only suggests.
std::vector<char> lookupBuffer(int name) {
    const long n = ::sysconf(name);
    return std::vector<char>(n > 0 ? static_cast<size_t>(n) : 16384);
}

struct CapData {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
};

} // namespace

RunAs resolveRunAs(std::string_view spec) {
    const auto colon = spec.find(':');
    const std::string user(spec.substr(0, colon));
    const std::string groupName =
        colon == std::string_view::npos ? "" : std::string(spec.substr(colon + 1));
    if (user.empty()) {
        throw std::runtime_error("-u: no user name given");
    }
    RunAs r;
    passwd pw{};
    passwd* found = nullptr;
    auto buf = lookupBuffer(_SC_GETPW_R_SIZE_MAX);
    int rc = allDigits(user)
                 ? ::getpwuid_r(static_cast<uid_t>(std::strtoul(user.c_str(), nullptr, 10)), &pw,
                                buf.data(), buf.size(), &found)
                 : ::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found);
    if (rc != 0 || found == nullptr) {
        throw std::runtime_error("-u: unknown user '" + user + "'");
    }
    r.user = pw.pw_name;
    r.uid = pw.pw_uid;
    r.gid = pw.pw_gid;
    if (!groupName.empty()) {
        struct group gr {};
        struct group* g = nullptr;
        auto gbuf = lookupBuffer(_SC_GETGR_R_SIZE_MAX);
        rc = allDigits(groupName)
                 ? ::getgrgid_r(static_cast<gid_t>(std::strtoul(groupName.c_str(), nullptr, 10)),
                                &gr, gbuf.data(), gbuf.size(), &g)
                 : ::getgrnam_r(groupName.c_str(), &gr, gbuf.data(), gbuf.size(), &g);
        if (rc != 0 || g == nullptr) {
            throw std::runtime_error("-u: unknown group '" + groupName + "'");
        }
        r.gid = g->gr_gid;
    }
    return r;
}

void prepareDirectories(const RunAs& who) {
    for (PathKind kind : {PathKind::Data, PathKind::Socket, PathKind::Log}) {
        const std::string dir = defaultDirectory(kind);
        struct stat st {};
        if (::stat(dir.c_str(), &st) == 0) {
            continue; // the operator's (or systemd's) directory: its owner and mode are theirs
        }
        // Parents as root would have them (0755), the directory itself private to the server.
        for (size_t pos = 1; (pos = dir.find('/', pos)) != std::string::npos; ++pos) {
            const std::string parent = dir.substr(0, pos);
            if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
                fail("cannot create " + parent);
            }
        }
        if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) {
            fail("cannot create " + dir);
        }
        if (::chown(dir.c_str(), who.uid, who.gid) != 0) {
            fail("cannot give " + dir + " to " + who.user);
        }
    }
}

void dropPrivileges(const RunAs& who, std::span<const int> keep) {
    uint64_t mask = 0;
    for (int cap : keep) {
        mask |= uint64_t{1} << cap;
    }
    if (::geteuid() != 0) {
        if (::geteuid() == who.uid) {
            return; // already that user (e.g. systemd's User=): nothing to give up
        }
        throw std::runtime_error("-u " + who.user + " needs the program to start as root");
    }
    // The bounding set first, while CAP_SETPCAP is still ours: nothing exec'd later, and no
    // file capability, can bring a dropped capability back.
    for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) {
        if ((mask & (uint64_t{1} << cap)) == 0 && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 &&
            errno != EINVAL) {
            fail("cannot drop capability " + std::to_string(cap) + " from the bounding set");
        }
    }
    // Keep the permitted set across setuid(), then narrow it.
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
        fail("prctl(PR_SET_KEEPCAPS)");
    }
    if (::initgroups(who.user.c_str(), who.gid) != 0) {
        fail("cannot set the supplementary groups of " + who.user);
    }
    if (::setresgid(who.gid, who.gid, who.gid) != 0) {
        fail("cannot switch to group " + std::to_string(who.gid));
    }
    if (::setresuid(who.uid, who.uid, who.uid) != 0) {
        fail("cannot switch to user " + who.user);
    }
    CapData caps;
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; ++i) {
        const auto word = static_cast<uint32_t>(mask >> (32 * i));
        caps.data[i].permitted = word;
        caps.data[i].effective = word;
        caps.data[i].inheritable = 0;
    }
    if (::syscall(SYS_capset, &caps.header, caps.data) != 0) {
        fail("cannot set the capabilities");
    }
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0 ||
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fail("prctl(PR_SET_NO_NEW_PRIVS)");
    }
    // Proof, not hope: root must be out of reach now.
    if (who.uid != 0 && (::setuid(0) == 0 || ::seteuid(0) == 0)) {
        std::abort();
    }
    if (effectiveCapabilities() != mask) {
        throw std::runtime_error("the capabilities are not the ones asked for after the switch");
    }
}

uint64_t effectiveCapabilities() {
    CapData caps;
    if (::syscall(SYS_capget, &caps.header, caps.data) != 0) {
        return 0;
    }
    return uint64_t{caps.data[0].effective} | (uint64_t{caps.data[1].effective} << 32);
}

} // namespace kahu
