#include "resources/sg_permissions.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "aws/client.h"
#include "policy/value_filter.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;
using policy::ValueCondition;
using policy::ValueMatcher;

constexpr const char* kRangeKeys[] = {"IpRanges", "Ipv6Ranges", "PrefixListIds",
                                      "UserIdGroupPairs"};
// The rule's own keys, each judged by a value filter on the expanded rule (sorted, as Cloud
// Custodian builds them).
constexpr const char* kRuleKeys[] = {"FromPort",      "IpProtocol", "IpRanges",
                                     "PrefixListIds", "ToPort",     "UserIdGroupPairs"};

const std::vector<std::string> kOptions = {
    "IpProtocol",   "FromPort",      "ToPort", "UserIdGroupPairs", "IpRanges",      "PrefixListIds",
    "Cidr",         "CidrV6",        "Ports",  "OnlyPorts",        "SelfReference", "Description",
    "SGReferences", "match-operator"};

// Groups by id, fetched when SGReferences first needs them.
using GroupCache = std::map<std::string, Json>;

// An option judged as a value filter on a document under a fixed key, as Cloud Custodian
// writes it: a mapping is a value filter whose key it sets, anything else the {key: value}
// shorthand.
class KeyedTest {
 public:
  KeyedTest(const Spec& option, std::string key) : key_(std::move(key)) {
    if (!option.value().is_object()) {
      condition_ = std::make_unique<ValueCondition>(option, option, "");
      return;
    }
    if (option.has("key"))
      option.child("key").at_key().fail("no 'key' here: this option is compared with " + key_);
    matcher_ = std::make_unique<ValueMatcher>(option, ValueMatcher::Options{{}, key_});
  }

  bool operator()(const Json& document, const FilterContext& context) const {
    if (matcher_) return matcher_->matches(document, context);
    const Json* found = nullptr;
    if (document.is_object()) {
      auto at = document.find(key_);
      if (at != document.end()) found = &*at;
    }
    return condition_->test(found);
  }

 private:
  std::string key_;
  std::unique_ptr<ValueMatcher> matcher_;
  std::unique_ptr<ValueCondition> condition_;
};

std::vector<double> port_list(const Spec& spec, const char* key) {
  if (!spec.has(key)) return {};
  const Json& value = spec.value()[key];
  if (!value.is_array() ||
      !std::all_of(value.begin(), value.end(), [](const Json& p) { return p.is_number_integer(); }))
    spec.child(key).fail(std::string("'") + key + "' must be a list of port numbers");
  return value.get<std::vector<double>>();
}

// AWS names protocols as text ("-1" for all); Cloud Custodian compares a number with that text
// and never matches, so a number is refused rather than silently matching nothing.
void check_protocol(const Spec& spec) {
  if (!spec.has("IpProtocol")) return;
  Spec option = spec.child("IpProtocol");
  const Json& value = option.value();
  Spec number = option;
  if (value.is_object() && value.contains("value")) number = option.child("value");
  if (number.value().is_number())
    number.fail("IpProtocol is text in AWS's answers: write '" + number.value().dump() +
                "' in quotes (a number never matches it)");
}

bool in_range(double port, const Json& from, const Json& to) {
  return from.is_number() && to.is_number() && port >= from.get<double>() &&
         port <= to.get<double>();
}

bool is_port(double port, const Json& value) {
  return value.is_number() && value.get<double>() == port;
}

const Json& list_at(const Json& perm, const char* key) {
  static const Json kEmpty = Json::array();
  auto at = perm.find(key);
  return at == perm.end() || !at->is_array() ? kEmpty : *at;
}

class PermissionMatcher {
 public:
  explicit PermissionMatcher(const Spec& spec)
      : ports_(port_list(spec, "Ports")), only_ports_(port_list(spec, "OnlyPorts")) {
    check_protocol(spec);
    for (const char* key : kRuleKeys)
      if (spec.has(key)) rules_.emplace_back(spec.child(key), key);
    if (spec.has("Cidr")) cidr_.emplace(spec.child("Cidr"), "CidrIp");
    if (spec.has("CidrV6")) cidr_v6_.emplace(spec.child("CidrV6"), "CidrIpv6");
    if (spec.has("Description")) {
      Spec option = spec.child("Description");
      if (!option.value().is_object())
        option.fail("'Description' must be a value filter ({value: ..., op: ...})");
      description_.emplace(option, "Description");
    }
    if (spec.has("SelfReference")) self_reference_ = spec.optional_bool("SelfReference", false);
    if (spec.has("SGReferences")) {
      Spec option = spec.child("SGReferences");
      if (!option.value().is_object() || option.value().empty())
        option.fail("'SGReferences' must be a value filter on the referenced groups");
      sg_references_ = std::make_unique<ValueMatcher>(option);
    }
    and_ = spec.one_of("match-operator", {"and", "or"}, "and") == "and";
  }

