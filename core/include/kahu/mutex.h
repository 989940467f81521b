// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/thread_annotations.h>
#include <mutex>

namespace kahu {

/// std::mutex as a capability of Clang's thread-safety analysis (kahu/thread_annotations.h):
/// data declared KAHU_GUARDED_BY a kahu::Mutex is checked, in a clang build, to be accessed only
/// with it locked. Same behaviour and cost as std::mutex.
class KAHU_CAPABILITY("mutex") Mutex {
public:
    Mutex() = default;
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    void lock() KAHU_ACQUIRE() { mutex_.lock(); }
    void unlock() KAHU_RELEASE() { mutex_.unlock(); }
    bool try_lock() KAHU_TRY_ACQUIRE(true) { return mutex_.try_lock(); }
    /// The std::mutex itself, for what needs one (kahu::UniqueLock, condition variables).
    std::mutex& native() KAHU_RETURN_CAPABILITY(this) { return mutex_; }

private:
    std::mutex mutex_;
};

/// std::lock_guard for a kahu::Mutex: locked for the lifetime of the guard.
class KAHU_SCOPED_CAPABILITY LockGuard {
public:
    explicit LockGuard(Mutex& mutex) KAHU_ACQUIRE(mutex) : mutex_(mutex) { mutex_.lock(); }
    ~LockGuard() KAHU_RELEASE() { mutex_.unlock(); }
    LockGuard(const LockGuard&) = delete;
    LockGuard& operator=(const LockGuard&) = delete;

private:
    Mutex& mutex_;
};

/// std::unique_lock for a kahu::Mutex: may be unlocked and locked again, and waited on with a
/// std::condition_variable through native() (the lock is held again when the wait returns).
class KAHU_SCOPED_CAPABILITY UniqueLock {
public:
    explicit UniqueLock(Mutex& mutex) KAHU_ACQUIRE(mutex) : lock_(mutex.native()) {}
    ~UniqueLock() KAHU_RELEASE() = default;
    UniqueLock(const UniqueLock&) = delete;
    UniqueLock& operator=(const UniqueLock&) = delete;

    void lock() KAHU_ACQUIRE() { lock_.lock(); }
    void unlock() KAHU_RELEASE() { lock_.unlock(); }
    std::unique_lock<std::mutex>& native() { return lock_; }

private:
    std::unique_lock<std::mutex> lock_;
};

} // namespace kahu
