// aws.account's filters of preparation (Cloud Custodian's account.py): is CloudTrail logging
// (check-cloudtrail), is GuardDuty on (guard-duty), the IAM account summary (iam-summary: root
// keys, root MFA), EBS encryption by default and the account's S3 public access block. Each
// judges the account in the run's region, as Cloud Custodian does.
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "aws/client.h"
#include "policy/attribute_matcher.h"
#include "policy/missing_filter.h"
#include "policy/related_filter.h"
#include "policy/value_filter.h"
#include "resources/account.h"
#include "resources/cloudtrail.h"
#include "resources/kms_key.h"
#include "resources/s3_support.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

// check-cloudtrail (CloudTrailEnabled): the account when none of its trails visible in this
// region has every property asked for.
class CheckCloudTrail : public policy::Filter {
 public:
  explicit CheckCloudTrail(const Spec& spec)
      : multi_region_(spec.optional_bool("multi-region", false)),
        global_events_(spec.optional_bool("global-events", false)),
        current_region_(spec.optional_bool("current-region", false)),
        running_(spec.optional_bool("running", true)),
        notifies_(spec.optional_bool("notifies", false)),
        file_digest_(spec.optional_bool("file-digest", false)),
        kms_(spec.optional_bool("kms", false)),
        kms_key_(spec.optional_string("kms-key")),
        management_events_(spec.optional_bool("include-management-events", false)) {
    if (!spec.has("log-metric-filter-pattern")) return;
    const Spec pattern = spec.child("log-metric-filter-pattern");
    if (pattern.value().is_string())
      pattern_text_ = pattern.value().get<std::string>();
    else if (pattern.value().is_object())
      pattern_filter_.emplace(
          pattern, policy::ValueMatcher::Options{.extra_keys = {}, .default_key = "filterPattern"});
    else
      pattern.fail(
          "log-metric-filter-pattern is a metric filter's pattern (text) or a value filter over "
          "the metric filter (key: filterPattern by default)");
  }