  bool reads_groups() const { return sg_references_ != nullptr; }

  // The expanded rules of group[list_key] that match: every condition given (and) or one of
  // them (or), conditions that do not apply to a rule (ports on a rule without any) left out.
  Json matching(const Json& group, const std::string& list_key, const FilterContext& context,
                GroupCache& groups) const {
    Json matched = Json::array();
    auto rules = group.find(list_key);
    if (rules == group.end()) return matched;
    for (const Json& perm : expand_permissions(*rules)) {
      std::vector<bool> verdicts;
      for (const KeyedTest& test : rules_) verdicts.push_back(test(perm, context));
      for (auto verdict : {description(perm, context), ports(perm), cidrs(perm, context),
                           self_reference(perm, group.value("GroupId", "")),
                           sg_references(perm, group.value("OwnerId", ""), context, groups)})
        if (verdict) verdicts.push_back(*verdict);
      if (and_ && verdicts.empty()) continue;  // Python's all([]) would match every rule
      bool match = and_ ? std::all_of(verdicts.begin(), verdicts.end(), [](bool v) { return v; })
                        : std::any_of(verdicts.begin(), verdicts.end(), [](bool v) { return v; });
      if (match) matched.push_back(perm);
    }
    return matched;
  }

 private:
  std::optional<bool> ports(const Json& perm) const {
    if (!perm.contains("FromPort") || !perm.contains("ToPort")) return std::nullopt;
    const Json& from = perm["FromPort"];
    const Json& to = perm["ToPort"];
    std::optional<bool> found;
    for (double port : ports_) {
      found = in_range(port, from, to);
      if (*found) break;
    }
    bool only_found = std::any_of(only_ports_.begin(), only_ports_.end(), [&](double port) {
      return is_port(port, from) && is_port(port, to);
    });
    // OnlyPorts is a negative assertion: a rule opening anything else matches.
    if (!only_ports_.empty()) found = only_found ? false : (!found || *found);
    return found;
  }

  static bool any_range(const KeyedTest& test, const Json& perm, const char* key,
                        const FilterContext& context) {
    const Json& ranges = list_at(perm, key);
    return std::any_of(ranges.begin(), ranges.end(),
                       [&](const Json& range) { return test(range, context); });
  }

  std::optional<bool> cidrs(const Json& perm, const FilterContext& context) const {
    std::vector<bool> found;
    if (cidr_v6_) found.push_back(any_range(*cidr_v6_, perm, "Ipv6Ranges", context));
    if (cidr_) found.push_back(any_range(*cidr_, perm, "IpRanges", context));
    if (found.empty()) return std::nullopt;
    return and_ ? std::all_of(found.begin(), found.end(), [](bool v) { return v; })
                : std::any_of(found.begin(), found.end(), [](bool v) { return v; });
  }

  // The first range's description, whichever kind of range the rule has.
  std::optional<bool> description(const Json& perm, const FilterContext& context) const {
    if (!description_) return std::nullopt;
    for (const char* key : {"Ipv6Ranges", "IpRanges", "UserIdGroupPairs", "PrefixListIds"}) {
      const Json& ranges = list_at(perm, key);
      if (!ranges.empty()) return (*description_)(ranges[0], context);
    }
    return false;
  }

  std::optional<bool> self_reference(const Json& perm, const std::string& group_id) const {
    if (!self_reference_) return std::nullopt;
    if (!perm.contains("UserIdGroupPairs")) return false;
    const Json& pairs = list_at(perm, "UserIdGroupPairs");
    bool refers = std::any_of(pairs.begin(), pairs.end(), [&](const Json& pair) {
      return pair.value("GroupId", "") == group_id;
    });
    return refers == *self_reference_;
  }

  // The groups of this account the rule refers to, judged by the SGReferences value filter.
  std::optional<bool> sg_references(const Json& perm, const std::string& owner,
                                    const FilterContext& context, GroupCache& groups) const {
    if (!sg_references_) return std::nullopt;
    std::vector<std::string> ids;
    for (const Json& pair : list_at(perm, "UserIdGroupPairs"))
      if (pair.value("UserId", "") == owner) ids.push_back(pair.value("GroupId", ""));
    fetch_groups(ids, context, groups);
    return std::any_of(ids.begin(), ids.end(), [&](const std::string& id) {
      auto group = groups.find(id);
      return group != groups.end() && !group->second.is_null() &&
             sg_references_->matches(group->second, context);
    });
  }

