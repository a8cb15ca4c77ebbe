// aws.s3's actions. Each reads the bucket's state afresh in the bucket's region, does nothing
// (outcome unchanged) when it is already what the action would make it, and records what it
// replaced with the calls that put it back.
#include <algorithm>

#include "core/lists.h"
#include "policy/shape_check.h"
#include "policy/vars.h"
#include "resources/s3_support.h"
#include "resources/statements.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;
using policy::undo_call;

// One of the bucket's settings now: `member` of `operation`'s answer, or nullopt when S3
// answers `absent_code` (the bucket has none).
std::optional<Json> bucket_setting(const aws::Client& client, const std::string& bucket,
                                   const std::string& operation, const std::string& member,
                                   const std::string& absent_code) {
  try {
    return client.call("s3", operation, {{"Bucket", bucket}}).value(member, Json());
  } catch (const aws::AwsError& e) {
    if (e.code() == absent_code) return std::nullopt;
    throw;
  }
}

// The bucket policy's text now, or nullopt when the bucket has none.
std::optional<std::string> current_policy(const aws::Client& client, const std::string& bucket) {
  std::optional<Json> text =
      bucket_setting(client, bucket, "GetBucketPolicy", "Policy", "NoSuchBucketPolicy");
  if (!text) return std::nullopt;
  return text->is_string() ? text->get<std::string>() : "";
}

// Writes `document` as the bucket's policy, or deletes the policy when no statement is left.
ActionRecord write_policy(const std::string& action, const std::string& bucket,
                          const aws::Client& client, const std::optional<std::string>& before,
                          Json document) {
  ActionRecord record{action, bucket};
  const std::string& region = client.session().region();
  record.before = {{"Policy", before ? Json(*before) : Json()}};
  if (document["Statement"].empty()) {
    client.call("s3", "DeleteBucketPolicy", {{"Bucket", bucket}});
    record.after = {{"Policy", nullptr}};
  } else {
    std::string text = document.dump();
    client.call("s3", "PutBucketPolicy", {{"Bucket", bucket}, {"Policy", text}});
    record.after = {{"Policy", text}};
  }
  record.undo =
      Json::array({before ? undo_call("s3", "PutBucketPolicy",
                                      {{"Bucket", bucket}, {"Policy", *before}}, region)
                          : undo_call("s3", "DeleteBucketPolicy", {{"Bucket", bucket}}, region)});
  return record;
}

std::vector<std::string> sids(const Json& statements) {
  std::vector<std::string> names;
  for (const Json& statement : statements)
    names.push_back(statement.value("Sid", Json("(no Sid)")).get<std::string>());
  return names;
}

// set-statements (Cloud Custodian's SetPolicyStatement): adds each statement, replacing the
// one with its Sid, after taking out those `remove` selects; the rest of the policy is kept.
class SetStatements : public policy::PerResourceAction {
 public:
  explicit SetStatements(const Spec& spec)
      : PerResourceAction("set-statements"),
        statements_(statements_option(spec, "statements", true, false)) {
    check_formats(spec, "statements");
    if (spec.has("remove")) remove_ = statement_selection(spec, "remove");
    if (statements_.empty() && !remove_) spec.fail("set-statements needs 'statements' or 'remove'");
  }

 protected:
  // An action that sets statements of its own (encryption-policy).
  SetStatements(std::string name, Json statements)
      : PerResourceAction(std::move(name)), statements_(std::move(statements)) {}

 private:
  ActionRecord apply(const Json& bucket, ActionContext& context) const override {
    aws::Client client = context.client_for(bucket);
    std::string bucket_name = context.id_of(bucket);
    auto before = current_policy(client, bucket_name);
    Json document = before ? parse_policy_text(*before, "the bucket policy of " + bucket_name)
                           : Json{{"Version", "2012-10-17"}};
    const Json original = policy_statements(document);
    Json statements = original;
    Json removed = remove_ ? remove_statements(statements, *remove_, matched_statements(bucket))
                           : Json::array();
    Json wanted = policy::format_string_values(
        statements_, bucket_variables(bucket, client.session().region(),
                                      context.client.session().region(), &context));
    for (const Json& statement : wanted) {
      auto same = std::find_if(statements.begin(), statements.end(), [&](const Json& s) {
        return s.is_object() && s.value("Sid", Json()) == statement["Sid"];
      });
      if (same == statements.end())
        statements.push_back(statement);
      else
        *same = statement;
    }
    if (statements == original)
      return ActionRecord::unchanged(
          name(), bucket_name, "the bucket policy already has statements " + joined(sids(wanted)));
    document["Statement"] = statements;
    ActionRecord record = write_policy(name(), bucket_name, client, before, std::move(document));
    record.summary = "set statements " + joined(sids(wanted));
    if (!removed.empty()) record.summary += "; removed " + joined(sids(removed));
    return record;
  }

