// aws.account's enable-cloudtrail (Cloud Custodian's EnableTrail): the trail named logs again
// (an attacker's StopLogging or DeleteTrail undone), made with its bucket and the bucket
// policy CloudTrail needs when missing, and set to the properties asked for. The record keeps
// what was there, so the undo puts it back, and its check reads the trail's status.
#include <set>

#include "aws/client.h"
#include "policy/action.h"
#include "policy/registry.h"
#include "resources/account.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

constexpr const char* kAclSid = "AWSCloudTrailAclCheck20150319";
constexpr const char* kWriteSid = "AWSCloudTrailWrite20150319";

// The bucket policy with CloudTrail's two statements added where no statement has their action
// (as c7n's cloudtrail_policy). Writes go to AWSLogs/ACCOUNT/ (c7n names the bucket itself,
// which CloudTrail's own check refuses).
Json with_cloudtrail_statements(Json policy, const std::string& partition,
                                const std::string& bucket, const std::string& account) {
  if (!policy.is_object()) policy = {{"Version", "2012-10-17"}, {"Statement", Json::array()}};
  std::set<std::string> actions;
  for (const Json& statement : policy["Statement"])
    if (statement.value("Action", Json()).is_string())
      actions.insert(statement["Action"].get<std::string>());
  const std::string arn = "arn:" + partition + ":s3:::" + bucket;
  const Json principal = {{"Service", "cloudtrail.amazonaws.com"}};
  if (!actions.count("s3:GetBucketAcl"))
    policy["Statement"].push_back({{"Sid", kAclSid},
                                   {"Effect", "Allow"},
                                   {"Principal", principal},
                                   {"Action", "s3:GetBucketAcl"},
                                   {"Resource", arn}});
  if (!actions.count("s3:PutObject"))
    policy["Statement"].push_back(
        {{"Sid", kWriteSid},
         {"Effect", "Allow"},
         {"Principal", principal},
         {"Action", "s3:PutObject"},
         {"Resource", arn + "/AWSLogs/" + account + "/*"},
         {"Condition", {{"StringEquals", {{"s3:x-amz-acl", "bucket-owner-full-control"}}}}}});
  return policy;
}

class EnableCloudTrail : public policy::PerResourceAction {
 public:
  explicit EnableCloudTrail(const Spec& spec)
      : PerResourceAction("enable-cloudtrail"),
        trail_(spec.optional_string("trail", "default-trail")),
        bucket_(spec.required_string("bucket")),
        bucket_region_(spec.optional_string("bucket-region", "us-east-1")),
        notify_(spec.optional_string("notify")),
        kms_key_(spec.optional_string("kms-key")),
        multi_region_(spec.optional_bool("multi-region", true)),
        global_events_(spec.optional_bool("global-events", true)),
        file_digest_(spec.optional_bool("file-digest", false)) {
    // c7n's `kms: true` without kms-key changes nothing; with kms-key the key is what counts.
    spec.optional_bool("kms", false);
  }

 protected:
  ActionRecord apply(const Json& account, ActionContext& context) const override {
    const aws::Client& client = context.client;
    const std::string region = client.session().region();
    ActionRecord record{name(), account.value("account_id", "")};
    record.before = Json::object();
    prepare_bucket(context, record);
    Json trail = find_trail(client);
    record.before["Trail"] = trail;
    if (trail.is_null()) {
      trail =
          client.call("cloudtrail", "CreateTrail", {{"Name", trail_}, {"S3BucketName", bucket_}});
      record.undo.insert(record.undo.begin(), policy::undo_call("cloudtrail", "DeleteTrail",
                                                                {{"Name", trail_}}, region));
    }
    // By name: AWS takes the name or the ARN, moto only the name.
    const std::string arn = trail.value("TrailARN", trail_);
    // A trail just made does not log yet (and a dry run's was not made).
    const bool logging =
        !record.before["Trail"].is_null() &&
        client.call("cloudtrail", "GetTrailStatus", {{"Name", trail_}}).value("IsLogging", false);
    record.before["IsLogging"] = logging;
    if (!logging) {
      client.call("cloudtrail", "StartLogging", {{"Name", trail_}});
      if (!record.before["Trail"].is_null())
        record.undo.insert(record.undo.begin(), policy::undo_call("cloudtrail", "StopLogging",
                                                                  {{"Name", trail_}}, region));
    }
    update_trail(client, trail, record, region);
    record.check = policy::check_call("cloudtrail", "GetTrailStatus", {{"Name", trail_}},
                                      "IsLogging == `true`", region);
    if (record.undo.empty() && logging)
      return ActionRecord::unchanged(name(), record.resource_id,
                                     "trail " + trail_ + " already logs as asked");
    record.after = {{"TrailARN", arn}};
    record.summary = (record.before["Trail"].is_null() ? "created trail " : "enabled trail ") +
                     trail_ + " logging to s3://" + bucket_;
    return record;
  }

