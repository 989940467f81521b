// SPDX-License-Identifier: MPL-2.0
// ParamReader: the core parser's getters and texts (config/parse_context.cc) for JSON that the
// core does not parse itself: a hook library's "parameters" and a hook's lease-database map.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <kahu/error.h>
#include <kahu/hooks/load_context.h>
#include <kahu/hooks/param_reader.h>
#include <kahu/lease/lease_store.h>
#include <optional>
#include <tuple>
#include <unordered_map>

namespace kahu::hooks {

namespace detail {

/// One map being read: where it is, and every key a getter named in it.
struct ParamNode {
    std::string rel;  ///< path relative to the source: "" (the root), "rules[1]"
    std::string path; ///< the whole key path, for messages
    const nlohmann::json* value;
    bool present = true;
    std::vector<std::string> known;
};

/// What the readers of one value share. Nodes are never removed, so references stay valid.
struct ParamTree {
    std::shared_ptr<const SourceMap> source;
    std::deque<ParamNode> nodes;
    std::unordered_map<std::string, std::size_t> byRel; ///< index into nodes
};

} // namespace detail

namespace {

using detail::ParamNode;
using detail::ParamTree;
using nlohmann::json;

const json& emptyMap() {
    static const json m = json::object();
    return m;
}

const json& nullValue() {
    static const json n;
    return n;
}

std::string joinKey(const std::string& rel, std::string_view key) {
    return rel.empty() ? std::string(key) : rel + "." + std::string(key);
}

std::string joinIndex(const std::string& rel, std::size_t i) {
    return rel + "[" + std::to_string(i) + "]";
}

std::string absolute(const SourceMap& source, const std::string& rel) {
    if (source.path.empty()) {
        return rel;
    }
    if (rel.empty()) {
        return source.path;
    }
    return source.path + (rel.front() == '[' ? "" : ".") + rel;
}

/// The core's message: "<file>:<line>:<col>: <path>: <text>", leaving out what is unknown.
std::string message(const std::string& where, const std::string& path, std::string_view text) {
    std::string msg = where;
    if (!path.empty()) {
        msg += (msg.empty() ? "" : ": ") + path;
    }
    return msg + (msg.empty() ? "" : ": ") + std::string(text);
}

[[noreturn]] void throwAt(const ParamTree& tree, const std::string& rel, std::string_view text) {
    throw ConfigError(message(tree.source->locate(rel), absolute(*tree.source, rel), text));
}

/// "hooks-libraries[].parameters.high-availability[].peers[]" (the core's hint form).
std::string generic(const std::string& path) {
    std::string p = path.rfind("Dhcp4.", 0) == 0 ? path.substr(6) : path;
    std::string out;
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '[') {
            std::size_t close = p.find(']', i);
            if (close != std::string::npos) {
                out += "[]";
                i = close;
                continue;
            }
        }
        out += p[i];
    }
    return out;
}

