// Application and analytics services Cloud Custodian's examples name: Elastic Beanstalk
// environments, WorkSpaces with their directories and images, Directory Service, Service
// Catalog portfolios, Transfer Family servers and users, SSM documents, Amazon MQ brokers,
// CodeBuild, CodeCommit, CodePipeline and CodeArtifact, AppSync APIs, CloudWatch metric and
// composite alarms, EMR clusters, MSK (kafka), Glue jobs and crawlers, FSx file systems and
// backups, Glacier vaults, OpsWorks stacks and servers, Connect instances.
#include <memory>
#include <tuple>

#include "aws/client.h"
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::DetailCall;
using policy::ResourceType;
using Lookup = ResourceType::Lookup;
using Tagging = ResourceType::Tagging;

constexpr Tagging::Api kByArn = Tagging::Api::kResourceGroups;

// A type listed by one call and tagged through the tagging API by ARN, its tags read the same
// way (Cloud Custodian's universal_taggable).
ResourceType universal(std::string name, std::string service, std::string operation,
                       std::string result_path, std::string id, std::string arn) {
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = std::move(service),
      .enumerate_operation = std::move(operation),
      .result_path = std::move(result_path),
      .details = {tags_by_arn(arn)},
      .lookup = Lookup::kEnumerate,
      .id_field = std::move(id),
      .arn_field = std::move(arn),
      .tagging = {.api = kByArn},
  };
}

// Tags as [{key, value}] (CodeBuild, Data Pipeline), as Cloud Custodian's Tags.
const std::pair<std::string, std::string> kLowerCaseTags = {"Tags",
                                                            "tags[].{Key: key, Value: value}"};

DetailCall workspaces_tags(const std::string& id) {
  return {.operation = "DescribeTags",
          .params = {{"ResourceId", id}},
          .select = "TagList",
          .key = "Tags"};
}

Tagging workspaces_tagging() {
  return {.api = Tagging::Api::kPerResource,
          .tag_operation = "CreateTags",
          .untag_operation = "DeleteTags",
          .id_param = "ResourceId",
          .tags_member = "Tags",
          .keys_member = "TagKeys"};
}

ResourceType transfer_server() {
  return {
      .name = "aws.transfer-server",
      .aliases = {"transfer-server"},
      .service = "transfer",
      .enumerate_operation = "ListServers",
      .result_path = "Servers[]",
      .details = {{.operation = "DescribeServer",
                   .params = {{"ServerId", "ServerId"}},
                   .select = "Server",
                   .required = true}},
      .lookup = Lookup::kEnumerate,
      .id_field = "ServerId",
      .arn_field = "Arn",
      .tagging = {.api = Tagging::Api::kPerResource,
                  .tag_operation = "TagResource",
                  .untag_operation = "UntagResource",
                  .id_param = "Arn",
                  .id_member = "Arn"},
      .actions = {{.operation = "DeleteServer",
                   .params = {{"ServerId", "ServerId"}},
                   .gone_codes = {"ResourceNotFoundException"}},
                  {.name = "stop",
                   .operation = "StopServer",
                   .params = {{"ServerId", "ServerId"}},
                   .when = "contains(['ONLINE', 'STARTING', 'STOP_FAILED'], State)",
                   .undo_operation = "StartServer",
                   .undo_params = {{"ServerId", "ServerId"}}},
                  {.name = "start",
                   .operation = "StartServer",
                   .params = {{"ServerId", "ServerId"}},
                   .when = "contains(['OFFLINE', 'STOPPING', 'START_FAILED', "
                           "'STOP_FAILED'], State)",
                   .undo_operation = "StopServer",
                   .undo_params = {{"ServerId", "ServerId"}}}},
  };
}

void add_universal(policy::Registry& registry, ResourceType type, std::string name_field = "",
                   std::string date_field = "") {
  type.name_field = std::move(name_field);
  type.date_field = std::move(date_field);
  add_type(registry, std::move(type));
}