  bool match(const Json&, const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "check-cloudtrail");
    Json trails = client.call("cloudtrail", "DescribeTrails", Json::object())
                      .value("trailList", Json::array());
    return std::none_of(trails.begin(), trails.end(),
                        [&](const Json& trail) { return qualifies(trail, client); });
  }

  std::vector<std::string> permissions() const override {
    std::vector<std::string> needed = {"cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors",
                                       "cloudtrail:GetTrailStatus"};
    if (pattern_text_ || pattern_filter_)
      needed.insert(needed.end(), {"logs:DescribeMetricFilters",
                                   "cloudwatch:DescribeAlarmsForMetric", "sns:ListSubscriptions"});
    return needed;
  }

 private:
  bool qualifies(const Json& trail, const aws::Client& client) const {
    auto flag = [&](const char* key) { return trail.value(key, false); };
    std::string key_id = trail.value("KmsKeyId", "");
    if ((global_events_ && !flag("IncludeGlobalServiceEvents")) ||
        (current_region_ && trail.value("HomeRegion", "") != client.session().region() &&
         !flag("IsMultiRegionTrail")) ||
        (kms_ && key_id.empty()) || (!kms_key_.empty() && key_id != kms_key_) ||
        (file_digest_ && !flag("LogFileValidationEnabled")) ||
        (multi_region_ && !flag("IsMultiRegionTrail")) ||
        (notifies_ && trail.value("SnsTopicARN", "").empty()))
      return false;
    if (running_) {
      Json status = trail_status(trail, client);
      if (!status.value("IsLogging", false) || !status.value("LatestDeliveryError", "").empty())
        return false;
    }
    if (management_events_ && !logs_management_events(event_selectors(trail, client))) return false;
    return !(pattern_text_ || pattern_filter_) || alarms_on_pattern(trail, client);
  }

  // Cloud Custodian's CIS check: the trail's log group has a metric filter with the pattern, and
  // an alarm on its metric notifies an SNS topic someone subscribes to (a subscription pending
  // confirmation delivers nothing and does not count).
  bool alarms_on_pattern(const Json& trail, const aws::Client& client) const {
    const Json group_arn = trail.value("CloudWatchLogsLogGroupArn", Json());
    if (!group_arn.is_string()) return false;
    const std::string group = split_arn_part(group_arn.get<std::string>(), 6);
    Json filters;
    try {
      filters = client.call("logs", "DescribeMetricFilters", {{"logGroupName", group}})
                    .value("metricFilters", Json::array());
    } catch (const aws::AwsError& e) {
      if (e.code() != "ResourceNotFoundException") throw;
      return false;
    }
    // As Cloud Custodian: the first metric filter with the pattern.
    auto matched = std::find_if(filters.begin(), filters.end(), [&](const Json& filter) {
      return pattern_text_ ? filter.value("filterPattern", "") == *pattern_text_
                           : pattern_filter_->matches(filter);
    });
    if (matched == filters.end()) return false;
    const Json transforms = matched->value("metricTransformations", Json::array());
    if (transforms.empty()) return false;
    Json alarms = client
                      .call("cloudwatch", "DescribeAlarmsForMetric",
                            {{"MetricName", transforms[0].value("metricName", "")},
                             {"Namespace", transforms[0].value("metricNamespace", "")}})
                      .value("MetricAlarms", Json::array());
    std::set<std::string> notified;
    for (const Json& alarm : alarms)
      for (const Json& action : alarm.value("AlarmActions", Json::array()))
        if (action.is_string()) notified.insert(action.get<std::string>());
    if (notified.empty()) return false;
    bool subscribed = false;
    client.paginate("sns", "ListSubscriptions", Json::object(), [&](const Json& page) {
      for (const Json& subscription : page.value("Subscriptions", Json::array()))
        if (notified.count(subscription.value("TopicArn", "")) &&
            subscription.value("SubscriptionArn", "") != "PendingConfirmation")
          subscribed = true;
      return !subscribed;
    });
    return subscribed;
  }

  // Part `index` of an ARN split at ':' (a log group ARN's name is part 6), empty when absent.
  static std::string split_arn_part(const std::string& arn, std::size_t index) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < index; ++i) {
      start = arn.find(':', start);
      if (start == std::string::npos) return {};
      ++start;
    }
    return arn.substr(start, arn.find(':', start) - start);
  }

  // Every management event, read and write, by basic or advanced selectors.
  static bool logs_management_events(const Json& selectors) {
    for (const Json& s : selectors.value("EventSelectors", Json::array()))
      if (s.value("IncludeManagementEvents", false) && s.value("ReadWriteType", "") == "All")
        return true;
    for (const Json& s : selectors.value("AdvancedEventSelectors", Json::array())) {
      bool management = false, read_only = false;
      for (const Json& field : s.value("FieldSelectors", Json::array())) {
        std::string name = field.value("Field", "");
        Json equals = field.value("Equals", Json::array());
        if (name == "eventCategory" &&
            std::find(equals.begin(), equals.end(), Json("Management")) != equals.end())
          management = true;
        else if (name == "readOnly")
          read_only = true;
      }
      if (management && !read_only) return true;
    }
    return false;
  }

  bool multi_region_, global_events_, current_region_, running_, notifies_, file_digest_, kms_;
  std::string kms_key_;
  bool management_events_;
  std::optional<std::string> pattern_text_;
  std::optional<policy::ValueMatcher> pattern_filter_;
};

// check-config (ConfigEnabled): the account unless AWS Config has a delivery channel and a
// recorder with every property asked for (all-resources: records every supported type;
// global-resources: IAM's too; running, the default: recording, its last status pending or
// success). What was read is kept on the account (c7n:config_recorders, c7n:config_channels,
// c7n:config_status).
class CheckConfig : public policy::AnnotatingFilter {
 public:
  explicit CheckConfig(const Spec& spec)
      : all_resources_(spec.optional_bool("all-resources", false)),
        global_resources_(spec.optional_bool("global-resources", false)),
        running_(spec.optional_bool("running", true)) {}

