// aws.security-group: VPC security groups, with Cloud Custodian's ingress and egress filters
// (resources/sg_permissions.cpp) and the actions that close what an intruder opened.
#include <algorithm>
#include <cctype>

#include "aws/client.h"
#include "policy/shape_check.h"
#include "resources/network.h"
#include "resources/sg_permissions.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;
using policy::undo_call;

// The group as EC2 has it now, or null when it no longer exists.
Json group_now(const aws::Client& client, const std::string& id) {
  Json found = client
                   .call("ec2", "DescribeSecurityGroups",
                         {{"Filters", Json::array({{{"Name", "group-id"}, {"Values", {id}}}})}})
                   .value("SecurityGroups", Json::array());
  return found.empty() ? Json() : found[0];
}

Json no_group_left_check(const std::string& id) {
  return policy::check_call("ec2", "DescribeSecurityGroups",
                            {{"Filters", Json::array({{{"Name", "group-id"}, {"Values", {id}}}})}},
                            "length(SecurityGroups) == `0`");
}

// Which range of an expanded rule it is, and the key naming that range.
std::pair<std::string, std::string> range_of(const Json& rule) {
  for (const auto& [list, key] :
       {std::pair{"IpRanges", "CidrIp"}, std::pair{"Ipv6Ranges", "CidrIpv6"},
        std::pair{"PrefixListIds", "PrefixListId"}, std::pair{"UserIdGroupPairs", "GroupId"}})
    if (rule.contains(list) && rule[list].is_array() && !rule[list].empty()) return {list, key};
  return {"", ""};
}

// What makes an expanded rule the rule it is (a description does not).
Json identity(const Json& rule) {
  auto [list, key] = range_of(rule);
  Json range = list.empty() ? Json() : rule[list][0];
  // AWS keeps protocols in lower case whatever case they were given in ("TCP" -> "tcp").
  Json protocol = rule.value("IpProtocol", Json());
  if (protocol.is_string()) {
    std::string text = protocol;
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    protocol = text;
  }
  return {{"IpProtocol", protocol},
          {"FromPort", rule.value("FromPort", Json())},
          {"ToPort", rule.value("ToPort", Json())},
          {"range", list},
          {"id", range.is_object() ? range.value(key, Json()) : range}};
}

// A rule as AWS takes it in Authorize/Revoke calls: the empty range lists left out.
Json as_parameter(Json rule) {
  for (const char* list : {"IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"})
    if (rule.contains(list) && rule[list].empty()) rule.erase(list);
  return rule;
}

std::string literal(const Json& value) { return "`" + value.dump() + "`"; }

// True while the number of each of `rules` in the group's list `list_key` is `comparison`
// ("== `0`": none is there; "> `0`": each is).
std::string rule_count_expression(const std::string& list_key, const Json& rules,
                                  const std::string& comparison) {
  std::string expect;
  for (const Json& rule : rules) {
    Json id = identity(rule);
    auto [list, key] = range_of(rule);
    expect += std::string(expect.empty() ? "" : " && ") + "length(SecurityGroups[0]." + list_key +
              "[?IpProtocol==" + literal(id["IpProtocol"]) +
              " && FromPort==" + literal(id["FromPort"]) + " && ToPort==" + literal(id["ToPort"]) +
              "]." + list + "[] | [?" + key + "==" + literal(id["id"]) + "]) " + comparison;
  }
  return expect;
}

// remove-permissions (Cloud Custodian's RemovePermissions): revokes the inbound and outbound
// rules an ingress/egress filter matched (matched, the default), all of them, or the rules
// given; only those the group still has. set-permissions (Cloud Custodian's SetPermissions)
// first authorizes `add-ingress`/`add-egress` (each entry an Authorize call's parameters; a
// rule the group has already is left out of the record and its undo), then revokes as
// `remove-ingress`/`remove-egress` say (nothing unless they are given).
class ChangePermissions : public policy::PerResourceAction {
 public:
  enum class Form { kRemove, kSet };

  ChangePermissions(const Spec& spec, Form form)
      : PerResourceAction(form == Form::kSet ? "set-permissions" : "remove-permissions") {
    for (const auto& [direction, list_key] :
         {std::pair{"ingress", "IpPermissions"}, std::pair{"egress", "IpPermissionsEgress"}}) {
      std::string option = form == Form::kSet ? "remove-" + std::string(direction) : direction;
      if (form == Form::kSet && spec.has("add-" + std::string(direction)))
        additions(spec.child("add-" + std::string(direction)), list_key);
      if (form == Form::kRemove || spec.has(option))
        directions_.push_back(removal(spec, option, list_key));
    }
  }

 private:
  struct Which {
    std::string list_key;   // IpPermissions, IpPermissionsEgress
    std::string selection;  // matched, all, rules
    Json rules;             // the rules given
  };
  struct Addition {
    std::string list_key;
    Json params;  // an Authorize call's, but GroupId
  };

