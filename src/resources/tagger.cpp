#include "resources/tagger.h"

#include "policy/describe.h"

namespace custos::resources {

TagMap tags_of(const Json& resource) {
  TagMap tags;
  auto list = resource.find("Tags");
  if (list == resource.end() || !list->is_array()) return tags;
  for (const Json& tag : *list)
    if (tag.contains("Key") && tag["Key"].is_string())
      tags[tag["Key"].get<std::string>()] = tag.value("Value", "");
  return tags;
}

namespace {

// UpdateStack's parameters that keep all of `stack` but its tags, which become `tags` (Cloud
// Custodian's _tag_stack; its NotificationArns is NotificationARNs here, so they are kept).
Json stack_update(const Json& stack, const Json& tags) {
  Json params = Json::array(), capabilities = Json::array(), topics = Json::array();
  for (const Json& param : stack.value("Parameters", Json::array()))
    params.push_back(
        {{"ParameterKey", param.value("ParameterKey", "")}, {"UsePreviousValue", true}});
  for (const Json& capability : stack.value("Capabilities", Json::array()))
    capabilities.push_back(capability);
  for (const Json& topic : stack.value("NotificationARNs", Json::array())) topics.push_back(topic);
  return {{"StackName", stack.value("StackName", "")},
          {"UsePreviousTemplate", true},
          {"Capabilities", capabilities},
          {"Parameters", params},
          {"NotificationARNs", topics},
          {"Tags", tags}};
}

Json tag_list(const TagMap& tags) {
  Json list = Json::array();
  for (const auto& [key, value] : tags) list.push_back({{"Key", key}, {"Value", value}});
  return list;
}

}  // namespace

Failures Tagger::set(const policy::ActionContext& context, const Resources& resources,
                     const TagMap& tags) const {
  const auto& client = context.client;
  const auto& tagging = type_->tagging;
  switch (tagging.api) {
    case Api::kEc2:
      return in_batches(context, resources, 25, [&](const Json& names) {
        Json list = Json::array();
        for (const auto& [key, value] : tags) list.push_back({{"Key", key}, {"Value", value}});
        return client.call("ec2", "CreateTags", {{"Resources", names}, {"Tags", list}});
      });
    case Api::kResourceGroups:
      return in_batches(context, resources, 20, [&](const Json& names) {
        return client.call("resourcegroupstaggingapi", "TagResources",
                           {{"ResourceARNList", names}, {"Tags", tags}});
      });
    case Api::kPerResource: {
      Json list = tagging.tags_as_map ? Json::object() : Json::array();
      for (const auto& [key, value] : tags) {
        if (tagging.tags_as_map)
          list[key] = value;
        else
          list.push_back({{tagging.key_member, key}, {tagging.value_member, value}});
      }
      return each(context, resources, [&](const Json& resource) {
        context.client_for(resource).call(type_->service, tagging.tag_operation,
                                          own_params(resource, list, true));
      });
    }
    case Api::kS3:
      return each(context, resources, [&](const Json& bucket) {
        replace_set(context, bucket, [&](TagMap& current) {
          for (const auto& [key, value] : tags) current[key] = value;
        });
      });
    case Api::kCfnStack:
      return each(context, resources, [&](const Json& stack) {
        TagMap current = tags_of(stack);
        for (const auto& [key, value] : tags) current[key] = value;
        context.client_for(stack).call("cloudformation", "UpdateStack",
                                       stack_update(stack, tag_list(current)));
      });
  }
  return {};
}

Failures Tagger::remove(const policy::ActionContext& context, const Resources& resources,
                        const std::map<std::string, std::optional<std::string>>& keys) const {
  const auto& client = context.client;
  const auto& tagging = type_->tagging;
  Json names = Json::array();
  for (const auto& [key, unused] : keys) names.push_back(key);
  switch (tagging.api) {
    case Api::kEc2:
      return in_batches(context, resources, 100, [&](const Json& ids) {
        Json list = Json::array();
        for (const auto& [key, value] : keys)
          list.push_back(value ? Json{{"Key", key}, {"Value", *value}} : Json{{"Key", key}});
        return client.call("ec2", "DeleteTags", {{"Resources", ids}, {"Tags", list}});
      });
    case Api::kResourceGroups:
      return in_batches(context, resources, 20, [&](const Json& arns) {
        return client.call("resourcegroupstaggingapi", "UntagResources",
                           {{"ResourceARNList", arns}, {"TagKeys", names}});
      });
    case Api::kPerResource:
      return each(context, resources, [&](const Json& resource) {
        context.client_for(resource).call(type_->service, tagging.untag_operation,
                                          own_params(resource, names, false));
      });
    case Api::kS3:
      return each(context, resources, [&](const Json& bucket) {
        replace_set(context, bucket, [&](TagMap& current) {
          for (const auto& [key, value] : keys)
            if (!value || current[key] == *value) current.erase(key);
        });
      });
    case Api::kCfnStack:
      return each(context, resources, [&](const Json& stack) {
        TagMap current = tags_of(stack);
        for (const auto& [key, value] : keys)
          if (!value || current[key] == *value) current.erase(key);
        context.client_for(stack).call("cloudformation", "UpdateStack",
                                       stack_update(stack, tag_list(current)));
      });
  }
  return {};
}

std::vector<std::string> Tagger::permissions(bool tags, bool untags) const {
  const auto& tagging = type_->tagging;
  std::vector<std::string> names;
  switch (tagging.api) {
    case Api::kEc2:
      if (tags) names.push_back("ec2:CreateTags");
      if (untags) names.push_back("ec2:DeleteTags");
      break;
    case Api::kResourceGroups:
      if (tags) names.push_back("tag:TagResources");
      if (untags) names.push_back("tag:UntagResources");
      break;
    case Api::kPerResource:
      if (tags) names.push_back(policy::iam_action(type_->service, tagging.tag_operation));
      if (untags) names.push_back(policy::iam_action(type_->service, tagging.untag_operation));
      break;
    case Api::kS3:
      names = {"s3:GetBucketTagging", "s3:PutBucketTagging"};
      break;
    case Api::kCfnStack:
      names = {"cloudformation:UpdateStack"};
      break;
  }
  return names;
}

Json Tagger::restore(const policy::ActionContext& context, const Json& resource,
                     const Json& previous) const {
  using policy::undo_call;
  const auto& tagging = type_->tagging;
  Json put = Json::array(), put_map = Json::object(), drop = Json::array();
  for (const auto& [key, value] : previous.items()) {
    if (value.is_null()) {
      drop.push_back(key);
    } else {
      put.push_back({{tagging.key_member, key}, {tagging.value_member, value}});
      put_map[key] = value;
    }
  }
  Json calls = Json::array();
  const std::string name = id(resource);
  switch (tagging.api) {
    case Api::kEc2: {
      Json drop_tags = Json::array();
      for (const Json& key : drop) drop_tags.push_back({{"Key", key}});
      if (!put.empty())
        calls.push_back(undo_call("ec2", "CreateTags", {{"Resources", {name}}, {"Tags", put}}));
      if (!drop.empty())
        calls.push_back(
            undo_call("ec2", "DeleteTags", {{"Resources", {name}}, {"Tags", drop_tags}}));
      break;
    }
    case Api::kResourceGroups: {
      std::string arn = context.arn_of(resource);
      if (!put.empty())
        calls.push_back(undo_call("resourcegroupstaggingapi", "TagResources",
                                  {{"ResourceARNList", {arn}}, {"Tags", put_map}}));
      if (!drop.empty())
        calls.push_back(undo_call("resourcegroupstaggingapi", "UntagResources",
                                  {{"ResourceARNList", {arn}}, {"TagKeys", drop}}));
      break;
    }
    case Api::kPerResource: {
      std::string region = context.client_for(resource).session().region();
      if (!put.empty())
        calls.push_back(undo_call(type_->service, tagging.tag_operation,
                                  own_params(resource, tagging.tags_as_map ? put_map : put, true),
                                  region));
      if (!drop.empty())
        calls.push_back(undo_call(type_->service, tagging.untag_operation,
                                  own_params(resource, drop, false), region));
      break;
    }
    case Api::kS3: {
      // The bucket's whole set as it was listed.
      Json set = resource.value("Tags", Json::array());
      std::string region = context.client_for(resource).session().region();
      calls.push_back(set.empty()
                          ? undo_call("s3", "DeleteBucketTagging", {{"Bucket", name}}, region)
                          : undo_call("s3", "PutBucketTagging",
                                      {{"Bucket", name}, {"Tagging", {{"TagSet", set}}}}, region));
      break;
    }
    case Api::kCfnStack:
      // The stack's whole set as it was described.
      calls.push_back(undo_call("cloudformation", "UpdateStack",
                                stack_update(resource, tag_list(tags_of(resource))),
                                context.client_for(resource).session().region()));
      break;
  }
  return calls;
}

Json Tagger::check(const policy::ActionContext& context, const Json& resource,
                   const Json& after) const {
  if (type_->tagging.api != Api::kEc2 || !after.is_object() || after.empty()) return nullptr;
  using policy::jmespath_literal;
  std::string expect;
  Json keys = Json::array();
  for (const auto& [key, value] : after.items()) {
    Json values = value.is_null() ? Json::array() : Json::array({value});
    expect += (expect.empty() ? "" : " && ") + std::string("Tags[?Key==") + jmespath_literal(key) +
              "].Value == " + jmespath_literal(values);
    keys.push_back(key);
  }
  Json filters = Json::array(
      {{{"Name", "resource-id"}, {"Values", {id(resource)}}}, {{"Name", "key"}, {"Values", keys}}});
  return policy::check_call("ec2", "DescribeTags", {{"Filters", filters}}, expect,
                            context.client_for(resource).session().region());
}

Json Tagger::own_params(const Json& resource, const Json& items, bool tags) const {
  const auto& tagging = type_->tagging;
  Json params = tagging.params;
  if (!tagging.id_param.empty())
    params[tagging.id_param] =
        tagging.id_member.empty() ? id(resource) : resource.value(tagging.id_member, "");
  if (tags && tagging.tags_as_map) {  // {key: value}, as it is
    params[tagging.tags_member] = items;
    return params;
  }
  Json list = Json::array();
  for (const Json& item : items)
    list.push_back(with_item_params(
        resource, tags || !tagging.keys_as_tags ? item : Json{{tagging.key_member, item}}));
  params[tags ? tagging.tags_member : tagging.keys_member] = std::move(list);
  return params;
}

Tagger Tagger::with_item_param(const std::string& member, const Json& value) const {
  policy::ResourceType type = *type_;
  type.tagging.item_params[member] = value;
  return Tagger(std::move(type));
}

Json Tagger::with_item_params(const Json& resource, Json item) const {
  if (!item.is_object()) return item;
  for (const auto& [key, value] : type_->tagging.item_params.items())
    item[key] = value == "{id}" ? Json(id(resource)) : value;
  return item;
}

Failures Tagger::in_batches(const policy::ActionContext& context, const Resources& resources,
                            std::size_t size,
                            const std::function<Json(const Json& names)>& call) const {
  Failures failures;
  const bool by_arn = type_->tagging.api == Api::kResourceGroups;
  for (std::size_t start = 0; start < resources.size(); start += size) {
    Json names = Json::array();
    std::map<std::string, std::string> id_of;
    for (std::size_t i = start; i < std::min(resources.size(), start + size); ++i) {
      std::string name = id(*resources[i]);
      try {
        if (by_arn) name = context.arn_of(*resources[i]);
      } catch (const Error& e) {
        failures[id(*resources[i])] = e.what();
        continue;
      }
      id_of[name] = id(*resources[i]);
      names.push_back(name);
    }
    if (names.empty()) continue;
    try {
      Json result = call(names);
      auto failed = result.find("FailedResourcesMap");
      if (failed == result.end() || !failed->is_object()) continue;
      for (const auto& [name, failure] : failed->items())
        failures[id_of[name]] =
            failure.value("ErrorCode", "") + ": " + failure.value("ErrorMessage", "");
    } catch (const Error& e) {
      for (const auto& [name, resource_id] : id_of) failures[resource_id] = e.what();
    }
  }
  return failures;
}

Failures Tagger::each(const policy::ActionContext&, const Resources& resources,
                      const std::function<void(const Json& resource)>& call) const {
  Failures failures;
  for (const Json* resource : resources) {
    try {
      call(*resource);
    } catch (const Error& e) {
      failures[id(*resource)] = e.what();
    }
  }
  return failures;
}

void Tagger::replace_set(const policy::ActionContext& context, const Json& bucket,
                         const std::function<void(TagMap&)>& change) const {
  aws::Client client = context.client_for(bucket);
  const Json name = {{"Bucket", id(bucket)}};
  // Read afresh: the document may be stale, and the set is written back whole.
  TagMap tags;
  try {
    for (const Json& tag :
         client.call("s3", "GetBucketTagging", name).value("TagSet", Json::array()))
      tags[tag.value("Key", "")] = tag.value("Value", "");
  } catch (const aws::AwsError& e) {
    if (e.code() != "NoSuchTagSet") throw;
  }
  change(tags);
  if (tags.empty()) {
    client.call("s3", "DeleteBucketTagging", name);
    return;
  }
  Json set = Json::array();
  for (const auto& [key, value] : tags) set.push_back({{"Key", key}, {"Value", value}});
  Json params = name;
  params["Tagging"] = {{"TagSet", set}};
  client.call("s3", "PutBucketTagging", params);
}

}  // namespace custos::resources
