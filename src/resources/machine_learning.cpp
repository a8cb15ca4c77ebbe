// SageMaker: notebook instances, endpoints, endpoint configurations, models, training and
// transform jobs, each listed by name and completed with its Describe call and tags, as Cloud
// Custodian's detail_spec; and Amazon Machine Learning's models.
#include <tuple>

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
      .actions = {ResourceType::CallAction{.operation = "Delete" + kind,
                                           .params = {{kind + "Name", kind + "Name"}},
                                           .gone_codes = {"ValidationException: Could not find",
                                                          "ValidationException: RecordNotFound"}}},
  };
}

// A job (TrainingJob, TransformJob): listed while in progress, as Cloud Custodian's default
// query, and stopped (there is no delete).
ResourceType sagemaker_job(std::string name, const std::string& kind) {
  ResourceType job = sagemaker(std::move(name), kind, kind + "Summaries");
  job.enumerate_params = {{"StatusEquals", "InProgress"}};
  job.actions = {{.name = "stop",
                  .operation = "Stop" + kind,
                  .params = {{kind + "Name", kind + "Name"}},
                  .when = kind + "Status == 'InProgress'",
                  .gone_codes = {"ValidationException: Could not find", "ResourceNotFound"}}};
  return job;
}

}  // namespace

void register_machine_learning(policy::Registry& registry) {
  ResourceType notebook = sagemaker("sagemaker-notebook", "NotebookInstance", "NotebookInstances");
  notebook.call_action("delete")->when = "contains(['Stopped', 'Failed'], NotebookInstanceStatus)";
  for (auto [action, operation, reverse, state] :
       {std::tuple{"stop", "StopNotebookInstance", "StartNotebookInstance", "InService"},
        std::tuple{"start", "StartNotebookInstance", "StopNotebookInstance", "Stopped"}})
    notebook.actions.push_back({.name = action,
                                .operation = operation,
                                .params = {{"NotebookInstanceName", "NotebookInstanceName"}},
                                .when = "NotebookInstanceStatus == '" + std::string(state) + "'",
                                .undo_operation = reverse,
                                .undo_params = {{"NotebookInstanceName", "NotebookInstanceName"}}});
  add_type(registry, std::move(notebook));
  add_type(registry, sagemaker("sagemaker-endpoint", "Endpoint", "Endpoints"));
  add_type(registry, sagemaker("sagemaker-endpoint-config", "EndpointConfig", "EndpointConfigs"));
  add_type(registry, sagemaker("sagemaker-model", "Model", "Models"));
  add_type(registry, sagemaker_job("sagemaker-job", "TrainingJob"));
  add_type(registry, sagemaker_job("sagemaker-transform-job", "TransformJob"));
  add_type(registry,
           {
               .name = "aws.ml-model",
               .aliases = {"ml-model"},
               .service = "machinelearning",
               .enumerate_operation = "DescribeMLModels",
               .result_path = "Results[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "MLModelId",
               .name_field = "Name",
               .date_field = "CreatedAt",
               .arn_format = "arn:{partition}:machinelearning:{region}:{account_id}:mlmodel/{id}",
               .actions = {{.operation = "DeleteMLModel",
                            .params = {{"MLModelId", "MLModelId"}},
                            .gone_codes = {"ResourceNotFoundException"}}},
           },
           false);
}

}  // namespace custos::resources
