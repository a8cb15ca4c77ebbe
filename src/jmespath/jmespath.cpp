// Expression: compiles through the parser and keeps the tree shared and immutable.
#include "jmespath/jmespath.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "jmespath/ast.h"

namespace custos::jmespath {

Error::Error(std::string kind, const std::string& message)
    : InputError(message), kind_(std::move(kind)) {}

namespace {

bool is_lookup(const detail::Node& node) {
  return node.kind == detail::NodeKind::kCurrent || node.kind == detail::NodeKind::kField ||
         node.kind == detail::NodeKind::kIndex;
}

bool is_path_node(const detail::Node& node) {
  if (node.kind != detail::NodeKind::kChain) return is_lookup(node);
  return std::all_of(node.children.begin(), node.children.end(),
                     [](const detail::NodePtr& child) { return is_lookup(*child); });
}

}  // namespace

Expression::Expression(std::shared_ptr<const std::string> text,
                       std::shared_ptr<const detail::Node> root)
    : text_(std::move(text)), root_(std::move(root)), is_path_(is_path_node(*root_)) {}

Expression Expression::compile(std::string_view text) {
  return Expression(std::make_shared<const std::string>(text), detail::parse(text));
}

Json Expression::search(const Json& doc) const {
  try {
    return detail::evaluate(*root_, doc).take();
  } catch (const Error& e) {
    throw Error(e.kind(), fmt::format("{} error in '{}': {}", e.kind(), *text_, e.what()));
  }
}

const Json* Expression::find_path(const Json& doc) const {
  if (!is_path_) return nullptr;
  if (root_->kind != detail::NodeKind::kChain) return detail::lookup(*root_, doc);
  const Json* at = &doc;
  for (const detail::NodePtr& child : root_->children) {
    at = detail::lookup(*child, *at);
    if (!at) return nullptr;
  }
  return at;
}

std::vector<Expression::Step> Expression::path() const {
  std::vector<Step> steps;
  if (!is_path_) return steps;
  auto add = [&](const detail::Node& node) {
    if (node.kind == detail::NodeKind::kField) steps.push_back({node.name, std::nullopt});
    if (node.kind == detail::NodeKind::kIndex) steps.push_back({"", node.index});
  };
  if (root_->kind != detail::NodeKind::kChain) add(*root_);
  for (const detail::NodePtr& child : root_->children) add(*child);
  return steps;
}

namespace {

// An unquoted JMESPath identifier: [A-Za-z_][A-Za-z0-9_]*.
bool is_identifier(std::string_view text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text.front()))) return false;
  return std::ranges::all_of(
      text, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

std::optional<std::vector<Json>> take_items(std::string_view path, Json& page) {
  std::vector<Json*> nodes = {&page};
  bool flatten = false, projected = false;
  while (!path.empty()) {
    std::string_view step = path.substr(0, path.find('.'));
    path.remove_prefix(std::min(path.size(), step.size() + 1));
    flatten = step.ends_with("[]");
    projected = projected || flatten;
    if (flatten) step.remove_suffix(2);
    if (!is_identifier(step)) return std::nullopt;
    std::vector<Json*> next;
    for (Json* node : nodes) {
      auto member = node->find(step);
      if (!node->is_object() || member == node->end()) return std::nullopt;
      if (!flatten) {
        next.push_back(&*member);
        continue;
      }
      if (!member->is_array()) return std::nullopt;
      for (Json& element : *member) {
        if (element.is_null() || element.is_array()) return std::nullopt;
        next.push_back(&element);
      }
    }
    nodes = std::move(next);
  }
  if (!flatten) {  // a path of names ("Stacks"): the list it names
    if (projected || nodes.size() != 1 || !nodes.front()->is_array()) return std::nullopt;
    Json* list = nodes.front();
    nodes.clear();
    for (Json& element : *list) nodes.push_back(&element);
  }
  std::vector<Json> items;
  items.reserve(nodes.size());
  for (Json* node : nodes) items.push_back(std::move(*node));
  return items;
}

}  // namespace custos::jmespath
