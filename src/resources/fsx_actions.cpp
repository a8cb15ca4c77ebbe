// backup, delete and update on aws.fsx (Cloud Custodian's BackupFileSystem, DeleteFileSystem and
// UpdateFileSystem). backup makes a backup tagged as copy-tags and tags say (the undo deletes
// it); delete deletes the file system, after a final backup so tagged unless skip-snapshot
// (irreversible: the record keeps the file system as it was); update sets the maintenance and
// backup settings of the file system's kind, read back for the undo.
//
// Where custos differs from Cloud Custodian 0.9.21 on purpose (as its later releases do): delete
// and update send the configuration of the file system's own kind (c7n sends
// WindowsConfiguration, and update also LustreConfiguration, to every file system, which AWS
// refuses for the other kinds), and a SCRATCH Lustre file system, which takes no backups, is
// left alone by a delete that asks for a final backup.
#include <algorithm>
#include <map>

#include "aws/client.h"
#include "policy/action.h"
#include "policy/shape_check.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

// The member of DeleteFileSystem's and UpdateFileSystem's input that configures a file system of
// `type` (FileSystemType), and of DeleteFileSystem's answer that names its final backup; empty
// for ONTAP, which has neither.
struct FsxKind {
  std::string config;
  std::string response;
};
FsxKind fsx_kind(const std::string& type) {
  static const std::map<std::string, FsxKind> kinds = {
      {"WINDOWS", {"WindowsConfiguration", "WindowsResponse"}},
      {"LUSTRE", {"LustreConfiguration", "LustreResponse"}},
      {"OPENZFS", {"OpenZFSConfiguration", "OpenZFSResponse"}}};
  auto found = kinds.find(type);
  return found == kinds.end() ? FsxKind{} : found->second;
}

// Cloud Custodian's copy-tags (true, the default: every tag but aws:* ones; false: none; a list
// of keys, '*' for all) and tags (a mapping), coalesced as its coalesce_copy_user_tags does: the
// copied tags the policy's do not name, then the policy's.
class FsxBackupTags {
 public:
  explicit FsxBackupTags(const Spec& spec) {
    if (spec.has("copy-tags")) {
      const Json& copy = spec.value()["copy-tags"];
      bool keys = copy.is_array() && std::all_of(copy.begin(), copy.end(),
                                                 [](const Json& key) { return key.is_string(); });
      if (!copy.is_boolean() && !keys)
        spec.child("copy-tags").fail("'copy-tags' must be true, false or a list of tag keys");
      if (copy.is_boolean()) {
        copy_all_ = copy.get<bool>();
      } else {
        copy_keys_ = copy.get<std::vector<std::string>>();
        copy_all_ = std::find(copy_keys_.begin(), copy_keys_.end(), "*") != copy_keys_.end();
      }
    }
    if (!spec.has("tags")) return;
    const Json& tags = spec.value()["tags"];
    if (!tags.is_object())
      spec.child("tags").fail("'tags' must be a mapping of tag keys to values");
    for (const auto& [key, value] : tags.items()) {
      // Written as text, as Cloud Custodian's str() does.
      if (value.is_string())
        user_[key] = value.get<std::string>();
      else if (value.is_boolean())
        user_[key] = value.get<bool>() ? "True" : "False";
      else
        user_[key] = value.dump();
    }
  }

  // [{Key, Value}] for a backup of `system`.
  Json for_system(const Json& system) const {
    Json tags = Json::array();
    for (const Json& tag : system.value("Tags", Json::array())) {
      std::string key = tag.value("Key", "");
      bool listed =
          copy_all_ || std::find(copy_keys_.begin(), copy_keys_.end(), key) != copy_keys_.end();
      if (listed && !key.starts_with("aws:") && !user_.contains(key))
        tags.push_back({{"Key", key}, {"Value", tag.value("Value", "")}});
    }
    for (const auto& [key, value] : user_) tags.push_back({{"Key", key}, {"Value", value}});
    return tags;
  }

 private:
  bool copy_all_ = true;
  std::vector<std::string> copy_keys_;
  std::map<std::string, std::string> user_;
};

class BackupFileSystem : public policy::PerResourceAction {
 public:
  explicit BackupFileSystem(const Spec& spec) : PerResourceAction("backup"), tags_(spec) {}

