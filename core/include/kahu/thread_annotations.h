// SPDX-License-Identifier: MPL-2.0
#pragma once

/// @file
/// Clang's thread-safety attributes (-Wthread-safety), empty under other compilers. They state
/// which mutex guards which data, so a clang build checks every access (docs/design.md,
/// "Shared state"). Use them with kahu::Mutex (kahu/mutex.h): std::mutex carries no
/// annotations in libstdc++, so the analysis cannot see it being locked.
///
///     mutable kahu::Mutex mutex_;
///     std::vector<Timer> timers_ KAHU_GUARDED_BY(mutex_);
///     void runLocked() KAHU_REQUIRES(mutex_);

#if defined(__clang__)
#define KAHU_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define KAHU_THREAD_ANNOTATION(x)
#endif

/// A type that is a lock (kahu::Mutex).
#define KAHU_CAPABILITY(name) KAHU_THREAD_ANNOTATION(capability(name))
/// An RAII type that holds a capability for its lifetime (kahu::LockGuard, kahu::UniqueLock).
#define KAHU_SCOPED_CAPABILITY KAHU_THREAD_ANNOTATION(scoped_lockable)
/// A member read or written only with the given mutex held.
#define KAHU_GUARDED_BY(x) KAHU_THREAD_ANNOTATION(guarded_by(x))
/// A pointer member whose pointee is accessed only with the given mutex held.
#define KAHU_PT_GUARDED_BY(x) KAHU_THREAD_ANNOTATION(pt_guarded_by(x))
/// A function its callers call with the mutex held.
#define KAHU_REQUIRES(...) KAHU_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
/// A function its callers must not call with the mutex held (it locks it itself).
#define KAHU_EXCLUDES(...) KAHU_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
/// A function that locks (and returns with the lock held).
#define KAHU_ACQUIRE(...) KAHU_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
/// A function that unlocks.
#define KAHU_RELEASE(...) KAHU_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
/// A function that locks when it returns the given value (try_lock).
#define KAHU_TRY_ACQUIRE(...) KAHU_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
/// A function that returns a reference to the given capability.
#define KAHU_RETURN_CAPABILITY(x) KAHU_THREAD_ANNOTATION(lock_returned(x))
/// A function the analysis does not check (say why where it is used).
#define KAHU_NO_THREAD_SAFETY_ANALYSIS KAHU_THREAD_ANNOTATION(no_thread_safety_analysis)
