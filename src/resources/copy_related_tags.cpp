// Tags copied from a related resource onto the matched one, as Cloud Custodian's
// CopyInstanceTags (aws.ebs copy-instance-tags: the attached instance's tags, plus
// LastAttachTime and LastAttachInstance) and CopyClusterTags (aws.cache-snapshot
// copy-cluster-tags: its clusters' tags). Only the tags that differ are written; the record
// keeps each one's value before (or that it was absent), and its undo puts those back.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>

#include "aws/client.h"
#include "core/error.h"
#include "policy/action.h"
#include "policy/dates.h"
#include "policy/registry.h"
#include "policy/spec.h"
#include "resources/services.h"
#include "resources/tagger.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

// Python's datetime.isoformat() of an AWS timestamp in UTC: 2026-12-07T19:20:05+00:00 (with
// .ffffff when it has a fraction of a second); the text as given when it is no date.
std::string python_isoformat(const std::string& text) {
  auto when = policy::parse_datetime(text);
  if (!when) return text;
  using namespace std::chrono;
  auto micros = duration_cast<microseconds>(when->time_since_epoch()).count() % 1000000;
  if (micros < 0) micros += 1000000;
  std::time_t t = system_clock::to_time_t(*when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[48];
  std::size_t n = std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%S", &tm);
  if (micros)
    n += std::snprintf(out + n, sizeof out - n, ".%06lld", static_cast<long long>(micros));
  return std::string(out, n) + "+00:00";
}

// What a copy action reads for one resource: the related resources' tags (later ones win), and
// tags of its own to add (ebs's attachment tags); nullopt when nothing is related.
struct RelatedTags {
  TagMap tags;
  TagMap extra;
  std::string from;  // for the summary: "instance i-0abc"
};
using FetchRelated =
    std::function<std::optional<RelatedTags>(const Json& resource, const ActionContext& context)>;

class CopyRelatedTags : public policy::PerResourceAction {
 public:
  CopyRelatedTags(std::string name, const Spec& spec, const policy::BuildContext& build,
                  FetchRelated fetch)
      : PerResourceAction(std::move(name)),
        only_(spec.string_list("tags")),
        tagger_(build.resource),
        fetch_(std::move(fetch)) {}

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    std::string id = tagger_.id(resource);
    std::optional<RelatedTags> related = fetch_(resource, context);
    if (!related) return ActionRecord::unchanged(name(), id, "no related resource to copy from");
    TagMap have = tags_of(resource), copy;
    for (const auto& [key, value] : related->tags) {
      if (!only_.empty() && std::find(only_.begin(), only_.end(), key) == only_.end()) continue;
      if (key.rfind("aws:", 0) == 0) continue;
      auto had = have.find(key);
      if (had != have.end() && had->second == value) continue;
      copy[key] = value;
    }
    for (const auto& [key, value] : related->extra) copy[key] = value;
    if (copy.empty())
      return ActionRecord::unchanged(name(), id, "has the tags of " + related->from + " already");
    Failures failed = tagger_.set(context, {&resource}, copy);
    if (auto it = failed.find(id); it != failed.end()) throw Error(it->second);
    ActionRecord record{name(), id};
    Json before = Json::object();
    for (const auto& [key, unused] : copy) {
      auto had = have.find(key);
      before[key] = had == have.end() ? Json() : Json(had->second);
    }
    record.before = {{"Tags", before}};
    record.after = {{"Tags", copy}};
    record.undo = tagger_.restore(context, resource, before);
    record.check = tagger_.check(context, resource, Json(copy));
    std::string listed;
    for (const auto& [key, value] : copy)
      listed += (listed.empty() ? "" : ", ") + key + "=" + value;
    record.summary = "copied tags of " + related->from + ": " + listed;
    return record;
  }

  std::vector<std::string> only_;
  Tagger tagger_;
  FetchRelated fetch_;
};

TagMap tag_map(const Json& tags) {
  TagMap map;
  for (const Json& tag : tags) map[tag.value("Key", "")] = tag.value("Value", "");
  return map;
}

