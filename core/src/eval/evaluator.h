// SPDX-License-Identifier: MPL-2.0
// Runs a program on a packet. Values are byte strings on a stack, as in Kea; a value is a
// view of the program's literals, of the packet, or of a thread-local scratch buffer that
// keeps its capacity from one evaluation to the next, so a warm thread allocates nothing.
#pragma once

#include "eval/program.h"

#include <kahu/dhcp/packet4.h>
#include <string_view>

namespace kahu::eval::detail {

/// The value the program leaves; valid until the next run() on this thread. On an
/// evaluation error (Kea's EvalTypeError) the result is empty and `failure` says why (a
/// static text); otherwise `failure` is null.
std::string_view run(const Program& program, const Packet4& query, const char*& failure);

} // namespace kahu::eval::detail
