// SPDX-License-Identifier: MPL-2.0
// Kea's expression grammar (parser.yy, DHCPv4 side) as a recursive-descent parser that emits
// the program in reverse Polish order while it checks types: booleans and strings never mix
// except through '==' and ifelse(), as in Kea's grammar, which has separate rules for them.
#pragma once

#include "eval/program.h"

#include <kahu/eval/expression.h>
#include <string_view>

namespace kahu::eval::detail {

/// Parses `text` into a program yielding `type`; throws ExpressionError.
Program compile(std::string_view text, ResultType type, const ParseOptions& options);

} // namespace kahu::eval::detail
