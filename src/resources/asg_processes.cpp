// Cloud Custodian's suspend and resume on aws.asg. suspend stops the group's scaling processes
// (all eight but those in `exclude`) and then its running instances, so that the group neither
// replaces nor terminates what it holds (an instance under investigation stays as it is);
// resume starts the group's stopped instances, waits `delay` seconds (30 by default: a grace
// before health checks count; no wait when no instance was started) and resumes every process. Each
// group's record keeps what was suspended and running before; its undo puts that back.
#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "policy/action.h"
#include "policy/spec.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;

const std::vector<std::string> kProcesses = {
    "Launch",      "Terminate",         "HealthCheck",      "ReplaceUnhealthy",
    "AZRebalance", "AlarmNotification", "ScheduledActions", "AddToLoadBalancer"};

std::string group_of(const Json& asg) { return asg.value("AutoScalingGroupName", ""); }

std::set<std::string> suspended(const Json& asg) {
  std::set<std::string> names;
  for (const Json& process : asg.value("SuspendedProcesses", Json::array()))
    names.insert(process.value("ProcessName", ""));
  return names;
}

// The group's instances whose EC2 state is `state` (running, stopped).
std::vector<std::string> instances_in(const aws::Client& client, const Json& asg,
                                      const std::string& state) {
  Json ids = Json::array();
  for (const Json& instance : asg.value("Instances", Json::array()))
    ids.push_back(instance.value("InstanceId", ""));
  std::vector<std::string> found;
  if (ids.empty()) return found;
  client.paginate(
      "ec2", "DescribeInstances",
      {{"InstanceIds", ids},
       {"Filters",
        Json::array({{{"Name", "instance-state-name"}, {"Values", Json::array({state})}}})}},
      [&](const Json& page) {
        for (const Json& reservation : page.value("Reservations", Json::array()))
          for (const Json& instance : reservation.value("Instances", Json::array()))
            found.push_back(instance.value("InstanceId", ""));
        return true;
      });
  return found;
}

Json group_call(const Json& asg, std::vector<std::string> processes) {
  return {{"AutoScalingGroupName", group_of(asg)}, {"ScalingProcesses", processes}};
}

// The record's check: the group's suspended processes include (or, with none, are) `names`.
Json suspended_check(const Json& asg, const std::vector<std::string>& names,
                     const std::string& region) {
  std::string expect = names.empty()
                           ? "length(AutoScalingGroups[0].SuspendedProcesses) == `0`"
                           : "length(AutoScalingGroups[0].SuspendedProcesses[?contains(" +
                                 policy::jmespath_literal(names) + ", ProcessName)]) == `" +
                                 std::to_string(names.size()) + "`";
  return policy::check_call("autoscaling", "DescribeAutoScalingGroups",
                            {{"AutoScalingGroupNames", Json::array({group_of(asg)})}}, expect,
                            region);
}

class Suspend : public policy::PerResourceAction {
 public:
  explicit Suspend(const policy::Spec& spec) : PerResourceAction("suspend") {
    std::vector<std::string> excluded = spec.string_list("exclude");
    for (std::size_t i = 0; i < excluded.size(); ++i)
      if (std::find(kProcesses.begin(), kProcesses.end(), excluded[i]) == kProcesses.end())
        spec.child("exclude").element(i).fail("'" + excluded[i] +
                                              "' is not a scaling process (one of Launch, "
                                              "Terminate, HealthCheck, ReplaceUnhealthy, "
                                              "AZRebalance, AlarmNotification, ScheduledActions, "
                                              "AddToLoadBalancer)");
    for (const std::string& process : kProcesses)
      if (std::find(excluded.begin(), excluded.end(), process) == excluded.end())
        processes_.push_back(process);
  }

 private:
  ActionRecord apply(const Json& asg, ActionContext& context) const override {
    const std::string group = group_of(asg);
    const aws::Client& client = context.client_for(asg);
    const std::string& region = client.session().region();
    std::set<std::string> before = suspended(asg);
    std::vector<std::string> newly;
    for (const std::string& process : processes_)
      if (!before.contains(process)) newly.push_back(process);
    std::vector<std::string> running = instances_in(client, asg, "running");
    if (newly.empty() && running.empty())
      return ActionRecord::unchanged(name(), group,
                                     group + " already suspended, no instance running");
    ActionRecord record{name(), group};
    record.before = {{"SuspendedProcesses", before}, {"RunningInstances", running}};
    record.after = {{"SuspendedProcesses", processes_}, {"StoppedInstances", running}};
    record.undo = Json::array();
    if (!newly.empty()) {
      client.call("autoscaling", "SuspendProcesses", group_call(asg, newly));
      record.undo.push_back(
          policy::undo_call("autoscaling", "ResumeProcesses", group_call(asg, newly), region));
    }
    if (!running.empty()) {
      client.call("ec2", "StopInstances", {{"InstanceIds", running}});
      // Started before the processes resume, as resume does.
      record.undo.insert(
          record.undo.begin(),
          policy::undo_call("ec2", "StartInstances", {{"InstanceIds", running}}, region));
    }
    record.check = suspended_check(asg, processes_, region);
    record.summary = "suspended " + std::to_string(newly.size()) + " processes of " + group +
                     " and stopped " + std::to_string(running.size()) + " instances";
    return record;
  }

