// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kahu {

/// Finds where one JSON value ends in a byte stream, the way Kea's JSONFeed does for the unix
/// control socket (there is no length prefix): it counts braces and brackets outside strings,
/// follows string escapes and skips '#', '//' and '/* */' comments. It does not validate the
/// value; the collected text is parsed afterwards.
class JsonFeed {
public:
    enum class State { Incomplete, Complete, Error };

    /// Feeds more bytes. Bytes after the end of the value are not consumed (a second command
    /// on the same connection is ignored, as Kea does).
    State feed(std::string_view data);

    State state() const { return state_; }
    /// The text of the value so far (comments included).
    const std::string& text() const { return text_; }
    /// Why the state is Error.
    const std::string& error() const { return error_; }

private:
    enum class Lex { Normal, String, Escape, CommentStart, LineComment, BlockComment, BlockEnd };

    State state_ = State::Incomplete;
    Lex lex_ = Lex::Normal;
    int depth_ = 0;
    bool started_ = false;
    std::string text_;
    std::string error_;
};

} // namespace kahu
