// How deeply a JSON text nests, counted without parsing it: a check that runs
// before a recursive parser sees untrusted input.
#pragma once

#include <string_view>

namespace onyx::core {

/// The deepest nesting of arrays and objects in `text` (brackets inside strings
/// do not count). Garbage in, a number out: never fails.
int JsonDepth(std::string_view text);

}  // namespace onyx::core
