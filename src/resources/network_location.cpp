// network-location (Cloud Custodian's NetworkLocation, c7n/filters/vpc.py): whether a resource,
// its subnets and its security groups agree on one attribute (`key`, a tag as often as not).
// What disagrees is kept on the resource as c7n:NetworkLocation, a list of {reason, ...};
// modify-security-groups' remove: network-location removes the groups of its
// SecurityGroupMismatch.
#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "aws/client.h"
#include "core/error.h"
#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/spec_numbers.h"
#include "policy/value_filter.h"
#include "policy/value_type_python.h"
#include "resources/network_filters.h"
#include "resources/related_resource_filter.h"

namespace custos::resources {
namespace {

using policy::BuildContext;
using policy::FilterContext;
using policy::ResourceType;
using policy::Spec;

// Python's set(filter(None, values)): the truthy values, each once.
std::vector<Json> value_space(const Json& values) {
  std::vector<Json> space;
  for (const auto& item : values.items()) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    const Json& value = item.value();
    if (!policy::python::truthy(&value)) continue;
    if (std::none_of(space.begin(), space.end(),
                     [&](const Json& seen) { return policy::python::equal(seen, value); }))
      space.push_back(value);
  }
  return space;
}

bool same_space(const std::vector<Json>& a, const std::vector<Json>& b) {
  auto within = [](const std::vector<Json>& x, const std::vector<Json>& y) {
    return std::all_of(x.begin(), x.end(), [&](const Json& v) {
      return std::any_of(y.begin(), y.end(),
                         [&](const Json& w) { return policy::python::equal(v, w); });
    });
  };
  return a.size() == b.size() && within(a, b) && within(b, a);
}

bool in_space(const Json& value, const std::vector<Json>& space) {
  return std::any_of(space.begin(), space.end(),
                     [&](const Json& v) { return policy::python::equal(v, value); });
}

class NetworkLocation : public policy::AnnotatingFilter {
 public:
  NetworkLocation(const Spec& spec, const BuildContext& context, const NetworkPaths& paths)
      : groups_path_(jmespath::Expression::compile(paths.security_groups)),
        subnets_path_(jmespath::Expression::compile(paths.subnets)),
        group_type_(related_type(context, "aws.security-group")),
        subnet_type_(related_type(context, "aws.subnet")),
        ec2_(context.resource.name == "aws.ec2") {
    if (!spec.has("key")) spec.fail("network-location needs key: the attribute to compare");
    key_ = std::make_unique<policy::ValueKey>(spec.required_string("key"), spec.child("key"));
    if (spec.has("compare")) {
      const Json& compare = spec.value()["compare"];
      if (!compare.is_array())
        spec.child("compare").fail("'compare' must be a list of resource, subnet, security-group");
      compare_.clear();
      for (std::size_t i = 0; i < compare.size(); ++i) {
        const Json& item = compare[i];
        if (!item.is_string() ||
            (item != "resource" && item != "subnet" && item != "security-group"))
          spec.child("compare").element(i).fail(
              "'compare' items are resource, subnet or security-group");
        compare_.insert(item.get<std::string>());
      }
    }
    equal_ = spec.one_of("match", {"equal", "not-equal"}, "not-equal") == "equal";
    missing_ok_ = spec.optional_bool("missing-ok", false);
    if (spec.has("max-cardinality") && !spec.value()["max-cardinality"].is_number_integer())
      spec.child("max-cardinality").fail("'max-cardinality' must be a whole number");
    max_cardinality_ = spec.value().value("max-cardinality", 1LL);
    if (spec.has("ignore")) {
      const Json& ignore = spec.value()["ignore"];
      if (!ignore.is_array())
        spec.child("ignore").fail("'ignore' must be a list of {key: value} mappings");
      for (std::size_t i = 0; i < ignore.size(); ++i) {
        Spec item = spec.child("ignore").element(i);
        if (!item.value().is_object())
          item.fail("each of 'ignore' is a {key: value} mapping, such as {\"tag:TEAM\": Ops}");
        std::vector<std::pair<std::shared_ptr<policy::ValueKey>, Json>> all;
        for (const auto& [key, value] : item.value().items())
          all.emplace_back(std::make_shared<policy::ValueKey>(key, item.child(key).at_key()),
                           value);
        ignore_.push_back(std::move(all));
      }
    }
  }

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    if (ec2_)  // Cloud Custodian's EC2NetworkLocation: instances that are or will be running
      std::erase_if(resources, [](const Json& instance) {
        static const std::set<std::string> states{"pending", "running", "shutting-down", "stopping",
                                                  "stopped"};
        return !states.count(instance.value("State", Json::object()).value("Name", ""));
      });
    if (resources.empty()) return resources;
    const aws::Client& client = policy::require_client(context, "network-location");
    std::map<std::string, Json> groups = related(resources, groups_path_, group_type_, client);
    std::map<std::string, Json> subnets = related(resources, subnets_path_, subnet_type_, client);
    std::vector<Json> kept;
    for (Json& resource : resources) {
      std::vector<Json> resource_groups = kept_of(resource, groups_path_, groups);
      std::vector<Json> resource_subnets = kept_of(resource, subnets_path_, subnets);
      Json evaluation = evaluate(resource, resource_groups, resource_subnets);
      if (!evaluation.empty() && !equal_) {
        resource["c7n:NetworkLocation"] = evaluation;
        kept.push_back(std::move(resource));
      } else if (evaluation.empty() && equal_) {
        kept.push_back(std::move(resource));
      }
    }
    return kept;
  }

