// SPDX-License-Identifier: MPL-2.0
// -u user[:group]: the lookup, and the switch itself in a child process (it cannot be undone).
#include "server/privileges.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kahu {
namespace {

TEST(RunAs, ResolvesUserAndGroupByNameOrNumber) {
    const RunAs root = resolveRunAs("root");
    EXPECT_EQ(root.uid, 0u);
    EXPECT_EQ(root.gid, 0u);
    EXPECT_EQ(root.user, "root");
    const RunAs nobody = resolveRunAs("nobody:nogroup");
    EXPECT_EQ(nobody.user, "nobody");
    EXPECT_NE(nobody.uid, 0u);
    EXPECT_EQ(resolveRunAs(std::to_string(nobody.uid)).user, "nobody");
    EXPECT_EQ(resolveRunAs("nobody:0").gid, 0u);
}

TEST(RunAs, UnknownNamesAreErrors) {
    EXPECT_THROW(resolveRunAs("no-such-user-kahu"), std::runtime_error);
    EXPECT_THROW(resolveRunAs("nobody:no-such-group-kahu"), std::runtime_error);
    EXPECT_THROW(resolveRunAs(""), std::runtime_error);
    EXPECT_THROW(resolveRunAs(":root"), std::runtime_error);
}

/// What a child that switched to nobody may still do; each failed expectation is a bit.
int childAfterDrop() {
    const RunAs who = resolveRunAs("nobody:nogroup");
    const int keep[] = {kCapNetRaw, kCapNetBindService};
    try {
        dropPrivileges(who, keep);
    } catch (const std::exception&) {
        return 1;
    }
    int bad = 0;
    if (::getuid() != who.uid || ::geteuid() != who.uid || ::getgid() != who.gid) {
        bad |= 2;
    }
    if (::setuid(0) == 0) {
        bad |= 4;
    }
    if (effectiveCapabilities() !=
        ((uint64_t{1} << kCapNetRaw) | (uint64_t{1} << kCapNetBindService))) {
        bad |= 8;
    }
    // CAP_NET_RAW: a packet socket, as the raw DHCP socket is.
    const int raw = ::socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
    if (raw < 0) {
        bad |= 16;
    } else {
        ::close(raw);
    }
    // CAP_NET_BIND_SERVICE: a port below 1024 on loopback (any free one).
    bool bound = false;
    for (uint16_t port = 1010; port > 900 && !bound; --port) {
        const int s = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bound = ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(s);
    }
    if (!bound) {
        bad |= 32;
    }
    // Without CAP_DAC_OVERRIDE root's private files are out of reach.
    if (::access("/etc/shadow", R_OK) == 0) {
        bad |= 64;
    }
    return bad;
}

/// Runs `body` in a forked child (a switch of user cannot be undone) and returns its exit
/// status, or -1 when it did not exit normally.
template <class Body> int inChild(Body body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::_exit(body());
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

TEST(DropPrivileges, KeepsOnlyTheNamedCapabilities) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root";
    }
    const int bad = inChild(childAfterDrop);
    EXPECT_EQ(bad, 0) << "failed checks (bits): " << bad;
}

TEST(DropPrivileges, AsAnotherUserWithoutRootIsRefused) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root";
    }
    EXPECT_EQ(inChild([] {
                  dropPrivileges(resolveRunAs("nobody"), {});
                  try {
                      dropPrivileges(resolveRunAs("root"), {});
                  } catch (const std::runtime_error&) {
                      return 0; // refused, as it must be
                  }
                  return 1;
              }),
              0);
}

} // namespace
} // namespace kahu
