// Expression: compiles through the parser and keeps the tree shared and immutable.
#include "jmespath/jmespath.h"

#include <fmt/format.h>

#include <algorithm>

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

}  // namespace custos::jmespath
