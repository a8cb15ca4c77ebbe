#include "resources/s3.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "aws/client.h"
#include "policy/describe.h"
#include "policy/related_filter.h"
#include "resources/kms_key.h"
#include "resources/s3_support.h"
#include "resources/statements.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::DetailCall;
using policy::FilterContext;
using policy::Spec;

// A filter that records what it found on the resources it judges in process() (as Cloud
// Custodian annotates them) and judges alone, without recording, in match().
class AnnotatingFilter : public policy::Filter {
 public:
  bool match(const Json& resource, const FilterContext& context) const override {
    Json copy = resource;
    return judge(copy, context);
  }
  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& resource : resources)
      if (judge(resource, context)) kept.push_back(std::move(resource));
    return kept;
  }
  policy::StoredMatcherPtr stored_matcher(const DocStore&) const override { return nullptr; }

 protected:
  virtual bool judge(Json& resource, const FilterContext& context) const = 0;
};

// check-public-block (Cloud Custodian's FilterPublicBlock): without options, buckets where a
// setting is off; with options, buckets whose settings are those given. The configuration is
// the document's PublicAccessBlock when it has one, else asked of S3, and is kept on the
// bucket as c7n:PublicAccessBlock.
class CheckPublicBlock : public AnnotatingFilter {
 public:
  explicit CheckPublicBlock(const Spec& spec) {
    for (const char* key : kPublicBlockKeys)
      if (spec.has(key)) wanted_[key] = spec.optional_bool(key, false);
  }
  std::vector<std::string> permissions() const override {
    return {"s3:GetBucketPublicAccessBlock"};
  }

 private:
  bool judge(Json& bucket, const FilterContext& context) const override {
    if (!bucket.contains(kPublicBlockAnnotation)) {
      Json found = configuration(bucket, context);
      bucket[kPublicBlockAnnotation] = std::move(found);
    }
    const Json& config = bucket[kPublicBlockAnnotation];
    if (wanted_.empty())
      return !std::all_of(std::begin(kPublicBlockKeys), std::end(kPublicBlockKeys),
                          [&](const char* key) { return config.value(key, false); });
    for (const auto& [key, value] : wanted_.items())
      if (config.value(key, false) != value) return false;
    return true;
  }

  Json configuration(Json& bucket, const FilterContext& context) const {
    auto listed = bucket.find("PublicAccessBlock");
    if (listed != bucket.end()) return listed->is_object() ? *listed : public_block_off();
    if (!context.client)
      throw Error(
          "check-public-block needs the bucket's public access block from S3, and this "
          "run makes no AWS calls (evaluate a resources.json written by custos run)");
    try {
      return bucket_public_block(bucket_client(*context.client, bucket), bucket.value("Name", ""))
          .value_or(public_block_off());
    } catch (const aws::AwsError& e) {
      if (e.code() != "AccessDenied") throw;
      Json& denied = bucket["c7n:DeniedMethods"];
      if (!denied.is_array()) denied = Json::array();
      denied.push_back("GetPublicAccessBlock");
      return public_block_off();
    }
  }

  Json wanted_ = Json::object();
};

// has-statement (Cloud Custodian's HasStatementFilter): the bucket policy has every listed
// Sid and a statement matching each listed one. The policy's statements that did are kept as
// c7n:MatchedStatements, for remove-statements' `matched`.
class HasStatement : public AnnotatingFilter {
 public:
  explicit HasStatement(const Spec& spec)
      : requirement_(spec.string_list("statement_ids"),
                     statements_option(spec, "statements", false, true)) {
    check_formats(spec, "statements");
  }

 private:
  bool judge(Json& bucket, const FilterContext& context) const override {
    const Json policy = bucket.value("Policy", Json());
    if (!policy.is_string()) return false;
    Json document = parse_policy_text(policy.get<std::string>(),
                                      "the bucket policy of " + bucket.value("Name", "?"));
    std::string region = context.client ? context.client->session().region() : "";
    auto found = requirement_.satisfied_by(
        document.value("Statement", Json::array()),
        bucket_variables(bucket, bucket_region(bucket, region), region, nullptr));
    if (!found) return false;
    Json& matched = bucket[kMatchedStatements];
    if (!matched.is_array()) matched = Json::array();
    for (const Json& statement : *found)
      if (std::find(matched.begin(), matched.end(), statement) == matched.end())
        matched.push_back(statement);
    return true;
  }

  StatementRequirement requirement_;
};

// missing-statement / missing-policy-statement: buckets without a policy, or whose policy
// lacks one of the listed Sids.
class MissingStatement : public policy::Filter {
 public:
  explicit MissingStatement(const Spec& spec) : ids_(spec.string_list("statement_ids")) {}

