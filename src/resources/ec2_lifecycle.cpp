#include "resources/ec2_lifecycle.h"

#include <algorithm>

#include "aws/client.h"
#include "policy/spec_numbers.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;
using policy::undo_call;

// The instance as EC2 describes it now, or null when EC2 no longer knows it.
Json instance_now(const aws::Client& client, const std::string& id) {
  try {
    Json found = client.call("ec2", "DescribeInstances", {{"InstanceIds", {id}}});
    for (const Json& reservation : found.value("Reservations", Json::array()))
      for (const Json& instance : reservation.value("Instances", Json::array())) return instance;
  } catch (const aws::AwsError& e) {
    if (e.code() != "InvalidInstanceID.NotFound") throw;
  }
  return nullptr;
}

std::string state_name(const Json& instance) {
  return instance.is_object() ? instance.value("State", Json::object()).value("Name", "") : "";
}

// Why start and reboot (c7n's) leave the instance as it is unless it is in `state` and has
// volumes; empty when they act.
std::string unless_with_volumes(const Json& instance, const std::string& state) {
  std::string now = state_name(instance);
  if (now != state) return "left as it is: " + (now.empty() ? "gone" : now);
  if (instance.value("BlockDeviceMappings", Json::array()).empty())
    return "left as it is: no volumes";
  return "";
}

// What must hold of the instance: `expect` over DescribeInstances' answer for it.
Json instance_check(const std::string& id, const std::string& expect) {
  return policy::check_call("ec2", "DescribeInstances", {{"InstanceIds", {id}}},
                            "Reservations[0].Instances[0] | " + expect);
}

bool one_of(const std::string& value, std::initializer_list<const char*> values) {
  return std::any_of(values.begin(), values.end(), [&](const char* v) { return value == v; });
}

// The record of a state change: the instance's state before, the one EC2 answered with after
// (`changes`: TerminatingInstances, StartingInstances).
ActionRecord state_change(const std::string& action, const std::string& id, const Json& instance,
                          const Json& changes) {
  ActionRecord record{action, id};
  record.before = {{"State", instance.value("State", Json::object())}};
  record.after = {{"State", changes.empty() ? Json::object()
                                            : changes[0].value("CurrentState", Json::object())}};
  return record;
}

// An action on one instance as EC2 describes it now (the listing may be stale): `act` gets the
// acting client, the instance's id and its description (null when it is gone).
class InstanceAction : public policy::PerResourceAction {
 public:
  using PerResourceAction::PerResourceAction;

 protected:
  virtual ActionRecord act(const aws::Client& client, const std::string& id,
                           const Json& instance) const = 0;

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const final {
    std::string id = context.id_of(resource);
    return act(context.client, id, instance_now(context.client, id));
  }
};

// terminate (Cloud Custodian's Terminate): irreversible, so the record keeps the state it
// ended. With force (c7n's), termination and stop protection are turned off when AWS refuses
// because of them; without it, a protected instance is left and recorded as failed.
class Terminate : public InstanceAction {
 public:
  explicit Terminate(const Spec& spec)
      : InstanceAction("terminate"), force_(spec.optional_bool("force", false)) {}

 private:
  ActionRecord act(const aws::Client& client, const std::string& id,
                   const Json& instance) const override {
    std::string state = state_name(instance);
    if (instance.is_null() || one_of(state, {"shutting-down", "terminated"}))
      return ActionRecord::unchanged(name(), id, "already " + (state.empty() ? "gone" : state));
    Json result;
    try {
      result = client.call("ec2", "TerminateInstances", {{"InstanceIds", {id}}});
    } catch (const aws::AwsError& e) {
      if (e.code() != "OperationNotPermitted" || !force_) throw;
      if (instance.value("InstanceLifecycle", "") != "spot") unprotect(client, id);
      result = client.call("ec2", "TerminateInstances", {{"InstanceIds", {id}}});
    }
    ActionRecord record =
        state_change(name(), id, instance, result.value("TerminatingInstances", Json::array()));
    record.summary =
        "terminating (was " + state + "; irreversible: the instance cannot be brought back)";
    record.undo = nullptr;
    record.check = instance_check(id, "contains(['shutting-down', 'terminated'], State.Name)");
    return record;
  }

