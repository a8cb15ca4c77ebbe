#include "resources/tag_actions.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <set>

#include "aws/client.h"
#include "policy/mark_for_op.h"
#include "policy/python_text.h"
#include "policy/spec_numbers.h"
#include "resources/tagger.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionPtr;
using policy::ActionRecord;
using policy::BuildContext;
using policy::ResourceType;
using policy::Spec;
Json tag_values(const TagMap& tags, const std::vector<std::string>& keys) {
  Json values = Json::object();
  for (const auto& key : keys) {
    auto found = tags.find(key);
    values[key] = found == tags.end() ? Json() : Json(found->second);
  }
  return values;
}

// One record per resource: failed when its batch failed, else `done`.
std::vector<ActionRecord> report(const std::string& action, const Tagger& tagger,
                                 const Resources& resources, const Failures& failures,
                                 ActionContext& context,
                                 const std::function<void(const Json&, ActionRecord&)>& done) {
  std::vector<ActionRecord> records;
  for (const Json* resource : resources) {
    ActionRecord record{action, tagger.id(*resource)};
    auto failed = failures.find(record.resource_id);
    if (failed != failures.end()) {
      record.outcome = ActionRecord::Outcome::kFailed;
      record.error = failed->second;
      record.summary = "failed: " + record.error;
    } else {
      done(*resource, record);
      record.undo = tagger.restore(context, *resource, record.before["Tags"]);
      record.check = tagger.check(context, *resource, record.after["Tags"]);
    }
    context.emit(records, std::move(record));
  }
  return records;
}

std::vector<std::string> keys_of(const TagMap& tags) {
  std::vector<std::string> keys;
  for (const auto& [key, unused] : tags) keys.push_back(key);
  return keys;
}

std::string list_tags(const TagMap& tags) {
  std::string text;
  for (const auto& [key, value] : tags) text += (text.empty() ? "" : ", ") + key + "=" + value;
  return text;
}

// The resources `needs` holds for (their tags would change); the others are recorded in
// `records` as unchanged, with `why`, and nothing is called for them.
Resources needing(const std::string& action, const Tagger& tagger,
                  const std::vector<Json>& resources,
                  const std::function<bool(const TagMap&)>& needs, const std::string& why,
                  ActionContext& context, std::vector<ActionRecord>& records) {
  Resources pending;
  for (const Json& resource : resources) {
    if (needs(tags_of(resource)))
      pending.push_back(&resource);
    else
      context.emit(records, ActionRecord::unchanged(action, tagger.id(resource), why));
  }
  return pending;
}

// Sets tags and records the values they replaced: what tag and mark-for-op share.
std::vector<ActionRecord> set_tags(const std::string& action, const Tagger& tagger,
                                   const std::vector<Json>& resources, const TagMap& tags,
                                   const std::string& summary, ActionContext& context) {
  std::vector<ActionRecord> records;
  Resources pending = needing(
      action, tagger, resources,
      [&](const TagMap& have) {
        return std::any_of(tags.begin(), tags.end(), [&](const auto& tag) {
          auto found = have.find(tag.first);
          return found == have.end() || found->second != tag.second;
        });
      },
      "already tagged " + list_tags(tags), context, records);
  Failures failures = pending.empty() ? Failures{} : tagger.set(context, pending, tags);
  for (auto& record :
       report(action, tagger, pending, failures, context, [&](const Json&resource, ActionRecord&r) {
         r.before = {{"Tags", tag_values(tags_of(resource), keys_of(tags))}};
         r.after = {{"Tags", tags}};
         r.summary = summary;
       }))
    records.push_back(std::move(record));
  return records;
}

// {now}: Cloud Custodian's FormatDate.utcnow(): str() of the UTC time, or strftime of a spec
// after its +N[Mhd] increments (minutes, hours, days).
std::string format_now(std::string spec, std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  if (spec.empty()) {
    auto micros = duration_cast<microseconds>(now.time_since_epoch()).count() % 1000000;
    std::time_t t = system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[48];
    std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    if (micros) std::snprintf(text + n, sizeof text - n, ".%06lld", static_cast<long long>(micros));
    return text;
  }
  for (std::size_t plus = spec.find('+'); plus != std::string::npos; plus = spec.find('+', plus)) {
    std::size_t end = spec.find_first_not_of("0123456789", plus + 1);
    if (end == plus + 1 || end == std::string::npos ||
        std::string("Mdh").find(spec[end]) == std::string::npos) {
      ++plus;
      continue;
    }
    double amount = std::stod(spec.substr(plus + 1, end - plus - 1));
    double unit = spec[end] == 'M' ? 60 : spec[end] == 'h' ? 3600 : 86400;
    now += duration_cast<system_clock::duration>(duration<double>(amount * unit));
    spec.erase(plus, end - plus + 1);
  }
  std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[256];
  return std::string(text, std::strftime(text, sizeof text, spec.c_str(), &tm));
}

