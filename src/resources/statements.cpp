#include "resources/statements.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/ascii.h"
#include "core/error.h"

namespace custos::resources {
namespace {

using policy::Spec;

const std::vector<std::string> kPartialElements = {
    "Action", "NotAction", "Principal", "NotPrincipal", "Resource", "NotResource", "Condition"};

bool is_action_key(const std::string& key) { return key == "Action" || key == "NotAction"; }

// Python's set() of a string or list, as a sorted list without repeats; other values as they are.
Json as_set(const Json& value) {
  if (value.is_string()) return Json::array({value});
  if (!value.is_array()) return value;
  std::vector<Json> items(value.begin(), value.end());
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return Json(items);
}

// Cloud Custodian's action_resource_case_insensitive: actions compare lower-cased, as a set.
Json lower_set(const Json& value) {
  Json list = value.is_array() ? value : Json::array({value});
  for (Json& item : list)
    if (item.is_string()) item = lowercase(item.get<std::string>());
  return as_set(list);
}

// Condition operators and keys are case-insensitive (normalize_condition_keys).
Json lower_keys(const Json& value) {
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, item] : value.items()) out[lowercase(key)] = lower_keys(item);
    return out;
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value) out.push_back(lower_keys(item));
    return out;
  }
  return value;
}

Json normalized(const std::string& key, const Json& value) {
  return key == "Condition" ? lower_keys(value) : value;
}

// format_dict_with_sets: every string and list in a mapping, at any depth, as a set.
Json with_sets(const Json& value) {
  if (!value.is_object()) return as_set(value);
  Json out = Json::object();
  for (const auto& [key, item] : value.items()) out[key] = with_sets(item);
  return out;
}

bool contains(const Json& set, const Json& item) {
  if (set.is_array()) return std::find(set.begin(), set.end(), item) != set.end();
  return set.is_object() && item.is_string() && set.contains(item.get<std::string>());
}

bool subset(const Json& items, const Json& set) {
  return std::all_of(items.begin(), items.end(),
                     [&](const Json& item) { return contains(set, item); });
}

// Cloud Custodian's merge_dict: b's leaves over a's, lists merged; nullopt where they do not
// conform (Cloud Custodian raises, and the statement is not matched).
std::optional<Json> merge(const Json& a, const Json& b) {
  Json merged = a;
  for (const auto& [key, value] : b.items()) {
    if (!merged.contains(key)) {
      merged[key] = value;
      continue;
    }
    Json& mine = merged[key];
    if (mine.is_object() && value.is_object()) {
      auto inner = merge(mine, value);
      if (!inner) return std::nullopt;
      mine = std::move(*inner);
    } else if (mine.is_array() && (value.is_array() || value.is_string())) {
      for (const Json& item : value.is_array() ? value : Json::array({value}))
        if (!contains(mine, item)) mine.push_back(item);
    } else if (mine.is_string() && value.is_array()) {
      Json list = value;
      if (!contains(value, mine)) list.insert(list.begin(), mine);
      mine = std::move(list);
    } else if (value.is_primitive() && !value.is_null()) {
      mine = value;
    } else {
      return std::nullopt;
    }
  }
  return merged;
}

// Cloud Custodian's compare_dicts_using_sets.
bool same_with_sets(const Json& a, const Json& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [key, value] : b.items()) {
    if (!a.contains(key)) return false;
    Json mine = a[key], theirs = value;
    if (mine.is_array() || theirs.is_array()) {
      mine = as_set(mine);
      theirs = as_set(theirs);
    }
    if (mine.is_object() && theirs.is_object() && same_with_sets(mine, theirs)) continue;
    if (mine != theirs) return false;
  }
  return true;
}

// __match_partial_statement: the statement's element contains what is required.
bool partially_matches(const std::string& key, const Json& required, const Json& statement) {
  if (!statement.contains(key)) return false;
  Json wanted = normalized(key, required);
  Json have = normalized(key, statement[key]);
  if (is_action_key(key)) {
    wanted = lower_set(wanted);
    have = lower_set(have);
  }
  if (have.is_string() || have.is_array()) have = as_set(have);
  if (wanted.is_array()) return subset(wanted, have);
  if (wanted.is_object()) {
    if (!have.is_object()) return false;
    auto merged = merge(have, wanted);
    return merged && same_with_sets(*merged, have);
  }
  return contains(have, wanted);
}

