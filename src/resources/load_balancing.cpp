// Load balancing: Classic load balancers (elb), Application and Network load balancers
// (app-elb) and their target groups. Their tags come from DescribeTags, as Cloud Custodian's
// augment reads them; tag actions go through the tagging API. is-logging/is-not-logging read
// the access log settings (DescribeLoadBalancerAttributes); app-elb's modify-attributes sets
// them (deletion protection, idle timeout, HTTP/2, dropping invalid headers...).
#include <functional>
#include <map>

#include "aws/client.h"
#include "policy/action.h"
#include "policy/describe.h"
#include "policy/spec.h"
#include "policy/vars.h"
#include "resources/network_filters.h"
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::DetailCall;
using policy::ResourceType;
using PathPairs = std::vector<std::pair<std::string, std::string>>;
using Tagging = ResourceType::Tagging;

DetailCall elb_tags_call(const std::string& param, const std::string& field) {
  return {.operation = "DescribeTags",
          .params = {{param, "[" + field + "]"}},
          .select = "TagDescriptions[0].Tags",
          .key = "Tags"};
}

ResourceType elbv2(std::string name, std::string operation, std::string kind) {
  std::string id = kind + "Arn";
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = "elbv2",
      .enumerate_operation = std::move(operation),
      .result_path = kind + "s[]",
      .details = {elb_tags_call("ResourceArns", id)},
      .ids_param = kind + "Arns",
      .not_found_codes = {kind + "NotFound"},
      .id_field = id,
      .name_field = kind + "Name",
      .arn_field = id,
      .tagging = {.api = Tagging::Api::kResourceGroups},
      .actions = {ResourceType::CallAction{.operation = "Delete" + kind, .params = {{id, id}}}},
  };
}

// Where a load balancer writes its access logs.
struct AccessLog {
  bool enabled = false;
  std::string bucket, prefix;
};
using AccessLogOf = std::function<AccessLog(const Json& balancer, const aws::Client&)>;

AccessLog classic_log(const Json& balancer, const aws::Client& client) {
  Json log = client
                 .call("elb", "DescribeLoadBalancerAttributes",
                       {{"LoadBalancerName", balancer.value("LoadBalancerName", "")}})
                 .value("LoadBalancerAttributes", Json::object())
                 .value("AccessLog", Json::object());
  return {log.value("Enabled", false), log.value("S3BucketName", ""),
          log.value("S3BucketPrefix", "")};
}

AccessLog application_log(const Json& balancer, const aws::Client& client) {
  AccessLog log;
  Json attributes = client
                        .call("elbv2", "DescribeLoadBalancerAttributes",
                              {{"LoadBalancerArn", balancer.value("LoadBalancerArn", "")}})
                        .value("Attributes", Json::array());
  for (const Json& attribute : attributes) {
    std::string key = attribute.value("Key", ""), value = attribute.value("Value", "");
    if (key == "access_logs.s3.enabled") log.enabled = value == "true";
    if (key == "access_logs.s3.bucket") log.bucket = value;
    if (key == "access_logs.s3.prefix") log.prefix = value;
  }
  return log;
}

// is-logging / is-not-logging (Cloud Custodian's): access logs on, to `bucket` and `prefix`
// when given; is-not-logging keeps the others.
class LoggingFilter : public policy::Filter {
 public:
  LoggingFilter(const policy::Spec& spec, AccessLogOf log_of, bool logging)
      : log_of_(std::move(log_of)),
        logging_(logging),
        bucket_(spec.optional_string("bucket")),
        prefix_(spec.optional_string("prefix")) {}

  bool match(const Json& balancer, const policy::FilterContext& context) const override {
    AccessLog log = log_of_(balancer, policy::require_client(context, "the access log settings"));
    bool as_asked = log.enabled && (bucket_.empty() || bucket_ == log.bucket) &&
                    (prefix_.empty() || prefix_ == log.prefix);
    return as_asked == logging_;
  }

 private:
  AccessLogOf log_of_;
  bool logging_;
  std::string bucket_, prefix_;
};

void add_logging_filters(policy::Registry& registry, const std::string& resource,
                         const std::string& service, AccessLogOf log_of) {
  for (bool logging : {true, false}) {
    policy::FilterInfo info;
    info.factory = [log_of, logging](const policy::Spec& spec,
                                     const policy::BuildContext&) -> policy::FilterPtr {
      if (spec.value().is_object())
        spec.allow_keys({"bucket", "prefix"},
                        logging ? "filter 'is-logging'" : "filter 'is-not-logging'");
      return std::make_unique<LoggingFilter>(spec, log_of, logging);
    };
    info.description = logging ? "Access logs on (to bucket and prefix, when given)"
                               : "Access logs off, or not to bucket and prefix";
    info.options = {"bucket", "prefix"};
    info.permissions = {policy::iam_action(service, "DescribeLoadBalancerAttributes")};
    registry.add_filter(resource, logging ? "is-logging" : "is-not-logging", std::move(info));
  }
}