  Json statements_;
  std::optional<StatementSelection> remove_;
};

// encryption-policy (Cloud Custodian's EncryptionRequiredPolicy): the bucket policy statement
// RequiredEncryptedPutObject, which refuses uploads without server-side encryption (AES256 or
// aws:kms), added or brought up to date; the rest of the policy is kept.
class EncryptionPolicy : public SetStatements {
 public:
  explicit EncryptionPolicy(const Spec&)
      : SetStatements(
            "encryption-policy",
            Json::array({{{"Sid", "RequiredEncryptedPutObject"},
                          {"Effect", "Deny"},
                          {"Principal", "*"},
                          {"Action", "s3:PutObject"},
                          {"Resource", "arn:aws:s3:::{bucket_name}/*"},
                          {"Condition",
                           {{"StringNotEquals",
                             {{"s3:x-amz-server-side-encryption", {"AES256", "aws:kms"}}}}}}}})) {}
};

// configure-lifecycle (Cloud Custodian's Lifecycle): each rule replaces the bucket's rule with
// its ID or is added (Status: absent removes that rule); the bucket's other rules are kept.
// No rule left deletes the configuration. Undo puts the rules before back.
class ConfigureLifecycle : public policy::PerResourceAction {
 public:
  explicit ConfigureLifecycle(const Spec& spec) : PerResourceAction("configure-lifecycle") {
    if (!spec.has("rules") || !spec.value()["rules"].is_array() || spec.value()["rules"].empty())
      spec.fail("configure-lifecycle needs 'rules': lifecycle rules, each with ID and Status");
    Spec rules = spec.child("rules");
    Json kept = Json::array();
    for (std::size_t i = 0; i < rules.value().size(); ++i) {
      Spec rule = rules.element(i);
      if (!rule.value().is_object() || rule.optional_string("ID").empty())
        rule.fail("each lifecycle rule needs an ID");
      std::string status = rule.one_of("Status", {"Enabled", "Disabled", "absent"});
      if (status != "absent") kept.push_back(rule.value());
    }
    policy::check_given_members(spec, "s3", "PutBucketLifecycleConfiguration",
                                {{"LifecycleConfiguration", {{"Rules", kept}}}});
    rules_ = rules.value();
  }

 private:
  ActionRecord apply(const Json& bucket, ActionContext& context) const override {
    aws::Client client = context.client_for(bucket);
    std::string name = context.id_of(bucket);
    std::optional<Json> now = bucket_setting(client, name, "GetBucketLifecycleConfiguration",
                                             "Rules", "NoSuchLifecycleConfiguration");
    const Json before = now && now->is_array() ? *now : Json::array();
    Json rules = before;
    for (const Json& rule : rules_) {
      auto same = std::find_if(rules.begin(), rules.end(),
                               [&](const Json& r) { return r.value("ID", Json()) == rule["ID"]; });
      bool absent = rule["Status"] == "absent";
      if (same != rules.end() && absent)
        rules.erase(same);
      else if (same != rules.end())
        *same = rule;
      else if (!absent)
        rules.push_back(rule);
    }
    if (rules == before) return ActionRecord::unchanged(this->name(), name, "already so");
    const std::string& region = client.session().region();
    auto put = [&](const Json& list) {
      return Json{{"Bucket", name}, {"LifecycleConfiguration", {{"Rules", list}}}};
    };
    if (rules.empty())
      client.call("s3", "DeleteBucketLifecycle", {{"Bucket", name}});
    else
      client.call("s3", "PutBucketLifecycleConfiguration", put(rules));
    ActionRecord record{this->name(), name};
    record.before = {{"Rules", before}};
    record.after = {{"Rules", rules}};
    record.undo = Json::array(
        {before.empty() ? undo_call("s3", "DeleteBucketLifecycle", {{"Bucket", name}}, region)
                        : undo_call("s3", "PutBucketLifecycleConfiguration", put(before), region)});
    std::vector<std::string> ids;
    for (const Json& rule : rules_) ids.push_back(rule["ID"]);
    record.summary = "lifecycle rules " + joined(ids) + " set";
    if (!rules.empty()) {
      std::string expect;
      for (const Json& rule : rules)
        expect += (expect.empty() ? "" : " && ") + std::string("contains(Rules[].ID, ") +
                  policy::jmespath_literal(rule["ID"]) + ")";
      record.check = policy::check_call("s3", "GetBucketLifecycleConfiguration", {{"Bucket", name}},
                                        expect, region);
    }
    return record;
  }

