#include "resources/builtin.h"

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

const policy::Registry& builtin_registry() {
  // Never destroyed: freeing every type, filter and action at exit cost a tenth of a short
  // command's instructions, for memory the process gives back anyway.
  static const policy::Registry& registry = *new policy::Registry([] {
    policy::Registry r;
    policy::register_core_filters(r);
    register_ec2(r);
    register_iam_user(r);
    register_iam_role(r);
    register_iam_policy(r);
    register_s3(r);
    register_kms_key(r);
    register_kms_alias(r);
    register_security_group(r);
    register_vpc(r);
    register_eni(r);
    register_network_addr(r);
    register_ebs(r);
    register_ebs_snapshot(r);
    register_route53(r);
    register_cloudtrail(r);
    register_account(r);
    register_event_rule(r);
    register_org_account(r);
    register_compute(r);
    register_load_balancing(r);
    register_databases(r);
    register_messaging(r);
    register_edge(r);
    register_machine_learning(r);
    register_management(r);
    register_network_types(r);
    register_identity(r);
    register_applications(r);
    register_analytics(r);
    register_waf(r);
    register_service_quotas(r);
    // What the types' data gives, once every type is registered:
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
    register_notifications(r);      // notify, webhook, invoke-lambda: actions of every type
    return r;
  }());
  return registry;
}

std::future<void> prepare_builtin_registry() {
  return std::async(std::launch::async, [] { builtin_registry(); });
}

}  // namespace custos::resources
