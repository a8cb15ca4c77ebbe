// Cloud Custodian's resize on aws.asg (min-size, max-size, desired-size, or the sizes a tag
// saved: scale a group to nothing off-hours and back) and on aws.rds (allocated storage by a
// percentage). Each record keeps the sizes before; the group's undo puts them back.
#include <cmath>
#include <map>
#include <optional>

#include "policy/action.h"
#include "policy/spec.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

const std::vector<std::string> kSizes = {"MinSize", "MaxSize", "DesiredCapacity"};

std::optional<int> size_option(const Spec& spec, const char* key) {
  if (!spec.has(key)) return std::nullopt;
  const Json& value = spec.value()[key];
  if (!value.is_number_integer() || value.get<long long>() < 0)
    spec.child(key).fail(std::string(key) + " must be a whole number of at least 0");
  return value.get<int>();
}

class AsgResize : public policy::PerResourceAction {
 public:
  explicit AsgResize(const Spec& spec)
      : PerResourceAction("resize"),
        min_(size_option(spec, "min-size")),
        max_(size_option(spec, "max-size")),
        save_tag_(spec.optional_string("save-options-tag")),
        restore_tag_(spec.optional_string("restore-options-tag")) {
    // desired_size: the option's older name, which Cloud Custodian still reads.
    const char* desired = spec.has("desired-size") ? "desired-size" : "desired_size";
    if (spec.has(desired)) {
      if (spec.value()[desired] == "current")
        desired_current_ = true;
      else
        desired_ = size_option(spec, desired);
    }
    if (!restore_tag_.empty() && (min_ || max_ || desired_ || desired_current_))
      spec.fail("resize: restore-options-tag restores every size; leave the sizes out");
  }

 private:
  ActionRecord apply(const Json& asg, ActionContext& context) const override {
    std::string group = asg.value("AutoScalingGroupName", "");
    Json update = sizes_wanted(asg);
    Json before = Json::object();
    for (const auto& size : kSizes) before[size] = asg.value(size, 0);
    for (auto it = update.begin(); it != update.end();)
      it = before[it.key()] == it.value() ? update.erase(it) : std::next(it);
    if (update.empty())
      return ActionRecord::unchanged(name(), group,
                                     restore_tag_.empty() || saved(asg)
                                         ? "already at that size"
                                         : "no " + restore_tag_ + " tag to restore from");
    const aws::Client& client = context.client;
    const std::string& region = client.session().region();
    ActionRecord record{name(), group};
    record.before = before;
    record.undo = Json::array();
    if (!save_tag_.empty()) save(client, asg, before, record);
    Json params = update;
    params["AutoScalingGroupName"] = group;
    client.call("autoscaling", "UpdateAutoScalingGroup", params);
    Json undo = {{"AutoScalingGroupName", group}};
    std::string expect;
    for (const auto& [size, value] : update.items()) {
      undo[size] = before[size];
      expect += (expect.empty() ? "" : " && ") + std::string("AutoScalingGroups[0].") + size +
                " == `" + value.dump() + "`";
      record.summary += (record.summary.empty() ? "" : ", ") + size + " " + before[size].dump() +
                        " -> " + value.dump();
    }
    record.undo.push_back(policy::undo_call("autoscaling", "UpdateAutoScalingGroup", undo, region));
    record.after = update;
    record.check = policy::check_call("autoscaling", "DescribeAutoScalingGroups",
                                      {{"AutoScalingGroupNames", {group}}}, expect, region);
    return record;
  }

  // The sizes to set: those restore-options-tag saved, else the options'.
  Json sizes_wanted(const Json& asg) const {
    Json update = Json::object();
    if (!restore_tag_.empty()) {
      std::string saved_sizes = tag(asg, restore_tag_).value_or("");
      for (std::size_t start = 0; start < saved_sizes.size();) {
        std::size_t end = std::min(saved_sizes.find(';', start), saved_sizes.size());
        std::string field = saved_sizes.substr(start, end - start);
        std::size_t equals = field.find('=');
        std::string size = field.substr(0, equals);
        if (equals != std::string::npos &&
            std::find(kSizes.begin(), kSizes.end(), size) != kSizes.end()) {
          try {
            update[size] = std::stoi(field.substr(equals + 1));
          } catch (const std::exception&) {
            throw InputError("the " + restore_tag_ + " tag of " +
                             asg.value("AutoScalingGroupName", "") + " is not the sizes resize " +
                             "saved (MinSize=N;MaxSize=N;DesiredCapacity=N): '" + saved_sizes +
                             "'");
          }
        }
        start = end + 1;
      }
      return update;
    }
    if (min_) update["MinSize"] = *min_;
    if (max_) update["MaxSize"] = *max_;
    if (desired_) update["DesiredCapacity"] = *desired_;
    if (desired_current_) {
      int running = static_cast<int>(asg.value("Instances", Json::array()).size());
      update["DesiredCapacity"] = std::min(running, asg.value("DesiredCapacity", 0));
      if (!min_) update["MinSize"] = std::min(running, asg.value("MinSize", 0));
    }
    return update;
  }

