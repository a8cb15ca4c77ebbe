#include "resources/kms_key.h"

#include "aws/client.h"
#include "policy/related_filter.h"
#include "policy/spec_numbers.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;
using policy::undo_call;

// The key's metadata as KMS says it is now.
Json key_metadata(const aws::Client& client, const std::string& key_id) {
  return client.call("kms", "DescribeKey", {{"KeyId", key_id}})
      .value("KeyMetadata", Json::object());
}

// A change of a key's state (KeyState): read the state afresh, leave a key already there,
// make the call, and record the calls that put the previous state back.
class KeyStateAction : public policy::PerResourceAction {
 public:
  using PerResourceAction::PerResourceAction;

 protected:
  // Why there is nothing to do for a key in `state`; empty: act.
  virtual std::string settled(const std::string& state) const = 0;
  // Makes the change and returns the state it leaves (at least KeyState).
  virtual Json change(const aws::Client& client, const std::string& key_id) const = 0;
  // The calls that undo it, given the key's metadata before.
  virtual Json undo(const std::string& key_id, const Json& before,
                    const std::string& region) const = 0;

 private:
  ActionRecord apply(const Json& key, ActionContext& context) const override {
    std::string key_id = context.id_of(key);
    Json metadata = key_metadata(context.client, key_id);
    std::string state = metadata.value("KeyState", "");
    std::string why = settled(state);
    if (!why.empty()) return ActionRecord::unchanged(name(), key_id, why);
    ActionRecord record{name(), key_id};
    record.before = {{"KeyState", state}, {"Enabled", metadata.value("Enabled", Json())}};
    record.after = change(context.client, key_id);
    record.summary = "key state " + state + " -> " + record.after.value("KeyState", "?");
    if (record.after.value("DeletionDate", Json()).is_string())
      record.summary += " (deleted on " + record.after["DeletionDate"].get<std::string>() + ")";
    record.undo = undo(key_id, record.before, context.client.session().region());
    record.check = policy::check_call(
        "kms", "DescribeKey", {{"KeyId", key_id}},
        "KeyMetadata.KeyState == " + policy::jmespath_literal(record.after["KeyState"]),
        context.client.session().region());
    return record;
  }
};

Json call_for_state(const aws::Client& client, const std::string& operation,
                    const std::string& key_id, const std::string& state) {
  client.call("kms", operation, {{"KeyId", key_id}});
  return {{"KeyState", state}};
}

// disable and enable (custos's): DisableKey takes the key out of use (nothing can be
// encrypted or decrypted with it), EnableKey puts it back; each undoes the other.
class SetKeyEnabled : public KeyStateAction {
 public:
  explicit SetKeyEnabled(bool enable)
      : KeyStateAction(enable ? "enable" : "disable"), enable_(enable) {}

 private:
  std::string settled(const std::string& state) const override {
    if (state == target()) return "already " + name() + "d";
    if (!enable_ && state.starts_with("Pending") && state.ends_with("Deletion"))
      return "already unusable: " + state;
    return "";
  }
  Json change(const aws::Client& client, const std::string& key_id) const override {
    return call_for_state(client, operation(enable_), key_id, target());
  }
  Json undo(const std::string& key_id, const Json&, const std::string& region) const override {
    return Json::array({undo_call("kms", operation(!enable_), {{"KeyId", key_id}}, region)});
  }
  static const char* operation(bool enable) { return enable ? "EnableKey" : "DisableKey"; }
  std::string target() const { return enable_ ? "Enabled" : "Disabled"; }

  bool enable_;
};

struct Disable : SetKeyEnabled {
  Disable() : SetKeyEnabled(false) {}
};
struct Enable : SetKeyEnabled {
  Enable() : SetKeyEnabled(true) {}
};

// schedule-deletion (Cloud Custodian's KmsKeyScheduleDeletion): deletion after `days` (7 to
// 30, default 30). Until then CancelKeyDeletion undoes it (leaving the key disabled, so undo
// enables a key that was enabled).
class ScheduleDeletion : public KeyStateAction {
 public:
  explicit ScheduleDeletion(const Spec& spec)
      : KeyStateAction("schedule-deletion"), days_(policy::integer_option(spec, "days", 30)) {
    if (days_ < 7 || days_ > 30)
      spec.child("days").fail("'days' must be between 7 and 30, not " + std::to_string(days_));
  }

