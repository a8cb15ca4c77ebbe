#include "policy/query.h"

#include <map>
#include <set>

#include "aws/model.h"
#include "policy/shape_check.h"

namespace custos::policy {
namespace {

// The describe filters Cloud Custodian's EC2QueryParser accepts, with the values it allows
// (empty: any string); tag:KEY filters are accepted too.
const std::map<std::string, std::set<std::string>>& ec2_filters() {
  static const std::map<std::string, std::set<std::string>> table = {
      {"architecture", {"i386", "x86_64"}},
      {"availability-zone", {}},
      {"ebs-optimized", {}},
      {"iam-instance-profile.arn", {}},
      {"image-id", {}},
      {"instance-id", {}},
      {"instance-lifecycle", {"spot", "scheduled", "capacity-block"}},
      {"instance-state-name",
       {"pending", "terminated", "running", "shutting-down", "stopping", "stopped"}},
      {"instance-type", {}},
      {"instance.group-id", {}},
      {"instance.group-name", {}},
      {"owner-id", {}},
      {"platform", {}},
      {"tag-key", {}},
      {"tag-value", {}},
      {"tenancy", {"dedicated", "default", "host"}},
      {"vpc-id", {}}};
  return table;
}

Json as_list(const Json& value) { return value.is_array() ? value : Json::array({value}); }

class QueryBuilder {
 public:
  QueryBuilder(const ResourceType& type, const aws::Shape* input) : type_(type), input_(input) {}

  void add(const Spec& entry) {
    if (!entry.value().is_object() || entry.value().size() != 1)
      entry.fail("each query entry is a mapping with one key ({KEY: VALUE})");
    const std::string key = entry.value().begin().key();
    const Json& value = entry.value().begin().value();
    Spec at = entry.child(key);
    if (key == "Filters") {
      if (!value.is_array()) at.fail("Filters must be a list of {Name, Values}");
      for (std::size_t i = 0; i < value.size(); ++i) add_filter_entry(at.element(i));
    } else if (const aws::ShapeRef* member = input_->find_member(key)) {
      add_parameter(at, key, value, member->shape->type == "list");
    } else if (input_->find_member("Filters")) {
      add_filter(at, key, as_list(value));
    } else {
      at.at_key().fail("query key '" + key + "' is not a parameter of " + type_.service + ":" +
                       type_.enumerate_operation + " (" + parameter_names() + ")");
    }
  }

  Json params() const {
    Json params = parameters_;
    if (!filters_.empty()) {
      params["Filters"] = Json::array();
      for (const auto& [name, values] : filters_)
        params["Filters"].push_back({{"Name", name}, {"Values", values}});
    }
    return params;
  }

 private:
  void add_filter_entry(const Spec& spec) {
    if (!spec.value().is_object() || !spec.has("Name") || !spec.has("Values"))
      spec.fail("each query filter needs 'Name' and 'Values'");
    spec.allow_keys({"Name", "Values"}, "a query filter");
    if (!spec.value()["Values"].is_array()) spec.child("Values").fail("'Values' must be a list");
    add_filter(spec.child("Values"), spec.required_string("Name"), spec.value()["Values"]);
  }

  // Cloud Custodian joins the values of a filter named twice.
  void add_filter(const Spec& at, const std::string& name, const Json& values) {
    if (type_.name == "aws.ec2" && !name.starts_with("tag:")) check_ec2_filter(at, name, values);
    for (const Json& value : values)
      if (!value.is_string() && !value.is_number())
        at.fail("query filter '" + name + "' takes strings, not " + json_type_name(value));
    Json& joined = filters_[name];
    if (joined.is_null()) joined = Json::array();
    for (const Json& value : values)
      joined.push_back(value.is_string() ? value : Json(value.dump()));
  }

  void check_ec2_filter(const Spec& at, const std::string& name, const Json& values) const {
    auto known = ec2_filters().find(name);
    if (known == ec2_filters().end()) {
      std::string names;
      for (const auto& [filter, _] : ec2_filters()) names += (names.empty() ? "" : ", ") + filter;
      at.at_key().fail("unknown EC2 query filter '" + name + "' (" + names + ", tag:KEY)");
    }
    for (const Json& value : values)
      if (!known->second.empty() &&
          (!value.is_string() || !known->second.count(value.get<std::string>())))
        at.fail("query filter '" + name + "' does not take " + value.dump());
  }