  Json rules_;
};

// set-public-block (Cloud Custodian's SetPublicBlock): the given settings (none given: all of
// them, to `state`), the others kept. With `scope: account`, the account's block through
// s3control instead, once. On aws.account it is the account's set-s3-public-block: its block,
// as Cloud Custodian's, which takes `state` alone only as false (it then deletes the block;
// custos turns its four settings off).
class SetPublicBlock : public policy::PerResourceAction {
 public:
  SetPublicBlock(const Spec& spec, const policy::BuildContext& context)
      : PerResourceAction(context.resource.name == "aws.account" ? "set-s3-public-block"
                                                                 : "set-public-block"),
        on_account_(context.resource.name == "aws.account") {
    bool state = spec.optional_bool("state", true);
    for (const char* key : kPublicBlockKeys)
      if (spec.has(key)) settings_[key] = spec.optional_bool(key, true);
    if (on_account_ && !settings_.empty() && spec.has("state") && !state)
      spec.child("state").fail("state: false cannot be given with the settings it would delete");
    if (on_account_ && settings_.empty() && state)
      spec.fail(name() +
                " needs a setting (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, "
                "RestrictPublicBuckets) or state: false");
    if (settings_.empty())
      for (const char* key : kPublicBlockKeys) settings_[key] = state;
    std::string scope = spec.optional_string("scope", "bucket");
    if (scope != "bucket" && scope != "account")
      spec.child("scope").fail("'scope' must be 'bucket' or 'account', not '" + scope + "'");
    account_ = scope == "account";
  }

  std::vector<ActionRecord> process(const std::vector<Json>& buckets,
                                    ActionContext& context) const override {
    if (!account_ || buckets.empty()) return PerResourceAction::process(buckets, context);
    // The account's block is set once; the record is the first bucket's (the journal keeps a
    // record per matched resource), and the others say where it was set.
    std::vector<ActionRecord> records;
    const std::string first = context.id_of(buckets[0]);
    try {
      std::string account = context.account_id();
      ActionRecord record =
          change(context.client, "s3control", "AccountId", account, "account " + account + " ");
      record.resource_id = first;
      context.emit(records, std::move(record));
    } catch (const Error& e) {
      context.emit(records, ActionRecord::failed(name(), first, e));
    }
    for (std::size_t i = 1; i < buckets.size(); ++i)
      context.emit(records, ActionRecord::unchanged(name(), context.id_of(buckets[i]),
                                                    "the account's block, set for " + first));
    return records;
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const std::string id = context.id_of(resource);
    if (on_account_)
      return change(context.client_for(resource), "s3control", "AccountId", id,
                    "account " + id + " ");
    return change(context.client_for(resource), "s3", "Bucket", id, "");
  }

