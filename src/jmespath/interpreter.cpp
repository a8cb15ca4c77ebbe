// Tree-walking evaluator: lookups borrow from the document; only projections, multi-selects
// and functions build new values.
#include <algorithm>

#include "jmespath/ast.h"
#include "jmespath/functions.h"

namespace custos::jmespath::detail {

const Json& null_json() {
  static const Json kNull;
  return kNull;
}

Value Value::part(const Json& p) {
  // An owned value is expendable once parts are taken from it, so the part moves out.
  if (owned()) return Value(std::move(const_cast<Json&>(p)));
  return Value(&p, pinned_);
}

Value Value::detach(Value&& derived) {
  if (derived.owned() || derived.pinned_) return std::move(derived);
  return part(derived.get());
}

Json Value::extract(const Json& p) { return owned() ? std::move(const_cast<Json&>(p)) : p; }

const Json* lookup(const Node& node, const Json& current) {
  if (node.kind == NodeKind::kCurrent) return &current;
  if (node.kind == NodeKind::kField) {
    if (!current.is_object()) return nullptr;
    const auto it = current.find(node.name);
    return it == current.end() ? nullptr : &*it;
  }
  if (!current.is_array()) return nullptr;
  const auto size = static_cast<std::int64_t>(current.size());
  const std::int64_t i = node.index < 0 ? node.index + size : node.index;
  if (i < 0 || i >= size) return nullptr;
  return &current[static_cast<std::size_t>(i)];
}

bool is_truthy(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return false;
    case Json::value_t::boolean:
      return value.get<bool>();
    case Json::value_t::string:
      return !value.get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object:
      return !value.empty();
    default:
      return true;
  }
}

namespace {

Value pinned_bool(bool b) {
  static const Json kTrue(true);
  static const Json kFalse(false);
  return Value::pinned(b ? kTrue : kFalse);
}

Value lookup_value(const Node& node, const Json& current) {
  const Json* found = lookup(node, current);
  return found ? Value::borrowed(*found) : Value();
}

// Python's slice semantics: bounds clamp to the sequence, negative ones count from the end.
Value slice(const Node& node, const Json& current) {
  if (!current.is_array()) return Value();
  const auto size = static_cast<std::int64_t>(current.size());
  // Steps beyond the size select the same single element and cannot overflow `i += step`.
  const std::int64_t step = std::clamp(node.slice[2].value_or(1), -size - 1, size + 1);
  const std::int64_t lower = step < 0 ? -1 : 0;
  const std::int64_t upper = step < 0 ? size - 1 : size;
  const auto bound = [&](const std::optional<std::int64_t>& given, std::int64_t fallback) {
    if (!given) return fallback;
    const std::int64_t at = *given < 0 ? *given + size : *given;
    return std::clamp(at, lower, upper);
  };
  const std::int64_t stop = bound(node.slice[1], step < 0 ? lower : upper);
  Json out = Json::array();
  for (std::int64_t i = bound(node.slice[0], step < 0 ? upper : lower);
       step > 0 ? i < stop : i > stop; i += step) {
    out.push_back(current[static_cast<std::size_t>(i)]);
  }
  return Value(std::move(out));
}

Value chain(const Node& node, const Json& current) {
  Value result = evaluate(*node.children.front(), current);
  for (std::size_t i = 1; i < node.children.size(); ++i) {
    result = result.detach(evaluate(*node.children[i], result.get()));
  }
  return result;
}

// Projects `rhs` over the elements (array) or values (object) of `base`, dropping nulls; when
// `condition` is given, only over those for which it is truthy.
Value project(Value base, const Node& rhs, const Node* condition) {
  Json out = Json::array();
  for (const Json& item : base.get()) {
    if (condition && !is_truthy(evaluate(*condition, item).get())) continue;
    Value result = evaluate(rhs, item);
    if (!result.get().is_null()) out.push_back(base.detach(std::move(result)).take());
  }
  return Value(std::move(out));
}

Value projection(const Node& node, const Json& current, Json::value_t over) {
  Value base = evaluate(*node.children[0], current);
  if (base.get().type() != over) return Value();
  const Node* condition = node.children.size() > 2 ? node.children[2].get() : nullptr;
  return project(std::move(base), *node.children[1], condition);
}

Value flatten(const Node& node, const Json& current) {
  Value base = evaluate(*node.children[0], current);
  if (!base.get().is_array()) return Value();
  Json out = Json::array();
  for (const Json& item : base.get()) {
    if (!item.is_array()) {
      out.push_back(base.extract(item));
      continue;
    }
    for (const Json& inner : item) out.push_back(base.extract(inner));
  }
  return Value(std::move(out));
}

Value compare(const Node& node, const Json& current) {
  const Value left = evaluate(*node.children[0], current);
  const Value right = evaluate(*node.children[1], current);
  const Json& a = left.get();
  const Json& b = right.get();
  switch (node.comparator) {
    case Comparator::kEq:
      return pinned_bool(a == b);
    case Comparator::kNe:
      return pinned_bool(a != b);
    default:
      break;
  }
  // The spec orders numbers only; jmespath.py (Cloud Custodian's) also orders strings, and
  // policies rely on it (`[?LaunchTime < '2020-01-01']`).
  bool comparable = (a.is_number() && b.is_number()) || (a.is_string() && b.is_string());
  if (!comparable) return Value();
  switch (node.comparator) {
    case Comparator::kLt:
      return pinned_bool(a < b);
    case Comparator::kLte:
      return pinned_bool(a <= b);
    case Comparator::kGt:
      return pinned_bool(a > b);
    default:
      return pinned_bool(a >= b);
  }
}

Value multi_list(const Node& node, const Json& current) {
  if (current.is_null()) return Value();
  Json out = Json::array();
  for (const NodePtr& child : node.children) out.push_back(evaluate(*child, current).take());
  return Value(std::move(out));
}

Value multi_hash(const Node& node, const Json& current) {
  if (current.is_null()) return Value();
  Json out = Json::object();
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    out[node.keys[i]] = evaluate(*node.children[i], current).take();
  }
  return Value(std::move(out));
}

