// webhook (Cloud Custodian's Webhook): an HTTP request per resource (or per batch) whose body,
// headers and query parameters are JMESPath over {account_id, region, execution_id,
// execution_start, policy, event, resource | resources}; the body is sent as JSON.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "aws/transport.h"
#include "jmespath/jmespath.h"
#include "policy/python_text.h"
#include "policy/spec_numbers.h"
#include "resources/c7n_message.h"
#include "resources/notify.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::BuildContext;
using policy::Spec;

using Expressions = std::vector<std::pair<std::string, jmespath::Expression>>;

jmespath::Expression compile(const Spec& spec, const std::string& text) {
  try {
    return jmespath::Expression::compile(text);
  } catch (const std::exception& e) {
    spec.fail("'" + text + "' is not a JMESPath expression: " + e.what());
  }
}

// A mapping of names to JMESPath expressions (headers, query-params).
Expressions expressions(const Spec& spec, const char* key) {
  Expressions compiled;
  if (!spec.has(key)) return compiled;
  Spec mapping = spec.child(key);
  if (!mapping.value().is_object())
    mapping.fail("'" + std::string(key) + "' must be a mapping of names to JMESPath expressions");
  for (const auto& [name, value] : mapping.value().items()) {
    if (!value.is_string()) mapping.child(name).fail("'" + name + "' must be a JMESPath string");
    compiled.emplace_back(name, compile(mapping.child(name), value.get<std::string>()));
  }
  return compiled;
}

// What Python's str() makes of a JMESPath result put in a URL or header.
std::string text_of(const Json& value) {
  return value.is_string() ? value.get<std::string>() : policy::python_str(value);
}

// Python's quote_plus (urlencode's quoting).
std::string quote_plus(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~')
      out += static_cast<char>(c);
    else if (c == ' ')
      out += '+';
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string unquote_plus(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() &&
               std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

class Webhook : public policy::Action {
 public:
  Webhook(const Spec& spec, const BuildContext& context)
      : policy_(context.policy ? *context.policy : Json()),
        url_(spec.required_string("url")),
        method_(spec.one_of("method", {"PUT", "POST", "GET", "PATCH", "DELETE"}, "POST")),
        batch_(spec.optional_bool("batch", false)),
        batch_size_(static_cast<std::size_t>(policy::number_option(spec, "batch-size", 500, 1))),
        query_(expressions(spec, "query-params")),
        headers_(expressions(spec, "headers")) {
    if (!url_.starts_with("http://") && !url_.starts_with("https://"))
      spec.child("url").fail("'url' must be an http:// or https:// URL");
    if (spec.has("body")) body_ = compile(spec.child("body"), spec.required_string("body"));
  }

  std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                    ActionContext& context) const override {
    std::vector<ActionRecord> records;
    Json lookup;
    try {
      RunFacts facts = RunFacts::of(context, policy_);
      lookup = {{"account_id", facts.account_id},
                {"region", facts.region},
                {"execution_id", facts.execution_id},
                {"execution_start", facts.execution_start},
                {"policy", facts.policy},
                {"event", facts.event}};
    } catch (const Error& e) {
      record_failed("webhook", pointers(resources), context, records, e);
      return records;
    }
    std::size_t step = batch_ ? batch_size_ : 1;
    for (std::size_t from = 0; from < resources.size(); from += step) {
      auto batch = pointers(resources, from, step);
      record_each("webhook", batch, context, records, [&] {
        Json data = lookup;
        if (batch_) {
          data["resources"] = Json::array();
          for (const Json* resource : batch)
            data["resources"].push_back(without_secrets(*resource));
        } else {
          data["resource"] = without_secrets(*batch[0]);
        }
        return call(context, data, batch.size());
      });
    }
    return records;
  }

 private:
  Sent call(const ActionContext& context, const Json& data, std::size_t count) const {
    aws::HttpRequest request;
    request.method = method_;
    request.url = url_with_query(data);
    for (const auto& [name, expression] : headers_)
      request.headers.emplace_back(name, text_of(expression.search(data)));
    if (body_) {
      request.body = python_json(body_->search(data));
      request.headers.emplace_back("Content-Type", "application/json");
    }
    // What a dry run shows and the journal keeps: header names only (they may carry tokens).
    Json names = Json::array();
    for (const auto& [name, value] : request.headers) names.push_back(name);
    Json shown = {{"url", request.url}, {"headers", names}, {"body", request.body}};
    Json answer = context.client.external("webhook", method_, shown, [&] {
      aws::HttpResponse response = aws::send(request);
      if (response.status >= 400)
        throw Error(method_ + " " + without_query(request.url) + " answered HTTP " +
                    std::to_string(response.status));
      return Json{{"status", response.status}};
    });
    Json status = answer.value("status", Json());
    return {method_ + " " + without_query(request.url) + " about " + std::to_string(count) +
                " resource(s)" + (status.is_null() ? "" : ": HTTP " + status.dump()),
            {{"url", without_query(request.url)}, {"status", status}}};
  }

  // Cloud Custodian's _build_url: the URL's own query parameters, each replaced by a
  // query-params one of the same name, then the others.
  std::string url_with_query(const Json& data) const {
    if (query_.empty()) return url_;
    std::size_t mark = url_.find('?');
    std::vector<std::pair<std::string, std::string>> params;
    if (mark != std::string::npos) {
      std::string query = url_.substr(mark + 1);
      for (std::size_t at = 0; at <= query.size();) {
        std::size_t end = std::min(query.find('&', at), query.size());
        std::string pair = query.substr(at, end - at);
        std::size_t equals = pair.find('=');
        if (equals != std::string::npos)
          params.emplace_back(unquote_plus(pair.substr(0, equals)),
                              unquote_plus(pair.substr(equals + 1)));
        at = end + 1;
      }
    }
    for (const auto& [key, expression] : query_) {
      // A named copy: clang 14 (the fuzz build's) cannot capture a structured binding.
      const std::string& name = key;
      std::string value = text_of(expression.search(data));
      auto same = std::find_if(params.begin(), params.end(),
                               [&](const auto& param) { return param.first == name; });
      if (same == params.end())
        params.emplace_back(name, value);
      else
        same->second = value;
    }
    std::string url = url_.substr(0, mark);
    for (std::size_t i = 0; i < params.size(); ++i)
      url += (i ? "&" : "?") + quote_plus(params[i].first) + "=" + quote_plus(params[i].second);
    return url;
  }

  // The URL without its query (which may carry a token), for summaries.
  static std::string without_query(const std::string& url) { return url.substr(0, url.find('?')); }

  Json policy_;
  std::string url_, method_;
  bool batch_;
  std::size_t batch_size_;
  Expressions query_, headers_;
  std::optional<jmespath::Expression> body_;
};

}  // namespace

policy::ActionInfo webhook_action_info() {
  return policy::action_info<Webhook>(
      {"url", "body", "batch", "batch-size", "method", "query-params", "headers"}, {},
      "Send an HTTP request (POST unless method says) about each resource, or each batch, with "
      "a JSON body, headers and query parameters from JMESPath, as Cloud Custodian's webhook");
}

}  // namespace custos::resources
