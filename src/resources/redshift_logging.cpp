// set-logging on aws.redshift (Cloud Custodian's SetRedshiftLogging): audit logging on (state:
// enabled) to `bucket` under `prefix`, or off (disabled); a cluster already so is left alone,
// and the undo puts back the logging it had.
#include "aws/client.h"
#include "policy/action.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;

class SetRedshiftLogging : public policy::PerResourceAction {
 public:
  explicit SetRedshiftLogging(const policy::Spec& spec)
      : PerResourceAction("set-logging"),
        enabled_(spec.one_of("state", {"enabled", "disabled"}) == "enabled"),
        bucket_(spec.optional_string("bucket")),
        prefix_(spec.optional_string("prefix")) {
    if (enabled_ && bucket_.empty()) spec.fail("set-logging with state: enabled needs bucket");
  }

 private:
  ActionRecord apply(const Json& cluster, ActionContext& context) const override {
    const std::string id = context.id_of(cluster);
    const Json where = {{"ClusterIdentifier", id}};
    Json now = context.client.call("redshift", "DescribeLoggingStatus", where);
    const bool on = now.value("LoggingEnabled", false);
    if (on == enabled_ && (!enabled_ || (now.value("BucketName", "") == bucket_ &&
                                         now.value("S3KeyPrefix", "") == prefix_)))
      return ActionRecord::unchanged(name(), id, enabled_ ? "it logs there" : "it does not log");
    context.client.call("redshift", enabled_ ? "EnableLogging" : "DisableLogging",
                        enabled_ ? logging_to(id, bucket_, prefix_) : where);
    ActionRecord record{name(), id};
    record.before = now;
    record.summary = enabled_ ? "audit logs to s3://" + bucket_ + "/" + prefix_ : "audit logs off";
    const std::string& region = context.client.session().region();
    record.undo = Json::array(
        {on ? policy::undo_call(
                  "redshift", "EnableLogging",
                  logging_to(id, now.value("BucketName", ""), now.value("S3KeyPrefix", "")), region)
            : policy::undo_call("redshift", "DisableLogging", where, region)});
    record.check = policy::check_call(
        "redshift", "DescribeLoggingStatus", where,
        enabled_ ? "LoggingEnabled && BucketName == " + policy::jmespath_literal(bucket_)
                 : "!LoggingEnabled",
        region);
    return record;
  }

  static Json logging_to(const std::string& id, const std::string& bucket,
                         const std::string& prefix) {
    Json params = {{"ClusterIdentifier", id}, {"BucketName", bucket}};
    if (!prefix.empty()) params["S3KeyPrefix"] = prefix;
    return params;
  }

  bool enabled_;
  std::string bucket_;
  std::string prefix_;
};

}  // namespace

void register_redshift_logging(policy::Registry& registry) {
  registry.add_action(
      "aws.redshift", "set-logging",
      policy::action_info<SetRedshiftLogging>(
          {"state", "bucket", "prefix"},
          {"redshift:DescribeLoggingStatus", "redshift:EnableLogging", "redshift:DisableLogging"},
          "Audit logging on (state: enabled) to bucket under prefix, or off "
          "(disabled); undo puts back the logging it had"));
}

}  // namespace custos::resources
