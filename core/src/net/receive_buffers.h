// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <sys/socket.h>

namespace kahu::net {

/// Per-socket scratch space for one recvmmsg() call: kSlots datagrams of up to kSlotSize bytes,
/// each with its address and control buffer. Allocated once per socket, reused for every batch.
template <class Address, size_t kControlSize> struct ReceiveBuffers {
    static constexpr size_t kSlots = 32;
    static constexpr size_t kSlotSize = 4096;

    std::array<std::array<uint8_t, kSlotSize>, kSlots> data;
    std::array<Address, kSlots> names;
    std::array<iovec, kSlots> iov;
    std::array<mmsghdr, kSlots> msgs;
    alignas(cmsghdr) std::array<std::array<uint8_t, kControlSize>, kSlots> control;

    /// Re-arms the first n headers (recvmmsg overwrites lengths).
    void prepare(size_t n) noexcept {
        for (size_t i = 0; i < n; ++i) {
            iov[i] = iovec{data[i].data(), kSlotSize};
            std::memset(&msgs[i], 0, sizeof(mmsghdr));
            msgs[i].msg_hdr.msg_name = &names[i];
            msgs[i].msg_hdr.msg_namelen = sizeof(Address);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_control = control[i].data();
            msgs[i].msg_hdr.msg_controllen = kControlSize;
        }
    }
};

} // namespace kahu::net
