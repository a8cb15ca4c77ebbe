// AWS's protocol conformance suites, as botocore runs them (tests/unit/test_protocols.py):
// each input case serializes params and compares method, URI, headers and body; each output
// case parses a raw response and compares the result or the error.
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "aws/protocol.h"
#include "aws/protocol_codec.h"
#include "support/paths.h"
#include "unit/aws/protocol_compare.h"

namespace custos::aws {
namespace {

namespace codec = custos::aws::codec;

const std::string kRoot = "responses/botocore-protocol-tests/";

// j[key], or an empty value of the same kind when absent (safe to iterate).
const Json& field(const Json& j, const char* key, const Json& empty) {
  return j.contains(key) ? j[key] : empty;
}
const Json kNoObject = Json::object();
const Json kNoArray = Json::array();

Json load_json(const std::string& relative) {
  return Json::parse(test::read_file(test::data_path(kRoot + relative)));
}

// botocore's protocol-tests-ignore-list.json: suites ignored everywhere, cases per protocol.
struct IgnoreList {
  std::set<std::string> suites;
  std::set<std::string> cases;

  IgnoreList(const std::string& protocol, const std::string& kind) {
    const Json list = load_json("protocol-tests-ignore-list.json");
    for (const auto& s :
         field(field(list["general"], kind.c_str(), kNoObject), "suites", kNoArray)) {
      suites.insert(s.get<std::string>());
    }
    const Json& p = list["protocols"];
    if (p.contains(protocol) && p[protocol].contains(kind)) {
      for (const auto& c : field(p[protocol][kind], "cases", kNoArray)) {
        cases.insert(c.get<std::string>());
      }
    }
  }
};

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

std::multiset<std::pair<std::string, std::string>> form_pairs(const std::string& text) {
  std::multiset<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('&', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    const auto eq = item.find('=');
    pairs.emplace(percent_decode(item.substr(0, eq)),
                  eq == std::string::npos ? "" : percent_decode(item.substr(eq + 1)));
    start = end + 1;
  }
  return pairs;
}

bool same_xml(const pugi::xml_node& a, const pugi::xml_node& b);

// Children compare as a multiset: params are JSON objects, whose key order is not kept.
bool same_xml_children(const pugi::xml_node& a, const pugi::xml_node& b) {
  std::vector<pugi::xml_node> left, right;
  for (auto c : a.children())
    if (c.type() == pugi::node_element) left.push_back(c);
  for (auto c : b.children())
    if (c.type() == pugi::node_element) right.push_back(c);
  if (left.size() != right.size()) return false;
  for (const auto& l : left) {
    auto match = std::find_if(right.begin(), right.end(), [&](auto r) { return same_xml(l, r); });
    if (match == right.end()) return false;
    right.erase(match);
  }
  return true;
}

std::string trimmed_text(const pugi::xml_node& n) {
  std::string t = n.text().get();
  t.erase(0, t.find_first_not_of(" \n\t\r"));
  t.erase(t.find_last_not_of(" \n\t\r") + 1);
  return t;
}

bool same_xml(const pugi::xml_node& a, const pugi::xml_node& b) {
  if (std::string_view(a.name()) != b.name() || trimmed_text(a) != trimmed_text(b)) return false;
  std::set<std::pair<std::string, std::string>> attrs_a, attrs_b;
  for (auto at : a.attributes()) attrs_a.emplace(at.name(), at.value());
  for (auto at : b.attributes()) attrs_b.emplace(at.name(), at.value());
  return attrs_a == attrs_b && same_xml_children(a, b);
}

bool same_body(const std::string& protocol, const std::string& actual, std::string expected) {
  if (actual == expected) return true;
  expected.erase(0, expected.find_first_not_of(" \n"));
  if (protocol == "query" || protocol == "ec2") return form_pairs(actual) == form_pairs(expected);
  if (!expected.empty() && (expected[0] == '{' || expected[0] == '[')) {
    const Json a = Json::parse(actual, nullptr, false);
    return !a.is_discarded() && a == Json::parse(expected);
  }
  if (!expected.empty() && expected[0] == '<') {
    pugi::xml_document da, db;
    return da.load_string(actual.c_str()) && db.load_string(expected.c_str()) &&
           same_xml(da.document_element(), db.document_element());
  }
  return false;
}

// Splits "scheme://host/path?query" into host and path+query.
std::pair<std::string, std::string> split_url(const std::string& url) {
  const auto host_start = url.find("://") + 3;
  const auto path_start = url.find_first_of("/?", host_start);
  if (path_start == std::string::npos) return {url.substr(host_start), "/"};
  return {url.substr(host_start, path_start - host_start), url.substr(path_start)};
}

bool same_uri(const std::string& actual, const std::string& expected) {
  const auto qa = actual.find('?'), qe = expected.find('?');
  if (actual.substr(0, qa) != expected.substr(0, qe)) return false;
  const auto query = [](const std::string& uri, std::size_t q) {
    return q == std::string::npos ? std::string() : uri.substr(q + 1);
  };
  return form_pairs(query(actual, qa)) == form_pairs(query(expected, qe));
}

std::shared_ptr<const ServiceModel> suite_model(const Json& suite, const Json& kase) {
  Json doc = suite;
  doc.erase("cases");
  doc["operations"] = {{kase["given"]["name"].get<std::string>(), kase["given"]}};
  return ServiceModel::parse("protocol-test", doc.dump());
}

std::string check_input(const Json& suite, const Json& kase) {
  const auto model = suite_model(suite, kase);
  const Operation& op = model->operation(kase["given"]["name"].get<std::string>());
  const HttpRequest request = serialize_request(
      *model, op, kase["params"], suite.value("clientEndpoint", "https://example.com"));
  const Json& want = kase["serialized"];
  const auto [host, uri] = split_url(request.url);
  std::string problems;
  if (request.method != want.value("method", request.method))
    problems += " method=" + request.method;
  if (!same_uri(uri, want.value("uri", ""))) problems += " uri=" + uri;
  if (want.contains("host") && host != want["host"]) problems += " host=" + host;
  for (const auto& [name, value] : field(want, "headers", kNoObject).items()) {
    const std::string* got = codec::find_header(request.headers, name);
    if (!got || *got != value) problems += " header " + name + "=" + (got ? *got : "<absent>");
  }
  for (const auto& name : field(want, "requireHeaders", kNoArray)) {
    // The transport sets Content-Length from the body it sends.
    if (name != "Content-Length" && !codec::find_header(request.headers, name.get<std::string>())) {
      problems += " missing header " + name.get<std::string>();
    }
  }
  for (const auto& name : field(want, "forbidHeaders", kNoArray)) {
    if (codec::find_header(request.headers, name.get<std::string>())) {
      problems += " forbidden header " + name.get<std::string>();
    }
  }
  if (want.contains("body") &&
      !same_body(model->metadata().protocol, request.body, want["body"].get<std::string>())) {
    problems += " body=" + request.body;
  }
  return problems;
}

std::string check_output(const Json& suite, const Json& kase) {
  const auto model = suite_model(suite, kase);
  const Operation& op = model->operation(kase["given"]["name"].get<std::string>());
  const Json& r = kase["response"];
  HttpResponse response;
  response.status = r["status_code"];
  response.body = r.value("body", "");
  for (const auto& [name, value] : field(r, "headers", kNoObject).items()) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    response.headers.emplace_back(lower, value.get<std::string>());
  }
  if (kase.contains("error")) {
    const ErrorInfo info = parse_error(*model, response);
    std::string problems;
    if (info.code != kase.value("errorCode", "")) problems += " code=" + info.code;
    if (kase.contains("errorMessage") && info.message != kase["errorMessage"]) {
      problems += " message=" + info.message;
    }
    if (const Shape* shape = model->find_error_shape(info.code)) {
      ShapeRef ref;
      ref.shape = shape;
      Json details = compare::normalized(ref, info.details);
      for (const char* key : {"Code", "Message"}) {
        if (!kase["error"].contains(key)) details.erase(key);
      }
      if (details != kase["error"]) problems += " details=" + details.dump();
    }
    return problems;
  }
  const Json result = parse_response(*model, op, response);
  const Json got = op.output.shape ? compare::normalized(op.output, result) : result;
  return got == kase.value("result", Json::object()) ? "" : " result=" + got.dump();
}

struct Tally {
  int passed = 0, total = 0;
  std::vector<std::string> skipped, failed;
};

Tally run(const std::string& protocol, const std::string& kind) {
  const IgnoreList ignore(protocol, kind);
  Tally tally;
  for (const auto& suite : load_json(kind + "/" + protocol + ".json")) {
    for (const auto& kase : suite["cases"]) {
      const std::string id = kase["id"];
      ++tally.total;
      std::string problems;
      try {
        problems = kind == "input" ? check_input(suite, kase) : check_output(suite, kase);
      } catch (const std::exception& e) {
        problems = std::string(" threw: ") + e.what();
      }
      if (ignore.suites.count(suite["description"]) || ignore.cases.count(id)) {
        tally.skipped.push_back(id + " (botocore's ignore list; custos " +
                                (problems.empty() ? "passes it)" : "differs:" + problems + ")"));
      } else if (problems.empty()) {
        ++tally.passed;
      } else {
        tally.failed.push_back(id + ":" + problems);
      }
    }
  }
  return tally;
}

class ProtocolCompliance : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(ProtocolCompliance, MatchesTheSuite) {
  const auto& [protocol, kind] = GetParam();
  const Tally tally = run(protocol, kind);
  std::cout << protocol << " " << kind << ": " << tally.passed << " / " << tally.total
            << " passed, " << tally.skipped.size() << " skipped\n";
  for (const auto& s : tally.skipped) std::cout << "  skipped " << s << "\n";
  EXPECT_GT(tally.passed, 0);
  for (const auto& f : tally.failed) ADD_FAILURE() << f;
  EXPECT_EQ(tally.passed + tally.skipped.size(), std::size_t(tally.total));
}

INSTANTIATE_TEST_SUITE_P(Suites, ProtocolCompliance,
                         ::testing::Combine(::testing::Values("ec2", "query", "json", "json_1_0",
                                                              "rest-json", "rest-xml"),
                                            ::testing::Values("input", "output")),
                         [](const auto& info) {
                           std::string name =
                               std::get<0>(info.param) + "_" + std::get<1>(info.param);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace custos::aws
