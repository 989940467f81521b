// SPDX-License-Identifier: MPL-2.0
#pragma once

/// @file
/// What a hook library includes to become one. A whole library is:
///
///     #include <kahu/hooks/library.h>
///     static void load(kahu::hooks::LoadContext& ctx) { ...register... }
///     static void unload() {}
///     KAHU_HOOK_LIBRARY(load, unload)
///     KAHU_HOOK_MULTI_THREADING_COMPATIBLE(true)   // optional; required under MT
///
/// KAHU_HOOK_LIBRARY generates the extern "C" entry points the loader looks for:
///
///   int         kahu_hook_abi_version()                       == kahu::hooks::kAbiVersion
///   const char* kahu_hook_fingerprint()                       == KAHU_HOOK_FINGERPRINT
///   int         kahu_hook_load(LoadContext&, std::string& error)   0 = success
///   int         kahu_hook_unload(std::string& error)                0 = success
///   int         kahu_hook_multi_threading_compatible()         (optional) non-zero = MT-safe
///
/// The load/unload functions may return void, bool (false = failure) or int (0 = success) and
/// may throw: every entry point goes through one noexcept shim (detail::callGuarded) that turns
/// an exception into a failure with the exception's text.

#include <kahu/hooks/callout_context.h>
#include <kahu/hooks/hook_args.h>
#include <kahu/hooks/hook_point.h>
#include <kahu/hooks/load_context.h>
#include <kahu/hooks/param_reader.h>
#include <kahu/hooks/park_handle.h>
#include <kahu/hooks/verdict.h>
#include <nlohmann/json.hpp>
#include <spdlog/version.h>
#if __has_include(<boost/version.hpp>)
#include <boost/version.hpp>
#endif

#include <exception>
#include <string>
#include <type_traits>

namespace kahu::hooks {

/// The hook ABI version. A library must have been built against exactly this version (like
/// Kea's KEA_HOOKS_VERSION); it changes whenever a header of the SDK changes incompatibly.
inline constexpr int kAbiVersion = 3;

#define KAHU_HOOK_STR2_(x) #x
#define KAHU_HOOK_STR_(x) KAHU_HOOK_STR2_(x)

#if defined(__clang__)
#define KAHU_HOOK_COMPILER_ "clang " __clang_version__
#elif defined(__GNUC__)
#define KAHU_HOOK_COMPILER_ "gcc " __VERSION__
#else
#define KAHU_HOOK_COMPILER_ "unknown"
#endif
#if defined(_GLIBCXX_RELEASE)
#define KAHU_HOOK_STDLIB_ "libstdc++ " KAHU_HOOK_STR_(_GLIBCXX_RELEASE)
#elif defined(_LIBCPP_VERSION)
#define KAHU_HOOK_STDLIB_ "libc++ " KAHU_HOOK_STR_(_LIBCPP_VERSION)
#else
#define KAHU_HOOK_STDLIB_ "unknown"
#endif
#if defined(BOOST_LIB_VERSION)
#define KAHU_HOOK_BOOST_ "boost " BOOST_LIB_VERSION
#else
#define KAHU_HOOK_BOOST_ "boost none"
#endif

#define KAHU_HOOK_SPDLOG_                                                                          \
    "spdlog " KAHU_HOOK_STR_(SPDLOG_VER_MAJOR) "." KAHU_HOOK_STR_(                                 \
        SPDLOG_VER_MINOR) "." KAHU_HOOK_STR_(SPDLOG_VER_PATCH)
#define KAHU_HOOK_JSON_                                                                            \
    "nlohmann_json " KAHU_HOOK_STR_(NLOHMANN_JSON_VERSION_MAJOR) "." KAHU_HOOK_STR_(               \
        NLOHMANN_JSON_VERSION_MINOR) "." KAHU_HOOK_STR_(NLOHMANN_JSON_VERSION_PATCH)

/// The build fingerprint: everything whose C++ ABI crosses the library boundary. The loader
/// refuses a library whose fingerprint differs from the core's.
#define KAHU_HOOK_FINGERPRINT                                                                      \
    KAHU_HOOK_COMPILER_ "; " KAHU_HOOK_STDLIB_ "; " KAHU_HOOK_BOOST_ "; " KAHU_HOOK_SPDLOG_        \
                        "; " KAHU_HOOK_JSON_

/// The core's own fingerprint (KAHU_HOOK_FINGERPRINT as the core was compiled).
KAHU_API const char* coreFingerprint() noexcept;

namespace detail {

/// The one exception barrier of every entry point: runs f, maps its result to 0 (success) or
/// non-zero, and turns any exception into -1 with its text in `error`.
template <class F> int callGuarded(std::string& error, F&& f) noexcept {
    try {
        using R = std::invoke_result_t<F&>;
        if constexpr (std::is_void_v<R>) {
            f();
            return 0;
        } else if constexpr (std::is_same_v<R, bool>) {
            if (f()) {
                return 0;
            }
            error = "returned false";
            return 1;
        } else {
            int rc = static_cast<int>(f());
            if (rc != 0) {
                error = "returned " + std::to_string(rc);
            }
            return rc;
        }
    } catch (const std::exception& e) {
        try {
            error = e.what();
        } catch (...) {
        }
    } catch (...) {
        try {
            error = "unknown exception";
        } catch (...) {
        }
    }
    return -1;
}

} // namespace detail
} // namespace kahu::hooks

#define KAHU_HOOK_EXPORT_ extern "C" __attribute__((visibility("default")))

/// Generates the entry points of a hook library from its load and unload functions.
#define KAHU_HOOK_LIBRARY(loadFn, unloadFn)                                                        \
    KAHU_HOOK_EXPORT_ int kahu_hook_abi_version() noexcept {                                       \
        return ::kahu::hooks::kAbiVersion;                                                         \
    }                                                                                              \
    KAHU_HOOK_EXPORT_ const char* kahu_hook_fingerprint() noexcept {                               \
        return KAHU_HOOK_FINGERPRINT;                                                              \
    }                                                                                              \
    KAHU_HOOK_EXPORT_ int kahu_hook_load(::kahu::hooks::LoadContext& ctx,                          \
                                         std::string& error) noexcept {                            \
        return ::kahu::hooks::detail::callGuarded(error, [&] { return loadFn(ctx); });             \
    }                                                                                              \
    KAHU_HOOK_EXPORT_ int kahu_hook_unload(std::string& error) noexcept {                          \
        return ::kahu::hooks::detail::callGuarded(error, [&] { return unloadFn(); });              \
    }

/// Declares whether the library's callouts, commands and timers are safe to run concurrently.
/// Without it the library is refused when the server runs with multi-threading (Kea's rule).
#define KAHU_HOOK_MULTI_THREADING_COMPATIBLE(yes)                                                  \
    KAHU_HOOK_EXPORT_ int kahu_hook_multi_threading_compatible() noexcept {                        \
        return (yes) ? 1 : 0;                                                                      \
    }
