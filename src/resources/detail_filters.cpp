#include "resources/detail_filters.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>

#include "core/error.h"
#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/related_filter.h"

namespace custos::resources {
namespace {

using policy::DetailCall;
using policy::FilterContext;
using policy::ResourceType;
using policy::Spec;

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

// Glue's security-config: the security configuration the resource names (none named: no match;
// one named but gone: only `value: absent` matches, as Cloud Custodian's related filter).
DetailFilter security_config(std::string type, const std::string& name_field) {
  return {std::move(type),
          "security-config",
          {.operation = "GetSecurityConfiguration",
           .params = {{"Name", name_field + " || `null`"}},  // "" names none
           .select = "SecurityConfiguration",
           .key = "c7n:SecurityConfiguration",
           .absent = Json::object(),
           .absent_codes = {"EntityNotFoundException"}},
          "By the Glue security configuration it names (key: "
          "EncryptionConfiguration.CloudWatchEncryption.CloudWatchEncryptionMode, ...)",
          // Naming none: no configuration to judge, an empty list, which matches nothing.
          [](Json answer) { return answer.is_null() ? Json::array() : answer; },
          "c7n:matched-security-config"};
}

// Static: the filters are made from their entries when a policy first uses the type.
const std::vector<DetailFilter>& table() {
  static const std::vector<DetailFilter> filters = {
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
      {"aws.log-group",
       "subscription-filter",
       {.operation = "DescribeSubscriptionFilters",
        .params = {{"logGroupName", "logGroupName"}},
        .select = "subscriptionFilters",
        .key = "c7n:SubscriptionFilters",
        .absent = Json::array()},
       "The log group when one of its subscription filters matches (key: destinationArn, "
       "filterPattern, ...; none: no match)"},
      {"aws.asg",
       "scaling-policy",
       {.operation = "DescribePolicies",
        .params = {{"AutoScalingGroupName", "AutoScalingGroupName"}},
        .select = "ScalingPolicies",
        .key = "c7n:ScalingPolicies",
        .absent = Json::array()},
       "The group when one of its scaling policies matches (key: PolicyType, AdjustmentType, "
       "...; none: no match)",
       {},
       "c7n:matched-policies"},
      {"aws.log-metric",
       "alarm",
       {.operation = "DescribeAlarmsForMetric",
        .service = "cloudwatch",
        .params = {{"Namespace", "metricTransformations[0].metricNamespace"},
                   {"MetricName", "metricTransformations[0].metricName"}},
        .select = "MetricAlarms",
        .key = "c7n:MetricAlarms",
        .absent = Json::array()},
       "The metric filter when one of the CloudWatch alarms on its metric matches (key: "
       "AlarmName, StateValue, ...; none: no match)"},
      // Cloud Custodian 0.9.21 judges {OptionName: the group's last option} ({} without one).
      {"aws.rds",
       "db-option-groups",
       {.operation = "DescribeOptionGroups",
        .params = {{"OptionGroupName", "OptionGroupMemberships[0].OptionGroupName"}},
        .select = "OptionGroupsList[-1].Options[-1] && {OptionName: "
                  "OptionGroupsList[-1].Options[-1].OptionName} || `{}`",
        .key = "c7n:OptionGroup"},
       "The instance by its option group's last option (key: OptionName)"},
      {"aws.rds",
       "engine",
       {.operation = "DescribeDBEngineVersions",
        .params = {{"Engine", "Engine"},
                   {"EngineVersion", "EngineVersion"},
                   {"IncludeAll", "`true`"}},
        .select = "DBEngineVersions[0]",
        .key = "c7n:Engine"},
       "The instance by its engine version as RDS describes it (key: Status, e.g. deprecated; "
       "SupportedFeatureNames, ...)"},
      security_config("aws.glue-crawler", "CrawlerSecurityConfiguration"),
      security_config("aws.glue-job", "SecurityConfiguration"),
      security_config("aws.glue-dev-endpoint", "SecurityConfiguration"),
  };
  return filters;
}

// Cloud Custodian's yes/no filters over one call (has-users, securityhub, shield-enabled...):
// the resource matches when `option` (`by_default` when left out) equals whether `holds`
// (JMESPath over the stored answer) is true.
struct YesNoFilter {
  std::string type;
  std::string name;
  DetailCall call;
  std::string option;
  bool by_default;
  std::string holds;
  std::string description;
};

const std::vector<YesNoFilter>& yes_no_table() {
  const std::string any = "length(@) > `0`";
  static const std::vector<YesNoFilter> filters = {
      {"aws.iam-group",
       "has-users",
       {.operation = "GetGroup",
        .params = {{"GroupName", "GroupName"}},
        .select = "Users",
        .key = "c7n:GroupUsers"},
       "value",
       true,
       any,
       "The group when it has users (value: true) or none (value: false)"},
      {"aws.iam-group",
       "has-inline-policy",
       {.operation = "ListGroupPolicies",
        .params = {{"GroupName", "GroupName"}},
        .select = "PolicyNames",
        .key = "c7n:InlinePolicies"},
       "value",
       true,
       any,
       "The group when it has inline policies (value: true) or none (value: false)"},
      {"aws.account",
       "has-virtual-mfa",
       {.operation = "ListVirtualMFADevices",
        .service = "iam",
        .select = "VirtualMFADevices[?ends_with(SerialNumber, ':mfa/root-account-mfa-device')]",
        .key = "c7n:VirtualMFADevices"},
       "value",
       true,
       any,
       "The account when its root user has a virtual MFA device (value: true) or not (false)"},
      {"aws.account",
       "securityhub",
       {.operation = "DescribeHub",
        .service = "securityhub",
        .key = "c7n:SecurityHub",
        .absent_codes = {"InvalidAccessException", "ResourceNotFoundException"}},
       "enabled",
       true,
       "@ != null",
       "The account when Security Hub is enabled in the region (enabled: true) or not (false)"},
      {"aws.account",
       "shield-enabled",
       {.operation = "DescribeSubscription",
        .service = "shield",
        .select = "Subscription",
        .key = "c7n:ShieldSubscription",
        .absent_codes = {"ResourceNotFoundException"}},
       "state",
       false,
       "@ != null",
       "The account when it has no Shield Advanced subscription (state: false, the default) or "
       "has one (state: true)"},
  };
  return filters;
}

class YesNo : public policy::Filter {
 public:
  YesNo(const Spec& spec, const YesNoFilter& filter, std::shared_ptr<const ResourceType> type,
        std::string permission)
      : type_(std::move(type)),
        call_(filter.call),
        name_(filter.name),
        permission_(std::move(permission)),
        wanted_(spec.value().is_object() ? spec.optional_bool(filter.option, filter.by_default)
                                         : filter.by_default),
        holds_(jmespath::Expression::compile(filter.holds)) {}

