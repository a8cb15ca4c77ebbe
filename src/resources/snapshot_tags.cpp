#include "resources/snapshot_tags.h"

#include <algorithm>

namespace custos::resources {
namespace {

std::vector<std::string> string_list(const policy::Spec& spec, const char* key) {
  if (!spec.has(key)) return {};
  const Json& value = spec.value()[key];
  if (!value.is_array() ||
      !std::all_of(value.begin(), value.end(), [](const Json& item) { return item.is_string(); }))
    spec.child(key).fail(std::string("'") + key + "' must be a list of tag keys");
  return value.get<std::vector<std::string>>();
}

// `tags: {KEY: VALUE}`; values are written as text, as Cloud Custodian's str() does.
std::map<std::string, std::string> tag_values(const policy::Spec& spec) {
  std::map<std::string, std::string> tags;
  if (!spec.has("tags")) return tags;
  const Json& value = spec.value()["tags"];
  if (!value.is_object()) spec.child("tags").fail("'tags' must be a mapping of tag keys to values");
  for (const auto& [key, item] : value.items()) {
    if (item.is_string())
      tags[key] = item.get<std::string>();
    else if (item.is_boolean())
      tags[key] = item.get<bool>() ? "True" : "False";
    else
      tags[key] = item.dump();
  }
  return tags;
}

}  // namespace

SnapshotTags::SnapshotTags(const policy::Spec& spec)
    : copy_volume_tags_(spec.optional_bool("copy-volume-tags", true)),
      copy_tags_(string_list(spec, "copy-tags")),
      user_tags_(tag_values(spec)) {
  if (spec.has("copy-tags") && spec.has("copy-volume-tags"))
    spec.child("copy-tags").at_key().fail("give copy-tags or copy-volume-tags, not both");
}

Json SnapshotTags::tags_for(const Json& source, std::map<std::string, std::string> tags,
                            bool copy_all) const {
  if (user_tags_.empty()) tags["custodian_snapshot"] = "";
  bool all = copy_all || std::find(copy_tags_.begin(), copy_tags_.end(), "*") != copy_tags_.end();
  for (const Json& tag : source.value("Tags", Json::array())) {
    std::string key = tag.value("Key", "");
    bool listed = std::find(copy_tags_.begin(), copy_tags_.end(), key) != copy_tags_.end();
    if (listed || (all && !key.starts_with("aws:"))) tags[key] = tag.value("Value", "");
  }
  for (const auto& [key, value] : user_tags_) tags[key] = value;
  Json list = Json::array();
  for (const auto& [key, value] : tags) list.push_back({{"Key", key}, {"Value", value}});
  return list;
}

std::map<std::string, std::string> own_tags(const policy::ActionContext& context,
                                            const std::string& of_key, const std::string& id) {
  std::map<std::string, std::string> tags = {{of_key, id}, {"custos:policy", context.policy_name}};
  if (!context.incident_id.empty()) tags["custos:incident"] = context.incident_id;
  return tags;
}

Json taken_for_incident(const policy::ActionContext& context, const std::string& of_key,
                        const std::string& id) {
  Json ids = Json::array();
  if (context.incident_id.empty()) return ids;
  Json found = context.client.call(
      "ec2", "DescribeSnapshots",
      {{"OwnerIds", {"self"}},
       {"Filters",
        Json::array({{{"Name", "tag:custos:incident"}, {"Values", {context.incident_id}}},
                     {{"Name", "tag:" + of_key}, {"Values", {id}}}})}});
  for (const Json& snapshot : found.value("Snapshots", Json::array()))
    ids.push_back(snapshot.value("SnapshotId", ""));
  return ids;
}

}  // namespace custos::resources