  bool match(const Json& account, const FilterContext& context) const override {
    return !process({account}, context).empty();
  }
  std::vector<Json> process(std::vector<Json> accounts,
                            const FilterContext& context) const override {
    if (accounts.empty()) return accounts;
    const aws::Client& client = policy::require_client(context, "check-config");
    Json channels = client.call("config", "DescribeDeliveryChannels", Json::object())
                        .value("DeliveryChannels", Json::array());
    Json recorders = client.call("config", "DescribeConfigurationRecorders", Json::object())
                         .value("ConfigurationRecorders", Json::array());
    Json& account = accounts.front();
    account["c7n:config_recorders"] = recorders;
    account["c7n:config_channels"] = channels;
    auto records = [](const Json& recorder, const char* what) {
      return recorder.value("recordingGroup", Json::object()).value(what, false);
    };
    Json kept = Json::array();
    for (const Json& recorder : recorders)
      if ((!global_resources_ || records(recorder, "includeGlobalResourceTypes")) &&
          (!all_resources_ || records(recorder, "allSupported")))
        kept.push_back(recorder);
    if (running_ && !kept.empty()) kept = recording(client, kept, account);
    if (!channels.empty() && !kept.empty()) return {};
    return accounts;
  }
  std::vector<std::string> permissions() const override {
    return {"config:DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorders",
            "config:DescribeDeliveryChannels"};
  }

 private:
  // Those of `recorders` recording without a failure, with every status kept on the account.
  static Json recording(const aws::Client& client, const Json& recorders, Json& account) {
    Json status = Json::object();
    for (const Json& each :
         client.call("config", "DescribeConfigurationRecorderStatus", Json::object())
             .value("ConfigurationRecordersStatus", Json::array()))
      status[each.value("name", "")] = each;
    account["c7n:config_status"] = status;
    Json kept = Json::array();
    for (const Json& recorder : recorders) {
      const Json state = status.value(recorder.value("name", ""), Json::object());
      std::string last = state.value("lastStatus", "");
      std::transform(last.begin(), last.end(), last.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (state.value("recording", false) && (last == "pending" || last == "success"))
        kept.push_back(recorder);
    }
    return kept;
  }

  bool all_resources_, global_resources_, running_;
};

// guard-duty (GuardDutyEnabled, a multi-attribute filter): the account's detector in this
// region and its administrator, {Detector: GetDetector, Administrator: ...} (empty when there is
// no detector), matched by every (match-operator: or, any) Detector*/Administrator* key.
class GuardDuty : public policy::Filter {
 public:
  explicit GuardDuty(const Spec& spec) {
    for (const auto& [key, unused] : spec.value().items()) {
      if (key == "type" || key == "match-operator") continue;
      if (key.rfind("Detector", 0) != 0 && key.rfind("Administrator", 0) != 0)
        spec.child(key).at_key().fail(
            "guard-duty compares keys that start with Detector or "
            "Administrator (Detector.Status: ENABLED), not '" +
            key + "'");
      attributes_.emplace_back(spec, key);
    }
    any_ = spec.one_of("match-operator", {"and", "or"}, "and") == "or";
  }

  bool match(const Json&, const FilterContext& context) const override {
    Json target = detector(policy::require_client(context, "guard-duty"));
    auto holds = [&](const policy::AttributeMatcher& a) { return a.matches(target); };
    return any_ ? std::any_of(attributes_.begin(), attributes_.end(), holds)
                : std::all_of(attributes_.begin(), attributes_.end(), holds);
  }

  std::vector<std::string> permissions() const override {
    return {"guardduty:GetAdministratorAccount", "guardduty:GetDetector",
            "guardduty:ListDetectors"};
  }

