#include "resources/type_table.h"

#include "resources/tag_actions.h"

namespace custos::resources {

policy::DetailCall tags_by_arn(const std::string& arn_path) {
  return {.operation = "GetResources",
          .service = "resourcegroupstaggingapi",
          .params = {{"ResourceARNList", "[" + arn_path + "]"}},
          .select = "ResourceTagMappingList[0].Tags || `[]`",
          .key = "Tags"};
}

policy::ResourceType::Access shared_with(policy::DetailCall call) {
  call.key = "c7n:SharedWith";
  call.absent = Json::array();
  return {.shared_with = "\"c7n:SharedWith\"", .call = std::move(call)};
}

void add_type(policy::Registry& registry, policy::ResourceType type, bool taggable) {
  std::string name = type.name;
  registry.add_resource(std::move(type));
  if (taggable) register_tag_actions(registry, name);
}

}  // namespace custos::resources