  // A list parameter gathers every entry naming it; a scalar one may be given once.
  void add_parameter(const Spec& at, const std::string& key, const Json& value, bool list) {
    if (!list) {
      if (value.is_array()) at.fail("query value for '" + key + "' must be a single value");
      if (parameters_.contains(key)) at.at_key().fail("query key '" + key + "' must be unique");
      parameters_[key] = value;
      return;
    }
    Json& joined = parameters_[key];
    if (joined.is_null()) joined = Json::array();
    for (const Json& item : as_list(value)) joined.push_back(item);
  }

  std::string parameter_names() const {
    std::string names;
    for (const auto& [name, _] : input_->members) names += (names.empty() ? "" : ", ") + name;
    return names.empty() ? "it takes none" : "parameters: " + names;
  }

  const ResourceType& type_;
  const aws::Shape* input_;
  Json parameters_ = Json::object();
  std::map<std::string, Json> filters_;
};

// The keys of the type's detail calls (what augment-keys may name).
std::set<std::string> detail_keys(const ResourceType& type) {
  std::set<std::string> keys;
  for (const DetailCall& call : type.details)
    if (!call.key.empty()) keys.insert(call.key);
  return keys;
}

Json compile_augment_keys(const Spec& at, const ResourceType& type) {
  const Json& value = at.value();
  const std::set<std::string> known = detail_keys(type);
  std::string names;
  for (const auto& key : known) names += (names.empty() ? "" : ", ") + key;
  if (known.empty()) at.at_key().fail("augment-keys: " + type.name + " has no detail calls");
  if (value.is_string() && (value == "all" || value == "none" || value == "detect")) return value;
  if (!value.is_array())
    at.fail("augment-keys is all, none, detect or a list of " + type.name + "'s keys (" + names +
            ")");
  for (std::size_t i = 0; i < value.size(); ++i)
    if (!value[i].is_string() || !known.count(value[i].get<std::string>()))
      at.element(i).fail("augment-keys: " + value[i].dump() + " is not one of " + type.name +
                         "'s keys (" + names + ")");
  return value;
}

// The top-level keys the value filters in `filters` read (c7n's detect_augment_fields).
void read_keys(const Json& filters, std::set<std::string>& keys) {
  for (const Json& filter : filters.is_array() ? filters : Json::array()) {
    if (!filter.is_object()) continue;
    for (const char* block : {"and", "or", "not"})
      if (filter.contains(block)) read_keys(filter[block], keys);
    std::string key;
    if (filter.value("type", "") == "value")
      key = filter.value("key", "");
    else if (filter.size() == 1 && !filter.contains("type"))
      key = filter.begin().key();
    key = key.substr(0, key.find('.'));
    keys.insert(key.starts_with("tag:") ? "Tags" : key);
  }
}

}  // namespace

Query compile_query(const Spec& spec, const ResourceType& type) {
  if (!spec.value().is_array()) spec.fail("'query' must be a list of {KEY: VALUE} mappings");
  Query query;
  std::vector<std::size_t> parameters;
  for (std::size_t i = 0; i < spec.value().size(); ++i) {
    const Json& entry = spec.value()[i];
    if (entry.is_object() && entry.size() == 1 && entry.contains("augment-keys"))
      query.augment_keys = compile_augment_keys(spec.element(i).child("augment-keys"), type);
    else
      parameters.push_back(i);
  }
  if (parameters.empty()) return query;
  if (type.enumerate_operation.empty())
    spec.at_key().fail("'query' is not supported on " + type.name + " (it has no listing call)");
  auto model = aws::ServiceModel::load(type.service);
  const aws::Shape* input = model->operation(type.enumerate_operation).input.shape;
  if (!input)
    spec.element(parameters[0])
        .fail("'query' on " + type.name + " takes augment-keys only: " + type.enumerate_operation +
              " takes no parameters");
  QueryBuilder builder(type, input);
  for (std::size_t i : parameters) builder.add(spec.element(i));
  query.params = builder.params();
  check_input_shape(spec, type.service, type.enumerate_operation, query.params);
  return query;
}

std::shared_ptr<const ResourceType> with_augment_keys(const ResourceType& type,
                                                      const Json& augment_keys,
                                                      const Json& filters) {
  if (augment_keys.is_null() || augment_keys == "all") return nullptr;
  std::set<std::string> wanted = {"Tags"};  // as Cloud Custodian: tags always
  if (augment_keys == "detect")
    read_keys(filters, wanted);
  else if (augment_keys.is_array())
    for (const Json& key : augment_keys) wanted.insert(key.get<std::string>());
  auto narrowed = std::make_shared<ResourceType>(type);
  std::erase_if(narrowed->details, [&](const DetailCall& call) {
    return !call.required && !call.key.empty() && !wanted.count(call.key);
  });
  return narrowed;
}

}  // namespace custos::policy