 private:
  static Json detector(const aws::Client& client) {
    Json ids = client.call("guardduty", "ListDetectors", Json::object())
                   .value("DetectorIds", Json::array());
    if (ids.empty()) return Json::object();
    // A region has one detector; Cloud Custodian takes the last listed.
    Json id = ids.back();
    Json detector = client.call("guardduty", "GetDetector", {{"DetectorId", id}});
    Json admin = client.call("guardduty", "GetAdministratorAccount", {{"DetectorId", id}})
                     .value("Administrator", Json());
    return {{"Detector", detector}, {"Administrator", admin}};
  }

  std::vector<policy::AttributeMatcher> attributes_;
  bool any_ = false;
};

// default-ebs-encryption (EbsEncryption): the account when EBS encryption by default is `state`
// (default false) in this region and, when on and `key` is given, the default key is that alias
// (a string, compared with its first alias) or matches `key` as a value filter over the key.
class DefaultEbsEncryption : public policy::Filter {
 public:
  explicit DefaultEbsEncryption(const Spec& spec) : state_(spec.optional_bool("state", false)) {
    if (!spec.has("key")) return;
    const Json& key = spec.value()["key"];
    if (key.is_string())
      alias_ = key.get<std::string>();
    else if (key.is_object())
      key_filter_.emplace(spec.child("key"));
    else
      spec.child("key").fail("key is an alias name or a value filter over the key");
  }

  bool match(const Json&, const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "default-ebs-encryption");
    if (client.call("ec2", "GetEbsEncryptionByDefault", Json::object())
            .value("EbsEncryptionByDefault", false) != state_)
      return false;
    if (!state_ || (alias_.empty() && !key_filter_)) return true;
    std::string named =
        client.call("ec2", "GetEbsDefaultKmsKeyId", Json::object()).value("KmsKeyId", "");
    Json key = named.empty() ? Json() : kms_key_named(client, named);
    if (key.is_null()) return false;
    return key_filter_ ? key_filter_->matches(key, context) : key["c7n:AliasName"] == alias_;
  }
  std::vector<std::string> permissions() const override {
    std::vector<std::string> needs = {"ec2:GetEbsEncryptionByDefault"};
    if (!alias_.empty() || key_filter_)
      needs.insert(needs.end(),
                   {"ec2:GetEbsDefaultKmsKeyId", "kms:DescribeKey", "kms:ListAliases"});
    return needs;
  }

 private:
  bool state_;
  std::string alias_;
  std::optional<policy::ValueMatcher> key_filter_;
};

// xray-encrypt-key (XrayEncrypted): the account when X-Ray encrypts with `key`: default (its own
// encryption, Type NONE), kms (any KMS key), or that key (an id, ARN or alias: KMS's ARN of it
// is compared). The setting is kept as c7n:XrayEncryptionConfig.
class XrayEncryptKey : public policy::AnnotatingFilter {
 public:
  explicit XrayEncryptKey(const Spec& spec) : key_(spec.required_string("key")) {}

  bool match(const Json& account, const FilterContext& context) const override {
    return matches(setting(account, context), context);
  }
  std::vector<Json> process(std::vector<Json> accounts,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& account : accounts) {
      account["c7n:XrayEncryptionConfig"] = setting(account, context);
      if (matches(account["c7n:XrayEncryptionConfig"], context)) kept.push_back(std::move(account));
    }
    return kept;
  }
  std::vector<std::string> permissions() const override {
    return {"kms:DescribeKey", "xray:GetEncryptionConfig"};
  }

 private:
  static Json setting(const Json& account, const FilterContext& context) {
    if (account.contains("c7n:XrayEncryptionConfig")) return account["c7n:XrayEncryptionConfig"];
    return policy::require_client(context, "xray-encrypt-key")
        .call("xray", "GetEncryptionConfig", Json::object())
        .value("EncryptionConfig", Json::object());
  }

  bool matches(const Json& config, const FilterContext& context) const {
    std::string type = config.value("Type", "");
    if (key_ == "default") return type == "NONE";
    if (key_ == "kms") return type == "KMS";
    Json described = policy::require_client(context, "xray-encrypt-key")
                         .call("kms", "DescribeKey", {{"KeyId", key_}});
    return type == "KMS" && config.value("KeyId", "") == described["KeyMetadata"].value("Arn", "");
  }

  std::string key_;
};