  static void unprotect(const aws::Client& client, const std::string& id) {
    for (const char* attribute : {"DisableApiTermination", "DisableApiStop"}) {
      try {
        client.call("ec2", "ModifyInstanceAttribute",
                    {{"InstanceId", id}, {attribute, {{"Value", false}}}});
      } catch (const aws::AwsError& e) {
        if (e.code() != "IncorrectInstanceState") throw;
      }
    }
  }

  bool force_;
};

// start (Cloud Custodian's Start): a stopped instance with volumes is started; undo stops it.
class Start : public InstanceAction {
 public:
  Start() : InstanceAction("start") {}

 private:
  ActionRecord act(const aws::Client& client, const std::string& id,
                   const Json& instance) const override {
    if (std::string why = unless_with_volumes(instance, "stopped"); !why.empty())
      return ActionRecord::unchanged(name(), id, why);
    Json result = client.call("ec2", "StartInstances", {{"InstanceIds", {id}}});
    ActionRecord record =
        state_change(name(), id, instance, result.value("StartingInstances", Json::array()));
    record.summary = "starting (was stopped)";
    record.undo = Json::array(
        {undo_call("ec2", "StopInstances", {{"InstanceIds", {id}}}, client.session().region())});
    record.check = instance_check(id, "contains(['pending', 'running'], State.Name)");
    return record;
  }
};

// set-termination-protection (custos's; Cloud Custodian only filters on it): the
// disableApiTermination attribute to `state` (default true), so that no one terminates the
// instance, evidence included, until the investigation is over.
class SetTerminationProtection : public policy::PerResourceAction {
 public:
  explicit SetTerminationProtection(const Spec& spec)
      : PerResourceAction("set-termination-protection"),
        state_(spec.optional_bool("state", true)) {}

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string id = context.id_of(resource);
    bool now = client
                   .call("ec2", "DescribeInstanceAttribute",
                         {{"InstanceId", id}, {"Attribute", "disableApiTermination"}})
                   .value("DisableApiTermination", Json::object())
                   .value("Value", false);
    if (now == state_)
      return ActionRecord::unchanged(
          name(), id, std::string("termination protection already ") + (state_ ? "on" : "off"));
    client.call("ec2", "ModifyInstanceAttribute", set_call(id, state_));
    ActionRecord record{name(), id};
    record.before = {{"DisableApiTermination", now}};
    record.after = {{"DisableApiTermination", state_}};
    record.summary = std::string("termination protection turned ") + (state_ ? "on" : "off");
    record.undo = Json::array({undo_call("ec2", "ModifyInstanceAttribute", set_call(id, now),
                                         client.session().region())});
    record.check = policy::check_call(
        "ec2", "DescribeInstanceAttribute",
        {{"InstanceId", id}, {"Attribute", "disableApiTermination"}},
        std::string("DisableApiTermination.Value == `") + (state_ ? "true" : "false") + "`");
    return record;
  }

  static Json set_call(const std::string& id, bool state) {
    return {{"InstanceId", id}, {"DisableApiTermination", {{"Value", state}}}};
  }

  bool state_;
};

// preserve-volumes (custos's; Cloud Custodian has no such action): DeleteOnTermination off for
// every EBS volume of the instance, so that terminating it, by anyone, leaves its disks as
// evidence.
class PreserveVolumes : public InstanceAction {
 public:
  PreserveVolumes() : InstanceAction("preserve-volumes") {}

