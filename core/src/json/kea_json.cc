// SPDX-License-Identifier: MPL-2.0
// Kea's JSON text (isc::data::Element::str(), data.cc), checked byte for byte against Kea 2.2
// by tests/core/json/kea_text_golden_test.cc.
#include <charconv>
#include <cmath>
#include <kahu/dhcp/hw_addr.h>
#include <kahu/kea_json.h>

namespace kahu {

namespace {

using json = nlohmann::json;

constexpr char kHex[] = "0123456789abcdef";

// The length of the well-formed UTF-8 sequence that starts at s[i] (the Unicode standard's
// table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), 0 when there is none.
size_t utf8Length(std::string_view s, size_t i) noexcept {
    auto at = [&s](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = at(i);
    if (c < 0x80) {
        return 1;
    }
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xbf; // the range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (i + n > s.size() || at(i + 1) < lo || at(i + 1) > hi) {
        return 0;
    }
    for (size_t k = 2; k < n; ++k) {
        if (at(i + k) < 0x80 || at(i + k) > 0xbf) {
            return 0;
        }
    }
    return n;
}

void appendByteEscape(std::string& out, unsigned char c) {
    out += "\\u00";
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
}

// The escapes StringElement::toJSON writes for a byte, false for a byte it writes as it is
// (printable ASCII but '"' and '\\'); the bytes from 0x7f up are left to the caller.
bool appendControlEscape(std::string& out, unsigned char c) {
    switch (c) {
    case '"':
        out += "\\\"";
        return true;
    case '\\':
        out += "\\\\";
        return true;
    case '\b':
        out += "\\b";
        return true;
    case '\f':
        out += "\\f";
        return true;
    case '\n':
        out += "\\n";
        return true;
    case '\r':
        out += "\\r";
        return true;
    case '\t':
        out += "\\t";
        return true;
    default:
        if (c < 0x20) {
            appendByteEscape(out, c);
            return true;
        }
        return false;
    }
}

// How a string's bytes from 0x7f up are written.
enum class High {
    Escaped, // StringElement::toJSON: each as \u00xx, whatever it is part of
    Utf8,    // UTF-8 as it is, any other byte as \u00xx
};

// StringElement::toJSON, or, with High::Utf8, MapElement::toJSON's key: Kea prints a key
// between quotes as it is. So do we, but for the bytes that would make it something other than
// JSON: '"', '\\' and control bytes are escaped as in strings, a byte that is not part of UTF-8
// as \u00xx (Kea's parser reads both back as the byte they stand for).
void appendString(std::string& out, std::string_view s, High high) {
    out += '"';
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (appendControlEscape(out, c)) {
            continue;
        }
        if (c < 0x7f || (c == 0x7f && high == High::Utf8)) {
            out += s[i];
        } else if (size_t n = high == High::Utf8 ? utf8Length(s, i) : 0; n > 0) {
            out.append(s.substr(i, n));
            i += n - 1;
        } else {
            appendByteEscape(out, c);
        }
    }
    out += '"';
}

// DoubleElement::toJSON: the stream's default form (%g, six significant digits), ".0" added
// when that has no '.'. Kea adds it after an exponent too (1e+20.0, not JSON): not here.
void appendDouble(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null"; // Kea cannot hold these; nlohmann prints them so
        return;
    }
    char buf[32];
    auto end = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::general, 6).ptr;
    std::string_view text(buf, static_cast<size_t>(end - buf));
    out += text;
    if (text.find_first_of(".e") == std::string_view::npos) {
        out += ".0";
    }
}

template <class T> void appendInteger(std::string& out, T v) {
    char buf[24];
    auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    out.append(buf, end);
}

void appendScalar(std::string& out, const json& v, High high) {
    switch (v.type()) {
    case json::value_t::string:
        appendString(out, v.get_ref<const std::string&>(), high);
        break;
    case json::value_t::boolean:
        out += v.get<bool>() ? "true" : "false";
        break;
    case json::value_t::number_integer:
        appendInteger(out, v.get<int64_t>());
        break;
    case json::value_t::number_unsigned:
        appendInteger(out, v.get<uint64_t>());
        break;
    case json::value_t::number_float:
        appendDouble(out, v.get<double>());
        break;
    case json::value_t::binary: { // not JSON (only made in code): its bytes as a list
        const auto& bytes = v.get_binary();
        out += "[ ";
        for (size_t i = 0; i < bytes.size(); ++i) {
            out += i ? ", " : "";
            appendInteger(out, bytes[i]);
        }
        out += " ]";
        break;
    }
    default: // null, discarded
        out += "null";
        break;
    }
}

