#include "resources/modify_groups.h"

#include <algorithm>
#include <map>
#include <set>

#include "aws/client.h"
#include "core/lists.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;
using policy::undo_call;
using Ids = std::vector<std::string>;

const char* const kAction = "modify-security-groups";

// A group option as Cloud Custodian reads it: one name or id, or a list of them.
Ids group_list(const Spec& spec, const char* key) {
  if (!spec.has(key)) return {};
  const Json& value = spec.value()[key];
  if (value.is_string()) return {value.get<std::string>()};
  if (!value.is_array() ||
      !std::all_of(value.begin(), value.end(), [](const Json& g) { return g.is_string(); }))
    spec.child(key).fail(std::string("'") + key +
                         "' must be a security group id or name, or a list of them");
  return value.get<Ids>();
}

bool is_symbol(const std::string& group) {
  return group == "matched" || group == "all" || group == "network-location";
}
bool is_name(const std::string& group) { return !group.starts_with("sg-") && !is_symbol(group); }

std::string groups_text(const Ids& ids) { return ids.empty() ? "(none)" : joined(ids); }

Json groups_param(const Ids& ids) {
  Json list = Json::array();
  for (const auto& id : ids) list.push_back(id);
  return list;
}

// An interface as it is now: its id, VPC and group ids.
struct Interface {
  std::string id;
  std::string vpc;
  Ids groups;
};

std::vector<Interface> interfaces_now(const aws::Client& client, const Json& filter) {
  std::vector<Interface> found;
  client.paginate("ec2", "DescribeNetworkInterfaces", filter, [&](const Json& page) {
    for (const Json& eni : page.value("NetworkInterfaces", Json::array())) {
      Interface one{eni.value("NetworkInterfaceId", ""), eni.value("VpcId", ""), {}};
      for (const Json& group : eni.value("Groups", Json::array()))
        one.groups.push_back(group.value("GroupId", ""));
      found.push_back(std::move(one));
    }
    return true;
  });
  return found;
}

// Security groups by a DescribeSecurityGroups filter.
Json groups_where(const aws::Client& client, const std::string& name, const Json& values) {
  return client
      .call("ec2", "DescribeSecurityGroups",
            {{"Filters", Json::array({{{"Name", name}, {"Values", values}}})}})
      .value("SecurityGroups", Json::array());
}

bool allows_everything(const Json& rules) {
  return std::any_of(rules.begin(), rules.end(), [](const Json& rule) {
    if (rule.value("IpProtocol", "") != "-1") return false;
    const Json ranges = rule.value("IpRanges", Json::array());
    return std::any_of(ranges.begin(), ranges.end(),
                       [](const Json& r) { return r.value("CidrIp", "") == "0.0.0.0/0"; });
  });
}

