// SPDX-License-Identifier: MPL-2.0
#pragma once

/// Marks a symbol exported from libkahu_core.so. The core is built with -fvisibility=hidden, so
/// only what carries this macro is reachable from hook libraries, the binaries and the tests.
#define KAHU_API __attribute__((visibility("default")))
