#include "resources/type_table.h"

#include <memory>

#include "jmespath/jmespath.h"
#include "policy/age_filter.h"
#include "resources/tag_actions.h"

namespace custos::resources {

policy::DetailCall tags_by_arn(const std::string& arn_path) {
  return {.operation = "GetResources",
          .service = "resourcegroupstaggingapi",
          .params = {{"ResourceARNList", "[" + arn_path + "]"}},
          .select = "ResourceTagMappingList[0].Tags || `[]`",
          .key = "Tags"};
}

void add_age_filter(policy::Registry& registry, const std::string& resource,
                    const std::string& filter, const std::string& date_path) {
  auto path =
      std::make_shared<const jmespath::Expression>(jmespath::Expression::compile(date_path));
  registry.add_filter(resource, filter,
                      policy::age_filter_info(
                          [path](const Json& document, const policy::FilterContext&) {
                            return policy::date_of(path->search(document));
                          },
                          "By the age of " + date_path + " (op, days)", {"op", "days"}));
}

policy::ResourceType::Access shared_with(policy::DetailCall call,
                                         std::optional<policy::ResourceType::Access::Share> share) {
  call.key = "c7n:SharedWith";
  call.absent = Json::array();
  return {.shared_with = "\"c7n:SharedWith\"", .call = std::move(call), .share = std::move(share)};
}

void add_type(policy::Registry& registry, policy::ResourceType type, bool taggable) {
  std::string name = type.name;
  registry.add_resource(std::move(type));
  if (taggable) register_tag_actions(registry, name);
}

policy::ResourceType::CallAction::Option setting(std::string option, std::string field,
                                                 Json default_value) {
  return {.name = std::move(option),
          .param = field,
          .default_value = std::move(default_value),
          .current = field};
}

}  // namespace custos::resources
