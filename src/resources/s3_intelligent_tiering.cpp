// aws.s3's S3 Intelligent-Tiering configurations (Cloud Custodian's IntelligentTiering filter
// and ConfigureIntelligentTiering action): a list-item filter over a bucket's configurations,
// and an action that puts one or deletes those named (or matched), each undone by putting back
// what was there.
#include "aws/client.h"
#include "policy/filter.h"
#include "policy/list_item_filter.h"
#include "policy/shape_check.h"
#include "resources/s3_support.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

const char* const kConfigurations = "c7n:IntelligentTiering";

// The bucket's configurations (every page); one whose configurations may not be read
// (AccessDenied) has none, as Cloud Custodian treats it.
Json configurations(const Json& bucket, const aws::Client& client) {
  try {
    return bucket_client(client, bucket)
        .call_all("s3", "ListBucketIntelligentTieringConfigurations",
                  {{"Bucket", bucket.value("Name", "")}})
        .value("IntelligentTieringConfigurationList", Json::array());
  } catch (const aws::AwsError& e) {
    if (e.code() != "AccessDenied") throw;
    return nullptr;
  }
}

// The configuration with `id` as the bucket has it now, or null.
Json configuration(const aws::Client& client, const std::string& bucket, const std::string& id) {
  try {
    return client
        .call("s3", "GetBucketIntelligentTieringConfiguration", {{"Bucket", bucket}, {"Id", id}})
        .value("IntelligentTieringConfiguration", Json());
  } catch (const aws::AwsError& e) {
    if (e.code() != "NoSuchConfiguration") throw;
    return nullptr;
  }
}

std::string absent(const std::string& id) {
  return "!(IntelligentTieringConfigurationList[?Id==" + policy::jmespath_literal(id) + "] | [0])";
}

// set-intelligent-tiering: `Id` and `IntelligentTieringConfiguration` put that configuration;
// `Id` and `State: delete` delete the configuration with that Id, or (Id: matched) those the
// intelligent-tiering filter matched.
class SetIntelligentTiering : public policy::PerResourceAction {
 public:
  SetIntelligentTiering(const Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("set-intelligent-tiering"), id_(spec.required_string("Id")) {
    if (context.policy && !policy::filter_types(context.policy->value("filters", Json()))
                               .count("intelligent-tiering"))
      spec.fail(
          "set-intelligent-tiering needs an intelligent-tiering filter in the policy (as Cloud "
          "Custodian: a bucket may have 1,000 configurations)");
    bool put = spec.has("IntelligentTieringConfiguration"), remove = spec.has("State");
    if (put == remove)
      spec.fail("set-intelligent-tiering takes IntelligentTieringConfiguration or State: delete");
    if (remove) {
      spec.one_of("State", {"delete"});
      return;
    }
    wanted_ = spec.child("IntelligentTieringConfiguration").value();
    if (id_ == "matched") spec.child("Id").fail("Id: matched goes with State: delete");
    policy::check_given_members(spec, "s3", "PutBucketIntelligentTieringConfiguration",
                                {{"IntelligentTieringConfiguration", wanted_}});
  }

 private:
  ActionRecord apply(const Json& bucket, ActionContext& context) const override {
    std::string name = context.id_of(bucket);
    aws::Client client = bucket_client(context.client, bucket);
    ActionRecord record{this->name(), name};
    record.before = Json::object();
    record.undo = Json::array();
    std::string expect;
    std::string region = client.session().region();
    if (!wanted_.is_null()) {
      Json now = configuration(client, name, id_);
      if (now == wanted_) return ActionRecord::unchanged(this->name(), name, "already so");
      Json put = {{"Bucket", name}, {"Id", id_}, {"IntelligentTieringConfiguration", wanted_}};
      client.call("s3", "PutBucketIntelligentTieringConfiguration", put);
      record.before[id_] = now;
      record.after = {{id_, wanted_}};
      record.undo.push_back(restore(name, id_, now, region));
      record.summary = (now.is_null() ? "added" : "replaced") +
                       std::string(" the intelligent-tiering configuration ") + id_;
      expect = "!" + absent(id_);
    } else {
      for (const std::string& id : doomed(bucket)) {
        Json now = configuration(client, name, id);
        if (now.is_null()) continue;
        client.call("s3", "DeleteBucketIntelligentTieringConfiguration",
                    {{"Bucket", name}, {"Id", id}});
        record.before[id] = now;
        record.undo.push_back(restore(name, id, now, region));
        record.summary += (record.summary.empty() ? "deleted the intelligent-tiering "
                                                    "configuration(s) "
                                                  : ", ") +
                          id;
        expect += (expect.empty() ? "" : " && ") + absent(id);
      }
      if (record.undo.empty())
        return ActionRecord::unchanged(this->name(), name, "no such configuration");
    }
    record.check = policy::check_call("s3", "ListBucketIntelligentTieringConfigurations",
                                      {{"Bucket", name}}, expect, region);
    return record;
  }

  // What deleting ends: the Id given, or the configurations the filter matched.
  std::vector<std::string> doomed(const Json& bucket) const {
    if (id_ != "matched") return {id_};
    std::vector<std::string> ids;
    for (const Json& item : bucket.value("c7n:ListItemMatches", Json::array()))
      if (item.is_object() && item.value("Id", Json()).is_string()) ids.push_back(item["Id"]);
    return ids;
  }

  // Puts `before` back (null: there was none, so the configuration goes).
  static Json restore(const std::string& bucket, const std::string& id, const Json& before,
                      const std::string& region) {
    if (before.is_null())
      return policy::undo_call("s3", "DeleteBucketIntelligentTieringConfiguration",
                               {{"Bucket", bucket}, {"Id", id}}, region);
    return policy::undo_call(
        "s3", "PutBucketIntelligentTieringConfiguration",
        {{"Bucket", bucket}, {"Id", id}, {"IntelligentTieringConfiguration", before}}, region);
  }

  std::string id_;
  Json wanted_;
};

}  // namespace

void register_s3_intelligent_tiering(policy::Registry& registry) {
  registry.add_filter(
      "aws.s3", "intelligent-tiering",
      policy::fetched_list_filter_info(
          {.annotation_key = kConfigurations,
           .fetch = configurations,
           .permissions = {"s3:GetIntelligentTieringConfiguration"}},
          "Buckets by their S3 Intelligent-Tiering configurations (a list-item filter: attrs, "
          "count, count_op), kept as c7n:IntelligentTiering"));
  registry.add_action(
      "aws.s3", "set-intelligent-tiering",
      policy::action_info<SetIntelligentTiering>(
          {"Id", "IntelligentTieringConfiguration", "State"},
          {"s3:GetIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration"},
          "Put an Intelligent-Tiering configuration (Id, IntelligentTieringConfiguration) or "
          "delete one (Id, or matched: those the filter matched; State: delete)"));
}

}  // namespace custos::resources
