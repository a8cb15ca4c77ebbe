#include "resources/related_resource_filter.h"

#include <algorithm>
#include <optional>
#include <set>

#include "aws/client.h"
#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/value_filter.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::ResourceType;
using policy::Spec;

// Cloud Custodian's RelatedResourceFilter: a value filter over each related resource; the
// resource matches when one does (operator: or, the default) or all do (and). The related ids
// that matched are kept on it (c7n:matched-security-groups for modify-security-groups' remove:
// matched). A related resource that no longer exists matches only `value: absent`.
class RelatedResourceFilter : public policy::AnnotatingFilter {
 public:
  RelatedResourceFilter(const Spec& spec, RelatedResources related, const ResourceType& type)
      : related_(std::move(related)),
        type_(type),
        path_(jmespath::Expression::compile(related_.ids)),
        all_(spec.one_of("operator", {"and", "or"}, "or") == "and"),
        absent_(spec.value().value("value", Json()) == "absent") {
    read_gateways(spec);
    if (gateways_asked() && !spec.has("key") && !spec.has("value")) {
      spec.allow_keys({"type", "operator", "igw", "nat", "match-resource"},
                      "filter '" + spec.optional_string("type") + "'");
      return;  // the subnets' routes alone
    }
    if (!spec.optional_bool("match-resource", false)) {
      matcher_.emplace(
          spec, policy::ValueMatcher::Options{
                    .extra_keys = {"match-resource", "operator", "igw", "nat"}, .default_key = ""});
      return;
    }
    // Cloud Custodian puts the resource's own value at `key` in place of `value`.
    spec.allow_keys(policy::value_filter_options({"operator", "match-resource", "igw", "nat"}),
                    "filter '" + spec.optional_string("type") + "'");
    const std::string op = spec.optional_string("op", "eq");
    if (op != "eq" && op != "equal" && op != "ne" && op != "not-equal")
      spec.child("op").fail("with match-resource, op is eq or ne (the related resource's " +
                            spec.optional_string("key") + " against the resource's own)");
    same_key_.emplace(jmespath::Expression::compile(spec.required_string("key")));
    differ_ = op == "ne" || op == "not-equal";
  }

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    std::map<std::string, std::vector<Json>> related = fetch(resources, context);
    const RouteTables routes = gateways_asked() ? route_tables(context) : RouteTables();
    const bool contained = !related_.container.empty();
    std::vector<Json> kept;
    for (Json& resource : resources) {
      std::vector<std::string> found;
      std::size_t candidates = 0;
      for (const auto& id : related_ids(path_, resource)) {
        auto at = related.find(id);
        if (at == related.end()) {  // gone; or, contained, there are none
          if (contained) continue;
          ++candidates;
          if (absent_) found.push_back(id);
          continue;
        }
        for (const Json& document : at->second) {
          ++candidates;
          if (related_matches(document, resource, routes, context))
            found.push_back(contained ? document.value(type_.id_field, "") : id);
        }
      }
      if (found.empty() || (all_ && found.size() != candidates)) continue;
      Json& noted = resource[related_.annotation];
      std::set<std::string> all(found.begin(), found.end());
      if (noted.is_array())
        for (const Json& id : noted) all.insert(id.get<std::string>());
      noted = Json(std::vector<std::string>(all.begin(), all.end()));
      kept.push_back(std::move(resource));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override {
    std::vector<std::string> needed = policy::describe_permissions(type_);
    if (gateways_asked()) needed.push_back("ec2:DescribeRouteTables");
    return needed;
  }

 private:
  // A subnet's route table (its own, else its VPC's main one), by subnet id and by VPC id.
  using RouteTables = std::map<std::string, Json>;

  // igw / nat (subnet only): whether the subnet routes to an internet gateway / a NAT gateway.
  void read_gateways(const Spec& spec) {
    for (auto [option, wanted] : {std::pair{"igw", &igw_}, std::pair{"nat", &nat_}}) {
      if (!spec.has(option)) continue;
      if (related_.type != "aws.subnet")
        spec.child(option).at_key().fail(std::string("'") + option +
                                         "' is an option of the subnet filter only");
      *wanted = spec.optional_bool(option, false);
    }
    any_part_ = spec.optional_string("operator") == "or";
  }
  bool gateways_asked() const { return igw_.has_value() || nat_.has_value(); }

  // Each asked-for part of the verdict on one related resource: its routes (igw, nat), its
  // value (the value filter, or match-resource's comparison); all of them, or with operator:
  // or any of them (Cloud Custodian's later subnet filter, whose default here is `and`, and
  // which counts a part not asked for as true and so makes `or` match everything).
  bool related_matches(const Json& document, const Json& resource, const RouteTables& routes,
                       const FilterContext& context) const {
    std::vector<bool> parts;
    if (gateways_asked()) {
      const Json* table = route_table_of(document, routes);
      if (igw_) parts.push_back(table && routes_to(*table, "GatewayId", "igw-") == *igw_);
      if (nat_) parts.push_back(table && routes_to(*table, "NatGatewayId", "") == *nat_);
    }
    if (same_key_)
      parts.push_back((same_key_->search(document) == same_key_->search(resource)) != differ_);
    else if (matcher_)
      parts.push_back(matcher_->matches(document, context));
    if (!gateways_asked()) return parts.front();
    return any_part_ ? std::any_of(parts.begin(), parts.end(), [](bool part) { return part; })
                     : std::all_of(parts.begin(), parts.end(), [](bool part) { return part; });
  }

  static const Json* route_table_of(const Json& subnet, const RouteTables& routes) {
    for (const char* key : {"SubnetId", "VpcId"})
      if (auto found = routes.find(subnet.value(key, "")); found != routes.end())
        return &found->second;
    return nullptr;
  }
  static bool routes_to(const Json& table, const char* member, std::string_view prefix) {
    for (const Json& route : table.value("Routes", Json::array()))
      if (route.contains(member) && route[member].is_string() &&
          route[member].get<std::string>().starts_with(prefix))
        return true;
    return false;
  }
  RouteTables route_tables(const FilterContext& context) const {
    const aws::Client& client = policy::require_client(context, "the subnets' route tables");
    RouteTables routes;
    client.paginate("ec2", "DescribeRouteTables", Json::object(), [&](const Json& page) {
      for (const Json& table : page.value("RouteTables", Json::array()))
        for (const Json& association : table.value("Associations", Json::array())) {
          if (association.value("Main", false))
            routes[table.value("VpcId", "")] = table;
          else if (association.contains("SubnetId"))
            routes[association["SubnetId"].get<std::string>()] = table;
        }
      return true;
    });
    return routes;
  }

  // The related resources by the id the resource knows them by (or, contained, by the id of
  // the resource that contains them).
  std::map<std::string, std::vector<Json>> fetch(const std::vector<Json>& resources,
                                                 const FilterContext& context) const {
    std::set<std::string> wanted;
    for (const Json& resource : resources)
      for (auto& id : related_ids(path_, resource)) wanted.insert(std::move(id));
    std::map<std::string, std::vector<Json>> related;
    if (wanted.empty()) return related;
    const aws::Client& client = policy::require_client(context, related_.annotation);
    if (!related_.container.empty()) {
      jmespath::Expression container = jmespath::Expression::compile(related_.container);
      for (Json& document : policy::describe_resources(type_, client, nullptr))
        for (const auto& id : related_ids(container, document))
          if (wanted.count(id)) related[id].push_back(document);
      return related;
    }
    std::vector<std::string> ids(wanted.begin(), wanted.end());
    std::map<std::string, Json> by_id;
    for (Json& document : policy::describe_resources(type_, client, &ids)) {
      if (related_.index) {
        related_.index(std::move(document), by_id);
      } else {
        // Json's operator= takes its argument by value, moved from before the key is read.
        std::string id = document.value(type_.id_field, "");
        by_id[id] = std::move(document);
      }
    }
    for (auto& [id, document] : by_id) related[id].push_back(std::move(document));
    return related;
  }

  RelatedResources related_;
  const ResourceType& type_;
  jmespath::Expression path_;
  std::optional<policy::ValueMatcher> matcher_;  // unless match-resource
  bool all_;
  bool absent_;
  std::optional<jmespath::Expression> same_key_;  // match-resource: the key both are read at
  bool differ_ = false;                           // match-resource with op ne
  std::optional<bool> igw_, nat_;                 // subnet: routes to the gateways (or not)
  bool any_part_ = false;                         // igw/nat with operator: or
};

}  // namespace