 private:
  ActionRecord act(const aws::Client& client, const std::string& id,
                   const Json& instance) const override {
    if (instance.is_null()) return ActionRecord::unchanged(name(), id, "the instance is gone");
    std::vector<std::string> devices;
    std::string volumes;
    for (const Json& mapping : instance.value("BlockDeviceMappings", Json::array())) {
      const Json ebs = mapping.value("Ebs", Json::object());
      if (!ebs.value("DeleteOnTermination", false)) continue;
      devices.push_back(mapping.value("DeviceName", ""));
      volumes +=
          (volumes.empty() ? "" : ", ") + ebs.value("VolumeId", "?") + " (" + devices.back() + ")";
    }
    if (devices.empty())
      return ActionRecord::unchanged(name(), id, "no volume is deleted on termination");
    client.call("ec2", "ModifyInstanceAttribute", mappings_call(id, devices, false));
    ActionRecord record{name(), id};
    record.before = {{"DeleteOnTermination", devices}};
    record.after = {{"DeleteOnTermination", Json::array()}};
    record.summary = "kept on termination: " + volumes;
    record.undo =
        Json::array({undo_call("ec2", "ModifyInstanceAttribute", mappings_call(id, devices, true),
                               client.session().region())});
    record.check =
        instance_check(id, "length(BlockDeviceMappings[?Ebs.DeleteOnTermination]) == `0`");
    return record;
  }

  static Json mappings_call(const std::string& id, const std::vector<std::string>& devices,
                            bool delete_on_termination) {
    Json mappings = Json::array();
    for (const auto& device : devices)
      mappings.push_back(
          {{"DeviceName", device}, {"Ebs", {{"DeleteOnTermination", delete_on_termination}}}});
    return {{"InstanceId", id}, {"BlockDeviceMappings", mappings}};
  }
};

// set-metadata-access (Cloud Custodian's SetMetadataServerAccess): the instance metadata
// service's endpoint, tokens (required: IMDSv2 only), metadata-tags and hop-limit, as given.
class SetMetadataAccess : public InstanceAction {
 public:
  explicit SetMetadataAccess(const Spec& spec) : InstanceAction("set-metadata-access") {
    if (spec.has("endpoint"))
      wanted_["HttpEndpoint"] = spec.one_of("endpoint", {"enabled", "disabled"});
    if (spec.has("tokens")) wanted_["HttpTokens"] = spec.one_of("tokens", {"required", "optional"});
    if (spec.has("metadata-tags"))
      wanted_["InstanceMetadataTags"] = spec.one_of("metadata-tags", {"enabled", "disabled"});
    if (spec.has("hop-limit")) {
      policy::number_option(spec, "hop-limit", 1, 1, 64);
      if (!spec.value()["hop-limit"].is_number_integer())
        spec.child("hop-limit").fail("'hop-limit' must be a whole number from 1 to 64");
      wanted_["HttpPutResponseHopLimit"] = spec.value()["hop-limit"].get<long long>();
    }
    if (wanted_.empty())
      spec.fail("set-metadata-access needs endpoint, tokens, metadata-tags or hop-limit");
  }

 private:
  ActionRecord act(const aws::Client& client, const std::string& id,
                   const Json& instance) const override {
    if (instance.is_null()) return ActionRecord::unchanged(name(), id, "the instance is gone");
    Json options = instance.value("MetadataOptions", Json::object());
    Json before = Json::object();
    std::string expect;
    std::string changes;
    for (const auto& [key, value] : wanted_.items()) {
      before[key] = options.value(key, Json());
      expect += (expect.empty() ? "" : " && ") + std::string("MetadataOptions.") + key + " == `" +
                value.dump() + "`";
      if (before[key] != value)
        changes +=
            (changes.empty() ? "" : ", ") + key + " " + before[key].dump() + " -> " + value.dump();
    }
    if (changes.empty())
      return ActionRecord::unchanged(name(), id, "metadata options already " + wanted_.dump());
    Json params = wanted_;
    params["InstanceId"] = id;
    client.call("ec2", "ModifyInstanceMetadataOptions", params);
    ActionRecord record{name(), id};
    record.before = before;
    record.after = wanted_;
    record.summary = "metadata options: " + changes;
    Json restore = {{"InstanceId", id}};
    for (const auto& [key, value] : before.items())
      if (!value.is_null()) restore[key] = value;
    record.undo = Json::array(
        {undo_call("ec2", "ModifyInstanceMetadataOptions", restore, client.session().region())});
    record.check = instance_check(id, expect);
    return record;
  }