// Cloud Custodian's enable-s3-logging (to the policy's bucket, prefix and interval) and
// disable-s3-logging of a classic load balancer; turning logs on is undone by turning them off.
ResourceType::CallAction access_log(bool enable) {
  auto logging = [](bool on) {
    return std::string("`{\"AccessLog\": {\"Enabled\": ") + (on ? "true" : "false") + "}}`";
  };
  PathPairs name = {{"LoadBalancerName", "LoadBalancerName"}};
  ResourceType::CallAction action{.name = enable ? "enable-s3-logging" : "disable-s3-logging",
                                  .operation = "ModifyLoadBalancerAttributes",
                                  .params = {name[0], {"LoadBalancerAttributes", logging(enable)}}};
  if (!enable) return action;
  for (auto [option, member] : {std::pair{"bucket", "S3BucketName"},
                                {"prefix", "S3BucketPrefix"},
                                {"emit_interval", "EmitInterval"}})
    action.options.push_back({.name = option,
                              .param = "LoadBalancerAttributes",
                              .transform = std::string("{AccessLog: {") + member + ": @}}"});
  action.undo_operation = action.operation;
  action.undo_params = {name[0], {"LoadBalancerAttributes", logging(false)}};
  return action;
}

// Load balancer attributes set where they differ (ModifyLoadBalancerAttributes), each undone to
// the value it had; what to set is the subclass's.
class SetBalancerAttributes : public policy::PerResourceAction {
 public:
  using PerResourceAction::PerResourceAction;

 protected:
  // The attributes to set on `balancer` (Key: Value, both AWS's text).
  virtual std::map<std::string, std::string> wanted(const Json& balancer,
                                                    policy::ActionContext& context) const = 0;

 private:
  policy::ActionRecord apply(const Json& balancer, policy::ActionContext& context) const override {
    const std::string arn = balancer.value("LoadBalancerArn", "");
    const std::string name = balancer.value("LoadBalancerName", arn);
    const aws::Client& client = context.client_for(balancer);
    std::map<std::string, std::string> now;
    for (const Json& attribute :
         client.call("elbv2", "DescribeLoadBalancerAttributes", {{"LoadBalancerArn", arn}})
             .value("Attributes", Json::array()))
      now[attribute.value("Key", "")] = attribute.value("Value", "");
    const std::map<std::string, std::string> target = wanted(balancer, context);
    Json before = Json::object(), set = Json::array(), restore = Json::array();
    std::string expect;
    for (const auto& [key, value] : target) {
      // A pipe binds loosest: each comparison goes in parentheses.
      expect += (expect.empty() ? "" : " && ") +
                ("(Attributes[?Key == " + policy::jmespath_literal(key) +
                 "].Value | [0] == " + policy::jmespath_literal(value) + ")");
      if (now.contains(key) && now[key] == value) continue;
      set.push_back({{"Key", key}, {"Value", value}});
      if (now.contains(key)) {
        before[key] = now[key];
        restore.push_back({{"Key", key}, {"Value", now[key]}});
      }
    }
    if (set.empty())
      return policy::ActionRecord::unchanged(this->name(), context.id_of(balancer),
                                             name + "'s attributes already hold those values");
    client.call("elbv2", "ModifyLoadBalancerAttributes",
                {{"LoadBalancerArn", arn}, {"Attributes", set}});
    policy::ActionRecord record{this->name(), context.id_of(balancer)};
    record.before = before;
    record.after = Json(target);
    const std::string& region = client.session().region();
    record.undo = Json::array();
    if (!restore.empty())
      record.undo.push_back(policy::undo_call("elbv2", "ModifyLoadBalancerAttributes",
                                              {{"LoadBalancerArn", arn}, {"Attributes", restore}},
                                              region));
    record.check = policy::check_call("elbv2", "DescribeLoadBalancerAttributes",
                                      {{"LoadBalancerArn", arn}}, expect, region);
    record.summary = "set " + std::to_string(set.size()) + " attributes of " + name;
    return record;
  }
};

// modify-attributes on app-elb (c7n's AppELBModifyAttributes): `attributes`, a mapping of
// ModifyLoadBalancerAttributes keys to values (true/false and numbers sent as AWS's text).
class ModifyAttributes : public SetBalancerAttributes {
 public:
  explicit ModifyAttributes(const policy::Spec& spec) : SetBalancerAttributes("modify-attributes") {
    if (!spec.has("attributes") || !spec.child("attributes").value().is_object() ||
        spec.child("attributes").value().empty())
      spec.fail(
          "modify-attributes needs 'attributes': a mapping such as "
          "{deletion_protection.enabled: true}");
    for (const auto& [key, value] : spec.child("attributes").value().items()) {
      if (value.is_boolean())
        wanted_[key] = value.get<bool>() ? "true" : "false";
      else if (value.is_number_integer())
        wanted_[key] = std::to_string(value.get<long long>());
      else if (value.is_string())
        wanted_[key] = value.get<std::string>();
      else
        spec.child("attributes")
            .child(key)
            .fail(
                "an attribute's value is true, false, a whole "
                "number or text");
    }
  }