 private:
  // The bucket, made when missing, and its policy, with CloudTrail's statements when missing.
  void prepare_bucket(ActionContext& context, ActionRecord& record) const {
    const aws::Client s3 = context.client.in_region(bucket_region_);
    Json create = {{"Bucket", bucket_}};
    if (bucket_region_ != "us-east-1")
      create["CreateBucketConfiguration"] = {{"LocationConstraint", bucket_region_}};
    // us-east-1 answers CreateBucket of a bucket one owns with success: ask first.
    try {
      s3.call("s3", "HeadBucket", {{"Bucket", bucket_}});
    } catch (const aws::AwsError& e) {
      if (e.http_status() != 404) throw;
      s3.call("s3", "CreateBucket", create);
      record.undo.push_back(
          policy::undo_call("s3", "DeleteBucket", {{"Bucket", bucket_}}, bucket_region_));
    }
    Json policy;
    try {
      policy = Json::parse(s3.call("s3", "GetBucketPolicy", {{"Bucket", bucket_}})
                               .value("Policy", std::string("null")));
    } catch (const aws::AwsError& e) {
      // NoSuchBucket: a dry run did not make it.
      if (e.code() != "NoSuchBucketPolicy" && e.code() != "NoSuchBucket") throw;
    }
    record.before["BucketPolicy"] = policy;
    Json wanted =
        with_cloudtrail_statements(policy, context.partition(), bucket_, context.account_id());
    if (wanted == policy) return;
    s3.call("s3", "PutBucketPolicy", {{"Bucket", bucket_}, {"Policy", wanted.dump()}});
    record.undo.insert(
        record.undo.begin(),
        policy.is_null()
            ? policy::undo_call("s3", "DeleteBucketPolicy", {{"Bucket", bucket_}}, bucket_region_)
            : policy::undo_call("s3", "PutBucketPolicy",
                                {{"Bucket", bucket_}, {"Policy", policy.dump()}}, bucket_region_));
  }

  Json find_trail(const aws::Client& client) const {
    for (const Json& trail : client.call("cloudtrail", "DescribeTrails", Json::object())
                                 .value("trailList", Json::array()))
      if (trail.value("Name", "") == trail_) return trail;
    return nullptr;
  }

  // The properties that differ, set; the undo sets back those of a trail that was there.
  void update_trail(const aws::Client& client, const Json& trail, ActionRecord& record,
                    const std::string& region) const {
    Json wanted = Json::object(), old = Json::object();
    auto differ = [&](const char* member, const char* param, const Json& value) {
      const Json current = trail.value(member, Json());
      if (current == value || (value == "" && current.is_null())) return;
      wanted[param] = value;
      old[param] = current.is_null() ? (value.is_boolean() ? Json(false) : Json("")) : current;
    };
    differ("IsMultiRegionTrail", "IsMultiRegionTrail", multi_region_);
    differ("IncludeGlobalServiceEvents", "IncludeGlobalServiceEvents", global_events_);
    differ("SnsTopicName", "SnsTopicName", notify_);
    differ("LogFileValidationEnabled", "EnableLogFileValidation", file_digest_);
    differ("KmsKeyId", "KmsKeyId", kms_key_);
    if (wanted.empty()) return;
    wanted["Name"] = trail_;
    client.call("cloudtrail", "UpdateTrail", wanted);
    if (record.before["Trail"].is_null()) return;  // deleting the trail undoes it all
    old["Name"] = trail_;
    record.undo.insert(record.undo.begin(),
                       policy::undo_call("cloudtrail", "UpdateTrail", old, region));
  }

  std::string trail_, bucket_, bucket_region_, notify_, kms_key_;
  bool multi_region_, global_events_, file_digest_;
};

}  // namespace

void register_enable_cloudtrail(policy::Registry& registry) {
  registry.add_action(
      "aws.account", "enable-cloudtrail",
      policy::action_info<EnableCloudTrail>(
          {"trail", "bucket", "bucket-region", "multi-region", "global-events", "notify",
           "file-digest", "kms", "kms-key"},
          {"cloudtrail:CreateTrail", "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus",
           "cloudtrail:StartLogging", "cloudtrail:UpdateTrail", "s3:CreateBucket",
           "s3:GetBucketPolicy", "s3:PutBucketPolicy"},
          "Make the trail named (default-trail) log to `bucket`: the bucket, its policy for "
          "CloudTrail and the trail made when missing, logging started, multi-region, "
          "global-events (both on by default), notify, file-digest and kms-key set"));
}

}  // namespace custos::resources