  ActionRecord change(const aws::Client& client, const std::string& service,
                      const std::string& id_param, const std::string& id,
                      const std::string& what) const {
    const Json params = {{id_param, id}};
    std::optional<Json> before = public_block(client, service, params);
    Json current = before.value_or(public_block_off());
    Json target = current;
    std::vector<std::string> changes;
    for (const auto& [key, value] : settings_.items()) {
      if (current[key] != value)
        changes.push_back(key + " " + current[key].dump() + " -> " + value.dump());
      target[key] = value;
    }
    if (changes.empty())
      return ActionRecord::unchanged(name(), id,
                                     what + "public access block already " + target.dump());
    Json put = params;
    put["PublicAccessBlockConfiguration"] = target;
    client.call(service, "PutPublicAccessBlock", put);
    const std::string& region = client.session().region();
    ActionRecord record{name(), id};
    record.before = {{"PublicAccessBlockConfiguration", before ? *before : Json()}};
    record.after = {{"PublicAccessBlockConfiguration", target}};
    record.summary = what + "public access block: " + joined(changes);
    Json restore = params;
    restore["PublicAccessBlockConfiguration"] = current;
    record.undo =
        Json::array({before ? undo_call(service, "PutPublicAccessBlock", restore, region)
                            : undo_call(service, "DeletePublicAccessBlock", params, region)});
    // Without a block before, the undo deletes it and the read would fail rather than say so.
    if (before)
      record.check = policy::check_call(
          service, "GetPublicAccessBlock", params,
          "PublicAccessBlockConfiguration == " + policy::jmespath_literal(target), region);
    return record;
  }

  Json settings_ = Json::object();
  bool account_ = false;
  bool on_account_ = false;
};

// delete-global-grants (Cloud Custodian's DeleteGlobalGrants): removes the ACL's grants to
// `grantees` (default: everyone and every AWS account), READ on a website bucket aside;
// custos's `permissions` narrows it to grants of those permissions.
class DeleteGlobalGrants : public policy::PerResourceAction {
 public:
  explicit DeleteGlobalGrants(const Spec& spec)
      : PerResourceAction("delete-global-grants"),
        grantees_(spec.has("grantees") ? spec.string_list("grantees") : kGlobalGroups),
        permissions_(permission_list_option(spec, "permissions")) {}

 private:
  ActionRecord apply(const Json& bucket, ActionContext& context) const override {
    aws::Client client = context.client_for(bucket);
    std::string bucket_name = context.id_of(bucket);
    Json acl = client.call("s3", "GetBucketAcl", {{"Bucket", bucket_name}});
    Json removed = Json::array();
    for (const Json& grant : global_grants(acl, is_website(bucket), true, grantees_))
      if (permissions_.empty() || std::find(permissions_.begin(), permissions_.end(),
                                            grant.value("Permission", "")) != permissions_.end())
        removed.push_back(grant);
    if (removed.empty())
      return ActionRecord::unchanged(name(), bucket_name, "no grant to everyone to remove");
    Json kept = Json::array();
    for (const Json& grant : acl.value("Grants", Json::array()))
      if (std::find(removed.begin(), removed.end(), grant) == removed.end()) kept.push_back(grant);
    Json owner = acl.value("Owner", Json::object());
    client.call(
        "s3", "PutBucketAcl",
        {{"Bucket", bucket_name}, {"AccessControlPolicy", {{"Owner", owner}, {"Grants", kept}}}});
    ActionRecord record{name(), bucket_name};
    record.before = {{"Grants", acl.value("Grants", Json::array())}};
    record.after = {{"Grants", kept}};
    std::vector<std::string> what;
    std::string none_left;
    for (const Json& grant : removed) {
      std::string uri = grant["Grantee"].value("URI", "");
      what.push_back(grant.value("Permission", "?") + " to " + uri.substr(uri.rfind('/') + 1));
      none_left += (none_left.empty() ? "" : " && ") + std::string("length(Grants[?Grantee.URI==") +
                   policy::jmespath_literal(uri) +
                   " && Permission==" + policy::jmespath_literal(grant.value("Permission", "")) +
                   "]) == `0`";
    }
    record.check = policy::check_call("s3", "GetBucketAcl", {{"Bucket", bucket_name}}, none_left,
                                      client.session().region());
    record.summary = "removed grants " + joined(what);
    record.undo = Json::array({undo_call(
        "s3", "PutBucketAcl",
        {{"Bucket", bucket_name},
         {"AccessControlPolicy", {{"Owner", owner}, {"Grants", record.before["Grants"]}}}},
        client.session().region())});
    return record;
  }

  std::vector<std::string> grantees_;
  std::vector<std::string> permissions_;
};

// toggle-versioning (Cloud Custodian's ToggleVersioning): versioning on (enabled: true, the
// default) or suspended. A bucket never returns to unversioned, so undoing a first enabling
// suspends it.
class ToggleVersioning : public policy::PerResourceAction {
 public:
  explicit ToggleVersioning(const Spec& spec)
      : PerResourceAction("toggle-versioning"), enable_(spec.optional_bool("enabled", true)) {}

