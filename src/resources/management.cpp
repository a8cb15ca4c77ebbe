// Management and storage services: CloudWatch log groups, log metric filters and Contributor
// Insights rules, CloudFormation stacks, Secrets Manager secrets, EFS file systems and mount
// targets, Step Functions state machines, Systems Manager OpsItems and resource data syncs, Fault
// Injection Simulator experiment templates, Config rules and recorders, SSM parameters, AWS
// Backup vaults and plans; log-group's set-encryption.
#include <chrono>
#include <memory>
#include <mutex>

#include "aws/client.h"
#include "policy/action.h"
#include "policy/set_filter.h"
#include "policy/spec.h"
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::ResourceType;
using Lookup = ResourceType::Lookup;
using Tagging = ResourceType::Tagging;

// CloudWatch Contributor Insights rules: their calls take lists of names. Their ARN is not in
// the listing, so their tags are not read (the tag actions work, by ARN).
ResourceType insight_rule() {
  auto by_name = [](std::string name, std::string operation, std::string when) {
    return ResourceType::CallAction{.name = std::move(name),
                                    .operation = std::move(operation),
                                    .params = {{"RuleNames", "[Name]"}},
                                    .when = std::move(when)};
  };
  ResourceType::CallAction disable =
      by_name("disable", "DisableInsightRules", "State == 'ENABLED'");
  disable.undo_operation = "EnableInsightRules";
  disable.undo_params = {{"RuleNames", "[Name]"}};
  return {
      .name = "aws.insight-rule",
      .aliases = {"insight-rule"},
      .service = "cloudwatch",
      .enumerate_operation = "DescribeInsightRules",
      .result_path = "InsightRules[]",
      .lookup = Lookup::kEnumerate,
      .id_field = "Name",
      .arn_format = "arn:{partition}:cloudwatch:{region}:{account_id}:insight-rule/{id}",
      .tagging = {.api = Tagging::Api::kResourceGroups},
      .actions = {by_name("delete", "DeleteInsightRules", ""), std::move(disable)},
  };
}

// Cloud Custodian's ops-item update: each option one field of the item; those the listing
// shows (status, title, priority) make a repeat unchanged and give the undo.
ResourceType::CallAction update_ops_item() {
  return {.name = "update",
          .operation = "UpdateOpsItem",
          .params = {{"OpsItemId", "OpsItemId"}},
          .options = {setting("status", "Status"),
                      setting("title", "Title"),
                      setting("priority", "Priority"),
                      {.name = "description", .param = "Description"},
                      {.name = "topics", .param = "Notifications", .transform = "[].{Arn: @}"}}};
}

// delete's force (Cloud Custodian's): termination protection turned off first. Only
// DescribeStacks naming the stack says whether it is on (the listing leaves it out).
std::string unprotect_stack(const aws::Client& client, const Json& stack) {
  Json params = {{"StackName", stack["StackName"]}};
  Json described = client.call("cloudformation", "DescribeStacks", params)["Stacks"][0];
  if (described.value("EnableTerminationProtection", false) != true) return "";
  params["EnableTerminationProtection"] = false;
  client.call("cloudformation", "UpdateTerminationProtection", params);
  return "; termination protection turned off first";
}

// set-encryption on log-group (c7n's EncryptLogGroup): AssociateKmsKey with `kms-key` (a key
// ARN, or an alias resolved to its key's ARN once a run), or DisassociateKmsKey with
// `state: false`.
class SetLogGroupEncryption : public policy::PerResourceAction {
 public:
  explicit SetLogGroupEncryption(const policy::Spec& spec)
      : PerResourceAction("set-encryption"),
        state_(spec.optional_bool("state", true)),
        key_(spec.optional_string("kms-key")) {
    if (!state_) return;
    if (key_.empty())
      spec.fail("set-encryption needs 'kms-key' (a key ARN or alias/NAME), or state: false");
    if (key_.find("alias/") == std::string::npos && key_.find(":key/") == std::string::npos)
      spec.child("kms-key").fail(
          "'kms-key' is a key ARN (arn:...:key/ID) or an alias (alias/NAME)");
  }

