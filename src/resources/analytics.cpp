// Analytics and data integration: Glue's data catalog (one an account), connections, dev
// endpoints, databases and their tables, triggers, workflows and security configurations, Lake
// Formation's registered locations, AppFlow flows, Managed Workflows for Apache Airflow
// environments and CloudSearch domains.
#include <memory>

#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::ResourceType;
using Lookup = ResourceType::Lookup;
using Tagging = ResourceType::Tagging;

// The account's one data catalog, as Cloud Custodian's glue-catalog: its encryption settings,
// named by the account id, and its resource policy for cross-account.
ResourceType glue_catalog() {
  return {
      .name = "aws.glue-catalog",
      .aliases = {"glue-catalog"},
      .service = "glue",
      .enumerate_operation = "GetDataCatalogEncryptionSettings",
      .result_path = "[{DataCatalogEncryptionSettings: DataCatalogEncryptionSettings}]",
      .details = {{.operation = "GetCallerIdentity",
                   .service = "sts",
                   .select = "{CatalogId: Account}"}},
      .lookup = Lookup::kEnumerate,
      .id_field = "CatalogId",
      .arn_format = "arn:{partition}:glue:{region}:{account_id}:catalog",
      .access = ResourceType::Access{.policy = "Policy",
                                     .call = {.operation = "GetResourcePolicy",
                                              .select = "PolicyInJson",
                                              .key = "Policy",
                                              .absent_codes = {"EntityNotFoundException"}}},
      .actions = {{.name = "set-encryption",
                   .operation = "PutDataCatalogEncryptionSettings",
                   .options = {{.name = "attributes",
                                .param = "DataCatalogEncryptionSettings",
                                .required = true,
                                .current = "DataCatalogEncryptionSettings"}}}},
  };
}

// A Glue type Cloud Custodian tags by ARN (universal_taggable). The ARN is not in the listing,
// so the tags are not read, as glue-job's; the tag actions work.
ResourceType glue(std::string name, std::string operation, std::string list, std::string id,
                  std::string date, const std::string& arn_kind, std::string remove,
                  std::string param) {
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = "glue",
      .enumerate_operation = std::move(operation),
      .result_path = std::move(list),
      .lookup = Lookup::kEnumerate,
      .id_field = id,
      .date_field = std::move(date),
      .arn_format = "arn:{partition}:glue:{region}:{account_id}:" + arn_kind + "/{id}",
      .tagging = {.api = Tagging::Api::kResourceGroups},
      .actions = {{.operation = std::move(remove),
                   .params = {{std::move(param), std::move(id)}},
                   .gone_codes = {"EntityNotFoundException"}}},
  };
}

ResourceType app_flow() {
  return {
      .name = "aws.app-flow",
      .aliases = {"app-flow"},
      .service = "appflow",
      .enumerate_operation = "ListFlows",
      .result_path = "flows[]",
      .details = {{.operation = "DescribeFlow",
                   .params = {{"flowName", "flowName"}},
                   .absent_codes = {"ResourceNotFoundException"},
                   .required = true}},
      .tags_map = "tags",
      .lookup = Lookup::kEnumerate,
      .id_field = "flowName",
      .date_field = "createdAt",
      .arn_field = "flowArn",
      .tagging = {.api = Tagging::Api::kResourceGroups},
      // force: delete a flow even while it runs, as Cloud Custodian's.
      .actions = {{.operation = "DeleteFlow",
                   .params = {{"flowName", "flowName"}},
                   .options = {{.name = "force",
                                .if_true = {{"forceDelete", "`true`"}},
                                .if_false = {{"forceDelete", "`false`"}}}},
                   .gone_codes = {"ResourceNotFoundException"}}},
  };
}

ResourceType airflow() {
  return {
      .name = "aws.airflow",
      .aliases = {"airflow"},
      .service = "mwaa",
      .enumerate_operation = "ListEnvironments",
      .result_path = "Environments[].{Name: @}",
      .details = {{.operation = "GetEnvironment",
                   .params = {{"Name", "Name"}},
                   .select = "Environment",
                   .absent_codes = {"ResourceNotFoundException"},
                   .required = true}},
      .tags_map = "Tags",
      .lookup = Lookup::kFromId,
      .id_field = "Name",
      .date_field = "CreatedAt",
      .arn_field = "Arn",
      .tagging = {.api = Tagging::Api::kResourceGroups},
  };
}