// tag / mark: key and value (key defaults to maid_status), and/or a tags mapping; values may
// use {account_id}, {region} and {now} (Cloud Custodian's interpolate_values).
class Tag : public policy::Action {
 public:
  Tag(const Spec& spec, Tagger tagger)
      : tagger_(spec.has("propagate")
                    ? tagger.with_item_param("PropagateAtLaunch",
                                             spec.optional_bool("propagate", false))
                    : std::move(tagger)) {
    if (spec.has("key") && spec.has("tag") && !spec.optional_string("key").empty() &&
        !spec.optional_string("tag").empty())
      spec.child("tag").at_key().fail("give either 'key' or 'tag', not both");
    if (spec.has("tags")) {
      Spec tags = spec.child("tags");
      if (!tags.value().is_object())
        tags.fail("'tags' must be a mapping of tag names to values, not " +
                  policy::json_type_name(tags.value()));
      for (const auto& [key, value] : tags.value().items()) {
        if (value.is_object() || value.is_array() || value.is_null())
          tags.child(key).fail("tag '" + key + "' needs a text value, not " +
                               policy::json_type_name(value));
        templates_[key] = checked_template(tags.child(key), policy::python_str(value));
      }
    }
    std::string value = spec.optional_string("value");
    std::string key = spec.optional_string("key");
    if (key.empty()) key = spec.optional_string("tag", policy::kDefaultMarkTag);
    if (!value.empty()) templates_[key] = checked_template(spec.child("value"), value);
    // A bare `mark` or `tag` (no key, tag, value or tags: Cloud Custodian's documented
    // ec2-require-encrypted-volumes) is valid there and sets no tag (Tag has no default value,
    // DEFAULT_TAG only names the key): custos records the resources as unchanged.
    bare_ = !spec.has("key") && !spec.has("tag") && !spec.has("value") && !spec.has("tags");
    if (templates_.empty() && !bare_) spec.fail("tag needs 'key' and 'value', or a 'tags' mapping");
  }

  std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                    ActionContext& context) const override {
    if (resources.empty()) return {};
    if (bare_) {
      std::vector<ActionRecord> records;
      for (const Json& resource : resources)
        context.emit(records,
                     ActionRecord::unchanged("tag", tagger_.id(resource),
                                             "no tag to set: the action names no key, value or "
                                             "tags (Cloud Custodian sets none either)"));
      return records;
    }
    TagMap tags;
    auto now = std::chrono::system_clock::now();
    for (const auto& [key, text] : templates_)
      tags[key] =
          policy::python_format(text, [&](const std::string& name, const std::string& spec) {
            if (name == "now") return format_now(spec, now);
            if (name == "region") return context.client.session().region();
            return context.account_id();
          });
    return set_tags("tag", tagger_, resources, tags, "tagged " + list_tags(tags), context);
  }

 private:
  static std::string checked_template(const Spec& where, const std::string& text) {
    try {
      policy::python_format(text, [&](const std::string& name, const std::string& spec) {
        if (name != "now" && name != "region" && name != "account_id")
          throw InputError("unknown field {" + name + "} (known: {account_id}, {now}, {region})");
        if (!spec.empty() && name != "now") throw InputError("{" + name + "} takes no format spec");
        return std::string();
      });
    } catch (const InputError& e) {
      where.fail(e.what());
    }
    return text;
  }

  Tagger tagger_;
  TagMap templates_;
  bool bare_ = false;
};