/// (line, column) of "file:line:col", for ordering; nullopt when it has no position.
std::optional<std::tuple<std::string, long, long>> position(const std::string& where) {
    auto c2 = where.rfind(':');
    if (c2 == std::string::npos || c2 == 0) {
        return std::nullopt;
    }
    auto c1 = where.rfind(':', c2 - 1);
    if (c1 == std::string::npos) {
        return std::nullopt;
    }
    try {
        return std::make_tuple(where.substr(0, c1), std::stol(where.substr(c1 + 1, c2 - c1 - 1)),
                               std::stol(where.substr(c2 + 1)));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

} // namespace

// --- construction --------------------------------------------------------------------------

namespace {

std::shared_ptr<ParamTree> makeTree(const json& value, std::shared_ptr<const SourceMap> source) {
    auto tree = std::make_shared<ParamTree>();
    tree->source = source ? std::move(source) : std::make_shared<const SourceMap>();
    ParamNode root;
    root.path = tree->source->path;
    root.value = &value;
    tree->nodes.push_back(std::move(root));
    tree->byRel.emplace("", 0);
    if (!value.is_object()) {
        throwAt(*tree, "", std::string("expected a map, got ") + value.type_name());
    }
    return tree;
}

std::shared_ptr<const SourceMap> storeSource(const LeaseStoreParams& params) {
    if (params.source) {
        return params.source;
    }
    auto s = std::make_shared<SourceMap>();
    s->path = "Dhcp4.lease-database";
    return s;
}

} // namespace

ParamReader::ParamReader(const LoadContext& ctx)
    : tree_(makeTree(ctx.parameters(), ctx.parameterSource())) {}

ParamReader::ParamReader(const LeaseStoreParams& params)
    : tree_(makeTree(params.config, storeSource(params))) {}

ParamReader::ParamReader(const HostStoreParams& params)
    : tree_(makeTree(
          params.config, params.source ? params.source : [&] {
              auto s = std::make_shared<SourceMap>();
              s->path = params.path.empty() ? "Dhcp4.hosts-database" : params.path;
              return std::shared_ptr<const SourceMap>(s);
          }())) {}

ParamReader::ParamReader(const nlohmann::json& value, SourceMap source)
    : tree_(makeTree(value, std::make_shared<const SourceMap>(std::move(source)))) {}

// --- the map itself ------------------------------------------------------------------------

const std::string& ParamReader::path() const noexcept {
    return tree_->nodes[node_].path;
}

const nlohmann::json& ParamReader::value() const noexcept {
    return *tree_->nodes[node_].value;
}

bool ParamReader::present() const noexcept {
    return tree_->nodes[node_].present;
}

bool ParamReader::has(std::string_view key) const {
    return value().contains(key);
}

void ParamReader::fail(std::string_view text) const {
    throwAt(*tree_, tree_->nodes[node_].rel, text);
}

void ParamReader::fail(std::string_view key, std::string_view text) const {
    // The message names the key even when it is absent; the position is then the map's.
    const ParamNode& n = tree_->nodes[node_];
    throwAt(*tree_, joinKey(n.rel, key), text);
}

// --- getters -------------------------------------------------------------------------------

namespace {

/// Marks `key` valid in the map and returns its value: nullptr when absent, which fails with
/// "missing 'key'" at the map when `required`.
const json* lookup(ParamTree& tree, std::size_t index, std::string_view key, bool required) {
    ParamNode& node = tree.nodes[index];
    if (std::find(node.known.begin(), node.known.end(), key) == node.known.end()) {
        node.known.emplace_back(key);
    }
    auto it = node.value->find(key);
    if (it == node.value->end()) {
        if (required) {
            throwAt(tree, node.rel, "missing '" + std::string(key) + "'");
        }
        return nullptr;
    }
    return &*it;
}

} // namespace

std::string ParamReader::string(std::string_view key) {
    const json* v = lookup(*tree_, node_, key, true);
    if (!v->is_string()) {
        fail(key, std::string("expected a string, got ") + v->type_name());
    }
    return v->get<std::string>();
}

std::string ParamReader::string(std::string_view key, std::string_view def) {
    const json* v = lookup(*tree_, node_, key, false);
    return v == nullptr ? std::string(def) : string(key);
}

std::string ParamReader::nonEmptyString(std::string_view key) {
    std::string s = string(key);
    if (s.empty()) {
        fail(key, "must not be empty");
    }
    return s;
}

bool ParamReader::boolean(std::string_view key) {
    const json* v = lookup(*tree_, node_, key, true);
    if (!v->is_boolean()) {
        fail(key, std::string("expected a boolean, got ") + v->type_name());
    }
    return v->get<bool>();
}

bool ParamReader::boolean(std::string_view key, bool def) {
    const json* v = lookup(*tree_, node_, key, false);
    return v == nullptr ? def : boolean(key);
}

int64_t ParamReader::readInteger(std::string_view key, int64_t min, int64_t max,
                                 const int64_t* def) {
    const json* v = lookup(*tree_, node_, key, def == nullptr);
    if (v == nullptr) {
        return *def;
    }
    if (!v->is_number_integer()) {
        fail(key, std::string("expected an integer, got ") + v->type_name());
    }
    if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(INT64_MAX)) {
        fail(key, "value " + v->dump() + " out of range " + std::to_string(min) + ".." +
                      std::to_string(max));
    }
    int64_t i = v->get<int64_t>();
    if (i < min || i > max) {
        fail(key, "value " + std::to_string(i) + " out of range " + std::to_string(min) + ".." +
                      std::to_string(max));
    }
    return i;
}