 private:
  ActionRecord apply(const Json& bucket, ActionContext& context) const override {
    aws::Client client = context.client_for(bucket);
    std::string bucket_name = context.id_of(bucket);
    std::string status =
        client.call("s3", "GetBucketVersioning", {{"Bucket", bucket_name}}).value("Status", "");
    if ((status == "Enabled") == enable_)
      return ActionRecord::unchanged(name(), bucket_name,
                                     status.empty() ? "never versioned" : "versioning " + status);
    std::string target = enable_ ? "Enabled" : "Suspended";
    auto put = [&](const std::string& to) {
      return Json{{"Bucket", bucket_name}, {"VersioningConfiguration", {{"Status", to}}}};
    };
    client.call("s3", "PutBucketVersioning", put(target));
    ActionRecord record{name(), bucket_name};
    record.before = {{"Status", status.empty() ? Json() : Json(status)}};
    record.after = {{"Status", target}};
    record.summary = "versioning " + (status.empty() ? "never set" : status) + " -> " + target;
    record.undo =
        Json::array({undo_call("s3", "PutBucketVersioning", put(enable_ ? "Suspended" : "Enabled"),
                               client.session().region())});
    return record;
  }

  bool enable_;
};

// delete-objects (custos's): deletes every object under `prefix`, what an intruder uploaded or
// what must not stay exposed. On a versioned bucket S3 keeps the versions behind delete
// markers, and removing the markers undoes it; otherwise the objects are gone for good.
class DeleteObjects : public policy::PerResourceAction {
 public:
  explicit DeleteObjects(const Spec& spec)
      : PerResourceAction("delete-objects"), prefix_(spec.optional_string("prefix")) {
    if (!spec.has("prefix"))
      spec.fail("delete-objects needs 'prefix': the key prefix of the objects to delete");
    if (prefix_.empty())
      spec.child("prefix").fail("'prefix' must not be empty: custos does not empty whole buckets");
  }

 private:
  static constexpr std::size_t kBatch = 1000;  // DeleteObjects' limit

  ActionRecord apply(const Json& bucket, ActionContext& context) const override {
    aws::Client client = context.client_for(bucket);
    std::string bucket_name = context.id_of(bucket);
    Json keys = Json::array();
    client.paginate("s3", "ListObjectsV2", {{"Bucket", bucket_name}, {"Prefix", prefix_}},
                    [&](const Json& page) {
                      for (const Json& object : page.value("Contents", Json::array()))
                        keys.push_back(object.value("Key", ""));
                      return true;
                    });
    if (keys.empty())
      return ActionRecord::unchanged(name(), bucket_name, "no object under '" + prefix_ + "'");
    std::string versioning =
        client.call("s3", "GetBucketVersioning", {{"Bucket", bucket_name}}).value("Status", "");
    ActionRecord record{name(), bucket_name};
    record.before = {{"Keys", keys},
                     {"Versioning", versioning.empty() ? Json() : Json(versioning)}};
    Json markers = Json::array(), refused = Json::array();
    for (std::size_t start = 0; start < keys.size(); start += kBatch) {
      Json objects = Json::array();
      for (std::size_t i = start; i < std::min(keys.size(), start + kBatch); ++i)
        objects.push_back({{"Key", keys[i]}});
      Json result = client.call("s3", "DeleteObjects",
                                {{"Bucket", bucket_name}, {"Delete", {{"Objects", objects}}}});
      for (const Json& deleted : result.value("Deleted", Json::array()))
        if (deleted.contains("DeleteMarkerVersionId"))
          markers.push_back(undo_call("s3", "DeleteObject",
                                      {{"Bucket", bucket_name},
                                       {"Key", deleted["Key"]},
                                       {"VersionId", deleted["DeleteMarkerVersionId"]}},
                                      client.session().region()));
      for (const Json& error : result.value("Errors", Json::array())) refused.push_back(error);
    }
    record.after = {{"Deleted", keys.size() - refused.size()}, {"Errors", refused}};
    record.summary = "deleted " + std::to_string(keys.size() - refused.size()) +
                     " object(s) under '" + prefix_ + "'";
    if (versioning == "Enabled") {
      record.undo = markers;
      record.summary +=
          " (versioned: the previous versions remain; undo removes the delete markers)";
    } else {
      record.undo = nullptr;
      record.summary += " (irreversible: the bucket is not versioned)";
    }
    if (!refused.empty()) {
      record.outcome = ActionRecord::Outcome::kFailed;
      record.error = std::to_string(refused.size()) + " object(s) not deleted, first " +
                     refused[0].value("Key", "?") + ": " + refused[0].value("Code", "?") + " " +
                     refused[0].value("Message", "");
    }
    return record;
  }

