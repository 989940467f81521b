// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstddef>
#include <functional>
#include <kahu/error.h>
#include <kahu/export.h>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kahu {
class Packet4;
class OptionDefinitions;
} // namespace kahu

namespace kahu::eval {

/// What an expression yields: "test" expressions must be Bool; flex-option/flex-id use String.
enum class ResultType { Bool, String };

/// Thrown by Expression::parse: `column` is 1-based inside the expression text (a byte
/// offset; a newline does not restart it); what() is the message without position (the
/// config parser adds file:line:col of the JSON string + column).
class KAHU_API ExpressionError : public kahu::Error {
public:
    ExpressionError(size_t column, const std::string& msg);
    size_t column() const noexcept { return column_; }

private:
    size_t column_;
};

/// What parse() may refer to besides the expression text.
struct ParseOptions {
    /// The classes member() may name besides Kea's built-in ones (isBuiltinClass): for a
    /// client class, those defined before it. Null accepts any name.
    std::function<bool(std::string_view)> classDefined;
    /// Option definitions for option[name] and for reading option values (a configuration's
    /// option-def entries layered over the standard ones); null means
    /// OptionDefinitions::standard(). Only read during parse().
    const OptionDefinitions* definitions = nullptr;
};

/// Kea's built-in class names, which member() may always name: ALL, KNOWN, UNKNOWN, BOOTP, and
/// names longer than the prefixes VENDOR_CLASS_, HA_, AFTER_, EXTERNAL_ (Kea 2.6's
/// isClientClassBuiltIn; DROP is special but not built in, so it must be defined).
KAHU_API bool isBuiltinClass(std::string_view name) noexcept;

/// One expression of Kea's client-classification language (Kea 2.6, DHCPv4): parsed once,
/// at configuration time, into a flat program, then evaluated per packet.
///
///     auto e = Expression::parse("substring(option[61].hex,0,3) == 'foo'", ResultType::Bool);
///     if (e.evaluateBool(query)) { ... }
///
/// Evaluation never throws for what a packet holds. What Kea reports as an evaluation error
/// (e.g. int8totext of two bytes) makes evaluateBool() false and evaluateString() empty, as
/// a class is then not matched and flex-option leaves the option alone; the overloads with
/// `failure` say why. A Bool evaluation allocates nothing once the thread has evaluated
/// expressions of that size before (a thread-local scratch buffer is reused), nor does the
/// buffer form of evaluateString once `buffer` has grown. Evaluating one Expression from
/// many threads at once is safe.
class KAHU_API Expression {
public:
    /// Throws ExpressionError for text Kea refuses, with the column and what was expected:
    /// syntax, an unknown option name ("option 'foo' is not defined"), numbers out of range,
    /// member() of a class not defined yet ("Not defined client class 'x'"), and a string
    /// expression where a boolean is required (and the other way round).
    static Expression parse(std::string_view text, ResultType type, const ParseOptions& = {});

    Expression(const Expression&);
    Expression(Expression&&) noexcept;
    Expression& operator=(const Expression&);
    Expression& operator=(Expression&&) noexcept;
    ~Expression();

    ResultType type() const noexcept;
    /// For a Bool expression; a String one is true when it yields exactly "true".
    bool evaluateBool(const Packet4& query) const;
    /// For a String expression; a Bool one yields "true" or "false", as in Kea.
    std::string evaluateString(const Packet4& query) const;
    /// As above; `failure` is why the evaluation failed (Kea's text, a static string) or null.
    bool evaluateBool(const Packet4& query, const char*& failure) const;
    /// The packet path's form: the value is written into `buffer` (reused, so no allocation
    /// once it is large enough) and the view returned refers to it.
    std::string_view evaluateString(const Packet4& query, std::string& buffer,
                                    const char*& failure) const;

    const std::string& text() const noexcept;
    /// Class names the expression tests with member(), in order of appearance without
    /// repeats, so the caller can order evaluation and defer classes that depend on
    /// KNOWN/UNKNOWN until after host lookup.
    const std::vector<std::string>& referencedClasses() const noexcept;

private:
    struct Impl;
    explicit Expression(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace kahu::eval
