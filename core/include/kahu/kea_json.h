// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/export.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

// JSON as Kea 2.2 prints it (isc::data::Element::str()), byte for byte: what Kea answers on its
// control channel, sends to an HA peer, hashes as the configuration and writes into the lease
// file's user_context column. Checked against the real Kea 2.2 by tests/data/kea_text/.
namespace kahu {

/// Kea's Element::str() text of a value:
/// * maps as `{ "a": 1, "b": [ 1, 2 ] }`, keys in byte order; lists as `[ 1, 2 ]`; empty ones
///   as `{  }` and `[  ]` (two spaces);
/// * strings: `"` `\` and `\b \f \n \r \t` escaped with a backslash, every other byte below
///   0x20 and every byte from 0x7f up as `\u00xx` (so UTF-8 text goes out as one escape per
///   byte, and so does a byte that is not UTF-8: nothing is replaced, nothing throws); `/` is
///   not escaped;
/// * integers in decimal; doubles as a C++ stream prints them (six significant digits, `%g`)
///   with `.0` appended when that has neither `.` nor exponent: `1.5`, `1.0`, `0.123457`,
///   `1.23457e+06`; non-finite doubles as `null`; `true`, `false`, `null`.
/// Where Kea 2.2's own text is not JSON, Kahu prints JSON that Kea reads back as the same value:
/// a map key's `"`, `\` and control bytes are escaped as in strings (Kea leaves them raw), a key
/// byte that is not part of UTF-8 is written `\u00xx` (Kea writes it raw; other key bytes are
/// raw as in Kea), and a double in exponent form gets no `.0` (Kea: `1e+20.0`).
KAHU_API std::string keaText(const nlohmann::json& value);

/// keaText(value) appended to out.
KAHU_API void appendKeaText(std::string& out, const nlohmann::json& value);

/// For files that Kahu's configuration reader and Kea's both read (config-write): one member
/// or element per line, `indent` spaces per level, `{}` and `[]` when empty (nlohmann's
/// dump(indent) layout, not Kea's prettyPrint). Numbers, literals and keys as in keaText;
/// string values are written as keys are (UTF-8 as it is, anything else escaped as Kea
/// escapes it), because a standard JSON reader, Kahu's included, takes Kea's per-byte
/// `\u00xx` of UTF-8 text for other characters.
KAHU_API std::string keaTextIndented(const nlohmann::json& value, unsigned indent);

/// Reads JSON the way Kea's parser does: `\u00xx` is the byte xx, so Kea's one escape per
/// byte of UTF-8 text comes back as that text. Bytes (escaped or raw) that do not form UTF-8
/// become U+FFFD (nlohmann's strings must be UTF-8). Other `\uXXXX` escapes are read as
/// standard JSON (Kea refuses them). Throws nlohmann::json::parse_error on text that is not
/// JSON, or, with allowExceptions false, returns a discarded value (is_discarded()).
KAHU_API nlohmann::json parseKeaText(std::string_view text, bool allowExceptions = true);

} // namespace kahu