// One element of a required statement against the statement's, exactly (as sets).
bool element_matches(const std::string& key, const Json& required, const Json& statement) {
  if (!statement.contains(key)) return required.is_null();
  Json wanted = normalized(key, required);
  Json have = normalized(key, statement[key]);
  if (is_action_key(key)) {
    wanted = lower_set(wanted);
    have = lower_set(have);
  }
  return with_sets(wanted) == with_sets(have);
}

std::vector<std::string> partial_keys(const Json& required) {
  auto found = required.find("PartialMatch");
  if (found == required.end()) return {};
  if (found->is_string()) return {found->get<std::string>()};
  return found->get<std::vector<std::string>>();
}

bool statement_matches(const Json& required, const Json& statement) {
  std::vector<std::string> partial = partial_keys(required);
  std::size_t matched = 0, elements = 0;
  for (const auto& [key, value] : required.items()) {
    if (key == "PartialMatch") continue;
    ++elements;
    bool is_partial = std::find(partial.begin(), partial.end(), key) != partial.end();
    if (is_partial ? partially_matches(key, value, statement)
                   : element_matches(key, value, statement))
      ++matched;
  }
  return matched > 0 && matched == elements;
}

void add_once(Json& list, const Json& item) {
  if (!contains(list, item)) list.push_back(item);
}

void check_string_or_list(const Spec& element, const std::string& key, bool object_allowed) {
  const Json& value = element.value();
  bool strings = value.is_array() && std::all_of(value.begin(), value.end(),
                                                 [](const Json& item) { return item.is_string(); });
  if (value.is_string() || strings || (object_allowed && value.is_object())) return;
  element.fail("'" + key + "' must be a string or a list of strings" +
               (object_allowed ? " or a mapping" : "") + ", not " + policy::json_type_name(value));
}

void check_partial_match(const Spec& element) {
  const Json& value = element.value();
  Json list = value.is_string() ? Json::array({value}) : value;
  if (!list.is_array()) element.fail("'PartialMatch' must be an element name or a list of them");
  for (const Json& item : list)
    if (!item.is_string() || std::find(kPartialElements.begin(), kPartialElements.end(),
                                       item.get<std::string>()) == kPartialElements.end())
      element.fail("'PartialMatch' names " + item.dump() +
                   ", which is not one of Action, NotAction, Principal, NotPrincipal, Resource, "
                   "NotResource, Condition");
}

// Exactly one of each pair, as Cloud Custodian's set-statements schema (oneOf) requires.
void check_complete(const Spec& statement) {
  for (const auto& [plain, negated] :
       {std::pair{"Principal", "NotPrincipal"}, std::pair{"Action", "NotAction"},
        std::pair{"Resource", "NotResource"}}) {
    bool one = statement.has(plain), other = statement.has(negated);
    if (one == other)
      statement.fail(std::string("a statement needs exactly one of '") + plain + "' and '" +
                     negated + "'");
  }
}

void check_statement(const Spec& statement, bool require_sid, bool partial) {
  const Json& value = statement.value();
  if (!value.is_object())
    statement.fail("a statement must be a mapping, not " + policy::json_type_name(value));
  std::vector<std::string> allowed = {"Sid",          "Effect",      "Principal",
                                      "NotPrincipal", "Action",      "NotAction",
                                      "Resource",     "NotResource", "Condition"};
  if (partial) allowed.push_back("PartialMatch");
  statement.allow_keys(allowed, "a statement");
  if (value.contains("type")) statement.child("type").at_key().fail("a statement has no 'type'");
  std::string effect = statement.optional_string("Effect");
  if (effect != "Allow" && effect != "Deny")
    (statement.has("Effect") ? statement.child("Effect") : statement)
        .fail("a statement needs 'Effect': Allow or Deny");
  std::string sid = statement.optional_string("Sid");
  if (require_sid && sid.empty()) statement.fail("a statement needs a 'Sid'");
  for (const auto& [key, item] : value.items()) {
    Spec element = statement.child(key);
    if (key == "Principal" || key == "NotPrincipal")
      check_string_or_list(element, key, true);
    else if (key.ends_with("Action") || key.ends_with("Resource"))
      check_string_or_list(element, key, false);
    else if (key == "Condition" && !item.is_object())
      element.fail("'Condition' must be a mapping");
    else if (key == "PartialMatch")
      check_partial_match(element);
  }
  if (require_sid) check_complete(statement);
}

}  // namespace