std::vector<std::string> string_list(const Spec& spec, std::string_view key,
                                     std::vector<std::string> fallback) {
  if (!spec.has(key)) return fallback;
  Spec list = spec.child(key);
  std::string what = "'" + std::string(key) + "'";
  if (!list.value().is_array() || list.value().empty())
    list.fail(what + " must be a non-empty list of tag names");
  std::vector<std::string> names;
  for (std::size_t i = 0; i < list.value().size(); ++i) {
    if (!list.value()[i].is_string())
      list.element(i).fail("tag names are strings, not " + policy::json_type_name(list.value()[i]));
    names.push_back(list.value()[i].get<std::string>());
  }
  return names;
}

// remove-tag / unmark / untag: removes the tags named (default maid_status).
class RemoveTag : public policy::Action {
 public:
  RemoveTag(const Spec& spec, Tagger tagger)
      : tagger_(std::move(tagger)),
        keys_(string_list(spec, "tags", {spec.optional_string("key", policy::kDefaultMarkTag)})) {}

  std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                    ActionContext& context) const override {
    std::map<std::string, std::optional<std::string>> keys;
    for (const auto& key : keys_) keys[key] = std::nullopt;
    std::vector<ActionRecord> records;
    Resources pending = needing(
        "remove-tag", tagger_, resources,
        [&](const TagMap& have) {
          return std::any_of(keys_.begin(), keys_.end(),
                             [&](const std::string& key) { return have.count(key) > 0; });
        },
        "has none of the tags to remove", context, records);
    Failures failures = pending.empty() ? Failures{} : tagger_.remove(context, pending, keys);
    for (auto& record : report("remove-tag", tagger_, pending, failures, context,
                               [&](const Json&resource, ActionRecord&record) {
                                 Json before = tag_values(tags_of(resource), keys_);
                                 record.before = {{"Tags", before}};
                                 record.after = {{"Tags", Json::object()}};
                                 std::string had;
                                 for (const auto& key : keys_) {
                                   record.after["Tags"][key] = nullptr;
                                   if (!before[key].is_null())
                                     had += (had.empty() ? "" : ", ") + key + "=" +
                                            before[key].get<std::string>();
                                 }
                                 record.summary = "removed tags " + had;
                               }))
      records.push_back(std::move(record));
    return records;
  }

 private:
  Tagger tagger_;
  std::vector<std::string> keys_;
};

// rename-tag: moves old_key's value to new_key (Cloud Custodian's RenameTag): creates the new
// tag first where the resource has room (EC2 allows 50 tags), then removes the old one (only
// while it still has that value), then creates the new tag on the full ones. aws.asg also takes
// Cloud Custodian's asg form (asg.py RenameTag): `source` and `dest`, the new tag propagating at
// launch as `propagate` says (default true), and with propagate the group's instances renamed
// too (their `source` tag removed, `dest` set to the group's value).
class RenameTag : public policy::Action {
 public:
  RenameTag(const Spec& spec, const BuildContext& context, Tagger tagger)
      : tagger_(std::move(tagger)), asg_form_(spec.has("source") || spec.has("dest")) {
    if (asg_form_) {
      for (const char* generic : {"old_key", "new_key"})
        if (spec.has(generic))
          spec.child(generic).at_key().fail(
              "give either 'source' and 'dest' or 'old_key' and 'new_key', not both");
      old_key_ = required(spec, "source");
      new_key_ = required(spec, "dest");
      propagate_ = spec.optional_bool("propagate", true);
      tagger_ = tagger_.with_item_param("PropagateAtLaunch", propagate_);
      if (propagate_) {
        const policy::ResourceType* ec2 = context.registry.find_resource("aws.ec2");
        if (!ec2) throw std::logic_error("rename-tag: aws.ec2 is not registered");
        instances_.emplace(*ec2);
      }
    } else {
      if (spec.has("propagate"))
        spec.child("propagate")
            .at_key()
            .fail("'propagate' goes with the asg form of rename-tag ('source' and 'dest')");
      old_key_ = required(spec, "old_key");
      new_key_ = required(spec, "new_key");
    }
  }