  bool match(const Json& bucket, const FilterContext&) const override {
    const Json policy = bucket.value("Policy", Json());
    if (!policy.is_string()) return true;
    Json statements = parse_policy_text(policy.get<std::string>(),
                                        "the bucket policy of " + bucket.value("Name", "?"))
                          .value("Statement", Json::array());
    return std::any_of(ids_.begin(), ids_.end(), [&](const std::string& id) {
      return std::none_of(statements.begin(), statements.end(), [&](const Json& statement) {
        return statement.is_object() && statement.value("Sid", Json()) == id;
      });
    });
  }

 private:
  std::vector<std::string> ids_;
};

// no-encryption-statement (Cloud Custodian's EncryptionEnabledFilter): buckets without a
// policy, or whose policy lacks the statement denying unencrypted PutObject. As there, each
// statement is compared with that statement given the Sid and Resource seen last.
class NoEncryptionStatement : public policy::Filter {
 public:
  explicit NoEncryptionStatement(const Spec&) {}
  bool match(const Json& bucket, const FilterContext&) const override {
    const Json policy = bucket.value("Policy", Json());
    if (!policy.is_string()) return true;
    Json wanted = {
        {"Effect", "Deny"},
        {"Principal", "*"},
        {"Action", "s3:PutObject"},
        {"Condition",
         {{"StringNotEquals", {{"s3:x-amz-server-side-encryption", {"AES256", "aws:kms"}}}}}}};
    Json statements = parse_policy_text(policy.get<std::string>(),
                                        "the bucket policy of " + bucket.value("Name", "?"))
                          .value("Statement", Json::array());
    for (const Json& statement : statements) {
      if (!statement.is_object()) continue;
      for (const char* key : {"Sid", "Resource"})
        if (statement.contains(key)) wanted[key] = statement[key];
      if (statement == wanted) return false;
    }
    return true;
  }
};

// global-grants (Cloud Custodian's GlobalGrantsFilter): ACL grants to everyone or to every AWS
// account, READ on a website bucket aside unless allow_website is false; the permissions
// granted are kept as GlobalPermissions. `operator` is accepted and, as in Cloud Custodian,
// changes nothing.
class GlobalGrants : public AnnotatingFilter {
 public:
  explicit GlobalGrants(const Spec& spec)
      : allow_website_(spec.optional_bool("allow_website", true)),
        permissions_(permission_list_option(spec, "permissions")) {
    std::string op = spec.optional_string("operator", "or");
    if (op != "or" && op != "and") spec.child("operator").fail("'operator' must be 'or' or 'and'");
  }

 private:
  bool judge(Json& bucket, const FilterContext&) const override {
    Json found = Json::array();
    for (const Json& grant : global_grants(bucket.value("Acl", Json()), is_website(bucket),
                                           allow_website_, kGlobalGroups))
      if (permissions_.empty() || std::find(permissions_.begin(), permissions_.end(),
                                            grant.value("Permission", "")) != permissions_.end())
        found.push_back(grant.value("Permission", ""));
    if (found.empty()) return false;
    Json& annotation = bucket["GlobalPermissions"];
    if (!annotation.is_array()) annotation = Json::array();
    annotation.insert(annotation.end(), found.begin(), found.end());
    return true;
  }

  bool allow_website_;
  std::vector<std::string> permissions_;
};

// bucket-encryption (Cloud Custodian's BucketEncryption) over the bucket's default encryption
// (its Encryption, fetched with the bucket): state true (the default) keeps buckets whose first
// rule encrypts by default (with `crypto` when given), false those whose does not;
// bucket_key_enabled judges the rule's BucketKeyEnabled instead. With crypto: aws:kms, `key`
// (a key id or ARN, an alias name or ARN) must be the rule's KMSMasterKeyID (alias/aws/s3 when
// it names none) by any of the key's names: resolved once per bucket region (DescribeKey,
// ListAliases); a key KMS does not know matches no bucket.
class BucketEncryption : public policy::Filter {
 public:
  explicit BucketEncryption(const Spec& spec)
      : state_(spec.optional_bool("state", true)),
        crypto_(spec.has("crypto") ? spec.one_of("crypto", {"AES256", "aws:kms"}) : ""),
        key_(spec.has("key") ? spec.required_string("key") : "") {
    if (spec.has("bucket_key_enabled"))
      bucket_key_ = spec.optional_bool("bucket_key_enabled", false);
  }