Json account_summary(const Json&, const aws::Client& client) {
  return client.call("iam", "GetAccountSummary", Json::object()).value("SummaryMap", Json());
}

// The account's block, {} without one (Cloud Custodian's S3PublicBlock.augment).
Json account_public_block(const Json& account, const aws::Client& client) {
  auto block = public_block(client, "s3control", {{"AccountId", account.value("account_id", "")}});
  return block ? *block : Json::object();
}

}  // namespace

void register_account_filters(policy::Registry& registry) {
  const std::string account = "aws.account";
  registry.add_filter(
      account, "check-cloudtrail",
      policy::filter_info<CheckCloudTrail>(
          {"multi-region", "global-events", "current-region", "running", "notifies", "file-digest",
           "kms", "kms-key", "include-management-events", "log-metric-filter-pattern"},
          "The account when no trail seen in the region has every property asked "
          "for (running: logging without delivery errors, the default; "
          "log-metric-filter-pattern: its log group alarms on that metric filter "
          "to a subscribed SNS topic)",
          {"cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors",
           "cloudtrail:GetTrailStatus"}));
  registry.add_filter(
      account, "check-config",
      policy::filter_info<CheckConfig>(
          {"all-resources", "global-resources", "running"},
          "The account unless AWS Config has a delivery channel and a recorder with every "
          "property asked for (all-resources, global-resources; running: recording, the default)",
          {"config:DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorders",
           "config:DescribeDeliveryChannels"}));
  policy::FilterInfo guard_duty = policy::filter_info<GuardDuty>(
      {},
      "The account by its GuardDuty detector in the region: Detector.Status: ENABLED, "
      "Administrator.AccountId, ...; no detector: every key absent",
      {"guardduty:GetAdministratorAccount", "guardduty:GetDetector", "guardduty:ListDetectors"});
  guard_duty.factory = [](const Spec& spec, const policy::BuildContext&) -> policy::FilterPtr {
    if (!spec.value().is_object()) spec.fail("guard-duty needs keys to compare (Detector.Status)");
    return std::make_unique<GuardDuty>(spec);
  };
  guard_duty.options = {"match-operator", "Detector*", "Administrator*"};
  registry.add_filter(account, "guard-duty", std::move(guard_duty));
  registry.add_filter(account, "iam-summary",
                      policy::related_filter_info(
                          {.annotation_key = "c7n:iam_summary",
                           .fetch = account_summary,
                           .permissions = {"iam:GetAccountSummary"}},
                          "The account by GetAccountSummary's SummaryMap (key: AccountMFAEnabled, "
                          "AccountAccessKeysPresent, ...)"));
  registry.add_filter(account, "xray-encrypt-key",
                      policy::filter_info<XrayEncryptKey>(
                          {"key"},
                          "The account when X-Ray encrypts with `key`: default (X-Ray's own), "
                          "kms (any KMS key) or that key (id, ARN or alias)",
                          {"kms:DescribeKey", "xray:GetEncryptionConfig"}));
  registry.add_filter(account, "default-ebs-encryption",
                      policy::filter_info<DefaultEbsEncryption>(
                          {"state", "key"},
                          "The account when EBS encryption by default is `state` (default false) "
                          "in the region; with state true, `key` (an alias, or a value filter "
                          "over the key) must describe the default key",
                          {"ec2:GetEbsEncryptionByDefault", "ec2:GetEbsDefaultKmsKeyId"}));
  registry.add_filter(
      account, "s3-public-block",
      policy::related_filter_info({.annotation_key = "c7n:s3-public-block",
                                   .fetch = account_public_block,
                                   .permissions = {"s3:GetAccountPublicAccessBlock"}},
                                  "The account by its S3 public access block ({} without one; key: "
                                  "BlockPublicAcls, ...)"));
  registry.add_filter(account, "missing", policy::missing_filter_info());
}

}  // namespace custos::resources