  std::string prefix_;
};

// set-bucket-encryption (Cloud Custodian's SetBucketEncryption): default encryption with
// `crypto` (AES256, the default, or aws:kms with `key`, an id, ARN or alias, resolved in the
// bucket's region) and `bucket-key` (default true); `enabled: false` removes it.
class SetBucketEncryption : public policy::PerResourceAction {
 public:
  explicit SetBucketEncryption(const Spec& spec)
      : PerResourceAction("set-bucket-encryption"),
        enable_(spec.optional_bool("enabled", true)),
        bucket_key_(spec.optional_bool("bucket-key", true)),
        crypto_(spec.optional_string("crypto", "AES256")),
        key_(spec.optional_string("key")) {
    if (crypto_ != "AES256" && crypto_ != "aws:kms")
      spec.child("crypto").fail("'crypto' must be AES256 or aws:kms, not '" + crypto_ + "'");
    if (spec.has("key") && crypto_ != "aws:kms")
      spec.child("key").fail("'key' needs 'crypto: aws:kms'");
    if (enable_ && crypto_ == "aws:kms" && key_.empty())
      spec.fail("'crypto: aws:kms' needs 'key': the KMS key (id, ARN or alias) to encrypt with");
  }

 private:
  ActionRecord apply(const Json& bucket, ActionContext& context) const override {
    aws::Client client = context.client_for(bucket);
    const std::string bucket_name = context.id_of(bucket);
    const std::string& region = client.session().region();
    const std::optional<Json> before = bucket_setting(
        client, bucket_name, "GetBucketEncryption", "ServerSideEncryptionConfiguration",
        "ServerSideEncryptionConfigurationNotFoundError");
    if (!enable_ && !before)
      return ActionRecord::unchanged(name(), bucket_name, "no default encryption");
    const Json target = enable_ ? wanted(client) : Json();
    if (enable_ && before && before->value("Rules", Json()) == target["Rules"])
      return ActionRecord::unchanged(name(), bucket_name, "default encryption already " + crypto_);
    ActionRecord record{name(), bucket_name};
    record.before = {{"ServerSideEncryptionConfiguration", before ? *before : Json()}};
    record.after = {{"ServerSideEncryptionConfiguration", target}};
    if (enable_) {
      client.call("s3", "PutBucketEncryption",
                  {{"Bucket", bucket_name}, {"ServerSideEncryptionConfiguration", target}});
      record.summary = "default encryption " + crypto_ + (before ? " (was set otherwise)" : "");
    } else {
      client.call("s3", "DeleteBucketEncryption", {{"Bucket", bucket_name}});
      record.summary = "default encryption removed";
    }
    record.undo = Json::array(
        {before
             ? undo_call("s3", "PutBucketEncryption",
                         {{"Bucket", bucket_name}, {"ServerSideEncryptionConfiguration", *before}},
                         region)
             : undo_call("s3", "DeleteBucketEncryption", {{"Bucket", bucket_name}}, region)});
    return record;
  }

  Json wanted(const aws::Client& client) const {
    Json by_default = {{"SSEAlgorithm", crypto_}};
    if (crypto_ == "aws:kms")
      by_default["KMSMasterKeyID"] =
          client.call("kms", "DescribeKey", {{"KeyId", key_}})["KeyMetadata"].value("Arn", key_);
    return {{"Rules", Json::array({{{"ApplyServerSideEncryptionByDefault", by_default},
                                    {"BucketKeyEnabled", bucket_key_}}})}};
  }

  bool enable_, bucket_key_;
  std::string crypto_, key_;
};

}  // namespace