  bool match(const Json& bucket, const policy::FilterContext& context) const override {
    const Json& encryption = bucket.contains("Encryption") ? bucket["Encryption"] : Json();
    Json rules = encryption.is_object() ? encryption.value("Rules", Json::array()) : Json::array();
    if (bucket_key_ && !rules.empty())
      return rules[0].value("BucketKeyEnabled", false) == *bucket_key_;
    if (rules.empty()) return !state_;
    return encrypts(rules[0], bucket, context) == state_;
  }

 private:
  bool encrypts(const Json& rule, const Json& bucket, const policy::FilterContext& context) const {
    auto by_default = rule.find("ApplyServerSideEncryptionByDefault");
    if (by_default == rule.end() || !by_default->is_object()) return false;
    std::string algorithm = by_default->value("SSEAlgorithm", "");
    if (crypto_.empty()) return algorithm == "AES256" || algorithm == "aws:kms";
    if (algorithm != crypto_) return false;
    if (crypto_ != "aws:kms" || key_.empty()) return true;
    const Json names = key_names(bucket, context);
    const Json master = by_default->value("KMSMasterKeyID", Json("alias/aws/s3"));
    return std::find(names.begin(), names.end(), master) != names.end();
  }

  // The key's id, ARN, alias names and alias ARNs in the bucket's region (empty: no such key).
  Json key_names(const Json& bucket, const policy::FilterContext& context) const {
    if (!context.client)
      throw Error("bucket-encryption's key " + key_ + " needs AWS access to resolve its aliases");
    aws::Client client = bucket_client(*context.client, bucket);
    const std::string region = client.session().region();
    {
      std::lock_guard lock(mutex_);
      auto known = names_.find(region);
      if (known != names_.end()) return known->second;
    }
    Json key = kms_key_named(client, key_);
    Json names = Json::array();
    if (key.is_object()) {
      std::string arn = key.value("Arn", "");
      names.push_back(key.value("KeyId", ""));
      names.push_back(arn);
      std::string prefix = arn.substr(0, arn.find(":key/") + 1);
      for (const Json& alias : key.value("AliasNames", Json::array())) {
        names.push_back(alias);
        if (!prefix.empty()) names.push_back(prefix + alias.get<std::string>());
      }
    }
    std::lock_guard lock(mutex_);
    return names_.emplace(region, names).first->second;
  }

  bool state_;
  std::string crypto_;
  std::string key_;
  std::optional<bool> bucket_key_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, Json> names_;  // region -> the key's names there
};

// The data of a value filter over one S3 call per bucket (Cloud Custodian's lock-configuration
// and ownership): `select` of the answer, null where S3 answers `absent_code`.
policy::RelatedData bucket_data(std::string annotation, std::string operation, std::string select,
                                std::string absent_code, std::string permission) {
  return {.annotation_key = std::move(annotation),
          .fetch =
              [operation, select, absent_code](const Json& bucket, const aws::Client& client) {
                try {
                  return bucket_client(client, bucket)
                      .call("s3", operation, {{"Bucket", bucket.value("Name", "")}})
                      .value(select, Json());
                } catch (const aws::AwsError& e) {
                  if (e.code() != absent_code) throw;
                  return Json();
                }
              },
          .permissions = {std::move(permission)}};
}

// ownership (Cloud Custodian's BucketOwnershipControls): a value filter on the bucket's
// ObjectOwnership, whose key is fixed and whose values are S3's settings or the value filter's
// absent/present/empty/not-null.
policy::FilterInfo ownership_filter() {
  policy::FilterInfo info = policy::related_filter_info(
      bucket_data("c7n:ownership", "GetBucketOwnershipControls", "OwnershipControls",
                  "OwnershipControlsNotFoundError", "s3:GetBucketOwnershipControls"),
      "Buckets by their object ownership (BucketOwnerEnforced: ACLs disabled)",
      "Rules[].ObjectOwnership | [0]");
  info.factory = [make = info.factory](const Spec& spec, const policy::BuildContext& context) {
    if (spec.has("key"))
      spec.child("key").at_key().fail("ownership compares ObjectOwnership: it takes no 'key'");
    static const std::vector<std::string> kValues = {"BucketOwnerEnforced",
                                                     "BucketOwnerPreferred",
                                                     "ObjectWriter",
                                                     "absent",
                                                     "present",
                                                     "not-null",
                                                     "empty"};
    Json values = spec.has("value") ? spec.value()["value"] : Json::array();
    for (const Json& value : values.is_array() ? values : Json::array({values}))
      if (!value.is_string() ||
          std::find(kValues.begin(), kValues.end(), value.get<std::string>()) == kValues.end())
        spec.child("value").fail(
            "ownership values are BucketOwnerEnforced, BucketOwnerPreferred, "
            "ObjectWriter, absent, present, not-null or empty, not " +
            value.dump());
    return make(spec, context);
  };
  std::erase(info.options, "key");
  return info;
}

