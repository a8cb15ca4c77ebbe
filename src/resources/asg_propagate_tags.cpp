// propagate-tags on aws.asg (Cloud Custodian's PropagateTags): the group's tags that propagate
// at launch (or those of them named in `tags`) set on its running instances, which keep the
// tags they were launched with when the group's change later; with `trim`, the instance tags
// the group no longer has are removed. The record keeps each instance's tags before; the undo
// puts them back.
#include <algorithm>
#include <map>
#include <set>

#include "aws/client.h"
#include "policy/action.h"
#include "policy/spec.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;
using TagMap = std::map<std::string, std::string>;

bool aws_owned(const std::string& key) { return key.rfind("aws:", 0) == 0; }

Json tag_list(const TagMap& tags) {
  Json list = Json::array();
  for (const auto& [key, value] : tags) list.push_back({{"Key", key}, {"Value", value}});
  return list;
}

class PropagateTags : public policy::PerResourceAction {
 public:
  explicit PropagateTags(const Spec& spec)
      : PerResourceAction("propagate-tags"),
        only_(spec.string_list("tags")),
        trim_(spec.optional_bool("trim", false)) {}

 private:
  ActionRecord apply(const Json& asg, ActionContext& context) const override {
    std::string group = asg.value("AutoScalingGroupName", "");
    TagMap wanted;
    for (const Json& tag : asg.value("Tags", Json::array())) {
      std::string key = tag.value("Key", "");
      if (tag.value("PropagateAtLaunch", false) && !aws_owned(key) &&
          (only_.empty() || std::find(only_.begin(), only_.end(), key) != only_.end()))
        wanted[key] = tag.value("Value", "");
    }
    const aws::Client& client = context.client;
    std::map<std::string, TagMap> instances = instance_tags(client, asg);
    if (instances.empty()) return ActionRecord::unchanged(name(), group, "no instances to tag");
    const std::string& region = client.session().region();
    ActionRecord record{name(), group};
    record.before = Json::object();
    record.after = Json::object();
    record.undo = Json::array();
    std::set<std::string> trimmed = trim_ ? orphans(instances, wanted) : std::set<std::string>{};
    for (const auto& [id, tags] : instances) {
      TagMap set_now, restore;
      Json added = Json::array();
      for (const auto& [key, value] : wanted) {
        auto had = tags.find(key);
        if (had != tags.end() && had->second == value) continue;
        set_now[key] = value;
        if (had == tags.end())
          added.push_back({{"Key", key}});
        else
          restore[key] = had->second;
      }
      TagMap removed;
      for (const auto& key : trimmed)
        if (auto had = tags.find(key); had != tags.end()) removed[key] = had->second;
      if (set_now.empty() && removed.empty()) continue;
      if (!set_now.empty())
        client.call("ec2", "CreateTags", {{"Resources", {id}}, {"Tags", tag_list(set_now)}});
      if (!removed.empty())
        client.call("ec2", "DeleteTags", {{"Resources", {id}}, {"Tags", tag_list(removed)}});
      restore.insert(removed.begin(), removed.end());
      if (!added.empty())
        record.undo.push_back(
            policy::undo_call("ec2", "DeleteTags", {{"Resources", {id}}, {"Tags", added}}, region));
      if (!restore.empty())
        record.undo.push_back(policy::undo_call(
            "ec2", "CreateTags", {{"Resources", {id}}, {"Tags", tag_list(restore)}}, region));
      record.before[id] = tags;
      record.after[id] = {{"Set", set_now}, {"Removed", Json(std::vector<std::string>())}};
      for (const auto& [key, unused] : removed) record.after[id]["Removed"].push_back(key);
    }
    if (record.undo.empty())
      return ActionRecord::unchanged(name(), group, "its instances have its tags already");
    record.summary = "tagged " + std::to_string(record.before.size()) + " instance(s) with " +
                     Json(wanted).dump() +
                     (trimmed.empty() ? "" : "; removed " + Json(trimmed).dump());
    return record;
  }

  // The group's instances' tags (aws: ones aside), by instance id.
  static std::map<std::string, TagMap> instance_tags(const aws::Client& client, const Json& asg) {
    std::map<std::string, TagMap> found;
    Json ids = Json::array();
    for (const Json& instance : asg.value("Instances", Json::array()))
      ids.push_back(instance.value("InstanceId", ""));
    if (ids.empty()) return found;
    client.paginate("ec2", "DescribeInstances", {{"InstanceIds", ids}}, [&](const Json& page) {
      for (const Json& reservation : page.value("Reservations", Json::array()))
        for (const Json& instance : reservation.value("Instances", Json::array())) {
          TagMap& tags = found[instance.value("InstanceId", "")];
          for (const Json& tag : instance.value("Tags", Json::array()))
            if (!aws_owned(tag.value("Key", "")))
              tags[tag.value("Key", "")] = tag.value("Value", "");
        }
      return true;
    });
    return found;
  }

  // Cloud Custodian's prune_instance_tags: tags every instance has that the group does not
  // propagate, and tags only some instances have.
  static std::set<std::string> orphans(const std::map<std::string, TagMap>& instances,
                                       const TagMap& wanted) {
    std::map<std::string, std::size_t> count;
    for (const auto& [id, tags] : instances)
      for (const auto& [key, unused] : tags) ++count[key];
    std::set<std::string> keys;
    for (const auto& [key, n] : count)
      if (n < instances.size() || !wanted.count(key)) keys.insert(key);
    return keys;
  }

  std::vector<std::string> only_;
  bool trim_;
};

}  // namespace

void register_asg_propagate_tags(policy::Registry& registry) {
  registry.add_action("aws.asg", "propagate-tags",
                      policy::action_info<PropagateTags>(
                          {"tags", "trim"}, {"ec2:CreateTags", "ec2:DeleteTags"},
                          "Set the group's propagating tags (or those in `tags`) on its "
                          "instances; trim: remove the instance tags the group lacks"));
}

}  // namespace custos::resources