  std::vector<std::string> processes_;
};

class Resume : public policy::Action {
 public:
  explicit Resume(const policy::Spec& spec) {
    if (spec.has("delay")) {
      const Json& delay = spec.child("delay").value();
      if (!delay.is_number() || delay.get<double>() < 0 || delay.get<double>() > 900)
        spec.child("delay").fail("'delay' is seconds from 0 to 900");
      delay_ = delay.get<double>();
    }
  }

  // Every group's instances first, one grace period, then every group's processes.
  std::vector<ActionRecord> process(const std::vector<Json>& groups,
                                    ActionContext& context) const override {
    std::vector<ActionRecord> records;
    std::vector<std::pair<const Json*, ActionRecord>> started;
    for (const Json& asg : groups) {
      const std::string group = group_of(asg);
      if (suspended(asg).empty()) {
        context.emit(records,
                     ActionRecord::unchanged("resume", group, group + " has nothing suspended"));
        continue;
      }
      ActionRecord record{"resume", group};
      try {
        const aws::Client& client = context.client_for(asg);
        std::vector<std::string> stopped = instances_in(client, asg, "stopped");
        if (!stopped.empty()) client.call("ec2", "StartInstances", {{"InstanceIds", stopped}});
        record.before = {{"SuspendedProcesses", suspended(asg)}, {"StoppedInstances", stopped}};
        record.after = {{"SuspendedProcesses", Json::array()}, {"StartedInstances", stopped}};
        started.emplace_back(&asg, std::move(record));
      } catch (const Error& e) {
        context.emit(records, ActionRecord::failed("resume", group, e));
      }
    }
    // The grace is for instances that start; without any, processes resume at once.
    bool any_started = std::any_of(started.begin(), started.end(), [](const auto& entry) {
      return !entry.second.after["StartedInstances"].empty();
    });
    if (any_started && delay_ > 0)
      std::this_thread::sleep_for(std::chrono::duration<double>(delay_));
    for (auto& [asg, record] : started) {
      try {
        const aws::Client& client = context.client_for(*asg);
        const std::string& region = client.session().region();
        client.call("autoscaling", "ResumeProcesses", {{"AutoScalingGroupName", group_of(*asg)}});
        std::vector<std::string> before = record.before["SuspendedProcesses"];
        record.undo = Json::array({policy::undo_call("autoscaling", "SuspendProcesses",
                                                     group_call(*asg, before), region)});
        if (!record.after["StartedInstances"].empty())
          record.undo.push_back(policy::undo_call(
              "ec2", "StopInstances", {{"InstanceIds", record.after["StartedInstances"]}}, region));
        record.check = suspended_check(*asg, {}, region);
        record.summary = "resumed " + group_of(*asg) + " and started " +
                         std::to_string(record.after["StartedInstances"].size()) + " instances";
        context.emit(records, std::move(record));
      } catch (const Error& e) {
        context.emit(records, ActionRecord::failed("resume", group_of(*asg), e));
      }
    }
    return records;
  }

 private:
  double delay_ = 30;
};

}  // namespace

void register_asg_processes(policy::Registry& registry) {
  registry.add_action(
      "aws.asg", "suspend",
      policy::action_info<Suspend>(
          {"exclude"},
          {"autoscaling:SuspendProcesses", "ec2:DescribeInstances", "ec2:StopInstances"},
          "Suspend the group's scaling processes (all but `exclude`) and stop its running "
          "instances"));
  registry.add_action(
      "aws.asg", "resume",
      policy::action_info<Resume>(
          {"delay"}, {"autoscaling:ResumeProcesses", "ec2:DescribeInstances", "ec2:StartInstances"},
          "Start the group's stopped instances, wait `delay` seconds (default 30), then resume "
          "its processes"));
}

}  // namespace custos::resources
