// The resource types that are Cloud Custodian's resource_type as data and nothing more (their
// listing, details, ARNs and tags), grouped by service area; each gets the filters and actions
// every type has, and the tag actions when taggable.
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_compute(policy::Registry& registry);  // asg, launch-config, ami, lambda, ecs
// aws.service-quota with usage-metric, request-history and request-increase
void register_service_quotas(policy::Registry& registry);
// suspend and resume on aws.asg (after it)
// launch-config, image, image-age, user-data, vpc-id, not-encrypted, invalid, valid,
// capacity-delta, propagated-tags on aws.asg (after it)
void register_asg_launch_filters(policy::Registry& registry);
// propagate-tags on aws.asg (after it)
void register_asg_propagate_tags(policy::Registry& registry);
void register_asg_processes(policy::Registry& registry);
void register_load_balancing(policy::Registry& registry);  // elb, app-elb, target groups
// is-ssl and healthcheck-protocol-mismatch on aws.elb and aws.app-elb (after them)
void register_load_balancer_checks(policy::Registry& registry);
// listener and modify-listener on aws.app-elb (after it)
void register_app_elb_listeners(policy::Registry& registry);
// ssl-policy on aws.elb (after it)
void register_elb_ssl_policy(policy::Registry& registry);
void register_databases(policy::Registry& registry);  // rds, redshift, dynamodb, dax, es, cache
// consecutive-snapshots on rds, rds-cluster and redshift (after those types)
void register_consecutive_snapshots(policy::Registry& registry);
// retention (automated backups' days) on rds, rds-cluster and redshift (after those types)
void register_retention_window(policy::Registry& registry);
// set-attributes where it is one modify call (redshift: ModifyCluster), after those types
void register_set_attributes(policy::Registry& registry);
// config-compliance on every type AWS Config records (after the types)
void register_config_compliance(policy::Registry& registry);
// finding (Security Hub) on every type with ARNs (after the types)
void register_finding_filter(policy::Registry& registry);
// param on redshift, db-parameter on rds: their parameter groups' values (after those types)
void register_parameter_filters(policy::Registry& registry);
// lifecycle-policy on efs, lifecycle-rule on ecr (after those types)
void register_lifecycle_filters(policy::Registry& registry);
// trim-versions on lambda (after it)
void register_lambda_trim_versions(policy::Registry& registry);
// dead-letter on sqs (after it)
void register_sqs_dead_letter(policy::Registry& registry);
// check-secure-transport on efs (after it)
void register_secure_transport_filter(policy::Registry& registry);
// set-role on iam-profile (after it)
void register_iam_profile_role(policy::Registry& registry);
// glue-security-config on account and glue-catalog (after both)
void register_glue_security_config(policy::Registry& registry);
// disable and set-attributes on distribution and streaming-distribution (after them)
void register_cloudfront_config(policy::Registry& registry);
// mismatch-s3-origin on aws.distribution (after it)
void register_mismatch_s3_origin(policy::Registry& registry);
// modify on rds-param-group and rds-cluster-param-group (after them)
void register_param_group_modify(policy::Registry& registry);
// modify-db on rds, modify-db-cluster on rds-cluster (after them)
void register_rds_modify(policy::Registry& registry);
// upgrade-available and upgrade on rds (after it)
void register_rds_upgrade(policy::Registry& registry);
// modify on ecs-service (after it)
void register_ecs_service_modify(policy::Registry& registry);
// set-logging on redshift (after it)
void register_redshift_logging(policy::Registry& registry);
// configure-lifecycle-policy on efs (after it)
void register_efs_lifecycle(policy::Registry& registry);
// toggle-metrics on glue-job (after it)
void register_glue_toggle_metrics(policy::Registry& registry);
// backup, delete and update on fsx (after it)
void register_fsx_actions(policy::Registry& registry);
// backup on dynamodb-table (after it)
void register_dynamodb_backup(policy::Registry& registry);
// has-specific-managed-policy on iam-role, iam-group and iam-profile, no-specific-managed-policy
// on iam-role (after them)
void register_managed_policy_filters(policy::Registry& registry);
// resize on asg and rds (after those types)
void register_resize(policy::Registry& registry);
// copy on ebs-snapshot and ami (after those types)
void register_copy_actions(policy::Registry& registry);
// copy-instance-tags (ebs), copy-cluster-tags (cache-snapshot), after those types
void register_copy_related_tags(policy::Registry& registry);
void register_messaging(policy::Registry& registry);  // sns, sqs, kinesis, firehose
void register_edge(policy::Registry& registry);       // cloudfront, api gateway
// rest-method, update-method, rest-integration, update-integration, delete-integration on
// rest-resource (after it)
void register_rest_integration(policy::Registry& registry);
void register_machine_learning(policy::Registry& registry);  // sagemaker
void register_management(policy::Registry& registry);        // log groups, cloudformation, secrets
void register_network_types(policy::Registry& registry);     // subnets, route tables, gateways
void register_identity(policy::Registry& registry);          // iam groups and profiles, acm
void register_applications(policy::Registry& registry);      // beanstalk, workspaces, emr, glue
void register_analytics(policy::Registry& registry);  // glue catalog, lake formation, appflow
// waf, waf-regional, wafv2; and waf-enabled/wafv2-enabled on the types they protect (after those)
void register_waf(policy::Registry& registry);
}  // namespace custos::resources