Json matched_statements(const Json& resource) {
  Json all = Json::array();
  for (const char* key : {"CrossAccountViolations", kMatchedStatements}) {
    auto found = resource.find(key);
    if (found != resource.end() && found->is_array())
      for (const Json& statement : *found) add_once(all, statement);
  }
  return all;
}

Json statements_option(const Spec& spec, const char* key, bool require_sid, bool partial) {
  if (!spec.has(key)) return Json::array();
  Spec list = spec.child(key);
  if (!list.value().is_array())
    list.fail(std::string("'") + key + "' must be a list of statements, not " +
              policy::json_type_name(list.value()));
  std::set<std::string> sids;
  for (std::size_t i = 0; i < list.value().size(); ++i) {
    Spec statement = list.element(i);
    check_statement(statement, require_sid, partial);
    std::string sid = statement.optional_string("Sid");
    if (require_sid && !sids.insert(sid).second)
      statement.child("Sid").fail("Sid '" + sid + "' is given twice");
  }
  return list.value();
}

StatementSelection statement_selection(const Spec& spec, const char* key) {
  Spec option = spec.child(key);
  const Json& value = option.value();
  if (value == "matched") return {StatementSelection::Kind::kMatched, {}};
  if (value == "*") return {StatementSelection::Kind::kAll, {}};
  bool ids = value.is_array() && std::all_of(value.begin(), value.end(),
                                             [](const Json& item) { return item.is_string(); });
  if (!ids)
    option.fail(std::string("'") + key +
                "' must be a list of statement ids, 'matched' or '*', not " + value.dump());
  return {StatementSelection::Kind::kIds, value.get<std::vector<std::string>>()};
}

Json remove_statements(Json& statements, const StatementSelection& which, const Json& matched) {
  Json kept = Json::array(), removed = Json::array();
  for (const Json& statement : statements) {
    bool selected = false;
    switch (which.kind) {
      case StatementSelection::Kind::kAll:
        selected = true;
        break;
      case StatementSelection::Kind::kMatched:
        selected = contains(matched, statement);
        break;
      case StatementSelection::Kind::kIds:
        selected =
            statement.contains("Sid") && statement["Sid"].is_string() &&
            std::find(which.ids.begin(), which.ids.end(), statement["Sid"]) != which.ids.end();
        break;
    }
    (selected ? removed : kept).push_back(statement);
  }
  statements = std::move(kept);
  return removed;
}

std::optional<Json> StatementRequirement::satisfied_by(const Json& document_statements,
                                                       const policy::Variables& vars) const {
  Json statements = document_statements.is_array()    ? document_statements
                    : document_statements.is_object() ? Json::array({document_statements})
                                                      : Json::array();
  Json found = Json::array();
  for (const auto& id : ids_) {
    auto with_id = std::find_if(statements.begin(), statements.end(), [&](const Json& s) {
      return s.is_object() && s.value("Sid", Json()) == id;
    });
    if (with_id == statements.end()) return std::nullopt;
    add_once(found, *with_id);
  }
  for (const Json& required : policy::format_string_values(statements_, vars)) {
    auto match = std::find_if(statements.begin(), statements.end(), [&](const Json& s) {
      return s.is_object() && statement_matches(required, s);
    });
    if (match == statements.end()) return std::nullopt;
    add_once(found, *match);
  }
  return found;
}

Json parse_policy_text(const std::string& text, const std::string& what) {
  try {
    Json document = Json::parse(text);
    if (document.is_object()) return document;
  } catch (const Json::exception&) {  // bad syntax, or a number beyond a double
  }
  throw Error(what + " is not a JSON policy document; leave it to a person to fix");
}

Json policy_statements(const Json& document) {
  Json statements =
      document.is_object() ? document.value("Statement", Json::array()) : Json::array();
  return statements.is_object() ? Json::array({statements}) : statements;
}

}  // namespace custos::resources