 private:
  std::string settled(const std::string& state) const override {
    return state == "PendingDeletion" ? "deletion already scheduled" : "";
  }
  Json change(const aws::Client& client, const std::string& key_id) const override {
    Json result = client.call("kms", "ScheduleKeyDeletion",
                              {{"KeyId", key_id}, {"PendingWindowInDays", days_}});
    return {{"KeyState", "PendingDeletion"},
            {"DeletionDate", result.value("DeletionDate", Json())},
            {"PendingWindowInDays", days_}};
  }
  Json undo(const std::string& key_id, const Json& before,
            const std::string& region) const override {
    Json calls = Json::array({undo_call("kms", "CancelKeyDeletion", {{"KeyId", key_id}}, region)});
    if (before.value("KeyState", "") == "Enabled")
      calls.push_back(undo_call("kms", "EnableKey", {{"KeyId", key_id}}, region));
    return calls;
  }

  long long days_;
};

// cancel-deletion (custos's): CancelKeyDeletion. KMS leaves the key disabled; undoing
// schedules the deletion again with the longest wait (30 days), never sooner than before.
class CancelDeletion : public KeyStateAction {
 public:
  CancelDeletion() : KeyStateAction("cancel-deletion") {}

 private:
  std::string settled(const std::string& state) const override {
    return state == "PendingDeletion" ? "" : "no deletion scheduled (state " + state + ")";
  }
  Json change(const aws::Client& client, const std::string& key_id) const override {
    return call_for_state(client, "CancelKeyDeletion", key_id, "Disabled");
  }
  Json undo(const std::string& key_id, const Json&, const std::string& region) const override {
    return Json::array({undo_call("kms", "ScheduleKeyDeletion",
                                  {{"KeyId", key_id}, {"PendingWindowInDays", 30}}, region)});
  }
};

// set-rotation (Cloud Custodian's KmsKeyRotation): automatic rotation on (state: true, the
// default) or off.
class SetRotation : public policy::PerResourceAction {
 public:
  explicit SetRotation(const Spec& spec)
      : PerResourceAction("set-rotation"), state_(spec.optional_bool("state", true)) {}

 private:
  ActionRecord apply(const Json& key, ActionContext& context) const override {
    std::string key_id = context.id_of(key);
    const aws::Client& client = context.client;
    bool enabled = client.call("kms", "GetKeyRotationStatus", {{"KeyId", key_id}})
                       .value("KeyRotationEnabled", false);
    if (enabled == state_)
      return ActionRecord::unchanged(name(), key_id,
                                     std::string("rotation already ") + (state_ ? "on" : "off"));
    auto operation = [](bool on) { return on ? "EnableKeyRotation" : "DisableKeyRotation"; };
    client.call("kms", operation(state_), {{"KeyId", key_id}});
    ActionRecord record{name(), key_id};
    record.before = {{"KeyRotationEnabled", enabled}};
    record.after = {{"KeyRotationEnabled", state_}};
    record.summary = std::string("rotation turned ") + (state_ ? "on" : "off");
    record.undo = Json::array(
        {undo_call("kms", operation(enabled), {{"KeyId", key_id}}, client.session().region())});
    return record;
  }

  bool state_;
};

// key-rotation-status's data: GetKeyRotationStatus's answer, which Cloud Custodian keeps on
// the key under KeyRotationEnabled and filters with `key: KeyRotationEnabled`. A key KMS will
// not answer for (access denied, a custom key store) is judged on an empty answer, as there.
Json rotation_status(const Json& key, const aws::Client& client) {
  try {
    return client.call("kms", "GetKeyRotationStatus", {{"KeyId", key.value("KeyId", "")}});
  } catch (const aws::AwsError& e) {
    if (e.code() == "AccessDeniedException" || e.code() == "UnsupportedOperationException")
      return Json::object();
    throw;
  }
}

}  // namespace

Json kms_key_named(const aws::Client& client, const std::string& named) {
  Json key;
  try {
    key = client.call("kms", "DescribeKey", {{"KeyId", named}}).value("KeyMetadata", Json());
  } catch (const aws::AwsError& e) {
    if (e.code() != "NotFoundException") throw;
    return nullptr;
  }
  if (!key.is_object()) return nullptr;
  Json aliases = Json::array();
  for (const Json& alias : client.call_all("kms", "ListAliases", {{"KeyId", key["KeyId"]}})
                               .value("Aliases", Json::array()))
    aliases.push_back(alias.value("AliasName", ""));
  key["AliasNames"] = aliases;
  key["c7n:AliasName"] = aliases.empty() ? Json("") : aliases[0];
  return key;
}

