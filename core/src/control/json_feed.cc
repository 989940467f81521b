// SPDX-License-Identifier: MPL-2.0
#include "control/json_feed.h"

namespace kahu {

JsonFeed::State JsonFeed::feed(std::string_view data) {
    for (char ch : data) {
        if (state_ != State::Incomplete) {
            break;
        }
        text_.push_back(ch);
        switch (lex_) {
        case Lex::String:
            if (ch == '\\') {
                lex_ = Lex::Escape;
            } else if (ch == '"') {
                lex_ = Lex::Normal;
            }
            continue;
        case Lex::Escape:
            lex_ = Lex::String;
            continue;
        case Lex::CommentStart:
            if (ch == '/') {
                lex_ = Lex::LineComment;
            } else if (ch == '*') {
                lex_ = Lex::BlockComment;
            } else {
                state_ = State::Error;
                error_ = "invalid character after '/' (a comment starts with // or /*)";
            }
            continue;
        case Lex::LineComment:
            if (ch == '\n') {
                lex_ = Lex::Normal;
            }
            continue;
        case Lex::BlockComment:
            if (ch == '*') {
                lex_ = Lex::BlockEnd;
            }
            continue;
        case Lex::BlockEnd:
            lex_ = ch == '/' ? Lex::Normal : (ch == '*' ? Lex::BlockEnd : Lex::BlockComment);
            continue;
        case Lex::Normal:
            break;
        }
        switch (ch) {
        case '#':
            lex_ = Lex::LineComment;
            break;
        case '/':
            lex_ = Lex::CommentStart;
            break;
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            break;
        case '{':
        case '[':
            started_ = true;
            ++depth_;
            break;
        case '}':
        case ']':
            if (--depth_ == 0) {
                state_ = State::Complete;
            } else if (depth_ < 0) {
                state_ = State::Error;
                error_ = std::string("unexpected '") + ch + "'";
            }
            break;
        case '"':
            if (!started_) {
                state_ = State::Error;
                error_ = "invalid first character '\"' (a command is a JSON map)";
            }
            lex_ = Lex::String;
            break;
        default:
            if (!started_) {
                state_ = State::Error;
                error_ =
                    std::string("invalid first character '") + ch + "' (a command is a JSON map)";
            }
            break;
        }
    }
    return state_;
}

} // namespace kahu