DetailCall bucket_call(std::string operation, std::string key, Json absent,
                       std::string select = {}) {
  return {.operation = std::move(operation),
          .params = {{"Bucket", "Name"}},
          .select = std::move(select),
          .key = std::move(key),
          .absent = std::move(absent)};
}

// Cloud Custodian's S3_AUGMENT_TABLE, then the public access block and default encryption an
// incident responder checks first.
std::vector<DetailCall> bucket_details() {
  DetailCall location = bucket_call(
      "GetBucketLocation", "Location", Json::object(),
      // Cloud Custodian writes the legacy EU as eu-west-1 on the bucket.
      "{LocationConstraint: LocationConstraint == 'EU' && 'eu-west-1' || LocationConstraint}");
  location.absent_codes = {"NoSuchBucket"};
  location.required = true;  // deleted since it was listed
  location.sets_region = true;
  DetailCall public_block = bucket_call("GetPublicAccessBlock", "PublicAccessBlock", nullptr,
                                        "PublicAccessBlockConfiguration");
  public_block.absent_codes = {"NoSuchPublicAccessBlockConfiguration"};
  DetailCall encryption = bucket_call("GetBucketEncryption", "Encryption", nullptr,
                                      "ServerSideEncryptionConfiguration");
  encryption.absent_codes = {"ServerSideEncryptionConfigurationNotFoundError"};
  return {location, bucket_call("GetBucketTagging", "Tags", Json::array(), "TagSet"),
          bucket_call("GetBucketPolicy", "Policy", nullptr, "Policy"),
          bucket_call("GetBucketAcl", "Acl", nullptr),
          bucket_call("GetBucketReplication", "Replication", nullptr),
          bucket_call("GetBucketVersioning", "Versioning", nullptr),
          bucket_call("GetBucketWebsite", "Website", nullptr),
          // Cloud Custodian keeps the whole (empty) answer when logging is off.
          bucket_call("GetBucketLogging", "Logging", nullptr, "LoggingEnabled || @"),
          bucket_call("GetBucketNotificationConfiguration", "Notification", nullptr),
          bucket_call("GetBucketLifecycleConfiguration", "Lifecycle", nullptr), public_block,
          encryption};
}

// The accounts AWS delivers ELB, Redshift and CloudTrail logs to buckets from: Cloud
// Custodian's S3 cross-account allows them in bucket policies.
const std::vector<std::string> kLogDeliveryAccounts = {
    // ELB: us-east-1, us-east-2, us-west-1, us-west-2, af-south-1, ca-central-1, eu-central-1,
    // eu-north-1, eu-south-1, eu-west-1, eu-west-2, eu-west-3, ap-east-1, ap-northeast-1,
    // ap-northeast-2, ap-northeast-3, ap-southeast-1, ap-southeast-2, ap-south-1, me-south-1,
    // sa-east-1, us-gov-west-1, us-gov-east-1, cn-north-1, cn-northwest-1
    "127311923021", "033677994240", "027434742980", "797873946194", "098369216593", "985666609251",
    "054676820928", "897822967062", "635631232127", "156460612806", "652711504416", "009996457667",
    "754344448648", "582318560864", "600734575887", "383597477331", "114774131450", "783225319266",
    "718504428378", "076674570225", "507241528517", "048591011584", "190560391635", "638102146993",
    "037604701340",
    // Redshift audit logging: us-east-1, us-east-2, us-west-1, us-west-2, af-south-1, ap-east-1,
    // ap-south-1, ap-northeast-3, ap-northeast-2, ap-southeast-1, ap-southeast-2,
    // ap-northeast-1, ca-central-1, eu-central-1, eu-west-1, eu-west-2, eu-south-1, eu-west-3,
    // eu-north-1, me-south-1, sa-east-1
    "193672423079", "391106570357", "262260360010", "902366379725", "365689465814", "313564881002",
    "865932855811", "090321488786", "760740231472", "361669875840", "762762565011", "404641285394",
    "907379612154", "053454850223", "210876761215", "307160386991", "945612479654", "915173422425",
    "729911121831", "013126148197", "075028567923",
    // CloudTrail: us-east-1, us-west-2, us-west-1, us-west-2, ca-central-1, ap-south-1,
    // ap-northeast-2, ap-southeast-1, ap-southeast-2, ap-northeast-1, eu-central-1, eu-west-1,
    // eu-west-2, sa-east-1
    "086441151436", "475085895292", "388731089494", "113285607260", "819402241893", "977081816279",
    "492519147666", "903692715234", "284668455005", "216624486486", "035351147821", "859597730677",
    "282025262664", "814480443879"};

}  // namespace

