// aws.hostedzone's DNS query logging (Cloud Custodian's query-logging-enabled filter and
// set-query-logging action): which public zones log their queries to CloudWatch Logs, and
// logging turned on (the log group made when missing) or off, each undone by the reverse.
// Route 53 writes query logs only to log groups in us-east-1, so that is where they are.
#include "aws/client.h"
#include "core/error.h"
#include "policy/action.h"
#include "policy/filter.h"
#include "policy/set_filter.h"
#include "resources/route53.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::FilterContext;
using policy::Spec;

const char* const kLogConfig = "c7n:log-config";
const char* const kLogRegion = "us-east-1";

std::string zone_id(const Json& zone) {
  std::string id = zone.value("Id", "");
  return id.substr(id.rfind('/') + 1);
}

// query-logging-enabled: public zones that log (state: true, the configuration and its log
// group's subscription filters kept as c7n:log-config) or do not (state: false, the default).
class QueryLoggingEnabled : public policy::SetFilter {
 public:
  explicit QueryLoggingEnabled(const Spec& spec) : state_(spec.optional_bool("state", false)) {}

  std::vector<Json> process(std::vector<Json> zones, const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "the zones' query logging");
    std::map<std::string, Json> logging;
    for (Json& config : client.call_all("route53", "ListQueryLoggingConfigs", Json::object())
                            .value("QueryLoggingConfigs", Json::array())) {
      std::string zone = config.value("HostedZoneId", "");
      logging[zone] = std::move(config);  // Json's operator= takes its argument by value
    }
    std::vector<Json> kept;
    for (Json& zone : zones) {
      // Query logging is for public zones only.
      if (zone.value("/Config/PrivateZone"_json_pointer, false)) continue;
      auto config = logging.find(zone_id(zone));
      if ((config != logging.end()) != state_) continue;
      if (state_) zone[kLogConfig] = with_subscriptions(config->second, client);
      kept.push_back(std::move(zone));
    }
    return kept;
  }

  bool annotates() const override { return state_; }
  std::vector<std::string> permissions() const override {
    return {"route53:GetQueryLoggingConfig", "route53:GetHostedZone",
            "logs:DescribeSubscriptionFilters"};
  }

 private:
  static Json with_subscriptions(Json config, const aws::Client& client) {
    std::string arn = config.value("CloudWatchLogsLogGroupArn", "");
    std::string group = arn.substr(arn.find(":log-group:") + 11);
    if (group.ends_with(":*")) group.resize(group.size() - 2);
    config["loggroup_subscription"] =
        client.in_region(kLogRegion)
            .call("logs", "DescribeSubscriptionFilters", {{"logGroupName", group}})
            .value("subscriptionFilters", Json::array());
    return config;
  }

  bool state_;
};

