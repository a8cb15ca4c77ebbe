// A bucket made readable by anyone: the pack's S3 policy blocks public access on that bucket
// and removes the grants to everyone; the other bucket is left as it is.
#include "gameday/events.h"
#include "gameday/scenario.h"
#include "gameday/seeding.h"
#include "packs/packs.h"

namespace custos::gameday {
namespace {

constexpr const char* kAllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";

// A bucket's public access block, or null when it has none.
Json public_access_block(const aws::Client& client, const std::string& bucket) {
  try {
    return client.call("s3", "GetPublicAccessBlock", {{"Bucket", bucket}})
        .value("PublicAccessBlockConfiguration", Json());
  } catch (const aws::AwsError& e) {
    if (e.code() == "NoSuchPublicAccessBlockConfiguration") return nullptr;
    throw;
  }
}

std::size_t public_grants(const aws::Client& client, const std::string& bucket) {
  std::size_t grants = 0;
  for (const Json& grant :
       client.call("s3", "GetBucketAcl", {{"Bucket", bucket}}).value("Grants", Json::array()))
    grants += grant.value("Grantee", Json::object()).value("URI", "") == kAllUsers;
  return grants;
}

Json tags_of(const aws::Client& client, const std::string& bucket) {
  try {
    return client.call("s3", "GetBucketTagging", {{"Bucket", bucket}}).value("TagSet", Json());
  } catch (const aws::AwsError& e) {
    if (e.code() == "NoSuchTagSet") return Json::array();
    throw;
  }
}

class S3BucketExposed : public Scenario {
 public:
  std::string name() const override { return "s3-bucket-exposed"; }
  std::string description() const override {
    return "a bucket is opened to anyone (GuardDuty Policy:S3/BucketAnonymousAccessGranted): "
           "public access is blocked on it and the grants to everyone removed";
  }
  std::string policy_yaml() const override {
    return packs::shipped_policy("incident-response/s3-exposure.yml");
  }

  Seeded seed(const aws::Client& client, std::ostream& out) const override {
    std::string run_id = new_run_id();
    Seeded seeded;
    seeded.target_id = "custos-gameday-exposed-" + run_id;
    seeded.bystander_ids = {"custos-gameday-private-" + run_id};
    create_bucket(client, seeded.target_id);
    create_bucket(client, seeded.bystander_ids[0]);
    // What an insider or a mistake does: every account's block lifted, objects owned by writers
    // (so ACLs apply), then the bucket granted to AllUsers.
    client.call("s3", "PutBucketOwnershipControls",
                {{"Bucket", seeded.target_id},
                 {"OwnershipControls",
                  {{"Rules", Json::array({{{"ObjectOwnership", "BucketOwnerPreferred"}}})}}}});
    client.call("s3", "DeletePublicAccessBlock", {{"Bucket", seeded.target_id}});
    client.call("s3", "PutBucketAcl", {{"Bucket", seeded.target_id}, {"ACL", "public-read"}});
    out << "seed       bucket " << seeded.target_id << " (public-read, no public access block); "
        << "bystander bucket " << seeded.bystander_ids[0] << "\n";
    return seeded;
  }

  Json finding(const aws::Client& client, const Seeded& seeded) const override {
    Json bucket = {{"name", seeded.target_id},
                   {"arn", "arn:aws:s3:::" + seeded.target_id},
                   {"type", "Destination"}};
    return guardduty_finding(
        client,
        {.type = "Policy:S3/BucketAnonymousAccessGranted",
         .severity = 8,
         .resource = {{"resourceType", "S3Bucket"}, {"s3BucketDetails", Json::array({bucket})}},
         .action = {{"actionType", "AWS_API_CALL"},
                    {"awsApiCallAction", {{"api", "PutBucketAcl"}}}},
         .title = "Amazon S3 bucket " + seeded.target_id + " allows anonymous access."});
  }

  std::vector<Check> verify(const aws::Client& client, const Seeded& seeded) const override {
    const std::string& bucket = seeded.target_id;
    const std::string& other = seeded.bystander_ids.at(0);
    Json all_on = {{"BlockPublicAcls", true},
                   {"IgnorePublicAcls", true},
                   {"BlockPublicPolicy", true},
                   {"RestrictPublicBuckets", true}};
    return {check_equal(bucket + " blocks public access (all four settings)",
                        public_access_block(client, bucket), all_on),
            check_equal(bucket + " grants nothing to everyone (AllUsers grants)",
                        public_grants(client, bucket), 0),
            check_equal(bucket + " tagged custos-incident=s3-exposed", tags_of(client, bucket),
                        Json::array({{{"Key", "custos-incident"}, {"Value", "s3-exposed"}}})),
            check_equal(other + " (not in the finding) left without a block of its own",
                        public_access_block(client, other), nullptr)};
  }

  void clean_up(const aws::Client& client, const Seeded& seeded, std::ostream& out) const override {
    client.call("s3", "DeleteBucket", {{"Bucket", seeded.target_id}});
    client.call("s3", "DeleteBucket", {{"Bucket", seeded.bystander_ids.at(0)}});
    out << "clean-up   deleted buckets " << seeded.target_id << " and "
        << seeded.bystander_ids.at(0) << "\n";
  }
};

}  // namespace

const Scenario& s3_bucket_exposed_scenario() {
  static const S3BucketExposed scenario;
  return scenario;
}

}  // namespace custos::gameday
