// SPDX-License-Identifier: MPL-2.0
#include "config/json_reader.h"

#include <charconv>
#include <fstream>
#include <kahu/error.h>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace kahu::config {

std::string pathToString(const std::vector<PathSegment>& path) {
    std::string s;
    for (const auto& seg : path) {
        if (seg.index >= 0) {
            s += "[" + std::to_string(seg.index) + "]";
        } else {
            if (!s.empty()) {
                s += '.';
            }
            s += seg.key;
        }
    }
    return s;
}

namespace {

constexpr int kMaxIncludeDepth = 10;

enum class Tok {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Colon,
    String,
    Number,
    True,
    False,
    Null,
    End
};

struct Token {
    Tok kind = Tok::End;
    std::string text; // string contents (unescaped) or number spelling
    Location where;
};

// One input being read; includes push another on top (textual inclusion, like Kea's lexer).
struct Source {
    std::string name;
    std::string text;
    size_t pos = 0;
    int line = 1;
    int column = 1;
};

std::string readFileText(const std::string& path, const Location* from) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::string msg = "cannot open '" + path + "'";
        throw ConfigError(from ? from->str() + ": " + msg : msg);
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class Lexer {
public:
    Lexer(std::string text, std::string name, bool includes) : includes_(includes) {
        sources_.push_back(Source{std::move(name), std::move(text)});
    }

    Token next() {
        for (;;) {
            skipBlanks();
            Source& s = sources_.back();
            if (s.pos >= s.text.size()) {
                if (sources_.size() > 1) {
                    sources_.pop_back();
                    continue;
                }
                return Token{Tok::End, "", here()};
            }
            if (includes_ && s.text.compare(s.pos, 2, "<?") == 0) {
                include();
                continue;
            }
            return lexToken();
        }
    }

    Location here() const {
        const Source& s = sources_.back();
        return Location{s.name, s.line, s.column};
    }

    [[noreturn]] void fail(const Location& at, const std::string& text) const {
        throw ConfigError(at.str() + ": " + text);
    }

private:
    char peek(size_t ahead = 0) const {
        const Source& s = sources_.back();
        return s.pos + ahead < s.text.size() ? s.text[s.pos + ahead] : '\0';
    }
    bool atEnd() const { return sources_.back().pos >= sources_.back().text.size(); }
    char advance() {
        Source& s = sources_.back();
        char c = s.text[s.pos++];
        if (c == '\n') {
            ++s.line;
            s.column = 1;
        } else {
            ++s.column;
        }
        return c;
    }

    void skipBlanks() {
        while (!atEnd()) {
            char c = peek();
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                advance();
            } else if (c == '#' || (c == '/' && peek(1) == '/')) {
                while (!atEnd() && peek() != '\n') {
                    advance();
                }
            } else if (c == '/' && peek(1) == '*') {
                Location start = here();
                advance();
                advance();
                while (!(peek() == '*' && peek(1) == '/')) {
                    if (atEnd()) {
                        fail(start,
                             "Comment not closed. (/* in line " + std::to_string(start.line) + ")");
                    }
                    advance();
                }
                advance();
                advance();
            } else {
                return;
            }
        }
    }

    void include() {
        Location start = here();
        const Source& s = sources_.back();
        size_t close = s.text.find("?>", s.pos);
        if (close == std::string::npos) {
            fail(start, "Directive not closed.");
        }
        std::string body = s.text.substr(s.pos + 2, close - s.pos - 2);
        while (s.pos < close + 2) {
            advance();
        }
        size_t kw = body.find_first_not_of(" \t\r\n");
        if (kw == std::string::npos || body.compare(kw, 7, "include") != 0) {
            fail(start, "Unknown directive; only <?include \"path\"?> is supported");
        }
        size_t q1 = body.find('"', kw + 7);
        size_t q2 = q1 == std::string::npos ? q1 : body.find('"', q1 + 1);
        if (q2 == std::string::npos ||
            body.find_first_not_of(" \t\r\n", q2 + 1) != std::string::npos ||
            body.find_first_not_of(" \t\r\n", kw + 7) != q1) {
            fail(start, "Invalid include directive; expected <?include \"path\"?>");
        }
        if (static_cast<int>(sources_.size()) > kMaxIncludeDepth) {
            fail(start, "Too many nested include.");
        }
        std::string path = body.substr(q1 + 1, q2 - q1 - 1);
        sources_.push_back(Source{path, readFileText(path, &start)});
    }