// set-query-logging: state true (the default) logs each zone's queries to `log-group`, or with
// log-group auto to LOG-GROUP-PREFIX/ZONE-NAME, made when missing (and, with set-permissions,
// a resource policy letting Route 53 write there); state false stops the logging the
// query-logging-enabled filter found.
class SetQueryLogging : public policy::PerResourceAction {
 public:
  SetQueryLogging(const Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("set-query-logging"),
        state_(spec.optional_bool("state", true)),
        group_(spec.optional_string("log-group", "auto")),
        prefix_(spec.optional_string("log-group-prefix", "/aws/route53")),
        permissions_(spec.optional_bool("set-permissions", false)) {
    while (prefix_.ends_with('/')) prefix_.pop_back();
    if (!state_ && context.policy &&
        !policy::filter_types(context.policy->value("filters", Json()))
             .count("query-logging-enabled"))
      spec.fail(
          "set-query-logging with state: false needs a query-logging-enabled filter in the "
          "policy (as Cloud Custodian): it names the configuration to delete");
  }

 private:
  ActionRecord apply(const Json& zone, ActionContext& context) const override {
    return state_ ? start(zone, context) : stop(zone, context);
  }

  ActionRecord start(const Json& zone, ActionContext& context) const {
    const std::string id = zone_id(zone);
    const std::string name = group_name(zone);
    aws::Client logs = context.client.in_region(kLogRegion);
    ActionRecord record{this->name(), context.id_of(zone)};
    record.undo = Json::array();
    std::string arn = log_group_arn(logs, name);
    bool made = arn.empty();
    if (made) {
      logs.call("logs", "CreateLogGroup", {{"logGroupName", name}});
      arn = log_group_arn(logs, name);
      if (arn.empty())  // a dry run made none: the ARN it would have
        arn = "arn:" + context.partition() + ":logs:" + kLogRegion + ":" + context.account_id() +
              ":log-group:" + name + ":*";
    }
    if (permissions_) record.summary = allow_route53(logs, context);
    Json created;
    try {
      created = context.client.call("route53", "CreateQueryLoggingConfig",
                                    {{"HostedZoneId", id}, {"CloudWatchLogsLogGroupArn", arn}});
    } catch (const aws::AwsError& e) {
      if (e.code() != "QueryLoggingConfigAlreadyExists") throw;
      return ActionRecord::unchanged(this->name(), context.id_of(zone),
                                     "its queries are logged already");
    }
    std::string config = created.value("/QueryLoggingConfig/Id"_json_pointer, "");
    record.after = {{"log-group", name}, {"QueryLoggingConfig", config}};
    record.undo.push_back(
        policy::undo_call("route53", "DeleteQueryLoggingConfig", {{"Id", config}}));
    if (made)
      record.undo.push_back(
          policy::undo_call("logs", "DeleteLogGroup", {{"logGroupName", name}}, kLogRegion));
    record.summary = "queries logged to " + name + (made ? " (made)" : "") + record.summary;
    record.check = logging_check(id, true);
    return record;
  }

  ActionRecord stop(const Json& zone, ActionContext& context) const {
    const std::string id = zone_id(zone);
    const Json& config = zone.value(kLogConfig, Json());
    if (!config.is_object())
      return ActionRecord::unchanged(this->name(), context.id_of(zone),
                                     "query-logging-enabled found no logging");
    try {
      context.client.call("route53", "DeleteQueryLoggingConfig", {{"Id", config["Id"]}});
    } catch (const aws::AwsError& e) {
      if (e.code() != "NoSuchQueryLoggingConfig") throw;
      return ActionRecord::unchanged(this->name(), context.id_of(zone),
                                     "its query logging is gone already");
    }
    ActionRecord record{this->name(), context.id_of(zone)};
    record.before = config;
    record.undo = Json::array(
        {policy::undo_call("route53", "CreateQueryLoggingConfig",
                           {{"HostedZoneId", id},
                            {"CloudWatchLogsLogGroupArn", config["CloudWatchLogsLogGroupArn"]}})});
    record.summary = "query logging stopped";
    record.check = logging_check(id, false);
    return record;
  }

  // Whether the zone logs, read from every configuration's zone id: moto 5.2.1 answers
  // ListQueryLoggingConfigs' HostedZoneId with NoSuchHostedZone.
  static Json logging_check(const std::string& id, bool logs) {
    return policy::check_call(
        "route53", "ListQueryLoggingConfigs", Json::object(),
        "length(QueryLoggingConfigs[?HostedZoneId==" + policy::jmespath_literal(id) + "]) " +
            (logs ? "> `0`" : "== `0`"));
  }

  std::string group_name(const Json& zone) const {
    if (group_ != "auto") return group_;
    std::string name = zone.value("Name", "");
    if (name.ends_with('.')) name.pop_back();
    return prefix_ + "/" + name;
  }

  // The group's ARN as CloudWatch Logs gives it (ending :*); empty when there is no such group.
  static std::string log_group_arn(const aws::Client& logs, const std::string& name) {
    for (const Json& group :
         logs.call_all("logs", "DescribeLogGroups", {{"logGroupNamePrefix", name}})
             .value("logGroups", Json::array()))
      if (group.value("logGroupName", "") == name) return group.value("arn", "");
    return "";
  }

  // A resource policy letting Route 53 write to the groups, unless one does already.
  std::string allow_route53(const aws::Client& logs, ActionContext& context) const {
    std::string resource = "arn:" + context.partition() + ":logs:" + kLogRegion + ":" +
                           context.account_id() +
                           ":log-group:" + (group_ == "auto" ? prefix_ + "/*" : group_ + ":*");
    for (const Json& policy : logs.call_all("logs", "DescribeResourcePolicies", Json::object())
                                  .value("resourcePolicies", Json::array()))
      if (policy.value("policyDocument", "").find(resource) != std::string::npos) return "";
    Json statement = {{"Sid", "Route53LogsToCloudWatchLogs"},
                      {"Effect", "Allow"},
                      {"Principal", {{"Service", Json::array({"route53.amazonaws.com"})}}},
                      {"Action", Json::array({"logs:PutLogEvents", "logs:CreateLogStream"})},
                      {"Resource", resource}};
    Json document = {{"Version", "2012-10-17"}, {"Statement", Json::array({statement})}};
    logs.call("logs", "PutResourcePolicy",
              {{"policyName", "Route53LogWrites"}, {"policyDocument", document.dump()}});
    return "; Route 53 may write there (resource policy Route53LogWrites)";
  }

  bool state_;
  std::string group_;
  std::string prefix_;
  bool permissions_;
};

}  // namespace

void register_route53_query_logging(policy::Registry& registry) {
  registry.add_filter(
      "aws.hostedzone", "query-logging-enabled",
      policy::filter_info<QueryLoggingEnabled>(
          {"state"},
          "Public zones whose queries are logged (state: true; the configuration kept as "
          "c7n:log-config) or not (state: false, the default)",
          {"route53:GetQueryLoggingConfig", "logs:DescribeSubscriptionFilters"}));
  registry.add_action(
      "aws.hostedzone", "set-query-logging",
      policy::action_info<SetQueryLogging>(
          {"state", "log-group", "log-group-prefix", "set-permissions"},
          {"route53:CreateQueryLoggingConfig", "route53:DeleteQueryLoggingConfig",
           "logs:DescribeLogGroups", "logs:CreateLogGroup", "logs:DescribeResourcePolicies",
           "logs:PutResourcePolicy"},
          "Log the zone's queries to CloudWatch Logs in us-east-1 (log-group, or auto: "
          "LOG-GROUP-PREFIX/ZONE; made when missing; set-permissions lets Route 53 write), "
          "or with state: false stop what query-logging-enabled found; undo reverses it"));
}

}  // namespace custos::resources
