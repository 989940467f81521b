// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/export.h>
#include <stdexcept>
#include <string>

namespace kahu {

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

/// A command failed; the control channel turns it into result 1 with what() as text.
class KAHU_API CommandError : public Error {
public:
    using Error::Error;
};

/// A lease store operation failed (I/O, database).
class KAHU_API StoreError : public Error {
public:
    using Error::Error;
};

} // namespace kahu
