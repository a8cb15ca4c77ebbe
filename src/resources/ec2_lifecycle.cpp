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

// terminate (Cloud Custodian's Terminate): eradication, so custos asks for force: true, which
// also means Cloud Custodian's force: termination and stop protection are turned off when AWS
// refuses because of them.
class Terminate : public policy::PerResourceAction {
 public:
  explicit Terminate(const Spec& spec) : PerResourceAction("terminate") {
    if (!spec.optional_bool("force", false))
      spec.fail(
          "terminate destroys the instance (and the volumes deleted with it) for good: write "
          "force: true to mean it; snapshot and preserve-volumes first to keep the evidence");
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string id = context.id_of(resource);
    Json instance = instance_now(client, id);
    std::string state = state_name(instance);
    if (instance.is_null() || one_of(state, {"shutting-down", "terminated"}))
      return ActionRecord::unchanged(name(), id, "already " + (state.empty() ? "gone" : state));
    Json result;
    try {
      result = client.call("ec2", "TerminateInstances", {{"InstanceIds", {id}}});
    } catch (const aws::AwsError& e) {
      if (e.code() != "OperationNotPermitted") throw;
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
};

// start (Cloud Custodian's Start): a stopped instance with volumes is started; undo stops it.
class Start : public policy::PerResourceAction {
 public:
  Start() : PerResourceAction("start") {}

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string id = context.id_of(resource);
    Json instance = instance_now(client, id);
    std::string state = state_name(instance);
    if (state != "stopped")
      return ActionRecord::unchanged(name(), id,
                                     "left as it is: " + (state.empty() ? "gone" : state));
    if (instance.value("BlockDeviceMappings", Json::array()).empty())
      return ActionRecord::unchanged(name(), id, "left as it is: no volumes to start from");
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
class PreserveVolumes : public policy::PerResourceAction {
 public:
  PreserveVolumes() : PerResourceAction("preserve-volumes") {}

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string id = context.id_of(resource);
    Json instance = instance_now(client, id);
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
class SetMetadataAccess : public policy::PerResourceAction {
 public:
  explicit SetMetadataAccess(const Spec& spec) : PerResourceAction("set-metadata-access") {
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
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string id = context.id_of(resource);
    Json instance = instance_now(client, id);
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

}  // namespace

void register_ec2_lifecycle_actions(policy::Registry& registry) {
  registry.add_action(
      "aws.ec2", "terminate",
      policy::action_info<Terminate>(
          {"force"},
          {"ec2:DescribeInstances", "ec2:TerminateInstances", "ec2:ModifyInstanceAttribute"},
          "Terminate the instance (irreversible; needs force: true, which also "
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
}

}  // namespace custos::resources