// c7n's CopyInstanceTags.get_volume_tags: the instance's tags, and the attachment's time and
// instance unless LastAttachInstance already names that instance.
std::optional<RelatedTags> attached_instance_tags(const Json& volume,
                                                  const ActionContext& context) {
  const Json attachments = volume.value("Attachments", Json::array());
  if (!attachments.is_array() || attachments.empty()) return std::nullopt;
  const Json& attachment = attachments[0];
  std::string instance_id = attachment.value("InstanceId", "");
  if (instance_id.empty()) return std::nullopt;
  Json found;
  try {
    found = context.client.call("ec2", "DescribeInstances", {{"InstanceIds", {instance_id}}});
  } catch (const aws::AwsError& e) {
    if (e.code().rfind("InvalidInstanceID", 0) == 0) return std::nullopt;
    throw;
  }
  std::optional<RelatedTags> related;
  for (const Json& reservation : found.value("Reservations", Json::array()))
    for (const Json& instance : reservation.value("Instances", Json::array()))
      related = RelatedTags{
          tag_map(instance.value("Tags", Json::array())), {}, "instance " + instance_id};
  if (!related) return std::nullopt;
  TagMap have = tags_of(volume);
  auto last = have.find("LastAttachInstance");
  if (last == have.end() || last->second != instance_id) {
    Json time = attachment.value("AttachTime", Json());
    related->extra["LastAttachTime"] =
        python_isoformat(time.is_string() ? time.get<std::string>() : time.dump());
    related->extra["LastAttachInstance"] = instance_id;
  }
  return related;
}

// c7n's CopyClusterTags: the union of the snapshot's clusters' tags (its own cluster, or each
// node snapshot's), in cluster id order, the later winning.
std::optional<RelatedTags> snapshot_cluster_tags(const Json& snapshot,
                                                 const ActionContext& context) {
  std::vector<std::string> ids;
  if (snapshot.contains("CacheClusterId") && snapshot["CacheClusterId"].is_string()) {
    ids.push_back(snapshot["CacheClusterId"].get<std::string>());
  } else {
    for (const Json& node : snapshot.value("NodeSnapshots", Json::array()))
      if (node.contains("CacheClusterId")) ids.push_back(node.value("CacheClusterId", ""));
  }
  std::sort(ids.begin(), ids.end());
  std::optional<RelatedTags> related;
  for (const std::string& id : ids) {
    Json clusters;
    try {
      clusters =
          context.client.call("elasticache", "DescribeCacheClusters", {{"CacheClusterId", id}});
    } catch (const aws::AwsError& e) {
      if (e.code() == "CacheClusterNotFound") continue;
      throw;
    }
    for (const Json& cluster : clusters.value("CacheClusters", Json::array())) {
      Json tags = context.client.call("elasticache", "ListTagsForResource",
                                      {{"ResourceName", cluster.value("ARN", "")}});
      if (!related) related = RelatedTags{{}, {}, ""};
      for (const auto& [key, value] : tag_map(tags.value("TagList", Json::array())))
        related->tags[key] = value;
      related->from += (related->from.empty() ? "cluster " : ", ") + id;
    }
  }
  return related;
}

template <FetchRelated::result_type (*Fetch)(const Json&, const ActionContext&)>
policy::ActionInfo copy_action(std::string name, std::vector<std::string> permissions,
                               std::string description, bool tags_required) {
  policy::ActionInfo info;
  info.factory = [name, tags_required](const Spec& spec,
                                       const policy::BuildContext& build) -> policy::ActionPtr {
    if (spec.value().is_object()) spec.allow_keys({"tags"}, "action '" + name + "'");
    if (tags_required && (!spec.value().is_object() || !spec.has("tags")))
      spec.fail("action '" + name + "' needs 'tags': the tag keys to copy");
    if (tags_required && spec.string_list("tags").empty())
      spec.child("tags").fail("'tags' must name at least one tag key");
    return std::make_unique<CopyRelatedTags>(name, spec, build, Fetch);
  };
  info.permissions = std::move(permissions);
  info.description = std::move(description);
  info.options = {"tags"};
  return info;
}

}  // namespace

void register_copy_related_tags(policy::Registry& registry) {
  registry.add_action("aws.ebs", "copy-instance-tags",
                      copy_action<attached_instance_tags>(
                          "copy-instance-tags", {"ec2:DescribeInstances", "ec2:CreateTags"},
                          "Copy the attached instance's tags (or those in `tags`) onto the "
                          "volume, with LastAttachTime and LastAttachInstance",
                          false));
  registry.add_action(
      "aws.cache-snapshot", "copy-cluster-tags",
      copy_action<snapshot_cluster_tags>(
          "copy-cluster-tags",
          {"elasticache:DescribeCacheClusters", "elasticache:ListTagsForResource",
           "elasticache:AddTagsToResource"},
          "Copy the tags in `tags` of the snapshot's cache clusters onto the snapshot", true));
}

}  // namespace custos::resources
