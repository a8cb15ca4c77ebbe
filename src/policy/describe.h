// Fetching a resource type's documents as its ResourceType describes them: list (or look up
// given ids), complete each document with its detail calls, several at a time, each in the
// resource's own region; and naming resources (ARNs).
#pragma once

#include <string>
#include <vector>

#include "aws/client.h"
#include "core/doc_store.h"
#include "core/json.h"
#include "policy/resource_type.h"

namespace custos::policy {

// Every resource of `type` (all pages), or only those with `ids` when given (an id may also be
// written as the resource's ARN, which is reduced to its last part unless the type's ids are
// ARNs themselves; a type looked up by listing is also named by its name_field). Ids that name no
// resource are left out. Documents without detail calls are stored page by page, so a large account
// is never held as Json. `query` (a policy's) is added to the listing call's parameters when
// no ids are given.
std::vector<DocStore::Value> describe_resources(const ResourceType& type, const aws::Client& client,
                                                const std::vector<std::string>* ids,
                                                DocStore& store,
                                                const Json& query = Json::object());
std::vector<Json> describe_resources(const ResourceType& type, const aws::Client& client,
                                     const std::vector<std::string>* ids);

// Makes one detail call of `type` for `document` (in the resource's region) as
// describe_resources makes them; false when a required call says the resource is gone.
bool complete_with(const ResourceType& type, const DetailCall& call, const aws::Client& client,
                   Json& document);

// The IAM actions describe_resources needs for `type` (ResourceType::permissions).
std::vector<std::string> describe_permissions(const ResourceType& type);
// The IAM action that allows calling botocore's `operation` of `service` ("elbv2",
// "DescribeTags" -> "elasticloadbalancing:DescribeTags").
std::string iam_action(const std::string& service, const std::string& operation);

// The region a resource lives in: the type's home_region, else its region_field (S3's
// LocationConstraint, where null means us-east-1 and EU eu-west-1), else `fallback` (the run's
// region).
std::string region_of(const ResourceType& type, const Json& resource, const std::string& fallback);

// Where a resource is, for its ARN.
struct ArnScope {
  std::string partition;
  std::string region;
  std::string account_id;
};
std::string arn_of(const ResourceType& type, const Json& resource, const ArnScope& scope);

// The id a policy's event or user named, from an id or an ARN ("arn:aws:iam::1:user/a/b" -> b).
std::string id_from_arn(const std::string& id_or_arn);
// The `index`th ':'-separated part of an ARN (3: region, 4: account, 5: the rest); "" when it
// has fewer.
std::string arn_part(const std::string& arn, int index);
// The account an ARN names ("arn:aws:iam::123456789012:root" -> 123456789012); an id as it is.
std::string account_of_arn(const std::string& id_or_arn);

}  // namespace custos::policy
