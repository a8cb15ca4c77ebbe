// aws.s3's server access logging, Cloud Custodian's bucket-logging filter and toggle-logging
// action: a bucket's access log is the record of who read what during an incident, and an
// intruder who turns it off or points it elsewhere erases that record.
#include <mutex>
#include <set>

#include "aws/client.h"
#include "policy/vars.h"
#include "resources/s3_support.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::FilterContext;
using policy::Spec;

// The account's first IAM alias ("" without one): Cloud Custodian's {account}.
std::string account_alias(const aws::Client& client) {
  Json aliases = client.call("iam", "ListAccountAliases", Json::object())
                     .value("AccountAliases", Json::array());
  return aliases.empty() ? "" : aliases[0].get<std::string>();
}

// A fact of the account (its id, its alias), asked once a run however many buckets need it.
class AccountFact {
 public:
  explicit AccountFact(std::string (*fetch)(const aws::Client&)) : fetch_(fetch) {}
  const std::string& get(const aws::Client& client) const {
    std::lock_guard lock(mutex_);
    if (!value_) value_ = fetch_(client);
    return *value_;
  }

 private:
  std::string (*fetch_)(const aws::Client&);
  mutable std::mutex mutex_;
  mutable std::optional<std::string> value_;
};

// The target and prefix options, as written: validated when the policy loads.
struct Target {
  explicit Target(const Spec& spec) {
    for (const char* key : {"target_bucket", "target_prefix"}) {
      if (!spec.has(key)) continue;
      if (!spec.child(key).value().is_string())
        spec.child(key).fail(std::string("'") + key + "' must be a string");
      check_formats(spec, key);
      options[key] = spec.child(key).value();
    }
  }

  // {TargetBucket, TargetPrefix} with Cloud Custodian's variables filled in (the bucket's
  // format arguments, {account}, {source_bucket_name}, {source_bucket_region}), the prefix
  // "NAME/" when not given; {} without a target bucket.
  Json config(const Json& bucket, policy::Variables vars, const std::string& alias) const {
    if (!options.contains("target_bucket")) return Json::object();
    vars.set("account", alias);
    vars.set("source_bucket_name", bucket.value("Name", ""));
    vars.set("source_bucket_region", bucket_region(bucket, ""));
    vars.set("target_bucket_name", options["target_bucket"]);
    vars.set("target_prefix", options.value("target_prefix", Json()));
    Json filled = policy::format_string_values(options, vars);
    return {{"TargetBucket", filled["target_bucket"]},
            {"TargetPrefix", filled.value("target_prefix", bucket.value("Name", "") + "/")}};
  }

  bool has_bucket() const { return options.contains("target_bucket"); }

  Json options = Json::object();
};

// The bucket's logging as Cloud Custodian reads it: LoggingEnabled, or {} when off.
Json logging_of(const Json& bucket) {
  Json logging = bucket.value("Logging", Json::object());
  return logging.is_object() && logging.contains("TargetBucket") ? logging : Json::object();
}

// bucket-logging (BucketLoggingFilter): op enabled/disabled, or equal/eq, not-equal/ne to the
// target the options name.
class BucketLogging : public policy::Filter {
 public:
  explicit BucketLogging(const Spec& spec)
      : op_(spec.one_of("op", {"enabled", "disabled", "equal", "not-equal", "eq", "ne"})),
        target_(spec) {}

  bool match(const Json& bucket, const FilterContext& context) const override {
    Json logging = logging_of(bucket);
    if (op_ == "enabled") return !logging.empty();
    if (op_ == "disabled") return logging.empty();
    const aws::Client& client = policy::require_client(context, "bucket-logging");
    std::string region = client.session().region();
    policy::Variables vars =
        bucket_variables(bucket, bucket_region(bucket, region), region, nullptr);
    vars.set("account_id", account_id_.get(client));
    bool equal = logging == target_.config(bucket, std::move(vars), alias_.get(client));
    return (op_ == "equal" || op_ == "eq") ? equal : !equal;
  }
  policy::StoredMatcherPtr stored_matcher(const DocStore&) const override { return nullptr; }
  std::vector<std::string> permissions() const override {
    return {"iam:ListAccountAliases", "s3:GetBucketLogging"};
  }

