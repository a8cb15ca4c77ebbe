#include "serverless/deploy.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "aws/endpoints.h"
#include "aws/protocol_codec.h"
#include "aws/s3_url.h"
#include "core/digest.h"
#include "core/version.h"
#include "policy/vars.h"
#include "resources/builtin.h"
#include "serverless/package.h"

namespace custos::serverless {
namespace {

// Cloud Custodian's mode options that deploy sets; the others are refused by name.
const std::set<std::string> kDeployed = {"type",
                                         "events",
                                         "schedule",
                                         "include-samples",
                                         "member-role",
                                         "role",
                                         "memory",
                                         "timeout",
                                         "tags",
                                         "execution-options",
                                         "environment",
                                         "function-prefix",
                                         "pattern",
                                         "tracing_config",
                                         "dead_letter_config",
                                         "kms_key_arn",
                                         "security_groups",
                                         "subnets",
                                         "delay"};
const std::set<std::string> kExecutionOptions = {"journal"};
constexpr int kMaxTimeout = 900;  // Lambda's limit, in seconds

bool not_found(const aws::AwsError& e) {
  return e.code() == "ResourceNotFoundException" || e.http_status() == 404;
}

// Cloud Custodian's merge_dict: maps merged, lists extended without repeats, scalars from `b`.
Json merge_dict(Json a, const Json& b) {
  for (const auto& [key, value] : b.items()) {
    if (!a.contains(key)) {
      a[key] = value;
    } else if (a[key].is_object() && value.is_object()) {
      a[key] = merge_dict(a[key], value);
    } else if (a[key].is_array()) {
      for (const Json& item : value.is_array() ? value : Json::array({value}))
        if (std::find(a[key].begin(), a[key].end(), item) == a[key].end()) a[key].push_back(item);
    } else if (value.is_array()) {
      Json merged = value;
      if (std::find(merged.begin(), merged.end(), a[key]) == merged.end())
        merged.insert(merged.begin(), a[key]);
      a[key] = merged;
    } else {
      a[key] = value;
    }
  }
  return a;
}

// What a function should be, in the terms GetFunction answers with.
struct FunctionSpec {
  std::string name;
  std::string arn;
  std::string rule_arn;
  Json config;  // CreateFunction's parameters without the code
  Json tags = Json::object();
};

std::string role_arn(const policy::Policy& p, const DeployOptions& options,
                     const std::string& partition, const std::string& account) {
  std::string role = p.mode.data.value("role", options.role);
  if (role.empty())
    throw InputError("policy '" + p.name +
                     "' names no role for its function: add mode.role or pass --role ARN");
  if (role.starts_with("arn:")) return role;
  return "arn:" + partition + ":iam::" + account + ":role/" + role;
}

void check_options(const policy::Policy& p) {
  for (const auto& [key, value] : p.mode.data.items())
    if (!kDeployed.count(key))
      throw InputError("policy '" + p.name + "': mode." + key +
                       " is not supported by custos deploy (custos packages itself; remove it)");
  const Json& execution = p.mode.data.value("execution-options", Json::object());
  for (const auto& [key, value] : execution.items())
    if (!kExecutionOptions.count(key))
      throw InputError("policy '" + p.name + "': mode.execution-options." + key +
                       " is not supported by custos (supported: journal: s3://BUCKET/PREFIX)");
  // A function's /tmp dies with its instance: only S3 is shared by all of them.
  if (execution.contains("journal") &&
      !(execution["journal"].is_string() &&
        aws::parse_s3_url(execution["journal"].get<std::string>())))
    throw InputError("policy '" + p.name +
                     "': mode.execution-options.journal must be s3://BUCKET[/PREFIX], not " +
                     execution["journal"].dump());
}

FunctionSpec function_spec(const policy::Policy& p, const DeployOptions& options,
                           const std::string& region, const std::string& partition,
                           const std::string& account) {
  check_options(p);
  const Json& mode = p.mode.data;
  FunctionSpec spec;
  spec.name = mode.value("function-prefix", "custodian-") + p.name;
  if (spec.name.size() > 64)
    throw InputError("policy '" + p.name + "': the function name " + spec.name +
                     " is longer than Lambda's 64 characters");
  spec.arn = "arn:" + partition + ":lambda:" + region + ":" + account + ":function:" + spec.name;
  spec.rule_arn = "arn:" + partition + ":events:" + region + ":" + account + ":rule/" + spec.name;
  int timeout = mode.value("timeout", kMaxTimeout);
  if (timeout < 1 || timeout > kMaxTimeout)
    throw InputError("policy '" + p.name + "': mode.timeout must be 1 to 900 seconds");
  Json variables = mode.value("environment", Json::object()).value("Variables", Json::object());
  const Json& execution = mode.value("execution-options", Json::object());
  if (execution.contains("journal")) variables["CUSTOS_JOURNAL"] = execution["journal"];
  spec.config = {
      {"FunctionName", spec.name},
      {"Runtime", "provided.al2023"},
      {"Handler", p.name},
      {"Role", role_arn(p, options, partition, account)},
      {"Description", p.data.value("description", "cloud-custodian lambda policy")},
      {"MemorySize", mode.value("memory", 512)},
      {"Timeout", timeout},
      {"Environment", {{"Variables", variables}}},
      {"TracingConfig",
       {{"Mode", mode.value("tracing_config", Json::object()).value("Mode", "PassThrough")}}}};
  if (mode.contains("dead_letter_config"))
    spec.config["DeadLetterConfig"] = mode["dead_letter_config"];
  if (mode.contains("kms_key_arn")) spec.config["KMSKeyArn"] = mode["kms_key_arn"];
  if (mode.contains("subnets") || mode.contains("security_groups"))
    spec.config["VpcConfig"] = {{"SubnetIds", mode.value("subnets", Json::array())},
                                {"SecurityGroupIds", mode.value("security_groups", Json::array())}};
  spec.tags = mode.value("tags", Json::object());
  spec.tags["custodian-info"] = "mode=" + p.mode.type + ":version=custos-" + std::string(version());
  return spec;
}

// The keys of `desired` whose value the function's configuration does not have.
std::vector<std::string> differences(const Json& desired, const Json& current) {
  std::vector<std::string> differ;
  for (const auto& [key, want] : desired.items()) {
    if (key == "FunctionName") continue;
    Json have = current.value(key, Json());
    if (key == "VpcConfig" && have.is_object()) have.erase("VpcId");
    if (key == "Environment" && !have.is_object()) have = {{"Variables", Json::object()}};
    if (have != want) differ.push_back(key);
  }
  return differ;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

class Deployer {
 public:
  Deployer(const aws::Client& client, bool dryrun,
           const std::function<void(const DeployStep&)>& on_step)
      : client_(dryrun ? client.dry_run([](auto, auto, const Json&) { return Json::object(); })
                       : client),
        dryrun_(dryrun),
        on_step_(on_step) {}

  void deploy(const policy::Policy& p, const FunctionSpec& spec, const std::string& zip) {
    policy_ = p.name;
    function_ = spec.name;
    Json current;
    try {
      current = client_.call("lambda", "GetFunction", {{"FunctionName", spec.name}});
    } catch (const aws::AwsError& e) {
      if (!not_found(e)) throw;
      Json create = spec.config;
      // The client base64-encodes blobs, as botocore does.
      create["Code"] = {{"ZipFile", zip}};
      create["Tags"] = spec.tags;
      create["Architectures"] = {"x86_64"};
      client_.call("lambda", "CreateFunction", create);
      step("function", "created");
      wait_until_updated(spec.name);
    }
    if (!current.is_null()) update(spec, current.value("Configuration", Json::object()), zip);
    deploy_rule(p, spec);
    deploy_target(spec);
    deploy_permission(spec);
  }

  void remove(const FunctionSpec& spec, const std::string& policy) {
    policy_ = policy;
    function_ = spec.name;
    try {
      Json targets = client_.call("events", "ListTargetsByRule", {{"Rule", spec.name}});
      Json ids = Json::array();
      for (const Json& target : targets.value("Targets", Json::array()))
        ids.push_back(target["Id"]);
      if (!ids.empty())
        client_.call("events", "RemoveTargets", {{"Rule", spec.name}, {"Ids", ids}});
      step("target", ids.empty() ? "absent" : "removed");
      client_.call("events", "DeleteRule", {{"Name", spec.name}});
      step("rule", "removed");
    } catch (const aws::AwsError& e) {
      if (!not_found(e)) throw;
      step("rule", "absent");
    }
    try {
      client_.call("lambda", "DeleteFunction", {{"FunctionName", spec.name}});
      step("function", "removed", "with its permission");
    } catch (const aws::AwsError& e) {
      if (!not_found(e)) throw;
      step("function", "absent");
    }
  }

 private:
  void step(const std::string& part, std::string status, const std::string& detail = {}) {
    static const std::map<std::string, std::string> kPlanned = {
        {"created", "to create"}, {"updated", "to update"}, {"removed", "to remove"}};
    if (dryrun_ && kPlanned.count(status)) status = kPlanned.at(status);
    if (on_step_) on_step_({policy_, function_, part, status, detail});
  }

  // Lambda takes one change to a function at a time: waits until the last one is done.
  void wait_until_updated(const std::string& name) const {
    if (dryrun_) return;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    for (;;) {
      Json config = client_.call("lambda", "GetFunctionConfiguration", {{"FunctionName", name}});
      if (config.value("State", "") != "Pending" &&
          config.value("LastUpdateStatus", "") != "InProgress")
        return;
      if (std::chrono::steady_clock::now() > give_up)
        throw Error("function " + name + " is still being updated after 5 minutes");
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }

  void update(const FunctionSpec& spec, const Json& config, const std::string& zip) {
    auto differ = differences(spec.config, config);
    if (!differ.empty()) {
      client_.call("lambda", "UpdateFunctionConfiguration", spec.config);
      wait_until_updated(spec.name);
    }
    step("function", differ.empty() ? "unchanged" : "updated", joined(differ));
    std::string digest = sha256_hex(zip), raw;
    for (std::size_t i = 0; i < digest.size(); i += 2)
      raw.push_back(static_cast<char>(std::stoi(digest.substr(i, 2), nullptr, 16)));
    bool same_code = config.value("CodeSha256", "") == aws::codec::base64_encode(raw);
    if (!same_code) {
      client_.call("lambda", "UpdateFunctionCode", {{"FunctionName", spec.name}, {"ZipFile", zip}});
      wait_until_updated(spec.name);
    }
    step("function code", same_code ? "unchanged" : "updated");
    update_tags(spec);
  }

  void update_tags(const FunctionSpec& spec) {
    Json tags =
        client_.call("lambda", "ListTags", {{"Resource", spec.arn}}).value("Tags", Json::object());
    Json changed = Json::object();
    for (const auto& [key, value] : spec.tags.items())
      if (tags.value(key, Json()) != value) changed[key] = value;
    Json stale = Json::array();
    for (const auto& [key, value] : tags.items())
      if (!spec.tags.contains(key) && !key.starts_with("aws:")) stale.push_back(key);
    if (!changed.empty())
      client_.call("lambda", "TagResource", {{"Resource", spec.arn}, {"Tags", changed}});
    if (!stale.empty())
      client_.call("lambda", "UntagResource", {{"Resource", spec.arn}, {"TagKeys", stale}});
    step("function tags", changed.empty() && stale.empty() ? "unchanged" : "updated");
  }

  // An event pattern, or for mode periodic the schedule (c7n's PeriodicMode rule).
  void deploy_rule(const policy::Policy& p, const FunctionSpec& spec) {
    const bool scheduled = p.mode.type == "periodic";
    const char* trigger = scheduled ? "ScheduleExpression" : "EventPattern";
    Json desired = {{"Name", spec.name},
                    {trigger, scheduled ? p.mode.schedule : event_pattern(p).dump()},
                    {"State", "ENABLED"},
                    {"Description", spec.config["Description"]}};
    std::string status = "created";
    try {
      Json rule = client_.call("events", "DescribeRule", {{"Name", spec.name}});
      bool same_trigger = scheduled
                              ? rule.value(trigger, "") == p.mode.schedule
                              : Json::parse(rule.value("EventPattern", "{}")) == event_pattern(p);
      bool same = same_trigger && rule.value("State", "") == "ENABLED" &&
                  rule.value("Description", "") == desired["Description"];
      if (same) return step("rule", "unchanged");
      status = "updated";
    } catch (const aws::AwsError& e) {
      if (!not_found(e)) throw;
    }
    client_.call("events", "PutRule", desired);
    step("rule", status, desired[trigger].get<std::string>());
  }

  void deploy_target(const FunctionSpec& spec) {
    Json targets = Json::array();
    try {
      targets = client_.call("events", "ListTargetsByRule", {{"Rule", spec.name}})
                    .value("Targets", Json::array());
    } catch (const aws::AwsError& e) {
      if (!not_found(e)) throw;  // the rule is only planned (a dry run)
    }
    for (const Json& target : targets)
      if (target.value("Arn", "") == spec.arn) return step("target", "unchanged");
    client_.call("events", "PutTargets",
                 {{"Rule", spec.name}, {"Targets", {{{"Id", spec.name}, {"Arn", spec.arn}}}}});
    step("target", "created");
  }

  void deploy_permission(const FunctionSpec& spec) {
    const std::string& rule_arn = spec.rule_arn;
    Json statements = Json::array();
    try {
      Json answer = client_.call("lambda", "GetPolicy", {{"FunctionName", spec.name}});
      statements = Json::parse(answer.value("Policy", "{}")).value("Statement", Json::array());
    } catch (const aws::AwsError& e) {
      if (!not_found(e)) throw;
    }
    for (const Json& statement : statements)
      if (statement.value("Sid", "") == spec.name &&
          statement.dump().find(rule_arn) != std::string::npos)
        return step("permission", "unchanged");
    client_.call("lambda", "AddPermission",
                 {{"FunctionName", spec.name},
                  {"StatementId", spec.name},
                  {"Action", "lambda:InvokeFunction"},
                  {"Principal", "events.amazonaws.com"},
                  {"SourceArn", rule_arn}});
    step("permission", "created", "events.amazonaws.com from " + rule_arn);
  }

  const aws::Client client_;
  const bool dryrun_;
  const std::function<void(const DeployStep&)> on_step_;
  std::string policy_, function_;
};

}  // namespace

Json event_pattern(const policy::Policy& p) {
  const Json pattern = p.mode.data.value("pattern", Json::object());
  Json payload = pattern;
  if (p.mode.type == "cloudtrail") {
    std::set<std::string> sources;
    Json names = Json::array();
    for (const auto& event : p.mode.trail_events) {
      sources.insert(event.source);
      names.push_back(event.event);
    }
    payload["detail-type"] = {sources.count("signin.amazonaws.com")
                                  ? "AWS Console Sign In via CloudTrail"
                                  : "AWS API Call via CloudTrail"};
    payload["detail"] = {{"eventSource", sources}, {"eventName", names}};
  } else if (p.mode.type == "guard-duty") {
    std::set<std::string> types;
    for (const auto& target : p.resource->guard_duty) types.insert(target.resource_type);
    payload["source"] = {"aws.guardduty"};
    payload["detail-type"] = {"GuardDuty Finding"};
    payload["detail"] = {{"resource", {{"resourceType", types}}}};
  } else if (p.mode.type == "ec2-instance-state") {
    payload["source"] = {"aws.ec2"};
    payload["detail-type"] = {"EC2 Instance State-change Notification"};
    if (!p.mode.instance_states.empty()) payload["detail"] = {{"state", p.mode.instance_states}};
  }
  return merge_dict(payload, pattern);
}

std::vector<DeployStep> deploy(const DeployOptions& options, const aws::Client& client,
                               const std::function<void(const DeployStep&)>& on_step) {
  auto source = policy::SourceDocument::load_file(options.policy_file);
  std::vector<policy::Policy> event_policies;
  for (auto& p : policy::compile_policies(source, resources::builtin_registry()))
    if (p.mode.is_event() || p.mode.type == "periodic") event_policies.push_back(std::move(p));
  if (event_policies.empty())
    throw InputError(options.policy_file +
                     " has no policy to deploy (mode guard-duty, cloudtrail, ec2-instance-state "
                     "or periodic)");
  for (const auto& p : event_policies)
    if (p.mode.type == "periodic" && p.mode.schedule.empty())
      throw InputError("policy '" + p.name +
                       "': mode periodic needs a 'schedule' (rate(1 hour), cron(...)) to deploy");
  const std::string region = client.session().region();
  const std::string partition = aws::EndpointResolver::standard().partition_of(region);
  const std::string account = policy::sts_account_id(client);
  // Everything is checked before the first change.
  std::vector<FunctionSpec> specs;
  for (const auto& p : event_policies)
    specs.push_back(function_spec(p, options, region, partition, account));

  std::vector<DeployStep> steps;
  auto record = [&](const DeployStep& s) {
    steps.push_back(s);
    if (on_step) on_step(s);
  };
  Deployer deployer(client, options.dryrun, record);
  if (options.remove) {
    for (std::size_t i = 0; i < specs.size(); ++i)
      deployer.remove(specs[i], event_policies[i].name);
    return steps;
  }
  std::string zip = build_package({{options.policy_file}, {}}).zip;
  for (std::size_t i = 0; i < specs.size(); ++i) deployer.deploy(event_policies[i], specs[i], zip);
  return steps;
}

}  // namespace custos::serverless