  static void fetch_groups(const std::vector<std::string>& ids, const FilterContext& context,
                           GroupCache& groups) {
    Json missing = Json::array();
    for (const auto& id : ids)
      if (!groups.count(id)) missing.push_back(id);
    if (missing.empty()) return;
    const aws::Client& client = policy::require_client(context, "SGReferences");
    // A filter, not GroupIds: a group deleted since is no error, as Cloud Custodian skips it.
    client.paginate("ec2", "DescribeSecurityGroups",
                    {{"Filters", Json::array({{{"Name", "group-id"}, {"Values", missing}}})}},
                    [&](const Json& page) {
                      for (const Json& group : page.value("SecurityGroups", Json::array()))
                        groups[group.value("GroupId", "")] = group;
                      return true;
                    });
    for (const auto& id : missing) groups.emplace(id.get<std::string>(), Json());
  }

  std::vector<KeyedTest> rules_;
  std::vector<double> ports_;
  std::vector<double> only_ports_;
  std::optional<KeyedTest> cidr_;
  std::optional<KeyedTest> cidr_v6_;
  std::optional<KeyedTest> description_;
  std::optional<bool> self_reference_;
  std::unique_ptr<ValueMatcher> sg_references_;
  bool and_ = true;
};

class PermissionFilter : public policy::AnnotatingFilter {
 public:
  PermissionFilter(const Spec& spec, std::string list_key)
      : matcher_(spec), list_key_(std::move(list_key)) {}

  bool match(const Json& resource, const FilterContext& context) const override {
    GroupCache groups;
    return !matcher_.matching(resource, list_key_, context, groups).empty();
  }

  // Cloud Custodian keeps the matched rules on the group, each once, however many ingress
  // filters matched it.
  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    GroupCache groups;
    std::vector<Json> kept;
    for (Json& resource : resources) {
      Json matched = matcher_.matching(resource, list_key_, context, groups);
      if (matched.empty()) continue;
      Json& noted = resource["Matched" + list_key_];
      if (!noted.is_array()) noted = Json::array();
      for (Json& rule : matched)
        if (std::find(noted.begin(), noted.end(), rule) == noted.end())
          noted.push_back(std::move(rule));
      kept.push_back(std::move(resource));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override {
    if (matcher_.reads_groups()) return {"ec2:DescribeSecurityGroups"};
    return {};
  }

 private:
  PermissionMatcher matcher_;
  std::string list_key_;
};

}  // namespace

Json expand_permissions(const Json& permissions) {
  Json expanded = Json::array();
  if (!permissions.is_array()) return expanded;
  for (const Json& permission : permissions) {
    if (!permission.is_object()) continue;
    Json base = permission;
    std::vector<std::pair<const char*, Json>> ranges;
    for (const char* key : kRangeKeys) {
      ranges.emplace_back(key, base.value(key, Json::array()));
      base[key] = Json::array();
    }
    for (const auto& [key, list] : ranges) {
      if (!list.is_array()) continue;
      for (const Json& range : list) {
        Json one = base;
        one[key] = Json::array({range});
        expanded.push_back(std::move(one));
      }
    }
  }
  return expanded;
}

policy::FilterInfo permission_filter_info(const std::string& list_key) {
  policy::FilterInfo info;
  info.factory = [list_key](const Spec& spec, const policy::BuildContext&) -> policy::FilterPtr {
    std::string name = list_key == "IpPermissions" ? "ingress" : "egress";
    if (!spec.value().is_object())
      spec.fail("write " + name + " as {type: " + name + ", ...} with at least one condition");
    spec.allow_keys(kOptions, "filter '" + name + "'");
    return std::make_unique<PermissionFilter>(spec, list_key);
  };
  info.description = std::string("Security groups with ") +
                     (list_key == "IpPermissions" ? "inbound" : "outbound") +
                     " rules matching Ports, OnlyPorts, Cidr, CidrV6, SelfReference, "
                     "Description, SGReferences or value filters on the rule's keys (matched "
                     "rules kept as Matched" +
                     list_key + ")";
  info.options = kOptions;
  return info;
}

}  // namespace custos::resources