 private:
  std::string op_;
  Target target_;
  AccountFact account_id_{policy::sts_account_id}, alias_{account_alias};
};

// is-log-target (LogTarget): buckets others log to (value: false, the others), from the
// services named (all three by default): the buckets in the set that log to a bucket (self:
// only a bucket logging to itself; CloudFormation's cf-templates-* buckets count as targets),
// classic load balancers' access logs and CloudTrail's trails. Judges the set: a bucket in it
// may be another's target.
class IsLogTarget : public policy::Filter {
 public:
  explicit IsLogTarget(const Spec& spec)
      : self_(spec.optional_bool("self", false)), value_(spec.optional_bool("value", true)) {
    services_ = spec.has("services") ? spec.string_list("services")
                                     : std::vector<std::string>{"elb", "s3", "cloudtrail"};
    for (std::size_t i = 0; i < services_.size(); ++i)
      if (services_[i] != "s3" && services_[i] != "elb" && services_[i] != "cloudtrail")
        spec.child("services")
            .element(i)
            .fail("services are s3, elb and cloudtrail, not '" + services_[i] + "'");
  }

  std::vector<Json> process(std::vector<Json> buckets,
                            const FilterContext& context) const override {
    std::set<std::string> targets = s3_targets(buckets);
    if (!self_ && uses("elb"))
      elb_targets(policy::require_client(context, "is-log-target"), targets);
    if (!self_ && uses("cloudtrail"))
      trail_targets(policy::require_client(context, "is-log-target"), buckets, targets);
    std::erase_if(buckets, [&](const Json& bucket) {
      return targets.count(bucket.value("Name", "")) != static_cast<std::size_t>(value_);
    });
    return buckets;
  }
  bool match(const Json& bucket, const FilterContext& context) const override {
    return process({bucket}, context).size() == 1;
  }
  bool judges_set() const override { return true; }
  policy::StoredMatcherPtr stored_matcher(const DocStore&) const override { return nullptr; }
  std::vector<std::string> permissions() const override {
    return {"cloudtrail:DescribeTrails", "elasticloadbalancing:DescribeLoadBalancerAttributes",
            "elasticloadbalancing:DescribeLoadBalancers"};
  }

 private:
  bool uses(const std::string& service) const {
    return std::find(services_.begin(), services_.end(), service) != services_.end();
  }

  std::set<std::string> s3_targets(const std::vector<Json>& buckets) const {
    std::set<std::string> targets;
    if (!uses("s3")) return targets;
    for (const Json& bucket : buckets) {
      const std::string name = bucket.value("Name", "");
      const Json logging = logging_of(bucket);
      const std::string target = logging.value("TargetBucket", "");
      if (!target.empty() && (!self_ || target == name)) targets.insert(target);
      if (!self_ && name.starts_with("cf-templates-")) targets.insert(name);
    }
    return targets;
  }

  static void elb_targets(const aws::Client& client, std::set<std::string>& targets) {
    std::vector<std::string> names;
    client.paginate("elb", "DescribeLoadBalancers", Json::object(), [&](const Json& page) {
      for (const Json& balancer : page.value("LoadBalancerDescriptions", Json::array()))
        names.push_back(balancer.value("LoadBalancerName", ""));
      return true;
    });
    for (const std::string& name : names) {
      Json log;
      try {
        log = client.call("elb", "DescribeLoadBalancerAttributes", {{"LoadBalancerName", name}})
                  .value("LoadBalancerAttributes", Json::object())
                  .value("AccessLog", Json::object());
      } catch (const aws::AwsError& e) {
        if (e.code() != "LoadBalancerNotFound") throw;  // deleted since it was listed
        continue;
      }
      if (log.value("Enabled", false) && log.contains("S3BucketName"))
        targets.insert(log["S3BucketName"].get<std::string>());
    }
  }