// CodeArtifact's domains and repositories (completed with their Describe calls), OpsWorks
// stacks and Chef/Puppet servers, Connect instances and WorkSpaces images.
void register_more_applications(policy::Registry& registry) {
  auto artifact = [](std::string name, std::string list, std::string result_path,
                     std::string describe, std::vector<std::pair<std::string, std::string>> params,
                     std::string key, std::string remove) {
    return ResourceType{
        .name = "aws." + name,
        .aliases = {name},
        .service = "codeartifact",
        .enumerate_operation = std::move(list),
        .result_path = std::move(result_path),
        .details = {{.operation = std::move(describe),
                     .params = params,
                     .select = key,
                     .absent_codes = {"ResourceNotFoundException"},
                     .required = true}},
        .lookup = Lookup::kEnumerate,
        .id_field = "name",
        .date_field = "createdTime",
        .arn_field = "arn",
        // Not c7n's domain `force` (which deletes the repositories first): refused.
        .actions = {{.operation = std::move(remove),
                     .params = std::move(params),
                     .gone_codes = {"ResourceNotFoundException"}}},
    };
  };
  add_type(registry,
           artifact("artifact-domain", "ListDomains", "domains[]", "DescribeDomain",
                    {{"domain", "name"}}, "domain", "DeleteDomain"),
           false);
  add_type(registry,
           artifact("artifact-repo", "ListRepositories", "repositories[]", "DescribeRepository",
                    {{"domain", "domainName"}, {"repository", "name"}}, "repository",
                    "DeleteRepository"),
           false);
  add_type(registry,
           {
               .name = "aws.opswork-stack",
               .aliases = {"opswork-stack"},
               .service = "opsworks",
               .enumerate_operation = "DescribeStacks",
               .result_path = "Stacks[]",
               .ids_param = "StackIds",
               .not_found_codes = {"ResourceNotFoundException"},
               .id_field = "StackId",
               .name_field = "Name",
               .date_field = "CreatedAt",
               .arn_field = "Arn",
               .metric_dimensions = {{"StackId", "StackId"}},
               // Not c7n's delete, which deletes the stack's apps, instances and layers first.
               .actions = {{.name = "stop",
                            .operation = "StopStack",
                            .params = {{"StackId", "StackId"}},
                            .undo_operation = "StartStack",
                            .undo_params = {{"StackId", "StackId"}}}},
           },
           false);
  add_type(registry,
           {
               .name = "aws.opswork-cm",
               .aliases = {"opswork-cm"},
               .service = "opsworkscm",
               .enumerate_operation = "DescribeServers",
               .result_path = "Servers[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "ServerName",
               .date_field = "CreatedAt",
               .arn_field = "ServerArn",
               .actions = {{.operation = "DeleteServer",
                            .params = {{"ServerName", "ServerName"}},
                            .gone_codes = {"ResourceNotFoundException"}}},
           },
           false);
  add_type(registry,
           {
               .name = "aws.connect-instance",
               .aliases = {"connect-instance"},
               .service = "connect",
               .enumerate_operation = "ListInstances",
               .result_path = "InstanceSummaryList[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "Id",
               .name_field = "InstanceAlias",
               .date_field = "CreatedTime",
               .arn_field = "Arn",
           },
           false);
  add_type(registry,
           {
               .name = "aws.workspaces-image",
               .aliases = {"workspaces-image"},
               .service = "workspaces",
               .enumerate_operation = "DescribeWorkspaceImages",
               .result_path = "Images[]",
               .details = {workspaces_tags("ImageId")},
               .ids_param = "ImageIds",
               .id_field = "ImageId",
               .name_field = "Name",
               .date_field = "Created",
               .arn_format = "arn:{partition}:workspaces:{region}:{account_id}:workspaceimage/{id}",
               .tagging = workspaces_tagging(),
               .actions = {{.operation = "DeleteWorkspaceImage",
                            .params = {{"ImageId", "ImageId"}},
                            .when = "contains(['AVAILABLE', 'ERROR'], State)",
                            .gone_codes = {"ResourceNotFoundException"}}},
           });
}

