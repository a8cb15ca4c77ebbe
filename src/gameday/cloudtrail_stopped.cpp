// An intruder stops a trail to cover their tracks: the pack's CloudTrail policy starts that trail
// again and tells the team; a trail that was off on purpose stays off.
#include "gameday/events.h"
#include "gameday/scenario.h"
#include "gameday/seeding.h"
#include "packs/packs.h"

namespace custos::gameday {
namespace {

// What CloudTrail needs of the bucket it writes to (AWS's documented bucket policy).
std::string trail_bucket_policy(const std::string& bucket, const std::string& account) {
  Json statements = Json::array(
      {{{"Sid", "AWSCloudTrailAclCheck"},
        {"Effect", "Allow"},
        {"Principal", {{"Service", "cloudtrail.amazonaws.com"}}},
        {"Action", "s3:GetBucketAcl"},
        {"Resource", "arn:aws:s3:::" + bucket}},
       {{"Sid", "AWSCloudTrailWrite"},
        {"Effect", "Allow"},
        {"Principal", {{"Service", "cloudtrail.amazonaws.com"}}},
        {"Action", "s3:PutObject"},
        {"Resource", "arn:aws:s3:::" + bucket + "/AWSLogs/" + account + "/*"},
        {"Condition", {{"StringEquals", {{"s3:x-amz-acl", "bucket-owner-full-control"}}}}}}});
  return Json({{"Version", "2012-10-17"}, {"Statement", statements}}).dump();
}

bool is_logging(const aws::Client& client, const std::string& trail) {
  return client.call("cloudtrail", "GetTrailStatus", {{"Name", trail}}).value("IsLogging", false);
}

class CloudTrailStopped : public Scenario {
 public:
  std::string name() const override { return "cloudtrail-stopped"; }
  std::string description() const override {
    return "an intruder stops a trail (CloudTrail StopLogging): that trail logs again at once "
           "and the team is told";
  }
  std::string policy_yaml() const override {
    return packs::shipped_policy("incident-response/cloudtrail-stopped.yml");
  }

  Seeded seed(const aws::Client& client, std::ostream& out) const override {
    std::string run_id = new_run_id();
    std::string bucket = "custos-gameday-trail-" + run_id;
    std::string account = client.call("sts", "GetCallerIdentity").value("Account", "");
    create_bucket(client, bucket);
    client.call("s3", "PutBucketPolicy",
                {{"Bucket", bucket}, {"Policy", trail_bucket_policy(bucket, account)}});
    Seeded seeded;
    seeded.target_id = "custos-gameday-audit-" + run_id;
    seeded.bystander_ids = {"custos-gameday-quiet-" + run_id};
    for (const std::string& trail : {seeded.target_id, seeded.bystander_ids[0]})
      client.call("cloudtrail", "CreateTrail", {{"Name", trail}, {"S3BucketName", bucket}});
    client.call("cloudtrail", "StartLogging", {{"Name", seeded.target_id}});
    client.call("cloudtrail", "StopLogging", {{"Name", seeded.target_id}});  // the intruder
    seeded.details = {{"bucket", bucket},
                      {"arn", client.call("cloudtrail", "GetTrail", {{"Name", seeded.target_id}})
                                  .at("Trail")
                                  .value("TrailARN", "")},
                      {"queue", alert_queue_json(alert_queue(client))}};
    out << "seed       trails " << seeded.target_id << " (logging, then stopped by the intruder) "
        << "and " << seeded.bystander_ids[0] << " (never started) into bucket " << bucket
        << "; queue custos-alerts\n";
    return seeded;
  }

  Json finding(const aws::Client& client, const Seeded& seeded) const override {
    return cloudtrail_event(client, "cloudtrail.amazonaws.com", "StopLogging",
                            {{"name", seeded.details.value("arn", "")}});
  }

  std::vector<Check> verify(const aws::Client& client, const Seeded& seeded) const override {
    return {check_equal(seeded.target_id + " is logging again",
                        is_logging(client, seeded.target_id), true),
            alert_sent(client, seeded.details.at("queue")),
            check_equal(seeded.bystander_ids.at(0) + " (not in the event) still not logging",
                        is_logging(client, seeded.bystander_ids.at(0)), false)};
  }

  void clean_up(const aws::Client& client, const Seeded& seeded, std::ostream& out) const override {
    for (const std::string& trail : {seeded.target_id, seeded.bystander_ids.at(0)})
      client.call("cloudtrail", "DeleteTrail", {{"Name", trail}});
    std::string bucket = seeded.details.value("bucket", "");
    for (const Json& object :
         client.call("s3", "ListObjectsV2", {{"Bucket", bucket}}).value("Contents", Json::array()))
      client.call("s3", "DeleteObject", {{"Bucket", bucket}, {"Key", object["Key"]}});
    client.call("s3", "DeleteBucket", {{"Bucket", bucket}});
    remove_alert_queue(client, seeded.details.at("queue"));
    out << "clean-up   deleted both trails and bucket " << bucket << "\n";
  }
};

}  // namespace

const Scenario& cloudtrail_stopped_scenario() {
  static const CloudTrailStopped scenario;
  return scenario;
}

}  // namespace custos::gameday