class ModifySecurityGroups : public policy::PerResourceAction {
 public:
  ModifySecurityGroups(const Spec& spec, InterfacesOf of)
      : PerResourceAction(kAction),
        of_(of),
        add_(group_list(spec, "add")),
        remove_(group_list(spec, "remove")),
        isolation_(group_list(spec, "isolation-group")) {
    bool any_combination = (spec.has("isolation-group") && spec.has("remove")) || spec.has("add") ||
                           spec.has("add-by-tag");
    if (!any_combination)
      spec.fail(
          "modify-security-groups needs 'add', 'add-by-tag', or 'remove' with 'isolation-group' "
          "(the group an interface gets when nothing else is left)");
    if ((contains(remove_, "all") || contains(remove_, "matched") ||
         contains(remove_, "network-location")) &&
        remove_.size() > 1)
      spec.child("remove").fail(
          "'remove' takes all, matched, network-location, or a list of groups, not a mix");
    if (contains(remove_, "all") && isolation_.empty() && add_.empty())
      spec.child("remove").fail(
          "remove: all needs an 'isolation-group' or 'add' (add-by-tag may find no group)");
    for (const auto& [key, ids] :
         {std::pair{"add", &add_}, std::pair{"isolation-group", &isolation_}})
      for (const auto& id : *ids)
        if (is_symbol(id)) spec.child(key).fail("'" + id + "' only means something in 'remove'");
    if (spec.has("add-by-tag")) read_add_by_tag(spec.child("add-by-tag"));
    std::string isolation = spec.one_of("isolation", {"one-step", "two-step"}, "one-step");
    if (isolation == "two-step") {
      if (!spec.has("untracking-group"))
        spec.child("isolation")
            .fail(
                "isolation: two-step needs an 'untracking-group' (a group allowing all traffic in "
                "and out, so tracked connections become untracked first)");
      untracking_ = spec.required_string("untracking-group");
      if (isolation_.empty())
        spec.child("isolation").fail("isolation: two-step needs an 'isolation-group' to end in");
    } else if (spec.has("untracking-group")) {
      spec.child("untracking-group")
          .at_key()
          .fail("'untracking-group' goes with isolation: two-step");
    }
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string id = context.id_of(resource);
    std::vector<Interface> interfaces =
        of_ == InterfacesOf::kInstance
            ? interfaces_now(
                  client, {{"Filters",
                            Json::array({{{"Name", "attachment.instance-id"}, {"Values", {id}}}})}})
            : interfaces_now(client, {{"NetworkInterfaceIds", {id}}});
    if (interfaces.empty())
      return ActionRecord::unchanged(kAction, id, "no network interface to change");
    Names names = resolve_names(client, interfaces);
    Json tagged = tag_key_.empty() ? Json::array()
                                   : groups_where(client, "tag:" + tag_key_, Json(tag_values_));
    std::vector<Ids> targets;
    bool changes = false;
    for (const Interface& eni : interfaces) {
      targets.push_back(target(eni, resource, names, tagged));
      changes = changes || !same_set(eni.groups, targets.back());
    }
    if (!changes)
      return ActionRecord::unchanged(kAction, id,
                                     "groups already " + describe(interfaces, targets));
    std::string through;
    if (!untracking_.empty()) through = untracking_group(client, interfaces, names);
    return change(id, interfaces, targets, through, client);
  }

  using Names = std::map<std::pair<std::string, std::string>, std::string>;  // (vpc, name) -> id

  // The ids of the groups the options name by name, in each interface's VPC, as Cloud
  // Custodian resolves them; a name missing from a VPC fails the resource.
  Names resolve_names(const aws::Client& client, const std::vector<Interface>& interfaces) const {
    std::set<std::string> wanted;
    for (const Ids* ids : {&add_, &remove_, &isolation_})
      for (const auto& group : *ids)
        if (is_name(group)) wanted.insert(group);
    if (!untracking_.empty() && is_name(untracking_)) wanted.insert(untracking_);
    Names names;
    if (wanted.empty()) return names;
    for (const Json& group : groups_where(client, "group-name", Json(wanted)))
      names[{group.value("VpcId", ""), group.value("GroupName", "")}] = group.value("GroupId", "");
    for (const Interface& eni : interfaces)
      for (const auto& name : wanted)
        if (!names.count({eni.vpc, name}))
          throw Error("security group '" + name + "' not found in " + eni.vpc + " (for " + eni.id +
                      ")");
    return names;
  }

  static Ids ids_in(const Ids& groups, const std::string& vpc, const Names& names) {
    Ids ids;
    for (const auto& group : groups) ids.push_back(is_name(group) ? names.at({vpc, group}) : group);
    return ids;
  }

  // Cloud Custodian's get_groups for one interface: its groups less `remove`, plus `add` and
  // add-by-tag's groups of its VPC; the isolation group when none is left.
  Ids target(const Interface& eni, const Json& resource, const Names& names,
             const Json& tagged) const {
    Ids groups = eni.groups;
    Ids remove = ids_in(remove_, eni.vpc, names);
    if (contains(remove_, "all")) remove = eni.groups;
    if (contains(remove_, "matched"))
      remove = resource.value("c7n:matched-security-groups", Json::array()).get<Ids>();
    if (contains(remove_, "network-location")) {  // the groups network-location found wrong
      remove.clear();
      for (const Json& reason : resource.value("c7n:NetworkLocation", Json::array()))
        if (reason.value("reason", "") == "SecurityGroupMismatch") {
          const Json groups = reason.value("security-groups", Json::object());
          for (const auto& [group, value] : groups.items()) remove.push_back(group);
          break;
        }
    }
    std::erase_if(groups, [&](const std::string& g) { return contains(remove, g); });
    Ids add = ids_in(add_, eni.vpc, names);
    for (const Json& group : tagged)
      if (group.value("VpcId", "") == eni.vpc) add.push_back(group.value("GroupId", ""));
    for (const auto& group : add)
      if (!contains(groups, group)) groups.push_back(group);
    if (groups.empty()) groups = ids_in(isolation_, eni.vpc, names);
    return groups;
  }