// delete's force (Cloud Custodian's): the document unshared from every account first, as SSM
// does not delete a shared document.
std::string unshare_document(const aws::Client& client, const Json& document) {
  Json params = {{"Name", document["Name"]}, {"PermissionType", "Share"}};
  Json accounts =
      client.call("ssm", "DescribeDocumentPermission", params).value("AccountIds", Json::array());
  if (accounts.empty()) return "";
  params["AccountIdsToRemove"] = accounts;
  client.call("ssm", "ModifyDocumentPermission", params);
  return "; unshared from " + accounts.dump() + " first";
}

}  // namespace

void register_applications(policy::Registry& registry) {
  add_universal(
      registry,
      universal("elasticbeanstalk-environment", "elasticbeanstalk", "DescribeEnvironments",
                "Environments[]", "EnvironmentName", "EnvironmentArn"),
      "", "DateCreated");
  ResourceType portfolio = universal("catalog-portfolio", "servicecatalog", "ListPortfolios",
                                     "PortfolioDetails[]", "Id", "ARN");
  portfolio.access = shared_with({.operation = "ListPortfolioAccess",
                                  .params = {{"PortfolioId", "Id"}},
                                  .select = "AccountIds",
                                  .absent_codes = {"ResourceNotFoundException"}});
  portfolio.actions.push_back({.operation = "DeletePortfolio",
                               .params = {{"Id", "Id"}},
                               .gone_codes = {"ResourceNotFoundException"}});
  add_universal(registry, std::move(portfolio), "DisplayName", "CreatedTime");
  add_universal(
      registry,
      universal("graphql-api", "appsync", "ListGraphqlApis", "graphqlApis[]", "apiId", "arn"),
      "name");
  ResourceType alarm =
      universal("alarm", "cloudwatch", "DescribeAlarms", "MetricAlarms[]", "AlarmName", "AlarmArn");
  alarm.actions.push_back(ResourceType::CallAction{.operation = "DeleteAlarms",
                                                   .params = {{"AlarmNames", "[AlarmName]"}}});
  add_universal(registry, std::move(alarm), "", "AlarmConfigurationUpdatedTimestamp");
  ResourceType composite = universal("composite-alarm", "cloudwatch", "DescribeAlarms",
                                     "CompositeAlarms[]", "AlarmName", "AlarmArn");
  composite.enumerate_params = {{"AlarmTypes", {"CompositeAlarm"}}};
  composite.actions.push_back(ResourceType::CallAction{.operation = "DeleteAlarms",
                                                       .params = {{"AlarmNames", "[AlarmName]"}}});
  add_universal(registry, std::move(composite), "", "AlarmConfigurationUpdatedTimestamp");
  add_universal(
      registry,
      universal("kafka", "kafka", "ListClusters", "ClusterInfoList[]", "ClusterArn", "ClusterArn"),
      "ClusterName", "CreationTime");
  add_universal(registry,
                universal("fsx", "fsx", "DescribeFileSystems", "FileSystems[]", "FileSystemId",
                          "ResourceARN"),
                "", "CreationTime");
  ResourceType backup =
      universal("fsx-backup", "fsx", "DescribeBackups", "Backups[]", "BackupId", "ResourceARN");
  backup.actions.push_back(ResourceType::CallAction{.operation = "DeleteBackup",
                                                    .params = {{"BackupId", "BackupId"}},
                                                    .gone_codes = {"BackupNotFound"}});
  add_universal(registry, std::move(backup), "", "CreationTime");
  ResourceType glacier =
      universal("glacier", "glacier", "ListVaults", "VaultList[]", "VaultName", "VaultARN");
  // Glacier's calls name the account in their path; "-" is the caller's.
  glacier.enumerate_params = {{"accountId", "-"}};
  glacier.access = ResourceType::Access{
      .policy = "Policy",
      .call = {.operation = "GetVaultAccessPolicy",
               .params = {{"accountId", "`\"-\"`"}, {"vaultName", "VaultName"}},
               .select = "policy.Policy",
               .key = "Policy"},
      .write = ResourceType::Access::Write{
          .params = {{"accountId", "`\"-\"`"}, {"vaultName", "VaultName"}},
          .operation = "SetVaultAccessPolicy",
          .text_param = "policy.Policy",
          .delete_operation = "DeleteVaultAccessPolicy"}};
  glacier.actions.push_back({.operation = "DeleteVault",
                             .params = {{"accountId", "`\"-\"`"}, {"vaultName", "VaultName"}},
                             .gone_codes = {"ResourceNotFoundException"}});
  add_universal(registry, std::move(glacier), "", "CreationDate");
  ResourceType broker = universal("message-broker", "mq", "ListBrokers", "BrokerSummaries[]",
                                  "BrokerId", "BrokerArn");
  broker.actions.push_back(ResourceType::CallAction{.operation = "DeleteBroker",
                                                    .params = {{"BrokerId", "BrokerId"}},
                                                    .gone_codes = {"NotFoundException"}});
  add_universal(registry, std::move(broker), "BrokerName", "Created");
  add_type(registry, {
                         .name = "aws.codebuild",
                         .aliases = {"codebuild"},
                         .service = "codebuild",
                         .enumerate_operation = "ListProjects",
                         .result_path = "projects[].{name: @}",
                         .details = {{.operation = "BatchGetProjects",
                                      .params = {{"names", "[name]"}},
                                      .select = "projects[0]",
                                      .required = true}},
                         .computed = {kLowerCaseTags},
                         .lookup = Lookup::kEnumerate,
                         .id_field = "name",
                         .date_field = "created",
                         .arn_field = "arn",
                         .tagging = {.api = kByArn},
                         .actions = {ResourceType::CallAction{.operation = "DeleteProject",
                                                              .params = {{"name", "name"}}}},
                     });
  add_type(
      registry,
      {
          .name = "aws.codecommit",
          .aliases = {"codecommit"},
          .service = "codecommit",
          .enumerate_operation = "ListRepositories",
          .result_path = "repositories[]",
          .details = {{.operation = "GetRepository",
                       .params = {{"repositoryName", "repositoryName"}},
                       .select = "repositoryMetadata",
                       .required = true},
                      {.operation = "ListTagsForResource",
                       .params = {{"resourceArn", "Arn"}},
                       .select = "tags || `{}`",
                       .key = "c7n:TagMap"}},
          .tags_map = "c7n:TagMap",
          .lookup = Lookup::kEnumerate,
          .id_field = "repositoryName",
          .date_field = "creationDate",
          .arn_field = "Arn",
          .tagging = {.api = kByArn},
          .actions = {ResourceType::CallAction{.operation = "DeleteRepository",
                                               .params = {{"repositoryName", "repositoryName"}}}},
      });
  // CodePipeline's pipelines, completed by GetPipeline (whose metadata names the ARN that
  // ListTagsForResource takes).
  add_type(registry,
           {
               .name = "aws.codepipeline",
               .aliases = {"codepipeline"},
               .service = "codepipeline",
               .enumerate_operation = "ListPipelines",
               .result_path = "pipelines[]",
               .details = {{.operation = "GetPipeline",
                            .params = {{"name", "name"}},
                            .select = "merge(pipeline, {pipelineArn: metadata.pipelineArn})",
                            .absent_codes = {"PipelineNotFoundException"},
                            .required = true},
                           {.operation = "ListTagsForResource",
                            .params = {{"resourceArn", "pipelineArn"}},
                            .select = "tags[].{Key: key, Value: value}",
                            .key = "Tags"}},
               .lookup = Lookup::kEnumerate,
               .id_field = "name",
               .date_field = "created",
               .arn_format = "arn:{partition}:codepipeline:{region}:{account_id}:{id}",
               .tagging = {.api = kByArn},
           });
  add_type(
      registry,
      {
          .name = "aws.workspaces",
          .aliases = {"workspaces"},
          .service = "workspaces",
          .enumerate_operation = "DescribeWorkspaces",
          .result_path = "Workspaces[]",
          .details = {workspaces_tags("WorkspaceId")},
          .ids_param = "WorkspaceIds",
          .id_field = "WorkspaceId",
          .arn_format = "arn:{partition}:workspaces:{region}:{account_id}:"
                        "workspace/{id}",
          .tagging = workspaces_tagging(),
          .actions = {{.name = "terminate",
                       .operation = "TerminateWorkspaces",
                       .params = {{"TerminateWorkspaceRequests", "[{WorkspaceId: WorkspaceId}]"}},
                       // As Cloud Custodian: not while it is being made or ended.
                       .when = "!contains(['TERMINATING', 'TERMINATED', "
                               "'SUSPENDED'], State)"}},
      });
  add_type(registry, {
                         .name = "aws.workspaces-directory",
                         .aliases = {"workspaces-directory"},
                         .service = "workspaces",
                         .enumerate_operation = "DescribeWorkspaceDirectories",
                         .result_path = "Directories[]",
                         .details = {workspaces_tags("DirectoryId")},
                         .ids_param = "DirectoryIds",
                         .id_field = "DirectoryId",
                         .name_field = "DirectoryName",
                         .arn_format = "arn:{partition}:workspaces:{region}:{account_id}:"
                                       "directory/{id}",
                         .tagging = workspaces_tagging(),
                         .actions = {{.name = "deregister",
                                      .operation = "DeregisterWorkspaceDirectory",
                                      .params = {{"DirectoryId", "DirectoryId"}},
                                      .gone_codes = {"ResourceNotFoundException"}}},
                     });
  add_type(registry, {
                         .name = "aws.directory",
                         .aliases = {"directory"},
                         .service = "ds",
                         .enumerate_operation = "DescribeDirectories",
                         .result_path = "DirectoryDescriptions[]",
                         .details = {{.operation = "ListTagsForResource",
                                      .params = {{"ResourceId", "DirectoryId"}},
                                      .select = "Tags",
                                      .key = "Tags"}},
                         .ids_param = "DirectoryIds",
                         .not_found_codes = {"EntityDoesNotExistException"},
                         .id_field = "DirectoryId",
                         .name_field = "Name",
                         .arn_format = "arn:{partition}:ds:{region}:{account_id}:directory/{id}",
                         .tagging = {.api = Tagging::Api::kPerResource,
                                     .tag_operation = "AddTagsToResource",
                                     .untag_operation = "RemoveTagsFromResource",
                                     .id_param = "ResourceId"},
                     });
  auto server = std::make_shared<const ResourceType>(transfer_server());
  add_type(registry, *server);
  add_type(registry,
           {
               .name = "aws.transfer-user",
               .aliases = {"transfer-user"},
               .service = "transfer",
               .enumerate_operation = "ListUsers",
               .result_path = "Users[]",
               .details = {{.operation = "DescribeUser",
                            .params = {{"ServerId", "\"c7n:parent-id\""}, {"UserName", "UserName"}},
                            .select = "merge(User, {ServerId: ServerId})",
                            .absent_codes = {"ResourceNotFoundException"},
                            .required = true}},
               .parent = ResourceType::Parent{server, "ServerId"},
               .lookup = Lookup::kEnumerate,
               .id_field = "UserName",
               .arn_field = "Arn",
               .actions = {{.operation = "DeleteUser",
                            .params = {{"ServerId", "ServerId"}, {"UserName", "UserName"}},
                            .gone_codes = {"ResourceNotFoundException"}}},
           },
           false);
  add_type(
      registry,
      {
          .name = "aws.ssm-document",
          .aliases = {"ssm-document"},
          .service = "ssm",
          .enumerate_operation = "ListDocuments",
          // As Cloud Custodian: the account's own documents, not Amazon's.
          .enumerate_params = {{"Filters",
                                Json::array({{{"Key", "Owner"}, {"Values", {"Self"}}}})}},
          .result_path = "DocumentIdentifiers[]",
          .lookup = Lookup::kEnumerate,
          .id_field = "Name",
          .date_field = "CreatedDate",
          .arn_format = "arn:{partition}:ssm:{region}:{account_id}:document/{id}",
          .tagging = {.api = Tagging::Api::kPerResource,
                      .tag_operation = "AddTagsToResource",
                      .untag_operation = "RemoveTagsFromResource",
                      .id_param = "ResourceId",
                      .params = {{"ResourceType", "Document"}}},
          .access = shared_with({.operation = "DescribeDocumentPermission",
                                 .params = {{"Name", "Name"}, {"PermissionType", "`\"Share\"`"}},
                                 .select = "AccountSharingInfoList[].AccountId",
                                 .absent_codes = {"InvalidDocument"}},
                                ResourceType::Access::Share{
                                    .operation = "ModifyDocumentPermission",
                                    .params = {{"Name", "Name"}, {"PermissionType", "`\"Share\"`"}},
                                    .add_param = "AccountIdsToAdd",
                                    .remove_param = "AccountIdsToRemove"}),
          .actions = {{.operation = "DeleteDocument",
                       .params = {{"Name", "Name"}, {"Force", "`true`"}},
                       .options = {{.name = "force", .prepare = unshare_document}},
                       .gone_codes = {"InvalidDocument"}}},
      });
  add_type(registry,
           {
               .name = "aws.emr",
               .aliases = {"emr"},
               .service = "emr",
               .enumerate_operation = "ListClusters",
               // As Cloud Custodian: the clusters that are up, not the terminated ones.
               .enumerate_params = {{"ClusterStates",
                                     {"WAITING", "BOOTSTRAPPING", "RUNNING", "STARTING"}}},
               .result_path = "Clusters[]",
               .details = {{.operation = "DescribeCluster",
                            .params = {{"ClusterId", "Id"}},
                            .select = "Cluster",
                            .required = true}},
               .lookup = Lookup::kEnumerate,
               .id_field = "Id",
               .name_field = "Name",
               .arn_field = "ClusterArn",
               .tagging = {.api = Tagging::Api::kPerResource,
                           .tag_operation = "AddTags",
                           .untag_operation = "RemoveTags",
                           .id_param = "ResourceId"},
               // Cloud Custodian's terminate, one cluster a call (not yet its force, which
               // turns termination protection off first).
               .actions = {{.name = "terminate",
                            .operation = "TerminateJobFlows",
                            .params = {{"JobFlowIds", "[Id]"}},
                            .when = "!starts_with(Status.State, 'TERMINAT')"}},
           });
  add_type(registry,
           {
               .name = "aws.datapipeline",
               .aliases = {"datapipeline"},
               .service = "datapipeline",
               .enumerate_operation = "ListPipelines",
               .result_path = "pipelineIdList[]",
               .details = {{.operation = "DescribePipelines",
                            .params = {{"pipelineIds", "[id]"}},
                            .select = "pipelineDescriptionList[0]",
                            .required = true}},
               .computed = {kLowerCaseTags},
               .lookup = Lookup::kEnumerate,
               .id_field = "id",
               .name_field = "name",
               .arn_format = "arn:{partition}:datapipeline:{region}:{account_id}:"
                             "pipeline/{id}",
               .tagging = {.api = Tagging::Api::kPerResource,
                           .tag_operation = "AddTags",
                           .untag_operation = "RemoveTags",
                           .id_param = "pipelineId",
                           .key_member = "key",
                           .value_member = "value",
                           .tags_member = "tags",
                           .keys_member = "tagKeys"},
               .actions = {ResourceType::CallAction{
                   .operation = "DeletePipeline",
                   .params = {{"pipelineId", "id"}},
                   .gone_codes = {"PipelineNotFoundException", "PipelineDeletedException"}}},
           });
  for (auto [name, operation, list] :
       {std::tuple{"glue-job", "GetJobs", "Jobs[]"}, {"glue-crawler", "GetCrawlers", "Crawlers[]"}})
    add_type(registry,
             {
                 .name = std::string("aws.") + name,
                 .aliases = {name},
                 .service = "glue",
                 .enumerate_operation = operation,
                 .result_path = list,
                 .lookup = Lookup::kEnumerate,
                 .id_field = "Name",
                 .date_field = "CreatedOn",
                 .arn_format = std::string("arn:{partition}:glue:{region}:{account_id}:") +
                               (name == std::string("glue-job") ? "job" : "crawler") + "/{id}",
                 .tagging = {.api = kByArn},
             });
  register_more_applications(registry);
  register_fsx_actions(registry);
  register_glue_toggle_metrics(registry);
}

}  // namespace custos::resources
