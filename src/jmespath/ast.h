// Internal to src/jmespath: the parsed tree of an expression and the evaluator that walks it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"

namespace custos::jmespath::detail {

enum class NodeKind {
  kCurrent,           // @ (also the implicit left side of `[*]`, `[?...]`, `*`)
  kField,             // name
  kIndex,             // index
  kSlice,             // slice
  kChain,             // children applied left to right: `a.b`, `a[0]`
  kListProjection,    // children[1] over each element of the array children[0]
  kObjectProjection,  // children[1] over each value of the object children[0]
  kFilterProjection,  // children[1] over elements of children[0] where children[2] is truthy
  kFlatten,           // children[0] with nested arrays merged one level
  kOr,
  kAnd,
  kNot,
  kCompare,  // comparator
  kLiteral,  // literal
  kMultiList,
  kMultiHash,  // keys[i]: children[i]
  kPipe,
  kFunction,  // function(children...)
  kExpRef,    // &children[0], only meaningful as a function argument
};

enum class Comparator { kEq, kNe, kLt, kLte, kGt, kGte };

struct Function;

struct Node {
  explicit Node(NodeKind k) : kind(k) {}

  NodeKind kind;
  std::string name;
  Json literal;
  std::int64_t index = 0;
  std::array<std::optional<std::int64_t>, 3> slice;  // start, stop, step
  Comparator comparator = Comparator::kEq;
  const Function* function = nullptr;
  std::vector<std::string> keys;
  std::vector<std::unique_ptr<Node>> children;
};
using NodePtr = std::unique_ptr<Node>;

// Throws the syntax Error (or the compile-time function errors) for `text`.
NodePtr parse(std::string_view text);

const Json& null_json();

// An evaluation result, so that plain lookups never copy sub-documents: borrowed from the
// node being evaluated, pinned (a literal of the tree: outlives any evaluation) or owned.
class Value {
 public:
  Value() : ref_(&null_json()), pinned_(true) {}
  explicit Value(Json&& owned) : owned_(std::move(owned)), ref_(nullptr) {}
  static Value borrowed(const Json& part) { return Value(&part, false); }
  static Value pinned(const Json& literal) { return Value(&literal, true); }

  const Json& get() const { return ref_ ? *ref_ : owned_; }
  bool owned() const { return ref_ == nullptr; }
  // The result as a Json of its own (copies only when borrowed).
  Json take() && { return ref_ ? *ref_ : std::move(owned_); }

  // The following take `p`, a part of get(), or `derived`, computed from get(), in a form
  // that outlives this value; from an owned value they move it out (leaving null behind).
  Value part(const Json& p);
  Value detach(Value&& derived);
  Json extract(const Json& p);

 private:
  Value(const Json* ref, bool pinned) : ref_(ref), pinned_(pinned) {}

  Json owned_;
  const Json* ref_;
  bool pinned_ = false;
};

Value evaluate(const Node& node, const Json& current);
// A kCurrent, kField or kIndex node applied to `current`: the element found, or nullptr.
const Json* lookup(const Node& node, const Json& current);
bool is_truthy(const Json& value);

}  // namespace custos::jmespath::detail
