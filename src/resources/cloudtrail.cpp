// aws.cloudtrail: trails as DescribeTrails lists them (shadow trails included) with their Tags,
// Cloud Custodian's status, event-selectors and is-shadow filters, and the actions that put
// logging back after an attacker turned it off: set-logging and update-trail. Every call about
// a trail goes to its home region.
#include "resources/cloudtrail.h"

#include "policy/describe.h"
#include "policy/related_filter.h"
#include "policy/shape_check.h"
#include "policy/vars.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::FilterContext;
using policy::Spec;
using policy::undo_call;

const char* const kStatus = "c7n:TrailStatus";

std::string arn_of(const Json& trail) { return trail.value("TrailARN", ""); }

aws::Client home_client(const aws::Client& client, const Json& trail) {
  return client.in_region(trail.value("HomeRegion", client.session().region()));
}

// The account a trail's ARN names.
std::string owner_of(const Json& trail) { return policy::account_of_arn(arn_of(trail)); }

// Cloud Custodian's shadow trails: an organization trail of another account, or a
// multi-region trail seen from a region other than its home.
bool is_shadow(const Json& trail, const std::string& account, const std::string& region) {
  if (trail.value("IsOrganizationTrail", false) && owner_of(trail) != account) return true;
  return trail.value("IsMultiRegionTrail", false) && trail.value("HomeRegion", "") != region;
}

// is-shadow (Cloud Custodian's IsShadow): trails that are (state: true, the default) or are
// not shadow copies.
class IsShadow : public policy::Filter {
 public:
  explicit IsShadow(const Spec& spec) : state_(spec.optional_bool("state", true)) {}

  bool match(const Json& trail, const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "is-shadow");
    return is_shadow(trail, policy::sts_account_id(client), client.session().region()) == state_;
  }
  std::vector<Json> process(std::vector<Json> trails, const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "is-shadow");
    const std::string account = policy::sts_account_id(client);
    std::erase_if(trails, [&](const Json& trail) {
      return is_shadow(trail, account, client.session().region()) != state_;
    });
    return trails;
  }
  policy::StoredMatcherPtr stored_matcher(const DocStore&) const override { return nullptr; }
  std::vector<std::string> permissions() const override { return {"cloudtrail:DescribeTrails"}; }

 private:
  bool state_;
};

// An action on trails: an organization trail of another account is left alone (it must be
// changed in its management account; Cloud Custodian skips shadow trails too), and the others
// are changed with a client in their home region.
class TrailAction : public policy::PerResourceAction {
 protected:
  using PerResourceAction::PerResourceAction;

  virtual ActionRecord change(const Json& trail, const std::string& id,
                              const aws::Client& client) const = 0;

 private:
  ActionRecord apply(const Json& trail, ActionContext& context) const final {
    const std::string id = context.id_of(trail);
    if (trail.value("IsOrganizationTrail", false) && owner_of(trail) != context.account_id())
      return ActionRecord::unchanged(name(), id,
                                     "an organization trail of account " + owner_of(trail) +
                                         ": change it in that account (Cloud Custodian skips "
                                         "shadow trails too)");
    return change(trail, id, context.client_for(trail));
  }
};

Json status_check(const Json& trail, bool logging) {
  return policy::check_call("cloudtrail", "GetTrailStatus", {{"Name", arn_of(trail)}},
                            std::string("IsLogging == `") + (logging ? "true" : "false") + "`",
                            trail.value("HomeRegion", ""));
}

// set-logging (Cloud Custodian's SetLogging): StartLogging (enabled: true, the default) or
// StopLogging, unless the trail already is so; the opposite call undoes it.
class SetLogging : public TrailAction {
 public:
  explicit SetLogging(const Spec& spec)
      : TrailAction("set-logging"), enable_(spec.optional_bool("enabled", true)) {}

 private:
  ActionRecord change(const Json& trail, const std::string& id,
                      const aws::Client& client) const override {
    bool logging = trail_status(trail, client).value("IsLogging", false);
    if (logging == enable_)
      return ActionRecord::unchanged(name(), id,
                                     std::string("already ") + (enable_ ? "logging" : "stopped"));
    // By name in its home region: the ARN is refused by some emulators, never by AWS.
    const Json params = {{"Name", trail.value("Name", "")}};
    client.call("cloudtrail", operation(enable_), params);
    ActionRecord record{name(), id};
    record.before = {{"IsLogging", logging}};
    record.after = {{"IsLogging", enable_}};
    record.summary = std::string("logging ") + (enable_ ? "started" : "stopped");
    record.undo = Json::array(
        {undo_call("cloudtrail", operation(logging), params, client.session().region())});
    record.check = status_check(trail, enable_);
    return record;
  }