  std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                    ActionContext& context) const override {
    std::vector<ActionRecord> records;
    std::map<std::string, Resources> by_value;
    for (const Json& resource : resources) {
      TagMap tags = tags_of(resource);
      auto old = tags.find(old_key_);
      if (old != tags.end()) {
        by_value[old->second].push_back(&resource);
        continue;
      }
      context.emit(records, ActionRecord::unchanged("rename-tag", tagger_.id(resource),
                                                    "left as it is: no tag " + old_key_));
    }
    for (const auto& [value, group] : by_value) {
      Failures failures = rename(context, group, value);
      for (auto& record : report("rename-tag", tagger_, group, failures, context,
                                 [&, &value = value](const Json&resource, ActionRecord&r) {
                                   TagMap tags = tags_of(resource);
                                   r.before = {{"Tags", tag_values(tags, {old_key_, new_key_})}};
                                   r.after = {{"Tags", {{old_key_, nullptr}, {new_key_, value}}}};
                                   r.summary = "renamed tag " + old_key_ + " to " + new_key_ +
                                               " (" + value + ")";
                                 })) {
        if (instances_ && record.outcome != ActionRecord::Outcome::kFailed)
          rename_instances(context, *find(group, record.resource_id), value, record);
        records.push_back(std::move(record));
      }
    }
    return records;
  }

 private:
  static constexpr std::size_t kTagLimit = 50;

  static std::string required(const Spec& spec, std::string_view key) {
    std::string value = spec.optional_string(key);
    if (value.empty()) spec.fail("rename-tag needs '" + std::string(key) + "' (a tag name)");
    return value;
  }

  const Json* find(const Resources& group, const std::string& id) const {
    for (const Json* resource : group)
      if (tagger_.id(*resource) == id) return resource;
    throw std::logic_error("rename-tag: no resource " + id);
  }

  Failures rename(const ActionContext& context, const Resources& group,
                  const std::string& value) const {
    Resources roomy, full;
    for (const Json* resource : group)
      (tags_of(*resource).size() < kTagLimit ? roomy : full).push_back(resource);
    Failures failures;
    if (!roomy.empty()) failures.merge(tagger_.set(context, roomy, {{new_key_, value}}));
    // Cloud Custodian's asg form removes the tag whatever its value (DeleteTags by key).
    if (asg_form_)
      failures.merge(tagger_.remove(context, group, {{old_key_, std::nullopt}}));
    else
      failures.merge(tagger_.remove(context, group, {{old_key_, value}}));
    if (!full.empty()) failures.merge(tagger_.set(context, full, {{new_key_, value}}));
    return failures;
  }

  // The group's instances (Cloud Custodian's propagate_instance_tag): their `source` tag
  // removed and `dest` set to the group's value; what they had is kept in the group's record
  // (before.InstanceTags) and its undo puts it back.
  void rename_instances(const ActionContext& context, const Json& group, const std::string& value,
                        ActionRecord& record) const {
    Json ids = Json::array();
    for (const Json& instance : group.value("Instances", Json::array()))
      if (instance.contains("InstanceId")) ids.push_back(instance["InstanceId"]);
    if (ids.empty()) return;
    Json found = context.client.call("ec2", "DescribeTags",
                                     {{"Filters",
                                       {{{"Name", "resource-id"}, {"Values", ids}},
                                        {{"Name", "key"}, {"Values", {old_key_, new_key_}}}}}});
    std::map<std::string, Json> had;
    std::vector<Json> documents;
    for (const Json& id : ids) had[id.get<std::string>()] = Json::array();
    for (const Json& tag : found.value("Tags", Json::array()))
      had[tag.value("ResourceId", "")].push_back(
          {{"Key", tag.value("Key", "")}, {"Value", tag.value("Value", "")}});
    for (const auto& [id, tags] : had) documents.push_back({{"InstanceId", id}, {"Tags", tags}});
    Resources pointers;
    for (const Json& document : documents) pointers.push_back(&document);
    Failures failures = instances_->remove(context, pointers, {{old_key_, std::nullopt}});
    failures.merge(instances_->set(context, pointers, {{new_key_, value}}));
    record.before["InstanceTags"] = Json::object();
    for (const Json& document : documents) {
      std::string id = document["InstanceId"];
      Json before = tag_values(tags_of(document), {old_key_, new_key_});
      record.before["InstanceTags"][id] = before;
      for (Json& call : instances_->restore(context, document, before))
        record.undo.push_back(std::move(call));
    }
    record.after["InstanceTags"] = {{old_key_, nullptr}, {new_key_, value}};
    record.summary += "; and on " + std::to_string(documents.size()) + " instance(s)";
    if (!failures.empty()) {
      std::string why;
      for (const auto& [id, error] : failures) why += (why.empty() ? "" : "; ") + id + ": " + error;
      record.summary += " (failed on instances: " + why + ")";
    }
  }

  Tagger tagger_;
  bool asg_form_;
  std::string old_key_;
  std::string new_key_;
  bool propagate_ = false;
  std::optional<Tagger> instances_;
};

