// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <unistd.h>
#include <utility>

namespace kahu {

/// Owns a file descriptor and closes it once: the one RAII type for every descriptor the core
/// opens (sockets, the event loop's eventfd, signalfd and epoll instance, the lease file, the
/// journal socket). Move-only.
class FileDescriptor {
public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
    FileDescriptor(FileDescriptor&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    FileDescriptor& operator=(FileDescriptor&& o) noexcept {
        if (this != &o) {
            reset(std::exchange(o.fd_, -1));
        }
        return *this;
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() { reset(); }

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    /// Closes the descriptor held (if any) and takes `fd`.
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = fd;
    }
    /// Gives the descriptor up without closing it, for a caller that must see close()'s result
    /// (a file whose last write only close() may report).
    int release() noexcept { return std::exchange(fd_, -1); }

private:
    int fd_ = -1;
};

} // namespace kahu
