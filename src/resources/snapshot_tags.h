// The tags of a forensic snapshot: Cloud Custodian's copy-tags, copy-volume-tags and tags
// options of its snapshot actions, plus custos's own tags saying what the snapshot is of.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "policy/action.h"
#include "policy/spec.h"

namespace custos::resources {

class SnapshotTags {
 public:
  // Reads copy-tags (tag keys, '*' for all), copy-volume-tags (default true) and tags; fails
  // when both copy options are given.
  explicit SnapshotTags(const policy::Spec& spec);

  // Whether every tag of the volume is copied: copy-volume-tags without copy-tags.
  bool copy_volume_tags() const { return copy_tags_.empty() && copy_volume_tags_; }

  // [{Key, Value}]: `own`, then the tags of `source` that copy-tags names (all but aws:* ones
  // with `copy_all`), then the policy's `tags` (custodian_snapshot when it gives none).
  Json tags_for(const Json& source, std::map<std::string, std::string> own, bool copy_all) const;

 private:
  bool copy_volume_tags_;
  std::vector<std::string> copy_tags_;
  std::map<std::string, std::string> user_tags_;
};

// custos's own tags of a snapshot of `id`: {`of_key`: id} ("custos:instance-id"), the policy and
// the incident.
std::map<std::string, std::string> own_tags(const policy::ActionContext& context,
                                            const std::string& of_key, const std::string& id);

// The ids of the snapshots of `id` this incident already took (tagged so by own_tags): a resumed
// or repeated response must not take a second set. Empty outside an incident.
Json taken_for_incident(const policy::ActionContext& context, const std::string& of_key,
                        const std::string& id);

}  // namespace custos::resources
