// Cloud Custodian's copy on ebs-snapshot and ami: evidence (or an encrypted image) copied to
// another region, or re-encrypted in place. Each copy is tagged custos:copy-of with its source,
// so that a second run finds it rather than copying again; its undo deletes the copy.
#include "aws/client.h"
#include "policy/action.h"
#include "policy/spec.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

constexpr const char* kCopyOf = "custos:copy-of";

// What differs between the two kinds of copy.
struct Kind {
  const char* resource;   // aws.ebs-snapshot
  const char* id;         // SnapshotId: the source's field and the copy's answer
  const char* copy;       // CopySnapshot
  const char* source;     // SourceSnapshotId
  const char* describe;   // DescribeSnapshots
  const char* list;       // Snapshots
  const char* remove;     // DeleteSnapshot: the undo
  const char* remove_id;  // SnapshotId
  // The policy's options: the target region, the encryption flag and the key.
  const char* region_option;
  const char* encrypted_option;
  const char* key_option;
  bool encrypted_by_default;
};

const Kind kSnapshot{.resource = "aws.ebs-snapshot",
                     .id = "SnapshotId",
                     .copy = "CopySnapshot",
                     .source = "SourceSnapshotId",
                     .describe = "DescribeSnapshots",
                     .list = "Snapshots",
                     .remove = "DeleteSnapshot",
                     .remove_id = "SnapshotId",
                     .region_option = "target_region",
                     .encrypted_option = "encrypted",
                     .key_option = "target_key",
                     .encrypted_by_default = true};
const Kind kImage{.resource = "aws.ami",
                  .id = "ImageId",
                  .copy = "CopyImage",
                  .source = "SourceImageId",
                  .describe = "DescribeImages",
                  .list = "Images",
                  .remove = "DeregisterImage",
                  .remove_id = "ImageId",
                  .region_option = "region",
                  .encrypted_option = "encrypt",
                  .key_option = "key-id",
                  .encrypted_by_default = false};

class Copy : public policy::PerResourceAction {
 public:
  Copy(const policy::Spec& spec, const Kind& kind)
      : PerResourceAction("copy"),
        kind_(kind),
        region_(spec.optional_string(kind.region_option)),
        encrypted_(spec.optional_bool(kind.encrypted_option, kind.encrypted_by_default)),
        key_(spec.optional_string(kind.key_option)),
        name_(spec.optional_string("name")),
        description_(spec.optional_string("description")) {
    // Cloud Custodian asks for the key of an encrypted snapshot copy; an image may use the
    // default key.
    if (kind.encrypted_by_default && encrypted_ && key_.empty())
      spec.fail(std::string("an encrypted copy needs '") + kind.key_option +
                "' (the KMS key in the target region), or " + kind.encrypted_option + ": false");
  }

 private:
  policy::ActionRecord apply(const Json& source, policy::ActionContext& context) const override {
    const std::string id = source.value(kind_.id, "");
    const aws::Client& here = context.client_for(source);
    const std::string from = here.session().region();
    const std::string to = region_.empty() ? from : region_;
    const aws::Client there = here.in_region(to);
    // What a copy of the source is found by, also by the record's check (after the undo, a
    // copy asked for by id would be an error, not an empty answer).
    const Json copy_of = {{"Filters", Json::array({{{"Name", std::string("tag:") + kCopyOf},
                                                    {"Values", Json::array({id})}}})}};
    Json found = there.call("ec2", kind_.describe, copy_of);
    if (!found.value(kind_.list, Json::array()).empty())
      return policy::ActionRecord::unchanged(
          name(), id,
          id + " is copied already: " + found[kind_.list][0].value(kind_.id, "") + " in " + to);
    Json params = {{kind_.source, id}, {"SourceRegion", from}, {"Encrypted", encrypted_}};
    if (!key_.empty()) params["KmsKeyId"] = key_;
    std::string description = description_.empty() ? source.value("Description", "") : description_;
    if (!description.empty()) params["Description"] = description;
    if (&kind_ == &kImage) params["Name"] = name_.empty() ? source.value("Name", id) : name_;
    const std::string copy = there.call("ec2", kind_.copy, params).value(kind_.id, "");
    Json tags = source.value("Tags", Json::array());
    tags.push_back({{"Key", kCopyOf}, {"Value", id}});
    there.call("ec2", "CreateTags", {{"Resources", Json::array({copy})}, {"Tags", tags}});
    policy::ActionRecord record{name(), id};
    record.before = Json::object();
    record.after = {{kind_.id, copy}, {"Region", to}};
    record.undo =
        Json::array({policy::undo_call("ec2", kind_.remove, {{kind_.remove_id, copy}}, to)});
    record.check = policy::check_call("ec2", kind_.describe, copy_of,
                                      "length(" + std::string(kind_.list) + ") == `1`", to);
    record.summary =
        "copied " + id + " to " + copy + " in " + to +
        (encrypted_ ? " (encrypted" + (key_.empty() ? "" : " with " + key_) + ")" : "");
    return record;
  }

  const Kind& kind_;
  std::string region_;
  bool encrypted_;
  std::string key_, name_, description_;
};

void add_copy(policy::Registry& registry, const Kind& kind, std::vector<std::string> options,
              std::string description) {
  policy::ActionInfo info;
  info.factory = [&kind, options](const policy::Spec& spec,
                                  const policy::BuildContext&) -> policy::ActionPtr {
    if (spec.value().is_object()) spec.allow_keys(options, "action 'copy'");
    return std::make_unique<Copy>(spec, kind);
  };
  info.permissions = {std::string("ec2:") + kind.copy, std::string("ec2:") + kind.describe,
                      "ec2:CreateTags"};
  info.description = std::move(description);
  info.options = std::move(options);
  registry.add_action(kind.resource, "copy", std::move(info));
}

}  // namespace

void register_copy_actions(policy::Registry& registry) {
  add_copy(registry, kSnapshot, {"target_region", "target_key", "encrypted"},
           "Copy the snapshot (to target_region; encrypted with target_key unless encrypted: "
           "false), tagged as the source and custos:copy-of");
  add_copy(registry, kImage, {"name", "description", "region", "encrypt", "key-id"},
           "Copy the image (to `region`; encrypt with key-id), tagged as the source and "
           "custos:copy-of");
}

}  // namespace custos::resources
