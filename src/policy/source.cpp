#include "policy/source.h"
#include "core/file.h"

#include <simdjson.h>
#include <yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "policy/regex.h"

namespace custos::policy {

std::string Location::str() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

PolicyError::PolicyError(const Location& where, const std::string& message)
    : InputError(where.str() + ": " + message), where_(where) {}

namespace {

// Where a YAML value starts (0-based, as libyaml counts); `known` is false for an empty document.
struct Mark {
  int line = 0, column = 0;
  bool known = false;
};

Mark mark_of(const yaml_mark_t& mark) {
  return {static_cast<int>(mark.line), static_cast<int>(mark.column), true};
}

// Malformed YAML, or an alias no document can hold.
struct YamlError {
  Mark mark;
  std::string message;
};

enum class NodeKind { kNull, kScalar, kSequence, kMap };

// libyaml's parse events kept as a flat tree (an alias is one more edge to the anchored node):
// what a composer would build, without a node graph's allocations.
class YamlTree {
 public:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  struct Node {
    NodeKind kind = NodeKind::kNull;
    Mark mark;
    bool plain = false;  // a scalar without quotes or tag
    std::string text;    // a scalar's value
    std::size_t first_edge = kNone, last_edge = kNone, size = 0;
  };

  std::size_t root() const { return root_; }
  const Node& node(std::size_t id) const { return nodes_[id]; }
  // Calls visit(child id) for each child in order; a mapping's are key, value, key, value...
  template <typename Visit>
  void for_each_child(const Node& parent, Visit visit) const {
    for (std::size_t edge = parent.first_edge; edge != kNone; edge = edges_[edge].next)
      visit(edges_[edge].node);
  }

  // Reads the first document, as PyYAML's safe_load (Cloud Custodian's loader) does with the same
  // libyaml parser.
  void parse(const std::string& text) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) throw std::bad_alloc();
    std::unique_ptr<yaml_parser_t, decltype(&yaml_parser_delete)> owned(&parser,
                                                                        yaml_parser_delete);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    for (bool more = true; more;) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) throw syntax_error(parser, text);
      std::unique_ptr<yaml_event_t, decltype(&yaml_event_delete)> done(&event, yaml_event_delete);
      more = on_event(event);
    }
  }

 private:
  struct Edge {
    std::size_t node, next;
  };

  // Builds the tree from one event; false once the first document has ended.
  bool on_event(const yaml_event_t& event) {
    Mark mark = mark_of(event.start_mark);
    switch (event.type) {
      case YAML_DOCUMENT_END_EVENT:
      case YAML_STREAM_END_EVENT:
        return false;
      case YAML_ALIAS_EVENT:
        alias(mark, name(event.data.alias.anchor));
        return true;
      case YAML_SCALAR_EVENT: {
        const auto& scalar = event.data.scalar;
        Node& node = open(NodeKind::kScalar, mark, scalar.anchor);
        node.plain = !scalar.tag && scalar.style == YAML_PLAIN_SCALAR_STYLE;
        node.text.assign(reinterpret_cast<const char*>(scalar.value), scalar.length);
        close();
        return true;
      }
      case YAML_SEQUENCE_START_EVENT:
        open(NodeKind::kSequence, mark, event.data.sequence_start.anchor);
        return true;
      case YAML_MAPPING_START_EVENT:
        open(NodeKind::kMap, mark, event.data.mapping_start.anchor);
        return true;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        close();
        return true;
      default:  // stream and document starts
        return true;
    }
  }

  static std::string name(const yaml_char_t* anchor) {
    return anchor ? reinterpret_cast<const char*>(anchor) : "";
  }

  void alias(const Mark& mark, const std::string& anchor) {
    auto anchored = anchors_.find(anchor);
    if (anchored == anchors_.end()) throw YamlError{mark, "found undefined alias '" + anchor + "'"};
    if (std::find(open_.begin(), open_.end(), anchored->second) != open_.end())
      throw YamlError{mark, "an alias inside the value it names makes it endless"};
    open_.push_back(anchored->second);
    close();
  }

  // libyaml's problem, with the construct it was reading ("while parsing a flow sequence").
  static YamlError syntax_error(const yaml_parser_t& parser, const std::string& text) {
    std::string problem = parser.problem ? parser.problem : "cannot parse";
    if (parser.error == YAML_READER_ERROR) {  // a byte offset, not a mark
      Mark mark{0, 0, true};
      for (std::size_t i = 0; i < parser.problem_offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
          ++mark.line;
          mark.column = 0;
        } else {
          ++mark.column;
        }
      }
      return {mark, problem};
    }
    if (parser.context)
      problem += std::string(" (") + parser.context + " started at " +
                 std::to_string(parser.context_mark.line + 1) + ":" +
                 std::to_string(parser.context_mark.column + 1) + ")";
    if (parser.problem_mark.index < text.size() && text[parser.problem_mark.index] == '\t')
      problem += ": YAML indents with spaces, not tabs";
    return {mark_of(parser.problem_mark), problem};
  }

  Node& open(NodeKind kind, const Mark& mark, const yaml_char_t* anchor) {
    std::size_t id = nodes_.size();
    Node& node = nodes_.emplace_back();
    node.kind = kind;
    node.mark = mark;
    if (anchor) anchors_[name(anchor)] = id;  // a later anchor of the same name wins
    open_.push_back(id);
    return node;
  }

  // The innermost open node is complete: it becomes its parent's next child, or the root.
  void close() {
    std::size_t id = open_.back();
    open_.pop_back();
    if (open_.empty()) {
      root_ = id;
      return;
    }
    Node& parent = nodes_[open_.back()];
    edges_.push_back(Edge{id, kNone});
    std::size_t edge = edges_.size() - 1;
    (parent.last_edge == kNone ? parent.first_edge : edges_[parent.last_edge].next) = edge;
    parent.last_edge = edge;
    ++parent.size;
  }

  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::map<std::string, std::size_t, std::less<>> anchors_;
  std::vector<std::size_t> open_;
  std::size_t root_ = kNone;
};