Value either(const Node& node, const Json& current, bool stop_when) {
  Value left = evaluate(*node.children[0], current);
  if (is_truthy(left.get()) == stop_when) return left;
  return evaluate(*node.children[1], current);
}

}  // namespace

Value evaluate(const Node& node, const Json& current) {
  switch (node.kind) {
    case NodeKind::kCurrent:
      return Value::borrowed(current);
    case NodeKind::kField:
    case NodeKind::kIndex:
      return lookup_value(node, current);
    case NodeKind::kSlice:
      return slice(node, current);
    case NodeKind::kChain:
    case NodeKind::kPipe:
      return chain(node, current);
    case NodeKind::kListProjection:
    case NodeKind::kFilterProjection:
      return projection(node, current, Json::value_t::array);
    case NodeKind::kObjectProjection:
      return projection(node, current, Json::value_t::object);
    case NodeKind::kFlatten:
      return flatten(node, current);
    case NodeKind::kOr:
      return either(node, current, true);
    case NodeKind::kAnd:
      return either(node, current, false);
    case NodeKind::kNot:
      return pinned_bool(!is_truthy(evaluate(*node.children[0], current).get()));
    case NodeKind::kCompare:
      return compare(node, current);
    case NodeKind::kLiteral:
      return Value::pinned(node.literal);
    case NodeKind::kMultiList:
      return multi_list(node, current);
    case NodeKind::kMultiHash:
      return multi_hash(node, current);
    case NodeKind::kFunction:
      return call_function(*node.function, node.children, current);
    case NodeKind::kExpRef:
      break;
  }
  return Value();  // an expression reference is only a value as a function argument
}

}  // namespace custos::jmespath::detail