double ParamReader::number(std::string_view key, double min, double max) {
    const json* v = lookup(*tree_, node_, key, true);
    if (!v->is_number()) {
        fail(key, std::string("expected a number, got ") + v->type_name());
    }
    double d = v->get<double>();
    if (std::isnan(d) || d < min || d > max) {
        fail(key, "value " + v->dump() + " out of range");
    }
    return d;
}

double ParamReader::number(std::string_view key, double min, double max, double def) {
    const json* v = lookup(*tree_, node_, key, false);
    return v == nullptr ? def : number(key, min, max);
}

namespace {

std::string checkOneOf(const ParamReader& r, std::string_view key, const std::string& s,
                       std::initializer_list<std::string_view> allowed) {
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
        std::string list;
        for (auto a : allowed) {
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        r.fail(key, "'" + s + "' is not one of: " + list);
    }
    return s;
}

} // namespace

std::string ParamReader::oneOf(std::string_view key,
                               std::initializer_list<std::string_view> allowed) {
    return checkOneOf(*this, key, string(key), allowed);
}

std::string ParamReader::oneOf(std::string_view key,
                               std::initializer_list<std::string_view> allowed,
                               std::string_view def) {
    return has(key) ? oneOf(key, allowed) : string(key, def);
}

std::vector<std::string> ParamReader::strings(std::string_view key) {
    const json* v = lookup(*tree_, node_, key, true);
    if (!v->is_array()) {
        fail(key, std::string("expected a list, got ") + v->type_name());
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v->size(); ++i) {
        const json& e = (*v)[i];
        if (!e.is_string()) {
            throwAt(*tree_, joinIndex(joinKey(tree_->nodes[node_].rel, key), i),
                    std::string("expected a string, got ") + e.type_name());
        }
        out.push_back(e.get<std::string>());
    }
    return out;
}

std::vector<std::string> ParamReader::strings(std::string_view key, std::vector<std::string> def) {
    const json* v = lookup(*tree_, node_, key, false);
    return v == nullptr ? std::move(def) : strings(key);
}

const nlohmann::json& ParamReader::raw(std::string_view key) {
    const json* v = lookup(*tree_, node_, key, false);
    return v == nullptr ? nullValue() : *v;
}

void ParamReader::accept(std::initializer_list<std::string_view> keys) {
    for (auto key : keys) {
        lookup(*tree_, node_, key, false);
    }
}

// --- maps and lists ------------------------------------------------------------------------

namespace {

/// The node of the map at `rel` (one per path, so that keys read through two readers of the
/// same map add up).
std::size_t nodeFor(ParamTree& tree, const std::string& rel, const json& value, bool present) {
    if (auto it = tree.byRel.find(rel); it != tree.byRel.end()) {
        return it->second;
    }
    ParamNode n;
    n.rel = rel;
    n.path = absolute(*tree.source, rel);
    n.value = &value;
    n.present = present;
    tree.nodes.push_back(std::move(n));
    tree.byRel.emplace(rel, tree.nodes.size() - 1);
    return tree.nodes.size() - 1;
}

} // namespace

ParamReader ParamReader::readMap(std::string_view key, bool required) {
    const json* v = lookup(*tree_, node_, key, required);
    const std::string rel = joinKey(tree_->nodes[node_].rel, key);
    if (v == nullptr) {
        return ParamReader(tree_, nodeFor(*tree_, rel, emptyMap(), false));
    }
    if (!v->is_object()) {
        fail(key, std::string("expected a map, got ") + v->type_name());
    }
    return ParamReader(tree_, nodeFor(*tree_, rel, *v, true));
}

ParamReader ParamReader::map(std::string_view key) {
    return readMap(key, true);
}

ParamReader ParamReader::optionalMap(std::string_view key) {
    return readMap(key, false);
}

