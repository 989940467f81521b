// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/export.h>
#include <stdexcept>
#include <string>

namespace kahu {

enum class CommandResult : int; // kahu/command/answer.h

/// Base of every control-plane error (config, loading, commands). The packet path never throws.
class KAHU_API Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A configuration error. what() is the full operator-facing message:
/// "<file>:<line>:<col>: <key path>: <text>".
class KAHU_API ConfigError : public Error {
public:
    using Error::Error;
};

/// A hook library could not be validated or loaded.
class KAHU_API HookError : public Error {
public:
    using Error::Error;
};

/// A command failed: thrown from a command handler, it becomes Kea's answer
/// {"result": result(), "text": what()}. Result 1 (CommandResult::Error) unless given, e.g.
/// `throw CommandError(CommandResult::Empty, "IPv4 lease not found.")`.
class KAHU_API CommandError : public Error {
public:
    explicit CommandError(const std::string& text)
        : Error(text), result_(static_cast<CommandResult>(1)) {}
    CommandError(CommandResult result, const std::string& text) : Error(text), result_(result) {}
    CommandResult result() const noexcept { return result_; }

private:
    CommandResult result_;
};

/// A lease store operation failed (I/O, database).
class KAHU_API StoreError : public Error {
public:
    using Error::Error;
};

} // namespace kahu