std::pair<int, int> line_column(const Mark& mark) {
  if (!mark.known) return {1, 1};  // an empty document
  return {mark.line + 1, mark.column + 1};
}

// The reference token naming `child` in `parent`.
std::string token_in(const Json& parent, const Json& child) {
  if (parent.is_array())
    return std::to_string(&child - parent.get_ref<const Json::array_t&>().data());
  for (auto entry = parent.begin(); entry != parent.end(); ++entry)
    if (&*entry == &child) return entry.key();
  throw std::logic_error("SourceDocument: a value is missing from its recorded parent");
}

}  // namespace

// Converts the tree to JSON in place, each value built where it stays, so that positions can
// be kept by address: no JSON pointer strings while all goes well.
struct YamlConverter {
  using Node = YamlTree::Node;
  static constexpr std::size_t kMaxValues = 1'000'000;
  SourceDocument& doc;
  const YamlTree& tree;
  std::size_t converted = 0;

  Location at(const Mark& mark) const {
    auto [line, column] = line_column(mark);
    return Location{doc.file_, line, column};
  }

  void convert_document() {
    Json& root = *doc.root_;
    if (tree.root() == YamlTree::kNone) {
      record(root, nullptr, Mark{}, Mark{});
    } else {
      const Mark& mark = tree.node(tree.root()).mark;
      convert(tree.node(tree.root()), root, nullptr, mark);
    }
    keep_last_positions();
  }

  void record(const Json& value, const Json* parent, const Mark& mark, const Mark& key_mark) {
    auto [line, column] = line_column(mark);
    auto [key_line, key_column] = line_column(key_mark);
    doc.positions_.push_back({&value, parent, line, column, key_line, key_column});
  }

