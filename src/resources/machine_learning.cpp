// SageMaker: notebook instances, endpoints, endpoint configurations and models, each listed
// by name and completed with its Describe call and tags, as Cloud Custodian's detail_spec.
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::ResourceType;
using Lookup = ResourceType::Lookup;
using Tagging = ResourceType::Tagging;

// `kind`: NotebookInstance, Endpoint, EndpointConfig, Model.
ResourceType sagemaker(std::string name, const std::string& kind, std::string list) {
  std::string arn = kind + "Arn";
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = "sagemaker",
      .enumerate_operation = "List" + kind + "s",
      .result_path = std::move(list) + "[]",
      .details = {{.operation = "Describe" + kind,
                   .params = {{kind + "Name", kind + "Name"}},
                   .required = true},
                  {.operation = "ListTags",
                   .params = {{"ResourceArn", arn}},
                   .select = "Tags",
                   .key = "Tags"}},
      .lookup = Lookup::kEnumerate,
      .id_field = arn,
      .name_field = kind + "Name",
      .date_field = "CreationTime",
      .arn_field = arn,
      .tagging = {.api = Tagging::Api::kPerResource,
                  .tag_operation = "AddTags",
                  .untag_operation = "DeleteTags",
                  .id_param = "ResourceArn"},
      .deletion = ResourceType::Deletion{.operation = "Delete" + kind,
                                         .params = {{kind + "Name", kind + "Name"}},
                                         .gone_codes = {"ValidationException: Could not find",
                                                        "ValidationException: RecordNotFound"}},
  };
}

}  // namespace

void register_machine_learning(policy::Registry& registry) {
  ResourceType notebook = sagemaker("sagemaker-notebook", "NotebookInstance", "NotebookInstances");
  notebook.deletion->when = "contains(['Stopped', 'Failed'], NotebookInstanceStatus)";
  add_type(registry, std::move(notebook));
  add_type(registry, sagemaker("sagemaker-endpoint", "Endpoint", "Endpoints"));
  add_type(registry, sagemaker("sagemaker-endpoint-config", "EndpointConfig", "EndpointConfigs"));
  add_type(registry, sagemaker("sagemaker-model", "Model", "Models"));
}

}  // namespace custos::resources