  static Which removal(const Spec& spec, const std::string& option, const char* list_key) {
    Which which{list_key, "matched", Json()};
    if (!spec.has(option)) return which;
    Spec given = spec.child(option);
    if (!given.value().is_array()) {
      which.selection = spec.one_of(option, {"matched", "all"});
      return which;
    }
    for (std::size_t i = 0; i < given.value().size(); ++i)
      if (!given.value()[i].is_object())
        given.element(i).fail("each rule must be a mapping (IpProtocol, FromPort, ...)");
    which.selection = "rules";
    which.rules = given.value();
    return which;
  }

  void additions(const Spec& given, const char* list_key) {
    if (!given.value().is_array())
      given.fail("must be a list of " + authorize(list_key) + " parameters");
    for (std::size_t i = 0; i < given.value().size(); ++i) {
      const Json& params = given.value()[i];
      if (!params.is_object() || params.empty())
        given.element(i).fail("each entry must be a mapping of " + authorize(list_key) +
                              " parameters (IpPermissions, or IpProtocol, FromPort, ...)");
      policy::check_given_members(given.element(i), "ec2", authorize(list_key), params);
      additions_.push_back({list_key, params});
    }
  }

  static std::string authorize(const std::string& list_key) {
    return list_key == "IpPermissions" ? "AuthorizeSecurityGroupIngress"
                                       : "AuthorizeSecurityGroupEgress";
  }
  static std::string revoke(const std::string& list_key) {
    return list_key == "IpPermissions" ? "RevokeSecurityGroupIngress" : "RevokeSecurityGroupEgress";
  }

  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string id = context.id_of(resource);
    Json group = group_now(client, id);
    if (group.is_null()) return ActionRecord::unchanged(name(), id, "the group no longer exists");
    ActionRecord record{name(), id};
    record.before = Json::object();
    record.after = Json::object();
    record.undo = Json::array();
    Outcome outcome;
    for (const Addition& addition : additions_) add(client, id, group, addition, record, outcome);
    for (const Which& which : directions_) {
      Json revoked = present(which, resource, group);
      if (revoked.empty()) continue;
      Json rules = Json::array();
      for (const Json& rule : revoked) rules.push_back(as_parameter(rule));
      client.call("ec2", revoke(which.list_key), {{"GroupId", id}, {"IpPermissions", rules}});
      record.before[which.list_key] = group.value(which.list_key, Json::array());
      record.after["Revoked"][which.list_key] = rules;
      record.undo.push_back(undo_call("ec2", authorize(which.list_key),
                                      {{"GroupId", id}, {"IpPermissions", rules}},
                                      client.session().region()));
      outcome.expect(rule_count_expression(which.list_key, revoked, "== `0`"));
      outcome.say("revoked", which.list_key, revoked);
    }
    if (record.undo.empty())
      return ActionRecord::unchanged(name(), id,
                                     additions_.empty()
                                         ? "none of the rules to remove is in the group"
                                         : "the group has every rule to add and none to remove");
    record.summary = outcome.summary;
    record.check =
        policy::check_call("ec2", "DescribeSecurityGroups", {{"GroupIds", {id}}}, outcome.expected);
    return record;
  }

  // What a change did, for the record's summary and check.
  struct Outcome {
    std::string summary;
    std::string expected;
    void expect(const std::string& expression) {
      expected += (expected.empty() ? "" : " && ") + expression;
    }
    void say(const std::string& verb, const std::string& list_key, const Json& rules) {
      summary += (summary.empty() ? "" : "; ") + verb + " " + std::to_string(rules.size()) +
                 (list_key == "IpPermissions" ? " inbound" : " outbound") +
                 " rule(s): " + describe(rules);
    }
  };

  // One Authorize call; a rule the group has already (InvalidPermission.Duplicate) is no change.
  void add(const aws::Client& client, const std::string& id, const Json& group,
           const Addition& addition, ActionRecord& record, Outcome& outcome) const {
    Json params = addition.params;
    params["GroupId"] = id;
    try {
      client.call("ec2", authorize(addition.list_key), params);
    } catch (const aws::AwsError& e) {
      if (e.code() != "InvalidPermission.Duplicate") throw;
      return;
    }
    record.before[addition.list_key] = group.value(addition.list_key, Json::array());
    record.after["Authorized"][addition.list_key].push_back(addition.params);
    record.undo.push_back(
        undo_call("ec2", revoke(addition.list_key), params, client.session().region()));
    Json rules = rules_of(addition.params);
    if (!rules.empty()) outcome.expect(rule_count_expression(addition.list_key, rules, "> `0`"));
    outcome.say("authorized", addition.list_key, rules);
  }

  // The expanded rules an Authorize call's parameters give: its IpPermissions, or the one rule
  // of its older form (IpProtocol, FromPort, ToPort and CidrIp); none for a source group name.
  static Json rules_of(const Json& params) {
    if (params.contains("IpPermissions"))
      return expand_permissions(params.value("IpPermissions", Json::array()));
    if (!params.contains("CidrIp")) return Json::array();
    Json rule = {{"IpProtocol", params.value("IpProtocol", Json("-1"))},
                 {"IpRanges", Json::array({{{"CidrIp", params["CidrIp"]}}})}};
    for (const char* port : {"FromPort", "ToPort"})
      if (params.contains(port)) rule[port] = params[port];
    return Json::array({rule});
  }

  // The group's expanded rules that the selection names, as the group has them now.
  static Json present(const Which& which, const Json& resource, const Json& group) {
    Json now = expand_permissions(group.value(which.list_key, Json::array()));
    if (which.selection == "all") return now;
    Json wanted = which.selection == "rules"
                      ? expand_permissions(which.rules)
                      : resource.value("Matched" + which.list_key, Json::array());
    Json ids = Json::array();
    for (const Json& rule : wanted) ids.push_back(identity(rule));
    Json found = Json::array();
    for (const Json& rule : now)
      if (std::find(ids.begin(), ids.end(), identity(rule)) != ids.end()) found.push_back(rule);
    return found;
  }

  static std::string describe(const Json& rules) {
    std::string text;
    for (const Json& rule : rules) {
      Json id = identity(rule);
      std::string ports = id["FromPort"].is_null() ? "all ports"
                          : id["FromPort"] == id["ToPort"]
                              ? "port " + id["FromPort"].dump()
                              : "ports " + id["FromPort"].dump() + "-" + id["ToPort"].dump();
      std::string protocol =
          id["IpProtocol"].is_string() ? id["IpProtocol"].get<std::string>() : "?";
      text += (text.empty() ? "" : ", ") +
              (protocol == "-1" ? "all traffic" : protocol + " " + ports) + " " +
              (id["id"].is_string() ? id["id"].get<std::string>() : id["id"].dump());
    }
    return text;
  }

  std::vector<Which> directions_;
  std::vector<Addition> additions_;
};