  bool match(const Json& resource, const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, name_);
    Json document = resource;
    if (!policy::complete_with(*type_, call_, client, document)) return false;
    return (holds_.search(document.value(call_.key, Json())) == Json(true)) == wanted_;
  }

  std::vector<std::string> permissions() const override { return {permission_}; }

 private:
  std::shared_ptr<const ResourceType> type_;
  DetailCall call_;
  std::string name_;
  std::string permission_;
  bool wanted_;
  jmespath::Expression holds_;
};

policy::FilterInfo yes_no_info(const YesNoFilter& filter,
                               std::shared_ptr<const ResourceType> type) {
  const std::string permission =
      policy::iam_action(type->service_of(filter.call.service), filter.call.operation);
  policy::FilterInfo info;
  info.factory = [filter, type, permission](const Spec& spec,
                                            const policy::BuildContext&) -> policy::FilterPtr {
    if (spec.value().is_object()) spec.allow_keys({filter.option}, "filter '" + filter.name + "'");
    return std::make_unique<YesNo>(spec, filter, type, permission);
  };
  info.description = filter.description;
  info.options = {filter.option};
  info.permissions = {permission};
  return info;
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
  auto type_of = [](const policy::Registry& registry, const std::string& type,
                    const std::string& filter) {
    const ResourceType* found = registry.find_resource(type);
    if (!found) throw Error("detail filter " + filter + " names no type " + type);
    return std::make_shared<const ResourceType>(*found);
  };
  for (const DetailFilter& filter : table())
    registry.add_filters_on_first_use(
        filter.type, [&filter, type_of](const policy::Registry& registry, auto& into) {
          into[filter.name] = info_of(filter, type_of(registry, filter.type, filter.name));
        });
  for (const YesNoFilter& filter : yes_no_table())
    registry.add_filters_on_first_use(
        filter.type, [&filter, type_of](const policy::Registry& registry, auto& into) {
          into[filter.name] = yes_no_info(filter, type_of(registry, filter.type, filter.name));
        });
}

}  // namespace custos::resources
