// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <kahu/config/source_map.h>
#include <kahu/export.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace kahu {
struct LeaseStoreParams;
struct HostStoreParams;
} // namespace kahu

namespace kahu::hooks {

class LoadContext;

namespace detail {
struct ParamTree;
}

/// Reads a hook library's "parameters" (or a lease-database map given to a store factory)
/// with the core parser's rules and messages: typed getters with ranges and defaults, nested
/// maps and lists, and finish() refusing every key nobody asked for. Every error is a
/// kahu::ConfigError whose text is the core parser's, "<file>:<line>:<col>: <key path>: <text>":
///
///     kahu.conf:12:29: Dhcp4.hooks-libraries[0].parameters.rules[1].code: value 300 out of
///     range 1..254
///
/// In load():
///
///     ParamReader r(ctx);
///     std::string name = r.nonEmptyString("name");                // required
///     auto port = r.integer<uint16_t>("port", 1, 65535, 8000);     // optional: default 8000
///     for (ParamReader& rule : r.list("rules")) {                  // a list of maps
///         auto code = rule.integer<uint8_t>("code", 1, 254);
///         if (rule.has("text") == rule.has("hex"))
///             rule.fail("give one of 'text' and 'hex'");           // at the rule's position
///     }
///     r.accept({"legacy-key"});     // a key Kea knows that this library ignores
///     r.finish();                   // any other key: "unknown key 'x'"
///
/// Every getter names the key it reads, so finish() knows which keys are valid (also the ones
/// that were absent); it checks this map and every map read through it, reports the first
/// unknown key in file order, and says where the key belongs when another map of the same
/// parameters knows it ("unknown key 'url' ('url' belongs in
/// hooks-libraries[].parameters.high-availability[].peers[])"). "comment" (a string) and
/// "user-context" (a map) are accepted in every map, as in the rest of the configuration.
///
/// Texts (the core's): "missing 'x'", "expected a string, got number", "must not be empty",
/// "value 70000 out of range 0..65535", "'x' is not one of: a, b", "unknown key 'x'".
///
/// The readers handed out by map() and list() share their bookkeeping with the one they came
/// from; copies are cheap. The JSON value must outlive the readers. Not thread-safe.
class KAHU_API ParamReader {
public:
    /// The "parameters" of the library entry being loaded ({} when the entry has none), with
    /// their positions in the configuration file.
    explicit ParamReader(const LoadContext& ctx);
    /// The "lease-database" map a store factory gets, with its positions.
    explicit ParamReader(const LeaseStoreParams& params);
    /// A hosts-database entry, with its positions (HostStoreParams::source).
    explicit ParamReader(const HostStoreParams& params);
    /// Any map, named `source.path` in messages, with `source`'s positions (none: messages
    /// start with the key path). Throws ConfigError when `value` is not a map.
    ParamReader(const nlohmann::json& value, SourceMap source);

    /// This map's key path: "Dhcp4.hooks-libraries[0].parameters.rules[1]".
    const std::string& path() const noexcept;
    /// The map being read.
    const nlohmann::json& value() const noexcept;
    /// False for an optionalMap() that was absent (it reads as an empty map).
    bool present() const noexcept;
    /// True when the map holds `key`. Asking does not make the key valid for finish().
    bool has(std::string_view key) const;

    /// @name Values. Without a default the key is required ("missing 'key'").
    /// @{
    std::string string(std::string_view key);
    std::string string(std::string_view key, std::string_view def);
    /// A required string that must not be empty.
    std::string nonEmptyString(std::string_view key);
    bool boolean(std::string_view key);
    bool boolean(std::string_view key, bool def);
    /// An integer within [min, max] of type T (any integer type but uint64_t):
    /// r.integer<uint16_t>("port", 1, 65535, 8000).
    template <class T>
    T integer(std::string_view key, std::type_identity_t<T> min, std::type_identity_t<T> max) {
        checkIntegerType<T>();
        return static_cast<T>(readInteger(key, int64_t(min), int64_t(max), nullptr));
    }
    template <class T>
    T integer(std::string_view key, std::type_identity_t<T> min, std::type_identity_t<T> max,
              std::type_identity_t<T> def) {
        checkIntegerType<T>();
        const int64_t d = int64_t(def);
        return static_cast<T>(readInteger(key, int64_t(min), int64_t(max), &d));
    }
    /// Any number (integer or not) within [min, max].
    double number(std::string_view key, double min, double max);
    double number(std::string_view key, double min, double max, double def);
    /// A string that must be one of `allowed`.
    std::string oneOf(std::string_view key, std::initializer_list<std::string_view> allowed);
    std::string oneOf(std::string_view key, std::initializer_list<std::string_view> allowed,
                      std::string_view def);
    /// A list of strings.
    std::vector<std::string> strings(std::string_view key);
    std::vector<std::string> strings(std::string_view key, std::vector<std::string> def);
    /// The value as written, unchecked (null when absent); the key is valid.
    const nlohmann::json& raw(std::string_view key);
    /// Keys that are valid but not read (Kea keys this library ignores).
    void accept(std::initializer_list<std::string_view> keys);
    /// @}

    /// @name Nested maps and lists of maps, read with the same rules.
    /// @{
    /// A required map.
    ParamReader map(std::string_view key);
    /// A map that may be absent: then an empty map (its getters give their defaults) whose
    /// present() is false.
    ParamReader optionalMap(std::string_view key);
    /// A required list whose elements are all maps (it may be empty).
    std::vector<ParamReader> list(std::string_view key);
    /// The same, empty when absent.
    std::vector<ParamReader> optionalList(std::string_view key);
    /// @}

    /// Throws ConfigError for a rule the getters cannot express: at this map, or at `key`
    /// (its position when present, the map's otherwise).
    [[noreturn]] void fail(std::string_view text) const;
    [[noreturn]] void fail(std::string_view key, std::string_view text) const;

    /// Refuses the first key (in file order) of this map, and of every map read through it,
    /// that no getter, accept() or raw() named. Call it once everything is read.
    void finish();

private:
    ParamReader(std::shared_ptr<detail::ParamTree> tree, std::size_t node) noexcept
        : tree_(std::move(tree)), node_(node) {}
    template <class T> static constexpr void checkIntegerType() {
        static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                          (std::is_signed_v<T> || sizeof(T) < sizeof(int64_t)),
                      "ParamReader::integer reads bool-free integer types up to int64_t");
    }
    int64_t readInteger(std::string_view key, int64_t min, int64_t max, const int64_t* def);
    std::vector<ParamReader> readList(std::string_view key, bool required);
    ParamReader readMap(std::string_view key, bool required);

    std::shared_ptr<detail::ParamTree> tree_;
    std::size_t node_ = 0;
};

} // namespace kahu::hooks