// mark-for-op: tags "MSG" with {op} and {action_date} filled in, so that a later policy with
// the marked-for-op filter acts on the resource once the date has come.
class MarkForOp : public policy::Action {
 public:
  MarkForOp(const Spec& spec, const BuildContext& context, Tagger tagger)
      : tagger_(std::move(tagger)),
        op_(policy::op_option(spec, context)),
        tag_(spec.optional_string("key", spec.optional_string("tag", policy::kDefaultMarkTag))),
        message_(spec.optional_string(
            "message",
            spec.optional_string("msg", "Resource does not meet policy: {op}@{action_date}"))),
        zone_(policy::time_zone_option(spec)),
        days_(policy::number_option(spec, "days", 0)),
        hours_(policy::number_option(spec, "hours", 0)) {
    try {
      message("");
    } catch (const InputError& e) {
      spec.child(spec.has("message") ? "message" : "msg").fail(e.what());
    }
  }

  std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                    ActionContext& context) const override {
    if (resources.empty()) return {};
    std::string date = policy::mark_date(zone_, days_, hours_, std::chrono::system_clock::now());
    return set_tags("mark-for-op", tagger_, resources, {{tag_, message(date)}},
                    "marked for " + op_ + " on " + date + " (tag " + tag_ + ")", context);
  }

 private:
  std::string message(const std::string& date) const {
    return policy::python_format(message_, [&](const std::string& name, const std::string& spec) {
      if ((name != "op" && name != "action_date") || !spec.empty())
        throw InputError("msg may use {op} and {action_date}, not {" + name +
                         (spec.empty() ? "" : ":" + spec) + "}");
      return name == "op" ? op_ : date;
    });
  }

  Tagger tagger_;
  std::string op_;
  std::string tag_;
  std::string message_;
  policy::TimeZone zone_;
  double days_;
  double hours_;
};

// tag-trim (Cloud Custodian's TagTrim): makes room for `space` more tags (default 3) under
// EC2's limit of 50 by removing the alphabetically first tags not in `preserve`; `space: 0`
// removes every tag but those. Tags AWS reserves (aws:...) are neither counted nor removed.
class TagTrim : public policy::Action {
 public:
  static constexpr std::size_t kMaxTags = 50;

  TagTrim(const Spec& spec, Tagger tagger)
      : tagger_(std::move(tagger)),
        space_(static_cast<std::size_t>(policy::number_option(spec, "space", 3, 0, kMaxTags))),
        preserve_(spec.has("preserve") ? string_list(spec, "preserve", {})
                                       : std::vector<std::string>{}) {
    if (spec.has("space") && !spec.value()["space"].is_number_integer())
      spec.child("space").fail("'space' must be a whole number of tags");
  }

  std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                    ActionContext& context) const override {
    std::vector<ActionRecord> records;
    for (const Json& resource : resources) {
      std::vector<std::string> trimmed = to_remove(resource);
      if (trimmed.empty()) {
        context.emit(records, ActionRecord::unchanged("tag-trim", tagger_.id(resource),
                                                      "has room for " + std::to_string(space_) +
                                                          " more tags, or only preserved ones"));
        continue;
      }
      std::map<std::string, std::optional<std::string>> keys;
      for (const auto& key : trimmed) keys[key] = std::nullopt;
      Failures failures = tagger_.remove(context, {&resource}, keys);
      for (auto& record : report("tag-trim", tagger_, {&resource}, failures, context,
                                 [&](const Json&, ActionRecord& r) {
                                   r.before = {{"Tags", tag_values(tags_of(resource), trimmed)}};
                                   r.after = {{"Tags", Json::object()}};
                                   for (const auto& key : trimmed) r.after["Tags"][key] = nullptr;
                                   r.summary = "trimmed tags " + join(trimmed);
                                 }))
        records.push_back(std::move(record));
    }
    return records;
  }

 private:
  std::vector<std::string> to_remove(const Json& resource) const {
    std::vector<std::string> candidates;  // sorted: TagMap is ordered
    std::size_t preserved = 0, count = 0;
    for (const auto& [key, unused] : tags_of(resource)) {
      if (key.starts_with("aws:")) continue;
      ++count;
      if (std::find(preserve_.begin(), preserve_.end(), key) != preserve_.end())
        ++preserved;
      else
        candidates.push_back(key);
    }
    if (space_ == 0) return candidates;
    if (count + space_ <= kMaxTags) return {};
    std::size_t keep = kMaxTags - std::min(kMaxTags, space_ + preserved);
    candidates.resize(candidates.size() > keep ? candidates.size() - keep : 0);
    return candidates;
  }

  static std::string join(const std::vector<std::string>& keys) {
    std::string text;
    for (const auto& key : keys) text += (text.empty() ? "" : ", ") + key;
    return text;
  }

  Tagger tagger_;
  std::size_t space_;
  std::vector<std::string> preserve_;
};

