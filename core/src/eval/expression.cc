// SPDX-License-Identifier: MPL-2.0
#include "eval/evaluator.h"
#include "eval/parser.h"

#include <array>
#include <kahu/dhcp/packet4.h>
#include <kahu/eval/expression.h>

namespace kahu::eval {

ExpressionError::ExpressionError(size_t column, const std::string& msg)
    : Error(msg), column_(column) {}

bool isBuiltinClass(std::string_view name) noexcept {
    // Kea 2.6's builtinNames and builtinPrefixes (client_class_def.cc); a prefix alone is
    // not a built-in name.
    static constexpr std::array<std::string_view, 4> kNames = {"ALL", "KNOWN", "UNKNOWN", "BOOTP"};
    static constexpr std::array<std::string_view, 4> kPrefixes = {"VENDOR_CLASS_", "HA_", "AFTER_",
                                                                  "EXTERNAL_"};
    for (const auto n : kNames) {
        if (name == n) {
            return true;
        }
    }
    for (const auto p : kPrefixes) {
        if (name.size() > p.size() && name.substr(0, p.size()) == p) {
            return true;
        }
    }
    return false;
}

struct Expression::Impl {
    std::string text;
    detail::Program program;
};

Expression::Expression(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Expression::Expression(const Expression& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(const Expression& other) {
    if (this != &other) {
        impl_ = std::make_unique<Impl>(*other.impl_);
    }
    return *this;
}
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::~Expression() = default;

Expression Expression::parse(std::string_view text, ResultType type, const ParseOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->text = std::string(text);
    impl->program = detail::compile(text, type, options);
    return Expression(std::move(impl));
}

ResultType Expression::type() const noexcept {
    return impl_->program.type;
}

bool Expression::evaluateBool(const Packet4& query, const char*& failure) const {
    const std::string_view v = detail::run(impl_->program, query, failure);
    if (failure) {
        return false;
    }
    if (impl_->program.type == ResultType::String && v != "true" && v != "false") {
        failure = "Incorrect boolean. Expected exactly \"false\" or \"true\".";
        return false;
    }
    return v == "true";
}

bool Expression::evaluateBool(const Packet4& query) const {
    const char* failure = nullptr;
    return evaluateBool(query, failure);
}

std::string_view Expression::evaluateString(const Packet4& query, std::string& buffer,
                                            const char*& failure) const {
    buffer.assign(detail::run(impl_->program, query, failure));
    return buffer;
}

std::string Expression::evaluateString(const Packet4& query) const {
    std::string out;
    const char* failure = nullptr;
    evaluateString(query, out, failure);
    return out;
}

const std::string& Expression::text() const noexcept {
    return impl_->text;
}

const std::vector<std::string>& Expression::referencedClasses() const noexcept {
    return impl_->program.classes;
}

} // namespace kahu::eval