void appendIndented(std::string& out, const json& v, unsigned indent, unsigned level) {
    auto newline = [&out, indent](unsigned depth) {
        out += '\n';
        out.append(static_cast<size_t>(indent) * depth, ' ');
    };
    if (v.is_object()) {
        if (v.empty()) {
            out += "{}";
            return;
        }
        out += '{';
        bool first = true;
        for (auto it = v.begin(); it != v.end(); ++it) {
            out += first ? "" : ",";
            first = false;
            newline(level + 1);
            appendString(out, it.key(), High::Utf8);
            out += ": ";
            appendIndented(out, it.value(), indent, level + 1);
        }
        newline(level);
        out += '}';
    } else if (v.is_array()) {
        if (v.empty()) {
            out += "[]";
            return;
        }
        out += '[';
        bool first = true;
        for (const auto& e : v) {
            out += first ? "" : ",";
            first = false;
            newline(level + 1);
            appendIndented(out, e, indent, level + 1);
        }
        newline(level);
        out += ']';
    } else {
        appendScalar(out, v, High::Utf8);
    }
}

// Whether the text holds a byte or an escape that parseKeaText must turn into UTF-8 first.
bool needsKeaReading(std::string_view text) noexcept {
    for (size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            return true;
        }
        if (c == '\\' && i + 1 < text.size()) {
            if (text[i + 1] == 'u' && i + 5 < text.size() && text[i + 2] == '0' &&
                text[i + 3] == '0' && hexNibble(text[i + 4]) >= 8) {
                return true;
            }
            ++i; // an escape pair is skipped whole, so "\\u00e9" is no escape
        }
    }
    return false;
}

// The text with each \u00xx of a byte from 0x80 up made that byte, and every run of such
// bytes (escaped or raw) that is not UTF-8 replaced by \ufffd escapes, one per bad byte.
std::string utf8FromKeaText(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::string pending; // bytes from 0x80 up not yet written
    auto flush = [&out, &pending] {
        for (size_t i = 0; i < pending.size();) {
            size_t n = utf8Length(pending, i);
            if (n == 0) {
                out += "\\ufffd";
                ++i;
            } else {
                out.append(pending, i, n);
                i += n;
            }
        }
        pending.clear();
    };
    for (size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            pending += text[i];
            continue;
        }
        if (c == '\\' && i + 1 < text.size()) {
            if (text[i + 1] == 'u' && i + 5 < text.size() && text[i + 2] == '0' &&
                text[i + 3] == '0') {
                int hi = hexNibble(text[i + 4]), lo = hexNibble(text[i + 5]);
                if (hi >= 8 && lo >= 0) {
                    pending += static_cast<char>(hi << 4 | lo);
                    i += 5;
                    continue;
                }
            }
            flush();
            out += text[i];
            out += text[i + 1];
            ++i;
            continue;
        }
        flush();
        out += text[i];
    }
    flush();
    return out;
}

} // namespace

void appendKeaText(std::string& out, const json& v) {
    switch (v.type()) {
    case json::value_t::object: {
        if (v.empty()) {
            out += "{  }";
            return;
        }
        out += "{ ";
        bool first = true;
        for (auto it = v.begin(); it != v.end(); ++it) { // sorted by key, as Kea's std::map
            out += first ? "" : ", ";
            first = false;
            appendString(out, it.key(), High::Utf8);
            out += ": ";
            appendKeaText(out, it.value());
        }
        out += " }";
        return;
    }
    case json::value_t::array: {
        if (v.empty()) {
            out += "[  ]";
            return;
        }
        out += "[ ";
        bool first = true;
        for (const auto& e : v) {
            out += first ? "" : ", ";
            first = false;
            appendKeaText(out, e);
        }
        out += " ]";
        return;
    }
    default:
        appendScalar(out, v, High::Escaped);
    }
}

std::string keaText(const json& value) {
    std::string out;
    appendKeaText(out, value);
    return out;
}

std::string keaTextIndented(const json& value, unsigned indent) {
    std::string out;
    appendIndented(out, value, indent, 0);
    return out;
}

json parseKeaText(std::string_view text, bool allowExceptions) {
    if (!needsKeaReading(text)) {
        return json::parse(text, nullptr, allowExceptions);
    }
    return json::parse(utf8FromKeaText(text), nullptr, allowExceptions);
}

} // namespace kahu
