// The edge: CloudFront distributions (global, listed from us-east-1) and API Gateway's REST
// APIs with their stages and resources, listed per API as Cloud Custodian's child types are,
// its account settings (one a region), custom domain names and VPC links, and API Gateway v2's
// APIs.
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::ResourceType;
using Lookup = ResourceType::Lookup;
using Tagging = ResourceType::Tagging;

ResourceType cloudfront(std::string name, std::string operation, std::string list) {
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = "cloudfront",
      .enumerate_operation = std::move(operation),
      .result_path = list + ".Items[]",
      .details = {{.operation = "ListTagsForResource",
                   .params = {{"Resource", "ARN"}},
                   .select = "Tags.Items",
                   .key = "Tags"}},
      .lookup = Lookup::kEnumerate,
      .id_field = "Id",
      .name_field = "DomainName",
      .date_field = "LastModifiedTime",
      .global = true,
      .arn_field = "ARN",
      .tagging = {.api = Tagging::Api::kResourceGroups},
      .metric_dimensions = {{"DistributionId", "Id"}, {"Region", "'Global'"}},
  };
}

ResourceType rest_api() {
  return {
      .name = "aws.rest-api",
      .aliases = {"rest-api"},
      .service = "apigateway",
      .enumerate_operation = "GetRestApis",
      .result_path = "items[]",
      .tags_map = "tags",
      .lookup = Lookup::kEnumerate,
      .id_field = "id",
      .name_field = "name",
      .date_field = "createdDate",
      .arn_format = "arn:{partition}:apigateway:{region}::/restapis/{id}",
      .tagging = {.api = Tagging::Api::kResourceGroups},
      .actions = {{.operation = "DeleteRestApi",
                   .params = {{"restApiId", "id"}},
                   .gone_codes = {"NotFoundException"}},
                  {.name = "update",
                   .operation = "UpdateRestApi",
                   .params = {{"restApiId", "id"}},
                   .options = {{.name = "patch", .param = "patchOperations", .required = true}}}},
  };
}

}  // namespace

void register_edge(policy::Registry& registry) {
  add_type(registry, cloudfront("distribution", "ListDistributions", "DistributionList"));
  add_type(registry, cloudfront("streaming-distribution", "ListStreamingDistributions",
                                "StreamingDistributionList"));
  register_cloudfront_config(registry);
  register_mismatch_s3_origin(registry);
  auto api = std::make_shared<const ResourceType>(rest_api());
  add_type(registry, *api);
  add_type(registry,
           {
               .name = "aws.rest-stage",
               .aliases = {"rest-stage"},
               .service = "apigateway",
               .enumerate_operation = "GetStages",
               .result_path = "item[]",
               .computed = {{"restApiId", "\"c7n:parent-id\""}},
               .tags_map = "tags",
               .parent = ResourceType::Parent{api, "restApiId"},
               .lookup = Lookup::kEnumerate,
               .id_field = "deploymentId",
               .name_field = "stageName",
               .date_field = "createdDate",
               .arn_format = "arn:{partition}:apigateway:{region}::/restapis/{restApiId}/"
                             "stages/{stageName}",
               .tagging = {.api = Tagging::Api::kResourceGroups},
               .actions =
                   {{.operation = "DeleteStage",
                     .params = {{"restApiId", "restApiId"}, {"stageName", "stageName"}},
                     .gone_codes = {"NotFoundException"}},
                    {.name = "update",
                     .operation = "UpdateStage",
                     .params = {{"restApiId", "restApiId"}, {"stageName", "stageName"}},
                     .options = {{.name = "patch", .param = "patchOperations", .required = true}}}},
           });
  add_type(registry,
           {
               .name = "aws.rest-resource",
               .aliases = {"rest-resource"},
               .service = "apigateway",
               .enumerate_operation = "GetResources",
               .result_path = "items[]",
               .parent = ResourceType::Parent{api, "restApiId"},
               .lookup = Lookup::kEnumerate,
               .id_field = "id",
               .name_field = "path",
           },
           false);
  // Cloud Custodian's rest-account: the region's API Gateway settings, under its fixed id.
  add_type(registry,
           {
               .name = "aws.rest-account",
               .aliases = {"rest-account"},
               .service = "apigateway",
               .enumerate_operation = "GetAccount",
               .result_path = "[merge(@, {account_id: 'apigw-settings'})]",
               .lookup = Lookup::kEnumerate,
               .id_field = "account_id",
               .actions =
                   {{.name = "update",
                     .operation = "UpdateAccount",
                     .options = {{.name = "patch", .param = "patchOperations", .required = true}}}},
           },
           false);
  register_rest_integration(registry);
  // Custom domain names (Cloud Custodian names no ARN; the tagging API needs AWS's) and VPC links
  // (which it does not tag).
  add_type(registry, {
                         .name = "aws.apigw-domain-name",
                         .aliases = {"apigw-domain-name"},
                         .service = "apigateway",
                         .enumerate_operation = "GetDomainNames",
                         .result_path = "items[]",
                         .tags_map = "tags",
                         .lookup = Lookup::kEnumerate,
                         .id_field = "domainName",
                         .date_field = "createdDate",
                         .arn_format = "arn:{partition}:apigateway:{region}::/domainnames/{id}",
                         .tagging = {.api = Tagging::Api::kResourceGroups},
                     });
  add_type(registry,
           {
               .name = "aws.rest-vpclink",
               .aliases = {"rest-vpclink"},
               .service = "apigateway",
               .enumerate_operation = "GetVpcLinks",
               .result_path = "items[]",
               .tags_map = "tags",
               .lookup = Lookup::kEnumerate,
               .id_field = "id",
               .name_field = "name",
           },
           false);
  // API Gateway v2's HTTP and WebSocket APIs.
  add_type(registry, {
                         .name = "aws.apigwv2",
                         .aliases = {"apigwv2"},
                         .service = "apigatewayv2",
                         .enumerate_operation = "GetApis",
                         .result_path = "Items[]",
                         .tags_map = "Tags",
                         .permissions = {"apigateway:GET"},
                         .lookup = Lookup::kEnumerate,
                         .id_field = "ApiId",
                         .name_field = "Name",
                         .date_field = "CreatedDate",
                         .arn_format = "arn:{partition}:apigateway:{region}::/apis/{id}",
                         .tagging = {.api = Tagging::Api::kResourceGroups},
                         .metric_dimensions = {{"ApiId", "ApiId"}},
                     });
}

}  // namespace custos::resources