 private:
  ActionRecord apply(const Json& system, ActionContext& context) const override {
    const std::string id = context.id_of(system);
    Json params = {{"FileSystemId", id}};
    Json tags = tags_.for_system(system);
    if (!tags.empty()) params["Tags"] = tags;
    Json made;
    try {
      made = context.client.call("fsx", "CreateBackup", params);
    } catch (const aws::AwsError& e) {
      if (e.code() == "FileSystemNotFound") return ActionRecord::unchanged(name(), id, "gone");
      if (e.code() != "BackupInProgress") throw;
      return ActionRecord::unchanged(name(), id, "a backup of it is in progress already");
    }
    const std::string backup = made.value("/Backup/BackupId"_json_pointer, "");
    ActionRecord record{name(), id};
    record.before = system;
    record.after = {{"BackupId", backup}, {"Tags", tags}};
    record.summary = "backup " + backup + " of " + id;
    const std::string& region = context.client.session().region();
    record.undo =
        Json::array({policy::undo_call("fsx", "DeleteBackup", {{"BackupId", backup}}, region)});
    record.check = policy::check_call("fsx", "DescribeBackups", {{"BackupIds", {backup}}},
                                      "length(Backups[?Lifecycle != 'DELETED']) == `1`", region);
    return record;
  }

  FsxBackupTags tags_;
};

class DeleteFileSystem : public policy::PerResourceAction {
 public:
  explicit DeleteFileSystem(const Spec& spec)
      : PerResourceAction("delete"),
        skip_backup_(spec.optional_bool("skip-snapshot", false)),
        tags_(spec) {}

 private:
  ActionRecord apply(const Json& system, ActionContext& context) const override {
    const std::string id = context.id_of(system);
    if (system.value("Lifecycle", "") == "DELETING")
      return ActionRecord::unchanged(name(), id, "being deleted already");
    const std::string type = system.value("FileSystemType", "");
    const std::string deployment =
        system.value("/LustreConfiguration/DeploymentType"_json_pointer, "");
    if (!skip_backup_ && deployment.starts_with("SCRATCH"))
      return ActionRecord::unchanged(name(), id,
                                     "left as it is: a " + deployment +
                                         " Lustre file system takes no final backup "
                                         "(skip-snapshot: true deletes it without one)");
    const FsxKind kind = fsx_kind(type);
    Json params = {{"FileSystemId", id}};
    Json tags = tags_.for_system(system);
    if (!kind.config.empty()) {
      Json config = {{"SkipFinalBackup", skip_backup_}};
      if (!skip_backup_ && !tags.empty()) config["FinalBackupTags"] = tags;
      params[kind.config] = config;
    }
    Json answer;
    try {
      answer = context.client.call("fsx", "DeleteFileSystem", params);
    } catch (const aws::AwsError& e) {
      if (e.code() != "FileSystemNotFound") throw;
      return ActionRecord::unchanged(name(), id, "already deleted");
    }
    ActionRecord record{name(), id};
    record.before = system;
    record.after = {{"Deleted", true}};
    record.summary = "deleted " + id + " (irreversible: this record keeps it as it was)";
    std::string final_backup;
    if (!kind.response.empty() && answer.value(kind.response, Json()).is_object())
      final_backup = answer[kind.response].value("FinalBackupId", "");
    if (!final_backup.empty()) {
      record.after["FinalBackupId"] = final_backup;
      record.summary += "; final backup " + final_backup;
    } else if (skip_backup_) {
      record.summary += "; no final backup (skip-snapshot)";
    } else if (kind.config.empty()) {
      record.summary += "; no final backup (a " + type + " file system takes none)";
    } else {
      record.after["FinalBackupTags"] = tags;
      record.summary += "; with a final backup";
    }
    record.undo = nullptr;
    return record;
  }

  bool skip_backup_;
  FsxBackupTags tags_;
};

// The members named Password (a self-managed Active Directory's) shown as such, not kept.
Json without_passwords(Json value) {
  if (value.is_object()) {
    for (auto& [key, item] : value.items())
      item = key == "Password" ? Json("(not recorded)") : without_passwords(item);
  }
  return value;
}