 private:
  policy::ActionRecord apply(const Json& group, policy::ActionContext& context) const override {
    const std::string name = group.value("logGroupName", "");
    const std::string now = group.value("kmsKeyId", "");
    const aws::Client& client = context.client_for(group);
    const std::string key = state_ ? key_arn(client) : "";
    if (now == key)
      return policy::ActionRecord::unchanged(
          this->name(), name, name + (key.empty() ? " is not encrypted" : " already uses " + key));
    auto set = [&](const std::string& to) {
      return to.empty()
                 ? std::pair<std::string, Json>{"DisassociateKmsKey", {{"logGroupName", name}}}
                 : std::pair<std::string, Json>{"AssociateKmsKey",
                                                {{"logGroupName", name}, {"kmsKeyId", to}}};
    };
    auto [operation, params] = set(key);
    client.call("logs", operation, params);
    policy::ActionRecord record{this->name(), name};
    record.before = {{"kmsKeyId", now.empty() ? Json() : Json(now)}};
    record.after = {{"kmsKeyId", key.empty() ? Json() : Json(key)}};
    const std::string& region = client.session().region();
    auto [undo_operation, undo_params] = set(now);
    record.undo = Json::array({policy::undo_call("logs", undo_operation, undo_params, region)});
    record.check =
        policy::check_call("logs", "DescribeLogGroups", {{"logGroupNamePrefix", name}},
                           "(logGroups[?logGroupName == " + policy::jmespath_literal(name) +
                               "].kmsKeyId | [0] || '') == " + policy::jmespath_literal(key),
                           region);
    record.summary = name + (key.empty() ? " no longer encrypted" : " encrypted with " + key);
    return record;
  }

  // The key's ARN: as given, or the alias's key (DescribeKey), asked once.
  const std::string& key_arn(const aws::Client& client) const {
    std::call_once(resolved_, [&] {
      arn_ = key_.starts_with("arn:") && key_.find(":key/") != std::string::npos
                 ? key_
                 : client.call("kms", "DescribeKey", {{"KeyId", key_}})["KeyMetadata"].value("Arn",
                                                                                             "");
    });
    return arn_;
  }

  bool state_;
  std::string key_;
  mutable std::once_flag resolved_;
  mutable std::string arn_;
};

// last-write (Cloud Custodian's LastWriteDays): log groups written to (their newest stream's
// last ingestion, else its creation, else the group's) more than `days` ago. The newest streams
// and that time are kept on the group as c7n keeps them (streams, lastWrite).
class LastWrite : public policy::SetFilter {
 public:
  explicit LastWrite(const policy::Spec& spec) {
    if (!spec.has("days") || !spec.value()["days"].is_number() || spec.value()["days"] < 0)
      spec.fail("last-write needs 'days': a number of days (182.5)");
    days_ = spec.value()["days"].get<double>();
  }

  bool annotates() const override { return true; }
  std::vector<std::string> permissions() const override { return {"logs:DescribeLogStreams"}; }

  std::vector<Json> process(std::vector<Json> groups,
                            const policy::FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "the groups' log streams");
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const double threshold = static_cast<double>(now_ms) - days_ * 86'400'000.0;
    std::vector<Json> stale;
    for (Json& group : groups) {
      Json streams = client
                         .call("logs", "DescribeLogStreams",
                               {{"logGroupName", group.value("logGroupName", "")},
                                {"orderBy", "LastEventTime"},
                                {"descending", true},
                                {"limit", 3}})
                         .value("logStreams", Json::array());
      Json newest = streams.empty() ? group : streams[0];
      Json written = newest.value("lastIngestionTime", newest.value("creationTime", Json(0)));
      group["streams"] = streams;
      group["lastWrite"] = written;
      if (written.is_number() && written.get<double>() < threshold)
        stale.push_back(std::move(group));
    }
    return stale;
  }

 private:
  double days_ = 0;
};

}  // namespace