  // The group of the first step, once it is known to allow all traffic both ways: otherwise
  // the connections it should untrack would stay tracked (and open).
  std::string untracking_group(const aws::Client& client, const std::vector<Interface>& interfaces,
                               const Names& names) const {
    Ids ids = ids_in({untracking_}, interfaces[0].vpc, names);
    Json found = groups_where(client, "group-id", Json(ids));
    if (found.empty()) throw Error("untracking-group " + ids[0] + " not found");
    const Json& group = found[0];
    if (!allows_everything(group.value("IpPermissions", Json::array())) ||
        !allows_everything(group.value("IpPermissionsEgress", Json::array())))
      throw Error("untracking-group " + ids[0] +
                  " must allow all traffic (protocol -1, 0.0.0.0/0) in and out: only then are "
                  "the interface's connections untracked before the isolation group ends them");
    return ids[0];
  }

  ActionRecord change(const std::string& id, const std::vector<Interface>& interfaces,
                      const std::vector<Ids>& targets, const std::string& through,
                      const aws::Client& client) const {
    ActionRecord record{kAction, id};
    record.before = {{"Interfaces", Json::array()}};
    record.after = {{"Interfaces", Json::array()}};
    record.undo = Json::array();
    std::vector<std::size_t> changing;
    for (std::size_t i = 0; i < interfaces.size(); ++i) {
      if (same_set(interfaces[i].groups, targets[i])) continue;
      changing.push_back(i);
      record.before["Interfaces"].push_back({{"NetworkInterfaceId", interfaces[i].id},
                                             {"Groups", groups_param(interfaces[i].groups)}});
      record.after["Interfaces"].push_back(
          {{"NetworkInterfaceId", interfaces[i].id}, {"Groups", groups_param(targets[i])}});
      record.undo.push_back(
          set_groups_call(interfaces[i].id, interfaces[i].groups, client.session().region()));
    }
    if (!through.empty()) {
      for (std::size_t i : changing) set_groups(client, interfaces[i].id, {through});
      record.after["UntrackedThrough"] = through;
    }
    std::size_t done = 0;
    try {
      for (; done < changing.size(); ++done)
        set_groups(client, interfaces[changing[done]].id, targets[changing[done]]);
    } catch (const Error& e) {
      if (through.empty()) throw;
      throw Error(std::string(e.what()) + "; " + restore(client, interfaces, changing, done));
    }
    record.summary = describe_change(interfaces, targets, changing, through);
    record.check = check_for(interfaces, targets, changing);
    return record;
  }

  // After a failed second step, the interfaces left on the allow-all group go back to their
  // groups: wide open is worse than where they were.
  static std::string restore(const aws::Client& client, const std::vector<Interface>& interfaces,
                             const std::vector<std::size_t>& changing, std::size_t from) {
    std::string outcome = "put back the previous groups of";
    for (std::size_t k = from; k < changing.size(); ++k) {
      const Interface& eni = interfaces[changing[k]];
      try {
        set_groups(client, eni.id, eni.groups);
        outcome += " " + eni.id;
      } catch (const Error& e) {
        outcome += " (" + eni.id + " left on the untracking group: " + e.what() + ")";
      }
    }
    return outcome;
  }

  static void set_groups(const aws::Client& client, const std::string& eni, const Ids& groups) {
    client.call("ec2", "ModifyNetworkInterfaceAttribute",
                {{"NetworkInterfaceId", eni}, {"Groups", groups_param(groups)}});
  }