class UpdateFileSystem : public policy::PerResourceAction {
 public:
  explicit UpdateFileSystem(const Spec& spec) : PerResourceAction("update") {
    for (const char* key : {"WindowsConfiguration", "LustreConfiguration"}) {
      if (!spec.has(key)) continue;
      const Json& given = spec.value()[key];
      if (!given.is_object()) spec.child(key).fail(std::string("'") + key + "' must be a mapping");
      policy::check_given_members(spec.child(key), "fsx", "UpdateFileSystem", {{key, given}});
      settings_[key] = given;
    }
    if (settings_.empty())
      spec.fail("action 'update' needs WindowsConfiguration or LustreConfiguration");
  }

 private:
  ActionRecord apply(const Json& system, ActionContext& context) const override {
    const std::string id = context.id_of(system);
    const std::string type = system.value("FileSystemType", "");
    const std::string key = fsx_kind(type).config;
    if (key.empty() || !settings_.contains(key) || settings_[key].empty())
      return ActionRecord::unchanged(
          name(), id, "left as it is: the policy sets nothing for a " + type + " file system");
    const Json& wanted = settings_[key];
    const Json current = system.value(key, Json::object());
    Json before = Json::object();
    bool same = true;
    for (const auto& [member, value] : wanted.items()) {
      before[member] = current.value(member, Json());
      same = same && before[member] == value;
    }
    if (same) return ActionRecord::unchanged(name(), id, "already so");
    context.client.call("fsx", "UpdateFileSystem", {{"FileSystemId", id}, {key, wanted}});
    ActionRecord record{name(), id};
    record.before = {{key, before}};
    record.after = {{key, without_passwords(wanted)}};
    record.summary = "update " + id + " " + key + " " + record.after[key].dump();
    // The undo puts back what the file system said of each member set; one it did not say (a
    // password) cannot be put back.
    Json restore = Json::object();
    std::vector<std::string> unknown;
    for (const auto& [member, value] : before.items()) {
      if (value.is_null())
        unknown.push_back(member);
      else
        restore[member] = value;
    }
    const std::string& region = context.client.session().region();
    if (restore.empty()) {
      record.undo = nullptr;
      record.summary += " (custos cannot undo it)";
    } else {
      record.undo = Json::array({policy::undo_call(
          "fsx", "UpdateFileSystem", {{"FileSystemId", id}, {key, restore}}, region)});
      for (const std::string& member : unknown)
        record.summary += " (custos cannot put back " + member + ", which it did not say)";
    }
    std::string expect;
    for (const auto& [member, value] : wanted.items())
      if (value.is_primitive())
        expect += std::string(expect.empty() ? "" : " && ") + "FileSystems[0]." + key + "." +
                  member + " == " + policy::jmespath_literal(value);
    if (!expect.empty())
      record.check = policy::check_call("fsx", "DescribeFileSystems", {{"FileSystemIds", {id}}},
                                        expect, region);
    return record;
  }

  Json settings_ = Json::object();  // {WindowsConfiguration: {...}, LustreConfiguration: {...}}
};

}  // namespace

void register_fsx_actions(policy::Registry& registry) {
  registry.add_action(
      "aws.fsx", "backup",
      policy::action_info<BackupFileSystem>(
          {"copy-tags", "tags"}, {"fsx:CreateBackup", "fsx:TagResource"},
          "Back up the file system, the backup tagged with its tags (copy-tags: true, the "
          "default, false, or the keys to copy, '*' for all) and tags; undo deletes the backup"));
  registry.add_action(
      "aws.fsx", "delete",
      policy::action_info<DeleteFileSystem>(
          {"skip-snapshot", "copy-tags", "tags"},
          {"fsx:DeleteFileSystem", "fsx:CreateBackup", "fsx:TagResource"},
          "Delete the file system (irreversible), after a final backup tagged as copy-tags and "
          "tags say unless skip-snapshot"));
  registry.add_action(
      "aws.fsx", "update",
      policy::action_info<UpdateFileSystem>(
          {"WindowsConfiguration", "LustreConfiguration"}, {"fsx:UpdateFileSystem"},
          "Update the settings of the file system's kind (WindowsConfiguration, "
          "LustreConfiguration: UpdateFileSystem's); undo puts back the values it had"));
}

}  // namespace custos::resources
