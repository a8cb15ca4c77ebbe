// aws.s3's event notifications (Cloud Custodian's bucket-notification filter and
// delete-bucket-notification action): a value filter over one kind of a bucket's notification
// configurations (the Ids it matched kept as c7n:MatchedNotificationConfigurationIds), and an
// action that puts the configuration back without the Ids named (or matched), undone by putting
// back what was there.
#include <algorithm>
#include <map>

#include "aws/client.h"
#include "core/lists.h"
#include "policy/action.h"
#include "policy/filter.h"
#include "policy/set_filter.h"
#include "policy/value_filter.h"
#include "resources/s3_support.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::FilterContext;
using policy::Spec;

const char* const kMatchedIds = "c7n:MatchedNotificationConfigurationIds";
// Each kind's list in GetBucketNotificationConfiguration's answer (the bucket's Notification).
const std::map<std::string, std::string> kLists = {{"lambda", "LambdaFunctionConfigurations"},
                                                   {"sns", "TopicConfigurations"},
                                                   {"sqs", "QueueConfigurations"}};

class BucketNotificationFilter : public policy::SetFilter {
 public:
  explicit BucketNotificationFilter(const Spec& spec)
      : list_(kLists.at(spec.one_of("kind", {"lambda", "sns", "sqs"}))),
        value_(spec, policy::ValueMatcher::Options{.extra_keys = {"kind"}, .default_key = ""}) {}

  // Every configuration of the kind the value filter matches has its Id kept, as c7n's does.
  std::vector<Json> process(std::vector<Json> buckets,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& bucket : buckets) {
      Json ids = bucket.value(kMatchedIds, Json::array());
      bool found = false;
      for (const Json& configuration : configurations(bucket)) {
        if (!value_.matches(configuration, context)) continue;
        found = true;
        const Json& id = configuration.value("Id", Json());
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      }
      if (!found) continue;
      bucket[kMatchedIds] = std::move(ids);
      kept.push_back(std::move(bucket));
    }
    return kept;
  }

  bool annotates() const override { return true; }
  std::vector<std::string> permissions() const override { return {"s3:GetBucketNotification"}; }

 private:
  Json configurations(const Json& bucket) const {
    const Json& notification = bucket.value("Notification", Json());
    if (!notification.is_object()) return Json::array();
    const Json& list = notification.value(list_, Json());
    return list.is_array() ? list : Json::array();
  }

  std::string list_;
  policy::ValueMatcher value_;
};

// delete-bucket-notification: `statement_ids` (a list, or matched: those bucket-notification
// matched) leave the bucket's configuration. Unlike Cloud Custodian's, which writes back only
// the three kinds it knows, the rest of the configuration (EventBridge) is kept.
class DeleteBucketNotification : public policy::PerResourceAction {
 public:
  explicit DeleteBucketNotification(const Spec& spec)
      : PerResourceAction("delete-bucket-notification") {
    if (!spec.has("statement_ids")) spec.fail("delete-bucket-notification needs statement_ids");
    const Json& ids = spec.value()["statement_ids"];
    if (ids == "matched") return;
    if (!ids.is_array() ||
        !std::all_of(ids.begin(), ids.end(), [](const Json& id) { return id.is_string(); }))
      spec.child("statement_ids").fail("statement_ids is 'matched' or a list of Ids");
    ids_ = ids;
  }

 private:
  ActionRecord apply(const Json& bucket, ActionContext& context) const override {
    std::string name = context.id_of(bucket);
    aws::Client client = bucket_client(context.client, bucket);
    Json doomed = ids_.is_null() ? bucket.value(kMatchedIds, Json::array()) : ids_;
    // Read now, not from the listing: what changed since must not be put back.
    Json now = client.call("s3", "GetBucketNotificationConfiguration", {{"Bucket", name}});
    Json kept = Json::object();
    std::vector<std::string> removed;
    for (const auto& [field, value] : now.items()) {
      if (!value.is_array()) {
        kept[field] = value;
        continue;
      }
      Json list = Json::array();
      for (const Json& configuration : value) {
        const Json& id = configuration.value("Id", Json());
        if (std::find(doomed.begin(), doomed.end(), id) == doomed.end())
          list.push_back(configuration);
        else
          removed.push_back(id.is_string() ? id.get<std::string>() : id.dump());
      }
      if (!list.empty()) kept[field] = std::move(list);
    }
    if (removed.empty())
      return ActionRecord::unchanged(this->name(), name, "no such notification configuration");
    put(client, name, kept);
    const std::string& region = client.session().region();
    ActionRecord record{this->name(), name};
    record.before = now;
    record.after = kept;
    record.undo = Json::array(
        {policy::undo_call("s3", "PutBucketNotificationConfiguration",
                           {{"Bucket", name}, {"NotificationConfiguration", now}}, region)});
    record.summary = "removed the notification configuration(s) " + joined(removed);
    std::string expect;
    for (const std::string& id : removed)
      expect += (expect.empty() ? "" : " && ") + std::string("!(*[].Id | [?@ == ") +
                policy::jmespath_literal(id) + "] | [0])";
    record.check = policy::check_call("s3", "GetBucketNotificationConfiguration",
                                      {{"Bucket", name}}, expect, region);
    return record;
  }

  static void put(const aws::Client& client, const std::string& bucket, const Json& config) {
    client.call("s3", "PutBucketNotificationConfiguration",
                {{"Bucket", bucket}, {"NotificationConfiguration", config}});
  }

  Json ids_;  // null: matched
};

}  // namespace

void register_s3_notifications(policy::Registry& registry) {
  registry.add_filter(
      "aws.s3", "bucket-notification",
      policy::filter_info<BucketNotificationFilter>(
          policy::value_filter_options({"kind"}),
          "Buckets with a notification configuration of `kind` (lambda, sns, sqs) the value "
          "filter matches; the Ids matched kept as c7n:MatchedNotificationConfigurationIds",
          {"s3:GetBucketNotification"}));
  registry.add_action(
      "aws.s3", "delete-bucket-notification",
      policy::action_info<DeleteBucketNotification>(
          {"statement_ids"}, {"s3:GetBucketNotification", "s3:PutBucketNotification"},
          "Remove notification configurations by Id (statement_ids: a list, or matched: those "
          "bucket-notification matched); undo puts the configuration back"));
}

}  // namespace custos::resources