  Json wanted_ = Json::object();
};

// set-monitoring (Cloud Custodian's MonitorInstances): detailed CloudWatch monitoring on
// (`state: enable`) or off (`disable`).
class SetMonitoring : public InstanceAction {
 public:
  explicit SetMonitoring(const Spec& spec)
      : InstanceAction("set-monitoring"),
        enable_(spec.one_of("state", {"enable", "disable"}) == "enable") {}

 private:
  ActionRecord act(const aws::Client& client, const std::string& id,
                   const Json& instance) const override {
    if (instance.is_null()) return ActionRecord::unchanged(name(), id, "the instance is gone");
    std::string now = instance.value("Monitoring", Json::object()).value("State", "");
    bool on = now == "enabled" || now == "pending";
    if (on == enable_)
      return ActionRecord::unchanged(name(), id, "detailed monitoring already " + now);
    client.call("ec2", enable_ ? "MonitorInstances" : "UnmonitorInstances",
                {{"InstanceIds", {id}}});
    ActionRecord record{name(), id};
    record.before = {{"Monitoring", now}};
    record.after = {{"Monitoring", enable_ ? "enabled" : "disabled"}};
    record.summary = std::string("detailed monitoring turned ") + (enable_ ? "on" : "off");
    record.undo = Json::array({undo_call("ec2", enable_ ? "UnmonitorInstances" : "MonitorInstances",
                                         {{"InstanceIds", {id}}}, client.session().region())});
    record.check =
        instance_check(id, enable_ ? "contains(['pending', 'enabled'], Monitoring.State)"
                                   : "contains(['disabling', 'disabled'], Monitoring.State)");
    return record;
  }

  bool enable_;
};

// reboot (Cloud Custodian's Reboot): running instances with volumes. Each run reboots again:
// a reboot leaves no state to find done, and nothing to undo.
class Reboot : public InstanceAction {
 public:
  Reboot() : InstanceAction("reboot") {}

 private:
  ActionRecord act(const aws::Client& client, const std::string& id,
                   const Json& instance) const override {
    if (std::string why = unless_with_volumes(instance, "running"); !why.empty())
      return ActionRecord::unchanged(name(), id, why);
    client.call("ec2", "RebootInstances", {{"InstanceIds", {id}}});
    ActionRecord record{name(), id};
    record.summary = "rebooted (nothing to undo)";
    record.undo = Json::array();
    record.check = instance_check(id, "contains(['pending', 'running'], State.Name)");
    return record;
  }
};

// autorecover-alarm (Cloud Custodian's AutorecoverAlarm): a CloudWatch alarm recover-ID that
// recovers the instance when its system status check fails, for instances outside auto scaling
// groups.
class AutorecoverAlarm : public policy::PerResourceAction {
 public:
  AutorecoverAlarm() : PerResourceAction("autorecover-alarm") {}