std::string empty_bucket(const aws::Client& client, const Json& bucket) {
  const std::string name = bucket.value("Name", "");
  const Json at = {{"Bucket", name}};
  client.paginate("s3", "ListMultipartUploads", at, [&](const Json& page) {
    for (const Json& upload : page.value("Uploads", Json::array()))
      client.call("s3", "AbortMultipartUpload",
                  {{"Bucket", name}, {"Key", upload["Key"]}, {"UploadId", upload["UploadId"]}});
    return true;
  });
  std::size_t deleted = 0;
  client.paginate("s3", "ListObjectVersions", at, [&](const Json& page) {
    Json objects = Json::array();
    for (const char* list : {"Versions", "DeleteMarkers"})
      for (const Json& version : page.value(list, Json::array()))
        objects.push_back({{"Key", version["Key"]}, {"VersionId", version["VersionId"]}});
    if (objects.empty()) return true;
    Json answer =
        client.call("s3", "DeleteObjects",
                    {{"Bucket", name}, {"Delete", {{"Objects", objects}, {"Quiet", true}}}});
    if (Json errors = answer.value("Errors", Json::array()); !errors.empty())
      throw Error("emptying " + name + ": S3 did not delete " + errors[0].value("Key", "") + " (" +
                  errors[0].value("Code", "") + ": " + errors[0].value("Message", "") + ") and " +
                  std::to_string(errors.size() - 1) + " more");
    deleted += objects.size();
    return true;
  });
  return "; emptied first (" + std::to_string(deleted) + " object version(s) deleted)";
}

void register_s3_actions(policy::Registry& registry) {
  registry.add_action(
      "aws.s3", "set-statements",
      policy::action_info<SetStatements>(
          {"statements", "remove"},
          {"s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"},
          "Add or replace bucket policy statements by Sid ({bucket_name}, {bucket_region}, "
          "{account_id}, {region} filled in), after removing those `remove` selects"));
  registry.add_action(
      "aws.s3", "encryption-policy",
      policy::action_info<EncryptionPolicy>(
          {}, {"s3:GetBucketPolicy", "s3:PutBucketPolicy"},
          "Add the bucket policy statement RequiredEncryptedPutObject, which refuses uploads "
          "without server-side encryption (AES256 or aws:kms)"));
  registry.add_action(
      "aws.s3", "configure-lifecycle",
      policy::action_info<ConfigureLifecycle>(
          {"rules"}, {"s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"},
          "Set lifecycle rules by ID (Status: absent removes one), the bucket's others kept"));
  registry.add_action(
      "aws.s3", "set-public-block",
      policy::action_info<SetPublicBlock>(
          {"state", "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
           "RestrictPublicBuckets", "scope"},
          {"s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock",
           "s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock",
           "sts:GetCallerIdentity"},
          "Set the bucket's public access block (scope: account, the account's), the given "
          "settings or all to `state` (default true)"));
  registry.add_action(
      "aws.account", "set-s3-public-block",
      policy::action_info<SetPublicBlock>(
          {"state", "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
           "RestrictPublicBuckets"},
          {"s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"},
          "Set the account's S3 public access block: the given settings, the others kept "
          "(state: false alone, all four off)"));
  registry.add_action(
      "aws.s3", "delete-global-grants",
      policy::action_info<DeleteGlobalGrants>(
          {"grantees", "permissions"}, {"s3:GetBucketAcl", "s3:PutBucketAcl"},
          "Remove ACL grants to everyone and every AWS account (grantees: group URIs; "
          "permissions: only these)"));
  registry.add_action("aws.s3", "toggle-versioning",
                      policy::action_info<ToggleVersioning>(
                          {"enabled"}, {"s3:GetBucketVersioning", "s3:PutBucketVersioning"},
                          "Turn versioning on (enabled: true, the default) or suspend it"));
  registry.add_action(
      "aws.s3", "delete-objects",
      policy::action_info<DeleteObjects>(
          {"prefix"}, {"s3:ListBucket", "s3:GetBucketVersioning", "s3:DeleteObject"},
          "Delete the objects under `prefix` (required); irreversible unless the bucket is "
          "versioned"));
  registry.add_action(
      "aws.s3", "set-bucket-encryption",
      policy::action_info<SetBucketEncryption>(
          {"enabled", "crypto", "key", "bucket-key"},
          {"s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "kms:DescribeKey"},
          "Set default encryption: crypto AES256 (the default) or aws:kms with `key`, "
          "bucket-key (default true); enabled: false removes it"));
}

}  // namespace custos::resources
