#include "aws/paginator.h"

#include <cctype>
#include <charconv>
#include <filesystem>
#include <map>
#include <mutex>
#include <utility>

#include "core/error.h"
#include "core/file.h"

namespace custos::aws {
namespace {

using Paginators = std::map<std::string, PaginatorConfig, std::less<>>;

// JMESPath's truthiness, which `||` and botocore's token checks rely on.
bool truthy(const Json* value) {
  if (value == nullptr || value->is_null()) return false;
  if (value->is_boolean()) return value->get<bool>();
  if (value->is_string()) return !value->get_ref<const std::string&>().empty();
  if (value->is_array() || value->is_object()) return !value->empty();
  return true;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A string or a list of strings from a paginator entry; empty when absent.
std::vector<std::string> strings(const Json& entry, const char* name) {
  auto it = entry.find(name);
  if (it == entry.end()) return {};
  if (it->is_string()) return {it->get<std::string>()};
  return it->get<std::vector<std::string>>();
}

std::vector<PageExpression> expressions(const Json& entry, const char* name) {
  std::vector<PageExpression> out;
  for (const auto& text : strings(entry, name)) out.emplace_back(text);
  return out;
}

std::string read_paginators_file(const std::filesystem::path& path) {
  auto text = read_file(path.string());
  if (!text) throw Error("cannot read botocore paginators " + path.string() + ": check the file");
  return *text;
}

std::shared_ptr<const Paginators> read_paginators(const std::filesystem::path& path) {
  auto paginators = std::make_shared<Paginators>();
  if (!std::filesystem::exists(path)) return paginators;
  const Json document = Json::parse(read_paginators_file(path), nullptr, false);
  if (!document.is_object() || !document.contains("pagination")) {
    throw Error("botocore paginators " + path.string() + " is not valid: check the file");
  }
  try {
    for (const auto& [operation, entry] : document["pagination"].items()) {
      paginators->emplace(operation, PaginatorConfig::parse(entry));
    }
  } catch (const Json::exception& e) {
    throw Error("botocore paginators " + path.string() + " is not valid: " + e.what());
  }
  return paginators;
}

std::shared_ptr<const Paginators> service_paginators(const ServiceModel& model) {
  static const auto kNone = std::make_shared<const Paginators>();
  if (model.data_folder().empty()) return kNone;  // a model from text has no paginators file
  const auto path = std::filesystem::path(model.data_folder()) / "paginators-1.json";
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Paginators>> cache;
  const std::lock_guard lock(mutex);
  auto& paginators = cache[path.string()];
  if (!paginators) paginators = read_paginators(path);
  return paginators;
}

}  // namespace

PageExpression::PageExpression(std::string_view text) : text_(text) {
  auto invalid = [&] {
    return Error("paginator expression '" + text_ +
                 "' is outside the subset custos reads (A.B, A[-1].B, X || Y)");
  };
  std::string_view rest = text;
  for (;;) {
    const auto bar = rest.find("||");
    std::string_view path = trimmed(rest.substr(0, bar));
    std::vector<Step> steps;
    while (!path.empty()) {
      if (path.front() == '[') {
        const auto close = path.find(']');
        if (close == std::string_view::npos) throw invalid();
        Step step;
        const auto digits = path.substr(1, close - 1);
        auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), step.index);
        if (error != std::errc{} || end != digits.data() + digits.size()) throw invalid();
        steps.push_back(std::move(step));
        path.remove_prefix(close + 1);
      } else {
        if (!steps.empty()) {
          if (path.front() != '.') throw invalid();
          path.remove_prefix(1);
        }
        std::size_t length = 0;
        while (length < path.size() && identifier_char(path[length])) ++length;
        if (length == 0) throw invalid();
        steps.push_back({std::string(path.substr(0, length)), 0});
        path.remove_prefix(length);
      }
    }
    if (steps.empty()) throw invalid();
    alternatives_.push_back(std::move(steps));
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 2);
  }
}

const Json* PageExpression::search(const Json& document) const {
  const Json* found = nullptr;
  for (const auto& steps : alternatives_) {
    found = &document;
    for (const auto& step : steps) {
      if (!step.key.empty()) {
        auto it = found->is_object() ? found->find(step.key) : found->end();
        found = it == found->end() ? nullptr : &*it;
      } else if (found->is_array()) {
        const auto size = static_cast<long long>(found->size());
        const auto at = step.index < 0 ? size + step.index : step.index;
        found = at >= 0 && at < size ? &(*found)[static_cast<std::size_t>(at)] : nullptr;
      } else {
        found = nullptr;
      }
      if (found == nullptr) break;
    }
    if (truthy(found)) return found;
  }
  return found != nullptr && !found->is_null() ? found : nullptr;
}

Json& PageExpression::slot(Json& document) const {
  if (alternatives_.size() != 1) throw Error("cannot assign to '" + text_ + "'");
  Json* target = &document;
  for (const auto& step : alternatives_.front()) {
    if (step.key.empty() || !(target->is_object() || target->is_null())) {
      throw Error("cannot assign to '" + text_ + "'");
    }
    target = &(*target)[step.key];
  }
  return *target;
}

PaginatorConfig PaginatorConfig::parse(const Json& entry) {
  PaginatorConfig config;
  config.input_tokens = strings(entry, "input_token");
  config.output_tokens = expressions(entry, "output_token");
  if (config.input_tokens.empty() || config.input_tokens.size() != config.output_tokens.size()) {
    throw Error("a paginator needs as many input_token as output_token entries");
  }
  if (entry.contains("more_results"))
    config.more_results.emplace(entry["more_results"].get<std::string>());
  config.result_keys = expressions(entry, "result_key");
  config.non_aggregate_keys = expressions(entry, "non_aggregate_keys");
  config.limit_key = entry.value("limit_key", "");
  return config;
}

std::optional<Json> PaginatorConfig::next_tokens(const Json& page) const {
  if (more_results && !truthy(more_results->search(page))) return std::nullopt;
  Json tokens = Json::object();
  bool any = false;
  for (std::size_t i = 0; i < input_tokens.size(); ++i) {
    const Json* token = output_tokens[i].search(page);
    // botocore treats an empty token as the end, like a missing one.
    tokens[input_tokens[i]] = truthy(token) ? *token : Json(nullptr);
    any = any || truthy(token);
  }
  if (!any) return std::nullopt;
  return tokens;
}

const PaginatorConfig* find_paginator(const ServiceModel& model, std::string_view operation) {
  auto paginators = service_paginators(model);
  auto it = paginators->find(operation);
  return it == paginators->end() ? nullptr : &it->second;
}

void FullResult::add(const Json& page) {
  if (std::exchange(first_, false)) {
    for (const auto& key : config_.non_aggregate_keys) {
      const Json* value = key.search(page);
      key.slot(result_) = value ? *value : Json(nullptr);
    }
  }
  for (const auto& key : config_.result_keys) {
    const Json* value = key.search(page);
    if (value == nullptr) continue;
    Json& merged = key.slot(result_);
    if (merged.is_null()) {
      merged = *value;
    } else if (value->is_array() && merged.is_array()) {
      merged.insert(merged.end(), value->begin(), value->end());
    } else if (value->is_number_integer() && merged.is_number_integer()) {
      merged = merged.get<long long>() + value->get<long long>();
    } else if (value->is_number() && merged.is_number()) {
      merged = merged.get<double>() + value->get<double>();
    } else if (value->is_string() && merged.is_string()) {
      merged = merged.get<std::string>() + value->get<std::string>();
    }
  }
}

}  // namespace custos::aws