  std::vector<std::string> permissions() const override {
    return {"ec2:DescribeSecurityGroups", "ec2:DescribeSubnets"};
  }

 private:
  static const ResourceType& related_type(const BuildContext& context, const char* name) {
    const ResourceType* type = context.registry.find_resource(name);
    if (!type) throw Error(std::string("internal: ") + name + " is not registered");
    return *type;
  }

  // The related documents every resource names, by id, in one listing.
  static std::map<std::string, Json> related(const std::vector<Json>& resources,
                                             const jmespath::Expression& path,
                                             const ResourceType& type, const aws::Client& client) {
    std::set<std::string> wanted;
    for (const Json& resource : resources)
      for (auto& id : related_ids(path, resource)) wanted.insert(std::move(id));
    std::map<std::string, Json> by_id;
    if (wanted.empty()) return by_id;
    std::vector<std::string> ids(wanted.begin(), wanted.end());
    for (Json& document : policy::describe_resources(type, client, &ids)) {
      std::string id = document.value(type.id_field, "");
      by_id[id] = std::move(document);
    }
    return by_id;
  }

  Json value_at(const policy::ValueKey& key, const Json& document) const {
    Json scratch;
    const Json* found = key.lookup(document, scratch);
    return found ? *found : Json();
  }

  // The resource's related documents that exist, less those `ignore` names (filter_ignored).
  std::vector<Json> kept_of(const Json& resource, const jmespath::Expression& path,
                            const std::map<std::string, Json>& documents) const {
    std::vector<Json> kept;
    for (const auto& id : related_ids(path, resource)) {
      auto at = documents.find(id);
      if (at == documents.end()) continue;
      bool ignored = std::any_of(ignore_.begin(), ignore_.end(), [&](const auto& all) {
        return std::any_of(all.begin(), all.end(), [&](const auto& pair) {
          return policy::python::equal(value_at(*pair.first, at->second), pair.second);
        });
      });
      if (!ignored) kept.push_back(at->second);
    }
    return kept;
  }

  Json values_of(const std::vector<Json>& documents, const std::string& id_field) const {
    Json values = Json::object();
    for (const Json& document : documents)
      values[document.value(id_field, "")] = value_at(*key_, document);
    return values;
  }

  static bool has_none(const Json& values) {
    for (const auto& [id, value] : values.items())
      if (value.is_null()) return true;
    return false;
  }