// auto-tag-user (Cloud Custodian's AutoTagUser): on a CloudTrail event, tags the resources with
// who made the call: an IAM user's name, or the last part of a role's or federated user's ARN
// (none for an instance's or an old Lambda's role), or with `value` the user's name, ARN or
// source address; `principal_id_tag` also records the principal id. Without `update`, a
// resource that has the tag already keeps it.
class AutoTagUser : public policy::Action {
 public:
  AutoTagUser(const Spec& spec, const BuildContext& context, Tagger tagger)
      : tagger_(std::move(tagger)),
        tag_(spec.required_string("tag")),
        principal_id_tag_(spec.optional_string("principal_id_tag")),
        value_(spec.has("value") ? spec.one_of("value", {"userName", "arn", "sourceIPAddress"})
                                 : ""),
        update_(spec.optional_bool("update", false)),
        user_types_(string_list(spec, "user-type", {"AssumedRole", "IAMUser", "FederatedUser"})) {
    if (!context.event_mode)
      spec.fail(
          "auto-tag-user tags with who made the call an event names: give the policy an "
          "event mode (mode: {type: cloudtrail, events: [...]})");
    for (std::size_t i = 0; i < user_types_.size(); ++i)
      if (user_types_[i] != "AssumedRole" && user_types_[i] != "IAMUser" &&
          user_types_[i] != "FederatedUser")
        spec.child("user-type")
            .element(i)
            .fail("'" + user_types_[i] +
                  "' is not a user type (IAMUser, AssumedRole, FederatedUser)");
  }

  std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                    ActionContext& context) const override {
    std::vector<ActionRecord> records;
    if (resources.empty() || !context.event) return records;
    TagMap tags =
        tags_for(context.event->contains("detail") ? (*context.event)["detail"] : *context.event);
    if (tags.empty()) {
      for (const Json& resource : resources)
        context.emit(records, ActionRecord::unchanged("auto-tag-user", tagger_.id(resource),
                                                      "the event names no user to tag with"));
      return records;
    }
    std::vector<Json> untagged;
    for (const Json& resource : resources) {
      if (!update_ && tags_of(resource).contains(tag_))
        context.emit(records, ActionRecord::unchanged("auto-tag-user", tagger_.id(resource),
                                                      "already tagged " + tag_));
      else
        untagged.push_back(resource);
    }
    for (ActionRecord& record :
         set_tags("auto-tag-user", tagger_, untagged, tags, "tagged " + list_tags(tags), context))
      records.push_back(std::move(record));
    return records;
  }

 private:
  // The tags for the call `event` (a CloudTrail record) describes; none when it is not a user's.
  TagMap tags_for(const Json& event) const {
    const Json identity = event.value("userIdentity", Json::object());
    const std::string type = identity.value("type", "");
    if (std::find(user_types_.begin(), user_types_.end(), type) == user_types_.end()) return {};
    std::string user, principal = identity.value("principalId", "");
    if (type == "IAMUser") {
      user = identity.value("userName", "");
    } else {
      const std::string arn = identity.value("arn", "");
      user = arn.substr(arn.rfind('/') + 1);
      principal = principal.substr(0, principal.find(':'));
      if (user.starts_with("i-") || user.starts_with("awslambda")) return {};
    }
    std::string chosen;  // `value`'s choice; when it is empty, the user as without it
    if (value_ == "userName")
      chosen = type == "IAMUser" ? identity.value("userName", "")
                                 : identity.value("sessionContext", Json::object())
                                       .value("sessionIssuer", Json::object())
                                       .value("userName", "");
    else if (value_ == "arn")
      chosen = identity.value("arn", "");
    else if (value_ == "sourceIPAddress")
      chosen = event.value("sourceIPAddress", "");
    const std::string value = chosen.empty() ? user : chosen;
    TagMap tags;
    if (!value.empty()) tags[tag_] = value;
    if (!principal_id_tag_.empty() && !principal.empty()) tags[principal_id_tag_] = principal;
    return tags;
  }

  Tagger tagger_;
  std::string tag_, principal_id_tag_, value_;
  bool update_;
  std::vector<std::string> user_types_;
};

