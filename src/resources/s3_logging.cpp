// aws.s3's server access logging, Cloud Custodian's bucket-logging filter and toggle-logging
// action: a bucket's access log is the record of who read what during an incident, and an
// intruder who turns it off or points it elsewhere erases that record.
#include <mutex>

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
  registry.add_action(
      "aws.s3", "toggle-logging",
      policy::action_info<ToggleLogging>(
          {"enabled", "target_bucket", "target_prefix"},
          {"iam:ListAccountAliases", "s3:GetBucketLogging", "s3:PutBucketLogging"},
          "Turn access logging on to target_bucket/target_prefix (variables as bucket-logging's) "
          "or off (enabled: false)"));
}

}  // namespace custos::resources
