// aws.account (the account itself, one document as Cloud Custodian builds it),
// aws.org-account (an organization's accounts, with the actions that quarantine one: move it to
// a quarantine OU, attach a deny-all service control policy) and aws.org-unit (its OUs).
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_account(policy::Registry& registry);
// check-cloudtrail, guard-duty, iam-summary, default-ebs-encryption, s3-public-block, missing.
void register_account_filters(policy::Registry& registry);
// ses-agg-send-stats and ses-send-stats (ses_stats.cpp).
void register_ses_stats_filters(policy::Registry& registry);
// enable-cloudtrail (account_trail.cpp).
void register_enable_cloudtrail(policy::Registry& registry);
void register_org_account(policy::Registry& registry);
// service-limit (Trusted Advisor) and request-limit-increase (a support case) on aws.account.
void register_service_limits(policy::Registry& registry);
}  // namespace custos::resources