  static std::optional<std::string> tag(const Json& asg, const std::string& key) {
    for (const Json& each : asg.value("Tags", Json::array()))
      if (each.value("Key", "") == key) return each.value("Value", "");
    return std::nullopt;
  }
  bool saved(const Json& asg) const { return tag(asg, restore_tag_).has_value(); }

  // The sizes before, in save-options-tag, as Cloud Custodian writes them; the undo puts the
  // tag back as it was (or removes it).
  void save(const aws::Client& client, const Json& asg, const Json& before,
            ActionRecord& record) const {
    std::string name = asg.value("AutoScalingGroupName", "");
    std::string value;
    for (const auto& size : kSizes)
      value += (value.empty() ? "" : ";") + size + "=" + before[size].dump();
    auto tagged = [&](const std::string& text) {
      return Json::array({{{"Key", save_tag_},
                           {"Value", text},
                           {"PropagateAtLaunch", false},
                           {"ResourceId", name},
                           {"ResourceType", "auto-scaling-group"}}});
    };
    client.call("autoscaling", "CreateOrUpdateTags", {{"Tags", tagged(value)}});
    std::optional<std::string> old = tag(asg, save_tag_);
    const std::string& region = client.session().region();
    record.undo.push_back(
        old ? policy::undo_call("autoscaling", "CreateOrUpdateTags", {{"Tags", tagged(*old)}},
                                region)
            : policy::undo_call("autoscaling", "DeleteTags", {{"Tags", tagged(value)}}, region));
  }

  std::optional<int> min_, max_, desired_;
  bool desired_current_ = false;
  std::string save_tag_, restore_tag_;
};

// resize on rds: AllocatedStorage by `percent` (negative: smaller), rounded half up, applied at
// the next maintenance window unless `immediate`. RDS cannot make storage smaller again, so a
// larger size has no undo; a smaller one's undo asks for the old size back.
class RdsResize : public policy::PerResourceAction {
 public:
  explicit RdsResize(const Spec& spec)
      : PerResourceAction("resize"), immediate_(spec.optional_bool("immediate", false)) {
    if (!spec.has("percent") || !spec.value()["percent"].is_number())
      spec.fail("resize needs 'percent': how much to grow (or, negative, shrink) the storage");
    percent_ = spec.value()["percent"].get<double>();
    if (percent_ <= -100) spec.child("percent").fail("percent must be above -100");
  }

 private:
  ActionRecord apply(const Json& db, ActionContext& context) const override {
    std::string id = db.value("DBInstanceIdentifier", "");
    int old_size = db.value("AllocatedStorage", 0);
    auto new_size = static_cast<int>(std::floor((100 + percent_) / 100 * old_size + 0.5));
    if (new_size == old_size) return ActionRecord::unchanged(name(), id, "already that size");
    const aws::Client& client = context.client;
    const std::string& region = client.session().region();
    auto modify = [&](int size) {
      return Json{{"DBInstanceIdentifier", id},
                  {"AllocatedStorage", size},
                  {"ApplyImmediately", immediate_}};
    };
    client.call("rds", "ModifyDBInstance", modify(new_size));
    ActionRecord record{name(), id};
    record.before = {{"AllocatedStorage", old_size}};
    record.after = {{"AllocatedStorage", new_size}};
    std::string size = "`" + std::to_string(new_size) + "`";
    record.check = policy::check_call(
        "rds", "DescribeDBInstances", {{"DBInstanceIdentifier", id}},
        "DBInstances[0].AllocatedStorage == " + size +
            " || DBInstances[0].PendingModifiedValues.AllocatedStorage == " + size,
        region);
    record.summary = "allocated storage " + std::to_string(old_size) + " -> " +
                     std::to_string(new_size) + " GiB" +
                     (immediate_ ? "" : " (at the next maintenance window)");
    if (new_size > old_size) {
      record.undo = nullptr;
      record.summary += "; irreversible: RDS cannot make storage smaller";
    } else {
      record.undo =
          Json::array({policy::undo_call("rds", "ModifyDBInstance", modify(old_size), region)});
    }
    return record;
  }

  double percent_ = 0;
  bool immediate_;
};

}  // namespace

void register_resize(policy::Registry& registry) {
  registry.add_action(
      "aws.asg", "resize",
      policy::action_info<AsgResize>(
          {"min-size", "max-size", "desired-size", "desired_size", "save-options-tag",
           "restore-options-tag"},
          {"autoscaling:UpdateAutoScalingGroup", "autoscaling:CreateOrUpdateTags"},
          "Set the group's min-size, max-size, desired-size (a number or current), saving the "
          "sizes before in save-options-tag; or restore the sizes restore-options-tag saved"));
  registry.add_action("aws.rds", "resize",
                      policy::action_info<RdsResize>(
                          {"percent", "immediate"}, {"rds:ModifyDBInstance"},
                          "Grow (or, percent negative, shrink) the allocated storage by percent; "
                          "immediate applies it now rather than at the maintenance window"));
}

}  // namespace custos::resources