struct RemovePermissions : ChangePermissions {
  explicit RemovePermissions(const Spec& spec) : ChangePermissions(spec, Form::kRemove) {}
};

struct SetGroupPermissions : ChangePermissions {
  explicit SetGroupPermissions(const Spec& spec) : ChangePermissions(spec, Form::kSet) {}
};

// delete (Cloud Custodian's): DeleteSecurityGroup. A deleted group cannot be brought back (a new
// one would have another id), so the record keeps the whole group for whoever rebuilds it.
class DeleteGroup : public policy::PerResourceAction {
 public:
  DeleteGroup() : PerResourceAction("delete") {}

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    std::string id = context.id_of(resource);
    Json group = group_now(context.client, id);
    if (group.is_null()) return ActionRecord::unchanged(name(), id, "already deleted");
    context.client.call("ec2", "DeleteSecurityGroup", {{"GroupId", id}});
    ActionRecord record{name(), id};
    record.before = group;
    record.after = {{"Deleted", true}};
    record.summary = "deleted " + group.value("GroupName", id) +
                     " (irreversible: its rules are kept in this record)";
    record.undo = nullptr;
    record.check = no_group_left_check(id);
    return record;
  }
};

}  // namespace

void register_security_group(policy::Registry& registry) {
  registry.add_resource({
      .name = "aws.security-group",
      .aliases = {"security-group"},
      .service = "ec2",
      .enumerate_operation = "DescribeSecurityGroups",
      .result_path = "SecurityGroups[]",
      .lookup = policy::ResourceType::Lookup::kIdsParam,
      .ids_param = "GroupIds",
      .not_found_codes = {"InvalidGroup.NotFound", "InvalidGroupId.Malformed"},
      .id_field = "GroupId",
      .name_field = "GroupName",
      .arn_format = "arn:{partition}:ec2:{region}:{account_id}:security-group/{id}",
      .report_fields = {"GroupId", "GroupName", "VpcId", "Description"},
  });
  registry.add_filter("aws.security-group", "ingress", permission_filter_info("IpPermissions"));
  registry.add_filter("aws.security-group", "egress",
                      permission_filter_info("IpPermissionsEgress"));
  registry.add_action(
      "aws.security-group", "remove-permissions",
      policy::action_info<RemovePermissions>(
          {"ingress", "egress"},
          {"ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupIngress",
           "ec2:RevokeSecurityGroupEgress"},
          "Revoke inbound (ingress) and outbound (egress) rules: matched (by the ingress/egress "
          "filters; the default), all, or a list of rules"));
  registry.add_action(
      "aws.security-group", "set-permissions",
      policy::action_info<SetGroupPermissions>(
          {"add-ingress", "add-egress", "remove-ingress", "remove-egress"},
          {"ec2:DescribeSecurityGroups", "ec2:AuthorizeSecurityGroupIngress",
           "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress",
           "ec2:RevokeSecurityGroupEgress"},
          "Authorize add-ingress/add-egress (Authorize calls' parameters), then revoke "
          "remove-ingress/remove-egress: matched, all, or a list of rules"));
  registry.add_action("aws.security-group", "delete",
                      policy::action_info<DeleteGroup>(
                          {}, {"ec2:DescribeSecurityGroups", "ec2:DeleteSecurityGroup"},
                          "Delete the security group (irreversible)"));
  register_tag_actions(registry, "aws.security-group");
}

}  // namespace custos::resources