  // `out` stays where it is; `key_mark` is where the key naming it was written (for a list
  // item or the root, where the value itself was).
  void convert(const Node& node, Json& out, const Json* parent, const Mark& key_mark) {
    // Aliases of aliases multiply (a "billion laughs" file): stop long before memory runs out.
    if (++converted > kMaxValues)
      throw PolicyError(at(node.mark), "the file's aliases expand it to more than " +
                                           std::to_string(kMaxValues) +
                                           " values; write the repeated parts once");
    record(out, parent, node.mark, key_mark);
    switch (node.kind) {
      case NodeKind::kMap:
        out = Json::object();
        mapping(node, out);
        return;
      case NodeKind::kSequence: {
        out = Json::array();
        auto& items = out.get_ref<Json::array_t&>();
        items.resize(node.size);  // now, so that no item moves once converted
        std::size_t index = 0;
        tree.for_each_child(node, [&](std::size_t child) {
          const Node& item = tree.node(child);
          convert(item, items[index++], &out, item.mark);
        });
        return;
      }
      case NodeKind::kScalar:
        out = scalar(node);
        return;
      default:
        out = nullptr;
    }
  }

  // Calls visit(key, value) for each entry of a mapping node.
  template <typename Visit>
  void for_each_entry(const Node& node, Visit visit) const {
    const Node* key = nullptr;
    tree.for_each_child(node, [&](std::size_t child) {
      if (!key) {
        key = &tree.node(child);
        return;
      }
      visit(*key, tree.node(child));
      key = nullptr;
    });
  }

  // Converts a mapping node into `object`, which may already hold entries an enclosing merge
  // put there: the entries `node` writes replace them.
  void mapping(const Node& node, Json& object) {
    for_each_entry(node, [&](const Node& key, const Node& value) {  // merged first, so that
      if (is_merge_key(key)) merge(value, object);                  // keys written here win
    });
    std::set<std::string_view> written;
    for_each_entry(node, [&](const Node& key, const Node& value) {
      if (is_merge_key(key)) return;
      if (key.kind != NodeKind::kScalar)
        throw PolicyError(at(key.mark), "mapping keys must be plain strings");
      if (!written.insert(key.text).second)
        throw PolicyError(at(key.mark), "duplicate key '" + key.text + "'");
      convert(value, object[key.text], &object, key.mark);
    });
  }

  static bool is_merge_key(const Node& key) {
    return key.kind == NodeKind::kScalar && key.plain && key.text == "<<";
  }

  // YAML's merge key, which PyYAML applies (<<: *defaults, or <<: [*a, *b] where the
  // earlier mappings win); libyaml's events leave it as a plain "<<" key.
  void merge(const Node& source, Json& object) {
    if (source.kind == NodeKind::kSequence) {
      std::vector<const Node*> sources;
      tree.for_each_child(source, [&](std::size_t child) { sources.push_back(&tree.node(child)); });
      for (auto each = sources.rbegin(); each != sources.rend(); ++each) merge(**each, object);
      return;
    }
    if (source.kind != NodeKind::kMap)
      throw PolicyError(at(source.mark), "'<<' merges a mapping or a list of mappings");
    mapping(source, object);
  }

  // Keeps one position per address: the last recorded, as a merged value a key written later
  // replaced (or a freed value's address reused) was recorded before.
  void keep_last_positions() {
    auto& positions = doc.positions_;
    std::stable_sort(positions.begin(), positions.end(), [](const auto& a, const auto& b) {
      return std::less<const Json*>()(a.value, b.value);
    });
    std::size_t kept = 0;
    for (std::size_t i = 0; i < positions.size(); ++i)
      if (i + 1 == positions.size() || positions[i + 1].value != positions[i].value)
        positions[kept++] = positions[i];
    positions.resize(kept);
  }