ResourceType cloudsearch() {
  return {
      .name = "aws.cloudsearch",
      .aliases = {"cloudsearch"},
      .service = "cloudsearch",
      .enumerate_operation = "DescribeDomains",
      .result_path = "DomainStatusList[]",
      .ids_param = "DomainNames",
      .id_field = "DomainName",
      .arn_field = "ARN",
      .metric_dimensions = {{"DomainName", "DomainName"}},
      .actions = {{.operation = "DeleteDomain",
                   .params = {{"DomainName", "DomainName"}},
                   // As Cloud Custodian: only a domain that is made and not being deleted.
                   .when = "Created == `true` && Deleted != `true`"},
                  {.name = "enable-https",
                   .operation = "UpdateDomainEndpointOptions",
                   .params = {{"DomainName", "DomainName"}},
                   .options = {{.name = "tls-policy",
                                .param = "DomainEndpointOptions",
                                .transform = "{EnforceHTTPS: `true`, TLSSecurityPolicy: @}",
                                .default_value = "Policy-Min-TLS-1-2-2019-07"}}}},
  };
}

}  // namespace

void register_analytics(policy::Registry& registry) {
  add_type(registry, glue_catalog(), false);
  ResourceType connection =
      glue("glue-connection", "GetConnections", "ConnectionList[]", "Name", "CreationTime",
           "connection", "DeleteConnection", "ConnectionName");
  connection.enumerate_params = {{"HidePassword", true}};
  add_type(registry, std::move(connection));
  add_type(registry, glue("glue-dev-endpoint", "GetDevEndpoints", "DevEndpoints[]", "EndpointName",
                          "CreatedTimestamp", "devEndpoint", "DeleteDevEndpoint", "EndpointName"));
  // Glue's databases, triggers, workflows (named by ListWorkflows, completed by GetWorkflow) and
  // security configurations; Cloud Custodian tags triggers and workflows by ARN only.
  auto glue_kind = [](std::string name, std::string operation, std::string list, std::string date,
                      const std::string& arn_kind) {
    ResourceType type = glue(std::move(name), std::move(operation), std::move(list), "Name",
                             std::move(date), arn_kind, "", "");
    type.actions.clear();
    return type;
  };
  auto database = std::make_shared<const ResourceType>(
      glue_kind("glue-database", "GetDatabases", "DatabaseList[]", "CreatedOn", "database"));
  add_type(registry, *database, false);
  // A database's tables, listed per database.
  ResourceType table = glue_kind("glue-table", "GetTables", "TableList[]", "CreatedOn", "table");
  table.parent = ResourceType::Parent{database, "DatabaseName"};
  table.arn_format = "arn:{partition}:glue:{region}:{account_id}:table/{DatabaseName}/{id}";
  add_type(registry, std::move(table), false);
  add_type(registry, glue_kind("glue-trigger", "GetTriggers", "Triggers[]", "", "trigger"));
  ResourceType workflow =
      glue_kind("glue-workflow", "ListWorkflows", "Workflows[].{Name: @}", "", "workflow");
  workflow.details = {{.operation = "GetWorkflow",
                       .params = {{"Name", "Name"}},
                       .select = "Workflow",
                       .absent_codes = {"EntityNotFoundException"},
                       .required = true}};
  workflow.lookup = Lookup::kFromId;
  add_type(registry, std::move(workflow));
  add_type(registry,
           glue_kind("glue-security-configuration", "GetSecurityConfigurations",
                     "SecurityConfigurations[]", "CreatedTimeStamp", "securityConfiguration"),
           false);
  add_type(registry,
           {
               .name = "aws.datalake-location",
               .aliases = {"datalake-location"},
               .service = "lakeformation",
               .enumerate_operation = "ListResources",
               .result_path = "ResourceInfoList[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "ResourceArn",
               .arn_field = "ResourceArn",
               .actions = {{.name = "deregister",
                            .operation = "DeregisterResource",
                            .params = {{"ResourceArn", "ResourceArn"}},
                            .gone_codes = {"EntityNotFoundException", "InvalidInputException"}}},
           },
           false);
  add_type(registry, app_flow());
  add_type(registry, airflow());
  add_type(registry, cloudsearch(), false);
}

}  // namespace custos::resources
