#include "resources/type_groups.h"

#include "policy/core_filters.h"
#include "resources/account.h"
#include "resources/call_action.h"
#include "resources/cloudtrail.h"
#include "resources/cross_account.h"
#include "resources/detail_filters.h"
#include "resources/ebs.h"
#include "resources/ec2.h"
#include "resources/event_rule.h"
#include "resources/iam.h"
#include "resources/kms_alias.h"
#include "resources/kms_key.h"
#include "resources/network.h"
#include "resources/network_filters.h"
#include "resources/notify.h"
#include "resources/remove_statements.h"
#include "resources/route53.h"
#include "resources/s3.h"
#include "resources/services.h"
#include "resources/usage_filters.h"

namespace custos::resources {

std::span<const policy::TypeGroups::Add> type_groups() {
  // One group per service area: a lookup of a type runs only its group (and the groups that add
  // to its types); the build-time index (index/type_index_main.cpp) says which that is.
  static constexpr policy::TypeGroups::Add kGroups[] = {
      register_ec2,
      register_iam_user,
      register_iam_role,
      register_iam_policy,
      register_s3,
      register_kms_key,
      register_kms_alias,
      register_security_group,
      register_vpc,
      register_eni,
      register_network_addr,
      register_ebs,
      register_ebs_snapshot,
      register_route53,
      register_cloudtrail,
      register_account,
      register_event_rule,
      register_org_account,
      register_compute,
      register_load_balancing,
      register_databases,
      register_messaging,
      register_edge,
      register_machine_learning,
      register_management,
      register_network_types,
      register_identity,
      register_applications,
      register_analytics,
      register_waf,
      register_service_quotas,
  };
  return kGroups;
}

void derive_from_type_data(policy::Registry& r) {
  register_usage_filters(r);                 // used/unused, from listings of what uses them
  register_default_vpc_filters(r);           // default-vpc, by where each type names its VPC
  register_related_network_filter_table(r);  // security-group, subnet, vpc
  register_contained_network_filters(r);     // a VPC's groups, subnets, gateways, endpoints
  register_kms_key_filters(r);               // kms-key
  register_copy_actions(r);                  // ebs-snapshot and ami copy
  register_copy_related_tags(r);             // copy-instance-tags, copy-cluster-tags
  register_resize(r);                        // asg and rds resize
  register_parameter_filters(r);             // param (redshift), db-parameter (rds)
  register_lifecycle_filters(r);             // lifecycle-policy (efs), lifecycle-rule (ecr)
  register_efs_lifecycle(r);                 // configure-lifecycle-policy (efs)
  register_lambda_trim_versions(r);          // trim-versions (lambda)
  register_sqs_dead_letter(r);               // dead-letter (sqs)
  register_secure_transport_filter(r);       // check-secure-transport (efs)
  register_kms_grant_count(r);               // grant-count (kms-alias)
  register_managed_policy_filters(r);        // has/no-specific-managed-policy (iam)
  register_glue_security_config(r);          // glue-security-config (account, glue-catalog)
  register_iam_usage(r);                     // usage on the IAM principals and policies
  register_iam_simulation(r);                // check-permissions on them
  register_finding_filter(r);                // finding, on every type with ARNs
  register_config_compliance(r);             // config-compliance, on AWS Config's types
  register_detail_filters(r);     // value filters over one more call (continuous-backup...)
  register_call_actions(r);       // delete, stop..., for the types whose data says how
  register_cross_account(r);      // of every type that says who may use its resources
  register_set_permissions(r);    // of every type that says how to share its resources
  register_remove_statements(r);  // of every type that says how to write its policy back
}

void register_common(policy::Registry& r) {
  policy::register_core_filters(r);
  register_notifications(r);  // notify, webhook, invoke-lambda: actions of every type
}

policy::Registry eager_builtin_registry() {
  policy::Registry r;
  register_common(r);
  for (auto add : type_groups()) add(r);
  derive_from_type_data(r);
  return r;
}

}  // namespace custos::resources