  static const char* operation(bool start) { return start ? "StartLogging" : "StopLogging"; }

  bool enable_;
};

// UpdateTrail's parameters and the DescribeTrails field each sets, with what turns it off.
struct Attribute {
  const char* param;
  const char* field;
  Json off;
};
const std::vector<Attribute>& attributes() {
  static const std::vector<Attribute> table = {
      {"S3BucketName", "S3BucketName", ""},
      {"S3KeyPrefix", "S3KeyPrefix", ""},
      {"SnsTopicName", "SnsTopicName", ""},
      {"IncludeGlobalServiceEvents", "IncludeGlobalServiceEvents", false},
      {"IsMultiRegionTrail", "IsMultiRegionTrail", false},
      {"EnableLogFileValidation", "LogFileValidationEnabled", false},
      {"CloudWatchLogsLogGroupArn", "CloudWatchLogsLogGroupArn", ""},
      {"CloudWatchLogsRoleArn", "CloudWatchLogsRoleArn", ""},
      {"KmsKeyId", "KmsKeyId", ""},
      {"IsOrganizationTrail", "IsOrganizationTrail", false},
  };
  return table;
}

const Attribute* attribute(const std::string& param) {
  for (const auto& entry : attributes())
    if (param == entry.param) return &entry;
  return nullptr;
}

// update-trail (Cloud Custodian's UpdateTrail): UpdateTrail with `attributes` (its parameters
// but Name), unless the trail already has them; UpdateTrail with the previous values undoes it.
class UpdateTrail : public TrailAction {
 public:
  explicit UpdateTrail(const Spec& spec) : TrailAction("update-trail") {
    if (!spec.has("attributes")) spec.fail("update-trail needs 'attributes'");
    Spec given = spec.child("attributes");
    if (!given.value().is_object() || given.value().empty())
      given.fail("'attributes' must be a mapping of UpdateTrail parameters");
    if (given.has("Name")) given.child("Name").at_key().fail("Can't include Name in update-trail");
    for (const auto& [key, value] : given.value().items())
      if (!attribute(key))
        given.child(key).at_key().fail("update-trail cannot compare '" + key +
                                       "' with the trail (custos takes " + names() + ")");
    Json params = given.value();
    params["Name"] = "PolicyValidation";
    policy::check_input_shape(given, "cloudtrail", "UpdateTrail", params);
    attributes_ = given.value();
  }

 private:
  ActionRecord change(const Json& trail, const std::string& id,
                      const aws::Client& client) const override {
    Json current = this_trail(
        client.call("cloudtrail", "DescribeTrails", {{"trailNameList", {arn_of(trail)}}}), trail);
    if (current.is_null()) return ActionRecord::unchanged(name(), id, "the trail is gone");
    Json before = Json::object(), differing = Json::object();
    for (const auto& [param, wanted] : attributes_.items()) {
      Json now = current.value(attribute(param)->field, Json());
      before[param] = now.is_null() ? attribute(param)->off : now;
      if (before[param] != wanted) differing[param] = wanted;
    }
    if (differing.empty())
      return ActionRecord::unchanged(name(), id, "the trail already has " + attributes_.dump());
    Json params = attributes_;
    params["Name"] = arn_of(trail);
    client.call("cloudtrail", "UpdateTrail", params);
    ActionRecord record{name(), id};
    record.before = before;
    record.after = attributes_;
    record.summary = "updated " + differing.dump() + " (was " + before.dump() + ")";
    Json restore = before;
    restore["Name"] = arn_of(trail);
    record.undo =
        Json::array({undo_call("cloudtrail", "UpdateTrail", restore, client.session().region())});
    std::string expect;
    for (const auto& [param, wanted] : attributes_.items())
      expect += (expect.empty() ? "" : " && ") + std::string("[0].") + attribute(param)->field +
                " == " + policy::jmespath_literal(wanted);
    // Every comparison is on this trail (moto lists them all).
    expect = "trailList[?TrailARN == " + policy::jmespath_literal(arn_of(trail)) + "] | " + expect;
    record.check =
        policy::check_call("cloudtrail", "DescribeTrails", {{"trailNameList", {arn_of(trail)}}},
                           expect, client.session().region());
    return record;
  }