void register_management(policy::Registry& registry) {
  add_type(registry, insight_rule());
  add_type(registry,
           {
               .name = "aws.log-metric",
               .aliases = {"log-metric"},
               .service = "logs",
               .enumerate_operation = "DescribeMetricFilters",
               .result_path = "metricFilters[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "filterName",
               .date_field = "creationTime",
           },
           false);
  add_type(registry,
           {
               .name = "aws.ops-item",
               .aliases = {"ops-item"},
               .service = "ssm",
               .enumerate_operation = "DescribeOpsItems",
               .result_path = "OpsItemSummaries[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "OpsItemId",
               .name_field = "Title",
               .date_field = "CreatedTime",
               .arn_format = "arn:{partition}:ssm:{region}:{account_id}:opsitem/{id}",
               .report_fields = {"Status", "Title", "LastModifiedTime", "CreatedBy", "CreatedTime"},
               .actions = {update_ops_item()},
           },
           false);
  add_type(registry,
           {
               .name = "aws.ssm-data-sync",
               .aliases = {"ssm-data-sync"},
               .service = "ssm",
               .enumerate_operation = "ListResourceDataSync",
               .result_path = "ResourceDataSyncItems[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "SyncName",
               .date_field = "SyncCreatedTime",
               .arn_format = "arn:{partition}:ssm:{region}:{account_id}:resource-data-sync/{id}",
               .actions = {{.operation = "DeleteResourceDataSync",
                            .params = {{"SyncName", "SyncName"}},
                            .gone_codes = {"ResourceDataSyncNotFoundException"}}},
           },
           false);
  add_type(registry,
           {
               .name = "aws.fis-template",
               .aliases = {"fis-template"},
               .service = "fis",
               .enumerate_operation = "ListExperimentTemplates",
               .result_path = "experimentTemplates[]",
               .details = {{.operation = "GetExperimentTemplate",
                            .params = {{"id", "id"}},
                            .select = "experimentTemplate",
                            .absent_codes = {"ResourceNotFoundException"},
                            .required = true}},
               .tags_map = "tags",
               .lookup = Lookup::kEnumerate,
               .id_field = "id",
               .date_field = "creationTime",
               .arn_format = "arn:{partition}:fis:{region}:{account_id}:experiment-template/{id}",
               .tagging = {.api = Tagging::Api::kResourceGroups},
           });
  add_type(registry, {
                         .name = "aws.config-rule",
                         .aliases = {"config-rule"},
                         .service = "config",
                         .enumerate_operation = "DescribeConfigRules",
                         .result_path = "ConfigRules[]",
                         .details = {tags_by_arn("ConfigRuleArn")},
                         .ids_param = "ConfigRuleNames",
                         .not_found_codes = {"NoSuchConfigRuleException"},
                         .id_field = "ConfigRuleName",
                         .arn_field = "ConfigRuleArn",
                         .tagging = {.api = Tagging::Api::kResourceGroups},
                         .actions = {{.operation = "DeleteConfigRule",
                                      .params = {{"ConfigRuleName", "ConfigRuleName"}},
                                      .gone_codes = {"NoSuchConfigRuleException"}}},
                     });
  add_type(registry,
           {
               .name = "aws.log-group",
               .aliases = {"log-group"},
               .service = "logs",
               .enumerate_operation = "DescribeLogGroups",
               .result_path = "logGroups[]",
               .details = {{.operation = "ListTagsLogGroup",
                            .params = {{"logGroupName", "logGroupName"}},
                            .select = "tags || `{}`",
                            .key = "c7n:TagMap"}},
               .tags_map = "c7n:TagMap",
               .lookup = Lookup::kEnumerate,
               .id_field = "logGroupName",
               .date_field = "creationTime",
               // DescribeLogGroups's arn ends in ":*"; the tagging API names the group without it.
               .arn_format = "arn:{partition}:logs:{region}:{account_id}:log-group:{id}",
               .tagging = {.api = Tagging::Api::kResourceGroups},
               .actions =
                   {{.name = "retention",
                     .operation = "PutRetentionPolicy",
                     .params = {{"logGroupName", "logGroupName"}},
                     .options = {{.name = "days",
                                  .param = "retentionInDays",
                                  .required = true,
                                  .current = "retentionInDays"}}},
                    // Cloud Custodian's put-subscription-filter: a filter of that name
                    // is replaced; undo deletes it.
                    {.name = "put-subscription-filter",
                     .operation = "PutSubscriptionFilter",
                     .params = {{"logGroupName", "logGroupName"}},
                     .options =
                         {{.name = "filter_name", .param = "filterName", .required = true},
                          {.name = "filter_pattern", .param = "filterPattern", .default_value = ""},
                          {.name = "destination_arn", .param = "destinationArn", .required = true},
                          {.name = "distribution",
                           .param = "distribution",
                           .default_value = "ByLogStream"}},
                     .undo_operation = "DeleteSubscriptionFilter",
                     .undo_params = {{"logGroupName", "logGroupName"},
                                     {"filterName", "\"custos:params\".filterName"}}},
                    {.operation = "DeleteLogGroup",
                     .params = {{"logGroupName", "logGroupName"}},
                     .gone_codes = {"ResourceNotFoundException"}}},
           });
  add_type(registry,
           {
               .name = "aws.cfn",
               .aliases = {"cfn"},
               .service = "cloudformation",
               .enumerate_operation = "DescribeStacks",
               .result_path = "Stacks[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "StackName",
               .date_field = "CreationTime",
               .arn_field = "StackId",
               // Stacks are tagged through UpdateStack (Cloud Custodian's tag and
               // remove-tag only).
               .tagging = {.api = policy::ResourceType::Tagging::Api::kCfnStack},
               .actions = {{.operation = "DeleteStack",
                            .params = {{"StackName", "StackName"}},
                            .options = {{.name = "force", .prepare = unprotect_stack}},
                            .gone_codes = {"ValidationError: does not exist"}},
                           {.name = "set-protection",
                            .operation = "UpdateTerminationProtection",
                            .params = {{"StackName", "StackName"}},
                            .options = {setting("state", "EnableTerminationProtection", false)}}},
           });
  add_type(registry, {
                         .name = "aws.secrets-manager",
                         .aliases = {"secrets-manager"},
                         .service = "secretsmanager",
                         .enumerate_operation = "ListSecrets",
                         .result_path = "SecretList[]",
                         .lookup = Lookup::kEnumerate,
                         .id_field = "Name",
                         .arn_field = "ARN",
                         .tagging = {.api = Tagging::Api::kPerResource,
                                     .tag_operation = "TagResource",
                                     .untag_operation = "UntagResource",
                                     .id_param = "SecretId",
                                     .id_member = "ARN"},
                     });
  add_type(registry, {
                         .name = "aws.efs",
                         .aliases = {"efs"},
                         .service = "efs",
                         .enumerate_operation = "DescribeFileSystems",
                         .result_path = "FileSystems[]",
                         .lookup = Lookup::kEnumerate,
                         .id_field = "FileSystemId",
                         .name_field = "Name",
                         .date_field = "CreationTime",
                         .arn_field = "FileSystemArn",
                         .tagging = {.api = Tagging::Api::kPerResource,
                                     .tag_operation = "TagResource",
                                     .untag_operation = "UntagResource",
                                     .id_param = "ResourceId"},
                     });
  auto efs = std::make_shared<const ResourceType>(*registry.find_resource("aws.efs"));
  // An EFS file system's mount targets, listed per file system (not tagged).
  add_type(registry,
           {
               .name = "aws.efs-mount-target",
               .aliases = {"efs-mount-target"},
               .service = "efs",
               .enumerate_operation = "DescribeMountTargets",
               .result_path = "MountTargets[]",
               .parent = ResourceType::Parent{efs, "FileSystemId"},
               .permissions = {"elasticfilesystem:DescribeFileSystems",
                               "elasticfilesystem:DescribeMountTargets"},
               .lookup = Lookup::kEnumerate,
               .id_field = "MountTargetId",
           },
           false);
  add_type(registry, {
                         .name = "aws.step-machine",
                         .aliases = {"step-machine"},
                         .service = "stepfunctions",
                         .enumerate_operation = "ListStateMachines",
                         .result_path = "stateMachines[]",
                         .details = {{.operation = "DescribeStateMachine",
                                      .params = {{"stateMachineArn", "stateMachineArn"}},
                                      .required = true},
                                     {.operation = "ListTagsForResource",
                                      .params = {{"resourceArn", "stateMachineArn"}},
                                      .select = "tags[].{Key: key, Value: value}",
                                      .key = "Tags"}},
                         .lookup = Lookup::kEnumerate,
                         .id_field = "stateMachineArn",
                         .name_field = "name",
                         .date_field = "creationDate",
                         .arn_field = "stateMachineArn",
                         .tagging = {.api = Tagging::Api::kResourceGroups},
                     });
  // SSM parameters; their tags from ListTagsForResource (the listing has no ARN to ask the
  // tagging API with, as Cloud Custodian's universal_augment does).
  add_type(registry,
           {
               .name = "aws.ssm-parameter",
               .aliases = {"ssm-parameter"},
               .service = "ssm",
               .enumerate_operation = "DescribeParameters",
               .result_path = "Parameters[]",
               .details = {{.operation = "ListTagsForResource",
                            .params = {{"ResourceType", "`\"Parameter\"`"}, {"ResourceId", "Name"}},
                            .select = "TagList",
                            .key = "Tags"}},
               .lookup = Lookup::kEnumerate,
               .id_field = "Name",
               .arn_format = "arn:{partition}:ssm:{region}:{account_id}:parameter/{id}",
               .tagging = {.api = Tagging::Api::kPerResource,
                           .tag_operation = "AddTagsToResource",
                           .untag_operation = "RemoveTagsFromResource",
                           .id_param = "ResourceId",
                           .params = {{"ResourceType", "Parameter"}}},
           });
  // AWS Backup's vaults (tags from the tagging API) and plans (completed by GetBackupPlan, whose
  // BackupPlan members are merged in, and tagged by ListTags, as Cloud Custodian's).
  add_type(registry, {
                         .name = "aws.backup-vault",
                         .aliases = {"backup-vault"},
                         .service = "backup",
                         .enumerate_operation = "ListBackupVaults",
                         .result_path = "BackupVaultList[]",
                         .details = {tags_by_arn("BackupVaultArn")},
                         .lookup = Lookup::kEnumerate,
                         .id_field = "BackupVaultName",
                         .arn_field = "BackupVaultArn",
                         .tagging = {.api = Tagging::Api::kResourceGroups},
                     });
  add_type(registry, {
                         .name = "aws.backup-plan",
                         .aliases = {"backup-plan"},
                         .service = "backup",
                         .enumerate_operation = "ListBackupPlans",
                         .result_path = "BackupPlansList[]",
                         .details = {{.operation = "GetBackupPlan",
                                      .params = {{"BackupPlanId", "BackupPlanId"}},
                                      .select = "merge(@, BackupPlan)",
                                      .absent_codes = {"ResourceNotFoundException"},
                                      .required = true},
                                     {.operation = "ListTags",
                                      .params = {{"ResourceArn", "BackupPlanArn"}},
                                      .select = "Tags",
                                      .key = "Tags",
                                      .absent_codes = {"ResourceNotFoundException"},
                                      .required = true}},
                         .tags_map = "Tags",
                         .lookup = Lookup::kEnumerate,
                         .id_field = "BackupPlanName",
                         .name_field = "BackupPlanId",
                         .arn_field = "BackupPlanArn",
                         .tagging = {.api = Tagging::Api::kResourceGroups},
                     });
  // The region's Config recorder, with its status and the delivery channel (Cloud Custodian's
  // augment).
  add_type(registry,
           {
               .name = "aws.config-recorder",
               .aliases = {"config-recorder"},
               .service = "config",
               .enumerate_operation = "DescribeConfigurationRecorders",
               .result_path = "ConfigurationRecorders[]",
               .details = {{.operation = "DescribeConfigurationRecorderStatus",
                            .params = {{"ConfigurationRecorderNames", "[name]"}},
                            .select = "ConfigurationRecordersStatus[-1]",
                            .key = "status"},
                           {.operation = "DescribeDeliveryChannels",
                            .select = "DeliveryChannels[-1]",
                            .key = "deliveryChannel"}},
               .ids_param = "ConfigurationRecorderNames",
               .not_found_codes = {"NoSuchConfigurationRecorderException"},
               .id_field = "name",
           },
           false);
  registry.add_filter("aws.log-group", "last-write",
                      policy::filter_info<LastWrite>(
                          {"days"},
                          "Log groups last written to more than `days` ago (their newest "
                          "stream's last ingestion; a group without streams: its creation)",
                          {"logs:DescribeLogStreams"}));
  registry.add_action(
      "aws.log-group", "set-encryption",
      policy::action_info<SetLogGroupEncryption>(
          {"kms-key", "state"},
          {"logs:AssociateKmsKey", "logs:DisassociateKmsKey", "kms:DescribeKey"},
          "Encrypt the group's logs with `kms-key` (a key ARN or alias), or stop (state: false)"));
}

}  // namespace custos::resources