 private:
  ActionRecord apply(const Json& instance, ActionContext& context) const override {
    std::string id = context.id_of(instance);
    if (!one_of(state_name(instance), {"running", "stopped", "pending", "stopping"}))
      return ActionRecord::unchanged(name(), id, "left as it is: " + state_name(instance));
    for (const Json& tag : instance.value("Tags", Json::array()))
      if (tag.value("Key", "") == "aws:autoscaling:groupName")
        return ActionRecord::unchanged(name(), id,
                                       "left as it is: its auto scaling group "
                                       "replaces it");
    const aws::Client& client = context.client_for(instance);
    std::string alarm = "recover-" + id;
    std::string zone = instance.value("Placement", Json::object()).value("AvailabilityZone", "");
    std::string action = "arn:" + context.partition() +
                         ":automate:" + zone.substr(0, zone.empty() ? 0 : zone.size() - 1) +
                         ":ec2:recover";
    Json existing = client.call("cloudwatch", "DescribeAlarms", {{"AlarmNames", {alarm}}})
                        .value("MetricAlarms", Json::array());
    if (!existing.empty() && existing[0].value("AlarmActions", Json::array()) == Json{action})
      return ActionRecord::unchanged(name(), id, "alarm " + alarm + " already recovers it");
    client.call("cloudwatch", "PutMetricAlarm",
                {{"AlarmName", alarm},
                 {"AlarmDescription", "Auto Recover " + id},
                 {"ActionsEnabled", true},
                 {"AlarmActions", {action}},
                 {"MetricName", "StatusCheckFailed_System"},
                 {"Namespace", "AWS/EC2"},
                 {"Statistic", "Minimum"},
                 {"Dimensions", Json::array({{{"Name", "InstanceId"}, {"Value", id}}})},
                 {"Period", 60},
                 {"EvaluationPeriods", 2},
                 {"Threshold", 0},
                 {"ComparisonOperator", "GreaterThanThreshold"}});
    ActionRecord record{name(), id};
    record.before = {{"Alarm", existing.empty() ? Json() : existing[0]}};
    record.after = {{"AlarmName", alarm}, {"AlarmActions", {action}}};
    record.summary = "alarm " + alarm + " recovers the instance (" + action + ")";
    record.undo =
        existing.empty()
            ? Json::array({undo_call("cloudwatch", "DeleteAlarms", {{"AlarmNames", {alarm}}},
                                     client.session().region())})
            : Json(nullptr);
    if (!existing.empty()) record.summary += "; it replaced an alarm of that name (no undo)";
    record.check = policy::check_call("cloudwatch", "DescribeAlarms", {{"AlarmNames", {alarm}}},
                                      "MetricAlarms[0].AlarmActions == ['" + action + "']");
    return record;
  }
};

}  // namespace

void register_ec2_lifecycle_actions(policy::Registry& registry) {
  registry.add_action(
      "aws.ec2", "terminate",
      policy::action_info<Terminate>(
          {"force"},
          {"ec2:DescribeInstances", "ec2:TerminateInstances", "ec2:ModifyInstanceAttribute"},
          "Terminate the instance (irreversible; force: true also "
          "turns off termination and stop protection when they are in the way)"));
  registry.add_action(
      "aws.ec2", "start",
      policy::action_info<Start>({}, {"ec2:DescribeInstances", "ec2:StartInstances"},
                                 "Start stopped instances (undo stops them)"));
  registry.add_action(
      "aws.ec2", "set-termination-protection",
      policy::action_info<SetTerminationProtection>(
          {"state"}, {"ec2:DescribeInstanceAttribute", "ec2:ModifyInstanceAttribute"},
          "Turn termination protection on (state: true, the default) or off"));
  registry.add_action(
      "aws.ec2", "preserve-volumes",
      policy::action_info<PreserveVolumes>(
          {}, {"ec2:DescribeInstances", "ec2:ModifyInstanceAttribute"},
          "Keep every EBS volume when the instance terminates (DeleteOnTermination off)"));
  registry.add_action("aws.ec2", "set-metadata-access",
                      policy::action_info<SetMetadataAccess>(
                          {"endpoint", "tokens", "metadata-tags", "hop-limit"},
                          {"ec2:DescribeInstances", "ec2:ModifyInstanceMetadataOptions"},
                          "Set the instance metadata service's endpoint (enabled|disabled), "
                          "tokens (required|optional), metadata-tags and hop-limit (1-64)"));
  registry.add_action(
      "aws.ec2", "set-monitoring",
      policy::action_info<SetMonitoring>(
          {"state"}, {"ec2:DescribeInstances", "ec2:MonitorInstances", "ec2:UnmonitorInstances"},
          "Detailed CloudWatch monitoring on (state: enable) or off (disable)"));
  registry.add_action(
      "aws.ec2", "reboot",
      policy::action_info<Reboot>({}, {"ec2:DescribeInstances", "ec2:RebootInstances"},
                                  "Reboot running instances (every run reboots again)"));
  registry.add_action("aws.ec2", "autorecover-alarm",
                      policy::action_info<AutorecoverAlarm>(
                          {}, {"cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm"},
                          "A CloudWatch alarm recover-ID that recovers the instance when its "
                          "system status check fails"));
}

}  // namespace custos::resources
