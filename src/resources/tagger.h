// How tags reach one resource type, as its ResourceType::Tagging says: EC2's CreateTags and
// DeleteTags by id, the Resource Groups Tagging API by ARN (both in Cloud Custodian's batch
// sizes), a service's own per-resource calls (IAM, KMS), or S3's whole-set replacement.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/action.h"

namespace custos::resources {

using TagMap = std::map<std::string, std::string>;
using Failures = std::map<std::string, std::string>;  // resource id -> why it failed
using Resources = std::vector<const Json*>;

// The resource's tags as Cloud Custodian reads them ({t['Key']: t['Value']}: the last wins).
TagMap tags_of(const Json& resource);

class Tagger {
 public:
  // Every tag action of a type holds a copy of its Tagger: they share one copy of the type.
  explicit Tagger(policy::ResourceType type)
      : type_(std::make_shared<const policy::ResourceType>(std::move(type))) {}

  std::string id(const Json& resource) const { return resource.value(type_->id_field, ""); }
  // This Tagger with `value` for `member` in every tag and key item (PropagateAtLaunch).
  Tagger with_item_param(const std::string& member, const Json& value) const;
  // Sets `tags` on every resource.
  Failures set(const policy::ActionContext& context, const Resources& resources,
               const TagMap& tags) const;
  // Removes the keys; with a value, EC2 removes the tag only while it still has that value.
  Failures remove(const policy::ActionContext& context, const Resources& resources,
                  const std::map<std::string, std::optional<std::string>>& keys) const;
  std::vector<std::string> permissions(bool tags, bool untags) const;
  // A policy::check_call true while the resource's tags are `after` (key -> value, or null for
  // a tag that must be absent); null where the tagging API has no cheap read (all but EC2's).
  Json check(const policy::ActionContext& context, const Json& resource, const Json& after) const;
  // The calls (policy::undo_call) that put back `previous`: each key changed, with its old
  // value, or null where the resource had no such tag.
  Json restore(const policy::ActionContext& context, const Json& resource,
               const Json& previous) const;

 private:
  using Api = policy::ResourceType::Tagging::Api;
  // One call per batch of names (ids or ARNs); a batch the call refuses fails as a whole, and
  // the tagging API also reports resources it could not change one by one.
  Failures in_batches(const policy::ActionContext& context, const Resources& resources,
                      std::size_t size, const std::function<Json(const Json& names)>& call) const;
  // kPerResource: the parameters of the tag call (`items`: the tag list, or the {key: value}
  // map where the type's tags_as_map says so) or of the untag call (`items`: the keys).
  Json own_params(const Json& resource, const Json& items, bool tags) const;
  // A tag or key item with the type's item_params added (Auto Scaling's ResourceId).
  Json with_item_params(const Json& resource, Json item) const;
  // One call per resource; a refusal fails that resource only.
  Failures each(const policy::ActionContext& context, const Resources& resources,
                const std::function<void(const Json& resource)>& call) const;
  // S3: read the bucket's whole tag set, change it, write it back (or delete it when empty).
  void replace_set(const policy::ActionContext& context, const Json& bucket,
                   const std::function<void(TagMap&)>& change) const;

  std::shared_ptr<const policy::ResourceType> type_;
};

}  // namespace custos::resources
