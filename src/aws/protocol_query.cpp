// query and ec2 request serialization: params flattened to form fields ("Filter.1.Name=...").
#include "aws/protocol_codec.h"
#include "aws/protocol_internal.h"

namespace custos::aws::wire {

using namespace std::string_view_literals;

namespace {

std::string join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

class FormWriter {
 public:
  explicit FormWriter(bool ec2) : ec2_(ec2) {}

  void write(const ShapeRef& ref, const Json& value, const std::string& prefix) {
    if (value.is_null()) return;
    const Shape& shape = *ref.shape;
    codec::check_type(shape, value, prefix);
    if (shape.type == "structure"sv && !shape.document) return structure(shape, value, prefix);
    if (shape.type == "list"sv) return list(ref, value, prefix);
    if (shape.type == "map"sv) return map(ref, value, prefix);
    fields_.emplace_back(prefix, codec::scalar_text(ref, value, prefix, "iso8601"));
  }

  Pairs take() && { return std::move(fields_); }

 private:
  // ec2 names members by queryName, else the capitalized locationName (or member name).
  std::string wire_name(const ShapeRef& ref, const std::string& fallback) const {
    if (ec2_ && !ref.query_name.empty()) return ref.query_name;
    std::string name = ref.location_name.empty() ? fallback : ref.location_name;
    if (ec2_ && !name.empty()) {
      name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    }
    return name;
  }

  void structure(const Shape& shape, const Json& value, const std::string& prefix) {
    for (const auto& [key, member] : value.items()) codec::member_ref(shape, key, prefix);
    for (const auto& [key, ref] : shape.members) {
      if (auto it = value.find(key); it != value.end()) {
        write(ref, *it, join(prefix, wire_name(ref, key)));
      }
    }
  }

  void list(const ShapeRef& ref, const Json& value, const std::string& prefix) {
    const ShapeRef& member = ref.shape->member;
    std::string items = prefix;
    if (!ec2_ && value.empty()) {
      fields_.emplace_back(prefix, "");
      return;
    }
    if (!ec2_ && !ref.flattened) {
      items = prefix + "." + (member.location_name.empty() ? "member" : member.location_name);
    } else if (!ec2_ && !member.location_name.empty()) {
      // A flattened list with a member name replaces the last segment of the prefix.
      const auto dot = prefix.rfind('.');
      items = (dot == std::string::npos ? "" : prefix.substr(0, dot + 1)) + member.location_name;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      write(member, value[i], items + "." + std::to_string(i + 1));
    }
  }

  void map(const ShapeRef& ref, const Json& value, const std::string& prefix) {
    const Shape& shape = *ref.shape;
    const std::string entries = ref.flattened ? prefix : prefix + ".entry";
    const std::string key_name = wire_name(shape.key, "key");
    const std::string value_name = wire_name(shape.value, "value");
    std::size_t i = 0;
    for (const auto& [key, item] : value.items()) {
      const std::string entry = entries + "." + std::to_string(++i) + ".";
      write(shape.key, key, entry + key_name);
      write(shape.value, item, entry + value_name);
    }
  }

  bool ec2_;
  Pairs fields_;
};

std::string form_encode(const Pairs& fields) {
  std::string body;
  for (const auto& [key, value] : fields) {
    if (!body.empty()) body += '&';
    body += codec::percent_encode(key) + "=" + codec::percent_encode(value);
  }
  return body;
}

}  // namespace

Request serialize_query(const ServiceModel& model, const Operation& op, const Json& params) {
  Pairs fields = {{"Action", op.name}, {"Version", model.metadata().api_version}};
  if (op.input.shape) {
    FormWriter writer(model.metadata().protocol == "ec2");
    writer.write(op.input, params, "");
    for (auto& field : std::move(writer).take()) fields.push_back(std::move(field));
  }
  Request request;
  request.method = op.http_method;
  request.path = op.request_uri;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = form_encode(fields);
  return request;
}

}  // namespace custos::aws::wire