template <typename ActionType>
policy::ActionInfo tag_action(std::vector<std::string> options,
                              std::vector<std::string> permissions, std::string description) {
  policy::ActionInfo info;
  info.factory = [options](const Spec& spec, const BuildContext& context) -> ActionPtr {
    std::string name =
        spec.value().is_object() ? spec.value().value("type", "") : spec.value().get<std::string>();
    spec.allow_keys(options, "action '" + name + "'");
    Tagger tagger(context.resource);
    if constexpr (std::is_constructible_v<ActionType, const Spec&, const BuildContext&, Tagger>)
      return std::make_unique<ActionType>(spec, context, std::move(tagger));
    else
      return std::make_unique<ActionType>(spec, std::move(tagger));
  };
  info.permissions = std::move(permissions);
  info.description = std::move(description);
  info.options = std::move(options);
  return info;
}

}  // namespace

void register_tag_actions(policy::Registry& registry, const std::string& resource) {
  if (!registry.find_resource(resource))
    throw std::logic_error("register_tag_actions: register " + resource + " first");
  registry.add_actions_on_first_use(
      resource,
      [resource](const policy::Registry& types, policy::InfoByName<policy::ActionInfo>& actions) {
        const policy::ResourceType& type = *types.find_resource(resource);
        Tagger tagger(type);
        // Options only aws.asg's tag actions take (Tagging::autoscaling_forms).
        auto with = [&](std::vector<std::string> options, std::vector<std::string> asg_options) {
          if (type.tagging.autoscaling_forms)
            options.insert(options.end(), asg_options.begin(), asg_options.end());
          return options;
        };
        auto tag = [&] {
          return tag_action<Tag>(with({"key", "value", "tag", "tags"}, {"propagate"}),
                                 tagger.permissions(true, false),
                                 "Set tags (key and value, or a tags mapping)");
        };
        actions["tag"] = tag();
        if (type.tagging.api == policy::ResourceType::Tagging::Api::kCfnStack) {
          // Cloud Custodian's aws.cfn has only these two (cfn.py).
          actions["remove-tag"] = tag_action<RemoveTag>({"tags"}, tagger.permissions(false, true),
                                                        "Remove tags (default maid_status)");
          return;
        }
        actions["mark"] = tag();
        for (const char* name : {"remove-tag", "unmark", "untag"})
          actions[name] =
              tag_action<RemoveTag>(with({"tags"}, {"key"}), tagger.permissions(false, true),
                                    "Remove tags (default maid_status)");
        actions["rename-tag"] = tag_action<RenameTag>(
            with({"old_key", "new_key"}, {"source", "dest", "propagate"}),
            tagger.permissions(true, true), "Move a tag's value to a new key");
        actions["mark-for-op"] = tag_action<MarkForOp>(
            with({"tag", "msg", "days", "hours", "tz", "op", "custom"}, {"key", "message"}),
            tagger.permissions(true, false),
            "Tag for a later action: marked-for-op selects it once due");
        actions["auto-tag-user"] = tag_action<AutoTagUser>(
            {"tag", "principal_id_tag", "value", "update", "user-type"},
            tagger.permissions(true, false),
            "On a CloudTrail event, tag with who made the call (user name or role session)");
        actions["tag-trim"] =
            tag_action<TagTrim>({"space", "preserve"}, tagger.permissions(false, true),
                                "Remove the first tags not preserved until `space` (default 3) "
                                "more fit under 50");
      });
}

}  // namespace custos::resources