 private:
  std::map<std::string, std::string> wanted(const Json&, policy::ActionContext&) const override {
    return wanted_;
  }

  std::map<std::string, std::string> wanted_;
};

// set-s3-logging on app-elb (c7n's SetS3Logging): access logs on (state: enabled) to `bucket`
// under `prefix`, whose {LoadBalancerName}, {DNSName}, {AccountId} and {TAG} are the load
// balancer's; or off (state: disabled).
class SetS3Logging : public SetBalancerAttributes {
 public:
  explicit SetS3Logging(const policy::Spec& spec)
      : SetBalancerAttributes("set-s3-logging"),
        enabled_(spec.one_of("state", {"enabled", "disabled"}) == "enabled"),
        bucket_(spec.optional_string("bucket")),
        prefix_(spec.optional_string("prefix")) {
    if (enabled_ && (bucket_.empty() || !spec.has("prefix")))
      spec.fail("set-s3-logging with state: enabled needs bucket and prefix");
  }

 private:
  std::map<std::string, std::string> wanted(const Json& balancer,
                                            policy::ActionContext&) const override {
    if (!enabled_) return {{"access_logs.s3.enabled", "false"}};
    return {{"access_logs.s3.enabled", "true"},
            {"access_logs.s3.bucket", bucket_},
            {"access_logs.s3.prefix", expanded(prefix_, balancer)}};
  }

  // The prefix with the load balancer's fields, as c7n formats it (unknown fields kept).
  static std::string expanded(const std::string& text, const Json& balancer) {
    policy::Variables fields;
    for (const Json& tag : balancer.value("Tags", Json::array()))
      fields.set(tag.value("Key", ""), tag.value("Value", ""));
    fields.set("DNSName", balancer.value("DNSName", ""));
    fields.set("LoadBalancerName", balancer.value("LoadBalancerName", ""));
    fields.set("AccountId", policy::arn_part(balancer.value("LoadBalancerArn", ""), 4));
    Json formatted = policy::format_string(text, fields);
    return formatted.is_string() ? formatted.get<std::string>() : formatted.dump();
  }

  bool enabled_;
  std::string bucket_;
  std::string prefix_;
};

}  // namespace

void register_load_balancing(policy::Registry& registry) {
  add_type(registry,
           {
               .name = "aws.elb",
               .aliases = {"elb"},
               .service = "elb",
               .enumerate_operation = "DescribeLoadBalancers",
               .result_path = "LoadBalancerDescriptions[]",
               .details = {elb_tags_call("LoadBalancerNames", "LoadBalancerName")},
               .ids_param = "LoadBalancerNames",
               .not_found_codes = {"LoadBalancerNotFound"},
               .id_field = "LoadBalancerName",
               .date_field = "CreatedTime",
               .arn_format = "arn:{partition}:elasticloadbalancing:{region}:{account_id}:"
                             "loadbalancer/{id}",
               .tagging = {.api = Tagging::Api::kResourceGroups},
               .report_fields = {"LoadBalancerName", "DNSName", "VPCId", "length(Instances)"},
               .actions = {{.operation = "DeleteLoadBalancer",
                            .params = {{"LoadBalancerName", "LoadBalancerName"}}},
                           access_log(true),
                           access_log(false)},
           });
  ResourceType app_elb = elbv2("app-elb", "DescribeLoadBalancers", "LoadBalancer");
  app_elb.date_field = "CreatedTime";
  // CloudWatch names a load balancer by its ARN's resource part: app/NAME/ID, net/NAME/ID.
  app_elb.metric_dimensions = {{"LoadBalancer", "join('/', split('/', LoadBalancerArn)[1:])"}};
  app_elb.report_fields = {"LoadBalancerName", "DNSName", "VpcId", "Type", "Scheme"};
  add_type(registry, std::move(app_elb));
  add_type(registry, elbv2("app-elb-target-group", "DescribeTargetGroups", "TargetGroup"));
  add_logging_filters(registry, "aws.elb", "elb", classic_log);
  add_logging_filters(registry, "aws.app-elb", "elbv2", application_log);
  register_elb_ssl_policy(registry);
  registry.add_action("aws.app-elb", "modify-attributes",
                      policy::action_info<ModifyAttributes>(
                          {"attributes"},
                          {"elasticloadbalancing:DescribeLoadBalancerAttributes",
                           "elasticloadbalancing:ModifyLoadBalancerAttributes"},
                          "Set load balancer attributes, e.g. deletion_protection.enabled: true"));
  registry.add_action(
      "aws.app-elb", "set-s3-logging",
      policy::action_info<SetS3Logging>(
          {"state", "bucket", "prefix"},
          {"elasticloadbalancing:DescribeLoadBalancerAttributes",
           "elasticloadbalancing:ModifyLoadBalancerAttributes"},
          "Access logs on (state: enabled) to bucket under prefix ({LoadBalancerName}, "
          "{AccountId}, {DNSName}, {TAG} filled in), or off (disabled); undo sets back"));
  register_app_elb_listeners(registry);
  register_load_balancer_checks(registry);
}

}  // namespace custos::resources