  static Json set_groups_call(const std::string& eni, const Ids& groups,
                              const std::string& region) {
    return undo_call("ec2", "ModifyNetworkInterfaceAttribute",
                     {{"NetworkInterfaceId", eni}, {"Groups", groups_param(groups)}}, region);
  }

  // Every changed interface has exactly its target groups.
  static Json check_for(const std::vector<Interface>& interfaces, const std::vector<Ids>& targets,
                        const std::vector<std::size_t>& changing) {
    Json ids = Json::array();
    std::string expect;
    for (std::size_t i : changing) {
      ids.push_back(interfaces[i].id);
      Ids sorted = targets[i];
      std::sort(sorted.begin(), sorted.end());
      expect += (expect.empty() ? "" : " && ") +
                std::string("sort(NetworkInterfaces[?NetworkInterfaceId=='") + interfaces[i].id +
                "'].Groups[].GroupId) == `" + groups_param(sorted).dump() + "`";
    }
    return policy::check_call("ec2", "DescribeNetworkInterfaces", {{"NetworkInterfaceIds", ids}},
                              expect);
  }

  static bool same_set(Ids a, Ids b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
  }

  static std::string describe(const std::vector<Interface>& interfaces,
                              const std::vector<Ids>& targets) {
    std::string text;
    for (std::size_t i = 0; i < interfaces.size(); ++i)
      text += (text.empty() ? "" : "; ") + interfaces[i].id + ": " + groups_text(targets[i]);
    return text;
  }

  static std::string describe_change(const std::vector<Interface>& interfaces,
                                     const std::vector<Ids>& targets,
                                     const std::vector<std::size_t>& changing,
                                     const std::string& through) {
    std::string text;
    for (std::size_t i : changing)
      text += (text.empty() ? "" : "; ") + interfaces[i].id + ": " +
              groups_text(interfaces[i].groups) + " -> " +
              (through.empty() ? "" : through + " -> ") + groups_text(targets[i]);
    return text;
  }

  void read_add_by_tag(const Spec& spec) {
    if (!spec.value().is_object())
      spec.fail("'add-by-tag' must be a mapping {key: ..., values: [...]}");
    spec.allow_keys({"key", "values"}, "add-by-tag");
    tag_key_ = spec.required_string("key");
    if (!spec.has("values")) spec.fail("add-by-tag needs 'values'");
    const Json& values = spec.value()["values"];
    if (!values.is_array() ||
        !std::all_of(values.begin(), values.end(), [](const Json& v) { return v.is_string(); }))
      spec.child("values").fail("'values' must be a list of tag values");
    tag_values_ = values.get<Ids>();
  }

  InterfacesOf of_;
  Ids add_;
  Ids remove_;
  Ids isolation_;
  std::string tag_key_;
  Ids tag_values_;
  std::string untracking_;  // two-step isolation's first group
};

}  // namespace

policy::ActionInfo modify_security_groups_info(InterfacesOf interfaces) {
  policy::ActionInfo info;
  info.options = {"add",        "remove",    "isolation-group",
                  "add-by-tag", "isolation", "untracking-group"};
  info.factory = [interfaces, options = info.options](
                     const Spec& spec, const policy::BuildContext&) -> policy::ActionPtr {
    if (!spec.value().is_object())
      spec.fail("modify-security-groups needs options: {type: modify-security-groups, add: ...}");
    spec.allow_keys(options, "action 'modify-security-groups'");
    return std::make_unique<ModifySecurityGroups>(spec, interfaces);
  };
  info.permissions = {"ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups",
                      "ec2:ModifyNetworkInterfaceAttribute"};
  info.description =
      std::string("Set the security groups of ") +
      (interfaces == InterfacesOf::kInstance ? "every network interface of the instance"
                                             : "the network interface") +
      ": remove (ids, names, matched, network-location, all), add, add-by-tag, isolation-group "
      "when none is left; "
      "isolation: two-step moves through untracking-group (allowing all traffic) first, so "
      "tracked connections end";
  return info;
}

}  // namespace custos::resources