void register_s3(policy::Registry& registry) {
  registry.add_resource({
      .name = "aws.s3",
      .aliases = {"s3"},
      .service = "s3",
      .enumerate_operation = "ListBuckets",
      .result_path = "Buckets[]",
      .details = bucket_details(),
      .permissions = {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketTagging",
                      "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetReplicationConfiguration",
                      "s3:GetBucketVersioning", "s3:GetBucketWebsite", "s3:GetBucketLogging",
                      "s3:GetBucketNotification", "s3:GetLifecycleConfiguration",
                      "s3:GetBucketPublicAccessBlock", "s3:GetEncryptionConfiguration"},
      .lookup = policy::ResourceType::Lookup::kEnumerate,
      .id_field = "Name",
      .date_field = "CreationDate",
      .region_field = kBucketRegionField,
      .arn_format = "arn:{partition}:s3:::{id}",
      .tagging = {.api = policy::ResourceType::Tagging::Api::kS3},
      .guard_duty = {{.resource_type = "S3Bucket",
                      .ids = "detail.resource.s3BucketDetails[].name"}},
      .access = policy::ResourceType::Access{.policy = "Policy",
                                             .call = {.operation = "GetBucketPolicy",
                                                      .params = {{"Bucket", "Name"}},
                                                      .select = "Policy",
                                                      .key = "Policy"},
                                             .trusted_accounts = kLogDeliveryAccounts,
                                             .write =
                                                 policy::ResourceType::Access::Write{
                                                     .params = {{"Bucket", "Name"}},
                                                     .operation = "PutBucketPolicy",
                                                     .text_param = "Policy",
                                                     .delete_operation = "DeleteBucketPolicy"}},
      // Cloud Custodian's delete empties the bucket first unless remove-contents is false.
      .actions = {{.operation = "DeleteBucket",
                   .params = {{"Bucket", "Name"}},
                   .options = {{.name = "remove-contents",
                                .prepare = empty_bucket,
                                .default_value = true}},
                   .gone_codes = {"NoSuchBucket"}}},
  });
  registry.add_filter(
      "aws.s3", "check-public-block",
      policy::filter_info<CheckPublicBlock>(
          {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"},
          "Buckets whose public access block has the given settings (none given: any setting "
          "off)"));
  registry.add_filter("aws.s3", "has-statement",
                      policy::filter_info<HasStatement>(
                          {"statement_ids", "statements"},
                          "Buckets whose policy has these statement ids and statements "
                          "(PartialMatch: elements that need only contain the given values)"));
  for (const char* name : {"missing-statement", "missing-policy-statement"})
    registry.add_filter("aws.s3", name,
                        policy::filter_info<MissingStatement>(
                            {"statement_ids"}, "Buckets whose policy lacks one of these Sids"));
  registry.add_filter("aws.s3", "no-encryption-statement",
                      policy::filter_info<NoEncryptionStatement>(
                          {}, "Buckets whose policy does not deny unencrypted uploads"));
  registry.add_filter("aws.s3", "ownership", ownership_filter());
  registry.add_filter("aws.s3", "bucket-encryption",
                      policy::filter_info<BucketEncryption>(
                          {"state", "crypto", "key", "bucket_key_enabled"},
                          "Buckets whose default encryption is on (state: true, the default) or "
                          "off, optionally by algorithm (crypto: AES256 | aws:kms) and KMS key",
                          {"s3:GetEncryptionConfiguration", "kms:DescribeKey", "kms:ListAliases"}));
  registry.add_filter(
      "aws.s3", "lock-configuration",
      policy::related_filter_info(
          bucket_data("c7n:ObjectLockConfiguration", "GetObjectLockConfiguration",
                      "ObjectLockConfiguration", "ObjectLockConfigurationNotFoundError",
                      "s3:GetBucketObjectLockConfiguration"),
          "Buckets by their object lock configuration (null: none)"));
  registry.add_filter(
      "aws.s3", "global-grants",
      policy::filter_info<GlobalGrants>(
          {"allow_website", "operator", "permissions"},
          "Buckets whose ACL grants everyone or every AWS account access (allow_website: "
          "READ on a website is fine, the default)"));
  register_s3_actions(registry);
  register_s3_logging(registry);
  register_s3_intelligent_tiering(registry);
  register_s3_notifications(registry);
  register_tag_actions(registry, "aws.s3");
}

}  // namespace custos::resources
