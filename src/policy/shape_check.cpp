#include "policy/shape_check.h"

#include "aws/model.h"
#include "aws/protocol.h"

namespace custos::policy {

void check_input_shape(const Spec& spec, std::string_view service, std::string_view operation,
                       const Json& params) {
  auto model = aws::ServiceModel::load(service);
  try {
    aws::serialize_request(*model, model->operation(operation), params, "https://example.com");
  } catch (const InputError& e) {
    spec.fail(std::string(e.what()));
  }
}

}  // namespace custos::policy
