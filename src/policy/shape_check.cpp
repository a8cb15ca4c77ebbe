#include "policy/shape_check.h"

#include "aws/model.h"
#include "aws/protocol.h"
#include "aws/protocol_codec.h"

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

namespace {

void check_value(const aws::Shape& shape, const Json& value, const std::string& path) {
  aws::codec::check_type(shape, value, path);
  if (shape.document) return;
  if (shape.type == "structure") {
    for (const auto& [name, member] : value.items())
      check_value(*aws::codec::member_ref(shape, name, path).shape, member,
                  path.empty() ? name : path + "." + name);
  } else if (shape.type == "list") {
    for (std::size_t i = 0; i < value.size(); ++i)
      check_value(*shape.member.shape, value[i], path + "[" + std::to_string(i) + "]");
  } else if (shape.type == "map") {
    for (const auto& [key, member] : value.items())
      check_value(*shape.value.shape, member, path + "." + key);
  }
}

}  // namespace

void check_given_members(const Spec& spec, std::string_view service, std::string_view operation,
                         const Json& params) {
  auto model = aws::ServiceModel::load(service);
  const aws::ShapeRef& input = model->operation(operation).input;
  try {
    if (!input.shape) throw InputError(std::string(operation) + " takes no parameters");
    check_value(*input.shape, params, "");
  } catch (const InputError& e) {
    spec.fail(std::string(e.what()));
  }
}

}  // namespace custos::policy