  // The trail among DescribeTrails' answer (which may list others: moto ignores
  // trailNameList), or null.
  static Json this_trail(const Json& answer, const Json& trail) {
    for (const Json& listed : answer.value("trailList", Json::array()))
      if (listed.value("TrailARN", "") == arn_of(trail)) return listed;
    return nullptr;
  }

  static std::string names() {
    std::string text;
    for (const auto& entry : attributes())
      text += (text.empty() ? "" : ", ") + std::string(entry.param);
    return text;
  }

  Json attributes_;
};

}  // namespace

Json trail_status(const Json& trail, const aws::Client& client) {
  return home_client(client, trail).call("cloudtrail", "GetTrailStatus", {{"Name", arn_of(trail)}});
}

Json event_selectors(const Json& trail, const aws::Client& client) {
  return home_client(client, trail)
      .call("cloudtrail", "GetEventSelectors", {{"TrailName", arn_of(trail)}});
}

void register_cloudtrail(policy::Registry& registry) {
  using Tagging = policy::ResourceType::Tagging;
  registry.add_resource({
      .name = "aws.cloudtrail",
      .aliases = {"cloudtrail"},
      .service = "cloudtrail",
      .enumerate_operation = "DescribeTrails",
      .result_path = "trailList[]",
      .details = {{.operation = "ListTags",
                   .params = {{"ResourceIdList", "[TrailARN]"}},
                   .select = "ResourceTagList[0].TagsList",
                   .key = "Tags",
                   .absent = Json::array(),
                   .absent_codes = {"CloudTrailARNInvalidException", "TrailNotFoundException"}}},
      // An event names a trail by name or ARN: the listing (one call for every trail) is kept
      // where either matches; moto 5.2.1 ignores DescribeTrails' trailNameList.
      .lookup = policy::ResourceType::Lookup::kEnumerate,
      .id_field = "TrailARN",
      .name_field = "Name",
      .global = false,
      .region_field = "HomeRegion",
      .arn_field = "TrailARN",
      .tagging = {.api = Tagging::Api::kPerResource,
                  .tag_operation = "AddTags",
                  .untag_operation = "RemoveTags",
                  .id_param = "ResourceId",
                  .tags_member = "TagsList",
                  .keys_member = "TagsList",
                  .keys_as_tags = true},
      .report_fields = {"Name", "HomeRegion", "IsMultiRegionTrail", "S3BucketName"},
      .actions = {policy::ResourceType::CallAction{.operation = "DeleteTrail",
                                                   .params = {{"Name", "TrailARN"}},
                                                   .gone_codes = {"TrailNotFoundException"}}},
  });
  const std::string trail = "aws.cloudtrail";
  registry.add_filter(trail, "status",
                      policy::related_filter_info({.annotation_key = kStatus,
                                                   .fetch = trail_status,
                                                   .permissions = {"cloudtrail:GetTrailStatus"}},
                                                  "A value filter over GetTrailStatus's answer "
                                                  "(key: IsLogging, LatestDeliveryError, ...)"));
  registry.add_filter(
      trail, "event-selectors",
      policy::related_filter_info({.annotation_key = "c7n:TrailEventSelectors",
                                   .fetch = event_selectors,
                                   .permissions = {"cloudtrail:GetEventSelectors"}},
                                  "A value filter over GetEventSelectors's answer "
                                  "(key: EventSelectors[].IncludeManagementEvents, ...)"));
  registry.add_filter(trail, "is-shadow",
                      policy::filter_info<IsShadow>(
                          {"state"},
                          "Shadow copies of trails (an organization trail of another account, a "
                          "multi-region trail away from home), or with state: false the others",
                          {"cloudtrail:DescribeTrails", "sts:GetCallerIdentity"}));
  registry.add_action(
      trail, "set-logging",
      policy::action_info<SetLogging>(
          {"enabled"},
          {"cloudtrail:GetTrailStatus", "cloudtrail:StartLogging", "cloudtrail:StopLogging"},
          "Start the trail's logging (enabled: true, the default) or stop it"));
  registry.add_action(
      trail, "update-trail",
      policy::action_info<UpdateTrail>(
          {"attributes"}, {"cloudtrail:DescribeTrails", "cloudtrail:UpdateTrail"},
          "UpdateTrail with `attributes` (IsMultiRegionTrail, EnableLogFileValidation, "
          "KmsKeyId, ...); the previous values are kept for undo"));
  register_tag_actions(registry, trail);
}

}  // namespace custos::resources