  // YAML 1.1 core types as PyYAML (Cloud Custodian's loader) resolves plain scalars.
  static Json scalar(const Node& node) {
    const std::string& text = node.text;
    if (!node.plain) return text;  // quoted or tagged: always a string
    if (text == "~" || text == "null" || text == "Null" || text == "NULL" || text.empty())
      return nullptr;
    if (std::optional<bool> boolean = yaml11_boolean(text)) return *boolean;
    if (!may_be_number(text)) return text;
    return number(text).value_or(Json(text));
  }

  // PyYAML's booleans (yes/no, on/off, true/false in three cases); most scalars are none of them
  // and fail on their length or first letter.
  static std::optional<bool> yaml11_boolean(const std::string& text) {
    if (text.size() < 2 || text.size() > 5) return std::nullopt;
    switch (text[0]) {
      case 't':
      case 'T':
      case 'y':
      case 'Y':
      case 'o':
      case 'O':
      case 'f':
      case 'F':
      case 'n':
      case 'N':
        break;
      default:
        return std::nullopt;
    }
    static const std::string_view truths[] = {"true", "True", "TRUE", "yes", "Yes",
                                              "YES",  "on",   "On",   "ON"};
    static const std::string_view falses[] = {"false", "False", "FALSE", "no", "No",
                                              "NO",    "off",   "Off",   "OFF"};
    for (std::string_view t : truths)
      if (text == t) return true;
    for (std::string_view f : falses)
      if (text == f) return false;
    return std::nullopt;
  }

  // Whether `text` starts as every form number() accepts does (spares most strings the regexes).
  static bool may_be_number(const std::string& text) {
    char first = text[0];
    return std::isdigit(static_cast<unsigned char>(first)) || first == '-' || first == '+' ||
           first == '.';
  }

  // PyYAML's YAML 1.1 int and float forms: 0x1f, 017 (octal), 0b11, 1_000 and 1:30 (base 60)
  // are numbers, while 1e5 and 012345678901 (an account id) stay strings.
  static std::optional<Json> number(const std::string& text) {
    if (std::optional<Json> plain = plain_integer(text)) return plain;
    static const Regex int_form(R"([-+]?(?:0b[0-1_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+)"
                                R"(|[1-9][0-9_]*(?::[0-5]?[0-9])+)\z)",
                                false);
    static const Regex float_form(
        R"((?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?)"
        R"(|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)"
        R"(|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\z)",
        false);
    bool is_int = int_form.match_start(text);
    if (!is_int && !float_form.match_start(text)) return std::nullopt;
    std::string digits;
    for (char c : text)
      if (c != '_') digits += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    double sign = digits[0] == '-' ? -1 : 1;
    if (digits[0] == '-' || digits[0] == '+') digits.erase(0, 1);
    if (!is_int) return Json(sign * real(digits));
    if (digits.find(':') != std::string::npos)
      return Json(static_cast<std::int64_t>(sign * sexagesimal(digits)));
    return integer(digits, sign < 0);
  }