    Token lexToken() {
        Location at = here();
        char c = peek();
        auto single = [&](Tok k) {
            advance();
            return Token{k, "", at};
        };
        switch (c) {
        case '{':
            return single(Tok::LBrace);
        case '}':
            return single(Tok::RBrace);
        case '[':
            return single(Tok::LBracket);
        case ']':
            return single(Tok::RBracket);
        case ',':
            return single(Tok::Comma);
        case ':':
            return single(Tok::Colon);
        case '"':
            return Token{Tok::String, lexString(at), at};
        default:
            break;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return Token{Tok::Number, lexNumber(at), at};
        }
        if (c >= 'a' && c <= 'z') {
            std::string word;
            while (!atEnd() && peek() >= 'a' && peek() <= 'z') {
                word += advance();
            }
            if (word == "true") {
                return Token{Tok::True, word, at};
            }
            if (word == "false") {
                return Token{Tok::False, word, at};
            }
            if (word == "null") {
                return Token{Tok::Null, word, at};
            }
            fail(at, "invalid token '" + word + "'");
        }
        fail(at, std::string("unexpected character '") + c + "'");
    }

    static void appendUtf8(std::string& out, uint32_t cp) {
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xc0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += char(0xe0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3f));
            out += char(0x80 | (cp & 0x3f));
        } else {
            out += char(0xf0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3f));
            out += char(0x80 | ((cp >> 6) & 0x3f));
            out += char(0x80 | (cp & 0x3f));
        }
    }

    uint32_t hex4(const Location& at) {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            char h = atEnd() ? '\0' : advance();
            int d = (h >= '0' && h <= '9')   ? h - '0'
                    : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                    : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                             : -1;
            if (d < 0) {
                fail(at, "invalid \\u escape in string");
            }
            v = v * 16 + uint32_t(d);
        }
        return v;
    }

    std::string lexString(const Location& at) {
        advance(); // opening quote
        std::string out;
        for (;;) {
            if (atEnd() || peek() == '\n') {
                fail(at, "unterminated string");
            }
            char c = advance();
            if (c == '"') {
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                fail(at, "control character in string");
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            char e = atEnd() ? '\0' : advance();
            switch (e) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                uint32_t cp = hex4(at);
                if (cp >= 0xd800 && cp < 0xdc00 && peek() == '\\' && peek(1) == 'u') {
                    advance();
                    advance();
                    uint32_t lo = hex4(at);
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                appendUtf8(out, cp);
                break;
            }
            default:
                fail(at, std::string("invalid escape '\\") + e + "' in string");
            }
        }
    }

    std::string lexNumber(const Location& at) {
        std::string s;
        auto digits = [&] {
            size_t n = 0;
            while (!atEnd() && peek() >= '0' && peek() <= '9') {
                s += advance();
                ++n;
            }
            return n;
        };
        if (peek() == '-') {
            s += advance();
        }
        if (digits() == 0) {
            fail(at, "invalid number");
        }
        if (peek() == '.') {
            s += advance();
            if (digits() == 0) {
                fail(at, "invalid number '" + s + "'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            s += advance();
            if (peek() == '+' || peek() == '-') {
                s += advance();
            }
            if (digits() == 0) {
                fail(at, "invalid number '" + s + "'");
            }
        }
        return s;
    }

    std::vector<Source> sources_;
    bool includes_;
};

class Parser {
public:
    static constexpr size_t kMaxNesting = 128;

    Parser(Lexer& lexer, const JsonReadOptions& options, JsonDocument& doc)
        : lexer_(lexer), options_(options), doc_(doc) {}

    void parseDocument() {
        Token t = lexer_.next();
        if (t.kind == Tok::End) {
            lexer_.fail(t.where, "empty document");
        }
        doc_.locations[""] = t.where;
        doc_.value = parseValue(t);
        Token end = lexer_.next();
        if (end.kind != Tok::End) {
            lexer_.fail(end.where, "unexpected content after the end of the document");
        }
    }

private:
    static const char* describe(Tok k) {
        switch (k) {
        case Tok::LBrace:
            return "'{'";
        case Tok::RBrace:
            return "'}'";
        case Tok::LBracket:
            return "'['";
        case Tok::RBracket:
            return "']'";
        case Tok::Comma:
            return "','";
        case Tok::Colon:
            return "':'";
        case Tok::String:
            return "a string";
        case Tok::Number:
            return "a number";
        case Tok::True:
        case Tok::False:
            return "a boolean";
        case Tok::Null:
            return "null";
        case Tok::End:
            return "the end of input";
        }
        return "?";
    }

    [[noreturn]] void unexpected(const Token& t, const char* expected) {
        lexer_.fail(t.where, std::string("syntax error: expected ") + expected + ", got " +
                                 describe(t.kind) + " (in " +
                                 (path_.empty() ? std::string("top level") : pathToString(path_)) +
                                 ")");
    }

    nlohmann::json parseValue(const Token& t) {
        switch (t.kind) {
        case Tok::LBrace:
        case Tok::LBracket:
            // The parser recurses per level: a hostile document (config-set over the control
            // API) nested thousands deep would overflow the stack. Real configurations nest
            // about ten deep.
            if (path_.size() >= kMaxNesting) {
                lexer_.fail(t.where, "nesting deeper than " + std::to_string(kMaxNesting) +
                                         " levels (in " + pathToString(path_) + ")");
            }
            return t.kind == Tok::LBrace ? parseMap() : parseList();
        case Tok::String:
            return t.text;
        case Tok::True:
            return true;
        case Tok::False:
            return false;
        case Tok::Null:
            return nullptr;
        case Tok::Number:
            return number(t);
        default:
            unexpected(t, "a value");
        }
    }

    nlohmann::json number(const Token& t) {
        const std::string& s = t.text;
        if (s.find_first_of(".eE") == std::string::npos) {
            const char* b = s.data();
            const char* e = s.data() + s.size();
            if (s[0] == '-') {
                int64_t v = 0;
                if (std::from_chars(b, e, v).ec == std::errc()) {
                    return v;
                }
            } else {
                uint64_t v = 0;
                if (std::from_chars(b, e, v).ec == std::errc()) {
                    if (v <= uint64_t(INT64_MAX)) {
                        return int64_t(v);
                    }
                    return v;
                }
            }
            lexer_.fail(t.where, "integer out of range: " + s);
        }
        try {
            return std::stod(s);
        } catch (const std::out_of_range&) {
            lexer_.fail(t.where, "number out of range: " + s);
        } catch (const std::invalid_argument&) {
            lexer_.fail(t.where, "invalid number: " + s);
        }
        return 0.0; // not reached: fail() throws
    }

    void trailingComma(const Location& at) {
        if (!options_.allowTrailingCommas) {
            lexer_.fail(at, "syntax error: extraneous comma");
        }
        doc_.warnings.push_back(at.str() +
                                ": Extraneous comma. A piece of configuration may have been "
                                "omitted.");
    }

    nlohmann::json parseMap() {
        nlohmann::json obj = nlohmann::json::object();
        Token t = lexer_.next();
        if (t.kind == Tok::RBrace) {
            return obj;
        }
        for (;;) {
            if (t.kind != Tok::String) {
                unexpected(t, "a key string or '}'");
            }
            std::string key = t.text;
            if (obj.contains(key)) {
                lexer_.fail(t.where, (path_.empty() ? std::string() : pathToString(path_) + ": ") +
                                         "duplicate key '" + key + "'");
            }
            if (options_.onKey) {
                options_.onKey(path_, key, t.where);
            }
            Token colon = lexer_.next();
            if (colon.kind != Tok::Colon) {
                unexpected(colon, "':'");
            }
            path_.push_back(PathSegment{key, -1});
            doc_.locations[pathToString(path_)] = t.where;
            obj[key] = parseValue(lexer_.next());
            path_.pop_back();

            Token sep = lexer_.next();
            if (sep.kind == Tok::RBrace) {
                return obj;
            }
            if (sep.kind != Tok::Comma) {
                unexpected(sep, "',' or '}'");
            }
            t = lexer_.next();
            if (t.kind == Tok::RBrace) {
                trailingComma(sep.where);
                return obj;
            }
        }
    }

    nlohmann::json parseList() {
        nlohmann::json arr = nlohmann::json::array();
        Token t = lexer_.next();
        if (t.kind == Tok::RBracket) {
            return arr;
        }
        for (int index = 0;; ++index) {
            path_.push_back(PathSegment{"", index});
            doc_.locations[pathToString(path_)] = t.where;
            arr.push_back(parseValue(t));
            path_.pop_back();

            Token sep = lexer_.next();
            if (sep.kind == Tok::RBracket) {
                return arr;
            }
            if (sep.kind != Tok::Comma) {
                unexpected(sep, "',' or ']'");
            }
            t = lexer_.next();
            if (t.kind == Tok::RBracket) {
                trailingComma(sep.where);
                return arr;
            }
        }
    }

    Lexer& lexer_;
    const JsonReadOptions& options_;
    JsonDocument& doc_;
    std::vector<PathSegment> path_;
};

} // namespace

JsonDocument readJsonText(std::string_view text, std::string_view origin,
                          const JsonReadOptions& options) {
    JsonDocument doc;
    Lexer lexer(std::string(text), std::string(origin), options.allowIncludes);
    Parser parser(lexer, options, doc);
    parser.parseDocument();
    return doc;
}

JsonDocument readJsonFile(const std::string& path, const JsonReadOptions& options) {
    return readJsonText(readFileText(path, nullptr), path, options);
}

JsonDocument readJsonStrict(std::string_view text, std::string_view origin) {
    JsonReadOptions options;
    options.allowTrailingCommas = false;
    options.allowIncludes = false;
    return readJsonText(text, origin, options);
}

} // namespace kahu::config