namespace {

policy::FilterInfo related_resource_filter_info(const std::string& name, RelatedResources related) {
  policy::FilterInfo info;
  info.description = "A value filter over the resource's " + name +
                     "s (operator: or, any of them; and, all; match-resource: the related "
                     "resource's key equals the resource's own); the matched ids kept as " +
                     related.annotation;
  info.options = policy::value_filter_options({"operator", "match-resource"});
  if (related.type == "aws.subnet") info.options.insert(info.options.end(), {"igw", "nat"});
  info.permissions = related.permissions;
  // The related type is looked up when a policy is compiled: it may be registered later.
  info.factory = [related = std::move(related)](
                     const Spec& spec, const policy::BuildContext& context) -> policy::FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write this filter as a mapping: {type: ..., key: ..., value: ...}");
    const ResourceType* type = context.registry.find_resource(related.type);
    if (!type) throw Error("internal: " + related.type + " is not registered");
    return std::make_unique<RelatedResourceFilter>(spec, related, *type);
  };
  return info;
}

}  // namespace

void add_related_resource_filter(policy::Registry& registry, const std::string& resource,
                                 const std::string& name, RelatedResources related) {
  registry.add_filters_on_first_use(
      resource, [name, related = std::move(related)](const policy::Registry&, auto& into) {
        into[name] = related_resource_filter_info(name, related);
      });
}

std::vector<std::string> related_ids(const jmespath::Expression& path, const Json& resource) {
  Json found = path.search(resource);
  std::vector<std::string> ids;
  if (found.is_string()) ids.push_back(found.get<std::string>());
  if (found.is_array())
    for (const Json& id : found)
      if (id.is_string() && std::find(ids.begin(), ids.end(), id) == ids.end())
        ids.push_back(id.get<std::string>());
  return ids;
}

}  // namespace custos::resources
