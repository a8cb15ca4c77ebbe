#include "resources/detail_filters.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>

#include "core/error.h"
#include "policy/describe.h"
#include "policy/related_filter.h"

namespace custos::resources {
namespace {

using policy::DetailCall;
using policy::ResourceType;

// One filter: the call (its `key` is the annotation Cloud Custodian keeps the answer under),
// and, where c7n reshapes the answer, how.
struct DetailFilter {
  std::string type;
  std::string name;
  DetailCall call;
  std::string description;
  std::function<Json(Json)> reshape{};
  std::string matched{};  // an answer that is a list: where the items that matched are kept
};

// ELBv2's attributes as Cloud Custodian reads them: {Key: Value} with "true"/"false" as
// booleans and digits as integers (routing.http2.enabled: true).
Json typed_attributes(Json attributes) {
  Json typed = Json::object();
  if (!attributes.is_array()) return typed;
  for (const Json& attribute : attributes) {
    std::string value = attribute.value("Value", "");
    bool digits = !value.empty() && std::all_of(value.begin(), value.end(),
                                                [](unsigned char c) { return std::isdigit(c); });
    std::string key = attribute.value("Key", "");
    if (value == "true" || value == "false")
      typed[key] = value == "true";
    else if (digits && value.size() < 19)
      typed[key] = std::stoll(value);
    else
      typed[key] = value;
  }
  return typed;
}

std::vector<DetailFilter> table() {
  return {
      {"aws.dynamodb-table",
       "continuous-backup",
       {.operation = "DescribeContinuousBackups",
        .params = {{"TableName", "TableName"}},
        .select = "ContinuousBackupsDescription",
        .key = "c7n:continuous-backup",
        .absent = Json::object()},
       "The table by DescribeContinuousBackups (key: ContinuousBackupsStatus, "
       "PointInTimeRecoveryDescription.PointInTimeRecoveryStatus)"},
      {"aws.account",
       "password-policy",
       {.operation = "GetAccountPasswordPolicy",
        .service = "iam",
        .select = "merge(PasswordPolicy, {PasswordPolicyConfigured: `true`})",
        .key = "c7n:password_policy",
        .absent = {{"PasswordPolicyConfigured", false}},
        .absent_codes = {"NoSuchEntity"}},
       "The account by its IAM password policy (key: MinimumPasswordLength, RequireSymbols, ...; "
       "PasswordPolicyConfigured: false without one)"},
      {"aws.account",
       "emr-block-public-access",
       {.operation = "GetBlockPublicAccessConfiguration",
        .service = "emr",
        .key = "c7n:emr-block-public-access",
        .absent = Json::object()},
       "The account by EMR's block public access configuration in the region (key: "
       "BlockPublicAccessConfiguration.BlockPublicSecurityGroupRules, ...)"},
      {"aws.account",
       "organization",
       {.operation = "DescribeOrganization",
        .service = "organizations",
        .select = "Organization",
        .key = "c7n:org",
        .absent = Json::object(),
        .absent_codes = {"AWSOrganizationsNotInUseException"}},
       "The account by its organization (key: Id, FeatureSet, MasterAccountId, ...; every key "
       "absent outside one)"},
      {"aws.account",
       "access-analyzer",
       {.operation = "ListAnalyzers",
        .service = "accessanalyzer",
        .select = "analyzers",
        .key = "c7n:analyzers",
        .absent = Json::array()},
       "The account when one of its IAM Access Analyzer analyzers matches (key: status, type, "
       "...)",
       {},
       "c7n:matched-analyzers"},
      {"aws.app-elb",
       "attributes",
       {.operation = "DescribeLoadBalancerAttributes",
        .params = {{"LoadBalancerArn", "LoadBalancerArn"}},
        .select = "Attributes",
        .key = "Attributes"},
       "The load balancer by its attributes (key: routing.http2.enabled, "
       "deletion_protection.enabled, ...)",
       typed_attributes},
      {"aws.elb",
       "attributes",
       {.operation = "DescribeLoadBalancerAttributes",
        .params = {{"LoadBalancerName", "LoadBalancerName"}},
        .select = "LoadBalancerAttributes",
        .key = "Attributes"},
       "The load balancer by its attributes (key: ConnectionDraining.Enabled, AccessLog.Enabled, "
       "...)"},
      {"aws.redshift",
       "logging",
       {.operation = "DescribeLoggingStatus",
        .params = {{"ClusterIdentifier", "ClusterIdentifier"}},
        .key = "c7n:logging"},
       "The cluster by its audit logging (key: LoggingEnabled, BucketName, S3KeyPrefix)"},
      {"aws.distribution",
       "distribution-config",
       {.operation = "GetDistributionConfig",
        .params = {{"Id", "Id"}},
        .select = "DistributionConfig",
        .key = "c7n:distribution-config",
        .absent = Json::object(),
        .absent_codes = {"NoSuchDistribution"}},
       "The distribution by its configuration (key: Logging.Enabled, ...)"},
      {"aws.streaming-distribution",
       "distribution-config",
       {.operation = "GetStreamingDistributionConfig",
        .params = {{"Id", "Id"}},
        .select = "StreamingDistributionConfig",
        .key = "c7n:distribution-config",
        .absent = Json::object(),
        .absent_codes = {"NoSuchStreamingDistribution"}},
       "The streaming distribution by its configuration (key: Logging.Enabled, ...)"},
      {"aws.workspaces-directory",
       "client-properties",
       {.operation = "DescribeClientProperties",
        .params = {{"ResourceIds", "[DirectoryId]"}},
        .select = "ClientPropertiesList[0].ClientProperties",
        .key = "c7n:client-properties",
        .absent_codes = {"ResourceNotFoundException"}},
       "The directory by its client properties (key: ReconnectEnabled)"},
      {"aws.workspaces-directory",
       "connection-aliases",
       {.operation = "DescribeConnectionAliases",
        .params = {{"ResourceId", "DirectoryId"}},
        .key = "c7n:ConnectionAliases"},
       "The directory by its connection aliases (key: ConnectionAliases)"},
      {"aws.workspaces",
       "connection-status",
       {.operation = "DescribeWorkspacesConnectionStatus",
        .params = {{"WorkspaceIds", "[WorkspaceId]"}},
        .select = "WorkspacesConnectionStatus[0] || `{}`",
        .key = "c7n:ConnectionStatus"},
       "The workspace by its connection status (key: ConnectionState, "
       "LastKnownUserConnectionTimestamp)"},
      {"aws.graphql-api",
       "api-cache",
       {.operation = "GetApiCache",
        .params = {{"apiId", "apiId"}},
        .select = "apiCache",
        .key = "c7n:ApiCaches",
        .absent_codes = {"NotFoundException"}},
       "The API by its cache (key: apiCachingBehavior, type, ...; none: no match)"},
  };
}

policy::FilterInfo info_of(const DetailFilter& filter, std::shared_ptr<const ResourceType> type) {
  const DetailCall& call = filter.call;
  auto fetch = [type, call, reshape = filter.reshape](const Json& resource,
                                                      const aws::Client& client) {
    Json document = resource;
    if (!policy::complete_with(*type, call, client, document)) return Json();
    Json answer = document.value(call.key, Json());
    return reshape ? reshape(std::move(answer)) : answer;
  };
  return policy::related_filter_info(
      {.annotation_key = call.key,
       .matched_key = filter.matched,
       .fetch = fetch,
       .permissions = {policy::iam_action(type->service_of(call.service), call.operation)}},
      filter.description);
}

}  // namespace

void register_detail_filters(policy::Registry& registry) {
  for (const DetailFilter& filter : table()) {
    const ResourceType* type = registry.find_resource(filter.type);
    if (!type) throw Error("detail filter " + filter.name + " names no type " + filter.type);
    registry.add_filter(filter.type, filter.name,
                        info_of(filter, std::make_shared<const ResourceType>(*type)));
  }
}

}  // namespace custos::resources