  // Trails' buckets, of those in the set (as Cloud Custodian).
  static void trail_targets(const aws::Client& client, const std::vector<Json>& buckets,
                            std::set<std::string>& targets) {
    std::set<std::string> names;
    for (const Json& bucket : buckets) names.insert(bucket.value("Name", ""));
    Json trails = client.call("cloudtrail", "DescribeTrails", Json::object())
                      .value("trailList", Json::array());
    for (const Json& trail : trails) {
      const Json bucket = trail.value("S3BucketName", Json());
      if (bucket.is_string() && names.count(bucket.get<std::string>()))
        targets.insert(bucket.get<std::string>());
    }
  }

  std::vector<std::string> services_;
  bool self_, value_;
};

// toggle-logging (ToggleLogging): logging to the target the options name (enabled, the
// default; target_bucket required), or off (enabled: false). The record keeps the logging it
// replaced and the call that puts it back.
class ToggleLogging : public policy::PerResourceAction {
 public:
  explicit ToggleLogging(const Spec& spec)
      : PerResourceAction("toggle-logging"),
        enable_(spec.optional_bool("enabled", true)),
        target_(spec) {
    if (enable_ && !target_.has_bucket())
      spec.fail("toggle-logging needs 'target_bucket' (or enabled: false to turn logging off)");
  }

 private:
  ActionRecord apply(const Json& bucket, ActionContext& context) const override {
    aws::Client client = context.client_for(bucket);
    std::string bucket_name = context.id_of(bucket);
    Json before = client.call("s3", "GetBucketLogging", {{"Bucket", bucket_name}})
                      .value("LoggingEnabled", Json::object());
    Json wanted = Json::object();
    if (enable_)
      wanted = target_.config(bucket,
                              bucket_variables(bucket, client.session().region(),
                                               context.client.session().region(), &context),
                              alias_.get(context.client));
    if (before == wanted)
      return ActionRecord::unchanged(name(), bucket_name,
                                     enable_ ? "already logging there" : "not logging");
    auto put = [&](const Json& config) {
      Json status = config.empty() ? Json::object() : Json{{"LoggingEnabled", config}};
      return Json{{"Bucket", bucket_name}, {"BucketLoggingStatus", status}};
    };
    client.call("s3", "PutBucketLogging", put(wanted));
    ActionRecord record{name(), bucket_name};
    record.before = {{"Logging", before}};
    record.after = {{"Logging", wanted}};
    record.summary = wanted.empty()
                         ? "access logging turned off"
                         : "access logging to s3://" + wanted["TargetBucket"].get<std::string>() +
                               "/" + wanted["TargetPrefix"].get<std::string>();
    record.undo = Json::array(
        {policy::undo_call("s3", "PutBucketLogging", put(before), client.session().region())});
    return record;
  }

  bool enable_;
  Target target_;
  AccountFact alias_{account_alias};
};

}  // namespace

void register_s3_logging(policy::Registry& registry) {
  registry.add_filter(
      "aws.s3", "bucket-logging",
      policy::filter_info<BucketLogging>(
          {"op", "target_bucket", "target_prefix"},
          "Buckets by their access logging: op enabled/disabled, or equal/not-equal to "
          "target_bucket and target_prefix ({account_id}, {region}, {account}, "
          "{source_bucket_name} filled in; the prefix NAME/ by default)",
          {"iam:ListAccountAliases", "s3:GetBucketLogging"}));
  registry.add_filter(
      "aws.s3", "is-log-target",
      policy::filter_info<IsLogTarget>(
          {"services", "self", "value"},
          "Buckets other things log to (value: false, the others): buckets of the set logging "
          "to them (self: only to themselves), classic load balancers' access logs, CloudTrail "
          "(services: s3, elb, cloudtrail; all by default)",
          {"cloudtrail:DescribeTrails", "elasticloadbalancing:DescribeLoadBalancerAttributes",
           "elasticloadbalancing:DescribeLoadBalancers"}));
  registry.add_action(
      "aws.s3", "toggle-logging",
      policy::action_info<ToggleLogging>(
          {"enabled", "target_bucket", "target_prefix"},
          {"iam:ListAccountAliases", "s3:GetBucketLogging", "s3:PutBucketLogging"},
          "Turn access logging on to target_bucket/target_prefix (variables as bucket-logging's) "
          "or off (enabled: false)"));
}

}  // namespace custos::resources