void register_kms_key(policy::Registry& registry) {
  using Tagging = policy::ResourceType::Tagging;
  registry.add_resource(
      {
          .name = "aws.kms-key",
          .aliases = {"kms-key"},
          .service = "kms",
          .enumerate_operation = "ListKeys",
          .result_path = "Keys[]",
          .details = {{.operation = "DescribeKey",
                       .params = {{"KeyId", "KeyId"}},
                       .select = "KeyMetadata",
                       .absent_codes = {"NotFoundException"},
                       .required = true},
                      {.operation = "ListResourceTags",
                       .params = {{"KeyId", "KeyId"}},
                       .select = "Tags[].{Key: TagKey, Value: TagValue}",
                       .key = "Tags",
                       .absent = Json::array()},
                      {.operation = "ListAliases",
                       .params = {{"KeyId", "KeyId"}},
                       .select = "Aliases[].AliasName",
                       .key = "AliasNames",
                       .omit_empty = true}},
          .lookup = policy::ResourceType::Lookup::kFromId,
          .not_found_codes = {"NotFoundException"},
          .id_field = "KeyId",
          .date_field = "CreationDate",
          .arn_field = "Arn",
          .arn_format = "arn:{partition}:kms:{region}:{account_id}:key/{id}",
          .tagging = {.api = Tagging::Api::kPerResource,
                      .tag_operation = "TagResource",
                      .untag_operation = "UntagResource",
                      .id_param = "KeyId",
                      .key_member = "TagKey",
                      .value_member = "TagValue"},
          .access =
              policy::ResourceType::Access{
                  .policy = "Policy",
                  .call = {.operation = "GetKeyPolicy",
                           .params = {{"KeyId", "KeyId"}, {"PolicyName", "`\"default\"`"}},
                           .select = "Policy",
                           .key = "Policy"},
                  .condition_keys = {"kms:calleraccount", "kms:viaservice", "kms:grantoperations"},
                  .write =
                      policy::ResourceType::Access::Write{
                          .params = {{"KeyId", "KeyId"}, {"PolicyName", "'default'"}},
                          .operation = "PutKeyPolicy",
                          .text_param = "Policy"}},
      });
  registry.add_filter("aws.kms-key", "key-rotation-status",
                      policy::related_filter_info(
                          {.annotation_key = "KeyRotationEnabled",
                           .fetch = rotation_status,
                           .permissions = {"kms:GetKeyRotationStatus"}},
                          "Keys by GetKeyRotationStatus's answer (key: KeyRotationEnabled)"));
  registry.add_action("aws.kms-key", "disable",
                      policy::action_info<Disable>({}, {"kms:DescribeKey", "kms:DisableKey"},
                                                   "Disable the key (EnableKey undoes it)"));
  registry.add_action(
      "aws.kms-key", "enable",
      policy::action_info<Enable>({}, {"kms:DescribeKey", "kms:EnableKey"}, "Enable the key"));
  registry.add_action("aws.kms-key", "schedule-deletion",
                      policy::action_info<ScheduleDeletion>(
                          {"days"}, {"kms:DescribeKey", "kms:ScheduleKeyDeletion"},
                          "Schedule the key's deletion in `days` (7 to 30, default 30); "
                          "cancel-deletion undoes it"));
  registry.add_action(
      "aws.kms-key", "cancel-deletion",
      policy::action_info<CancelDeletion>({}, {"kms:DescribeKey", "kms:CancelKeyDeletion"},
                                          "Cancel a scheduled deletion (the key stays disabled)"));
  registry.add_action(
      "aws.kms-key", "set-rotation",
      policy::action_info<SetRotation>(
          {"state"},
          {"kms:GetKeyRotationStatus", "kms:EnableKeyRotation", "kms:DisableKeyRotation"},
          "Turn automatic key rotation on (state: true, the default) or off"));
  register_tag_actions(registry, "aws.kms-key");
}

}  // namespace custos::resources
