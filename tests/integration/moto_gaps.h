// Answers, in AWS's shape, for calls moto 5.2.1 cannot serve that a test's listing needs: the
// proxy in front of moto gives them, and everything else reaches the emulator.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "core/json.h"
#include "support/fault_proxy.h"

namespace custos::test {

// ListInstanceProfileTags (listing aws.iam-profile reads each profile's tags): no tags.
void answer_instance_profile_tags(FaultProxy& proxy);
// CodeCommit's ListTagsForResource (HTTP 500 in moto): no tags.
void answer_codecommit_tags(FaultProxy& proxy);
// Kinesis Video's ListTagsForStream (moto lacks it): no tags.
void answer_video_stream_tags(FaultProxy& proxy);

// Route 53 Application Recovery Controller, which moto 5.2.1 does not serve: its two REST-JSON
// APIs, route53-recovery-control-config (ListClusters, ListControlPanels, ListSafetyRules) and
// route53-recovery-readiness (ListReadinessChecks), answered in botocore's shapes from what the
// test put here, and both services' TagResource, UntagResource and ListTagsForResource(s)
// kept per ARN, so that the AWS CLI reads back what a run changed.
class RecoveryController {
 public:
  // Control config's shapes (ClusterArn, ControlPanelArn, SafetyRuleArn, ...).
  void add_cluster(Json cluster, Json tags);
  void add_control_panel(Json panel, Json tags);
  // `rule` as ListSafetyRules gives it: {"ASSERTION": {...}} or {"GATING": {...}}.
  void add_safety_rule(Json rule);
  // Readiness's output shape (ReadinessCheckArn, ReadinessCheckName, ResourceSet).
  void add_readiness_check(Json check, Json tags);
  // The regions the requests were signed for, by service.
  std::map<std::string, std::set<std::string>> signed_regions() const;
  // Answers ARC's calls on `proxy`; the rest reach moto.
  static void serve(FaultProxy& proxy, std::shared_ptr<RecoveryController> arc);

 private:
  std::optional<FaultProxy::Reply> answer(const FaultProxy::Arrival& arrival);

  mutable std::mutex mutex_;
  Json clusters_ = Json::array(), panels_ = Json::array(), rules_ = Json::array();
  Json checks_ = Json::array();
  std::map<std::string, Json> tags_;  // ARN -> {key: value}
  std::map<std::string, std::set<std::string>> regions_;
};

// Resources of a JSON-protocol service whose update call moto lacks (ModifyReplicationInstance,
// dax UpdateCluster): the proxy keeps them, as moto described them, answers `describe` with them
// and applies each `modify` request to the one it names, answering with it as AWS does; the AWS
// CLI reads the end state back through the same proxy. Everything else reaches moto.
struct KeptResources {
  std::string describe{};   // DescribeReplicationInstances
  std::string list_key{};   // its answer's list: ReplicationInstances
  std::string ids_param{};  // describe's list of the ids wanted (ClusterNames); empty: none
  std::string modify{};     // ModifyReplicationInstance
  std::string id_param{};   // the request's member naming the resource: ReplicationInstanceArn
  std::string id_field{};   // the resource's member it names: ReplicationInstanceArn
  std::string reply_key{};  // modify's answer's member with the resource: ReplicationInstance
  std::string not_found{};  // the error code for an id not kept: ResourceNotFoundFault
  // Applies a modify request to the resource it names (how AWS shows the settings it changes).
  std::function<void(Json& resource, const Json& request)> apply{};
  // modify's answer when it is not {reply_key: resource} (glue's UpdateJob: {JobName}).
  std::function<Json(const Json& resource)> reply{};
  // A call reading one resource by id_param (glue's GetJob), answered {get_key: resource}.
  std::string get{};
  std::string get_key{};
};
void keep_resources(FaultProxy& proxy, KeptResources how, Json resources);

// Service Quotas, where moto 5.2.1 has only ListAWSDefaultServiceQuotas and GetServiceQuota
// (vpc's defaults): ListServices (vpc), ListServiceQuotas (the values `applied` to the
// account), and increase requests: RequestServiceQuotaIncrease kept in `requests` (one open
// request a quota, as AWS takes), which ListRequestedServiceQuotaChangeHistoryByQuota reads back.
// Shapes as botocore's service-quotas 2019-06-24 model.
struct ServiceQuotasGap {
  Json applied = Json::array();   // ServiceQuota documents of vpc
  Json requests = Json::array();  // RequestedServiceQuotaChange documents, oldest first
};
void answer_service_quotas(FaultProxy& proxy, std::shared_ptr<ServiceQuotasGap> gap);

}  // namespace custos::test