  // process_resource: the reasons the resource's location disagrees.
  Json evaluate(const Json& resource, const std::vector<Json>& groups,
                const std::vector<Json>& subnets) const {
    Json evaluation = Json::array();
    const bool by_subnet = compare_.count("subnet") > 0;
    const bool by_group = compare_.count("security-group") > 0;
    Json subnet_values = Json::object(), group_values = Json::object();
    std::vector<Json> subnet_space, group_space;
    if (by_subnet) {
      subnet_values = values_of(subnets, subnet_type_.id_field);
      if (!missing_ok_ && has_none(subnet_values))
        evaluation.push_back({{"reason", "SubnetLocationAbsent"}, {"subnets", subnet_values}});
      subnet_space = value_space(subnet_values);
      if (static_cast<long long>(subnet_space.size()) > max_cardinality_)
        evaluation.push_back({{"reason", "SubnetLocationCardinality"}, {"subnets", subnet_values}});
    }
    if (by_group) {
      group_values = values_of(groups, group_type_.id_field);
      if (!missing_ok_ && has_none(group_values))
        evaluation.push_back(
            {{"reason", "SecurityGroupLocationAbsent"}, {"security-groups", group_values}});
      group_space = value_space(group_values);
      if (static_cast<long long>(group_space.size()) > max_cardinality_)
        evaluation.push_back(
            {{"reason", "SecurityGroupLocationCardinality"}, {"security-groups", group_values}});
    }
    if (by_subnet && by_group && !same_space(group_space, subnet_space))
      evaluation.push_back({{"reason", "LocationMismatch"},
                            {"subnets", subnet_values},
                            {"security-groups", group_values}});
    if (compare_.count("resource")) {
      Json value = value_at(*key_, resource);
      if (!missing_ok_ && value.is_null())
        evaluation.push_back({{"reason", "ResourceLocationAbsent"}, {"resource", value}});
      else if (by_group && !groups.empty() && !in_space(value, group_space))
        evaluation.push_back({{"reason", "ResourceLocationMismatch"},
                              {"resource", value},
                              {"security-groups", group_values}});
      else if (by_subnet && !subnets.empty() && !in_space(value, subnet_space))
        evaluation.push_back({{"reason", "ResourceLocationMismatch"},
                              {"resource", value},
                              {"subnet", subnet_values}});
      if (by_group && !groups.empty()) {
        Json mismatched = Json::object();
        for (const auto& [id, group_value] : group_values.items())
          if (!policy::python::equal(group_value, value)) mismatched[id] = group_value;
        if (!mismatched.empty())
          evaluation.push_back({{"reason", "SecurityGroupMismatch"},
                                {"resource", value},
                                {"security-groups", mismatched}});
      }
    }
    return evaluation;
  }

  jmespath::Expression groups_path_, subnets_path_;
  const ResourceType& group_type_;
  const ResourceType& subnet_type_;
  bool ec2_;
  std::unique_ptr<policy::ValueKey> key_;
  std::set<std::string> compare_{"resource", "subnet", "security-group"};
  bool equal_ = false;
  bool missing_ok_ = false;
  long long max_cardinality_ = 1;
  std::vector<std::vector<std::pair<std::shared_ptr<policy::ValueKey>, Json>>> ignore_;
};

}  // namespace

void register_network_location_filter(policy::Registry& registry, const std::string& resource,
                                      const NetworkPaths& paths) {
  policy::FilterInfo info;
  const std::vector<std::string> options = {"compare",         "key",       "match", "ignore",
                                            "max-cardinality", "missing-ok"};
  info.factory = [paths, options](const Spec& spec,
                                  const BuildContext& context) -> policy::FilterPtr {
    if (!spec.value().is_object())
      spec.fail("network-location needs key: the attribute to compare");
    spec.allow_keys(options, "filter 'network-location'");
    return std::make_unique<NetworkLocation>(spec, context, paths);
  };
  info.description =
      "Resources whose own `key` value, their subnets' and their security groups' disagree "
      "(compare, match: equal|not-equal, ignore, max-cardinality, missing-ok), the reasons kept "
      "as c7n:NetworkLocation";
  info.options = options;
  info.permissions = {"ec2:DescribeSecurityGroups", "ec2:DescribeSubnets"};
  registry.add_filter(resource, "network-location", std::move(info));
}

}  // namespace custos::resources