  // The common form, without compiling the regexes: [-+]?[1-9][0-9]* or 0, within 64 bits.
  static std::optional<Json> plain_integer(const std::string& text) {
    const std::size_t start = text[0] == '-' || text[0] == '+' ? 1 : 0;
    const std::size_t digits = text.size() - start;
    if (digits == 0 || (text[start] == '0' && digits > 1)) return std::nullopt;
    if (!std::all_of(text.begin() + static_cast<std::ptrdiff_t>(start), text.end(),
                     [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data() + start, text.data() + text.size(), value);
    if (error != std::errc()) return std::nullopt;
    return Json(text[0] == '-' ? -value : value);
  }

  static Json integer(const std::string& digits, bool negative) {
    int base = 10;
    std::size_t skip = 0;
    if (digits.rfind("0b", 0) == 0 || digits.rfind("0x", 0) == 0) {
      base = digits[1] == 'b' ? 2 : 16;
      skip = 2;
    } else if (digits.size() > 1 && digits[0] == '0') {
      base = 8;
      skip = 1;
    }
    std::int64_t value = 0;
    auto [end, error] =
        std::from_chars(digits.data() + skip, digits.data() + digits.size(), value, base);
    if (error == std::errc::result_out_of_range) {  // Python's ints are unbounded: nearest double
      double big = 0;
      for (char c : digits.substr(skip))
        big = big * base + (std::isdigit(c) ? c - '0' : c - 'a' + 10);
      return Json(negative ? -big : big);
    }
    return Json(negative ? -value : value);
  }

  static double real(const std::string& digits) {
    if (digits == ".inf") return std::numeric_limits<double>::infinity();
    if (digits == ".nan") return std::numeric_limits<double>::quiet_NaN();
    if (digits.find(':') != std::string::npos) return sexagesimal(digits);
    return std::stod(digits);
  }

  // 1:30:05 is (1 * 60 + 30) * 60 + 5.
  static double sexagesimal(const std::string& digits) {
    double value = 0;
    for (std::size_t start = 0;;) {
      std::size_t colon = digits.find(':', start);
      value = value * 60 + std::stod(digits.substr(start, colon - start));
      if (colon == std::string::npos) return value;
      start = colon + 1;
    }
  }
};

namespace {

// The line holding the first byte that is not UTF-8 (a policy's strings end up in JSON outputs,
// which must be UTF-8); nullopt when the text is UTF-8 throughout.
std::optional<int> first_line_not_utf8(std::string_view text) {
  if (simdjson::validate_utf8(text.data(), text.size())) return std::nullopt;
  int line = 1;
  for (std::size_t start = 0;; ++line) {
    std::size_t end = std::min(text.find('\n', start), text.size());
    if (!simdjson::validate_utf8(text.data() + start, end - start) || end == text.size())
      return line;
    start = end + 1;
  }
}

}  // namespace

SourceDocument SourceDocument::parse(const std::string& text, const std::string& file_name) {
  if (auto line = first_line_not_utf8(text))
    throw PolicyError(Location{file_name, *line, 1},
                      "not UTF-8 text: save the policy file as UTF-8");
  YamlTree tree;
  try {
    tree.parse(text);
  } catch (const YamlError& e) {
    auto [line, column] = line_column(e.mark);
    throw PolicyError(Location{file_name, line, column}, "invalid YAML: " + e.message);
  }
  SourceDocument doc;
  doc.file_ = file_name;
  doc.root_ = std::make_unique<Json>();
  YamlConverter{doc, tree}.convert_document();
  return doc;
}

SourceDocument SourceDocument::load_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) throw InputError(path + ": cannot read the policy file (check the path)");
  return parse(*text, path);
}

const SourceDocument::Written& SourceDocument::written(const Json& value) const {
  auto found = std::lower_bound(
      positions_.begin(), positions_.end(), &value,
      [](const Written& w, const Json* v) { return std::less<const Json*>()(w.value, v); });
  if (found == positions_.end() || found->value != &value)
    throw std::logic_error("SourceDocument: the value is not part of this document");
  return *found;
}

Location SourceDocument::locate(const Json& value, bool key) const {
  const Written& w = written(value);
  return key ? Location{file_, w.key_line, w.key_column} : Location{file_, w.line, w.column};
}

Location SourceDocument::locate(const Json::json_pointer& pointer, bool key) const {
  for (auto p = pointer;; p = p.parent_pointer())
    if (root_->contains(p)) return locate(root_->at(p), key && p == pointer);
}

Json::json_pointer SourceDocument::pointer_to(const Json& value) const {
  std::vector<std::string> tokens;  // from `value` up
  for (const Json* v = &value; const Json* parent = written(*v).parent; v = parent)
    tokens.push_back(token_in(*parent, *v));
  Json::json_pointer pointer;
  for (auto token = tokens.rbegin(); token != tokens.rend(); ++token) pointer /= *token;
  return pointer;
}

}  // namespace custos::policy
