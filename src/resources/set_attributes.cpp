// Cloud Custodian's set-attributes where it is one modify call with the attributes as its
// parameters (redshift's RedshiftSetAttributes: ModifyCluster): `attributes` are checked against
// the call's input shape when the policy loads; only those whose value differs from the
// document's are sent, all equal is `unchanged`; the undo sends the values before.
#include "aws/client.h"
#include "policy/action.h"
#include "policy/shape_check.h"
#include "policy/spec.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

struct ModifyCall {
  const char* resource;
  const char* service;
  const char* operation;  // ModifyCluster
  const char* id;         // ClusterIdentifier: the parameter and the document's field
  const char* describe;   // DescribeClusters: the check
  const char* list;       // Clusters
};

const ModifyCall kModifyCalls[] = {
    {"aws.redshift", "redshift", "ModifyCluster", "ClusterIdentifier", "DescribeClusters",
     "Clusters"},
};

class SetAttributes : public policy::PerResourceAction {
 public:
  SetAttributes(const policy::Spec& spec, const ModifyCall& call)
      : PerResourceAction("set-attributes"), call_(call) {
    if (!spec.has("attributes") || !spec.child("attributes").value().is_object() ||
        spec.child("attributes").value().empty())
      spec.fail(std::string("set-attributes needs 'attributes': ") + call.operation +
                "'s parameters and their values");
    attributes_ = spec.child("attributes").value();
    if (attributes_.contains(call.id))
      spec.child("attributes")
          .child(call.id)
          .at_key()
          .fail(std::string("'") + call.id + "' names the resource; it is not set");
    policy::check_given_members(spec.child("attributes"), call.service, call.operation,
                                attributes_);
  }

 private:
  policy::ActionRecord apply(const Json& resource, policy::ActionContext& context) const override {
    const std::string id = resource.value(call_.id, "");
    Json modify = {{call_.id, id}}, restore = {{call_.id, id}}, before = Json::object();
    std::string expect;
    for (const auto& [key, value] : attributes_.items()) {
      expect += (expect.empty() ? "" : " && ") + std::string(call_.list) + "[0]." + key +
                " == " + policy::jmespath_literal(value);
      Json now = resource.value(key, Json());
      if (now == value) continue;
      modify[key] = value;
      before[key] = now;
      if (!now.is_null()) restore[key] = now;
    }
    if (modify.size() == 1)
      return policy::ActionRecord::unchanged(name(), id, id + "'s attributes already hold those");
    const aws::Client& client = context.client_for(resource);
    client.call(call_.service, call_.operation, modify);
    policy::ActionRecord record{name(), id};
    record.before = before;
    record.after = modify;
    record.after.erase(call_.id);
    const std::string& region = client.session().region();
    record.undo = Json::array();
    if (restore.size() > 1)
      record.undo.push_back(policy::undo_call(call_.service, call_.operation, restore, region));
    record.check =
        policy::check_call(call_.service, call_.describe, {{call_.id, id}}, expect, region);
    record.summary = "set " + std::to_string(modify.size() - 1) + " attributes of " + id;
    return record;
  }

  const ModifyCall& call_;
  Json attributes_;
};

}  // namespace

void register_set_attributes(policy::Registry& registry) {
  for (const ModifyCall& call : kModifyCalls) {
    policy::ActionInfo info;
    info.factory = [&call](const policy::Spec& spec,
                           const policy::BuildContext&) -> policy::ActionPtr {
      if (spec.value().is_object()) spec.allow_keys({"attributes"}, "action 'set-attributes'");
      return std::make_unique<SetAttributes>(spec, call);
    };
    info.permissions = {std::string(call.service) + ":" + call.operation};
    info.description = std::string("Set `attributes`, ") + call.operation +
                       "'s parameters, where the resource's values differ";
    info.options = {"attributes"};
    registry.add_action(call.resource, "set-attributes", std::move(info));
  }
}

}  // namespace custos::resources