std::vector<ParamReader> ParamReader::readList(std::string_view key, bool required) {
    const json* v = lookup(*tree_, node_, key, required);
    std::vector<ParamReader> out;
    if (v == nullptr) {
        return out;
    }
    if (!v->is_array()) {
        fail(key, std::string("expected a list, got ") + v->type_name());
    }
    const std::string rel = joinKey(tree_->nodes[node_].rel, key);
    for (std::size_t i = 0; i < v->size(); ++i) {
        const json& e = (*v)[i];
        if (!e.is_object()) {
            throwAt(*tree_, joinIndex(rel, i), std::string("expected a map, got ") + e.type_name());
        }
        out.push_back(ParamReader(tree_, nodeFor(*tree_, joinIndex(rel, i), e, true)));
    }
    return out;
}

std::vector<ParamReader> ParamReader::list(std::string_view key) {
    return readList(key, true);
}

std::vector<ParamReader> ParamReader::optionalList(std::string_view key) {
    return readList(key, false);
}

// --- finish --------------------------------------------------------------------------------

void ParamReader::finish() {
    const std::string base = tree_->nodes[node_].rel;
    auto within = [&](const std::string& rel) {
        return base.empty() || rel == base ||
               (rel.size() > base.size() && rel.compare(0, base.size(), base) == 0 &&
                (rel[base.size()] == '.' || rel[base.size()] == '['));
    };
    // The first offending key in file order (the core reports the first mistake in the file);
    // keys without a position come after, in reading order.
    const ParamNode* worst = nullptr;
    std::string worstKey;
    std::optional<std::tuple<std::string, long, long>> worstAt;
    for (const ParamNode& n : tree_->nodes) {
        if (!within(n.rel) || !n.value->is_object()) {
            continue;
        }
        for (const auto& [key, v] : n.value->items()) {
            if (std::find(n.known.begin(), n.known.end(), key) != n.known.end()) {
                continue;
            }
            // Accepted everywhere, with the core's checks.
            if (key == "comment" && v.is_string()) {
                continue;
            }
            if (key == "user-context" && v.is_object()) {
                continue;
            }
            auto at = position(tree_->source->locate(joinKey(n.rel, key)));
            bool earlier = worst == nullptr || (at && !worstAt) ||
                           (at && worstAt && std::get<0>(*at) == std::get<0>(*worstAt) &&
                            std::make_pair(std::get<1>(*at), std::get<2>(*at)) <
                                std::make_pair(std::get<1>(*worstAt), std::get<2>(*worstAt)));
            if (earlier) {
                worst = &n;
                worstKey = key;
                worstAt = at;
            }
        }
    }
    if (worst == nullptr) {
        return;
    }
    const std::string keyRel = joinKey(worst->rel, worstKey);
    const json& v = (*worst->value)[worstKey];
    if (worstKey == "comment") {
        throwAt(*tree_, keyRel, std::string("expected a string, got ") + v.type_name());
    }
    if (worstKey == "user-context") {
        throwAt(*tree_, keyRel, std::string("expected a map, got ") + v.type_name());
    }
    // Like the core: the map's path, the key's position, and where the key belongs when
    // another map of these parameters knows it.
    std::vector<std::string> homes;
    const std::string mine = generic(worst->path);
    for (const ParamNode& other : tree_->nodes) {
        std::string g = generic(other.path);
        if (g != mine &&
            std::find(other.known.begin(), other.known.end(), worstKey) != other.known.end()) {
            if (std::find(homes.begin(), homes.end(), g) == homes.end()) {
                homes.push_back(g);
            }
        }
    }
    std::string msg =
        message(tree_->source->locate(keyRel), worst->path, "unknown key '" + worstKey + "'");
    if (!homes.empty()) {
        msg += " ('" + worstKey + "' belongs in ";
        for (std::size_t i = 0; i < homes.size(); ++i) {
            msg += (i ? (i + 1 == homes.size() ? " or " : ", ") : "") + homes[i];
        }
        msg += ")";
    }
    throw ConfigError(msg);
}

} // namespace kahu::hooks
